/**
 * The drive API (`/_api/v2.0/…`) the service serves on every SharePoint origin with the same token:
 * folder children paged past the list view threshold, delta for change polling, item lookups.
 * (spo-protocol.md C: SharePoint REST `/files` fails above 5,000 children; drive children do not.)
 */
import { KonnektError } from "../errors.js";
import type { TenantHttp } from "./http.js";

export interface DriveItemJson {
  id: string;
  name: string;
  eTag?: string;
  cTag?: string;
  size?: number;
  createdDateTime?: string;
  lastModifiedDateTime?: string;
  webUrl?: string;
  folder?: { childCount?: number };
  file?: { mimeType?: string };
  deleted?: { state?: string };
  root?: Record<string, never>;
  parentReference?: { driveId?: string; id?: string; path?: string };
  "@content.downloadUrl"?: string;
  "@microsoft.graph.downloadUrl"?: string;
}

interface Page<T> {
  value: T[];
  "@odata.nextLink"?: string;
  "@odata.deltaLink"?: string;
}

export interface DriveJson {
  id: string;
  name: string;
  webUrl: string;
  driveType?: string;
}

/** Children fetched per request: the largest page the service hands out. */
export const CHILDREN_PAGE_SIZE = 1000;
const ITEM_SELECT = "id,name,eTag,cTag,size,createdDateTime,lastModifiedDateTime,webUrl,folder,file,parentReference,root,deleted";
/**
 * What a folder listing needs of each child: the parent is known, a child is never the root nor
 * deleted, and "not a folder" is a file. Leaving out parentReference and file roughly halves the
 * bytes of a page (both are long), and so what has to be sent and parsed.
 */
const CHILDREN_SELECT = "id,name,eTag,cTag,size,createdDateTime,lastModifiedDateTime,webUrl,folder";

/** The first page of a folder's children (the benchmark fetches exactly this too). */
export function childrenUrl(webUrl: string, driveId: string, itemId: string): string {
  return `${webUrl}/_api/v2.0/drives/${driveId}/items/${itemId}/children?$top=${CHILDREN_PAGE_SIZE}&$select=${CHILDREN_SELECT}`;
}

/** The UniqueId inside a drive item eTag (`"{GUID},n"`): the key shared with SharePoint REST. */
export function uniqueIdFromETag(etag: string | undefined): string | undefined {
  const m = /\{([0-9a-fA-F-]{36})\}/.exec(etag ?? "");
  return m ? m[1]!.toLowerCase() : undefined;
}

export function encodeDrivePath(path: string): string {
  return path
    .split("/")
    .filter(Boolean)
    .map((s) => encodeURIComponent(s))
    .join("/");
}

export class DriveApi {
  constructor(private readonly http: TenantHttp) {}

  async drives(webUrl: string, signal?: AbortSignal): Promise<DriveJson[]> {
    const page = await this.http.json<Page<DriveJson>>(`${webUrl}/_api/v2.0/drives?$select=id,name,webUrl,driveType`, {
      signal,
      context: `Listing the libraries of ${webUrl}`,
    });
    return page.value;
  }

  async item(webUrl: string, driveId: string, itemId: string, signal?: AbortSignal): Promise<DriveItemJson> {
    return this.http.json<DriveItemJson>(`${webUrl}/_api/v2.0/drives/${driveId}/items/${itemId}?$select=${ITEM_SELECT}`, {
      signal,
      context: "Reading an item",
    });
  }

  async root(webUrl: string, driveId: string, signal?: AbortSignal): Promise<DriveItemJson> {
    return this.http.json<DriveItemJson>(`${webUrl}/_api/v2.0/drives/${driveId}/root?$select=${ITEM_SELECT}`, {
      signal,
      context: "Reading a library",
    });
  }

