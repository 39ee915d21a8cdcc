/**
 * The tenant's tree as a file system: the MountFileSystem the mount adapter needs, built from the
 * tenant session (names, metadata), the content engine (cached ranged reads) and the write path
 * (journal + upload queue).
 *
 * Keys (stable for the life of a mount, never reused for another item):
 * - `ns:/` and `ns:/<site>` for the levels above libraries (names are stable by design);
 * - `u:<UniqueId>` for every SharePoint item, library roots included (a rename keeps the key);
 * - `l:<n>` for a file created here and not yet known remotely; once uploaded it becomes an alias
 *   of its `u:` key.
 *
 * Writes: a file opened for writing gets a local working copy (the whole current content, unless
 * truncated). close/fsync journals it (durable before close returns) and the upload queue sends it
 * with If-Match on the ETag the edit started from. Until the upload lands, the working copy is what
 * this mount shows. Office lock and temp files never leave the machine.
 *
 * Concurrency: the JS thread only; the overlay maps are the shared state.
 */
import { randomUUID } from "node:crypto";
import { closeSync, ftruncateSync, mkdirSync, openSync, readSync, rmSync, writeSync } from "node:fs";
import { join } from "node:path";
import { KonnektError } from "../errors.js";
import type { ContentCache } from "../content/content-cache.js";
import { ItemReader } from "../content/item-reader.js";
import type { RangeFetcher } from "../content/range-fetcher.js";
import type { UploadJournal } from "../content/upload/journal.js";
import { isLocalOnlyName } from "../content/upload/names.js";
import type { OpenWrites, UploadQueue } from "../content/upload/upload-queue.js";
import type { UploadedItem } from "../content/types.js";
import type {
  AttributeChanges,
  Created,
  DirectRange,
  DirEntry,
  FsStats,
  Item,
  ItemAttributes,
  ItemKey,
  MountFileSystem,
  Opened,
  OpenIntent,
  ReadResult,
  RenameOptions,
} from "../mount/types.js";
import type { LibraryInfo } from "../tenant/discovery/discover.js";
import { uniqueIdFromETag, type DriveWrites } from "../tenant/drive-api.js";
import { assertStorableName } from "../tenant/names.js";
import type { Entry, TenantSession } from "../tenant/session.js";
import type { ItemRow } from "../tenant/store/metadata-store.js";
import { contentKey, type ContentRouter } from "./content-router.js";
import { DirectRanges } from "./direct-ranges.js";
import { LockCache, WRITE_OPEN_MAX_AGE_MS, type LockSource, type LockState } from "./lock-probe.js";
import { ParkedItems } from "./parking.js";

/** A file being written here, or written and not yet confirmed by SharePoint. */
interface LocalFile {
  key: ItemKey;
  lib: LibraryInfo;
  parentId: string;
  name: string;
  /** The remote item this edit replaces, when it existed. */
  uniqueId?: string;
  itemId?: string;
  /** The ETag the edit started from (If-Match); undefined for a new file. */
  baseEtag?: string;
  workPath: string;
  size: number;
  mtimeMs: number;
  ctimeMs: number;
  opens: number;
  dirty: boolean;
  /** Journal entries not yet uploaded. */
  pending: Set<number>;
  /** Unlinked while open: what is still written through open descriptors goes nowhere (POSIX). */
  deleted?: boolean;
  /** Its delete is being asked of SharePoint: a close meanwhile journals nothing (yet). */
  deleting?: boolean;
  /**
   * A new file renamed over the item `uniqueId`: descriptors opened on the item before that read
   * the version they opened (the replaced inode), not this content.
   */
  tookOver?: boolean;
  /** Created by this mount (not an edit of an item): renamed over a file, it becomes that file's next version. */
  createdHere?: boolean;
  /** Renames in progress: the working copy stays even if an upload lands meanwhile. */
  renaming?: number;
}

type Handle =
  | { kind: "read"; key: ItemKey; uniqueId: string; itemId: string; driveId: string; reader?: Promise<ItemReader>; etag?: string; revokeDirect?: () => void }
  | { kind: "write"; key: ItemKey; file: LocalFile; fd: number };

export interface TenantFsDeps {
  session: TenantSession;
  writes: DriveWrites;
  cache: ContentCache;
  fetcher: RangeFetcher;
  router: ContentRouter;
  journal: UploadJournal;
  queue: UploadQueue;
  /** Where working copies live (`$XDG_STATE_HOME/konnekt/<tenant>/work`). */
  workDir: string;
  /** Extra CA for download URLs (the emulator's); undefined = system trust. */
  ca?: string;
  /** The library's quota (drive `quota` facet), when the service reports one. */
  quota?: (lib: LibraryInfo, signal: AbortSignal) => Promise<DriveQuota | undefined>;
  /**
   * Who holds a file (check-out, co-authoring lock): asked before a write open, so a file held by
   * someone else is refused up front, and for the holder xattrs. Without it both are skipped.
   */
  locks?: LockSource;
  /** Called when the kernel's view of an item or a name must be dropped. */
  onInvalidate?: (what: { content?: ItemKey; attr?: ItemKey; entry?: { parent: ItemKey; name: string } }) => void;
}

export interface DriveQuota {
  total: number;
  remaining: number;
}

/**
 * How long a write open waits to learn who holds the file. Past it (offline, throttled) the open
 * goes ahead: the upload meets any lock and waits for it (docs/write-path.md).
 */
const LOCK_PROBE_TIMEOUT_MS = 5_000;

/** How long a library's quota is reused: `df` in a loop must not become a request loop. */
const QUOTA_TTL_MS = 60_000;

const ROOT_KEY = "ns:/";
const DIR_MODE = 0o755;
const FILE_MODE = 0o644;
const HELD_FILE_MODE = 0o444;

function lower(s: string): string {
  return s.toLowerCase();
}

