/**
 * The one error vocabulary of Konnekt. Only `code` and `data` survive worker threads, the tenant
 * worker's IPC channel and JSON-RPC, so every failure a user can see is a KonnektError with a
 * stable string code. Each front end translates codes exactly once: errno (workers/mount/errno.ts),
 * NTSTATUS (Windows adapter, when it lands), JSON-RPC (daemon/rpc/errors.ts). Unknown errors become `internal`.
 */

export const ERROR_CODES = [
  "notFound", // the item, library, site or tenant does not exist (or is not visible to the user)
  "alreadyExists", // a name is taken and the caller did not ask to replace it
  "accessDenied", // SharePoint said 403, or the local policy forbids it
  "notSignedIn", // no usable token: the tenant needs an interactive sign-in
  "claimsChallenge", // conditional access asks for a fresh sign-in with claims
  "throttled", // 429/503 and the retry budget is spent
  "offline", // the service cannot be reached
  "timeout", // a deadline passed
  "cancelled", // the caller aborted
  "conflict", // the ETag moved under a conditional write (412)
  "locked", // co-authoring or check-out lock (423)
  "invalidName", // a name SharePoint cannot store
  "invalidArgument", // bad input from the caller
  "notADirectory",
  "isADirectory",
  "notEmpty",
  "tooLarge", // beyond a size limit (file, request, cache)
  "quotaExceeded", // 507 from the service or the cache budget cannot make room
  "readOnly", // the target cannot be written
  "notSupported", // the operation does not exist on this platform or backend
  "crossDevice", // a move between libraries (drives): SharePoint cannot move it in place; copy, then delete
  "configInvalid", // a configuration value failed validation
  "policyLocked", // a machine policy fixes this setting
  "daemonUnavailable", // the control endpoint cannot be reached
  "serviceError", // SharePoint answered with an error we do not map more precisely
  "internal", // a bug: logged with its stack, shown to users only as this code
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export interface KonnektErrorData {
  /** HTTP status the service returned, when the error came from the service. */
  status?: number;
  /** The service's own error code (e.g. "-2130575338, Microsoft.SharePoint.SPException"). */
  serviceCode?: string;
  /** Seconds the service asked us to wait. */
  retryAfterSeconds?: number;
  /** Free-form, JSON-safe detail (paths, tenant names); never secrets. */
  [key: string]: unknown;
}

export class KonnektError extends Error {
  readonly code: ErrorCode;
  readonly data: KonnektErrorData;

  constructor(code: ErrorCode, message: string, data: KonnektErrorData = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "KonnektError";
    this.code = code;
    this.data = data;
  }

  /** The plain shape that crosses threads, processes and the wire. */
  toJSON(): { code: ErrorCode; message: string; data: KonnektErrorData } {
    return { code: this.code, message: this.message, data: this.data };
  }
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === "string" && (ERROR_CODES as readonly string[]).includes(value);
}

/** Rebuilds a KonnektError from anything that crossed a boundary; unknown shapes become `internal`. */
export function toKonnektError(err: unknown): KonnektError {
  if (err instanceof KonnektError) return err;
  if (typeof err === "object" && err !== null) {
    const o = err as { code?: unknown; message?: unknown; data?: unknown; name?: unknown };
    if (isErrorCode(o.code)) {
      const data = typeof o.data === "object" && o.data !== null ? (o.data as KonnektErrorData) : {};
      return new KonnektError(o.code, typeof o.message === "string" ? o.message : o.code, data, { cause: err });
    }
    if (o.name === "AbortError") return new KonnektError("cancelled", "The operation was cancelled.", {}, { cause: err });
  }
  const message = err instanceof Error ? err.message : String(err);
  return new KonnektError("internal", message, {}, { cause: err });
}
