/**
 * The tenant's HTTP client: every request to SharePoint goes through here, so the retry policy,
 * the request budget, the User-Agent decoration and the token handling apply everywhere (REST via
 * @pnp/sp, the drive API, downloads and uploads).
 */
import { KonnektError, toKonnektError } from "../errors.js";
import { RequestBudget } from "./budget.js";
import { parseRetryAfter, shouldRetry } from "./retry.js";
import { serviceError } from "./sp-errors.js";
import { setTimeout as sleep } from "node:timers/promises";
/** Microsoft asks ISVs to decorate traffic as `ISV|Company|App/Version` ("Avoid getting throttled…"). */
export const USER_AGENT = "NONISV|Konnekt|Konnekt/0.1.0";
export class TenantHttp {
    tokens;
    budget;
    events;
    constructor(tokens, budget = new RequestBudget(), events = {}) {
        this.tokens = tokens;
        this.budget = budget;
        this.events = events;
    }
    async fetch(url, init = {}) {
        const origin = new URL(url).origin;
        const context = init.context ?? `${init.method ?? "GET"} ${new URL(url).pathname}`;
        let tokenRefreshed = false;
        let claims;
        for (let attempt = 1;; attempt++) {
            if (init.signal?.aborted)
                throw new KonnektError("cancelled", `${context}: cancelled.`);
            const release = await this.budget.acquire(init.units ?? 1, init.signal);
            let response;
            let error;
            try {
                const headers = { "User-Agent": USER_AGENT, ...init.headers };
                if (!init.anonymous) {
                    headers.Authorization = `Bearer ${await this.tokens.getToken(origin, { forceRefresh: tokenRefreshed, claims, signal: init.signal })}`;
                }
                response = await fetch(url, { method: init.method ?? "GET", headers, body: init.body ?? null, signal: init.signal, redirect: "manual" });
            }
            catch (err) {
                error = err;
            }
            finally {
                release();
            }
            if (response && (response.ok || response.status === 302 || response.status === 304 || init.accept?.includes(response.status)))
                return response;
            const aborted = init.signal?.aborted ?? false;
            if (error instanceof KonnektError)
                throw error; // token acquisition failed: needs sign-in, offline…
            const decision = shouldRetry({
                attempt,
                status: response?.status,
                retryAfter: response?.headers.get("retry-after"),
                error,
                aborted,
                tokenRefreshed,
            });
            const canReplay = init.replayable !== false;
            if (!decision.retry || !canReplay) {
                if (response) {
                    const text = await response.text().catch(() => "");
                    const retryAfter = parseRetryAfter(response.headers.get("retry-after"));
                    const err = serviceError(response.status, text, context, retryAfter !== undefined ? Math.ceil(retryAfter / 1000) : undefined);
                    if (response.status === 401)
                        this.events.onAuthFailure?.(err);
                    throw err;
                }
                if (aborted)
                    throw new KonnektError("cancelled", `${context}: cancelled.`);
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
            if (decision.refreshToken) {
                tokenRefreshed = true;
                claims = response ? claimsChallenge(response.headers.get("www-authenticate")) : undefined;
            }
            if (decision.delayMs > 0)
                await sleep(decision.delayMs, undefined, { signal: init.signal }).catch(() => undefined);
        }
    }
    async json(url, init = {}) {
        const res = await this.fetch(url, { ...init, headers: { Accept: "application/json;odata=nometadata", ...init.headers } });
        return (await res.json());
    }
}
/**
 * The claims of a continuous-access-evaluation or conditional-access challenge
 * (`WWW-Authenticate: Bearer …, error="insufficient_claims", claims="<base64>"`), decoded to the
 * JSON string MSAL takes as `claims`.
 */
export function claimsChallenge(header) {
    if (!header || !/insufficient_claims/i.test(header))
        return undefined;
    const m = /claims="([^"]+)"/i.exec(header);
    if (!m)
        return undefined;
    try {
        return Buffer.from(m[1], "base64").toString("utf8");
    }
    catch {
        return undefined;
    }
}
//# sourceMappingURL=http.js.map