/**
 * The content engine's DownloadSource and UploadTarget for a whole tenant: one GraphDrive per
 * library, chosen by the key. Keys are `<driveId>/<driveItemId>` for items and parents, so a key
 * names its library and needs no lookup.
 */
import { KonnektError } from "../errors.js";
import { GraphDrive } from "../content/graph-drive.js";
export function contentKey(driveId, itemId) {
    return `${driveId}/${itemId}`;
}
function splitKey(key) {
    const i = key.lastIndexOf("/");
    if (i <= 0)
        throw new KonnektError("invalidArgument", `Not a content key: ${key}`);
    return { driveId: key.slice(0, i), itemId: key.slice(i + 1) };
}
export class ContentRouter {
    libraries;
    tokens;
    ca;
    drives = new Map();
    constructor(libraries, tokens, ca) {
        this.libraries = libraries;
        this.tokens = tokens;
        this.ca = ca;
    }
    drive(driveId) {
        let d = this.drives.get(driveId);
        if (!d) {
            const lib = this.libraries().find((l) => l.driveId === driveId);
            if (!lib)
                throw new KonnektError("notFound", "The library of this item is no longer available.", { driveId });
            const origin = new URL(lib.webUrl).origin;
            d = new GraphDrive({
                siteUrl: lib.webUrl,
                driveId,
                token: (signal) => this.tokens.getToken(origin, { signal }),
                ...(this.ca !== undefined ? { ca: this.ca } : {}),
            });
            this.drives.set(driveId, d);
        }
        return d;
    }
    route(addr) {
        const parent = splitKey(addr.parentKey);
        return {
            drive: this.drive(parent.driveId),
            addr: { parentKey: parent.itemId, name: addr.name, ...(addr.itemKey !== undefined ? { itemKey: splitKey(addr.itemKey).itemId } : {}) },
        };
    }
    rekey(driveId, item) {
        return { ...item, itemKey: contentKey(driveId, item.itemKey) };
    }
    /** Always asks the service (GraphDrive keeps no URL cache), so a refresh is implied. */
    getDownloadUrl(itemKey, signal) {
        const { driveId, itemId } = splitKey(itemKey);
        return this.drive(driveId).getDownloadUrl(itemId, signal);
    }
    async putSmall(addr, body, opts, signal) {
        const r = this.route(addr);
        return this.rekey(splitKey(addr.parentKey).driveId, await r.drive.putSmall(r.addr, body, opts, signal));
    }
    createSession(addr, size, opts, signal) {
        const r = this.route(addr);
        return r.drive.createSession(r.addr, size, opts, signal);
    }
    async putFragment(uploadUrl, start, bytes, total, signal) {
        // Upload URLs are pre-authenticated and absolute: any drive of the tenant can send them.
        const driveId = this.driveOfUploadUrl(uploadUrl);
        const r = await this.drive(driveId).putFragment(uploadUrl, start, bytes, total, signal);
        return r.done ? { done: true, item: this.rekey(driveId, r.item) } : r;
    }
    sessionStatus(uploadUrl, signal) {
        return this.drive(this.driveOfUploadUrl(uploadUrl)).sessionStatus(uploadUrl, signal);
    }
    cancelSession(uploadUrl, signal) {
        return this.drive(this.driveOfUploadUrl(uploadUrl)).cancelSession(uploadUrl, signal);
    }
    /** Sessions are created per library; the journal keeps only the URL, so the first library of the same origin serves it. */
    driveOfUploadUrl(uploadUrl) {
        const origin = new URL(uploadUrl).origin;
        const lib = this.libraries().find((l) => new URL(l.webUrl).origin === origin);
        if (!lib)
            throw new KonnektError("notFound", "No library of this tenant serves this upload URL.");
        return lib.driveId;
    }
}
//# sourceMappingURL=content-router.js.map