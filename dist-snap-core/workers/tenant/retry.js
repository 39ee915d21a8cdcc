/**
 * The one retry policy for everything a tenant worker sends to Microsoft 365 (STYLE.md habit 4).
 *
 * - 429/503/504 honour `Retry-After` (seconds or an HTTP-date), as "Avoid getting throttled or
 *   blocked in SharePoint Online" requires; without it, jittered exponential backoff.
 * - A 401 refreshes the token once (an access token can expire or be revoked between acquire and use).
 * - Network failures (reset, refused, timeout) retry with backoff; a cancelled request never retries.
 * - 507 (storage full) and everything else are final.
 */
/** Attempts in total, including the first, for one logical request. */
export const MAX_ATTEMPTS = 8;
/** First backoff when the service gave no Retry-After. */
export const BASE_DELAY_MS = 250;
/** Upper bound on any single wait, including a Retry-After the service asked for. */
export const MAX_DELAY_MS = 60_000;
const RETRYABLE_STATUS = new Set([429, 503, 504]);
const RETRYABLE_NETWORK = new Set(["ECONNRESET", "ECONNREFUSED", "ETIMEDOUT", "EPIPE", "UND_ERR_SOCKET", "UND_ERR_CONNECT_TIMEOUT", "UND_ERR_HEADERS_TIMEOUT", "UND_ERR_BODY_TIMEOUT", "EAI_AGAIN"]);
/** Parses `Retry-After`: delta-seconds or an HTTP-date. Undefined when absent or unreadable. */
export function parseRetryAfter(value, now = Date.now()) {
    if (value === null || value === undefined || value.trim() === "")
        return undefined;
    const v = value.trim();
    if (/^\d+(\.\d+)?$/.test(v))
        return Math.round(Number(v) * 1000);
    const date = Date.parse(v);
    if (Number.isNaN(date))
        return undefined;
    return Math.max(0, date - now);
}
export function backoffMs(attempt, random = Math.random) {
    const ceiling = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** Math.max(0, attempt - 1));
    // Full jitter: spreads retries of many clients hit by one throttling burst.
    return Math.round(ceiling / 2 + random() * (ceiling / 2));
}
export function networkErrorCode(error) {
    let e = error;
    for (let depth = 0; depth < 4 && typeof e === "object" && e !== null; depth++) {
        const code = e.code;
        if (typeof code === "string" && RETRYABLE_NETWORK.has(code))
            return code;
        e = e.cause;
    }
    if (error instanceof TypeError && /fetch failed|terminated|other side closed/i.test(error.message))
        return "ECONNRESET";
    return undefined;
}
export function shouldRetry(o) {
    if (o.aborted)
        return { retry: false };
    if (o.attempt >= MAX_ATTEMPTS)
        return { retry: false };
    const random = o.random ?? Math.random;
    if (o.status === 401) {
        return o.tokenRefreshed ? { retry: false } : { retry: true, delayMs: 0, refreshToken: true };
    }
    if (o.status !== undefined && RETRYABLE_STATUS.has(o.status)) {
        const asked = parseRetryAfter(o.retryAfter, o.now);
        const delayMs = asked !== undefined ? Math.min(MAX_DELAY_MS, asked) : backoffMs(o.attempt, random);
        return { retry: true, delayMs, refreshToken: false };
    }
    if (o.status === undefined && o.error !== undefined && networkErrorCode(o.error) !== undefined) {
        return { retry: true, delayMs: backoffMs(o.attempt, random), refreshToken: false };
    }
    return { retry: false };
}
//# sourceMappingURL=retry.js.map