/**
 * Names in the namespace `<tenant>/<site>/<library>/<path…>`.
 *
 * Two kinds of names live here:
 * - derived names (sites, libraries): made from titles, so they are *made* valid and unique,
 *   deterministically, so that scripts can rely on them across restarts and machines;
 * - user names (files and folders): SharePoint must store them as given, so an invalid one is
 *   refused with `invalidName`, never silently mangled (ARCHITECTURE.md "The namespace").
 *
 * Rules follow Microsoft's "Restrictions and limitations in OneDrive and SharePoint": the characters
 * `" * : < > ? / \ |`, leading or trailing spaces, `_vti_` anywhere, the names `.lock`, `CON`, `PRN`,
 * `AUX`, `NUL`, `COM0`-`COM9`, `LPT0`-`LPT9` and `desktop.ini`, and a decoded path over 400 characters.
 */
import { KonnektError } from "../errors.js";
const INVALID_CHARS = /["*:<>?/\\|]/;
// eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
const CONTROL_CHARS = /[\u0000-\u001f]/;
const RESERVED = /^(\.lock|con|prn|aux|nul|com\d|lpt\d|desktop\.ini)$/i;
/** The service limit on the decoded server-relative path of a file or folder. */
export const MAX_PATH_LENGTH = 400;
/** Why a name cannot be stored, or undefined when it can. */
export function invalidNameReason(name) {
    if (name.length === 0)
        return "the name is empty";
    if (name === "." || name === "..")
        return `'${name}' is not a file name`;
    if (INVALID_CHARS.test(name))
        return `'${name}' contains a character SharePoint does not allow (" * : < > ? / \\ |)`;
    if (CONTROL_CHARS.test(name))
        return `'${name}' contains a control character`;
    if (name !== name.trim())
        return `'${name}' begins or ends with a space`;
    if (/_vti_/i.test(name))
        return `'${name}' contains '_vti_', which SharePoint reserves`;
    if (RESERVED.test(name))
        return `'${name}' is a name SharePoint reserves`;
    return undefined;
}
/** Throws `invalidName` for a user-given file or folder name SharePoint cannot store. */
export function assertStorableName(name, serverRelativeParent) {
    const reason = invalidNameReason(name);
    if (reason)
        throw new KonnektError("invalidName", `Cannot use this name: ${reason}.`, { name });
    if (serverRelativeParent !== undefined && serverRelativeParent.length + 1 + name.length > MAX_PATH_LENGTH) {
        throw new KonnektError("invalidName", `Cannot use this name: the path would be longer than ${MAX_PATH_LENGTH} characters.`, { name });
    }
}
/** Turns a title into a valid, non-empty file name (for derived names only). */
export function toFileName(title, fallback) {
    let name = title
        .replace(/["*:<>?/\\|]/g, "-")
        // eslint-disable-next-line no-control-regex -- strip control characters from titles
        .replace(/[\u0000-\u001f]/g, "")
        .replace(/\s+/g, " ")
        .trim()
        .replace(/\.+$/, "");
    if (name === "" || RESERVED.test(name) || name === "." || name === "..")
        name = fallback;
    return name;
}
/**
 * Gives each entry a unique name, case-insensitively and independent of input order. Entries that
 * share a title are told apart by their tag (`Marketing (marketing-2)`). Names assigned before
 * (`previous`, keyed by entry key) are kept while still free, so a site appearing later with the
 * same title never renames one that scripts already use.
 */
export function assignUniqueNames(entries, previous = new Map()) {
    const result = new Map();
    const taken = new Set();
    // Names assigned before keep their name while it is still free and still derived from the same title.
    for (const e of [...entries].sort((a, b) => a.key.localeCompare(b.key))) {
        const prev = previous.get(e.key);
        if (prev !== undefined && !taken.has(prev.toLowerCase()) && prev.toLowerCase().startsWith(toFileName(e.title, e.tag).toLowerCase())) {
            result.set(e.key, prev);
            taken.add(prev.toLowerCase());
        }
    }
    const groups = new Map();
    for (const e of entries) {
        if (result.has(e.key))
            continue;
        const base = toFileName(e.title, e.tag);
        const k = base.toLowerCase();
        groups.set(k, [...(groups.get(k) ?? []), e]);
    }
    for (const [k, group] of [...groups.entries()].sort(([a], [b]) => a.localeCompare(b))) {
        group.sort((a, b) => a.key.localeCompare(b.key));
        const base = toFileName(group[0].title, group[0].tag);
        const clash = group.length > 1 || taken.has(k);
        for (const e of group) {
            let name = clash ? `${base} (${toFileName(e.tag, "site")})` : base;
            let n = 2;
            while (taken.has(name.toLowerCase()))
                name = `${base} (${toFileName(e.tag, "site")} ${n++})`;
            taken.add(name.toLowerCase());
            result.set(e.key, name);
        }
    }
    return result;
}
/** The tag of a site URL: "/sites/marketing" → "marketing", "/teams/x" → "teams-x", "/" → "root". */
export function siteTag(serverRelativeUrl) {
    const parts = serverRelativeUrl.split("/").filter(Boolean);
    if (parts.length === 0)
        return "root";
    if (parts[0] === "sites" && parts.length === 2)
        return parts[1];
    return parts.join("-");
}
//# sourceMappingURL=names.js.map