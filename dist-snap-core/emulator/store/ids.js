/**
 * Identifier formats shared by the store: GUIDs, Graph drive ids and deterministic ids for seeds and
 * lazily generated items.
 */
import { createHash, randomUUID } from "node:crypto";
export function newGuid() {
    return randomUUID();
}
/** A name-based GUID (RFC 4122 version 5 layout over SHA-1), stable for the same inputs. */
export function stableGuid(...parts) {
    const h = createHash("sha1").update(parts.join("\u0000")).digest();
    h[6] = (h[6] & 0x0f) | 0x50;
    h[8] = (h[8] & 0x3f) | 0x80;
    const hex = h.subarray(0, 16).toString("hex");
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
const GUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
export function isGuid(s) {
    return GUID_RE.test(s);
}
/** .NET `Guid.ToByteArray()` order (first three fields little-endian), which Graph drive ids use. */
function guidToBytes(guid) {
    const hex = guid.replace(/-/g, "");
    const b = Buffer.from(hex, "hex");
    const out = Buffer.alloc(16);
    out[0] = b[3];
    out[1] = b[2];
    out[2] = b[1];
    out[3] = b[0];
    out[4] = b[5];
    out[5] = b[4];
    out[6] = b[7];
    out[7] = b[6];
    b.copy(out, 8, 8, 16);
    return out;
}
function bytesToGuid(b) {
    const r = Buffer.from([b[3], b[2], b[1], b[0], b[5], b[4], b[7], b[6]]);
    const hex = Buffer.concat([r, b.subarray(8, 16)]).toString("hex");
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
/** Graph drive id of a document library: `b!` + base64url(site GUID bytes + list GUID bytes). */
export function driveIdFor(siteId, listId) {
    return "b!" + Buffer.concat([guidToBytes(siteId), guidToBytes(listId)]).toString("base64url");
}
export function decodeDriveId(driveId) {
    if (!driveId.startsWith("b!"))
        return undefined;
    const raw = Buffer.from(driveId.slice(2), "base64url");
    if (raw.length !== 32)
        return undefined;
    return { siteId: bytesToGuid(raw.subarray(0, 16)), listId: bytesToGuid(raw.subarray(16, 32)) };
}
/** SharePoint's `EntityTypeName` of a list from its URL name (`Shared Documents` → `Shared_x0020_Documents`). */
export function entityTypeName(urlName) {
    let out = "";
    for (const ch of urlName) {
        if (/[A-Za-z0-9_]/.test(ch))
            out += ch;
        else {
            const cp = ch.codePointAt(0);
            out += cp > 0xffff ? `_x${cp.toString(16).padStart(8, "0")}_` : `_x${cp.toString(16).padStart(4, "0")}_`;
        }
    }
    if (/^[0-9]/.test(out))
        out = "_x003" + out[0] + "_" + out.slice(1);
    return out;
}
//# sourceMappingURL=ids.js.map