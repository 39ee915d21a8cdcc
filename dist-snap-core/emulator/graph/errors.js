/**
 * Graph-shaped errors for the `/_api/v2.0` drive API and the pre-authenticated URLs.
 *
 * Body: `{"error":{"code","message","innerError":{"date","request-id","client-request-id"}}}` as
 * Graph documents ("Microsoft Graph error responses and resource types"). Store failures are mapped
 * here, in one place, to the status and code the real service answers.
 */
import { randomUUID } from "node:crypto";
import { StoreError } from "../store/types.js";
export class GraphError extends Error {
    status;
    code;
    headers;
    extra;
    constructor(status, code, message, headers = {}, 
    /** Extra top-level members next to `error` (upload sessions add `nextExpectedRanges`). */
    extra = {}) {
        super(message);
        this.status = status;
        this.code = code;
        this.headers = headers;
        this.extra = extra;
        this.name = "GraphError";
    }
}
export const JSON_CONTENT_TYPE = "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8";
export function sendJson(res, status, body, headers = {}) {
    const text = JSON.stringify(body);
    res.writeHead(status, {
        "Content-Type": JSON_CONTENT_TYPE,
        "Content-Length": String(Buffer.byteLength(text)),
        "Cache-Control": "private",
        ...headers,
    });
    res.end(text);
}
export function sendNoContent(res, status = 204, headers = {}) {
    res.writeHead(status, { "Content-Length": "0", ...headers });
    res.end();
}
export function sendGraphError(res, err) {
    if (res.headersSent) {
        res.destroy();
        return;
    }
    const requestId = randomUUID();
    sendJson(res, err.status, {
        error: {
            code: err.code,
            message: err.message,
            innerError: { date: new Date().toISOString().replace(/\.\d{3}Z$/, ""), "request-id": requestId, "client-request-id": requestId },
        },
        ...err.extra,
    }, { "request-id": requestId, ...err.headers });
}
/**
 * Writes a Graph or store failure as Graph does; anything else (the core's body-size and
 * malformed-request errors, programming errors) is rethrown for the core to write in Graph shape.
 */
export function sendFailure(res, err) {
    if (err instanceof GraphError || err instanceof StoreError)
        sendGraphError(res, toGraphError(err));
    else
        throw err;
}
/** Maps anything a handler threw to the Graph error the real service would answer with. */
export function toGraphError(err) {
    if (err instanceof GraphError)
        return err;
    if (err instanceof StoreError) {
        switch (err.code) {
            case "notFound":
                return new GraphError(404, "itemNotFound", "The resource could not be found.");
            case "alreadyExists":
                return new GraphError(409, "nameAlreadyExists", "The specified item name already exists.");
            case "accessDenied":
                return new GraphError(403, "accessDenied", "Access denied");
            case "etagMismatch":
                return new GraphError(412, "resourceModified", "ETag does not match current item's value");
            case "checkedOut":
                return new GraphError(423, "notAllowed", err.message || "The file is checked out for editing by another user.");
            case "locked":
                return new GraphError(423, "resourceLocked", err.message || "The resource you are attempting to access is locked");
            case "notEmpty":
            case "invalidName":
            case "invalidArgument":
            case "notCheckedOut":
                return new GraphError(400, "invalidRequest", err.message);
            case "thresholdExceeded":
                // Graph pages past the list view threshold; reaching this is an emulator bug, not a client error.
                return new GraphError(500, "generalException", err.message);
            case "changeTokenExpired":
                return new GraphError(410, "resyncChangesApplyDifferences", "Resync required. Replace any local items with the server's version (including deletes) if you're sure that the service was up to date with your local changes when you last sync'd. Upload any local changes that the server doesn't know about.");
            case "uploadSession":
                return new GraphError(404, "itemNotFound", "The upload session was not found.");
            case "quotaExceeded":
                return new GraphError(507, "quotaLimitReached", "Insufficient Space Available");
        }
    }
    return new GraphError(500, "generalException", "An unexpected error occurred.");
}
//# sourceMappingURL=errors.js.map