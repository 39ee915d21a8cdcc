/**
 * SP.Folder and the Files/Folders collections (spo-protocol.md A.8, A.9, A.11, A.13, A.20):
 * the Exists quirk, listing with `$select/$filter/$orderby/$top/$skip` under the list view
 * threshold, the library root's `Forms` folder, small uploads and folder creation.
 */
import { Readable } from "node:stream";
import { folderEntity, fileEntity, formsFolder } from "./entities.js";
import { badArgument, fileNotFound, throttled, unsupportedMethod } from "./errors.js";
import { bypassSharedLock, effectiveMethod, ifMatch, sendFile, uploadBody } from "./files.js";
import { renderCollection, renderNull, renderPrimitive, renderSingle } from "./odata.js";
import { arg, is } from "./path.js";
import { matches, sortRecords } from "./query.js";
import { bool, str } from "./resources.js";
function action(name, run) {
    return { k: "action", name, run };
}
function requirePost(ctx) {
    if (effectiveMethod(ctx) !== "POST")
        throw unsupportedMethod(ctx.req.method);
}
function ifMatchOpt(ctx, item) {
    const n = ifMatch(ctx, item);
    return n === undefined ? {} : { ifMatch: n };
}
/** Resolves `name` (a leaf, a relative path or a server-relative path) against a folder. */
function target(ctx, folder, name) {
    const full = name.startsWith("/") || /^https?:/i.test(name) ? ctx.pathInWeb(name) : ctx.pathInWeb(`${folder.serverRelativeUrl}/${name}`);
    const cut = full.lastIndexOf("/");
    const parentPath = cut <= 0 ? "/" : full.slice(0, cut);
    const leaf = full.slice(cut + 1);
    if (leaf === "")
        throw badArgument("The file name is empty.");
    const parent = parentPath.toLowerCase() === folder.serverRelativeUrl.toLowerCase() ? folder : ctx.store.itemByPath(ctx.tenant.name, parentPath);
    if (!parent || !parent.isFolder)
        throw fileNotFound();
    return { parent, leaf };
}
function uniqueName(ctx, parent, leaf) {
    const dot = leaf.lastIndexOf(".");
    const base = dot > 0 ? leaf.slice(0, dot) : leaf;
    const ext = dot > 0 ? leaf.slice(dot) : "";
    for (let i = 0;; i++) {
        const candidate = i === 0 ? leaf : `${base}${i}${ext}`;
        if (!ctx.store.itemByPath(ctx.tenant.name, `${parent.serverRelativeUrl}/${candidate}`))
            return candidate;
    }
}
async function addFile(ctx, folder, seg, stub) {
    requirePost(ctx);
    if (!folder)
        throw fileNotFound();
    const name = str(arg(seg, "decodedUrl") ?? arg(seg, "url", 0), "decodedUrl");
    const { parent, leaf } = target(ctx, folder, name);
    const overwrite = bool(arg(seg, "overwrite", 1), false);
    const finalName = bool(arg(seg, "ensureUniqueFileName"), false) ? uniqueName(ctx, parent, leaf) : leaf;
    const body = stub ? emptyBody() : uploadBody(ctx);
    const item = await ctx.store.putFile(parent.uniqueId, finalName, body, { userId: ctx.userId, overwrite, bypassSharedLock: bypassSharedLock(ctx) });
    sendFile(ctx, item);
}
function emptyBody() {
    // A stub has no content whatever the request carried.
    return Readable.from([]);
}
function createFolder(ctx, base, given, overwrite) {
    let parent;
    let leaf;
    if (base)
        ({ parent, leaf } = target(ctx, base, given));
    else {
        const full = ctx.pathInWeb(given);
        const cut = full.lastIndexOf("/");
        const p = ctx.store.itemByPath(ctx.tenant.name, cut <= 0 ? "/" : full.slice(0, cut));
        if (!p || !p.isFolder)
            throw fileNotFound();
        parent = p;
        leaf = full.slice(cut + 1);
    }
    const existing = ctx.store.itemByPath(ctx.tenant.name, `${parent.serverRelativeUrl}/${leaf}`);
    if (existing && existing.isFolder && overwrite)
        return existing;
    return ctx.store.createFolder(parent.uniqueId, leaf, { userId: ctx.userId });
}
export function folderActions(ctx, r, seg) {
    if (r.k === "files") {
        const folder = r.folder.item;
        if (is(seg, "addUsingPath", "add"))
            return action("AddUsingPath", () => addFile(ctx, folder, seg, false));
        if (is(seg, "addStubUsingPath", "addStub"))
            return action("AddStubUsingPath", () => addFile(ctx, folder, seg, true));
        return undefined;
    }
    if (r.k === "folders" || r.k === "webFolders") {
        const base = r.k === "folders" ? r.folder.item : undefined;
        if (r.k === "folders" && !base && is(seg, "addUsingPath", "add"))
            throw fileNotFound();
        if (is(seg, "addUsingPath", "add")) {
            return action("AddUsingPath", () => {
                requirePost(ctx);
                const name = str(arg(seg, "decodedUrl") ?? arg(seg, "url", 0), "decodedUrl");
                const item = createFolder(ctx, base, name, bool(arg(seg, "overwrite"), false));
                ctx.json(200, renderSingle(folderEntity(ctx, item), ctx, ctx.query));
                return Promise.resolve();
            });
        }
        return undefined;
    }
    if (r.k !== "folder")
        return undefined;
    const folder = r.item;
    if (is(seg, "addSubFolderUsingPath", "addSubFolder")) {
        return action("AddSubFolderUsingPath", async () => {
            requirePost(ctx);
            if (!folder)
                throw fileNotFound();
            let name = arg(seg, "decodedUrl", 0);
            if (name === undefined) {
                const body = await ctx.req.json();
                name = body.leafPath?.DecodedUrl ?? body.DecodedUrl;
            }
            createFolder(ctx, folder, str(name, "leafPath"), false);
            ctx.json(200, renderNull("AddSubFolderUsingPath", ctx));
        });
    }
    if (is(seg, "recycle")) {
        return action("Recycle", () => {
            requirePost(ctx);
            if (!folder || r.synthetic)
                throw fileNotFound();
            const id = ctx.store.recycle(folder.uniqueId, { userId: ctx.userId, ...ifMatchOpt(ctx, folder), bypassSharedLock: bypassSharedLock(ctx) });
            ctx.json(200, renderPrimitive(id, "Edm.Guid", "Recycle", ctx));
            return Promise.resolve();
        });
    }
    if (is(seg, "deleteWithParameters")) {
        return action("DeleteWithParameters", () => {
            requirePost(ctx);
            if (!folder || r.synthetic)
                throw fileNotFound();
            ctx.store.delete(folder.uniqueId, { userId: ctx.userId, ...ifMatchOpt(ctx, folder), bypassSharedLock: true });
            ctx.empty();
            return Promise.resolve();
        });
    }
    return undefined;
}
/** Children of a folder as entities, refused past the list view threshold (A.20). */
function children(ctx, folder, kind, withForms) {
    // The synthetic Forms folder holds only view pages, which the emulator does not model.
    if (folder.name === "Forms" && !ctx.store.itemByUniqueId(folder.uniqueId))
        return [];
    if (folder.childCount > ctx.env.config.listViewThreshold)
        throw throttled();
    const items = [];
    let after;
    do {
        const page = ctx.store.children(folder.uniqueId, { limit: ctx.env.config.listViewThreshold, kind, ...(after !== undefined ? { after } : {}) });
        items.push(...page.items);
        after = page.next;
    } while (after !== undefined && items.length <= ctx.env.config.listViewThreshold);
    const out = items.map((i) => (i.isFolder ? folderEntity(ctx, i) : fileEntity(ctx, i)));
    if (withForms && kind === "folders" && folder.parentId === null && ctx.opts.emitFormsFolder && !items.some((i) => i.name.toLowerCase() === "forms")) {
        const list = ctx.store.listById(folder.listId);
        if (list)
            out.unshift(folderEntity(ctx, formsFolder(list, folder), { list }));
    }
    return out;
}
/** Applies $filter, $orderby, $skip, $top to a materialised collection. */
function shape(ctx, rows) {
    const q = ctx.query;
    const view = (e) => ({ ...e.props, ...(e.extra ?? {}) });
    let out = q.filter ? rows.filter((e) => matches(q.filter, view(e))) : rows;
    out = sortRecords(out, q.orderBy, view);
    const skip = q.skip ?? 0;
    return out.slice(skip, q.top !== undefined ? skip + q.top : undefined);
}
export function serveFolderResource(ctx, r) {
    const m = effectiveMethod(ctx);
    if (r.k === "folder") {
        const item = r.item;
        if (m === "GET") {
            if (!item) {
                // Exists quirk (A.8): a missing folder is a 200 `Exists: false` when asked for Exists only.
                if (ctx.query.select?.includes("exists")) {
                    const ghost = folderEntity(ctx, ghostFolder(r.path), { missing: true });
                    ctx.json(200, renderSingle(ghost, ctx, ctx.query));
                    return true;
                }
                throw fileNotFound();
            }
            ctx.json(200, renderSingle(folderEntity(ctx, item, r.list ? { list: r.list } : {}), ctx, ctx.query));
            return true;
        }
        if (!item || r.synthetic)
            throw fileNotFound();
        if (m === "DELETE") {
            if (item.parentId === null)
                throw badArgument("The root folder of a library cannot be deleted.");
            ctx.store.delete(item.uniqueId, { userId: ctx.userId, ...ifMatchOpt(ctx, item), bypassSharedLock: bypassSharedLock(ctx) });
            ctx.empty();
            return true;
        }
        if (m === "MERGE" || m === "PATCH") {
            // Folder properties (WelcomePage, …) are not modelled; the update is accepted (204 like the service).
            ctx.empty(204);
            return true;
        }
        throw unsupportedMethod(ctx.req.method);
    }
    if (r.k === "files" || r.k === "folders") {
        if (m !== "GET")
            throw unsupportedMethod(ctx.req.method);
        const folder = r.folder.item;
        if (!folder) {
            if (ctx.opts.missingFolderChildren === "notFound")
                throw fileNotFound();
            ctx.json(200, renderCollection([], r.k === "files" ? "SP.ApiData.Files12" : "SP.ApiData.Folders", ctx, ctx.query));
            return true;
        }
        const rows = shape(ctx, children(ctx, folder, r.k, true));
        ctx.json(200, renderCollection(rows, r.k === "files" ? "SP.ApiData.Files12" : "SP.ApiData.Folders", ctx, ctx.query));
        return true;
    }
    if (r.k === "webFolders") {
        if (m === "GET") {
            const rows = ctx.store.lists(ctx.site.id).map((l) => folderEntity(ctx, ctx.store.rootFolder(l.id), { list: l }));
            ctx.json(200, renderCollection(shape(ctx, rows), "SP.ApiData.Folders", ctx, ctx.query));
            return true;
        }
        return false;
    }
    return false;
}
/** Legacy creation: POST `…/folders` with `{"ServerRelativeUrl": "…"}` → 201. */
export async function legacyCreateFolder(ctx, r) {
    if ((r.k !== "folders" && r.k !== "webFolders") || effectiveMethod(ctx) !== "POST")
        return false;
    const body = await ctx.req.json();
    const url = str(body.ServerRelativeUrl, "ServerRelativeUrl");
    const base = r.k === "folders" ? r.folder.item : undefined;
    const item = createFolder(ctx, url.startsWith("/") ? undefined : base, url, false);
    ctx.json(201, renderSingle(folderEntity(ctx, item), ctx, ctx.query));
    return true;
}
function ghostFolder(path) {
    const name = path.slice(path.lastIndexOf("/") + 1);
    return {
        uniqueId: "00000000-0000-0000-0000-000000000000",
        listId: "",
        siteId: "",
        id: 0,
        parentId: null,
        name,
        serverRelativeUrl: path,
        isFolder: true,
        size: 0,
        childCount: 0,
        created: "0001-01-01T00:00:00Z",
        modified: "0001-01-01T00:00:00Z",
        authorId: "",
        editorId: "",
        etag: 0,
        contentVersion: 0,
        majorVersion: 0,
        minorVersion: 0,
        checkInComment: "",
    };
}
//# sourceMappingURL=folders.js.map