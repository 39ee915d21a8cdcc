/**
 * Secrets never reach a log line. Two nets, because secrets arrive in two shapes:
 *   - by key: any property named like a credential (Authorization, Cookie, access_token,
 *     refresh_token, client_secret, tempauth, …) at any depth has its value replaced;
 *   - inside strings: `Bearer …` credentials, credential query parameters in URLs (SharePoint's
 *     download URLs carry `tempauth=`, OAuth redirects carry `code=`), and anything shaped like a
 *     JWT are replaced in every string, including messages and error stacks.
 * pino's own `redact` option only knows fixed paths and cannot look inside strings, hence this.
 */
import { stdSerializers } from "pino";
export const REDACTED = "[Redacted]";
const SECRET_KEY = /^(authorization|proxy-authorization|cookie|set-cookie|x-ms-token|password|passwd|secret|client_?secret|token|access_?token|refresh_?token|id_?token|client_?assertion|assertion|code_?verifier|device_?code|tempauth|fedauth|rtfa|sig|signature)$/i;
const STRING_RULES = [
    // Authorization header values written out in text.
    [/\b(Bearer|Basic|NTLM|Negotiate)\s+[A-Za-z0-9\-._~+/=]+/gi, `$1 ${REDACTED}`],
    // Credentials carried in URLs (query or fragment).
    [
        /([?&#;](?:tempauth|access_token|refresh_token|id_token|code|client_secret|client_assertion|code_verifier|token|sig|signature|password)=)[^&#\s"'<>]*/gi,
        `$1${REDACTED}`,
    ],
    // Cookies as header text.
    [/\b((?:set-)?cookie:\s*)[^\r\n]*/gi, `$1${REDACTED}`],
    // JWT-shaped strings (access and id tokens) wherever they appear.
    [/\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/g, REDACTED],
];
const MAX_DEPTH = 10;
export function redactString(text) {
    let out = text;
    for (const [pattern, replacement] of STRING_RULES)
        out = out.replace(pattern, replacement);
    return out;
}
export function isSecretKey(key) {
    return SECRET_KEY.test(key);
}
/** A JSON-safe copy of `value` with secrets replaced. Errors become pino's serialized shape first. */
export function redactValue(value, depth = 0, seen = new WeakSet()) {
    if (typeof value === "string")
        return redactString(value);
    if (typeof value !== "object" || value === null)
        return value;
    if (depth > MAX_DEPTH)
        return "[Truncated]";
    if (seen.has(value))
        return "[Circular]";
    seen.add(value);
    try {
        if (value instanceof Error)
            return redactValue(stdSerializers.err(value), depth + 1, seen);
        if (Buffer.isBuffer(value) || ArrayBuffer.isView(value))
            return `[${value.byteLength} bytes]`;
        if (value instanceof URL)
            return redactString(value.href);
        if (value instanceof Date)
            return value.toISOString();
        if (value instanceof Map)
            return redactEntries(value.entries(), depth, seen);
        if (Array.isArray(value))
            return value.map((v) => redactValue(v, depth + 1, seen));
        // Fetch/undici Headers and similar iterables of [name, value] pairs.
        const entries = value.entries;
        if (typeof entries === "function" && !isPlainObject(value)) {
            return redactEntries(entries.call(value), depth, seen);
        }
        const out = {};
        for (const [k, v] of Object.entries(value))
            out[k] = isSecretKey(k) && v !== undefined && v !== null ? REDACTED : redactValue(v, depth + 1, seen);
        return out;
    }
    finally {
        seen.delete(value);
    }
}
function redactEntries(entries, depth, seen) {
    const out = {};
    for (const [k, v] of entries) {
        const key = String(k);
        out[key] = isSecretKey(key) ? REDACTED : redactValue(v, depth + 1, seen);
    }
    return out;
}
function isPlainObject(value) {
    const proto = Object.getPrototypeOf(value);
    return proto === Object.prototype || proto === null;
}
//# sourceMappingURL=redact.js.map