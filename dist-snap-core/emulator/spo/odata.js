import { selects, subSelect } from "./query.js";
/** A complex-typed value (`SP.ChangeToken`, `SP.ResourcePath`): verbose adds `__metadata.type`. */
export class Complex {
    type;
    value;
    constructor(type, value) {
        this.type = type;
        this.value = value;
    }
}
function plain(v, dialect) {
    if (v instanceof Complex) {
        const inner = {};
        if (dialect === "verbose")
            inner.__metadata = { type: v.type };
        for (const [k, x] of Object.entries(v.value))
            inner[k] = plain(x, dialect);
        return inner;
    }
    if (Array.isArray(v)) {
        const arr = v.map((x) => plain(x, dialect));
        return dialect === "verbose" ? { results: arr } : arr;
    }
    return v;
}
function navName(e, wanted) {
    return Object.keys(e.nav ?? {}).find((k) => k.toLowerCase() === wanted);
}
/** One entity as an object (no top-level `odata.metadata`). */
export function renderEntity(e, t, q) {
    const out = {};
    const uri = /^https?:/i.test(e.editLink) ? e.editLink : `${t.apiBase}/${e.editLink}`;
    if (t.dialect === "verbose") {
        const md = { id: /^https?:/i.test(e.id) ? e.id : uri, uri };
        if (e.etag !== undefined)
            md.etag = e.etag;
        md.type = e.type;
        out.__metadata = md;
    }
    else if (t.dialect === "minimal") {
        out["odata.type"] = e.type;
        out["odata.id"] = e.id;
        if (e.etag !== undefined)
            out["odata.etag"] = e.etag;
        out["odata.editLink"] = e.editLink;
    }
    const expanded = new Set(q.expand.map((x) => x.split("/")[0]));
    // Navigation properties: expanded inline, deferred in verbose when not selected away.
    for (const name of Object.keys(e.nav ?? {})) {
        const lower = name.toLowerCase();
        if (expanded.has(lower))
            continue;
        if (t.dialect === "verbose" && (!q.select || selects(q, name)))
            out[name] = { __deferred: { uri: `${uri}/${name}` } };
    }
    const all = { ...e.props };
    if (q.select)
        for (const [k, v] of Object.entries(e.extra ?? {}))
            all[k] = v;
    for (const [k, v] of Object.entries(all)) {
        if (q.select && !selects(q, k))
            continue;
        out[k] = plain(v, t.dialect);
    }
    for (const wanted of expanded) {
        const name = navName(e, wanted);
        if (name === undefined)
            continue;
        const value = e.nav[name]?.() ?? null;
        const sub = subSelect(q, name);
        if (value === null)
            out[name] = t.dialect === "verbose" ? null : null;
        else if (Array.isArray(value)) {
            const arr = value.map((x) => renderEntity(x, t, sub));
            out[name] = t.dialect === "verbose" ? { results: arr } : arr;
        }
        else
            out[name] = renderEntity(value, t, sub);
    }
    return out;
}
export function metadataUrl(t, fragment) {
    return `${t.apiBase}/$metadata#${fragment}`;
}
export function renderSingle(e, t, q) {
    const body = renderEntity(e, t, q);
    if (t.dialect === "verbose")
        return { d: body };
    if (t.dialect === "nometadata")
        return body;
    return { "odata.metadata": metadataUrl(t, `${e.set}/@Element`), ...body };
}
export function renderCollection(items, set, t, q, nextLink) {
    const rows = items.map((e) => renderEntity(e, t, q));
    if (t.dialect === "verbose") {
        const d = { results: rows };
        if (nextLink !== undefined)
            d.__next = nextLink;
        return { d };
    }
    const out = {};
    if (t.dialect === "minimal")
        out["odata.metadata"] = metadataUrl(t, set);
    out.value = rows;
    if (nextLink !== undefined)
        out["odata.nextLink"] = nextLink;
    return out;
}
/** A function's primitive result: `value` (minimal/nometadata) or `d.<FunctionName>` (verbose). */
export function renderPrimitive(value, edmType, functionName, t) {
    if (t.dialect === "verbose")
        return { d: { [functionName]: plain(value, t.dialect) } };
    if (t.dialect === "nometadata")
        return { value: plain(value, t.dialect) };
    return { "odata.metadata": metadataUrl(t, edmType), value: plain(value, t.dialect) };
}
/** A complex-typed result (ContextWebInformation, SearchResult, ...): the object itself. */
export function renderComplex(value, type, functionName, t) {
    const body = {};
    for (const [k, v] of Object.entries(value))
        body[k] = plain(v, t.dialect);
    if (t.dialect === "verbose")
        return { d: { [functionName]: { __metadata: { type }, ...body } } };
    if (t.dialect === "nometadata")
        return body;
    return { "odata.metadata": metadataUrl(t, type), ...body };
}
/** A void result or a null navigation property. */
export function renderNull(functionName, t) {
    if (t.dialect === "verbose")
        return { d: { [functionName]: null } };
    return { "odata.null": true };
}
//# sourceMappingURL=odata.js.map