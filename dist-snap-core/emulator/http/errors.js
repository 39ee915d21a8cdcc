/**
 * Error and JSON writing in the shapes the real services use: SharePoint REST (`odata.error`,
 * dialect-dependent) and Graph (`error` with `innerError`). Handlers throw `HttpError`; the
 * dispatcher in server.ts writes it.
 */
import { randomUUID } from "node:crypto";
export const SP_JSON_MINIMAL = "application/json;odata=minimalmetadata;streaming=true;charset=utf-8";
export const SP_JSON_NOMETADATA = "application/json;odata=nometadata;streaming=true;charset=utf-8";
export const SP_JSON_VERBOSE = "application/json;odata=verbose;charset=utf-8";
export const GRAPH_JSON = "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8";
/** SharePoint treats bare `application/json` (what PnPjs sends) as minimal metadata. */
export function dialectOf(req) {
    const accept = (req.headers.accept ?? "").toLowerCase();
    if (accept.includes("odata=verbose"))
        return "verbose";
    if (accept.includes("odata=nometadata") || accept.includes("odata.metadata=none"))
        return "nometadata";
    return "minimal";
}
export function contentTypeFor(dialect) {
    switch (dialect) {
        case "verbose":
            return SP_JSON_VERBOSE;
        case "nometadata":
            return SP_JSON_NOMETADATA;
        default:
            return SP_JSON_MINIMAL;
    }
}
/**
 * Thrown by handlers. `spCode` is the SharePoint `"<hresult>, <type>"` code for kind "sp", or the
 * Graph error code (`itemNotFound`, …) for kind "graph".
 */
export class HttpError extends Error {
    status;
    spCode;
    kind;
    headers;
    constructor(status, spCode, message, kind = "sp", headers = {}) {
        super(message);
        this.status = status;
        this.spCode = spCode;
        this.kind = kind;
        this.headers = headers;
        this.name = "HttpError";
    }
}
export function sendJson(res, status, body, headers = {}) {
    const buf = Buffer.from(JSON.stringify(body), "utf8");
    if (res.headersSent) {
        res.destroy();
        return;
    }
    const hasType = Object.keys(headers).some((k) => k.toLowerCase() === "content-type");
    res.writeHead(status, {
        ...(hasType ? {} : { "Content-Type": SP_JSON_MINIMAL }),
        ...headers,
        "Content-Length": String(buf.length),
    });
    res.end(buf);
}
/** SharePoint REST error body (spo-protocol.md A.4): `odata.error` (minimal/nometadata) or `error` (verbose). */
export function spErrorBody(dialect, code, message) {
    const inner = { code, message: { lang: "en-US", value: message } };
    return dialect === "verbose" ? { error: inner } : { "odata.error": inner };
}
export function sendSpError(req, res, status, code, message, headers = {}) {
    const dialect = dialectOf(req);
    sendJson(res, status, spErrorBody(dialect, code, message), { "Content-Type": contentTypeFor(dialect), ...headers });
}
export function graphErrorBody(code, message) {
    return {
        error: {
            code,
            message,
            innerError: { date: new Date().toISOString().replace(/\.\d{3}Z$/, ""), "request-id": randomUUID(), "client-request-id": randomUUID() },
        },
    };
}
export function sendGraphError(res, status, code, message, headers = {}) {
    sendJson(res, status, graphErrorBody(code, message), { "Content-Type": "application/json", ...headers });
}
/** Writes an HttpError in the shape of the service that raised it. */
export function sendHttpError(req, res, err) {
    if (err.kind === "graph")
        sendGraphError(res, err.status, err.spCode, err.message, err.headers);
    else
        sendSpError(req, res, err.status, err.spCode, err.message, err.headers);
}
//# sourceMappingURL=errors.js.map