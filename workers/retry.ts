/**
 * The one retry policy for everything a tenant worker sends to Microsoft 365 (STYLE habit 4): the
 * tenant engine's REST and drive calls (workers/tenant/http.ts) and the content engine's ranged
 * downloads, single-request uploads and upload-session fragments all ask `shouldRetry` what to do
 * with a failed attempt; a final failure becomes a KonnektError through workers/tenant/sp-errors.ts.
 *
 * - 429 and 503 honour `Retry-After` (seconds or an HTTP date), as "Avoid getting throttled or blocked
 *   in SharePoint Online" requires; without it, jittered exponential backoff.
 * - Network failures (reset, refused, timeout) retry with backoff; the caller resumes from the last byte
 *   it holds rather than starting over.
 * - A cancelled operation never retries. 507 (quota) and other 4xx are final.
 * - 401/403 from a pre-authenticated download URL means its `tempauth` expired: the caller refreshes the
 *   URL once (`refresh`), it is not a retry of the same request. A 401 from an authorized call
 *   refreshes the token once (the caller owns the token; see tenant/http.ts).
 */
import { KonnektError } from "./errors.js";
import { codeForStatus } from "./tenant/sp-errors.js";

export interface RetryPolicy {
  /** Attempts in total, the first one included. */
  maxAttempts: number;
  /** Backoff before the second attempt when the service gave no Retry-After; doubled each time. */
  baseDelayMs: number;
  /** Upper bound for one wait, Retry-After included (a misbehaving header cannot stall us for hours). */
  maxDelayMs: number;
}

// Eight attempts span roughly half a minute of backoff: long enough to ride out a throttling burst,
// short enough that a read blocked on it fails while the user still waits for it.
export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 8, baseDelayMs: 250, maxDelayMs: 60_000 };

/** What went wrong with one attempt: an HTTP status (with headers) or a thrown error. */
export interface AttemptFailure {
  status?: number;
  headers?: Record<string, string | string[] | undefined>;
  error?: unknown;
}

export type RetryDecision = { retry: true; delayMs: number } | { retry: false };

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

export function isNetworkError(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 4; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && NETWORK_CODES.has(code)) return true;
    if (e instanceof Error && /premature close|socket hang up|other side closed|terminated/i.test(e.message)) return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

export function isAbortError(err: unknown): boolean {
  if (err instanceof KonnektError) return err.code === "cancelled";
  const name = (err as { name?: unknown } | null)?.name;
  return name === "AbortError" || (err as { code?: unknown } | null)?.code === "ABORT_ERR";
}

function header(headers: AttemptFailure["headers"], name: string): string | undefined {
  if (!headers) return undefined;
  const v = headers[name] ?? headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

/** Retry-After as milliseconds: integer seconds or an HTTP date; undefined when absent or unreadable. */
export function retryAfterMs(headers: AttemptFailure["headers"], now = Date.now()): number | undefined {
  const v = header(headers, "retry-after");
  if (v === undefined) return undefined;
  if (/^\s*\d+(\.\d+)?\s*$/.test(v)) return Math.round(Number(v) * 1000);
  const date = Date.parse(v);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function backoff(policy: RetryPolicy, attempt: number): number {
  const exp = policy.baseDelayMs * 2 ** Math.max(0, attempt - 1);
  // Full jitter keeps many readers of one throttled tenant from retrying in lockstep.
  return Math.min(policy.maxDelayMs, Math.round(exp / 2 + Math.random() * (exp / 2)));
}

/**
 * Decides about attempt number `attempt` (1-based) that failed with `failure`.
 * `signal` aborted → never retry.
 */
export function shouldRetry(failure: AttemptFailure, attempt: number, policy: RetryPolicy, signal?: AbortSignal): RetryDecision {
  if (signal?.aborted || isAbortError(failure.error)) return { retry: false };
  if (attempt >= policy.maxAttempts) return { retry: false };
  const status = failure.status;
  if (status === 429 || status === 503 || status === 504) {
    const ra = retryAfterMs(failure.headers);
    return { retry: true, delayMs: Math.min(policy.maxDelayMs, ra ?? backoff(policy, attempt)) };
  }
  if (status === undefined && isNetworkError(failure.error)) return { retry: true, delayMs: backoff(policy, attempt) };
  return { retry: false };
}

/** Waits `ms`, or rejects with `cancelled` as soon as `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(cancelledError());
      return;
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(cancelledError());
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

export function cancelledError(): KonnektError {
  return new KonnektError("cancelled", "The operation was cancelled.");
}

/** The KonnektError for a final HTTP failure without a readable body (downloads, fragments). */
export function errorForStatus(status: number, what: string, headers?: AttemptFailure["headers"]): KonnektError {
  const data: Record<string, unknown> = { status };
  const ra = retryAfterMs(headers);
  if (ra !== undefined) data.retryAfterSeconds = Math.ceil(ra / 1000);
  return new KonnektError(codeForStatus(status, undefined), `${what}: the service answered ${status}.`, data);
}

/** The KonnektError for a final network failure. */
export function networkError(err: unknown, what: string): KonnektError {
  const code = (err as { code?: unknown } | null)?.code;
  return new KonnektError("offline", `${what}: SharePoint could not be reached.`, typeof code === "string" ? { errno: code } : {}, { cause: err });
}
