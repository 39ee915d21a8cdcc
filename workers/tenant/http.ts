/**
 * The tenant's HTTP client: every request to SharePoint goes through here, so the retry policy,
 * the request budget, the User-Agent decoration and the token handling apply everywhere (REST via
 * @pnp/sp, the drive API, downloads and uploads).
 */
import { KonnektError, toKonnektError } from "../errors.js";
import { RequestBudget } from "./budget.js";
import { DEFAULT_RETRY_POLICY, retryAfterMs, shouldRetry } from "../retry.js";
import { serviceError } from "./sp-errors.js";
import { setTimeout as sleep } from "node:timers/promises";

/** Microsoft asks ISVs to decorate traffic as `ISV|Company|App/Version` ("Avoid getting throttled…"). */
export const USER_AGENT = "NONISV|Konnekt|Konnekt/0.1.0";

export interface TokenProvider {
  /** A bearer token for `resource` (a SharePoint origin); `forceRefresh` after a 401. */
  getToken(resource: string, opts: { forceRefresh?: boolean; claims?: string; signal?: AbortSignal }): Promise<string>;
}

export interface TenantRequestInit {
  method?: string;
  headers?: Record<string, string>;
  body?: RequestInit["body"];
  signal?: AbortSignal;
  /** Request units this call costs against the budget (default 1; uploads/downloads more). */
  units?: number;
  /** Send no Authorization header (pre-authenticated download and upload URLs). */
  anonymous?: boolean;
  /** Statuses the caller handles itself (returned, not thrown), e.g. 404 for existence checks. */
  accept?: number[];
  /** Human context for error messages ("Listing /sites/x/Shared Documents"). */
  context?: string;
  /** Request bodies that are streams cannot be replayed: such calls never retry after sending. */
  replayable?: boolean;
}

export interface HttpEvents {
  onThrottled?(info: { status: number; delayMs: number; url: string }): void;
  onAuthFailure?(err: KonnektError): void;
}

export class TenantHttp {
  constructor(
    private readonly tokens: TokenProvider,
    readonly budget: RequestBudget = new RequestBudget(),
    private readonly events: HttpEvents = {},
  ) {}

  async fetch(url: string, init: TenantRequestInit = {}): Promise<Response> {
    const origin = new URL(url).origin;
    const context = init.context ?? `${init.method ?? "GET"} ${new URL(url).pathname}`;
    let tokenRefreshed = false;
    let claims: string | undefined;
    for (let attempt = 1; ; attempt++) {
      if (init.signal?.aborted) throw new KonnektError("cancelled", `${context}: cancelled.`);
      const release = await this.budget.acquire(init.units ?? 1, init.signal);
      let response: Response | undefined;
      let error: unknown;
      try {
        const headers: Record<string, string> = { "User-Agent": USER_AGENT, ...init.headers };
        if (!init.anonymous) {
          headers.Authorization = `Bearer ${await this.tokens.getToken(origin, { forceRefresh: tokenRefreshed, claims, signal: init.signal })}`;
        }
        response = await fetch(url, { method: init.method ?? "GET", headers, body: init.body ?? null, signal: init.signal, redirect: "manual" });
      } catch (err) {
        error = err;
      } finally {
        release();
      }
      if (response && (response.ok || response.status === 302 || response.status === 304 || init.accept?.includes(response.status))) return response;
      const aborted = init.signal?.aborted ?? false;
      if (error instanceof KonnektError) throw error; // token acquisition failed: needs sign-in, offline…
      const headers = response ? Object.fromEntries(response.headers) : undefined;
      // A 401 refreshes the token once (expired or revoked between acquire and use); everything
      // else follows the shared policy.
      const decision =
        response?.status === 401
          ? tokenRefreshed || aborted
            ? ({ retry: false } as const)
            : { retry: true as const, delayMs: 0 }
          : shouldRetry({ ...(response ? { status: response.status, headers } : { error }) }, attempt, DEFAULT_RETRY_POLICY, init.signal);
      const canReplay = init.replayable !== false;
      if (!decision.retry || !canReplay) {
        if (response) {
          const text = await response.text().catch(() => "");
          const retryAfter = retryAfterMs(headers);
          const err = serviceError(response.status, text, context, retryAfter !== undefined ? Math.ceil(retryAfter / 1000) : undefined);
          if (response.status === 401) this.events.onAuthFailure?.(err);
          throw err;
        }
        if (aborted) throw new KonnektError("cancelled", `${context}: cancelled.`);
        const k = toKonnektError(error);
        throw k.code === "internal" ? new KonnektError("offline", `${context}: SharePoint cannot be reached (${k.message}).`, {}, { cause: error }) : k;
      }
      if (response) {
        await response.body?.cancel().catch(() => undefined);
        if (response.status === 429 || response.status === 503) {
          this.budget.pause(decision.delayMs);
          this.events.onThrottled?.({ status: response.status, delayMs: decision.delayMs, url });
        }
      }
      if (response?.status === 401) {
        tokenRefreshed = true;
        claims = claimsChallenge(response.headers.get("www-authenticate"));
      }
      if (decision.delayMs > 0) await sleep(decision.delayMs, undefined, { signal: init.signal }).catch(() => undefined);
    }
  }

  async json<T>(url: string, init: TenantRequestInit = {}): Promise<T> {
    const res = await this.fetch(url, { ...init, headers: { Accept: "application/json;odata=nometadata", ...init.headers } });
    return (await res.json()) as T;
  }
}

/**
 * The claims of a continuous-access-evaluation or conditional-access challenge
 * (`WWW-Authenticate: Bearer …, error="insufficient_claims", claims="<base64>"`), decoded to the
 * JSON string MSAL takes as `claims`.
 */
export function claimsChallenge(header: string | null): string | undefined {
  if (!header || !/insufficient_claims/i.test(header)) return undefined;
  const m = /claims="([^"]+)"/i.exec(header);
  if (!m) return undefined;
  try {
    return Buffer.from(m[1]!, "base64").toString("utf8");
  } catch {
    return undefined;
  }
}
