/**
 * TenantSession: the namespace of one tenant, `/<site>/<library>/<path…>`, as the content engine
 * and the mount see it. Every call takes an AbortSignal.
 *
 * Freshness: a folder listing is served from the metadata store while younger than the TTL; an
 * older one is served at once and revalidated in the background (so a restart lists known folders
 * immediately); a folder never listed is fetched before answering. Change polling (drive delta per
 * library) patches the store and emits `changed`/`removed` with tenant-relative paths so the mount
 * can invalidate the kernel's caches. Concurrent listings of one folder share one fetch.
 */
import { EventEmitter } from "node:events";
import { KonnektError } from "../errors.js";
import type { LibraryInfo } from "./discovery/discover.js";
import { uniqueIdFromETag, type DriveApi, type DriveItemJson } from "./drive-api.js";
import { foldersFirst, type ItemRow, type MetadataStore } from "./store/metadata-store.js";

export type EntryKind = "root" | "site" | "library" | "folder" | "file";

export interface Entry {
  kind: EntryKind;
  name: string;
  /** Tenant-relative path: "/", "/Marketing", "/Marketing/Documents/a.txt". */
  path: string;
  size: number;
  mtimeMs: number;
  ctimeMs: number;
  uniqueId?: string;
  itemId?: string;
  etag?: string;
  webUrl?: string;
  library?: LibraryInfo;
}

export interface SessionOptions {
  /** How long a listing counts as fresh (default 30 s). */
  listingTtlMs?: number;
  now?: () => number;
}

export const DEFAULT_LISTING_TTL_MS = 30_000;

export interface ChangeEvent {
  path: string;
  uniqueId: string;
  /** The folder holding the name that changed, and the name (for the kernel's name cache). */
  parentId: string | null;
  name: string;
  /** The content changed (etag moved on a file): cached bytes are stale. */
  contentChanged: boolean;
}

function splitPath(path: string): string[] {
  return path.split("/").filter((s) => s.length > 0);
}

function rowFromDrive(j: DriveItemJson, library: string, parentId: string | null): ItemRow | undefined {
  const uniqueId = uniqueIdFromETag(j.eTag);
  if (!uniqueId) return undefined;
  return {
    uniqueId,
    itemId: j.id,
    library,
    parentId,
    name: j.name,
    isFolder: j.folder !== undefined || j.root !== undefined,
    size: j.folder ? 0 : (j.size ?? 0),
    mtimeMs: Date.parse(j.lastModifiedDateTime ?? "") || 0,
    ctimeMs: Date.parse(j.createdDateTime ?? "") || 0,
    etag: j.eTag ?? "",
    ctag: j.cTag ?? "",
    webUrl: j.webUrl ?? "",
    childCount: j.folder?.childCount ?? 0,
    listedAt: null,
  };
}

export class TenantSession extends EventEmitter {
  private readonly ttl: number;
  private readonly now: () => number;
  private libs: LibraryInfo[] = [];
  private readonly inflight = new Map<string, Promise<ItemRow[]>>();
  /** Library key → UniqueId of its root folder. */
  private readonly roots = new Map<string, string>();

  constructor(
    readonly tenant: string,
    private readonly store: MetadataStore,
    private readonly drives: DriveApi,
    opts: SessionOptions = {},
    /** The drive API for change polling (background budget); the foreground one by default. */
    private readonly pollDrives: DriveApi = drives,
  ) {
    super();
    this.ttl = opts.listingTtlMs ?? DEFAULT_LISTING_TTL_MS;
    this.now = opts.now ?? Date.now;
    this.libs = store.libraries().map((l) => l.info);
  }

  libraries(): LibraryInfo[] {
    return this.libs;
  }

  setLibraries(libs: LibraryInfo[]): void {
    this.store.setLibraries(libs, this.now());
    this.libs = libs;
  }

