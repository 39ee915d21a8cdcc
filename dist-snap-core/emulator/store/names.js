/**
 * SharePoint Online name rules and case folding. The rules follow Microsoft's "Restrictions and
 * limitations in OneDrive and SharePoint" (invalid characters, invalid names, `_vti_`, `~$`, a root
 * `forms` folder, folders starting with `~`, the 400-character decoded path limit).
 */
import { StoreError } from "./types.js";
export const MAX_PATH_CHARS = 400;
/** Case folding for SharePoint's case-insensitive comparisons; case is preserved in stored names. */
export function fold(s) {
    return s.toLowerCase();
}
const INVALID_CHARS = /["*:<>?/\\|]/;
function hasControlChar(s) {
    for (let i = 0; i < s.length; i++)
        if (s.charCodeAt(i) < 0x20)
            return true;
    return false;
}
const RESERVED = /^(\.lock|con|prn|aux|nul|com[0-9]|lpt[0-9]|desktop\.ini)$/i;
export function nameProblem(name, opts) {
    if (name.length === 0)
        return "The name is empty.";
    if (name === "." || name === "..")
        return "The name is reserved.";
    if (INVALID_CHARS.test(name) || hasControlChar(name))
        return 'The name contains a character that is not allowed (" * : < > ? / \\ |).';
    if (name !== name.trim() || /^\s|\s$/.test(name))
        return "Leading and trailing spaces are not allowed.";
    if (RESERVED.test(name))
        return "The name is reserved.";
    if (/_vti_/i.test(name))
        return "_vti_ cannot appear in a name.";
    if (name.startsWith("~$"))
        return "Names starting with ~$ are not allowed.";
    if (opts.isFolder && name.startsWith("~"))
        return "Folder names cannot start with ~.";
    if (opts.isFolder && opts.atLibraryRoot && fold(name) === "forms")
        return "forms is reserved at the root of a library.";
    return undefined;
}
export function assertValidName(name, opts) {
    const problem = nameProblem(name, opts);
    if (problem)
        throw new StoreError("invalidName", problem, { name });
}
export function assertPathLength(path) {
    if (path.length > MAX_PATH_CHARS) {
        throw new StoreError("invalidName", `The path is longer than ${MAX_PATH_CHARS} characters.`, { path, length: path.length });
    }
}
export function joinPath(parent, name) {
    return parent === "/" ? `/${name}` : `${parent}/${name}`;
}
export function parentPath(path) {
    const i = path.lastIndexOf("/");
    return i <= 0 ? "/" : path.slice(0, i);
}
/** Normalises an incoming server-relative path: leading slash, no trailing slash, no `//`. */
export function normalisePath(p) {
    let s = p.trim() === "" ? "/" : p;
    if (!s.startsWith("/"))
        s = "/" + s;
    s = s.replace(/\/{2,}/g, "/");
    if (s.length > 1 && s.endsWith("/"))
        s = s.slice(0, -1);
    return s;
}
/** "report.docx" → "report 1.docx", "report 2.docx", … (the name a keep-both conflict gets). */
export function numberedName(name, n, isFolder) {
    const dot = isFolder ? -1 : name.lastIndexOf(".");
    if (dot > 0)
        return `${name.slice(0, dot)} ${n}${name.slice(dot)}`;
    return `${name} ${n}`;
}
/** Orders keys as SQLite's BINARY collation does (UTF-8 bytes), so merged orders match SQL orders. */
export function compareUtf8(a, b) {
    return Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));
}
//# sourceMappingURL=names.js.map