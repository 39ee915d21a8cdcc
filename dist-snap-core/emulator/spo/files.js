/**
 * SP.File operations (spo-protocol.md A.10–A.12, A.15–A.17): download (`$value`, 200 full body,
 * Range ignored, streamed), overwrite (`PUT $value`), chunked upload sessions, check-out/in,
 * recycle, versions. Upload bodies are streamed to the store whatever Content-Type says (PnPjs
 * labels binary bodies `application/json`).
 */
import { pipeline } from "node:stream/promises";
import { fileEntity, fileEtag, versionEntity } from "./entities.js";
import { badArgument, spError, unsupportedMethod } from "./errors.js";
import { renderCollection, renderNull, renderPrimitive, renderSingle } from "./odata.js";
import { arg, is } from "./path.js";
import { bool, num, str } from "./resources.js";
/** The method a handler acts on: tunnelled methods resolved, HEAD served as GET (Node drops the body). */
export function effectiveMethod(ctx) {
    const m = ctx.req.method.toUpperCase();
    if (m === "HEAD")
        return "GET";
    const tunnel = ctx.req.headers["x-http-method"];
    if (m === "POST" && typeof tunnel === "string" && tunnel.trim() !== "")
        return tunnel.trim().toUpperCase();
    return m;
}
/**
 * `IF-Match`: `*` or absent = unconditional; `"{GUID},n"` (file ETag), `"n"` or `n` (item counter).
 * A GUID naming another object cannot match: 412 like any stale ETag.
 */
