/**
 * Lazily generated folders: one row describes N files (names from the index, sizes from a hash,
 * synthetic content, ids derived from the index) that the store materialises on the fly. An
 * override row per index stops the generator producing it (the item was materialised as a real
 * row, or deleted).
 */
import { createHash } from "node:crypto";
import { compareUtf8, fold } from "./names.js";
export function genName(g, i) {
    return `${g.name_prefix}${String(i + 1).padStart(g.pad, "0")}${g.ext}`;
}
export function genUniqueId(g, i) {
    return g.uid_prefix + i.toString(16).padStart(12, "0");
}
export function genContentKey(g, i) {
    return g.content_prefix + i.toString(16).padStart(12, "0");
}
/** Index of a generated name in `g`, or undefined. Case-insensitive, as SharePoint names are. */
export function genIndexOfName(g, name) {
    const n = fold(name);
    const prefix = fold(g.name_prefix);
    const ext = fold(g.ext);
    if (!n.startsWith(prefix) || !n.endsWith(ext))
        return undefined;
    const digits = n.slice(prefix.length, n.length - ext.length);
    if (digits.length !== g.pad || !/^[0-9]+$/.test(digits))
        return undefined;
    const i = Number(digits) - 1;
    return i >= 0 && i < g.count ? i : undefined;
}
export function genIndexOfUniqueId(g, uniqueId) {
    if (!uniqueId.startsWith(g.uid_prefix))
        return undefined;
    const tail = uniqueId.slice(24);
    if (!/^[0-9a-f]{12}$/.test(tail))
        return undefined;
    const i = parseInt(tail, 16);
    return i < g.count ? i : undefined;
}
/** Sizes: mostly up to 128 KiB, one in a hundred between 1 and 5 MiB; deterministic per item. */
export function genSize(g, i) {
    const h = createHash("sha1").update(genContentKey(g, i)).digest();
    const v = h.readUInt32BE(0);
    if (v % 100 === 0)
        return 1024 * 1024 + (h.readUInt32BE(4) % (4 * 1024 * 1024));
    return h.readUInt32BE(4) % (128 * 1024);
}
/** First index whose folded name sorts after `afterNameLower` (UTF-8 order); count when none. */
export function genFirstIndexAfter(g, afterNameLower) {
    let lo = 0;
    let hi = g.count;
    while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (compareUtf8(fold(genName(g, mid)), afterNameLower) <= 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}
/** uid prefix for a new generated folder: a v5-style GUID's first 24 characters. */
export function genPrefixFrom(guid) {
    return guid.slice(0, 24);
}
//# sourceMappingURL=generated.js.map