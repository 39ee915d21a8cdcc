/**
 * The write journal: every write an application was told succeeded, until SharePoint has it.
 *
 * Location: `$XDG_STATE_HOME/konnekt/<tenant>/journal.db` and `…/staging/`, never the cache dir
 * (a cache may be wiped; this may not).
 *
 * Durability order (the commit point is the row):
 *   1. the content is written to `staging/<uuid>.part`, fsync'ed, renamed to `<uuid>.bin`, and the
 *      directory fsync'ed;
 *   2. the row is inserted (SQLite WAL, synchronous=FULL: the insert is on disk when it returns);
 *   3. only then does `commit` return, and the close/fsync of the application may be answered.
 * A crash before 2 leaves an orphan staging file that `open` deletes; after 2 the upload queue
 * finishes the entry, whenever the worker next runs.
 *
 * Order per target: entries of one (parentKey, name) upload in commit order; when one lands, later
 * entries based on the same ETag are rebased onto the ETag it produced (they are successive saves of
 * one edit, not a conflict).
 *
 * Concurrency: main thread only (better-sqlite3 is synchronous); the queue is the only writer of
 * progress columns.
 */
import { createHash, randomUUID } from "node:crypto";
import { EventEmitter } from "node:events";
import * as fs from "node:fs";
import * as path from "node:path";
import Database from "better-sqlite3";
import { KonnektError } from "../../errors.js";
import type { UploadAddress, UploadedItem } from "../types.js";
import { isLocalOnlyName } from "./names.js";

export interface JournalEntry {
  id: number;
  parentKey: string;
  name: string;
  itemKey: string | undefined;
  baseEtag: string | undefined;
  stagingPath: string;
  size: number;
  sha256: string;
  /** Set once a 412 turned this entry into a conflict copy: the name the copy is uploaded as. */
  conflictName: string | undefined;
  /** The name the user saved (kept for events after a conflict renamed the upload). */
  originalName: string;
  uploadUrl: string | undefined;
  /**
   * The offset the service last acknowledged of this entry's upload session (0 without one):
   * journalled per acknowledged fragment, so progress shows right after a restart.
   */
  ackedBytes: number;
  attempts: number;
  lockAttempts: number;
  lastError: string | undefined;
  nextAttemptAt: number;
  createdAt: number;
}

interface Row {
  id: number;
  parent_key: string;
  name: string;
  item_key: string | null;
  base_etag: string | null;
  staging: string;
  size: number;
  sha256: string;
  conflict_name: string | null;
  upload_url: string | null;
  acked_bytes: number;
  attempts: number;
  lock_attempts: number;
  last_error: string | null;
  next_attempt_at: number;
  created_at: number;
}

function toEntry(r: Row, stagingDir: string): JournalEntry {
  return {
    id: r.id,
    parentKey: r.parent_key,
    name: r.conflict_name ?? r.name,
    originalName: r.name,
    itemKey: r.item_key ?? undefined,
    baseEtag: r.base_etag ?? undefined,
    stagingPath: path.join(stagingDir, r.staging),
    size: r.size,
    sha256: r.sha256,
    conflictName: r.conflict_name ?? undefined,
    uploadUrl: r.upload_url ?? undefined,
    ackedBytes: r.acked_bytes,
    attempts: r.attempts,
    lockAttempts: r.lock_attempts,
    lastError: r.last_error ?? undefined,
    nextAttemptAt: r.next_attempt_at,
    createdAt: r.created_at,
  };
}

export type CommitResult = { localOnly: true } | { localOnly: false; id: number; sha256: string; size: number };

export interface UploadJournalOptions {
  /** `$XDG_STATE_HOME/konnekt/<tenant>` */
  stateDir: string;
}

