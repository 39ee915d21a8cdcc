import { requirePrincipal } from "../http/auth.js";
import { StoreError } from "../store/types.js";
import { GraphContext } from "./context.js";
import { deltaPage } from "./delta.js";
import { handleDownload } from "./download.js";
import { GraphError, sendFailure, sendJson, sendNoContent, toGraphError } from "./errors.js";
import { applySelect, downloadUrl, driveJson, graphSiteId, itemJson } from "./items.js";
import { TempAuth } from "./tempauth.js";
import { checkIfMatch, conflictOf, freeName, simplePut, UploadSessions } from "./upload.js";
export { graphItemId, uniqueIdFromGraphItemId } from "./ids.js";
/** Largest `$top` honoured on children and delta pages. */
export const MAX_PAGE_SIZE = 1000;
const V2_ROUTE = /^(?<site>(?:\/[^?]*?)?)\/_api\/v2\.0(?<rest>\/[^?]*)?$/i;
const DOWNLOAD_ROUTE = /^(?:\/[^?]*?)?\/_layouts\/15\/download\.aspx$/i;
export function registerGraph(routes, env) {
    const deps = { env, tempAuth: new TempAuth() };
    const uploads = new UploadSessions(deps);
    routes.add(["GET", "HEAD"], DOWNLOAD_ROUTE, (req, res) => handleDownload(env, deps.tempAuth, req, res));
    routes.add("*", V2_ROUTE, async (req, res) => {
        const rest = req.params.rest ?? "";
        if (/\/uploadSession$/i.test(rest) && req.url.searchParams.has("tempauth")) {
            await uploads.handle(req, res);
            return;
        }
        const principal = requirePrincipal(req, res, env, "graph");
        if (!principal)
            return;
        try {
            if (!req.tenant)
                throw new GraphError(404, "itemNotFound", "Unknown tenant.");
            const ctx = new GraphContext(deps, req, req.tenant, principal);
            await dispatch(ctx, deps, uploads, decodeSegments(req.params.site ?? ""), rest, res);
        }
        catch (err) {
            if (req.method === "PUT" || req.method === "POST")
                req.raw.resume();
            sendFailure(res, err);
        }
    });
}
function decodeSegments(raw) {
    try {
        return decodeURIComponent(raw);
    }
    catch {
        throw new GraphError(400, "invalidRequest", "Malformed percent-encoding in the URL.");
    }
}
/** The site the URL is addressed to (`/sites/x/_api/v2.0/…`), the root site without a prefix. */
function urlSite(ctx, sitePath) {
    const path = sitePath === "" ? "/" : sitePath;
    const site = ctx.store.siteForPath(ctx.tenant.name, path);
    if (!site || site.serverRelativeUrl.toLowerCase() !== path.toLowerCase())
        throw new GraphError(404, "itemNotFound", "The requested site was not found.");
    return site;
}
/** `/sites/{id}` accepts the site GUID or Graph's `hostname,siteId,webId` form. */
function siteById(ctx, raw) {
    const parts = decodeSegments(raw).split(",");
    const id = (parts.length === 3 ? parts[1] : parts[0]) ?? "";
    return ctx.site(id.replace(/[{}]/g, "").toLowerCase());
}
async function dispatch(ctx, deps, uploads, sitePath, rest, res) {
    const method = ctx.req.method;
    let m;
    if ((m = /^\/drives\/([^/:]+)(.*)$/i.exec(rest))) {
        const { list, site } = ctx.drive(decodeSegments(m[1] ?? ""));
        return driveRoute(ctx, deps, uploads, list, site, m[2] ?? "", res);
    }
    if ((m = /^\/me\/drive(\/.*)?$/i.exec(rest))) {
        if (!ctx.principal.user)
            throw new GraphError(400, "invalidRequest", "/me is only valid with a delegated token.");
        const { list, site } = ctx.defaultDrive(ctx.store.personalSite(ctx.tenant.name, ctx.principal.user.id));
        return driveRoute(ctx, deps, uploads, list, site, m[1] ?? "", res);
    }
    if ((m = /^\/drive(\/.*)?$/i.exec(rest))) {
        const { list, site } = ctx.defaultDrive(urlSite(ctx, sitePath));
        return driveRoute(ctx, deps, uploads, list, site, m[1] ?? "", res);
    }
    if ((m = /^\/sites\/([^/]+)\/drive(\/.*)?$/i.exec(rest))) {
        const { list, site } = ctx.defaultDrive(siteById(ctx, m[1] ?? ""));
        return driveRoute(ctx, deps, uploads, list, site, m[2] ?? "", res);
    }
    if ((m = /^\/sites\/([^/]+)\/drives\/?$/i.exec(rest)) || /^\/drives\/?$/i.test(rest)) {
        requireMethod(method, "GET");
        const site = m ? siteById(ctx, m[1] ?? "") : urlSite(ctx, sitePath);
        ctx.requireAccess(site);
        const lists = ctx.store.lists(site.id).filter((l) => !l.hidden && (l.baseTemplate === 101 || l.baseTemplate === 700));
        sendJson(res, 200, { "@odata.context": `${ctx.siteUrl(site)}/_api/v2.0/$metadata#drives`, value: lists.map((l) => driveJson(ctx, l, site)) });
        return;
    }
    if ((m = /^\/sites\/([^/]+)\/?$/i.exec(rest)) || /^\/site\/?$/i.test(rest)) {
        requireMethod(method, "GET");
        const site = m ? siteById(ctx, m[1] ?? "") : urlSite(ctx, sitePath);
        ctx.requireAccess(site);
        sendJson(res, 200, {
            id: graphSiteId(ctx, site),
            createdDateTime: site.created,
            description: site.description,
            displayName: site.title,
            name: site.serverRelativeUrl === "/" ? "" : site.serverRelativeUrl.slice(site.serverRelativeUrl.lastIndexOf("/") + 1),
            webUrl: ctx.siteUrl(site),
        });
        return;
    }
    throw new GraphError(400, "invalidRequest", "Invalid request");
}
function requireMethod(method, ...allowed) {
    if (!allowed.includes(method))
        throw new GraphError(405, "notSupported", `The HTTP method '${method}' is not supported on this resource.`);
}
/** Splits `/root:/a/b:/children` into base, relative path and action. */
function parseItemAddress(rest) {
    const m = /^\/(root|items\/([^/:]+))(.*)$/i.exec(rest);
    if (!m)
        return undefined;
    const base = m[2] ?? "root";
    let tail = m[3] ?? "";
    let path;
    if (tail.startsWith(":")) {
        const close = tail.indexOf(":", 1);
        path = decodeSegments(close < 0 ? tail.slice(1) : tail.slice(1, close));
        tail = close < 0 ? "" : tail.slice(close + 1);
    }
    return { base, path, action: tail };
}
async function driveRoute(ctx, deps, uploads, list, site, rest, res) {
    const method = ctx.req.method;
    if (rest === "" || rest === "/") {
        requireMethod(method, "GET");
        sendJson(res, 200, { "@odata.context": `${ctx.siteUrl(site)}/_api/v2.0/$metadata#drives/$entity`, ...driveJson(ctx, list, site) });
        return;
    }
    const addr = parseItemAddress(rest);
    if (!addr)
        throw new GraphError(400, "invalidRequest", "Invalid request");
    const baseItem = ctx.item(list, addr.base === "root" ? "root" : decodeSegments(addr.base));
    const action = addr.action.replace(/\/$/, "");
    const actionName = action.toLowerCase();
    const relPath = addr.path ?? "";
    const item = ctx.itemAtPath(baseItem, relPath);
    const select = ctx.req.url.searchParams.get("$select");
    const tempAuth = deps.tempAuth;
    const json = (i) => itemJson(ctx, list, site, i, { tempAuth });
    // Operations that may address an item that does not exist yet (parent + name).
    if ((actionName === "/content" && method === "PUT") || actionName === "/createuploadsession") {
        requireMethod(method, actionName === "/content" ? "PUT" : "POST");
        const target = uploadTarget(ctx, baseItem, relPath);
        if (actionName === "/content")
            return simplePut(ctx, deps, list, site, target, res);
        const body = await readJson(ctx.req, true);
        uploads.create(ctx, list, site, target, body, res);
        return;
    }
    if (!item)
        throw new GraphError(404, "itemNotFound", "The resource could not be found.");
    if (action === "") {
        switch (method) {
            case "GET":
                sendJson(res, 200, applySelect({ "@odata.context": `${ctx.siteUrl(site)}/_api/v2.0/$metadata#items/$entity`, ...json(item) }, select ? `${select},@odata.context` : null));
                return;
            case "DELETE":
                if (item.parentId === null)
                    throw new GraphError(403, "accessDenied", "The root folder cannot be deleted.");
                ctx.store.recycle(item.uniqueId, { userId: ctx.userId, ifMatch: checkIfMatch(ctx.req.headers["if-match"], item) });
                sendNoContent(res);
                return;
            case "PATCH":
                return patchItem(ctx, list, site, item, res, json);
            default:
                requireMethod(method, "GET", "PATCH", "DELETE");
        }
    }
    if (actionName === "/children") {
        if (method === "POST")
            return createFolder(ctx, item, res, json);
        requireMethod(method, "GET");
        return listChildren(ctx, site, item, res, json, select);
    }
    if (actionName === "/content") {
        requireMethod(method, "GET", "HEAD");
        if (item.isFolder)
            throw new GraphError(400, "invalidRequest", "Folders have no content.");
        res.writeHead(302, { Location: downloadUrl(ctx, tempAuth, site, item), "Content-Length": "0" });
        res.end();
        return;
    }
    if (actionName === "/createlink") {
        requireMethod(method, "POST");
        return createLink(ctx, site, item, res);
    }
    if (/^\/(?:microsoft\.graph\.)?delta(?:\(.*\))?$/i.test(action)) {
        requireMethod(method, "GET");
        if (item.parentId !== null)
            throw new GraphError(400, "invalidRequest", "Delta is only supported on the root folder of a document library.");
        return delta(ctx, list, site, action, res, select);
    }
    throw new GraphError(400, "invalidRequest", "Invalid request");
}
/**
 * By id (`items/{id}/content`) the file itself is replaced; by path (`…:/name:/content`) the
 * parent and name are the target, and the conflict behaviour decides what an existing name means.
 */
