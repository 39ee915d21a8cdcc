import { encodePath } from "./context.js";
import { graphItemId } from "./ids.js";
import { DOWNLOAD_URL_LIFETIME_MS } from "./tempauth.js";
import { expiryMs } from "./context.js";
const MIME = {
    txt: "text/plain",
    md: "text/markdown",
    csv: "text/csv",
    json: "application/json",
    xml: "application/xml",
    html: "text/html",
    htm: "text/html",
    pdf: "application/pdf",
    png: "image/png",
    jpg: "image/jpeg",
    jpeg: "image/jpeg",
    gif: "image/gif",
    zip: "application/zip",
    docx: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    pptx: "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    doc: "application/msword",
    xls: "application/vnd.ms-excel",
    ppt: "application/vnd.ms-powerpoint",
};
export function mimeType(name) {
    const dot = name.lastIndexOf(".");
    return (dot >= 0 ? MIME[name.slice(dot + 1).toLowerCase()] : undefined) ?? "application/octet-stream";
}
export function etagOf(item) {
    return `"{${item.uniqueId.toUpperCase()}},${item.etag}"`;
}
export function ctagOf(item) {
    return `"c:{${item.uniqueId.toUpperCase()}},${item.contentVersion}"`;
}
export function driveType(list) {
    return list.baseTemplate === 700 ? "business" : "documentLibrary";
}
export function graphSiteId(ctx, site) {
    return `${ctx.req.url.hostname},${site.id},${site.webId}`;
}
/** The pre-authenticated download URL of a file, valid for an hour (or until the bearer expires). */
export function downloadUrl(ctx, tempAuth, site, item) {
    const exp = Math.min(Date.now() + DOWNLOAD_URL_LIFETIME_MS, expiryMs(ctx.principal.expiresAt));
    const token = tempAuth.sign({ k: "dl", tenant: ctx.tenant.name, uniqueId: item.uniqueId, userId: ctx.userId, session: ctx.session, exp });
    return `${ctx.siteUrl(site)}/_layouts/15/download.aspx?UniqueId=${item.uniqueId}&Translate=false&tempauth=${token}&ApiVersion=2.0`;
}
/** Graph path of a folder: `/drives/{id}/root:` + percent-encoded path below the library root. */
function graphPath(list, folderUrl) {
    const below = folderUrl.length > list.rootFolderUrl.length ? folderUrl.slice(list.rootFolderUrl.length) : "";
    return `/drives/${list.driveId}/root:${encodePath(below)}`;
}
function parentUrl(serverRelativeUrl) {
    const i = serverRelativeUrl.lastIndexOf("/");
    return i <= 0 ? "/" : serverRelativeUrl.slice(0, i);
}
export function itemJson(ctx, list, site, item, opts) {
    const isRoot = item.parentId === null;
    const out = {};
    if (!item.isFolder) {
        const url = downloadUrl(ctx, opts.tempAuth, site, item);
        out["@content.downloadUrl"] = url;
        out["@microsoft.graph.downloadUrl"] = url;
    }
    out.createdBy = { user: ctx.userRef(item.authorId) };
    out.createdDateTime = item.created;
    out.eTag = etagOf(item);
    out.id = graphItemId(item.uniqueId);
    out.lastModifiedBy = { user: ctx.userRef(item.editorId) };
    out.lastModifiedDateTime = item.modified;
    out.name = isRoot ? "root" : item.name;
    const parent = { driveType: driveType(list), driveId: list.driveId };
    if (!isRoot && item.parentId !== null) {
        parent.id = graphItemId(item.parentId);
        if (!opts.delta)
            parent.path = graphPath(list, parentUrl(item.serverRelativeUrl));
    }
    parent.siteId = site.id;
    out.parentReference = parent;
    out.webUrl = `${ctx.origin}${encodePath(item.serverRelativeUrl)}`;
    out.cTag = ctagOf(item);
    out.fileSystemInfo = { createdDateTime: item.created, lastModifiedDateTime: item.modified };
    if (item.isFolder) {
        out.folder = { childCount: item.childCount };
        if (isRoot)
            out.root = {};
        out.size = item.size;
    }
    else {
        const file = { mimeType: mimeType(item.name) };
        if (item.quickXorHash)
            file.hashes = { quickXorHash: item.quickXorHash };
        out.file = file;
        out.size = item.size;
    }
    if (item.lock || item.checkedOutById) {
        // Real v2.0 exposes check-out through `publication`; a co-authoring lock has no facet.
        if (item.checkedOutById)
            out.publication = { level: "checkout", versionId: `${item.majorVersion}.${item.minorVersion}` };
    }
    return out;
}
/** A deleted item in a delta page: id, the `deleted` facet and its last known parent. */
export function deletedJson(list, change) {
    const name = change.serverRelativeUrl.slice(change.serverRelativeUrl.lastIndexOf("/") + 1);
    const parent = { driveType: driveType(list), driveId: list.driveId };
    if (change.parentId)
        parent.id = graphItemId(change.parentId);
    return {
        id: graphItemId(change.uniqueId),
        name,
        parentReference: parent,
        deleted: { state: "deleted" },
        ...(change.isFolder ? { folder: {} } : { file: {} }),
    };
}
export function driveJson(ctx, list, site) {
    const owner = site.ownerId ? { user: ctx.userRef(site.ownerId) } : { group: { displayName: `${site.title} Owners`, id: site.id } };
    return {
        createdDateTime: list.created,
        description: "",
        id: list.driveId,
        lastModifiedDateTime: list.created,
        name: list.title,
        webUrl: `${ctx.origin}${encodePath(list.rootFolderUrl)}`,
        driveType: driveType(list),
        createdBy: { user: { displayName: "System Account" } },
        owner,
        quota: { deleted: 0, remaining: 1099511627776, state: "normal", total: 1099511627776, used: 0 },
    };
}
/**
 * `$select`: keeps the named properties (and `id`, which Graph always returns). Annotations are
 * selectable by name (`@microsoft.graph.downloadUrl`, `@content.downloadUrl`, `content.downloadUrl`).
 */
export function applySelect(json, select) {
    if (!select)
        return json;
    const wanted = new Set(select
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean)
        .map((s) => s.toLowerCase()));
    if (wanted.has("*"))
        return json;
    wanted.add("id");
    if (wanted.has("content.downloadurl"))
        wanted.add("@content.downloadurl");
    if (wanted.has("microsoft.graph.downloadurl"))
        wanted.add("@microsoft.graph.downloadurl");
    const out = {};
    for (const [k, v] of Object.entries(json))
        if (wanted.has(k.toLowerCase()))
            out[k] = v;
    return out;
}
//# sourceMappingURL=items.js.map