/** Helpers the seeds use to lay out sites, libraries and folder trees. */
import type { SqliteStore } from "../store/sqlite-store.js";
import type { ListRecord, SiteKind, SiteRecord } from "../store/types.js";

/** A folder tree: a string or Buffer is a file's content, `{ synthetic: n }` n synthetic bytes, an object a folder. */
export interface Tree {
  [name: string]: string | Buffer | { synthetic: number } | Tree;
}

export interface SiteSpec {
  tenant: string;
  kind: SiteKind;
  url: string;
  title: string;
  description?: string;
  webTemplate?: string;
  memberIds: string[];
  ownerId?: string;
}

/** A site with the lists every team site has: "Documents" (/Shared Documents) and "Site Pages". */
export function teamSite(store: SqliteStore, spec: SiteSpec, opts: { styleLibrary?: boolean } = {}): { site: SiteRecord; documents: ListRecord } {
  const site = store.createSite(spec);
  const documents = store.createList(site.id, "Documents", "Shared Documents", { baseTemplate: 101, enableVersioning: true });
  store.createList(site.id, "Site Pages", "SitePages", { baseTemplate: 119, enableVersioning: true });
  if (opts.styleLibrary) store.createList(site.id, "Style Library", "Style Library", { baseTemplate: 101, hidden: true });
  return { site, documents };
}

function isSynthetic(v: unknown): v is { synthetic: number } {
  return typeof v === "object" && v !== null && !Buffer.isBuffer(v) && typeof (v as { synthetic?: unknown }).synthetic === "number";
}

export function addTree(store: SqliteStore, folderId: string, userId: string, tree: Tree): void {
  for (const [name, value] of Object.entries(tree)) {
    if (typeof value === "string") store.putBytes(folderId, name, Buffer.from(value, "utf8"), { userId });
    else if (Buffer.isBuffer(value)) store.putBytes(folderId, name, value, { userId });
    else if (isSynthetic(value)) store.putSynthetic(folderId, name, value.synthetic, { userId });
    else {
      const f = store.createFolder(folderId, name, { userId });
      addTree(store, f.uniqueId, userId, value);
    }
  }
}

export function folderIdAt(store: SqliteStore, tenant: string, path: string): string {
  const it = store.itemByPath(tenant, path);
  if (!it) throw new Error(`seed path missing: ${path}`);
  return it.uniqueId;
}
