/**
 * The tenant's metadata store (SQLite, one database per tenant): libraries, items keyed by
 * UniqueId, folder listing times, and the change cursor of each library.
 *
 * Caching rules: a folder's children are known when `listed_at` is set (the whole listing was
 * stored in one transaction); a listing is fresh for `listingTtlMs`, and change polling clears
 * `listed_at` of exactly the folders it cannot patch. Items never hold content, only metadata.
 * All calls are synchronous (better-sqlite3); hot lookups go through prepared statements.
 *
 * Write path: the database is a cache of SharePoint plus a few remembered names and cursors, so it
 * runs WAL with synchronous=NORMAL (a crash may lose the last listings, never corrupt the file).
 * A 10,000-item listing writes more pages than SQLite's default 2 MiB page cache holds and more
 * than its default checkpoint threshold, so with the defaults it spills and checkpoints (with
 * fsync) in the middle of the listing. The page cache is larger (bounded, so memory does not grow
 * with the number of items) and the WAL is checkpointed when the store has been idle for a moment.
 */
import Database from "better-sqlite3";
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import type { LibraryInfo } from "../discovery/discover.js";

export interface ItemRow {
  uniqueId: string;
  itemId: string; // drive item id
  library: string; // LibraryInfo.key
  parentId: string | null; // parent's uniqueId; null for a library root
  name: string;
  isFolder: boolean;
  size: number;
  mtimeMs: number;
  ctimeMs: number;
  etag: string;
  ctag: string;
  webUrl: string;
  childCount: number;
  listedAt: number | null;
}

interface ItemDbRow {
  unique_id: string;
  item_id: string;
  library: string;
  parent_id: string | null;
  name: string;
  is_folder: number;
  size: number;
  mtime: number;
  ctime: number;
  etag: string;
  ctag: string;
  web_url: string;
  child_count: number;
  listed_at: number | null;
}

/** SQLite page cache per store. */
const CACHE_KIB = 16 * 1024;
/** Pages in the WAL before SQLite checkpoints by itself (the idle checkpoint normally comes first). */
const AUTOCHECKPOINT_PAGES = 16_384;
/** The WAL file is truncated back to this after a checkpoint. */
const WAL_LIMIT_BYTES = 16 * 1024 * 1024;
/** Quiet time after a write before the WAL is checkpointed. */
const IDLE_CHECKPOINT_MS = 2_000;

const SCHEMA = `
PRAGMA journal_mode = WAL;
PRAGMA synchronous = NORMAL;
PRAGMA cache_size = -${CACHE_KIB};
PRAGMA wal_autocheckpoint = ${AUTOCHECKPOINT_PAGES};
PRAGMA journal_size_limit = ${WAL_LIMIT_BYTES};
CREATE TABLE IF NOT EXISTS libraries (
  key TEXT PRIMARY KEY, info TEXT NOT NULL, root_id TEXT, delta_link TEXT, seen_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS items (
  unique_id TEXT PRIMARY KEY, item_id TEXT NOT NULL, library TEXT NOT NULL, parent_id TEXT,
  name TEXT NOT NULL, name_lower TEXT NOT NULL, is_folder INTEGER NOT NULL, size INTEGER NOT NULL,
  mtime INTEGER NOT NULL, ctime INTEGER NOT NULL, etag TEXT NOT NULL, ctag TEXT NOT NULL,
  web_url TEXT NOT NULL, child_count INTEGER NOT NULL, listed_at INTEGER
);
CREATE INDEX IF NOT EXISTS items_parent ON items(parent_id, name_lower);
CREATE INDEX IF NOT EXISTS items_item_id ON items(item_id);
CREATE TABLE IF NOT EXISTS names (key TEXT PRIMARY KEY, name TEXT NOT NULL);
`;

function fromDb(r: ItemDbRow): ItemRow {
  return {
    uniqueId: r.unique_id,
    itemId: r.item_id,
    library: r.library,
    parentId: r.parent_id,
    name: r.name,
    isFolder: r.is_folder === 1,
    size: r.size,
    mtimeMs: r.mtime,
    ctimeMs: r.ctime,
    etag: r.etag,
    ctag: r.ctag,
    webUrl: r.web_url,
    childCount: r.child_count,
    listedAt: r.listed_at,
  };
}

type UpsertArgs = [string, string, string, string | null, string, string, number, number, number, number, string, string, string, number];

function upsertArgs(r: Omit<ItemRow, "listedAt">): UpsertArgs {
  return [r.uniqueId, r.itemId, r.library, r.parentId, r.name, r.name.toLowerCase(), r.isFolder ? 1 : 0, r.size, r.mtimeMs, r.ctimeMs, r.etag, r.ctag, r.webUrl, r.childCount];
}

