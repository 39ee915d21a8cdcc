/**
 * Graph drive item ids ↔ SharePoint UniqueIds.
 *
 * Real SharePoint Online drive item ids are opaque 34-character strings starting with `01`
 * (e.g. `01BYE5RZ6QN3ZWBTUFOFD3GSPGOHDJD36K`). The emulator derives them deterministically and
 * reversibly: `"01"` + base32 (RFC 4648 alphabet, no padding) of 20 bytes = the 16 bytes of the
 * UniqueId GUID (in its textual order) followed by the first 4 bytes of SHA-1 over those 16 bytes.
 * 160 bits are exactly 32 base32 characters, so ids have the real length; the checksum makes a
 * mistyped or foreign id an `itemNotFound` instead of a different item.
 *
 * The tenant engine maps between the two APIs with these functions (SP REST `UniqueId` ↔ Graph `id`).
 */
import { createHash } from "node:crypto";
const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
const GUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
function base32(bytes) {
    let out = "";
    let bits = 0;
    let value = 0;
    for (const b of bytes) {
        value = (value << 8) | b;
        bits += 8;
        while (bits >= 5) {
            out += ALPHABET[(value >>> (bits - 5)) & 31];
            bits -= 5;
        }
        value &= (1 << bits) - 1;
    }
    if (bits > 0)
        out += ALPHABET[(value << (5 - bits)) & 31];
    return out;
}
function unbase32(text) {
    const bytes = [];
    let bits = 0;
    let value = 0;
    for (const ch of text) {
        const v = ALPHABET.indexOf(ch);
        if (v < 0)
            return undefined;
        value = (value << 5) | v;
        bits += 5;
        if (bits >= 8) {
            bytes.push((value >>> (bits - 8)) & 255);
            bits -= 8;
        }
        value &= (1 << bits) - 1;
    }
    return Buffer.from(bytes);
}
function checksum(guidBytes) {
    return createHash("sha1").update(guidBytes).digest().subarray(0, 4);
}
/** The Graph drive item id of a SharePoint UniqueId (lowercase GUID without braces). */
export function graphItemId(uniqueId) {
    const hex = uniqueId.replace(/[{}-]/g, "").toLowerCase();
    const guid = Buffer.from(hex, "hex");
    if (guid.length !== 16)
        throw new Error(`not a GUID: ${uniqueId}`);
    return `01${base32(Buffer.concat([guid, checksum(guid)]))}`;
}
/** The UniqueId behind a Graph drive item id, or undefined when the id is not one of ours. */
export function uniqueIdFromGraphItemId(id) {
    if (id.length !== 34 || !id.startsWith("01"))
        return undefined;
    const raw = unbase32(id.slice(2).toUpperCase());
    if (!raw || raw.length !== 20)
        return undefined;
    const guid = raw.subarray(0, 16);
    if (!checksum(guid).equals(raw.subarray(16)))
        return undefined;
    const h = guid.toString("hex");
    const uniqueId = `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
    return GUID_RE.test(uniqueId) ? uniqueId : undefined;
}
//# sourceMappingURL=ids.js.map