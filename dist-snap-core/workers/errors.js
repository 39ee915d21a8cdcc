/**
 * The one error vocabulary of Konnekt. Only `code` and `data` survive worker threads, the tenant
 * worker's IPC channel and JSON-RPC, so every failure a user can see is a KonnektError with a
 * stable string code. Each front end translates codes exactly once: errno (workers/mount/errno.ts),
 * NTSTATUS (Windows adapter), JSON-RPC (daemon/rpc/errors.ts). Unknown errors become `internal`.
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
    "configInvalid", // a configuration value failed validation
    "policyLocked", // a machine policy fixes this setting
    "daemonUnavailable", // the control endpoint cannot be reached
    "serviceError", // SharePoint answered with an error we do not map more precisely
    "internal", // a bug: logged with its stack, shown to users only as this code
];
export class KonnektError extends Error {
    code;
    data;
    constructor(code, message, data = {}, options) {
        super(message, options);
        this.name = "KonnektError";
        this.code = code;
        this.data = data;
    }
    /** The plain shape that crosses threads, processes and the wire. */
    toJSON() {
        return { code: this.code, message: this.message, data: this.data };
    }
}
export function isErrorCode(value) {
    return typeof value === "string" && ERROR_CODES.includes(value);
}
/** Rebuilds a KonnektError from anything that crossed a boundary; unknown shapes become `internal`. */
export function toKonnektError(err) {
    if (err instanceof KonnektError)
        return err;
    if (typeof err === "object" && err !== null) {
        const o = err;
        if (isErrorCode(o.code)) {
            const data = typeof o.data === "object" && o.data !== null ? o.data : {};
            return new KonnektError(o.code, typeof o.message === "string" ? o.message : o.code, data, { cause: err });
        }
        if (o.name === "AbortError")
            return new KonnektError("cancelled", "The operation was cancelled.", {}, { cause: err });
    }
    const message = err instanceof Error ? err.message : String(err);
    return new KonnektError("internal", message, {}, { cause: err });
}
//# sourceMappingURL=errors.js.map