  async resolve(path: string, signal?: AbortSignal): Promise<Entry> {
    const parts = splitPath(path);
    if (parts.length === 0) return this.rootEntry();
    const siteLibs = this.libs.filter((l) => l.siteName.toLowerCase() === parts[0]!.toLowerCase());
    if (siteLibs.length === 0) throw this.notFound(path);
    if (parts.length === 1) return this.siteEntry(siteLibs);
    const lib = siteLibs.find((l) => l.libraryName.toLowerCase() === parts[1]!.toLowerCase());
    if (!lib) throw this.notFound(path);
    let row = await this.libraryRoot(lib, signal);
    for (let i = 2; i < parts.length; i++) {
      if (!row.isFolder) throw new KonnektError("notADirectory", `${"/" + parts.slice(0, i).join("/")} is a file.`);
      const child = await this.lookupChild(row, parts[i]!, signal);
      if (!child) throw this.notFound(path);
      row = child;
    }
    return this.itemEntry(row, lib, "/" + parts.join("/"), parts.length === 2);
  }

  async list(path: string, signal?: AbortSignal): Promise<Entry[]> {
    const entry = await this.resolve(path, signal);
    const base = entry.path === "/" ? "" : entry.path;
    switch (entry.kind) {
      case "root": {
        const sites = [...new Set(this.libs.map((l) => l.siteName))].sort((a, b) => a.localeCompare(b));
        return sites.map((s) => this.siteEntry(this.libs.filter((l) => l.siteName === s)));
      }
      case "site":
        return this.libs
          .filter((l) => l.siteName === entry.name)
          .map((l) => ({ kind: "library" as const, name: l.libraryName, path: `${base}/${l.libraryName}`, size: 0, mtimeMs: 0, ctimeMs: 0, library: l, webUrl: `${new URL(l.webUrl).origin}${l.rootFolderUrl}` }));
      case "file":
        throw new KonnektError("notADirectory", `${path} is a file.`);
      default: {
        const row = this.store.item(entry.uniqueId!)!;
        // A listing fetched just now is answered from what was fetched, not read back from the store.
        const fetched = await this.ensureListed(row, entry.library!, signal);
        const rows = fetched ?? this.store.children(row.uniqueId);
        return rows.map((c) => this.itemEntry(c, entry.library!, `${base}/${c.name}`, false));
      }
    }
  }

  /** Path of a known item, or undefined when it is not in the store. */
  pathOf(uniqueId: string): string | undefined {
    const names: string[] = [];
    let row = this.store.item(uniqueId);
    let lib: LibraryInfo | undefined;
    while (row) {
      if (row.parentId === null) {
        lib = this.libs.find((l) => l.key === row!.library);
        break;
      }
      names.unshift(row.name);
      row = this.store.item(row.parentId);
    }
    if (!lib) return undefined;
    return `/${lib.siteName}/${lib.libraryName}${names.length > 0 ? "/" + names.join("/") : ""}`;
  }

  /** The stored row of an item (no network). */
  item(uniqueId: string): ItemRow | undefined {
    return this.store.item(uniqueId);
  }

  libraryOfRow(row: ItemRow): LibraryInfo | undefined {
    return this.libs.find((l) => l.key === row.library);
  }

  /** The stored child of a folder with this name, if the folder's listing holds one (no network). */
  storedChild(parentId: string, name: string): ItemRow | undefined {
    return this.store.child(parentId, name);
  }

  /**
   * Records an item the worker itself just created, renamed or moved (the drive API's answer), so
   * the namespace shows it at once instead of after the next listing or poll.
   */
  recordLocal(j: DriveItemJson, lib: LibraryInfo, parentId: string): ItemRow | undefined {
    const row = rowFromDrive(j, lib.key, parentId);
    if (!row) return undefined;
    this.store.upsert(row);
    return this.store.item(row.uniqueId);
  }

  /** Forgets an item (and its subtree) the worker itself just deleted. */
  forget(uniqueId: string): void {
    this.store.remove(uniqueId);
  }

  /** Drops what the store knows of a folder's children (after a local write, say). */
  invalidateFolder(uniqueId: string): void {
    this.store.setListedAt(uniqueId, null);
  }