/** Folders first, keeping the name order within each group. */
export function foldersFirst(rows: ItemRow[]): ItemRow[] {
  return [...rows.filter((r) => r.isFolder), ...rows.filter((r) => !r.isFolder)];
}

export class MetadataStore {
  private readonly db: Database.Database;
  private readonly stmts;
  private checkpointTimer?: NodeJS.Timeout;

  constructor(path: string) {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    this.db = new Database(path);
    this.db.exec(SCHEMA);
    this.stmts = {
      item: this.db.prepare<[string], ItemDbRow>("SELECT * FROM items WHERE unique_id = ?"),
      byItemId: this.db.prepare<[string], ItemDbRow>("SELECT * FROM items WHERE item_id = ?"),
      child: this.db.prepare<[string, string], ItemDbRow>("SELECT * FROM items WHERE parent_id = ? AND name_lower = ?"),
      // Index order (parent_id, name_lower); folders are put first in JS, which is cheaper than a sort.
      children: this.db.prepare<[string], ItemDbRow>("SELECT * FROM items WHERE parent_id = ? ORDER BY name_lower"),
      // Positional parameters: binding an object by name costs more than the insert itself.
      upsert: this.db.prepare<UpsertArgs>(
        `INSERT INTO items (unique_id,item_id,library,parent_id,name,name_lower,is_folder,size,mtime,ctime,etag,ctag,web_url,child_count,listed_at)
         VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,NULL)
         ON CONFLICT(unique_id) DO UPDATE SET item_id=excluded.item_id, parent_id=excluded.parent_id, name=excluded.name,
           name_lower=excluded.name_lower, is_folder=excluded.is_folder, size=excluded.size, mtime=excluded.mtime, ctime=excluded.ctime,
           etag=excluded.etag, ctag=excluded.ctag, web_url=excluded.web_url, child_count=excluded.child_count`,
      ),
      clearNameClash: this.db.prepare("DELETE FROM items WHERE parent_id = ? AND name_lower = ? AND unique_id <> ?"),
      setListed: this.db.prepare<[number | null, string]>("UPDATE items SET listed_at = ? WHERE unique_id = ?"),
      deleteOne: this.db.prepare<[string]>("DELETE FROM items WHERE unique_id = ?"),
      childIds: this.db.prepare<[string], { unique_id: string }>("SELECT unique_id FROM items WHERE parent_id = ?"),
      count: this.db.prepare<[], { n: number }>("SELECT count(*) AS n FROM items"),
      libs: this.db.prepare<[], { key: string; info: string; root_id: string | null; delta_link: string | null }>("SELECT key, info, root_id, delta_link FROM libraries"),
      upsertLib: this.db.prepare<[string, string, number]>(
        "INSERT INTO libraries (key, info, seen_at) VALUES (?, ?, ?) ON CONFLICT(key) DO UPDATE SET info = excluded.info, seen_at = excluded.seen_at",
      ),
      deleteLib: this.db.prepare<[string]>("DELETE FROM libraries WHERE key = ?"),
      deleteLibItems: this.db.prepare<[string]>("DELETE FROM items WHERE library = ?"),
      setRoot: this.db.prepare<[string, string]>("UPDATE libraries SET root_id = ? WHERE key = ?"),
      setDelta: this.db.prepare<[string | null, string]>("UPDATE libraries SET delta_link = ? WHERE key = ?"),
      staleLib: this.db.prepare<[string]>("UPDATE items SET listed_at = NULL WHERE library = ?"),
      names: this.db.prepare<[], { key: string; name: string }>("SELECT key, name FROM names"),
      setName: this.db.prepare<[string, string]>("INSERT INTO names (key, name) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET name = excluded.name"),
    };
  }

  // --- libraries ---

  libraries(): { info: LibraryInfo; rootId: string | null; deltaLink: string | null }[] {
    return this.stmts.libs.all().map((r) => ({ info: JSON.parse(r.info) as LibraryInfo, rootId: r.root_id, deltaLink: r.delta_link }));
  }

  /** Replaces the set of libraries; items of libraries that disappeared are dropped. */
  setLibraries(libs: LibraryInfo[], now = Date.now()): void {
    this.db.transaction(() => {
      const keep = new Set(libs.map((l) => l.key));
      for (const old of this.stmts.libs.all()) {
        if (!keep.has(old.key)) {
          this.stmts.deleteLibItems.run(old.key);
          this.stmts.deleteLib.run(old.key);
        }
      }
      for (const l of libs) {
        this.stmts.upsertLib.run(l.key, JSON.stringify(l), now);
        this.stmts.setName.run(l.key, l.libraryName);
        this.stmts.setName.run(l.webUrl.toLowerCase(), l.siteName);
      }
    })();
  }