  /** All children of a folder, page by page; `onPage` sees each page as it arrives. */
  async children(webUrl: string, driveId: string, itemId: string, signal: AbortSignal | undefined, onPage: (items: DriveItemJson[]) => void): Promise<void> {
    const fetchPage = (url: string): Promise<Page<DriveItemJson>> => this.http.json<Page<DriveItemJson>>(url, { signal, context: "Listing a folder" });
    let next: Promise<Page<DriveItemJson>> | undefined = fetchPage(childrenUrl(webUrl, driveId, itemId));
    while (next) {
      const page: Page<DriveItemJson> = await next;
      // Ask for the next page before storing this one, so the service works on it meanwhile.
      // Storing is synchronous, and the request does not leave at once: it takes a few promise
      // turns (budget, token, fetch), and undici writes a request on an idle keep-alive socket only
      // after one check phase of its own (a setImmediate, to see a FIN the server may have sent).
      // Two turns of the check phase let both happen before the store takes the thread.
      const link = page["@odata.nextLink"];
      next = link ? fetchPage(link) : undefined;
      next?.catch(() => undefined);
      if (next) for (let turn = 0; turn < 2; turn++) await new Promise<void>((resolve) => setImmediate(resolve));
      onPage(page.value);
    }
  }

  /**
   * One round of delta from `link` (a previous deltaLink) or from the current state (`token=latest`),
   * following nextLinks. Returns the changed items and the next deltaLink; `resync` when the service
   * says the token is too old (410): the caller must revalidate everything it knows.
   */
  async delta(webUrl: string, driveId: string, link: string | undefined, signal?: AbortSignal): Promise<{ items: DriveItemJson[]; deltaLink: string } | { resync: true }> {
    let url: string | undefined = link ?? `${webUrl}/_api/v2.0/drives/${driveId}/root/delta?token=latest`;
    const items: DriveItemJson[] = [];
    while (url) {
      const res = await this.http.fetch(url, { signal, accept: [410], headers: { Accept: "application/json" }, context: "Polling for changes" });
      if (res.status === 410) {
        await res.body?.cancel();
        return { resync: true };
      }
      const page = (await res.json()) as Page<DriveItemJson>;
      items.push(...page.value);
      if (page["@odata.deltaLink"]) return { items, deltaLink: page["@odata.deltaLink"] };
      url = page["@odata.nextLink"];
    }
    throw new KonnektError("serviceError", "The change feed ended without a delta link.");
  }
}

export type ConflictBehavior = "fail" | "replace" | "rename";

/** Writes that are not content uploads (those go through the upload queue). */
export class DriveWrites {
  constructor(private readonly http: TenantHttp) {}

  async createFolder(webUrl: string, driveId: string, parentItemId: string, name: string, conflict: ConflictBehavior, signal?: AbortSignal): Promise<DriveItemJson> {
    const res = await this.http.fetch(`${webUrl}/_api/v2.0/drives/${driveId}/items/${parentItemId}/children`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify({ name, folder: {}, "@microsoft.graph.conflictBehavior": conflict }),
      signal,
      context: `Creating folder ${name}`,
    });
    return (await res.json()) as DriveItemJson;
  }

  /** Moves to the recycle bin (what deleting in the browser does). */
  async delete(webUrl: string, driveId: string, itemId: string, signal?: AbortSignal, ifMatch?: string): Promise<void> {
    const res = await this.http.fetch(`${webUrl}/_api/v2.0/drives/${driveId}/items/${itemId}`, {
      method: "DELETE",
      headers: ifMatch ? { "If-Match": ifMatch } : {},
      signal,
      accept: [404],
      context: "Deleting an item",
    });
    await res.body?.cancel();
  }

  async move(webUrl: string, driveId: string, itemId: string, to: { parentItemId?: string; name?: string }, signal?: AbortSignal): Promise<DriveItemJson> {
    const body: Record<string, unknown> = {};
    if (to.name !== undefined) body.name = to.name;
    if (to.parentItemId !== undefined) body.parentReference = { id: to.parentItemId };
    const res = await this.http.fetch(`${webUrl}/_api/v2.0/drives/${driveId}/items/${itemId}`, {
      method: "PATCH",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify(body),
      signal,
      context: "Renaming an item",
    });
    return (await res.json()) as DriveItemJson;
  }
}