  /**
   * One round of change polling for every library that has been opened. The first round of a
   * library only takes the current cursor (it is taken before the first listing, see libraryRoot).
   */
  async poll(signal?: AbortSignal): Promise<{ changed: number; removed: number; resyncs: number }> {
    const totals = { changed: 0, removed: 0, resyncs: 0 };
    for (const { info, rootId, deltaLink } of this.store.libraries()) {
      if (!rootId) continue;
      const r = await this.pollDrives.delta(info.webUrl, info.driveId, deltaLink ?? undefined, signal);
      if ("resync" in r) {
        // An expired cursor is not a failure: everything known becomes stale and is revalidated.
        this.store.markLibraryStale(info.key);
        const fresh = await this.pollDrives.delta(info.webUrl, info.driveId, undefined, signal);
        if (!("resync" in fresh)) this.store.setDeltaLink(info.key, fresh.deltaLink);
        totals.resyncs++;
        this.emit("resync", { library: info.key, path: `/${info.siteName}/${info.libraryName}` });
        continue;
      }
      if (deltaLink) {
        for (const j of r.items) this.applyChange(j, info, totals);
      }
      this.store.setDeltaLink(info.key, r.deltaLink);
    }
    return totals;
  }

  private applyChange(j: DriveItemJson, lib: LibraryInfo, totals: { changed: number; removed: number }): void {
    if (j.root !== undefined) return;
    const known = this.store.itemByDriveId(j.id);
    if (j.deleted) {
      if (known) this.forgetKnown(known, totals);
      return;
    }
    const parent = j.parentReference?.id ? this.store.itemByDriveId(j.parentReference.id) : undefined;
    if (!parent) {
      // Outside what the store knows: forget the item if it moved away from a known place.
      if (known) this.forgetKnown(known, totals);
      return;
    }
    // A parent that is known but not listed keeps the change too: a later listing reconciles it,
    // and items this worker recorded itself (recordLocal) must not be forgotten meanwhile.
    if (parent.listedAt === null && !known) return;
    const row = rowFromDrive(j, lib.key, parent.uniqueId);
    if (!row) return;
    const oldPath = known ? this.pathOf(known.uniqueId) : undefined;
    const contentChanged = known !== undefined && !known.isFolder && known.ctag !== row.ctag;
    this.store.upsert(row);
    totals.changed++;
    const path = this.pathOf(row.uniqueId);
    if (known && oldPath && oldPath !== path) {
      this.emit("removed", { path: oldPath, uniqueId: row.uniqueId, parentId: known.parentId, name: known.name, contentChanged: false } satisfies ChangeEvent);
    }
    if (path) this.emit("changed", { path, uniqueId: row.uniqueId, parentId: row.parentId, name: row.name, contentChanged } satisfies ChangeEvent);
  }

  private forgetKnown(known: ItemRow, totals: { removed: number }): void {
    const path = this.pathOf(known.uniqueId);
    this.store.remove(known.uniqueId);
    totals.removed++;
    if (path) this.emit("removed", { path, uniqueId: known.uniqueId, parentId: known.parentId, name: known.name, contentChanged: false } satisfies ChangeEvent);
  }

  private async libraryRoot(lib: LibraryInfo, signal?: AbortSignal): Promise<ItemRow> {
    // Every resolve starts here (every FUSE lookup): the root's id is kept in memory.
    const rootId = this.roots.get(lib.key);
    const cached = rootId ? this.store.item(rootId) : undefined;
    if (cached) return cached;
    const known = this.store.libraries().find((l) => l.info.key === lib.key);
    if (known?.rootId) {
      const row = this.store.item(known.rootId);
      if (row) {
        this.roots.set(lib.key, row.uniqueId);
        return row;
      }
    }
    // Take the change cursor before the first listing, so no change between the two is lost.
    if (!known?.deltaLink) {
      const d = await this.drives.delta(lib.webUrl, lib.driveId, undefined, signal);
      if (!("resync" in d)) this.store.setDeltaLink(lib.key, d.deltaLink);
    }
    const j = await this.drives.root(lib.webUrl, lib.driveId, signal);
    const row = rowFromDrive({ ...j, root: {} }, lib.key, null);
    if (!row) throw new KonnektError("serviceError", `The library ${lib.title} has no usable id.`);
    this.store.setLibraryRoot(lib.key, row);
    this.roots.set(lib.key, row.uniqueId);
    return this.store.item(row.uniqueId)!;
  }

