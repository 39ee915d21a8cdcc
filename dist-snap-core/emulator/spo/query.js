/**
 * OData v3 system query options as SharePoint REST accepts them: `$select`, `$expand`, `$filter`,
 * `$orderby`, `$top`, `$skip`, `$skiptoken`. The filter language covers what clients send to list
 * and file collections (`BaseTemplate eq 101 and Hidden eq false`, `FSObjType eq 0`, `ID gt 10`,
 * `startswith(Name,'a')`, `substringof('x',Title)`); anything else is a 400 like the service's
 * "The expression … is not supported.".
 */
import { PathSyntaxError, parseLiteral } from "./path.js";
function list(v) {
    if (!v)
        return [];
    return v
        .split(",")
        .map((x) => x.trim())
        .filter((x) => x !== "");
}
function int(name, v) {
    if (v === null || v.trim() === "")
        return undefined;
    if (!/^\d+$/.test(v.trim()))
        throw new PathSyntaxError(`Invalid value '${v}' for ${name}.`);
    return Number(v.trim());
}
export function parseQueryOptions(q) {
    const get = (n) => {
        for (const [k, v] of q)
            if (k.toLowerCase() === n)
                return v;
        return null;
    };
    const sel = get("$select");
    const filterText = get("$filter") ?? undefined;
    const opts = {
        expand: list(get("$expand")).map((x) => x.toLowerCase()),
        orderBy: list(get("$orderby")).map((x) => {
            const [field, dir] = x.split(/\s+/);
            return { field: field ?? "", desc: (dir ?? "").toLowerCase() === "desc" };
        }),
    };
    if (sel !== null && sel.trim() !== "")
        opts.select = list(sel).map((x) => x.toLowerCase());
    if (filterText !== undefined && filterText.trim() !== "") {
        opts.filterText = filterText;
        opts.filter = parseFilter(filterText);
    }
    const top = int("$top", get("$top"));
    if (top !== undefined)
        opts.top = top;
    const skip = int("$skip", get("$skip"));
    if (skip !== undefined)
        opts.skip = skip;
    const st = get("$skiptoken");
    if (st !== null)
        opts.skipToken = st;
    return opts;
}
/** Whether `$select` names the property (or `*`); the default payload when there is no `$select`. */
export function selects(opts, prop) {
    if (!opts.select)
        return false;
    const p = prop.toLowerCase();
    return opts.select.some((s) => s === "*" || s === p || s.startsWith(p + "/"));
}
/** The sub-selection for an expanded navigation property (`RootFolder/ServerRelativeUrl` → [serverrelativeurl]). */
export function subSelect(opts, nav) {
    const p = nav.toLowerCase() + "/";
    const sel = opts.select?.filter((s) => s.startsWith(p)).map((s) => s.slice(p.length));
    const sub = { expand: opts.expand.filter((e) => e.startsWith(p)).map((e) => e.slice(p.length)), orderBy: [] };
    if (sel && sel.length > 0)
        sub.select = sel;
    return sub;
}
function tokenize(text) {
    const out = [];
    let i = 0;
    while (i < text.length) {
        const ch = text[i];
        if (/\s/.test(ch)) {
            i++;
        }
        else if (ch === "(" || ch === ")" || ch === ",") {
            out.push({ t: ch });
            i++;
        }
        else if (ch === "'" || /^(guid|datetime)'/i.test(text.slice(i))) {
            let j = text.indexOf("'", i);
            const start = j;
            j++;
            while (j < text.length) {
                if (text[j] === "'") {
                    if (text[j + 1] === "'")
                        j += 2;
                    else
                        break;
                }
                else
                    j++;
            }
            if (j >= text.length)
                throw new PathSyntaxError("Unterminated string in $filter.");
            out.push({ t: "lit", v: parseLiteral(text.slice(start, j + 1)) });
            i = j + 1;
        }
        else {
            let j = i;
            while (j < text.length && !/[\s(),']/.test(text[j]))
                j++;
            const w = text.slice(i, j);
            if (/^[-+]?\d+(\.\d+)?$/.test(w) || /^(true|false|null)$/i.test(w))
                out.push({ t: "lit", v: parseLiteral(w) });
            else
                out.push({ t: "word", v: w });
            i = j;
        }
    }
    return out;
}
export function parseFilter(text) {
    const toks = tokenize(text);
    let p = 0;
    const fail = () => {
        throw new PathSyntaxError(`The expression "${text}" is not supported.`);
    };
    const peekWord = () => {
        const t = toks[p];
        return t && t.t === "word" ? t.v.toLowerCase() : undefined;
    };
    const expect = (t) => {
        const tok = toks[p++];
        if (!tok || tok.t !== t)
            return fail();
        return tok;
    };
    const field = () => {
        const tok = expect("word");
        return tok.v;
    };
    const literal = () => {
        const tok = toks[p++];
        if (!tok || tok.t !== "lit")
            return fail();
        return tok.v;
    };
    const primary = () => {
        const w = peekWord();
        if (w === "not") {
            p++;
            return { op: "not", expr: primary() };
        }
        if (toks[p]?.t === "(") {
            p++;
            const e = orExpr();
            expect(")");
            return e;
        }
        if ((w === "startswith" || w === "endswith" || w === "substringof") && toks[p + 1]?.t === "(") {
            p += 2;
            let f;
            let v;
            if (w === "substringof") {
                v = literal();
                expect(",");
                f = field();
            }
            else {
                f = field();
                expect(",");
                v = literal();
            }
            expect(")");
            // `startswith(Name,'a') eq true` is the v3 spelling some clients use.
            if (peekWord() === "eq") {
                p++;
                literal();
            }
            return { op: w, field: f, value: String(v) };
        }
        const f = field();
        const opw = peekWord();
        if (opw !== "eq" && opw !== "ne" && opw !== "gt" && opw !== "ge" && opw !== "lt" && opw !== "le")
            return fail();
        p++;
        return { op: opw, field: f, value: literal() };
    };
    const andExpr = () => {
        let l = primary();
        while (peekWord() === "and") {
            p++;
            l = { op: "and", left: l, right: primary() };
        }
        return l;
    };
    const orExpr = () => {
        let l = andExpr();
        while (peekWord() === "or") {
            p++;
            l = { op: "or", left: l, right: andExpr() };
        }
        return l;
    };
    const e = orExpr();
    if (p !== toks.length)
        fail();
    return e;
}
/** A scalar as comparable text (objects compare as empty). */
export function text(v) {
    if (typeof v === "string")
        return v;
    if (typeof v === "number" || typeof v === "boolean")
        return String(v);
    return "";
}
/** Reads a (possibly nested: `RootFolder/Name`) field case-insensitively. */
export function fieldValue(rec, path) {
    let cur = rec;
    for (const part of path.split("/")) {
        if (cur === null || typeof cur !== "object")
            return undefined;
        const o = cur;
        const key = Object.keys(o).find((k) => k.toLowerCase() === part.toLowerCase());
        cur = key === undefined ? undefined : o[key];
    }
    return cur;
}
function compare(a, b) {
    if (typeof b === "number")
        return Number(a) - b;
    if (typeof b === "boolean")
        return (a === true || a === 1 || a === "1" || a === "true" ? 1 : 0) - (b ? 1 : 0);
    if (b === null)
        return a === null || a === undefined ? 0 : 1;
    const x = text(a).toLowerCase();
    const y = b.toLowerCase();
    return x < y ? -1 : x > y ? 1 : 0;
}
export function matches(e, rec) {
    switch (e.op) {
        case "and":
            return matches(e.left, rec) && matches(e.right, rec);
        case "or":
            return matches(e.left, rec) || matches(e.right, rec);
        case "not":
            return !matches(e.expr, rec);
        case "startswith":
            return text(fieldValue(rec, e.field)).toLowerCase().startsWith(e.value.toLowerCase());
        case "endswith":
            return text(fieldValue(rec, e.field)).toLowerCase().endsWith(e.value.toLowerCase());
        case "substringof":
            return text(fieldValue(rec, e.field)).toLowerCase().includes(e.value.toLowerCase());
        default: {
            const c = compare(fieldValue(rec, e.field), e.value);
            if (Number.isNaN(c))
                return false;
            switch (e.op) {
                case "eq":
                    return c === 0;
                case "ne":
                    return c !== 0;
                case "gt":
                    return c > 0;
                case "ge":
                    return c >= 0;
                case "lt":
                    return c < 0;
                case "le":
                    return c <= 0;
            }
        }
    }
}
/** Fields a filter touches (lower case). */
export function filterFields(e, out = new Set()) {
    if (!e)
        return out;
    switch (e.op) {
        case "and":
        case "or":
            filterFields(e.left, out);
            filterFields(e.right, out);
            break;
        case "not":
            filterFields(e.expr, out);
            break;
        default:
            out.add(e.field.toLowerCase());
    }
    return out;
}
export function sortRecords(rows, orderBy, view) {
    if (orderBy.length === 0)
        return rows;
    return [...rows].sort((ra, rb) => {
        for (const o of orderBy) {
            const a = fieldValue(view(ra), o.field);
            const b = fieldValue(view(rb), o.field);
            let c;
            if (typeof a === "number" && typeof b === "number")
                c = a - b;
            else
                c = text(a).localeCompare(text(b), "en", { sensitivity: "base" });
            if (c !== 0)
                return o.desc ? -c : c;
        }
        return 0;
    });
}
//# sourceMappingURL=query.js.map