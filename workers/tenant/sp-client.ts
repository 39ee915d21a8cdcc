/**
 * @pnp/sp for one tenant, wired to Konnekt's HTTP client: PnPjs builds the REST calls, TenantHttp
 * sends them (tokens, retry policy, budget, User-Agent, one error mapping). Not @pnp/nodejs, which
 * pins an old MSAL (spo-protocol.md B.1).
 */
import { DefaultParse, type Queryable } from "@pnp/queryable";
import type { TimelinePipe } from "@pnp/core";
import { DefaultHeaders, DefaultInit, spfi, type SPFI } from "@pnp/sp";
import "@pnp/sp/webs/index.js";
import "@pnp/sp/lists/index.js";
import "@pnp/sp/folders/index.js";
import "@pnp/sp/files/index.js";
import "@pnp/sp/items/index.js";
import "@pnp/sp/search/index.js";
import "@pnp/sp/profiles/index.js";
import type { TenantHttp } from "./http.js";

function headersOf(init: RequestInit): Record<string, string> {
  const out: Record<string, string> = {};
  new Headers(init.headers).forEach((v, k) => (out[k] = v));
  return out;
}

/** PnPjs behavior: send through TenantHttp instead of fetch. */
export function KonnektSend(http: TenantHttp): TimelinePipe<Queryable> {
  return (instance) => {
    instance.on.send.clear();
    instance.on.send((url: URL, init: RequestInit) =>
      http.fetch(url.toString(), {
        method: init.method ?? "GET",
        headers: headersOf(init),
        body: init.body ?? null,
        signal: init.signal ?? undefined,
        context: `${init.method ?? "GET"} ${decodeURIComponent(url.pathname)}`,
      }),
    );
    return instance;
  };
}

/** A PnPjs root for the web at `webUrl` (absolute). */
export function spFor(webUrl: string, http: TenantHttp): SPFI {
  return spfi(webUrl).using(DefaultHeaders(), DefaultInit(), KonnektSend(http), DefaultParse());
}