  private async lookupChild(folder: ItemRow, name: string, signal?: AbortSignal): Promise<ItemRow | undefined> {
    const lib = this.libs.find((l) => l.key === folder.library)!;
    const fresh = folder.listedAt !== null && this.now() - folder.listedAt < this.ttl;
    if (folder.listedAt !== null) {
      const hit = this.store.child(folder.uniqueId, name);
      if (hit || fresh) {
        if (!fresh) this.revalidate(folder, lib);
        return hit;
      }
    }
    await this.fetchListing(folder, lib, signal);
    return this.store.child(folder.uniqueId, name);
  }

  /** Fetches a never-listed folder (returning its rows) or starts revalidating a stale one. */
  private async ensureListed(folder: ItemRow, lib: LibraryInfo, signal?: AbortSignal): Promise<ItemRow[] | undefined> {
    if (folder.listedAt === null) return this.fetchListing(folder, lib, signal);
    if (this.now() - folder.listedAt >= this.ttl) this.revalidate(folder, lib);
    return undefined;
  }

  private revalidate(folder: ItemRow, lib: LibraryInfo): void {
    this.fetchListing(folder, lib).catch((err: unknown) => this.emit("error", err));
  }

  private fetchListing(folder: ItemRow, lib: LibraryInfo, signal?: AbortSignal): Promise<ItemRow[]> {
    const running = this.inflight.get(folder.uniqueId);
    if (running) return running;
    const p = (async () => {
      const listing = this.store.beginListing(folder.uniqueId);
      const all: ItemRow[] = [];
      await this.drives.children(lib.webUrl, lib.driveId, folder.itemId, signal, (items) => {
        const rows: ItemRow[] = [];
        for (const j of items) {
          const r = rowFromDrive(j, lib.key, folder.uniqueId);
          if (r) rows.push(r);
        }
        listing.add(rows);
        for (const r of rows) all.push(r);
      });
      listing.finish(this.now());
      const keyed = all.map((r) => ({ r, k: r.name.toLowerCase() }));
      keyed.sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : 0));
      return foldersFirst(keyed.map((x) => x.r));
    })().finally(() => this.inflight.delete(folder.uniqueId));
    this.inflight.set(folder.uniqueId, p);
    return p;
  }

  private rootEntry(): Entry {
    return { kind: "root", name: this.tenant, path: "/", size: 0, mtimeMs: 0, ctimeMs: 0 };
  }

  private siteEntry(libs: LibraryInfo[]): Entry {
    const l = libs[0]!;
    return { kind: "site", name: l.siteName, path: `/${l.siteName}`, size: 0, mtimeMs: 0, ctimeMs: 0, webUrl: l.webUrl };
  }

  private itemEntry(row: ItemRow, lib: LibraryInfo, path: string, isLibraryRoot: boolean): Entry {
    return {
      kind: isLibraryRoot ? "library" : row.isFolder ? "folder" : "file",
      name: isLibraryRoot ? lib.libraryName : row.name,
      path,
      size: row.size,
      mtimeMs: row.mtimeMs,
      ctimeMs: row.ctimeMs,
      uniqueId: row.uniqueId,
      itemId: row.itemId,
      etag: row.etag,
      webUrl: row.webUrl,
      library: lib,
    };
  }

  private notFound(path: string): KonnektError {
    return new KonnektError("notFound", `${this.tenant}${path} does not exist.`, { path });
  }
}
