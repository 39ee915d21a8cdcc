/**
 * @pnp/sp for one tenant, wired to Konnekt's HTTP client: PnPjs builds the REST calls, TenantHttp
 * sends them (tokens, retry policy, budget, User-Agent, one error mapping). Not @pnp/nodejs, which
 * pins an old MSAL (spo-protocol.md B.1).
 */
import { DefaultParse } from "@pnp/queryable";
import { DefaultHeaders, DefaultInit, spfi } from "@pnp/sp";
import "@pnp/sp/webs/index.js";
import "@pnp/sp/lists/index.js";
import "@pnp/sp/folders/index.js";
import "@pnp/sp/files/index.js";
import "@pnp/sp/items/index.js";
import "@pnp/sp/search/index.js";
import "@pnp/sp/profiles/index.js";
function headersOf(init) {
    const out = {};
    new Headers(init.headers).forEach((v, k) => (out[k] = v));
    return out;
}
/** PnPjs behavior: send through TenantHttp instead of fetch. */
export function KonnektSend(http) {
    return (instance) => {
        instance.on.send.clear();
        instance.on.send((url, init) => http.fetch(url.toString(), {
            method: init.method ?? "GET",
            headers: headersOf(init),
            body: init.body ?? null,
            signal: init.signal ?? undefined,
            context: `${init.method ?? "GET"} ${decodeURIComponent(url.pathname)}`,
        }));
        return instance;
    };
}
/** A PnPjs root for the web at `webUrl` (absolute). */
export function spFor(webUrl, http) {
    return spfi(webUrl).using(DefaultHeaders(), DefaultInit(), KonnektSend(http), DefaultParse());
}
//# sourceMappingURL=sp-client.js.map