export function ifMatch(ctx, item) {
    const raw = ctx.req.headers["if-match"];
    const h = typeof raw === "string" ? raw.trim() : undefined;
    if (!h || h === "*")
        return undefined;
    const m = /^(?:W\/)?"?(?:\{([0-9a-fA-F-]{36})\},)?(\d+)"?$/.exec(h);
    if (!m)
        throw spError(412, "-1, Microsoft.SharePoint.Client.ClientServiceException", `The request ETag value '${h}' does not match the object's ETag value '${fileEtag(item)}'.`);
    if (m[1] !== undefined && m[1].toLowerCase() !== item.uniqueId) {
        throw spError(412, "-1, Microsoft.SharePoint.Client.ClientServiceException", `The request ETag value '${h}' does not match the object's ETag value '${fileEtag(item)}'.`);
    }
    return Number(m[2]);
}
export function bypassSharedLock(ctx) {
    const p = ctx.req.headers.prefer;
    return typeof p === "string" && /bypass-shared-lock/i.test(p);
}
/** The request body for an upload, refused above the single-request limit. */
export function uploadBody(ctx) {
    const len = Number(ctx.req.headers["content-length"] ?? "0");
    if (len > ctx.env.config.maxUploadBytes) {
        throw spError(413, "-2147024809, System.ArgumentException", "The request message is too big. The server does not allow messages larger than the configured limit.");
    }
    return ctx.req.stream();
}
export async function streamContent(ctx, handle, etag, modified) {
    const headers = {
        "Content-Type": "application/octet-stream",
        "Content-Length": String(handle.size),
        // The REST `$value` endpoint ignores Range (A.10): no Accept-Ranges, always 200.
    };
    if (etag !== undefined)
        headers.ETag = etag;
    if (modified !== undefined)
        headers["Last-Modified"] = new Date(modified).toUTCString();
    ctx.res.writeHead(200, ctx.headers(headers));
    if (ctx.req.method.toUpperCase() === "HEAD" || handle.size === 0) {
        ctx.res.end();
        return;
    }
    try {
        await pipeline(handle.open(), ctx.res);
    }
    catch {
        // The client went away or the store failed mid-body: the connection is already torn down.
        ctx.res.destroy();
    }
}
export function sendFile(ctx, item) {
    ctx.json(200, renderSingle(fileEntity(ctx, item), ctx, ctx.query), { ETag: fileEtag(item) });
}
function action(name, run) {
    return { k: "action", name, run };
}
function requirePost(ctx) {
    const m = effectiveMethod(ctx);
    if (m !== "POST")
        throw unsupportedMethod(ctx.req.method);
}
function checkinType(v) {
    const n = typeof v === "string" ? Number(v) : typeof v === "number" ? v : 1;
    if (n === 0 || n === 1 || n === 2)
        return n;
    throw badArgument("The parameter checkInType has an invalid value.");
}
function uploadIdOf(seg) {
    const id = str(arg(seg, "uploadId", 0), "uploadId").replace(/[{}]/g, "").toLowerCase();
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(id))
        throw badArgument("The parameter uploadId is not a GUID.");
    return id;
}
function int64(ctx, value, fn) {
    ctx.json(200, renderPrimitive(String(value), "Edm.Int64", fn, ctx));
}
export function fileActions(ctx, r, seg) {
    if (r.k === "version" && is(seg, "$value")) {
        return action("$value", async () => {
            const v = r.version;
            await streamContent(ctx, ctx.store.content(r.file.uniqueId, v.versionId), undefined, v.created);
        });
    }
    if (r.k === "versions")
        return versionsActions(ctx, r.file, seg);
    if (r.k !== "file")
        return undefined;
    const item = r.item;
    const uid = item.uniqueId;
    const userId = ctx.userId;
    if (is(seg, "$value", "openBinaryStream")) {
        return action("$value", async () => {
            const m = effectiveMethod(ctx);
            if (m === "GET") {
                await streamContent(ctx, ctx.store.content(uid), fileEtag(item), item.modified);
                return;
            }
            if (m !== "PUT")
                throw unsupportedMethod(ctx.req.method);
            const updated = await ctx.store.replaceContent(uid, uploadBody(ctx), { userId, ...ifMatchOpt(ctx, item), bypassSharedLock: bypassSharedLock(ctx) });
            // The real service answers PUT $value with 204 and the new ETag.
            ctx.res.writeHead(204, ctx.headers({ ETag: fileEtag(updated) }));
            ctx.res.end();
        });
    }
    if (is(seg, "checkout")) {
        return action("CheckOut", () => {
            requirePost(ctx);
            ctx.store.checkOut(uid, userId);
            ctx.json(200, renderNull("CheckOut", ctx));
            return Promise.resolve();
        });
    }
    if (is(seg, "checkin")) {
        return action("CheckIn", () => {
            requirePost(ctx);
            const comment = arg(seg, "comment", 0);
            ctx.store.checkIn(uid, userId, typeof comment === "string" ? comment : "", checkinType(arg(seg, "checkInType", 1)));
            ctx.json(200, renderNull("CheckIn", ctx));
            return Promise.resolve();
        });
    }
    if (is(seg, "undoCheckout")) {
        return action("UndoCheckOut", () => {
            requirePost(ctx);
            ctx.store.undoCheckOut(uid, userId);
            ctx.json(200, renderNull("UndoCheckOut", ctx));
            return Promise.resolve();
        });
    }
    if (is(seg, "publish", "unpublish", "approve", "deny")) {
        // No content approval in the emulator's libraries: accepted as no-ops.
        return action(seg.name, () => {
            requirePost(ctx);
            ctx.json(200, renderNull(seg.name, ctx));
            return Promise.resolve();
        });
    }
    if (is(seg, "recycle")) {
        return action("Recycle", () => {
            requirePost(ctx);
            const id = ctx.store.recycle(uid, { userId, ...ifMatchOpt(ctx, item), bypassSharedLock: bypassSharedLock(ctx) });
            ctx.json(200, renderPrimitive(id, "Edm.Guid", "Recycle", ctx));
            return Promise.resolve();
        });
    }
    if (is(seg, "deleteWithParameters")) {
        return action("DeleteWithParameters", async () => {
            requirePost(ctx);
            const body = await ctx.req.json().catch(() => ({}));
            ctx.store.delete(uid, { userId, ...ifMatchOpt(ctx, item), bypassSharedLock: body.parameters?.BypassSharedLock === true || bypassSharedLock(ctx) });
            ctx.empty();
        });
    }
    if (is(seg, "startUpload")) {
        return action("StartUpload", async () => {
            requirePost(ctx);
            const id = uploadIdOf(seg);
            // StartUpload is idempotent for one upload id: a retried start begins the session again.
            if (ctx.store.uploadState(id))
                ctx.store.cancelUpload(id);
            const total = await ctx.store.appendUpload(id, { uniqueId: uid }, 0, uploadBody(ctx), userId);
            int64(ctx, total, "StartUpload");
        });
    }
    if (is(seg, "continueUpload")) {
        return action("ContinueUpload", async () => {
            requirePost(ctx);
            const id = uploadIdOf(seg);
            const offset = num(arg(seg, "fileOffset", 1), "fileOffset");
            const total = await ctx.store.appendUpload(id, { uniqueId: uid }, offset, uploadBody(ctx), userId);
            int64(ctx, total, "ContinueUpload");
        });
    }
    if (is(seg, "finishUpload")) {
        return action("FinishUpload", async () => {
            requirePost(ctx);
            const id = uploadIdOf(seg);
            const offset = num(arg(seg, "fileOffset", 1), "fileOffset");
            await ctx.store.appendUpload(id, { uniqueId: uid }, offset, uploadBody(ctx), userId);
            const done = await ctx.store.finishUpload(id, { userId, overwrite: true });
            sendFile(ctx, done);
        });
    }
    if (is(seg, "cancelUpload")) {
        return action("CancelUpload", () => {
            requirePost(ctx);
            ctx.store.cancelUpload(uploadIdOf(seg));
            ctx.json(200, renderNull("CancelUpload", ctx));
            return Promise.resolve();
        });
    }
    if (is(seg, "moveTo", "moveToUsingPath", "copyTo", "copyToUsingPath")) {
        return action(seg.name, () => {
            requirePost(ctx);
            const isMove = /^move/i.test(seg.name);
            const dest = ctx.normalisePath(str(arg(seg, "newUrl", 0) ?? arg(seg, "strNewUrl") ?? arg(seg, "decodedUrl") ?? arg(seg, "DestPath"), "newUrl"));
            const flags = arg(seg, "flags", 1);
            const overwrite = isMove ? typeof flags === "number" && (flags & 1) === 1 : bool(arg(seg, "bOverWrite", 1), false);
            const parentPath = dest.slice(0, dest.lastIndexOf("/")) || "/";
            const parent = ctx.store.itemByPath(ctx.tenant.name, parentPath);
            if (!parent || !parent.isFolder)
                throw badArgument(`The URL '${dest}' is invalid.`);
            const destSite = ctx.store.siteForPath(ctx.tenant.name, dest);
            if (destSite)
                ctx.requireAccess(destSite);
            const name = dest.slice(dest.lastIndexOf("/") + 1);
            if (isMove)
                ctx.store.move(uid, { parentId: parent.uniqueId, name }, { userId, overwrite });
            else
                ctx.store.copy(uid, { parentId: parent.uniqueId, name }, { userId, overwrite });
            ctx.json(200, renderNull(seg.name, ctx));
            return Promise.resolve();
        });
    }
    return undefined;
}
function ifMatchOpt(ctx, item) {
    const n = ifMatch(ctx, item);
    return n === undefined ? {} : { ifMatch: n };
}
function versionsActions(ctx, file, seg) {
    const uid = file.uniqueId;
    const byLabel = (label) => {
        const v = ctx.store.versions(uid).find((x) => x.label === label);
        if (!v)
            throw badArgument(`Version ${label} does not exist.`);
        return v.versionId;
    };
    if (is(seg, "restoreByLabel")) {
        return action("RestoreByLabel", () => {
            requirePost(ctx);
            ctx.store.restoreVersion(uid, str(arg(seg, "versionLabel", 0), "versionLabel"), { userId: ctx.userId });
            ctx.json(200, renderNull("RestoreByLabel", ctx));
            return Promise.resolve();
        });
    }
    if (is(seg, "deleteById", "recycleById")) {
        return action(seg.name, () => {
            requirePost(ctx);
            ctx.store.deleteVersion(uid, num(arg(seg, "vid", 0), "vid"), ctx.userId);
            ctx.json(200, renderNull(seg.name, ctx));
            return Promise.resolve();
        });
    }
    if (is(seg, "deleteByLabel", "recycleByLabel")) {
        return action(seg.name, () => {
            requirePost(ctx);
            ctx.store.deleteVersion(uid, byLabel(str(arg(seg, "versionLabel", 0), "versionLabel")), ctx.userId);
            ctx.json(200, renderNull(seg.name, ctx));
            return Promise.resolve();
        });
    }
    if (is(seg, "deleteAll")) {
        return action("DeleteAll", () => {
            requirePost(ctx);
            for (const v of ctx.store.versions(uid))
                ctx.store.deleteVersion(uid, v.versionId, ctx.userId);
            ctx.json(200, renderNull("DeleteAll", ctx));
            return Promise.resolve();
        });
    }
    return undefined;
}
/** GET/DELETE on a file, its versions and a version. */
export function serveFileResource(ctx, r) {
    const m = effectiveMethod(ctx);
    if (r.k === "file") {
        if (m === "GET")
            sendFile(ctx, r.item);
        else if (m === "DELETE") {
            ctx.store.delete(r.item.uniqueId, { userId: ctx.userId, ...ifMatchOpt(ctx, r.item), bypassSharedLock: bypassSharedLock(ctx) });
            ctx.empty();
        }
        else
            throw unsupportedMethod(ctx.req.method);
        return true;
    }
    if (r.k === "versions") {
        if (m !== "GET")
            throw unsupportedMethod(ctx.req.method);
        const list = ctx.store.versions(r.file.uniqueId).map((v) => versionEntity(ctx, r.file, v));
        ctx.json(200, renderCollection(list, "SP.ApiData.FileVersions", ctx, ctx.query));
        return true;
    }
    if (r.k === "version") {
        if (m === "GET")
            ctx.json(200, renderSingle(versionEntity(ctx, r.file, r.version), ctx, ctx.query));
        else if (m === "DELETE") {
            ctx.store.deleteVersion(r.file.uniqueId, r.version.versionId, ctx.userId);
            ctx.empty();
        }
        else
            throw unsupportedMethod(ctx.req.method);
        return true;
    }
    return false;
}
//# sourceMappingURL=files.js.map