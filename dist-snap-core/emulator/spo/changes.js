/**
 * GetChanges on a list or a web (spo-protocol.md A.19): `POST …/getchanges` with a ChangeQuery
 * (change-type switches Add/Update/DeleteObject/Rename/Move/Restore, object switches
 * Item/File/Folder, ChangeTokenStart/End, FetchLimit) → SP.ChangeItem (or ChangeFile/ChangeFolder)
 * oldest first, each with the token to resume after it.
 */
import { StoreError } from "../store/types.js";
import { spDate } from "./entities.js";
import { badArgument, translate } from "./errors.js";
import { renderCollection, Complex } from "./odata.js";
import { listToken, msOfTicks, parseChangeToken, webTokenFor, webTokenPositions } from "./tokens.js";
function flag(q, name) {
    const key = Object.keys(q).find((k) => k.toLowerCase() === name.toLowerCase());
    return key !== undefined && q[key] === true;
}
function token(q, name) {
    const key = Object.keys(q).find((k) => k.toLowerCase() === name.toLowerCase());
    if (key === undefined || q[key] === null || q[key] === undefined)
        return undefined;
    const v = q[key];
    const text = typeof v === "string" ? v : v.StringValue;
    if (typeof text !== "string")
        throw badArgument(`The parameter ${name} is not a valid change token.`);
    const parsed = parseChangeToken(text);
    if (!parsed)
        throw badArgument(`The change token '${text}' is not valid.`);
    return parsed;
}
async function readQuery(ctx) {
    const body = await ctx.req.json();
    const q = body.query ?? {};
    const types = new Set();
    if (flag(q, "Add"))
        types.add(1);
    if (flag(q, "Update"))
        types.add(2);
    if (flag(q, "DeleteObject"))
        types.add(3);
    if (flag(q, "Rename"))
        types.add(4);
    if (flag(q, "Move")) {
        types.add(5);
        types.add(6);
    }
    if (flag(q, "Restore"))
        types.add(7);
    const limitKey = Object.keys(q).find((k) => k.toLowerCase() === "fetchlimit");
    const limitVal = limitKey !== undefined ? Number(q[limitKey]) : NaN;
    const out = {
        types,
        item: flag(q, "Item"),
        file: flag(q, "File"),
        folder: flag(q, "Folder"),
        limit: Number.isInteger(limitVal) && limitVal > 0 ? limitVal : ctx.opts.changesFetchLimit,
    };
    const start = token(q, "ChangeTokenStart");
    if (start)
        out.start = start;
    const end = token(q, "ChangeTokenEnd");
    if (end)
        out.end = end;
    return out;
}
function wanted(q, c) {
    if (!q.types.has(c.changeType))
        return false;
    if (q.item)
        return true;
    return c.isFolder ? q.folder : q.file;
}
function changeEntity(ctx, q, c, tokenText, list) {
    const type = q.item ? "SP.ChangeItem" : c.isFolder ? "SP.ChangeFolder" : "SP.ChangeFile";
    const editor = ctx.store.userById(ctx.tenant.name, c.editorId ?? "");
    const base = {
        ChangeToken: new Complex("SP.ChangeToken", { StringValue: tokenText }),
        ChangeType: c.changeType,
        SiteId: c.siteId,
        Time: spDate(c.time),
    };
    const props = type === "SP.ChangeItem"
        ? {
            ...base,
            ContentTypeId: new Complex("SP.ContentTypeId", { StringValue: c.isFolder ? "0x012000" : "0x0101000" }),
            Editor: editor?.displayName ?? "",
            EditorEmailHint: editor?.upn ?? null,
            FileSystemObjectType: c.isFolder ? 1 : 0,
            FileType: c.isFolder ? "" : extOf(c.serverRelativeUrl),
            Hidden: false,
            ItemId: c.itemId,
            ListId: c.listId,
            ListTemplate: list?.baseTemplate ?? 101,
            ListTitle: list?.title ?? "",
            MoveWasForRecycle: false,
            ServerRelativeUrl: c.serverRelativeUrl,
            Title: c.serverRelativeUrl.slice(c.serverRelativeUrl.lastIndexOf("/") + 1),
            UniqueId: c.uniqueId,
            WebId: c.webId,
        }
        : { ...base, ...(c.isFolder ? { UniqueId: c.uniqueId } : { UniqueId: c.uniqueId }), WebId: c.webId, ServerRelativeUrl: c.serverRelativeUrl };
    return { type, id: `${ctx.apiBase}/${type}${encodeURIComponent(tokenText)}`, editLink: `${type}${encodeURIComponent(tokenText)}`, set: "SP.ApiData.Changes", props };
}
function extOf(p) {
    const name = p.slice(p.lastIndexOf("/") + 1);
    const dot = name.lastIndexOf(".");
    return dot > 0 ? name.slice(dot + 1) : "";
}
/** Changes of one list after `from`, matching the query, at most `limit` (scans past filtered ones). */
function collect(ctx, list, from, q, limit, filter) {
    const out = [];
    let cursor = from;
    const batchSize = Math.max(limit, 500);
    for (;;) {
        const batch = ctx.store.changesSince(list.id, cursor, batchSize);
        for (const c of batch) {
            if (q.end && q.end.scope === 3 && c.changeNumber > q.end.n)
                return out;
            if ((!filter || filter(c)) && wanted(q, c)) {
                out.push(c);
                if (out.length >= limit)
                    return out;
            }
        }
        if (batch.length < batchSize)
            return out;
        cursor = batch[batch.length - 1]?.changeNumber ?? cursor;
    }
}
function expired(ctx, err) {
    if (err instanceof StoreError && err.code === "changeTokenExpired") {
        if (ctx.opts.expiredChangeToken === "empty")
            return true;
        throw translate(err, { kind: "other" }, ctx.opts);
    }
    throw err;
}
export async function listChanges(ctx, list) {
    const q = await readQuery(ctx);
    if (q.start && (q.start.scope !== 3 || q.start.scopeId !== list.id))
        throw badArgument("The change token does not belong to this list.");
    let changes = [];
    // A token with change number -1 means "since its time" (clients build `1;3;<list>;<ticks>;-1`).
    // Change times have seconds precision: start at the token's second (duplicates rather than losses).
    const sinceMs = q.start && q.start.n < 0 ? Math.floor(msOfTicks(q.start.ticks) / 1000) * 1000 : undefined;
    const filter = sinceMs !== undefined ? (c) => Date.parse(c.time) >= sinceMs : undefined;
    try {
        changes = collect(ctx, list, q.start ? Math.max(0, q.start.n) : 0, q, q.limit, filter);
    }
    catch (err) {
        if (expired(ctx, err))
            changes = [];
    }
    const rows = changes.map((c) => changeEntity(ctx, q, c, listToken(list.id, c.changeNumber, c.time), list));
    ctx.json(200, renderCollection(rows, "SP.ApiData.Changes", ctx, ctx.query));
}
export async function webChanges(ctx) {
    const q = await readQuery(ctx);
    const site = ctx.site;
    if (q.start && (q.start.scope !== 2 || q.start.scopeId !== site.webId.toLowerCase()))
        throw badArgument("The change token does not belong to this web.");
    const lists = ctx.store.lists(site.id);
    const known = q.start && q.start.n >= 0 ? webTokenPositions(ctx.store, site, q.start) : undefined;
    const sinceMs = q.start && !known ? Math.floor(msOfTicks(q.start.ticks) / 1000) * 1000 : undefined;
    const positions = new Map();
    const all = [];
    for (const l of lists) {
        const from = known?.get(l.id) ?? 0;
        positions.set(l.id, from);
        try {
            const filter = sinceMs !== undefined ? (c) => Date.parse(c.time) >= sinceMs : undefined;
            for (const c of collect(ctx, l, from, q, q.limit, filter))
                all.push({ c, list: l });
        }
        catch (err) {
            expired(ctx, err);
        }
    }
    all.sort((a, b) => (a.c.time < b.c.time ? -1 : a.c.time > b.c.time ? 1 : a.c.changeNumber - b.c.changeNumber));
    const page = all.slice(0, q.limit);
    const rows = page.map(({ c, list }) => {
        positions.set(list.id, c.changeNumber);
        return changeEntity(ctx, q, c, webTokenFor(ctx.store, site, positions, c.time), list);
    });
    ctx.json(200, renderCollection(rows, "SP.ApiData.Changes", ctx, ctx.query));
}
//# sourceMappingURL=changes.js.map