  /** Names given before, so that discovery keeps them stable across restarts. */
  previousNames(): Map<string, string> {
    return new Map(this.stmts.names.all().map((r) => [r.key, r.name]));
  }

  setLibraryRoot(key: string, root: Omit<ItemRow, "listedAt">): void {
    this.db.transaction(() => {
      this.upsertRow(root);
      this.stmts.setRoot.run(root.uniqueId, key);
    })();
  }

  setDeltaLink(key: string, link: string | null): void {
    this.stmts.setDelta.run(link, key);
  }

  /** Every listing of the library becomes stale (after a change-token resync). */
  markLibraryStale(key: string): void {
    this.stmts.staleLib.run(key);
  }

  // --- items ---

  item(uniqueId: string): ItemRow | undefined {
    const r = this.stmts.item.get(uniqueId);
    return r ? fromDb(r) : undefined;
  }

  itemByDriveId(itemId: string): ItemRow | undefined {
    const r = this.stmts.byItemId.get(itemId);
    return r ? fromDb(r) : undefined;
  }

  child(parentId: string, name: string): ItemRow | undefined {
    const r = this.stmts.child.get(parentId, name.toLowerCase());
    return r ? fromDb(r) : undefined;
  }

  /** Children, folders first, each group by name (case-insensitive). */
  children(parentId: string): ItemRow[] {
    return foldersFirst(this.stmts.children.all(parentId).map(fromDb));
  }

  itemCount(): number {
    return this.stmts.count.get()!.n;
  }

  /** Starts a full listing of a folder; pages are added as they arrive, `finish` commits it. */
  beginListing(parentId: string): { add(rows: Omit<ItemRow, "listedAt">[]): void; finish(now?: number): void } {
    const seen = new Set<string>();
    // A folder with no stored children (a first listing) has nothing to reconcile at the end;
    // anything that appears meanwhile came from this worker or the change feed and stays.
    const hadChildren = this.stmts.childIds.get(parentId) !== undefined;
    return {
      add: (rows) => {
        this.db.transaction(() => {
          for (const r of rows) {
            // A full listing needs no name-clash check per row: `finish` drops every child not seen.
            this.stmts.upsert.run(...upsertArgs(r));
            if (hadChildren) seen.add(r.uniqueId);
          }
        })();
        this.scheduleCheckpoint();
      },
      finish: (now = Date.now()) => {
        this.db.transaction(() => {
          // Children that were not in the listing were removed remotely (with their subtrees).
          if (hadChildren) for (const c of this.stmts.childIds.all(parentId)) if (!seen.has(c.unique_id)) this.removeSubtree(c.unique_id);
          this.stmts.setListed.run(now, parentId);
        })();
        this.scheduleCheckpoint();
      },
    };
  }

  /** Applies one changed item from the change feed. */
  upsert(row: Omit<ItemRow, "listedAt">): void {
    this.db.transaction(() => this.upsertRow(row))();
  }

  remove(uniqueId: string): void {
    this.db.transaction(() => this.removeSubtree(uniqueId))();
  }

  setListedAt(uniqueId: string, at: number | null): void {
    this.stmts.setListed.run(at, uniqueId);
  }

  close(): void {
    clearTimeout(this.checkpointTimer);
    this.db.close();
  }

  /** Checkpoints the WAL once writes have paused, so no listing waits for a checkpoint. */
  private scheduleCheckpoint(): void {
    clearTimeout(this.checkpointTimer);
    this.checkpointTimer = setTimeout(() => {
      if (this.db.open) this.db.pragma("wal_checkpoint(TRUNCATE)");
    }, IDLE_CHECKPOINT_MS);
    this.checkpointTimer.unref();
  }

  private upsertRow(r: Omit<ItemRow, "listedAt">): void {
    // A name freed by a rename may be reused by another item before the change feed says so.
    if (r.parentId) this.stmts.clearNameClash.run(r.parentId, r.name.toLowerCase(), r.uniqueId);
    this.stmts.upsert.run(...upsertArgs(r));
  }

  private removeSubtree(uniqueId: string): void {
    const stack = [uniqueId];
    while (stack.length > 0) {
      const id = stack.pop()!;
      for (const c of this.stmts.childIds.all(id)) stack.push(c.unique_id);
      this.stmts.deleteOne.run(id);
    }
  }
}