export class TenantFileSystem implements MountFileSystem<Handle> {
  readonly rootKey = ROOT_KEY;
  private readonly byKey = new Map<ItemKey, LocalFile>();
  private readonly byName = new Map<string, LocalFile>();
  private readonly byJournalId = new Map<number, LocalFile>();
  /** `l:` keys of files that have since appeared remotely. */
  private readonly aliases = new Map<ItemKey, ItemKey>();
  /** The other way: the kernel keeps the inode it got at create, so the `u:` key maps back to the `l:` one. */
  private readonly firstKeys = new Map<ItemKey, ItemKey>();
  /**
   * Versions this mount uploaded: their times as the writer saw them (the service stamps its own,
   * and tar, make and rsync must not see a file change under them when the upload lands).
   */
  private readonly ownVersions = new Map<string, { etag: string; mtimeMs: number; ctimeMs: number }>();
  private nextLocal = 1;
  /** The ETag each key had when last opened for reading (keep the kernel's pages while unchanged). */
  private readonly openedEtags = new Map<ItemKey, string>();
  private readonly quotas = new Map<string, { at: number; quota: Promise<DriveQuota | undefined> }>();
  private readonly locks: LockCache | undefined;
  /** Runs of cached bytes handed to the platform layer (direct-ranges.ts). */
  private readonly direct = new DirectRanges(() => this.d.cache.cap);
  /** Office's save: SharePoint files renamed to a local-only name, kept in place (parking.ts). */
  private readonly parking = new ParkedItems<LocalFile>({
    item: (uniqueId) => this.d.session.item(uniqueId),
    isCurrent: (local) => this.byKey.get(local.key) === local,
    hasLocalAt: (parentId, name) => this.byName.has(`${parentId}/${lower(name)}`),
    relabel: (local, name) => this.relabel(local, name),
    rename: (parentId, name, newParentId, newName, options, signal, park) => this.renameNow(`u:${parentId}`, name, `u:${newParentId}`, newName, options, signal, park),
    unlink: (parentId, name, signal) => this.unlink(`u:${parentId}`, name, signal),
    maybeDrop: (local) => this.maybeDropLocal(local),
    drop: (local) => {
      this.discard(local, [...local.pending]);
      this.dropLocal(local, true);
    },
  });

  constructor(private readonly d: TenantFsDeps) {
    // A file someone else holds shows mode 0444: the kernel's cached attributes must learn it.
    this.locks = d.locks ? new LockCache(d.locks, undefined, undefined, (id) => this.d.onInvalidate?.({ attr: this.firstKeys.get(`u:${id}`) ?? `u:${id}` })) : undefined;
    mkdirSync(d.workDir, { recursive: true, mode: 0o700 });
    d.queue.on("uploaded", (e) => this.onUploaded(e.id, e.item));
    d.queue.trackOpenWrites(() => this.openWrites());
  }

  /** The key of a folder by tenant-relative path (`/Marketing/Documents/2026`): a drive's root. */
  async keyOfPath(path: string, signal?: AbortSignal): Promise<ItemKey> {
    const entry = await this.d.session.resolve(path, signal);
    if (entry.kind === "file") throw new KonnektError("notADirectory", `${path} is a file, not a folder.`);
    return this.itemOfEntry(entry).key;
  }

  // --- names and attributes ---