function fsyncDir(dir: string): void {
  const fd = fs.openSync(dir, "r");
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/** Emits `committed` (id) after each durable commit. */
export class UploadJournal extends EventEmitter {
  readonly stagingDir: string;
  private readonly db: Database.Database;
  private closed = false;
  /** Sum of the sizes of pending entries, kept in memory: writers ask it on every admission. */
  private pendingSize = 0;

  static open(opts: UploadJournalOptions): UploadJournal {
    return new UploadJournal(opts);
  }

  private constructor(opts: UploadJournalOptions) {
    super();
    fs.mkdirSync(opts.stateDir, { recursive: true, mode: 0o700 });
    this.stagingDir = path.join(opts.stateDir, "staging");
    fs.mkdirSync(this.stagingDir, { recursive: true, mode: 0o700 });
    this.db = new Database(path.join(opts.stateDir, "journal.db"));
    this.db.pragma("journal_mode = WAL");
    // FULL: a committed row survives power loss, not just a process crash.
    this.db.pragma("synchronous = FULL");
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS uploads (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        parent_key TEXT NOT NULL, name TEXT NOT NULL, item_key TEXT, base_etag TEXT,
        staging TEXT NOT NULL, size INTEGER NOT NULL, sha256 TEXT NOT NULL,
        conflict_name TEXT, upload_url TEXT,
        attempts INTEGER NOT NULL DEFAULT 0, lock_attempts INTEGER NOT NULL DEFAULT 0,
        last_error TEXT, next_attempt_at INTEGER NOT NULL DEFAULT 0, created_at INTEGER NOT NULL);
      CREATE INDEX IF NOT EXISTS uploads_target ON uploads (parent_key, name, id);
    `);
    this.migrate();
    this.removeOrphans();
    this.pendingSize = (this.db.prepare("SELECT COALESCE(SUM(size), 0) AS n FROM uploads").get() as { n: number }).n;
  }

  /**
   * Columns added since the first version, added to a journal an older version wrote (its pending
   * rows must survive an update). Every database goes through here, so the path is always used.
   */
  private migrate(): void {
    const columns = new Set((this.db.prepare("PRAGMA table_info(uploads)").all() as Array<{ name: string }>).map((c) => c.name));
    if (!columns.has("acked_bytes")) this.db.exec("ALTER TABLE uploads ADD COLUMN acked_bytes INTEGER NOT NULL DEFAULT 0");
  }

  /** Staging files without a row were never acknowledged: nobody was promised them. */
  private removeOrphans(): void {
    const known = new Set((this.db.prepare("SELECT staging FROM uploads").all() as Array<{ staging: string }>).map((r) => r.staging));
    for (const f of fs.readdirSync(this.stagingDir)) {
      if (!known.has(f)) fs.rmSync(path.join(this.stagingDir, f), { force: true });
    }
  }

  /**
   * Journals new content for `addr`, based on `baseEtag` (the ETag the edit started from; undefined
   * for a new file). Returns once the entry is durable. Local-only names are not journalled.
   */
  commitBytes(addr: UploadAddress, baseEtag: string | undefined, bytes: Buffer): CommitResult {
    if (isLocalOnlyName(addr.name)) return { localOnly: true };
    const { name, tmp, final } = this.stagingNames();
    const fd = fs.openSync(tmp, "wx", 0o600);
    try {
      let off = 0;
      while (off < bytes.length) off += fs.writeSync(fd, bytes, off, bytes.length - off);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    const sha256 = createHash("sha256").update(bytes).digest("hex");
    return this.finishCommit(addr, baseEtag, name, tmp, final, bytes.length, sha256);
  }

  /** Like commitBytes, from a file (the mount's write copy); the file is copied, not moved. */
  commitFile(addr: UploadAddress, baseEtag: string | undefined, source: string): CommitResult {
    if (isLocalOnlyName(addr.name)) return { localOnly: true };
    const { name, tmp, final } = this.stagingNames();
    const hash = createHash("sha256");
    const buf = Buffer.allocUnsafe(1024 * 1024);
    const src = fs.openSync(source, "r");
    const dst = fs.openSync(tmp, "wx", 0o600);
    let size = 0;
    try {
      for (;;) {
        const n = fs.readSync(src, buf, 0, buf.length, size);
        if (n === 0) break;
        let off = 0;
        while (off < n) off += fs.writeSync(dst, buf, off, n - off, size + off);
        hash.update(buf.subarray(0, n));
        size += n;
      }
      fs.fsyncSync(dst);
    } finally {
      fs.closeSync(src);
      fs.closeSync(dst);
    }
    return this.finishCommit(addr, baseEtag, name, tmp, final, size, hash.digest("hex"));
  }

  private stagingNames(): { name: string; tmp: string; final: string } {
    if (this.closed) throw new KonnektError("cancelled", "The upload journal is closed.");
    const name = `${randomUUID()}.bin`;
    return { name, tmp: path.join(this.stagingDir, `${name}.part`), final: path.join(this.stagingDir, name) };
  }

  private finishCommit(addr: UploadAddress, baseEtag: string | undefined, name: string, tmp: string, final: string, size: number, sha256: string): CommitResult {
    fs.renameSync(tmp, final);
    fsyncDir(this.stagingDir);
    const info = this.db
      .prepare("INSERT INTO uploads (parent_key, name, item_key, base_etag, staging, size, sha256, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
      .run(addr.parentKey, addr.name, addr.itemKey ?? null, baseEtag ?? null, name, size, sha256, Date.now());
    const id = Number(info.lastInsertRowid);
    this.pendingSize += size;
    this.emit("committed", id);
    return { localOnly: false, id, sha256, size };
  }

  /** Bytes journalled and not yet uploaded (the staging area's use). */
  pendingBytes(): number {
    return this.pendingSize;
  }

  /** All pending entries, oldest first. */
  pending(): JournalEntry[] {
    return (this.db.prepare("SELECT * FROM uploads ORDER BY id").all() as Row[]).map((r) => toEntry(r, this.stagingDir));
  }

  get(id: number): JournalEntry | undefined {
    const r = this.db.prepare("SELECT * FROM uploads WHERE id = ?").get(id) as Row | undefined;
    return r ? toEntry(r, this.stagingDir) : undefined;
  }

  /** Whether an older entry for the same target is still pending (it must land first). */
  hasOlderForTarget(entry: JournalEntry): boolean {
    return this.db.prepare("SELECT 1 FROM uploads WHERE parent_key = ? AND name = ? AND id < ? LIMIT 1").get(entry.parentKey, entry.originalName, entry.id) !== undefined;
  }

  /** A new (or no) upload session: nothing of it is acknowledged yet. */
  setUploadUrl(id: number, url: string | undefined): void {
    this.db.prepare("UPDATE uploads SET upload_url = ?, acked_bytes = 0 WHERE id = ?").run(url ?? null, id);
  }

  /** The offset the service acknowledged of the entry's session (once per acknowledged fragment). */
  setAckedBytes(id: number, offset: number): void {
    this.db.prepare("UPDATE uploads SET acked_bytes = ? WHERE id = ?").run(offset, id);
  }

  /** Records a failed attempt and when to try again. */
  recordFailure(id: number, message: string, nextAttemptAt: number, lock: boolean): void {
    this.db
      .prepare(`UPDATE uploads SET attempts = attempts + 1, ${lock ? "lock_attempts = lock_attempts + 1," : ""} last_error = ?, next_attempt_at = ? WHERE id = ?`)
      .run(message, nextAttemptAt, id);
  }

  /** A 412: from now on this entry uploads as a conflict copy beside the server's version. */
  markConflict(id: number, conflictName: string): void {
    this.db.prepare("UPDATE uploads SET conflict_name = ?, item_key = NULL, base_etag = NULL, upload_url = NULL, acked_bytes = 0, next_attempt_at = 0 WHERE id = ?").run(conflictName, id);
  }

  /**
   * A rename of a file whose saves have not landed: its entries upload to `to` instead (parent,
   * name and, when given, the item they edit). `rebase` moves the base ETag of the entries based
   * on `from` (undefined: a new file's entries) to `to`: a rename does not change content, and a
   * file renamed over an existing item becomes an edit of it. Any upload session is dropped (it
   * was opened for the old address); conflict copies keep theirs. Returns the ids re-addressed.
   */
  readdress(ids: readonly number[], to: UploadAddress, rebase?: { from: string | undefined; to: string }): number[] {
    const done: number[] = [];
    const move = this.db.prepare("UPDATE uploads SET parent_key = ?, name = ?, item_key = COALESCE(?, item_key), upload_url = NULL, acked_bytes = 0 WHERE id = ? AND conflict_name IS NULL");
    const base = this.db.prepare("UPDATE uploads SET base_etag = ? WHERE id = ? AND base_etag IS ?");
    this.db.transaction(() => {
      for (const id of ids) {
        if (move.run(to.parentKey, to.name, to.itemKey ?? null, id).changes === 0) continue;
        if (rebase) base.run(rebase.to, id, rebase.from ?? null);
        done.push(id);
      }
    })();
    return done;
  }

  /** Entries nobody needs any more (their file was deleted, or replaced before they landed). Returns the ids dropped. */
  discard(ids: readonly number[]): number[] {
    const done: number[] = [];
    const gone: string[] = [];
    this.db.transaction(() => {
      for (const id of ids) {
        const r = this.db.prepare("DELETE FROM uploads WHERE id = ? RETURNING staging, size").get(id) as { staging: string; size: number } | undefined;
        if (!r) continue;
        this.pendingSize -= r.size;
        gone.push(r.staging);
        done.push(id);
      }
    })();
    for (const f of gone) fs.rmSync(path.join(this.stagingDir, f), { force: true });
    return done;
  }

  /** The entry landed: forget it, and rebase later saves of the same edit onto the new ETag. */
  complete(entry: JournalEntry, item: UploadedItem): void {
    const tx = this.db.transaction(() => {
      if (this.db.prepare("DELETE FROM uploads WHERE id = ?").run(entry.id).changes > 0) this.pendingSize -= entry.size;
      if (entry.conflictName === undefined) {
        this.db
          .prepare("UPDATE uploads SET base_etag = ?, item_key = ? WHERE parent_key = ? AND name = ? AND id > ? AND conflict_name IS NULL AND base_etag IS ?")
          .run(item.etag, item.itemKey, entry.parentKey, entry.originalName, entry.id, entry.baseEtag ?? null);
      }
    });
    tx();
    fs.rmSync(entry.stagingPath, { force: true });
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.db.close();
  }
}
