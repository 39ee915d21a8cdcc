import { pipeline } from "node:stream/promises";
import { GraphError, sendFailure } from "./errors.js";
import { etagOf, mimeType } from "./items.js";
/** Parses a `Range` header against a size; undefined = serve the whole body. */
export function parseRange(header, size) {
    if (!header)
        return undefined;
    const m = /^\s*bytes\s*=\s*(.+)$/i.exec(header);
    if (!m)
        return undefined;
    const specs = (m[1] ?? "").split(",");
    if (specs.length !== 1)
        return undefined; // multipart/byteranges is optional; whole body is allowed
    const spec = /^\s*(\d*)\s*-\s*(\d*)\s*$/.exec(specs[0] ?? "");
    if (!spec)
        return undefined;
    const [, a = "", b = ""] = spec;
    if (a === "" && b === "")
        return undefined;
    if (a === "") {
        const n = Number(b);
        if (n === 0)
            return "unsatisfiable";
        return size === 0 ? "unsatisfiable" : { start: Math.max(0, size - n), end: size - 1 };
    }
    const start = Number(a);
    if (start >= size)
        return "unsatisfiable";
    const end = b === "" ? size - 1 : Math.min(Number(b), size - 1);
    if (end < start)
        return undefined; // syntactically invalid: ignore the header
    return { start, end };
}
/** Whether an `If-Match` / `If-Range` entity tag list names this etag (weak prefix and `*` tolerated). */
export function etagMatches(header, etag) {
    const want = etag.replace(/^W\//, "");
    return header
        .split(/,(?=\s*(?:W\/)?")/)
        .map((s) => s.trim().replace(/^W\//, ""))
        .some((t) => t === "*" || t === want);
}
function headerText(v) {
    return Array.isArray(v) ? v.join(",") : v;
}
export function handleDownload(env, tempAuth, req, res) {
    return serveDownload(env, tempAuth, req, res).catch((err) => sendFailure(res, err));
}
async function serveDownload(env, tempAuth, req, res) {
    const tenant = req.tenant;
    const claims = tempAuth.verify(req.url.searchParams.get("tempauth"), "dl");
    const uniqueId = (req.url.searchParams.get("UniqueId") ?? req.url.searchParams.get("uniqueid") ?? "").replace(/[{}]/g, "").toLowerCase();
    if (!tenant || !claims || claims.tenant !== tenant.name || claims.uniqueId !== uniqueId) {
        throw new GraphError(401, "unauthenticated", "Invalid or expired tempauth token.");
    }
    // The URL lives only as long as the bearer session it was minted from (revocation ends it).
    const bearer = tempAuth.bearerOf(claims.session);
    const verified = bearer ? env.tokens.verify(bearer, req.url.origin) : undefined;
    if (!verified || !verified.ok)
        throw new GraphError(401, "unauthenticated", "The session behind this download URL has ended.");
    const store = env.store;
    const item = store.itemByUniqueId(uniqueId);
    if (!item || item.isFolder)
        throw new GraphError(404, "itemNotFound", "File Not Found.");
    const site = store.siteById(tenant.name, item.siteId);
    const user = store.userById(tenant.name, claims.userId);
    if (!site || (user && !store.canAccess(site, user.id)))
        throw new GraphError(403, "accessDenied", "Access denied");
    const content = store.content(uniqueId);
    const size = content.size;
    const etag = etagOf(item);
    const base = {
        "Accept-Ranges": "bytes",
        ETag: etag,
        "Last-Modified": new Date(item.modified).toUTCString(),
        "Content-Type": mimeType(item.name),
        "Content-Disposition": `attachment; filename*=UTF-8''${encodeURIComponent(item.name)}`,
        "Cache-Control": "private",
    };
    const ifMatch = req.headers["if-match"];
    if (ifMatch && !etagMatches(ifMatch, etag)) {
        throw new GraphError(412, "resourceModified", "ETag does not match current item's value", { ETag: etag });
    }
    let range = parseRange(req.headers.range, size);
    const ifRange = headerText(req.headers["if-range"]);
    if (range && ifRange && !etagMatches(ifRange, etag))
        range = undefined;
    if (range === "unsatisfiable") {
        res.writeHead(416, { ...base, "Content-Range": `bytes */${size}`, "Content-Length": "0" });
        res.end();
        return;
    }
    const start = range ? range.start : 0;
    const end = range ? range.end : size - 1;
    const headers = { ...base, "Content-Length": String(Math.max(0, end - start + 1)) };
    if (range)
        headers["Content-Range"] = `bytes ${start}-${end}/${size}`;
    res.writeHead(range ? 206 : 200, headers);
    if (req.method === "HEAD" || size === 0) {
        res.end();
        return;
    }
    const body = content.open(start, end);
    try {
        await pipeline(body, res);
    }
    catch {
        // The client went away (or a reset was injected): nothing more to send.
        body.destroy();
        res.destroy();
    }
}
//# sourceMappingURL=download.js.map