  async lookup(parent: ItemKey, name: string, signal: AbortSignal): Promise<Item> {
    const parentRow = this.rowOfKey(parent);
    if (parentRow) {
      const local = this.byName.get(`${parentRow.uniqueId}/${lower(name)}`);
      if (local) return { key: local.key, attr: this.localAttr(local) };
      const p = this.parking.parkedAt(parentRow.uniqueId, name);
      if (p) return { key: p.key, attr: await this.getattr(p.key, signal) };
      if (this.parking.hiddenAt(parentRow.uniqueId, name)) throw new KonnektError("notFound", `${name} does not exist.`);
    }
    const entry = await this.d.session.resolve(`${this.pathOfKey(parent)}/${name}`.replace(/^\/\//, "/"), signal);
    return this.itemOfEntry(entry);
  }

  async getattr(key: ItemKey, signal: AbortSignal): Promise<ItemAttributes> {
    const taken = this.parking.parkedOfKey(key)?.attr;
    if (taken) return taken;
    const local = this.localOf(key);
    if (local) return this.localAttr(local);
    if (key.startsWith("ns:")) return this.dirAttr(0);
    const row = this.rowOfKey(key);
    if (row) return this.rowAttr(row);
    // Not in the store any more (evicted by a resync): resolve by path again.
    return this.itemOfEntry(await this.d.session.resolve(this.pathOfKey(key), signal)).attr;
  }

  async readdir(key: ItemKey, signal: AbortSignal): Promise<readonly DirEntry[]> {
    const entries = await this.d.session.list(this.pathOfKey(key), signal);
    const row = this.rowOfKey(key);
    // A parked item shows under its local-only name; its SharePoint name is free until taken over.
    const out: DirEntry[] = entries.filter((e) => !row || !this.parking.hiddenAt(row.uniqueId, e.name)).map((e) => ({ name: e.name, ...this.itemOfEntry(e) }));
    if (row) {
      for (const p of this.parking.shownIn(row.uniqueId)) out.push({ name: p.name, key: p.key, attr: await this.getattr(p.key, signal) });
      // Files written here and not yet listed remotely are part of the folder.
      const seen = new Set(out.map((e) => lower(e.name)));
      for (const f of this.byKey.values()) {
        if (f.parentId === row.uniqueId && !seen.has(lower(f.name))) out.push({ name: f.name, key: f.key, attr: this.localAttr(f) });
      }
      for (const e of out) {
        const local = this.byName.get(`${row.uniqueId}/${lower(e.name)}`);
        if (local) e.attr = this.localAttr(local);
      }
    }
    return out;
  }

  /**
   * Inside a library: its quota (the drive's `quota` facet: total and remaining), cached for a
   * minute. Above libraries, or when the service reports no quota: figures derived from the cache
   * budget (what this machine can hold), so `df` still answers.
   */
  async statfs(key: ItemKey, signal: AbortSignal): Promise<FsStats> {
    const row = this.rowOfKey(key) ?? (this.localOf(key) ? this.d.session.item(this.localOf(key)!.parentId) : undefined);
    const lib = row ? this.d.session.libraryOfRow(row) : undefined;
    if (lib && this.d.quota) {
      let q = this.quotas.get(lib.driveId);
      if (!q || Date.now() - q.at > QUOTA_TTL_MS) {
        q = { at: Date.now(), quota: this.d.quota(lib, signal).catch(() => undefined) };
        this.quotas.set(lib.driveId, q);
      }
      const quota = await q.quota;
      if (quota && quota.total > 0) return { totalBytes: quota.total, freeBytes: Math.max(0, Math.min(quota.remaining, quota.total)) };
    }
    const s = this.d.cache.stats();
    return { totalBytes: Math.max(s.capBytes, 1) * 16, freeBytes: Math.max(s.capBytes - s.usedBytes, 0) * 16 };
  }

  /**
   * webUrl, uniqueId, etag; for a file held by someone, `checkedOutTo` and `lockedBy`
   * (`Name <email>`), absent when nobody holds it. The holders cost a request (LockCache): a
   * getxattr of one of them asks SharePoint (reusing an answer younger than 15 s for the same
   * ETag); a listxattr, which programs call for every file they list, shows them only when
   * already known, so `ls -l` never turns into a request per file.
   */
  async xattrs(key: ItemKey, signal: AbortSignal, name?: string): Promise<Readonly<Record<string, string>>> {
    const row = this.rowOfKey(key);
    if (!row) return {};
    const attrs: Record<string, string> = { webUrl: row.webUrl, uniqueId: row.uniqueId, etag: row.etag };
    const lib = this.locks && !row.isFolder ? this.d.session.libraryOfRow(row) : undefined;
    if (!this.locks || !lib) return attrs;
    let state: LockState | undefined;
    if (name === "checkedOutTo" || name === "lockedBy") state = await this.locks.get(lib, row.uniqueId, row.etag, signal);
    else if (name === undefined) state = await this.locks.known(row.uniqueId, row.etag);
    if (state?.checkedOutTo !== undefined) attrs.checkedOutTo = state.checkedOutTo;
    if (state?.lockedBy !== undefined) attrs.lockedBy = state.lockedBy;
    return attrs;
  }

  // --- reading and writing ---

  async open(key: ItemKey, intent: OpenIntent, signal: AbortSignal): Promise<Opened<Handle>> {
    const parked = this.parking.parkedOfKey(key);
    // The version another file replaced: readable until deleted, never written.
    if (parked?.takenBy && intent.write) throw this.parking.replacedVersion(parked);
    if (parked?.takenBy && !parked.local) {
      const row = this.requireRow(this.resolveAlias(key));
      return { handle: { kind: "read", key, uniqueId: row.uniqueId, itemId: row.itemId, driveId: this.libraryOf(row).driveId }, keepCache: false };
    }
    // Written under its local-only name: it really moves on SharePoint first, then as ever.
    if (parked && intent.write) await this.parking.materialize(parked, signal);
    const k = this.resolveAlias(key);
    let local = this.localOf(key);
    if (!intent.write && !local) {
      const row = this.requireRow(k);
      if (row.isFolder) throw new KonnektError("isADirectory", `${row.name} is a folder.`);
      const lib = this.libraryOf(row);
      // Same ETag as at the previous open: the kernel's cached pages are still this version, keep
      // them (remote changes drop them through invalidateContent; a local write changes the ETag).
      const keepCache = this.openedEtags.get(key) === row.etag;
      this.openedEtags.set(key, row.etag);
      return { handle: { kind: "read", key: k, uniqueId: row.uniqueId, itemId: row.itemId, driveId: lib.driveId }, keepCache };
    }
    if (!local) local = await this.startEdit(k, intent.truncate, signal);
    else if (intent.truncate && intent.write) this.truncateLocal(local, 0);
    local.opens++;
    const fd = openSync(local.workPath, "r+");
    return { handle: { kind: "write", key: local.key, file: local, fd }, directIo: false };
  }

  async read(h: Handle, offset: number, length: number, signal: AbortSignal): Promise<ReadResult> {
    if (h.kind === "write") {
      const buf = Buffer.alloc(Math.max(0, Math.min(length, h.file.size - offset)));
      const n = buf.length > 0 ? readSync(h.fd, buf, 0, buf.length, offset) : 0;
      return buf.subarray(0, n);
    }
    const local = this.localOf(h.key);
    if (local && !local.tookOver) {
      // Written here since this descriptor opened: the local copy is the newest content.
      const fd = openSync(local.workPath, "r");
      try {
        const buf = Buffer.alloc(Math.max(0, Math.min(length, local.size - offset)));
        return buf.subarray(0, buf.length > 0 ? readSync(fd, buf, 0, buf.length, offset) : 0);
      } finally {
        closeSync(fd);
      }
    }
    const reader = await this.readerOf(h, signal);
    h.etag ??= reader.etag;
    try {
      // Cached bytes go to the kernel from the cache file's descriptor on a native thread, never
      // copied through JavaScript.
      const got = await reader.readFd(offset, length, signal);
      return Buffer.isBuffer(got) ? got : { ...got, ...this.directOf(h, reader, offset) };
    } catch (err) {
      if (!(err instanceof KonnektError) || err.code !== "conflict") throw err;
      // The cached copy was dropped under this reader (a change notice for our own upload, say).
      // Only when the server's version really moved on is the reader's view stale.
      h.reader = undefined;
      h.revokeDirect?.();
      void reader.close().catch(() => undefined);
      const again = await this.readerOf(h, signal);
      if (again.etag !== h.etag) throw err;
      return again.readFd(offset, length, signal);
    }
  }

  /**
   * Offers the cached run from `offset` for the platform layer to serve this handle's next reads
   * itself (mount/types.ts DirectRange): on Linux the FUSE loop thread splices them, so a
   * sequential read of cached bytes costs JavaScript one request per run instead of one per
   * 128 KiB. Taken back when the bytes stop being the file's: a change or invalidation of the item
   * (revokeDirect, from the cache's onInvalidate) or an edit starting here.
   */
  private directOf(h: Extract<Handle, { kind: "read" }>, reader: ItemReader, offset: number): { direct?: DirectRange } {
    if (this.localOf(h.key)) return {};
    const direct = this.direct.offer(h, reader, offset, () => this.localOf(h.key) !== undefined);
    return direct ? { direct } : {};
  }

  /** The item's cached bytes are no longer its content here: stop serving them directly. */
  revokeDirect(uniqueId: string): void {
    this.direct.revoke(uniqueId);
  }

  /** Whether this ETag is a version this mount uploaded itself (its change notice changes nothing here). */
  /**
   * A file written here whose upload has not landed yet (the namespace does not know it): what
   * `item.info` reports for it. Undefined when there is none.
   */
  pendingFile(parentUniqueId: string, name: string): { size: number; mtimeMs: number; ctimeMs: number } | undefined {
    const f = this.byName.get(`${parentUniqueId}/${lower(name)}`);
    return f && (f.dirty || f.pending.size > 0 || f.uniqueId === undefined) ? { size: f.size, mtimeMs: f.mtimeMs, ctimeMs: f.ctimeMs } : undefined;
  }

  isOwnVersion(uniqueId: string, etag: string): boolean {
    return this.ownVersions.get(uniqueId)?.etag === etag;
  }

  async write(h: Handle, offset: number, data: Buffer, signal?: AbortSignal): Promise<number> {
    if (h.kind !== "write") throw new KonnektError("invalidArgument", "The file was not opened for writing.");
    // Under write pressure a writer waits for uploads to drain instead of failing (KONNEKT's rule).
    await this.d.queue.admitWrite(data.length, signal);
    const n = writeSync(h.fd, data, 0, data.length, offset);
    h.file.size = Math.max(h.file.size, offset + n);
    h.file.mtimeMs = Date.now();
    h.file.dirty = true;
    return Promise.resolve(n);
  }

  flush(h: Handle): Promise<void> {
    return this.commitAsync(h);
  }

  fsync(h: Handle): Promise<void> {
    return this.commitAsync(h);
  }

  private commitAsync(h: Handle): Promise<void> {
    try {
      if (h.kind === "write") this.commit(h.file);
      return Promise.resolve();
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
  }

  async release(h: Handle): Promise<void> {
    if (h.kind === "read") {
      if (h.reader) await (await h.reader.catch(() => undefined))?.close?.();
      return;
    }
    closeSync(h.fd);
    h.file.opens--;
    this.commit(h.file);
    this.maybeDropLocal(h.file);
  }

  async create(parent: ItemKey, name: string, _mode: number, intent: OpenIntent, signal: AbortSignal): Promise<Created<Handle>> {
    const parentRow = this.requireFolderRow(parent);
    assertStorableName(name);
    const parked = this.parking.parkedAt(parentRow.uniqueId, name);
    if (parked) {
      if (intent.exclusive) throw new KonnektError("alreadyExists", `${name} already exists.`);
      const opened = await this.open(parked.key, { ...intent, write: true, truncate: true }, signal);
      return { ...opened, item: { key: opened.handle.key, attr: await this.getattr(opened.handle.key, signal) } };
    }
    // A file created under a parked item's SharePoint name: the item moves for real first.
    const hidden = this.parking.hiddenAt(parentRow.uniqueId, name);
    if (hidden) await this.parking.materialize(hidden, signal);
    const existing = this.byName.get(`${parentRow.uniqueId}/${lower(name)}`);
    const remote = existing ? undefined : await this.remoteChild(parentRow, name, signal);
    if ((existing || remote) && intent.exclusive) throw new KonnektError("alreadyExists", `${name} already exists.`);
    if (existing || remote) {
      const key = existing?.key ?? `u:${remote!.uniqueId}`;
      const opened = await this.open(key, { ...intent, write: true, truncate: true }, signal);
      return { ...opened, item: { key: opened.handle.key, attr: await this.getattr(opened.handle.key, signal) } };
    }
    const lib = this.libraryOf(parentRow);
    const local = this.newLocal(`l:${this.nextLocal++}`, lib, parentRow.uniqueId, name, undefined);
    local.dirty = true; // an empty new file is still a file: it is uploaded on close
    local.createdHere = true;
    local.opens++;
    const fd = openSync(local.workPath, "r+");
    this.d.onInvalidate?.({ entry: { parent, name } });
    return { handle: { kind: "write", key: local.key, file: local, fd }, item: { key: local.key, attr: this.localAttr(local) } };
  }

  async setattr(key: ItemKey, changes: AttributeChanges, handle: Handle | undefined, signal: AbortSignal): Promise<ItemAttributes> {
    if (changes.size !== undefined) {
      const parked = handle ? undefined : this.parking.parkedOfKey(key);
      if (parked?.takenBy) throw this.parking.replacedVersion(parked);
      if (parked) await this.parking.materialize(parked, signal);
      const k = this.resolveAlias(key);
      let local = handle?.kind === "write" ? handle.file : this.localOf(key);
      const standalone = !local;
      if (!local) local = await this.startEdit(k, changes.size === 0, signal);
      this.truncateLocal(local, changes.size);
      if (standalone) {
        // truncate(2) without an open descriptor: no close will follow, so journal now.
        this.commit(local);
        this.maybeDropLocal(local);
      }
    }
    // Times and modes are SharePoint's to keep: accepted, not stored (tar, cp -p and touch succeed).
    return this.getattr(key, signal);
  }

  // --- namespace changes ---

  async mkdir(parent: ItemKey, name: string, _mode: number, signal: AbortSignal): Promise<Item> {
    const parentRow = this.requireFolderRow(parent);
    assertStorableName(name);
    const lib = this.libraryOf(parentRow);
    const j = await this.d.writes.createFolder(lib.webUrl, lib.driveId, parentRow.itemId, name, "fail", signal);
    const row = this.d.session.recordLocal(j, lib, parentRow.uniqueId);
    if (!row) throw new KonnektError("serviceError", `SharePoint created ${name} without an id.`);
    // List the new (empty) folder now: the session's change polling forgets items recorded in a
    // folder it never listed, which would lose the files written into it next.
    const path = this.d.session.pathOf(row.uniqueId);
    if (path) await this.d.session.list(path, signal).catch(() => undefined);
    return { key: `u:${row.uniqueId}`, attr: this.rowAttr(row) };
  }

  async unlink(parent: ItemKey, name: string, signal: AbortSignal): Promise<void> {
    const parentRow = this.requireFolderRow(parent);
    const parked = this.parking.parkedAt(parentRow.uniqueId, name);
    if (parked) return this.parking.unlinkParked(parked, signal);
    if (this.parking.hiddenAt(parentRow.uniqueId, name)) throw new KonnektError("notFound", `${name} does not exist.`);
    const local = this.byName.get(`${parentRow.uniqueId}/${lower(name)}`);
    if (local) {
      const release = this.d.queue.hold(local.pending);
      try {
        // An upload in flight finishes first (it is online: bounded by its request); what it
        // created is then deleted on the server like any item.
        await this.settle(local, signal);
        if (local.uniqueId === undefined) {
          // Never reached SharePoint: dropping its saves is the whole delete (works offline).
          this.discard(local, [...local.pending]);
          this.dropLocal(local, true);
          return;
        }
        const row = this.d.session.item(local.uniqueId);
        if (row) {
          local.deleting = true;
          try {
            await this.deleteRemote(row, signal);
          } catch (err) {
            // Already gone on the server: the delete is done; anything else keeps file and saves.
            if (!(err instanceof KonnektError && err.code === "notFound")) throw err;
          } finally {
            local.deleting = undefined;
          }
        }
        this.discard(local, [...local.pending]);
        this.dropLocal(local, true);
        if (row) return;
      } finally {
        release();
      }
    }
    const row = await this.remoteChild(parentRow, name, signal);
    if (!row) {
      if (local) return;
      throw new KonnektError("notFound", `${name} does not exist.`);
    }
    if (row.isFolder) throw new KonnektError("isADirectory", `${name} is a folder.`);
    await this.deleteRemote(row, signal);
  }

  private async deleteRemote(row: ItemRow, signal: AbortSignal): Promise<void> {
    const lib = this.libraryOf(row);
    await this.d.writes.delete(lib.webUrl, lib.driveId, row.itemId, signal);
    this.d.session.forget(row.uniqueId);
    this.d.cache.invalidate(row.uniqueId);
  }

  async rmdir(parent: ItemKey, name: string, signal: AbortSignal): Promise<void> {
    const parentRow = this.requireFolderRow(parent);
    const row = await this.remoteChild(parentRow, name, signal);
    if (!row) throw new KonnektError("notFound", `${name} does not exist.`);
    if (!row.isFolder) throw new KonnektError("notADirectory", `${name} is not a folder.`);
    const children = await this.readdir(`u:${row.uniqueId}`, signal);
    if (children.length > 0) throw new KonnektError("notEmpty", `${name} is not empty.`);
    const lib = this.libraryOf(row);
    await this.d.writes.delete(lib.webUrl, lib.driveId, row.itemId, signal);
    this.d.session.forget(row.uniqueId);
  }

  rename(parent: ItemKey, name: string, newParent: ItemKey, newName: string, options: RenameOptions, signal: AbortSignal): Promise<void> {
    return this.renameNow(parent, name, newParent, newName, options, signal, true);
  }

  /** `park`: a SharePoint file renamed to a local-only name in its folder may be parked (else it moves). */
  private async renameNow(parent: ItemKey, name: string, newParent: ItemKey, newName: string, options: RenameOptions, signal: AbortSignal, park: boolean): Promise<void> {
    const from = this.requireFolderRow(parent);
    const to = this.requireFolderRow(newParent);
    assertStorableName(newName);
    // Different drives: SharePoint has no in-place move, so answer as a file system does between
    // devices (EXDEV) and let mv, file managers and rsync copy, then delete.
    if (from.library !== to.library) throw new KonnektError("crossDevice", `${name} is in another library: copy it, then delete the original.`);
    const sameItem = from.uniqueId === to.uniqueId && lower(name) === lower(newName);
    const parked = this.parking.parkedAt(from.uniqueId, name);
    if (parked) return this.parking.renameParked(parked, from.uniqueId, to.uniqueId, newName, options, signal);
    if (this.parking.hiddenAt(from.uniqueId, name)) throw new KonnektError("notFound", `${name} does not exist.`);
    const local = this.byName.get(`${from.uniqueId}/${lower(name)}`);
    // Saves not yet landed are re-addressed, not waited for: none may start meanwhile.
    const release = local ? this.d.queue.hold(local.pending) : () => undefined;
    if (local) local.renaming = (local.renaming ?? 0) + 1;
    try {
      if (local) await this.settle(local, signal);
      if (!sameItem) {
        const targetLocal = this.byName.get(`${to.uniqueId}/${lower(newName)}`);
        const targetParked = targetLocal ? undefined : this.parking.parkedAt(to.uniqueId, newName);
        const hidden = targetLocal || targetParked ? undefined : this.parking.hiddenAt(to.uniqueId, newName);
        if (hidden) {
          // Office's third step: the new content renamed onto the parked item's name becomes its
          // next version. No request now; offline it waits in the journal like any save.
          if (local?.createdHere && from.uniqueId === to.uniqueId) {
            if (local.uniqueId !== undefined) await this.retractUpload(local, signal);
            // The parked version's own saves not yet landed are superseded by the new content.
            if (hidden.local) await this.supersede(hidden.local, signal);
            const item = this.d.session.item(hidden.uniqueId);
            if (item && this.parking.hiddenAt(to.uniqueId, newName) === hidden) {
              this.parking.takenOver(hidden, local, hidden.local ? undefined : this.rowAttr(item));
              this.takeOver(local, to, newName, item);
              return;
            }
          }
          // Anything else: the parked item really moves to its local-only name first.
          if (this.parking.hiddenAt(to.uniqueId, newName) === hidden) await this.parking.materialize(hidden, signal);
        }
        const target = targetLocal ?? targetParked ?? (await this.remoteChild(to, newName, signal));
        if (target) {
          if (options.noReplace) throw new KonnektError("alreadyExists", `${newName} already exists.`);
          if ("isFolder" in target && target.isFolder) throw new KonnektError("isADirectory", `${newName} is a folder.`);
          if (local?.createdHere && !("origName" in target)) {
            // A new file saved over an existing one ("safe save"): it becomes the next version of
            // that item, which keeps its identity and history. No request now, unless its upload
            // landed already (it was in flight, or the file is still open): that copy goes again.
            if (local.uniqueId !== undefined) await this.retractUpload(local, signal);
            const item = await this.replacedItem(targetLocal, target, signal);
            if (item) {
              this.takeOver(local, to, newName, item);
              return;
            }
          }
          await this.unlink(newParent, newName, signal);
        }
      }
      if (local && local.uniqueId === undefined) {
        // Never uploaded (a new file, or a temp file renamed to its real name, as Office saves).
        const ids = [...local.pending];
        this.moveLocal(local, to, newName);
        if (isLocalOnlyName(newName)) this.discard(local, ids);
        else this.d.queue.readdress(ids, { parentKey: contentKey(local.lib.driveId, to.itemId), name: newName });
        this.commit(local);
        this.maybeDropLocal(local);
        return;
      }
      const row = local?.uniqueId ? this.d.session.item(local.uniqueId) : await this.remoteChild(from, name, signal);
      if (!row) throw new KonnektError("notFound", `${name} does not exist.`);
      if (park && !sameItem && !row.isFolder && from.uniqueId === to.uniqueId && isLocalOnlyName(newName) && !this.locks?.heldNow(row.uniqueId, row.etag) && (!local || this.parking.parkable(local))) {
        // Office's second step (`Doc.docx` → `~WRL0002.tmp`): parked, not moved (see parking.ts).
        this.parking.parkItem({
          key: local?.key ?? this.firstKeys.get(`u:${row.uniqueId}`) ?? `u:${row.uniqueId}`,
          uniqueId: row.uniqueId,
          parentId: from.uniqueId,
          origName: local?.name ?? row.name,
          name: newName,
          ...(local ? { local } : {}),
        });
        return;
      }
      const lib = this.libraryOf(row);
      const before = local?.baseEtag;
      const j = await this.d.writes.move(lib.webUrl, lib.driveId, row.itemId, { ...(from.uniqueId !== to.uniqueId ? { parentItemId: to.itemId } : {}), name: newName }, signal);
      this.d.session.recordLocal(j, lib, to.uniqueId);
      if (local && this.byKey.get(local.key) === local) {
        this.moveLocal(local, to, newName);
        // A rename moves the ETag on and changes no content: saves based on the version before
        // it (queued, or a file still open here) go onto the renamed version, not a conflict copy.
        if (j.eTag !== undefined) {
          local.baseEtag = j.eTag;
          this.d.queue.readdress(
            [...local.pending],
            { parentKey: contentKey(lib.driveId, to.itemId), name: newName, itemKey: contentKey(lib.driveId, row.itemId) },
            before !== undefined ? { from: before, to: j.eTag } : undefined,
          );
        }
      }
      const own = this.ownVersions.get(row.uniqueId);
      if (own && j.eTag !== undefined) own.etag = j.eTag;
    } finally {
      release();
      if (local) {
        local.renaming = (local.renaming ?? 1) - 1;
        if (this.byKey.get(local.key) === local) {
          // A rename that failed after taking back an upload: the content is journalled again
          // where the file is now (no close may follow to do it).
          if (local.opens === 0 && local.dirty) this.commitAfterFailure(local);
          this.maybeDropLocal(local);
        }
      }
    }
  }

  /** A parked version's saves not yet landed give way to the content that took its name over. */
  private async supersede(local: LocalFile, signal: AbortSignal): Promise<void> {
    const release = this.d.queue.hold(local.pending);
    try {
      await this.settle(local, signal);
      this.discard(local, [...local.pending]);
    } finally {
      release();
    }
  }

  /** A new name for a working copy in its folder; its journalled saves keep their address. */
  private relabel(local: LocalFile, name: string): void {
    const old = `${local.parentId}/${lower(local.name)}`;
    if (this.byName.get(old) === local) this.byName.delete(old);
    local.name = name;
    this.byName.set(`${local.parentId}/${lower(name)}`, local);
  }

  private commitAfterFailure(local: LocalFile): void {
    try {
      this.commit(local);
    } catch {
      // Its folder is gone too: the rename's own error is what the caller hears.
    }
  }

  /**
   * A new file's upload landed while a rename waited for it, and the rename makes it the next
   * version of another item: the uploaded copy is deleted and the file is a new file again, its
   * working copy (the newest content) journalled by the next commit.
   */
  private async retractUpload(local: LocalFile, signal: AbortSignal): Promise<void> {
    const uniqueId = local.uniqueId;
    if (uniqueId === undefined) return;
    const row = this.d.session.item(uniqueId);
    if (row) {
      try {
        await this.deleteRemote(row, signal);
      } catch (err) {
        if (!(err instanceof KonnektError && err.code === "notFound")) throw err;
      }
    }
    // Later saves were rebased onto the uploaded copy; the working copy supersedes them all.
    this.discard(local, [...local.pending]);
    if (this.aliases.get(local.key) === `u:${uniqueId}`) this.aliases.delete(local.key);
    if (this.firstKeys.get(`u:${uniqueId}`) === local.key) this.firstKeys.delete(`u:${uniqueId}`);
    this.ownVersions.delete(uniqueId);
    delete local.uniqueId;
    delete local.itemId;
    delete local.baseEtag;
    local.dirty = true;
  }

  /**
   * The SharePoint file a rename over `target` replaces, or undefined when the target never
   * reached SharePoint (then it is simply deleted). The target's own saves not yet landed are
   * superseded by the replacing content: dropped (one in flight is waited for first), and its
   * open descriptors write nothing any more, as after an unlink.
   */
  private async replacedItem(targetLocal: LocalFile | undefined, target: LocalFile | ItemRow, signal: AbortSignal): Promise<ItemRow | undefined> {
    if (!targetLocal) return "isFolder" in target ? target : undefined;
    const release = this.d.queue.hold(targetLocal.pending);
    try {
      await this.settle(targetLocal, signal);
      const row = targetLocal.uniqueId !== undefined ? this.d.session.item(targetLocal.uniqueId) : undefined;
      if (!row || row.isFolder) return undefined;
      this.discard(targetLocal, [...targetLocal.pending]);
      if (this.byKey.get(targetLocal.key) === targetLocal) this.dropLocal(targetLocal, true);
      return row;
    } finally {
      release();
    }
  }

  /**
   * `local` (never uploaded) takes the identity of `item`: its saves become edits of the item
   * based on the ETag known for it, and the item's key maps to the local file's, which is the
   * inode the kernel now has under the name.
   */
  private takeOver(local: LocalFile, to: ItemRow, newName: string, item: ItemRow): void {
    const ids = [...local.pending];
    this.moveLocal(local, to, newName);
    local.uniqueId = item.uniqueId;
    local.itemId = item.itemId;
    local.baseEtag = item.etag;
    local.ctimeMs = item.ctimeMs;
    local.tookOver = true;
    // From now on an edit of that item: renamed over yet another file, it moves like any item.
    local.createdHere = false;
    const itemKey = `u:${item.uniqueId}`;
    if (local.key !== itemKey) {
      this.aliases.set(local.key, itemKey);
      this.firstKeys.set(itemKey, local.key);
    }
    this.openedEtags.delete(itemKey);
    this.openedEtags.delete(local.key);
    if (isLocalOnlyName(newName)) this.discard(local, ids);
    else {
      const addr = { parentKey: contentKey(local.lib.driveId, to.itemId), name: newName, itemKey: contentKey(local.lib.driveId, item.itemId) };
      this.d.queue.readdress(ids, addr, { from: undefined, to: item.etag });
    }
    this.commit(local);
    this.maybeDropLocal(local);
  }

  /** The local file's new place; a temp name renamed to a real one gets journalled by the next commit. */
  private moveLocal(local: LocalFile, to: ItemRow, newName: string): void {
    const wasLocalOnly = isLocalOnlyName(local.name);
    if (this.byName.get(`${local.parentId}/${lower(local.name)}`) === local) this.byName.delete(`${local.parentId}/${lower(local.name)}`);
    local.parentId = to.uniqueId;
    local.name = newName;
    if (this.byKey.get(local.key) === local) this.byName.set(`${to.uniqueId}/${lower(newName)}`, local);
    if (wasLocalOnly && !isLocalOnlyName(newName)) local.dirty = true;
  }

  /** Drops journal entries of `local` that are not being uploaded. */
  private discard(local: LocalFile, ids: readonly number[]): void {
    for (const id of this.d.queue.discard(ids)) {
      local.pending.delete(id);
      this.byJournalId.delete(id);
    }
  }

  // --- the write path ---

  private async startEdit(key: ItemKey, truncate: boolean, signal: AbortSignal): Promise<LocalFile> {
    const row = this.requireRow(key);
    if (row.isFolder) throw new KonnektError("isADirectory", `${row.name} is a folder.`);
    const lib = this.libraryOf(row);
    await this.assertNotHeld(row, lib, signal);
    const local = this.newLocal(this.firstKeys.get(`u:${row.uniqueId}`) ?? key, lib, row.parentId!, row.name, row);
    // Readers of this file now read the working copy, not the cached bytes.
    this.revokeDirect(row.uniqueId);
    if (!truncate && row.size > 0) {
      // Editing in place needs the current bytes: read them through the cache into the working copy.
      const reader = await ItemReader.open({ cache: this.d.cache, source: this.d.router, fetcher: this.d.fetcher, uniqueId: row.uniqueId, itemKey: contentKey(lib.driveId, row.itemId), ...(this.d.ca ? { ca: this.d.ca } : {}) }, signal);
      try {
        const fd = openSync(local.workPath, "r+");
        try {
          for (let pos = 0; pos < reader.size; pos += 4 * 1024 * 1024) {
            const chunk = await reader.read(pos, Math.min(4 * 1024 * 1024, reader.size - pos), signal);
            writeSync(fd, chunk, 0, chunk.length, pos);
          }
        } finally {
          closeSync(fd);
        }
        local.size = reader.size;
        local.baseEtag = reader.etag;
      } finally {
        await reader.close();
      }
    }
    return local;
  }

  /**
   * Refuses to start an edit of a file someone else holds: checked out to another user, or under a
   * co-authoring lock (which blocks every other writer, this one included). Known up front, the
   * refusal is an error the editor shows at once (errno.ts: EACCES, so editors offer read-only),
   * instead of a save that waits for the lock and ends as a conflict copy. When SharePoint cannot
   * say in time, the edit goes ahead and the upload deals with any lock.
   *
   * Not asked for the version this mount uploaded last (a program rewriting its own file: git,
   * rsync, make): a check-out by someone else moves the ETag, so it would not be that version any
   * more; only a co-authoring lock taken since goes unseen, and the upload waits for it.
   */
  private async assertNotHeld(row: ItemRow, lib: LibraryInfo, signal: AbortSignal): Promise<void> {
    if (!this.locks || this.isOwnVersion(row.uniqueId, row.etag)) return;
    let state: LockState;
    try {
      const bounded = AbortSignal.any([signal, AbortSignal.timeout(LOCK_PROBE_TIMEOUT_MS)]);
      state = await this.locks.get(lib, row.uniqueId, row.etag, bounded, WRITE_OPEN_MAX_AGE_MS);
    } catch (err) {
      if (signal.aborted) throw err;
      return;
    }
    const path = this.d.session.pathOf(row.uniqueId) ?? row.name;
    if (state.checkedOutTo !== undefined && !state.checkedOutToMe) {
      throw new KonnektError("locked", `${path} is checked out to ${state.checkedOutTo}: it opens read-only until they check it in.`, {
        path,
        holder: state.checkedOutTo,
        kind: "checkOut",
      });
    }
    if (state.lockedBy !== undefined) {
      throw new KonnektError("locked", `${path} is locked for editing by ${state.lockedBy}: it opens read-only until they close it.`, {
        path,
        holder: state.lockedBy,
        kind: "lock",
      });
    }
  }

  private newLocal(key: ItemKey, lib: LibraryInfo, parentId: string, name: string, row: ItemRow | undefined): LocalFile {
    this.openedEtags.delete(key);
    if (row) this.openedEtags.delete(`u:${row.uniqueId}`);
    const workPath = join(this.d.workDir, randomUUID());
    closeSync(openSync(workPath, "w", 0o600));
    const local: LocalFile = {
      key,
      lib,
      parentId,
      name,
      ...(row ? { uniqueId: row.uniqueId, itemId: row.itemId, baseEtag: row.etag } : {}),
      workPath,
      size: 0,
      mtimeMs: Date.now(),
      ctimeMs: row?.ctimeMs ?? Date.now(),
      opens: 0,
      dirty: false,
      pending: new Set(),
    };
    this.byKey.set(key, local);
    this.byName.set(`${parentId}/${lower(name)}`, local);
    return local;
  }

  private truncateLocal(local: LocalFile, size: number): void {
    const shrinks = size < local.size;
    ftruncateSyncPath(local.workPath, size);
    local.size = size;
    local.mtimeMs = Date.now();
    local.dirty = true;
    // Fewer open bytes: a writer held back by write pressure may go on now.
    if (shrinks) this.d.queue.recheckWritePressure();
  }

  /**
   * Working copies written and not yet journalled (their close or fsync will): they count against
   * the write budget and show in the queue's status. Lock and temp files never upload: not counted.
   * Walks the local files (those open or waiting for upload: few), once per write admission.
   */
  private openWrites(): OpenWrites {
    let files = 0;
    let bytes = 0;
    for (const f of this.byKey.values()) {
      if (!f.dirty || isLocalOnlyName(f.name)) continue;
      files++;
      bytes += f.size;
    }
    return { files, bytes };
  }

  /** Journals the working copy: once this returns, the content survives a crash. */
  private commit(local: LocalFile): void {
    if (!local.dirty || local.deleting) return;
    local.dirty = false;
    // A file deleted while open must not come back when its last descriptor closes.
    if (isLocalOnlyName(local.name) || local.deleted) return;
    const parent = this.d.session.item(local.parentId);
    if (!parent) throw new KonnektError("notFound", "The folder of this file is gone.");
    const r = this.d.journal.commitFile(
      {
        parentKey: contentKey(local.lib.driveId, parent.itemId),
        name: local.name,
        ...(local.itemId !== undefined ? { itemKey: contentKey(local.lib.driveId, local.itemId) } : {}),
      },
      local.baseEtag,
      local.workPath,
    );
    if (!r.localOnly) {
      local.pending.add(r.id);
      this.byJournalId.set(r.id, local);
    }
  }

  private onUploaded(id: number, item: UploadedItem): void {
    const local = this.byJournalId.get(id);
    this.byJournalId.delete(id);
    if (!local) return;
    local.pending.delete(id);
    const itemId = item.itemKey.slice(item.itemKey.lastIndexOf("/") + 1);
    const uniqueId = uniqueIdFromETag(item.etag);
    local.itemId = itemId;
    local.baseEtag = item.etag;
    if (uniqueId && local.uniqueId === undefined) {
      local.uniqueId = uniqueId;
      if (local.key.startsWith("l:")) {
        this.aliases.set(local.key, `u:${uniqueId}`);
        this.firstKeys.set(`u:${uniqueId}`, local.key);
      }
    }
    if (uniqueId) this.ownVersions.set(uniqueId, { etag: item.etag, mtimeMs: local.mtimeMs, ctimeMs: local.ctimeMs });
    if (uniqueId) {
      this.d.session.recordLocal(
        { id: itemId, name: item.name, eTag: item.etag, ...(item.cTag ? { cTag: item.cTag } : {}), size: item.size, lastModifiedDateTime: new Date(local.mtimeMs).toISOString(), createdDateTime: new Date(local.ctimeMs).toISOString(), file: {} },
        local.lib,
        local.parentId,
      );
      // The cached bytes of the old version are stale; the new ones are the working copy.
      this.d.cache.invalidate(uniqueId);
    }
    this.maybeDropLocal(local);
  }

  private maybeDropLocal(local: LocalFile): void {
    if (local.opens > 0 || local.dirty || local.pending.size > 0 || (local.renaming ?? 0) > 0) return;
    // Temp and lock files stay local for as long as they exist.
    if (isLocalOnlyName(local.name)) return;
    this.dropLocal(local, false);
  }

  private dropLocal(local: LocalFile, deleted: boolean): void {
    if (deleted) local.deleted = true;
    if (this.byName.get(`${local.parentId}/${lower(local.name)}`) === local) this.byName.delete(`${local.parentId}/${lower(local.name)}`);
    this.byKey.delete(local.key);
    if (local.opens === 0) rmSync(local.workPath, { force: true });
    if (deleted) for (const id of local.pending) this.byJournalId.delete(id);
    if (local.dirty) this.d.queue.recheckWritePressure();
  }

  /**
   * Waits until none of the file's journal entries is being uploaded (an attempt in flight is
   * online by definition, so this is bounded by its request). Call with the entries held.
   */
  private async settle(local: LocalFile, signal: AbortSignal): Promise<void> {
    while ([...local.pending].some((id) => this.d.queue.isActive(id))) {
      if (signal.aborted) throw new KonnektError("cancelled", "Interrupted while waiting for an upload.");
      await new Promise<void>((resolve) => {
        const done = (): void => {
          this.d.queue.off("settled", done);
          signal.removeEventListener("abort", done);
          resolve();
        };
        this.d.queue.on("settled", done);
        signal.addEventListener("abort", done, { once: true });
      });
    }
  }

  private async readerOf(h: Extract<Handle, { kind: "read" }>, signal: AbortSignal): Promise<ItemReader> {
    h.reader ??= ItemReader.open(
      { cache: this.d.cache, source: this.d.router, fetcher: this.d.fetcher, uniqueId: h.uniqueId, itemKey: contentKey(h.driveId, h.itemId), ...(this.d.ca ? { ca: this.d.ca } : {}) },
      signal,
    );
    return h.reader;
  }

  // --- keys ---

  /** The working copy of an item, whichever of its keys (`l:` or `u:`) the caller holds. */
  private localOf(key: ItemKey): LocalFile | undefined {
    const alias = this.aliases.get(key);
    const first = this.firstKeys.get(key);
    return this.byKey.get(key) ?? (alias !== undefined ? this.byKey.get(alias) : undefined) ?? (first !== undefined ? this.byKey.get(first) : undefined);
  }

  private resolveAlias(key: ItemKey): ItemKey {
    return this.aliases.get(key) ?? key;
  }

  private rowOfKey(key: ItemKey): ItemRow | undefined {
    const k = this.resolveAlias(key);
    if (k.startsWith("u:")) return this.d.session.item(k.slice(2));
    return undefined;
  }

  private requireRow(key: ItemKey): ItemRow {
    const row = this.rowOfKey(key);
    if (!row) throw new KonnektError("notFound", "The item is no longer known; list its folder again.");
    return row;
  }

  private requireFolderRow(key: ItemKey): ItemRow {
    if (key.startsWith("ns:")) throw new KonnektError("readOnly", "Sites and libraries are not created or changed from here.");
    const row = this.requireRow(key);
    if (!row.isFolder) throw new KonnektError("notADirectory", `${row.name} is not a folder.`);
    return row;
  }

  private libraryOf(row: ItemRow): LibraryInfo {
    const lib = this.d.session.libraryOfRow(row);
    if (!lib) throw new KonnektError("notFound", "The library of this item is no longer available.");
    return lib;
  }

  private pathOfKey(key: ItemKey): string {
    const k = this.resolveAlias(key);
    if (k.startsWith("ns:")) return k.slice(3);
    const local = this.byKey.get(k);
    if (local && local.uniqueId === undefined) {
      const parentPath = this.d.session.pathOf(local.parentId);
      if (parentPath) return `${parentPath}/${local.name}`;
    }
    const path = k.startsWith("u:") ? this.d.session.pathOf(k.slice(2)) : undefined;
    if (!path) throw new KonnektError("notFound", "The item is no longer known; list its folder again.");
    return path;
  }

  private async remoteChild(folder: ItemRow, name: string, signal: AbortSignal): Promise<ItemRow | undefined> {
    const path = this.d.session.pathOf(folder.uniqueId);
    if (!path) return undefined;
    try {
      const e = await this.d.session.resolve(`${path}/${name}`, signal);
      return e.uniqueId ? this.d.session.item(e.uniqueId) : undefined;
    } catch (err) {
      if (err instanceof KonnektError && err.code === "notFound") return undefined;
      throw err;
    }
  }

  private itemOfEntry(e: Entry): Item {
    if (!e.uniqueId) return { key: `ns:${e.path}`, attr: this.dirAttr(0) };
    const key = this.firstKeys.get(`u:${e.uniqueId}`) ?? `u:${e.uniqueId}`;
    const local = this.byKey.get(key) ?? this.byKey.get(`u:${e.uniqueId}`);
    // A parked working copy is the item's replaced version, not what its SharePoint name shows.
    if (local && !this.parking.isParkedLocal(local)) return { key: local.key, attr: this.localAttr(local) };
    if (e.kind !== "file") return { key, attr: this.dirAttr(e.mtimeMs) };
    return { key, attr: this.fileAttr(e.uniqueId, e.etag, e.size, e.mtimeMs, e.ctimeMs) };
  }

  private fileAttr(uniqueId: string, etag: string | undefined, size: number, mtimeMs: number, ctimeMs: number): ItemAttributes {
    const own = this.ownVersions.get(uniqueId);
    if (own && own.etag === etag) return { kind: "file", size, mode: FILE_MODE, mtimeMs: own.mtimeMs, ctimeMs: own.ctimeMs };
    // Held by someone else (as last asked): read-only, as the write open would be refused. With
    // default_permissions the kernel then refuses write opens itself, so no open would ask again:
    // an answer older than the TTL is renewed in the background, and a release shows within a stat.
    const held = this.locks?.heldNow(uniqueId, etag);
    if (held === "stale") this.recheckHolder(uniqueId);
    return { kind: "file", size, mode: held ? HELD_FILE_MODE : FILE_MODE, mtimeMs, ctimeMs };
  }

  private recheckHolder(uniqueId: string): void {
    const row = this.d.session.item(uniqueId);
    const lib = row && this.locks ? this.d.session.libraryOfRow(row) : undefined;
    if (!row || !lib || !this.locks) return;
    this.locks.get(lib, uniqueId, row.etag, AbortSignal.timeout(LOCK_PROBE_TIMEOUT_MS)).catch(() => undefined);
  }

  private rowAttr(row: ItemRow): ItemAttributes {
    return row.isFolder ? this.dirAttr(row.mtimeMs) : this.fileAttr(row.uniqueId, row.etag, row.size, row.mtimeMs, row.ctimeMs);
  }

  private localAttr(f: LocalFile): ItemAttributes {
    return { kind: "file", size: f.size, mode: FILE_MODE, mtimeMs: f.mtimeMs, ctimeMs: f.ctimeMs };
  }

  private dirAttr(mtimeMs: number): ItemAttributes {
    return { kind: "directory", size: 0, mode: DIR_MODE, mtimeMs };
  }
}

function ftruncateSyncPath(path: string, size: number): void {
  const fd = openSync(path, "r+");
  try {
    ftruncateSync(fd, size);
  } finally {
    closeSync(fd);
  }
}
