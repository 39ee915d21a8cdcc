/**
 * The content engine's one retry policy (STYLE habit 4). Every HTTP exchange of the engine — ranged
 * downloads, single-request uploads, upload-session fragments — asks `shouldRetry` what to do with a
 * failed attempt, and turns a final failure into a KonnektError with `errorForStatus`.
 *
 * - 429 and 503 honour `Retry-After` (seconds or an HTTP date), as "Avoid getting throttled or blocked
 *   in SharePoint Online" requires; without it, jittered exponential backoff.
 * - Network failures (reset, refused, timeout) retry with backoff; the caller resumes from the last byte
 *   it holds rather than starting over.
 * - A cancelled operation never retries. 507 (quota) and other 4xx are final.
 * - 401/403 from a pre-authenticated download URL means its `tempauth` expired: the caller refreshes the
 *   URL once (`refresh`), it is not a retry of the same request.
 */
import { KonnektError } from "../errors.js";
// Eight attempts span roughly half a minute of backoff: long enough to ride out a throttling burst,
// short enough that a read blocked on it fails while the user still waits for it.
export const DEFAULT_RETRY_POLICY = { maxAttempts: 8, baseDelayMs: 250, maxDelayMs: 60_000 };
const NETWORK_CODES = new Set([
    "ECONNRESET",
    "ECONNREFUSED",
    "ECONNABORTED",
    "ETIMEDOUT",
    "EPIPE",
    "ENOTFOUND",
    "EAI_AGAIN",
    "EHOSTUNREACH",
    "ENETUNREACH",
    "UND_ERR_SOCKET",
    "UND_ERR_CLOSED",
    "UND_ERR_CONNECT_TIMEOUT",
    "UND_ERR_HEADERS_TIMEOUT",
    "UND_ERR_BODY_TIMEOUT",
    "UND_ERR_RES_CONTENT_LENGTH_MISMATCH",
    "UND_ERR_REQ_CONTENT_LENGTH_MISMATCH",
]);
export function isNetworkError(err) {
    for (let e = err, depth = 0; e && depth < 4; depth++) {
        const code = e.code;
        if (typeof code === "string" && NETWORK_CODES.has(code))
            return true;
        if (e instanceof Error && /premature close|socket hang up|other side closed|terminated/i.test(e.message))
            return true;
        e = e.cause;
    }
    return false;
}
export function isAbortError(err) {
    if (err instanceof KonnektError)
        return err.code === "cancelled";
    const name = err?.name;
    return name === "AbortError" || err?.code === "ABORT_ERR";
}
function header(headers, name) {
    if (!headers)
        return undefined;
    const v = headers[name] ?? headers[name.toLowerCase()];
    return Array.isArray(v) ? v[0] : v;
}
/** Retry-After as milliseconds: integer seconds or an HTTP date; undefined when absent or unreadable. */
export function retryAfterMs(headers, now = Date.now()) {
    const v = header(headers, "retry-after");
    if (v === undefined)
        return undefined;
    if (/^\s*\d+(\.\d+)?\s*$/.test(v))
        return Math.round(Number(v) * 1000);
    const date = Date.parse(v);
    return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
function backoff(policy, attempt) {
    const exp = policy.baseDelayMs * 2 ** Math.max(0, attempt - 1);
    // Full jitter keeps many readers of one throttled tenant from retrying in lockstep.
    return Math.min(policy.maxDelayMs, Math.round(exp / 2 + Math.random() * (exp / 2)));
}
/**
 * Decides about attempt number `attempt` (1-based) that failed with `failure`.
 * `signal` aborted → never retry.
 */
export function shouldRetry(failure, attempt, policy, signal) {
    if (signal?.aborted || isAbortError(failure.error))
        return { retry: false };
    if (attempt >= policy.maxAttempts)
        return { retry: false };
    const status = failure.status;
    if (status === 429 || status === 503 || status === 504) {
        const ra = retryAfterMs(failure.headers);
        return { retry: true, delayMs: Math.min(policy.maxDelayMs, ra ?? backoff(policy, attempt)) };
    }
    if (status === undefined && isNetworkError(failure.error))
        return { retry: true, delayMs: backoff(policy, attempt) };
    return { retry: false };
}
/** Waits `ms`, or rejects with `cancelled` as soon as `signal` aborts. */
export function sleep(ms, signal) {
    return new Promise((resolve, reject) => {
        if (signal?.aborted) {
            reject(cancelledError());
            return;
        }
        const timer = setTimeout(() => {
            signal?.removeEventListener("abort", onAbort);
            resolve();
        }, ms);
        const onAbort = () => {
            clearTimeout(timer);
            reject(cancelledError());
        };
        signal?.addEventListener("abort", onAbort, { once: true });
    });
}
export function cancelledError() {
    return new KonnektError("cancelled", "The operation was cancelled.");
}
/** The KonnektError for a final HTTP failure. */
export function errorForStatus(status, what, headers) {
    let code;
    if (status === 429 || status === 503 || status === 504)
        code = "throttled";
    else if (status === 401)
        code = "notSignedIn";
    else if (status === 403)
        code = "accessDenied";
    else if (status === 404 || status === 410)
        code = "notFound";
    else if (status === 409)
        code = "alreadyExists";
    else if (status === 412)
        code = "conflict";
    else if (status === 413)
        code = "tooLarge";
    else if (status === 423)
        code = "locked";
    else if (status === 507)
        code = "quotaExceeded";
    else if (status === 400 || status === 416)
        code = "invalidArgument";
    else
        code = "serviceError";
    const data = { status };
    const ra = retryAfterMs(headers);
    if (ra !== undefined)
        data.retryAfterSeconds = Math.ceil(ra / 1000);
    return new KonnektError(code, `${what}: the service answered ${status}.`, data);
}
/** The KonnektError for a final network failure. */
export function networkError(err, what) {
    const code = err?.code;
    return new KonnektError("offline", `${what}: SharePoint could not be reached.`, typeof code === "string" ? { errno: code } : {}, { cause: err });
}
//# sourceMappingURL=retry.js.map