/**
 * Writing Entra ID responses: JSON with Entra's no-cache headers and request ids, the AADSTS error
 * body, HTML pages and redirects. Token endpoint errors never carry Retry-After: MSAL would then
 * refuse identical requests locally for a minute (spo-protocol.md B.7).
 */
import { randomUUID } from "node:crypto";
/** An Entra error raised by a handler; `send` turns it into the AADSTS JSON body. */
export class EntraError extends Error {
    status;
    error;
    code;
    suberror;
    claims;
    constructor(status, error, code, message, suberror, claims) {
        super(message);
        this.status = status;
        this.error = error;
        this.code = code;
        this.suberror = suberror;
        this.claims = claims;
        this.name = "EntraError";
    }
}
/** `2026-11-27 11:44:25Z`, the timestamp format of AADSTS messages. */
export function entraTimestamp(date = new Date()) {
    return date.toISOString().replace("T", " ").replace(/\.\d{3}Z$/, "Z");
}
function correlationIdOf(req) {
    const fromQuery = req.url.searchParams.get("client-request-id");
    const fromHeader = req.headers["client-request-id"];
    const id = fromQuery ?? (typeof fromHeader === "string" ? fromHeader : undefined);
    return id !== undefined && /^[0-9a-fA-F-]{36}$/.test(id) ? id.toLowerCase() : randomUUID();
}
function baseHeaders(traceId, correlationId) {
    return {
        "Cache-Control": "no-store, no-cache",
        Pragma: "no-cache",
        "x-ms-request-id": traceId,
        "client-request-id": correlationId,
        "x-ms-ests-server": "2.1.konnekt-emulator",
    };
}
export function sendEntraJson(req, res, status, body) {
    const data = Buffer.from(JSON.stringify(body), "utf8");
    res.writeHead(status, {
        ...baseHeaders(randomUUID(), correlationIdOf(req)),
        "Content-Type": "application/json; charset=utf-8",
        "Content-Length": String(data.length),
    });
    res.end(data);
}
export function entraErrorBody(err, traceId, correlationId, errorUriBase) {
    const timestamp = entraTimestamp();
    const body = {
        error: err.error,
        error_description: `AADSTS${err.code}: ${err.message} Trace ID: ${traceId} Correlation ID: ${correlationId} Timestamp: ${timestamp}`,
        error_codes: [err.code],
        timestamp,
        trace_id: traceId,
        correlation_id: correlationId,
        error_uri: `${errorUriBase}/error?code=${err.code}`,
    };
    if (err.suberror !== undefined)
        body["suberror"] = err.suberror;
    if (err.claims !== undefined)
        body["claims"] = err.claims;
    return body;
}
export function sendEntraError(req, res, err, errorUriBase) {
    const traceId = randomUUID();
    const correlationId = correlationIdOf(req);
    const data = Buffer.from(JSON.stringify(entraErrorBody(err, traceId, correlationId, errorUriBase)), "utf8");
    res.writeHead(err.status, {
        ...baseHeaders(traceId, correlationId),
        "Content-Type": "application/json; charset=utf-8",
        "Content-Length": String(data.length),
    });
    res.end(data);
}
export function sendHtml(res, status, html) {
    const data = Buffer.from(html, "utf8");
    res.writeHead(status, {
        "Content-Type": "text/html; charset=utf-8",
        "Cache-Control": "no-store, no-cache",
        Pragma: "no-cache",
        "X-Frame-Options": "DENY",
        "Content-Length": String(data.length),
    });
    res.end(data);
}
export function sendRedirect(res, location) {
    res.writeHead(302, { Location: location, "Cache-Control": "no-store, no-cache", "Content-Length": "0" });
    res.end();
}
/** Plain JSON for the admin endpoints (tests and scripts). */
export function sendAdminJson(res, status, body) {
    const data = Buffer.from(JSON.stringify(body), "utf8");
    res.writeHead(status, { "Content-Type": "application/json; charset=utf-8", "Content-Length": String(data.length) });
    res.end(data);
}
const HTML_ESCAPES = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
export function escapeHtml(text) {
    return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
}
//# sourceMappingURL=respond.js.map