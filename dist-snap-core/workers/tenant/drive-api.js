/**
 * The drive API (`/_api/v2.0/…`) the service serves on every SharePoint origin with the same token:
 * folder children paged past the list view threshold, delta for change polling, item lookups.
 * (spo-protocol.md C: SharePoint REST `/files` fails above 5,000 children; drive children do not.)
 */
import { KonnektError } from "../errors.js";
/** Children fetched per request: the largest page the service hands out. */
export const CHILDREN_PAGE_SIZE = 1000;
const ITEM_SELECT = "id,name,eTag,cTag,size,createdDateTime,lastModifiedDateTime,webUrl,folder,file,parentReference,root,deleted";
/** The UniqueId inside a drive item eTag (`"{GUID},n"`): the key shared with SharePoint REST. */
export function uniqueIdFromETag(etag) {
    const m = /\{([0-9a-fA-F-]{36})\}/.exec(etag ?? "");
    return m ? m[1].toLowerCase() : undefined;
}
export function encodeDrivePath(path) {
    return path
        .split("/")
        .filter(Boolean)
        .map((s) => encodeURIComponent(s))
        .join("/");
}
export class DriveApi {
    http;
    constructor(http) {
        this.http = http;
    }
    async drives(webUrl, signal) {
        const page = await this.http.json(`${webUrl}/_api/v2.0/drives?$select=id,name,webUrl,driveType`, {
            signal,
            context: `Listing the libraries of ${webUrl}`,
        });
        return page.value;
    }
    async item(webUrl, driveId, itemId, signal) {
        return this.http.json(`${webUrl}/_api/v2.0/drives/${driveId}/items/${itemId}?$select=${ITEM_SELECT}`, {
            signal,
            context: "Reading an item",
        });
    }
    async root(webUrl, driveId, signal) {
        return this.http.json(`${webUrl}/_api/v2.0/drives/${driveId}/root?$select=${ITEM_SELECT}`, {
            signal,
            context: "Reading a library",
        });
    }
    /** All children of a folder, page by page; `onPage` sees each page as it arrives. */
    async children(webUrl, driveId, itemId, signal, onPage) {
        let url = `${webUrl}/_api/v2.0/drives/${driveId}/items/${itemId}/children?$top=${CHILDREN_PAGE_SIZE}&$select=${ITEM_SELECT}`;
        while (url) {
            const page = await this.http.json(url, { signal, context: "Listing a folder" });
            onPage(page.value);
            url = page["@odata.nextLink"];
        }
    }
    /**
     * One round of delta from `link` (a previous deltaLink) or from the current state (`token=latest`),
     * following nextLinks. Returns the changed items and the next deltaLink; `resync` when the service
     * says the token is too old (410): the caller must revalidate everything it knows.
     */
    async delta(webUrl, driveId, link, signal) {
        let url = link ?? `${webUrl}/_api/v2.0/drives/${driveId}/root/delta?token=latest`;
        const items = [];
        while (url) {
            const res = await this.http.fetch(url, { signal, accept: [410], headers: { Accept: "application/json" }, context: "Polling for changes" });
            if (res.status === 410) {
                await res.body?.cancel();
                return { resync: true };
            }
            const page = (await res.json());
            items.push(...page.value);
            if (page["@odata.deltaLink"])
                return { items, deltaLink: page["@odata.deltaLink"] };
            url = page["@odata.nextLink"];
        }
        throw new KonnektError("serviceError", "The change feed ended without a delta link.");
    }
}
/** Writes that are not content uploads (those go through the upload queue). */
export class DriveWrites {
    http;
    constructor(http) {
        this.http = http;
    }
    async createFolder(webUrl, driveId, parentItemId, name, conflict, signal) {
        const res = await this.http.fetch(`${webUrl}/_api/v2.0/drives/${driveId}/items/${parentItemId}/children`, {
            method: "POST",
            headers: { "Content-Type": "application/json", Accept: "application/json" },
            body: JSON.stringify({ name, folder: {}, "@microsoft.graph.conflictBehavior": conflict }),
            signal,
            context: `Creating folder ${name}`,
        });
        return (await res.json());
    }
    /** Moves to the recycle bin (what deleting in the browser does). */
    async delete(webUrl, driveId, itemId, signal, ifMatch) {
        const res = await this.http.fetch(`${webUrl}/_api/v2.0/drives/${driveId}/items/${itemId}`, {
            method: "DELETE",
            headers: ifMatch ? { "If-Match": ifMatch } : {},
            signal,
            accept: [404],
            context: "Deleting an item",
        });
        await res.body?.cancel();
    }
    async move(webUrl, driveId, itemId, to, signal) {
        const body = {};
        if (to.name !== undefined)
            body.name = to.name;
        if (to.parentItemId !== undefined)
            body.parentReference = { id: to.parentItemId };
        const res = await this.http.fetch(`${webUrl}/_api/v2.0/drives/${driveId}/items/${itemId}`, {
            method: "PATCH",
            headers: { "Content-Type": "application/json", Accept: "application/json" },
            body: JSON.stringify(body),
            signal,
            context: "Renaming an item",
        });
        return (await res.json());
    }
}
//# sourceMappingURL=drive-api.js.map