function uploadTarget(ctx, baseItem, relPath) {
    const rel = relPath.replace(/^\/+|\/+$/g, "");
    if (rel === "") {
        if (baseItem.isFolder)
            throw new GraphError(400, "invalidRequest", "Cannot upload content to a folder.");
        return { existing: baseItem };
    }
    const slash = rel.lastIndexOf("/");
    const parent = slash < 0 ? baseItem : ctx.itemAtPath(baseItem, rel.slice(0, slash));
    if (!parent || !parent.isFolder)
        throw new GraphError(404, "itemNotFound", "The parent folder does not exist.");
    const name = rel.slice(slash + 1);
    // An existing folder at the target name: the conflict is reported by the upload code.
    return { parent, name };
}
async function readJson(req, optional = false) {
    const raw = await req.body();
    if (raw.length === 0) {
        if (optional)
            return {};
        throw new GraphError(400, "invalidRequest", "A request body is required.");
    }
    let value;
    try {
        value = JSON.parse(raw.toString("utf8"));
    }
    catch {
        throw new GraphError(400, "invalidRequest", "Invalid JSON in the request body.");
    }
    if (typeof value !== "object" || value === null || Array.isArray(value))
        throw new GraphError(400, "invalidRequest", "The request body must be a JSON object.");
    return value;
}
function pageSize(ctx) {
    const raw = ctx.req.url.searchParams.get("$top");
    if (raw === null)
        return Math.min(ctx.deps.env.config.graphPageSize, MAX_PAGE_SIZE);
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 1)
        throw new GraphError(400, "invalidRequest", `Invalid $top value: ${raw}`);
    return Math.min(n, MAX_PAGE_SIZE);
}
/** An absolute next link: the same URL with the new paging parameter. */
function nextLink(ctx, name, value, top) {
    const url = new URL(ctx.req.url.href);
    url.searchParams.delete("$skiptoken");
    url.searchParams.delete("token");
    url.searchParams.set("$top", String(top));
    url.searchParams.set(name, value);
    return url.href;
}
function listChildren(ctx, site, folder, res, json, select) {
    const orderby = ctx.req.url.searchParams.get("$orderby");
    if (orderby && !/^\s*name(\s+asc)?\s*$/i.test(orderby))
        throw new GraphError(400, "invalidRequest", `Ordering by '${orderby}' is not supported.`);
    const top = pageSize(ctx);
    const skip = ctx.req.url.searchParams.get("$skiptoken");
    let after;
    if (skip !== null) {
        after = Buffer.from(skip, "base64url").toString("utf8");
        if (after === "")
            throw new GraphError(400, "invalidRequest", "Invalid $skiptoken.");
    }
    const page = folder.isFolder ? ctx.store.children(folder.uniqueId, { after, limit: top, kind: "all" }) : { items: [], next: undefined };
    const body = {
        "@odata.context": `${ctx.siteUrl(site)}/_api/v2.0/$metadata#items`,
        value: page.items.map((i) => applySelect(json(i), select)),
    };
    if (page.next !== undefined)
        body["@odata.nextLink"] = nextLink(ctx, "$skiptoken", Buffer.from(page.next, "utf8").toString("base64url"), top);
    sendJson(res, 200, body);
}
async function createFolder(ctx, parent, res, json) {
    const body = await readJson(ctx.req);
    if (typeof body.name !== "string" || body.name === "")
        throw new GraphError(400, "invalidRequest", "The name property is required.");
    if (body.folder === undefined || body.file !== undefined)
        throw new GraphError(400, "invalidRequest", "Only folders can be created here; upload files with PUT …/content.");
    if (!parent.isFolder)
        throw new GraphError(400, "invalidRequest", "The parent is not a folder.");
    const conflict = conflictOf(body["@microsoft.graph.conflictBehavior"], "fail");
    const existing = ctx.itemAtPath(parent, body.name);
    if (existing) {
        if (conflict === "fail" || !existing.isFolder) {
            if (conflict !== "rename")
                throw new GraphError(409, "nameAlreadyExists", "The specified item name already exists.");
        }
        if (conflict === "replace" && existing.isFolder) {
            sendJson(res, 200, json(existing));
            return;
        }
    }
    const name = existing ? freeName(ctx, parent, body.name) : body.name;
    const created = ctx.store.createFolder(parent.uniqueId, name, { userId: ctx.userId });
    sendJson(res, 201, json(created));
}
async function patchItem(ctx, list, site, item, res, json) {
    const body = await readJson(ctx.req);
    if (item.parentId === null)
        throw new GraphError(403, "accessDenied", "The root folder cannot be renamed or moved.");
    const conflict = conflictOf(body["@microsoft.graph.conflictBehavior"] ?? ctx.req.url.searchParams.get("@microsoft.graph.conflictBehavior"), "fail");
    const dest = {};
    if (body.name !== undefined) {
        if (typeof body.name !== "string" || body.name === "")
            throw new GraphError(400, "invalidRequest", "Invalid name.");
        dest.name = body.name;
    }
    const ref = body.parentReference;
    if (ref !== undefined) {
        if (typeof ref !== "object" || ref === null)
            throw new GraphError(400, "invalidRequest", "Invalid parentReference.");
        if (ref.driveId !== undefined && ref.driveId !== list.driveId) {
            if (typeof ref.driveId !== "string")
                throw new GraphError(400, "invalidRequest", "Invalid parentReference.driveId.");
            const other = ctx.drive(ref.driveId);
            if (other.site.tenant !== ctx.tenant.name)
                throw new GraphError(400, "invalidRequest", "Moves across tenants are not supported.");
            list = other.list;
            site = other.site;
        }
        let parent;
        if (typeof ref.id === "string")
            parent = ctx.item(list, ref.id);
        else if (typeof ref.path === "string") {
            const p = /^\/drives?\/(?:[^/]+\/)?root:?(.*)$/i.exec(ref.path);
            if (!p)
                throw new GraphError(400, "invalidRequest", "Invalid parentReference.path.");
            parent = ctx.itemAtPath(ctx.store.rootFolder(list.id), decodeSegments(p[1] ?? ""));
        }
        if (ref.id !== undefined || ref.path !== undefined) {
            if (!parent || !parent.isFolder)
                throw new GraphError(404, "itemNotFound", "The destination folder does not exist.");
            dest.parentId = parent.uniqueId;
        }
        else if (list.id !== item.listId) {
            dest.parentId = ctx.store.rootFolder(list.id).uniqueId;
        }
    }
    if (dest.name === undefined && dest.parentId === undefined) {
        // Nothing the emulator stores changes (description, fileSystemInfo): answer the item as it is.
        sendJson(res, 200, json(item));
        return;
    }
    const ifMatch = checkIfMatch(ctx.req.headers["if-match"], item);
    const moved = ctx.store.move(item.uniqueId, dest, { userId: ctx.userId, ifMatch, overwrite: conflict === "replace", keepBoth: conflict === "rename" });
    sendJson(res, 200, itemJson(ctx, list, site, moved, { tempAuth: ctx.deps.tempAuth }));
}
/** SharingLinkKind values of SharePoint (SP.SharingLinkKind). */
function linkKind(scope, type) {
    if (scope === "anonymous")
        return type === "edit" ? 5 : 4;
    if (scope === "organization")
        return type === "edit" ? 3 : 2;
    return 6; // Flexible: specific people
}
async function createLink(ctx, site, item, res) {
    const body = await readJson(ctx.req);
    const type = body.type;
    const scope = body.scope ?? "anonymous";
    if (type !== "view" && type !== "edit")
        throw new GraphError(400, "invalidRequest", "The link type must be 'view' or 'edit'.");
    if (scope !== "anonymous" && scope !== "organization" && scope !== "users")
        throw new GraphError(400, "invalidRequest", "The link scope must be 'anonymous', 'organization' or 'users'.");
    const link = { kind: linkKind(scope, type), scope, type, createdById: ctx.userId };
    if (typeof body.expirationDateTime === "string")
        link.expiration = body.expirationDateTime;
    const letter = item.isFolder ? "f" : "u";
    const sitePart = site.serverRelativeUrl === "/" ? "/r" : site.serverRelativeUrl.replace(/^\/sites\//i, "/s/").replace(/^\/teams\//i, "/t/").replace(/^\/personal\//i, "/g/personal/");
    const { link: rec, created } = ctx.store.createSharingLink(item.uniqueId, link, (shareId) => `${ctx.origin}/:${letter}:${sitePart}/${shareId}`);
    const permission = {
        id: rec.shareId,
        roles: [rec.type === "edit" ? "write" : "read"],
        link: { type: rec.type, scope: rec.scope, webUrl: rec.url, application: { id: ctx.principal.appId, displayName: "Konnekt" } },
        hasPassword: false,
    };
    if (rec.expiration)
        permission.expirationDateTime = rec.expiration;
    sendJson(res, created ? 201 : 200, permission);
}
function delta(ctx, list, site, action, res, select) {
    const fn = /\(\s*token\s*=\s*'([^']*)'\s*\)$/i.exec(action);
    const token = ctx.req.url.searchParams.get("token") ?? (fn ? decodeSegments(fn[1] ?? "") : null);
    const top = pageSize(ctx);
    let page;
    try {
        page = deltaPage(ctx, ctx.deps.tempAuth, list, site, token, top, select);
    }
    catch (err) {
        if (err instanceof StoreError && err.code === "changeTokenExpired") {
            const g = toGraphError(err);
            const restart = new URL(ctx.req.url.href);
            restart.search = "";
            restart.pathname = restart.pathname.replace(/\(.*\)$/, "");
            throw new GraphError(410, g.code, g.message, { Location: restart.href });
        }
        throw err;
    }
    const body = { "@odata.context": `${ctx.siteUrl(site)}/_api/v2.0/$metadata#Collection(oneDrive.item)`, value: page.value };
    if (page.nextToken !== undefined)
        body["@odata.nextLink"] = nextLink(ctx, "token", page.nextToken, top);
    if (page.deltaToken !== undefined) {
        const url = new URL(nextLink(ctx, "token", page.deltaToken, top));
        url.searchParams.delete("$top");
        if (ctx.req.url.searchParams.has("$top"))
            url.searchParams.set("$top", String(top));
        body["@odata.deltaLink"] = url.href;
    }
    sendJson(res, 200, body);
}
//# sourceMappingURL=index.js.map