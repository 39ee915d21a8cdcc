import { itemEntity, listEntity, webEntity } from "./entities.js";
import { badArgument, Codes, spError, throttled, unsupportedMethod } from "./errors.js";
import { bypassSharedLock, effectiveMethod, ifMatch } from "./files.js";
import { Complex, renderCollection, renderComplex, renderPrimitive, renderSingle } from "./odata.js";
import { is } from "./path.js";
import { filterFields, matches, sortRecords } from "./query.js";
function action(name, run) {
    return { k: "action", name, run };
}
function requirePost(ctx) {
    if (effectiveMethod(ctx) !== "POST")
        throw unsupportedMethod(ctx.req.method);
}
function rename(ctx, item, newName) {
    if (newName === item.name)
        return item;
    const n = ifMatch(ctx, item);
    try {
        return ctx.store.move(item.uniqueId, { name: newName }, { userId: ctx.userId, ...(n !== undefined ? { ifMatch: n } : {}), bypassSharedLock: bypassSharedLock(ctx) });
    }
    catch (err) {
        if (err instanceof Error && "code" in err && err.code === "alreadyExists") {
            throw spError(400, Codes.alreadyExists, `The specified name is already in use.\n\nThe document or folder name was not changed.  To change the name to a different value, close this dialog and edit the properties of the document or folder again.`);
        }
        throw err;
    }
}
export function itemActions(ctx, r, seg) {
    if (r.k !== "item")
        return undefined;
    const item = r.item;
    if (is(seg, "validateUpdateListItem")) {
        return action("ValidateUpdateListItem", async () => {
            requirePost(ctx);
            const body = await ctx.req.json();
            const values = Array.isArray(body.formValues) ? body.formValues : (body.formValues?.results ?? []);
            let current = item;
            const out = [];
            for (const v of values) {
                const name = v.FieldName ?? "";
                if (name.toLowerCase() === "fileleafref" && typeof v.FieldValue === "string")
                    current = rename(ctx, current, v.FieldValue);
                out.push({ ErrorCode: 0, ErrorMessage: null, FieldName: name, FieldValue: v.FieldValue ?? null, HasException: false, ItemId: current.id });
            }
            ctx.json(200, renderPrimitive(out, "Collection(SP.ListItemFormUpdateValue)", "ValidateUpdateListItem", ctx));
        });
    }
    if (is(seg, "recycle")) {
        return action("Recycle", () => {
            requirePost(ctx);
            const n = ifMatch(ctx, item);
            const id = ctx.store.recycle(item.uniqueId, { userId: ctx.userId, ...(n !== undefined ? { ifMatch: n } : {}), bypassSharedLock: bypassSharedLock(ctx) });
            ctx.json(200, renderPrimitive(id, "Edm.Guid", "Recycle", ctx));
            return Promise.resolve();
        });
    }
    if (is(seg, "shareLink"))
        return action("ShareLink", () => shareLink(ctx, item, r.list));
    return undefined;
}
/** SharingLinkKind (PnPjs) → the store's scope and type. */
const LINK_KINDS = {
    1: { scope: "users", type: "view" },
    2: { scope: "organization", type: "view" },
    3: { scope: "organization", type: "edit" },
    4: { scope: "anonymous", type: "view" },
    5: { scope: "anonymous", type: "edit" },
    6: { scope: "users", type: "edit" },
};
/** The `:w:`-style marker of a sharing URL: by file kind, `f` for folders. */
function linkMarker(item) {
    if (item.isFolder)
        return "f";
    const ext = item.name.slice(item.name.lastIndexOf(".") + 1).toLowerCase();
    if (/^(docx?|dotx?|rtf)$/.test(ext))
        return "w";
    if (/^(xlsx?|xlsm|csv)$/.test(ext))
        return "x";
    if (/^(pptx?|ppsx?)$/.test(ext))
        return "p";
    if (ext === "pdf")
        return "b";
    if (ext === "txt")
        return "t";
    return "u";
}
function sitePrefix(site) {
    const rel = site.serverRelativeUrl;
    if (site.kind === "sites")
        return `s${rel.slice("/sites".length)}`;
    if (site.kind === "teams")
        return `t${rel.slice("/teams".length)}`;
    if (site.kind === "personal")
        return `g${rel}`;
    return "r";
}
async function shareLink(ctx, item, list) {
    requirePost(ctx);
    const body = await ctx.req.json();
    const kind = body.request?.settings?.linkKind ?? 2;
    const k = LINK_KINDS[kind];
    if (!k)
        throw badArgument("The sharing link kind is not valid.");
    const site = ctx.store.siteById(ctx.tenant.name, list.siteId) ?? ctx.site;
    const expiration = body.request?.settings?.expiration ?? undefined;
    const marker = linkMarker(item);
    const { link } = ctx.store.createSharingLink(item.uniqueId, { kind, scope: k.scope, type: k.type, createdById: ctx.userId, ...(expiration ? { expiration } : {}) }, (shareId) => `${ctx.origin}/:${marker}:/${sitePrefix(site)}/E${Buffer.from(shareId.replace(/-/g, ""), "hex").toString("base64url")}`);
    const info = {
        AllowsAnonymousAccess: link.scope === "anonymous",
        ApplicationId: null,
        BlocksDownload: false,
        Created: new Date().toISOString().replace(/\.\d{3}Z$/, "Z"),
        CreatedBy: ctx.user ? { email: ctx.user.upn, id: 7, loginName: ctx.user.loginName, name: ctx.user.displayName } : null,
        Description: null,
        Embeddable: false,
        Expiration: link.expiration ?? "",
        HasExternalGuestInvitees: false,
        Invitations: [],
        IsActive: true,
        IsAddressBarLink: false,
        IsCreateOnlyLink: false,
        IsDefault: true,
        IsEditLink: link.type === "edit",
        IsFormsLink: false,
        IsManageListLink: false,
        IsReviewLink: false,
        IsUnhealthy: false,
        LastModified: new Date().toISOString().replace(/\.\d{3}Z$/, "Z"),
        LastModifiedBy: null,
        LimitUseToApplication: false,
        LinkKind: link.kind,
        PasswordLastModified: "",
        PasswordLastModifiedBy: null,
        RedeemedUsers: [],
        RequiresPassword: false,
        RestrictedShareMembership: false,
        Scope: link.scope === "anonymous" ? 0 : link.scope === "organization" ? 1 : 2,
        ShareId: link.shareId,
        ShareTokenString: null,
        SharingLinkStatus: 0,
        TrackLinkUsers: false,
        Url: link.url,
    };
    ctx.json(200, renderComplex({ sharingLinkInfo: info }, "SP.Sharing.ShareLinkResponse", "ShareLink", ctx));
}
export function serveItemResource(ctx, r) {
    const m = effectiveMethod(ctx);
    if (r.k === "item") {
        if (m === "GET") {
            ctx.json(200, renderSingle(itemEntity(ctx, r.item, r.list), ctx, ctx.query));
            return true;
        }
        if (m === "DELETE") {
            const n = ifMatch(ctx, r.item);
            ctx.store.delete(r.item.uniqueId, { userId: ctx.userId, ...(n !== undefined ? { ifMatch: n } : {}), bypassSharedLock: bypassSharedLock(ctx) });
            ctx.empty();
            return true;
        }
        if (m === "MERGE" || m === "PATCH") {
            return false; // handled asynchronously by mergeItem
        }
        throw unsupportedMethod(ctx.req.method);
    }
    if (r.k === "items") {
        if (m !== "GET")
            throw unsupportedMethod(ctx.req.method);
        serveItems(ctx, r.list);
        return true;
    }
    if (r.k === "lists") {
        if (m !== "GET")
            throw unsupportedMethod(ctx.req.method);
        const q = ctx.query;
        const view = (e) => ({ ...e.props, ...(e.extra ?? {}) });
        let rows = ctx.store.lists(ctx.site.id).map((l) => listEntity(ctx, l));
        if (q.filter)
            rows = rows.filter((e) => matches(q.filter, view(e)));
        rows = sortRecords(rows, q.orderBy, view);
        const skip = q.skip ?? 0;
        rows = rows.slice(skip, q.top !== undefined ? skip + q.top : undefined);
        ctx.json(200, renderCollection(rows, "SP.ApiData.Lists", ctx, q));
        return true;
    }
    if (r.k === "list") {
        if (m !== "GET")
            throw unsupportedMethod(ctx.req.method);
        ctx.json(200, renderSingle(listEntity(ctx, r.list), ctx, ctx.query));
        return true;
    }
    if (r.k === "web") {
        if (m !== "GET")
            throw unsupportedMethod(ctx.req.method);
        ctx.json(200, renderSingle(webEntity(ctx), ctx, ctx.query));
        return true;
    }
    return false;
}
/** MERGE on an item: `FileLeafRef` renames; other fields are accepted and ignored. 204 like the service. */
export async function mergeItem(ctx, r) {
    if (r.k !== "item")
        return false;
    const m = effectiveMethod(ctx);
    if (m !== "MERGE" && m !== "PATCH")
        return false;
    const body = await ctx.req.json();
    const key = Object.keys(body).find((k) => k.toLowerCase() === "fileleafref");
    if (key !== undefined && typeof body[key] === "string")
        rename(ctx, r.item, body[key]);
    ctx.empty(204);
    return true;
}
/** The largest `id > n` an AND-chain of ID comparisons implies (`ID gt 5` → 5, `ID ge 5` → 4). */
function idLowerBound(e) {
    if (e.op === "and") {
        const a = idLowerBound(e.left);
        const b = idLowerBound(e.right);
        if (a === undefined)
            return b;
        if (b === undefined)
            return a;
        return Math.max(a, b);
    }
    if ((e.op === "gt" || e.op === "ge" || e.op === "eq") && e.field.toLowerCase() === "id" && typeof e.value === "number") {
        return e.op === "gt" ? e.value : e.value - 1;
    }
    return undefined;
}
/** The smallest `id <= n` an AND-chain of ID comparisons implies. */
function idUpperBound(e) {
    if (e.op === "and") {
        const a = idUpperBound(e.left);
        const b = idUpperBound(e.right);
        if (a === undefined)
            return b;
        if (b === undefined)
            return a;
        return Math.min(a, b);
    }
    if ((e.op === "lt" || e.op === "le" || e.op === "eq") && e.field.toLowerCase() === "id" && typeof e.value === "number") {
        return e.op === "lt" ? e.value - 1 : e.value;
    }
    return undefined;
}
function skipTokenId(token) {
    if (token === undefined)
        return undefined;
    const m = /p_ID=(\d+)/i.exec(token);
    return m ? Number(m[1]) : undefined;
}
/** Only ID is indexed in the emulator's libraries (like a default library). */
function indexBacked(ctx) {
    const q = ctx.query;
    const fields = filterFields(q.filter);
    const onlyId = [...fields].every((f) => f === "id");
    const order = q.orderBy.every((o) => o.field.toLowerCase() === "id" && !o.desc);
    return onlyId && order;
}
function serveItems(ctx, list) {
    const q = ctx.query;
    const threshold = ctx.env.config.listViewThreshold;
    const top = q.top ?? ctx.opts.itemsDefaultTop;
    const count = ctx.store.itemCount(list.id);
    const backed = indexBacked(ctx);
    if (count > threshold && (!backed || top > threshold))
        throw throttled();
    const afterId = skipTokenId(q.skipToken);
    const view = (i) => itemEntity(ctx, i, list).props;
    let page;
    let more;
    if (backed) {
        // Walk by id from the lower bound an ID filter implies; the filter is applied while walking.
        page = [];
        const bound = q.filter ? idLowerBound(q.filter) : undefined;
        const upper = q.filter ? idUpperBound(q.filter) : undefined;
        let cursor = bound !== undefined && (afterId === undefined || bound > afterId) ? bound : afterId;
        for (;;) {
            const batch = ctx.store.listItems(list.id, { ...(cursor !== undefined ? { afterId: cursor } : {}), limit: top + 1 });
            for (const i of batch)
                if (!q.filter || matches(q.filter, view(i)))
                    page.push(i);
            const lastId = batch[batch.length - 1]?.id ?? 0;
            if (batch.length < top + 1 || page.length > top || (upper !== undefined && lastId >= upper))
                break;
            cursor = batch[batch.length - 1]?.id;
        }
        more = page.length > top;
        page = page.slice(0, top);
    }
    else {
        let all = [];
        let cursor;
        for (;;) {
            const batch = ctx.store.listItems(list.id, { ...(cursor !== undefined ? { afterId: cursor } : {}), limit: 1000 });
            all.push(...batch);
            if (batch.length < 1000)
                break;
            cursor = batch[batch.length - 1]?.id;
        }
        if (q.filter)
            all = all.filter((i) => matches(q.filter, view(i)));
        all = sortRecords(all, q.orderBy, view);
        if (afterId !== undefined) {
            const at = all.findIndex((i) => i.id === afterId);
            all = at >= 0 ? all.slice(at + 1) : all;
        }
        more = all.length > top;
        page = all.slice(0, top);
    }
    const last = page[page.length - 1];
    const next = more && last ? nextLink(ctx, last.id, top) : undefined;
    ctx.json(200, renderCollection(page.map((i) => itemEntity(ctx, i, list)), `SP.ListData.${list.entityTypeName}Items`, ctx, q, next));
}
/** `…/items?%24skiptoken=Paged%3dTRUE%26p_ID%3d2&%24top=2` (lowercase escapes, as observed). */
function nextLink(ctx, lastId, top) {
    const parts = [`%24skiptoken=Paged%3dTRUE%26p_ID%3d${lastId}`, `%24top=${top}`];
    for (const [k, v] of ctx.req.url.searchParams) {
        const lower = k.toLowerCase();
        if (lower === "$skiptoken" || lower === "$top")
            continue;
        parts.push(`${encodeURIComponent(k)}=${encodeURIComponent(v)}`);
    }
    return `${ctx.origin}${ctx.req.rawPath}?${parts.join("&")}`;
}
export function listProperty(ctx, r) {
    if (r.k !== "property" || r.of.k !== "list")
        return false;
    const e = listEntity(ctx, r.of.list);
    const key = Object.keys(e.props).find((k) => k.toLowerCase() === r.name.toLowerCase());
    if (key === undefined)
        return false;
    const v = e.props[key];
    if (v instanceof Complex)
        ctx.json(200, renderComplex(v.value, v.type, key, ctx));
    else
        ctx.json(200, renderPrimitive(v, typeof v === "number" ? "Edm.Int32" : typeof v === "boolean" ? "Edm.Boolean" : "Edm.String", key, ctx));
    return true;
}
//# sourceMappingURL=items.js.map