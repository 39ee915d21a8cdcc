/**
 * Parser for the part of a SharePoint REST URL after `/_api/`.
 *
 * `web/getFolderByServerRelativePath(decodedUrl='%2Fsites%2Fdev%2Fa%20b''c')/files` becomes three
 * segments; each carries its name (compare case-insensitively: PnPjs itself mixes `decodedUrl` and
 * `decodedurl`) and its arguments as typed OData literals. String literals are located on the raw,
 * still percent-encoded text first (honouring doubled quotes), and only then percent-decoded, so
 * `%27`, `%2F`, `%23` and `%25` inside a name round-trip (spo-protocol.md A.3). Parameter aliases
 * (`checkin(comment=@a2)?@a2='x'`) are resolved from the query string, whose values are literals too.
 */
export class PathSyntaxError extends Error {
    constructor(message) {
        super(message);
        this.name = "PathSyntaxError";
    }
}
export function is(seg, ...names) {
    if (!seg)
        return false;
    const n = seg.name.toLowerCase();
    return names.some((x) => x.toLowerCase() === n);
}
/** A named argument (case-insensitive), or the positional one at `index` when given. */
export function arg(seg, name, index) {
    const a = seg.args;
    if (!a)
        return undefined;
    const lower = name.toLowerCase();
    for (const [k, v] of a.named)
        if (k.toLowerCase() === lower)
            return v;
    if (index !== undefined && index < a.positional.length)
        return a.positional[index];
    return undefined;
}
function percentDecode(s) {
    try {
        return decodeURIComponent(s);
    }
    catch {
        throw new PathSyntaxError(`Malformed percent-encoding in '${s}'.`);
    }
}
/** `%27` stands for a quote for clients that escape it; other escapes stay for literal decoding. */
function unescapeQuotes(raw) {
    return raw.replace(/%27/gi, "'");
}
/** Parses a literal from raw (percent-encoded) text at the cursor. */
function readLiteral(c, aliases, encoded) {
    const s = c.s;
    // guid'…', datetime'…', X'…' prefixes: keep the quoted content.
    const prefixed = /^(guid|datetime|datetimeoffset|binary|X)(?=')/i.exec(s.slice(c.i));
    if (prefixed)
        c.i += prefixed[0].length;
    if (s[c.i] === "'") {
        c.i++;
        let out = "";
        for (;;) {
            if (c.i >= s.length)
                throw new PathSyntaxError("Unterminated string literal.");
            const ch = s[c.i];
            if (ch === "'") {
                if (s[c.i + 1] === "'") {
                    out += "'";
                    c.i += 2;
                    continue;
                }
                c.i++;
                break;
            }
            out += ch;
            c.i++;
        }
        return encoded ? percentDecode(out) : out;
    }
    // Unquoted token up to , or )
    let j = c.i;
    while (j < s.length && s[j] !== "," && s[j] !== ")")
        j++;
    const tokRaw = s.slice(c.i, j).trim();
    c.i = j;
    const tok = encoded ? percentDecode(tokRaw) : tokRaw;
    if (tok.startsWith("@")) {
        const v = aliases?.get(tok);
        if (v === null || v === undefined)
            throw new PathSyntaxError(`Parameter alias ${tok} has no value.`);
        return parseLiteral(v);
    }
    return unquotedLiteral(tok);
}
function unquotedLiteral(tok) {
    if (/^true$/i.test(tok))
        return true;
    if (/^false$/i.test(tok))
        return false;
    if (/^null$/i.test(tok))
        return null;
    const num = /^[-+]?\d+(\.\d+)?([eE][-+]?\d+)?[LlMmDdFf]?$/.exec(tok);
    if (num)
        return Number(tok.replace(/[LlMmDdFf]$/, ""));
    if (tok === "")
        throw new PathSyntaxError("Empty parameter value.");
    // Lenient: a bare word (e.g. an unquoted GUID) is taken as text.
    return tok;
}
/** A literal given as already-decoded text (query alias values). */
export function parseLiteral(text) {
    const c = { s: text.trim(), i: 0 };
    const v = readLiteral(c, undefined, false);
    if (c.i !== c.s.length)
        throw new PathSyntaxError(`Unexpected text after literal in '${text}'.`);
    return v;
}
/** Parses `rest` (raw, after `/_api/`, no query string). */
export function parseApiPath(rest, aliases) {
    const c = { s: unescapeQuotes(rest), i: 0 };
    const segs = [];
    const s = c.s;
    while (c.i < s.length) {
        if (s[c.i] === "/") {
            c.i++;
            continue;
        }
        let j = c.i;
        while (j < s.length && s[j] !== "/" && s[j] !== "(")
            j++;
        const name = percentDecode(s.slice(c.i, j));
        c.i = j;
        const seg = { name };
        if (s[c.i] === "(") {
            c.i++;
            seg.args = { positional: [], named: new Map() };
            skipSpaces(c);
            if (s[c.i] === ")")
                c.i++;
            else {
                for (;;) {
                    skipSpaces(c);
                    const m = /^([A-Za-z_][A-Za-z0-9_.]*)\s*=/.exec(s.slice(c.i));
                    if (m) {
                        c.i += m[0].length;
                        skipSpaces(c);
                        seg.args.named.set(m[1], readLiteral(c, aliases, true));
                    }
                    else {
                        seg.args.positional.push(readLiteral(c, aliases, true));
                    }
                    skipSpaces(c);
                    if (s[c.i] === ",") {
                        c.i++;
                        continue;
                    }
                    if (s[c.i] === ")") {
                        c.i++;
                        break;
                    }
                    throw new PathSyntaxError(`Unexpected character in parameter list of ${name}.`);
                }
            }
            if (c.i < s.length && s[c.i] !== "/")
                throw new PathSyntaxError(`Unexpected text after ${name}(…).`);
        }
        if (name === "" && !seg.args)
            throw new PathSyntaxError("Empty path segment.");
        segs.push(seg);
    }
    return segs;
}
function skipSpaces(c) {
    while (c.s[c.i] === " " || c.s.slice(c.i, c.i + 3) === "%20")
        c.i += c.s[c.i] === " " ? 1 : 3;
}
/** Quotes a string as an OData literal (for links we emit). */
export function quote(s) {
    return `'${s.replace(/'/g, "''")}'`;
}
/** A server-relative path as SharePoint writes it in editLinks: segments percent-encoded, `/` kept. */
export function encodePathForLink(p) {
    return p
        .split("/")
        .map((x) => encodeURIComponent(x).replace(/'/g, "''"))
        .join("/");
}
//# sourceMappingURL=path.js.map