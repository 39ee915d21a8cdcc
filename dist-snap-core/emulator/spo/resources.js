import { badArgument, fileNotFound, fileNotFoundAtPath, itemNotFound, listNotFound, spError, unknownResource } from "./errors.js";
import { formsFolder, userBySiteUserId } from "./entities.js";
import { arg, is } from "./path.js";
export function str(v, what) {
    if (typeof v === "string")
        return v;
    if (typeof v === "number")
        return String(v);
    throw badArgument(`The parameter ${what} is required.`);
}
export function num(v, what) {
    if (typeof v === "number")
        return v;
    if (typeof v === "string" && /^-?\d+$/.test(v))
        return Number(v);
    throw badArgument(`The parameter ${what} must be a number.`);
}
export function bool(v, dflt) {
    if (v === undefined || v === null)
        return dflt;
    if (typeof v === "boolean")
        return v;
    if (typeof v === "string")
        return /^true$/i.test(v);
    return v !== 0;
}
/** `getFolderByServerRelativePath(decodedUrl='…')` and legacy `…Url('…')`. */
export function pathArg(seg) {
    return str(arg(seg, "decodedUrl", 0) ?? arg(seg, "serverRelativeUrl") ?? arg(seg, "url"), "decodedUrl");
}
export function folderAt(ctx, path) {
    const item = ctx.store.itemByPath(ctx.tenant.name, path);
    const list = ctx.listFor(path);
    if (item && item.isFolder)
        return { k: "folder", path, item, ...(list ? { list } : {}) };
    if (!item && list && ctx.opts.emitFormsFolder && path.toLowerCase() === `${list.rootFolderUrl}/forms`.toLowerCase()) {
        return { k: "folder", path, item: formsFolder(list, ctx.store.rootFolder(list.id)), list, synthetic: true };
    }
    return { k: "folder", path, ...(list ? { list } : {}) };
}
export function fileAt(ctx, path) {
    const item = ctx.store.itemByPath(ctx.tenant.name, path);
    if (!item || item.isFolder)
        throw fileNotFoundAtPath(path);
    return item;
}
function fileById(ctx, id) {
    const item = ctx.store.itemByUniqueId(id.replace(/[{}]/g, "").toLowerCase());
    if (!item || item.isFolder)
        throw fileNotFound();
    const site = ctx.store.siteById(ctx.tenant.name, item.siteId);
    if (!site || site.id !== ctx.site.id)
        throw fileNotFound();
    return item;
}
function folderById(ctx, id) {
    const item = ctx.store.itemByUniqueId(id.replace(/[{}]/g, "").toLowerCase());
    if (!item || !item.isFolder || item.siteId !== ctx.site.id)
        throw fileNotFound();
    return { k: "folder", path: item.serverRelativeUrl, item };
}
function listById(ctx, id) {
    const list = ctx.store.listById(id.replace(/[{}]/g, "").toLowerCase());
    if (!list || list.siteId !== ctx.site.id)
        throw listNotFound();
    return list;
}
function listByTitle(ctx, title) {
    const list = ctx.store.lists(ctx.site.id).find((l) => l.title.toLowerCase() === title.toLowerCase());
    if (!list)
        throw listNotFound(title);
    return list;
}
function userNamed(ctx, name, userId) {
    const user = userId ? ctx.store.userById(ctx.tenant.name, userId) : undefined;
    return { k: "user", user, name, ...(userId !== undefined ? { userId } : {}) };
}
/** Registered by the endpoint modules (files.ts, folders.ts, …) to keep this walker small. */
export const actions = [];
export function step(ctx, r, seg) {
    for (const f of actions) {
        const next = f(ctx, r, seg);
        if (next)
            return next;
    }
    const next = navigate(ctx, r, seg);
    if (next)
        return next;
    throw unknownResource(describe(r, seg));
}
function describe(r, seg) {
    return `'${r.k === "root" ? "" : r.k + "/"}${seg.name}'`;
}
function navigate(ctx, r, seg) {
    switch (r.k) {
        case "root":
            if (is(seg, "web"))
                return { k: "web" };
            if (is(seg, "lists"))
                return navigate(ctx, { k: "web" }, seg);
            if (is(seg, "site"))
                return { k: "web" };
            if (is(seg, "search", "SP.UserProfiles.PeopleManager"))
                return { k: "namespace", name: seg.name.toLowerCase() };
            return undefined;
        case "web":
            if (is(seg, "lists")) {
                const id = arg(seg, "id", 0);
                return id !== undefined ? { k: "list", list: listById(ctx, str(id, "id")) } : { k: "lists" };
            }
            if (is(seg, "getlist")) {
                const p = ctx.pathInWeb(str(arg(seg, "strUrl", 0), "strUrl"));
                const list = ctx.listFor(p);
                if (!list || list.rootFolderUrl.toLowerCase() !== p.toLowerCase())
                    throw listNotFound();
                return { k: "list", list };
            }
            if (is(seg, "getFolderByServerRelativePath", "getFolderByServerRelativeUrl"))
                return folderAt(ctx, ctx.pathInWeb(pathArg(seg)));
            if (is(seg, "getFileByServerRelativePath", "getFileByServerRelativeUrl", "getFileByUrl")) {
                return { k: "file", item: fileAt(ctx, ctx.pathInWeb(pathArg(seg))) };
            }
            if (is(seg, "getFileById"))
                return { k: "file", item: fileById(ctx, str(arg(seg, "uniqueId", 0), "uniqueId")) };
            if (is(seg, "getFolderById"))
                return folderById(ctx, str(arg(seg, "uniqueId", 0), "uniqueId"));
            if (is(seg, "folders") && !seg.args)
                return { k: "webFolders" };
            if (is(seg, "currentUser"))
                return userNamed(ctx, "CurrentUser", ctx.user?.id ?? ctx.userId);
            if (is(seg, "getUserById", "siteUsers")) {
                const n = arg(seg, "id", 0);
                if (n === undefined)
                    return undefined;
                const u = userBySiteUserId(ctx, num(n, "id"));
                if (!u)
                    throw spUserNotFound();
                return { k: "user", user: u, name: "GetUserById" };
            }
            return undefined;
        case "lists":
            if (is(seg, "getById"))
                return { k: "list", list: listById(ctx, str(arg(seg, "id", 0), "id")) };
            if (is(seg, "getByTitle"))
                return { k: "list", list: listByTitle(ctx, str(arg(seg, "title", 0), "title")) };
            return undefined;
        case "list":
            if (is(seg, "rootFolder"))
                return { k: "folder", path: r.list.rootFolderUrl, item: ctx.store.rootFolder(r.list.id), list: r.list };
            if (is(seg, "items")) {
                const id = arg(seg, "id", 0);
                return id !== undefined ? itemOf(ctx, r.list, num(id, "id")) : { k: "items", list: r.list };
            }
            if (is(seg, "getItemById"))
                return itemOf(ctx, r.list, num(arg(seg, "id", 0), "id"));
            if (is(seg, "currentChangeToken", "itemCount", "title", "id"))
                return { k: "property", of: r, name: seg.name };
            return undefined;
        case "items":
            if (is(seg, "getById"))
                return itemOf(ctx, r.list, num(arg(seg, "id", 0), "id"));
            return undefined;
        case "item":
            if (is(seg, "file")) {
                if (r.item.isFolder)
                    return { k: "null", name: "File" };
                return { k: "file", item: r.item };
            }
            if (is(seg, "folder")) {
                if (!r.item.isFolder)
                    return { k: "null", name: "Folder" };
                return { k: "folder", path: r.item.serverRelativeUrl, item: r.item, list: r.list };
            }
            if (is(seg, "author"))
                return userNamed(ctx, "Author", r.item.authorId);
            if (is(seg, "editor"))
                return userNamed(ctx, "Editor", r.item.editorId);
            return undefined;
        case "folder": {
            const existing = r.item;
            if (is(seg, "files")) {
                const name = arg(seg, "url", 0);
                if (name !== undefined)
                    return childFile(ctx, existing, str(name, "url"));
                return { k: "files", folder: { path: r.path, ...(existing ? { item: existing } : {}) } };
            }
            if (is(seg, "folders")) {
                const name = arg(seg, "url", 0);
                if (name !== undefined) {
                    if (!existing)
                        throw fileNotFound();
                    return folderAt(ctx, ctx.pathInWeb(`${existing.serverRelativeUrl}/${str(name, "url")}`));
                }
                return { k: "folders", folder: { path: r.path, ...(existing ? { item: existing } : {}), ...(r.list ? { list: r.list } : {}) } };
            }
            if (!existing)
                throw fileNotFound();
            if (is(seg, "listItemAllFields")) {
                const list = ctx.listOf(existing);
                if (existing.parentId === null || existing.id === 0 || !list)
                    return { k: "null", name: "ListItemAllFields" };
                return { k: "item", item: existing, list };
            }
            if (is(seg, "parentFolder")) {
                if (!existing.parentId)
                    return { k: "null", name: "ParentFolder" };
                const parent = ctx.store.itemByUniqueId(existing.parentId);
                if (!parent)
                    return { k: "null", name: "ParentFolder" };
                return { k: "folder", path: parent.serverRelativeUrl, item: parent };
            }
            return undefined;
        }
        case "files":
            if (is(seg, "getByUrl", "getByPathOrAddStub"))
                return childFile(ctx, r.folder.item, str(arg(seg, "url", 0) ?? arg(seg, "decodedUrl"), "url"));
            return undefined;
        case "folders":
            if (is(seg, "getByUrl")) {
                if (!r.folder.item)
                    throw fileNotFound();
                return folderAt(ctx, ctx.pathInWeb(`${r.folder.item.serverRelativeUrl}/${str(arg(seg, "url", 0), "url")}`));
            }
            return undefined;
        case "webFolders":
            if (is(seg, "getByUrl"))
                return folderAt(ctx, ctx.pathInWeb(str(arg(seg, "url", 0), "url")));
            return undefined;
        case "file":
            if (is(seg, "listItemAllFields")) {
                const list = ctx.listOf(r.item);
                if (!list)
                    return { k: "null", name: "ListItemAllFields" };
                return { k: "item", item: r.item, list };
            }
            if (is(seg, "versions")) {
                const id = arg(seg, "id", 0);
                return id !== undefined ? versionOf(ctx, r.item, num(id, "id")) : { k: "versions", file: r.item };
            }
            if (is(seg, "author"))
                return userNamed(ctx, "Author", r.item.authorId);
            if (is(seg, "modifiedBy"))
                return userNamed(ctx, "ModifiedBy", r.item.editorId);
            if (is(seg, "checkedOutByUser"))
                return userNamed(ctx, "CheckedOutByUser", r.item.checkedOutById);
            if (is(seg, "lockedByUser")) {
                const l = r.item.lock;
                const active = l && Date.parse(l.expires) > Date.now() ? l : undefined;
                return userNamed(ctx, "LockedByUser", active?.userId);
            }
            return undefined;
        case "versions":
            if (is(seg, "getById"))
                return versionOf(ctx, r.file, num(arg(seg, "versionId", 0), "versionId"));
            return undefined;
        default:
            return undefined;
    }
}
function spUserNotFound() {
    return spError(404, "-2146232832, Microsoft.SharePoint.SPException", "User cannot be found.");
}
function itemOf(ctx, list, id) {
    const item = ctx.store.itemByListItemId(list.id, id);
    if (!item)
        throw itemNotFound();
    return { k: "item", item, list };
}
function versionOf(ctx, file, versionId) {
    const v = ctx.store.versions(file.uniqueId).find((x) => x.versionId === versionId);
    if (!v)
        throw spVersionNotFound();
    return { k: "version", file, version: v };
}
function spVersionNotFound() {
    return fileNotFound();
}
function childFile(ctx, folder, name) {
    if (!folder)
        throw fileNotFound();
    const path = name.startsWith("/") ? ctx.pathInWeb(name) : `${folder.serverRelativeUrl}/${name}`;
    const item = ctx.store.itemByPath(ctx.tenant.name, path);
    if (!item || item.isFolder)
        throw fileNotFound();
    return { k: "file", item };
}
//# sourceMappingURL=resources.js.map