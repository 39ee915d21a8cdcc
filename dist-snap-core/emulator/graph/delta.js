import { GraphError } from "./errors.js";
import { deletedJson, itemJson, applySelect } from "./items.js";
export function encodeToken(t) {
    return Buffer.from(JSON.stringify(t)).toString("base64url");
}
function decodeToken(text, list) {
    let t;
    try {
        t = JSON.parse(Buffer.from(text, "base64url").toString("utf8"));
    }
    catch {
        throw new GraphError(400, "invalidRequest", "Invalid delta token.");
    }
    if (typeof t !== "object" || t === null || t.l !== list.id || typeof t.c !== "number")
        throw new GraphError(400, "invalidRequest", "Invalid delta token.");
    if (t.s !== undefined && (!Array.isArray(t.s) || t.s.some((f) => typeof f?.f !== "string" || (f.p !== "a" && f.p !== "f")))) {
        throw new GraphError(400, "invalidRequest", "Invalid delta token.");
    }
    return t;
}
export function deltaPage(ctx, tempAuth, list, site, tokenParam, top, select) {
    const store = ctx.store;
    if (tokenParam === "latest")
        return { value: [], deltaToken: encodeToken({ l: list.id, c: store.currentChange(list.id) }) };
    const token = tokenParam ? decodeToken(tokenParam, list) : { l: list.id, c: store.currentChange(list.id), s: [] };
    const json = (item) => applySelect(itemJson(ctx, list, site, item, { delta: true, tempAuth }), select);
    if (token.s) {
        const value = [];
        const stack = token.s;
        if (!token.r) {
            const root = store.rootFolder(list.id);
            value.push(json(root));
            stack.push({ f: root.uniqueId, p: "a" });
            token.r = 1;
        }
        while (value.length < top && stack.length > 0) {
            const frame = stack[stack.length - 1];
            // A folder deleted or moved out since the last page: its changes come with the deltaLink.
            // (This also keeps a hand-made token from listing folders of another library.)
            const folder = store.itemByUniqueId(frame.f);
            if (!folder || !folder.isFolder || folder.listId !== list.id) {
                stack.pop();
                continue;
            }
            if (frame.p === "a") {
                const page = store.children(frame.f, { after: frame.a, limit: top - value.length, kind: "all" });
                for (const item of page.items)
                    value.push(json(item));
                if (page.next === undefined) {
                    frame.p = "f";
                    delete frame.a;
                }
                else
                    frame.a = page.next;
            }
            else {
                const page = store.children(frame.f, { after: frame.a, limit: 1, kind: "folders" });
                const sub = page.items[0];
                if (!sub) {
                    stack.pop();
                    continue;
                }
                if (page.next === undefined)
                    stack.pop();
                else
                    frame.a = page.next;
                stack.push({ f: sub.uniqueId, p: "a" });
            }
        }
        if (stack.length > 0)
            return { value, nextToken: encodeToken(token) };
        return { value, deltaToken: encodeToken({ l: list.id, c: token.c }) };
    }
    const changes = store.changesSince(list.id, token.c, top);
    const seen = new Set();
    const value = [];
    let last = token.c;
    for (const change of changes) {
        last = change.changeNumber;
        if (seen.has(change.uniqueId))
            continue;
        seen.add(change.uniqueId);
        const item = store.itemByUniqueId(change.uniqueId);
        if (item && item.listId === list.id)
            value.push(json(item));
        else
            value.push(applySelect(deletedJson(list, change), select ? `${select},deleted` : null));
    }
    const next = encodeToken({ l: list.id, c: last });
    return changes.length >= top ? { value, nextToken: next } : { value, deltaToken: next };
}
//# sourceMappingURL=delta.js.map