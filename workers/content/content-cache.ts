/**
 * The bounded, crash-safe content cache of one tenant.
 *
 * Vocabulary
 * - item: a file, keyed by its UniqueId; its cached bytes belong to one ETag at a time.
 * - segment: the cache stores an item as sparse files of SEGMENT_BYTES each
 *   (`items/<uniqueId>/<etag-hash>-<n>.bin`, byte `o` of the item at `o - n·SEGMENT_BYTES`). A
 *   segment is the unit of eviction, so one large file being streamed can give back what the reader
 *   has left behind while the part it is reading stays. (Node has no hole punching, so a single
 *   sparse file per item could only be evicted whole.)
 * - ranges: which bytes of a segment are present (RangeSet), persisted in `index.db` (SQLite).
 *
 * Caching rules
 * - A new ETag for an item drops every byte cached for an older one (rows, files) and tells the mount
 *   layer (`onInvalidate`) so it can drop the kernel's page cache.
 * - Used bytes are the file-system blocks the ranges occupy (4 KiB blocks), not the sparse files'
 *   apparent sizes. Before a fetch lands, `reserve` evicts least-recently-used segments until the new
 *   bytes fit under the cap. Never evicted: segments in use (a reader or fetch holds them), segments
 *   of pinned items. When everything left is in use the cache overshoots (counted in stats) rather
 *   than failing the read.
 * - Crash safety: data first, index second. A dirty segment's ranges are snapshotted, the file is
 *   fdatasync'ed, then the snapshot is written to the index (`flush`, every FLUSH_INTERVAL_MS and on
 *   close). On open the index is validated against the files: rows without a file, ranges beyond a
 *   file's end and files without a row are dropped.
 *
 * Concurrency: single-threaded (the tenant worker's main thread) for all state here. Fetch threads
 * (piscina) only write bytes into fds this module handed out, while the segment is held in use; the
 * ranges are marked present by the main thread after the write finished.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import Database from "better-sqlite3";
import { KonnektError } from "../errors.js";
import { RangeSet, type ByteRange } from "./range-set.js";

/** 16 MiB segments: small enough to evict behind a streaming reader, few enough files for a 4 GiB item (256). */
export const SEGMENT_BYTES = 16 * 1024 * 1024;
/** Allocation unit the used-bytes figure rounds to (ext4/xfs default block). */
export const BLOCK_BYTES = 4096;
/** How often dirty ranges are made durable; a crash loses at most this much fetched (re-fetchable) data. */
export const FLUSH_INTERVAL_MS = 1000;

export interface ContentCacheOptions {
  /** `$XDG_CACHE_HOME/konnekt/<tenant>/content` */
  dir: string;
  /** Byte budget for cached content. */
  capBytes: number;
  /** Called when cached bytes of an item stop being valid (new ETag, invalidate, evict). */
  onInvalidate?: (uniqueId: string, reason: "etag" | "invalidate" | "evict") => void;
  /** Test hook: no periodic flush timer (flush explicitly). */
  manualFlush?: boolean;
  /** Segment size (a multiple of 1 MiB); SEGMENT_BYTES unless a test wants finer eviction. */
  segmentBytes?: number;
}

export interface CacheStats {
  capBytes: number;
  usedBytes: number;
  /** Largest `usedBytes` ever observed above the cap (0 when the cap always held). */
  maxOvershootBytes: number;
  hits: number;
  misses: number;
  evictions: number;
  items: number;
  pinned: number;
}

interface SegmentState {
  ranges: RangeSet;
  allocated: number;
  lastUse: number;
  inUse: number;
  fd: number | undefined;
  dirty: boolean;
}

interface ItemState {
  uniqueId: string;
  etag: string;
  size: number;
  segs: Map<number, SegmentState>;
  refs: number;
  /** Replaced by a newer ETag or invalidated: its bytes are no longer served nor persisted. */
  stale: boolean;
  /**
   * Why it went stale: `etag` — another ETag was acquired or a reader saw the ETag move (the version
   * changed); `invalidate` — dropped without knowing of a new version (a change notice, `clear`):
   * readers ask the service again and carry on when the ETag did not move.
   */
  staleReason?: "etag" | "invalidate";
  /** Chunk index → the fetch bringing it in, shared by every reader of this item at this ETag. */
  inflight: Map<number, Promise<void>>;
}

const SAFE_ID = /^[0-9A-Za-z_-]{1,80}$/;

function etagHash(etag: string): string {
  return createHash("sha256").update(etag).digest("hex").slice(0, 16);
}

function idDir(uniqueId: string): string {
  // Ids come from the service; anything not plainly safe as a file name is hashed.
  return SAFE_ID.test(uniqueId) ? uniqueId : `h-${createHash("sha256").update(uniqueId).digest("hex").slice(0, 32)}`;
}

export class ContentCache {
  readonly segmentBytes: number;
  private readonly dir: string;
  private readonly itemsDir: string;
  private readonly db: Database.Database;
  private readonly items = new Map<string, ItemState>();
  private readonly pins = new Set<string>();
  private readonly onInvalidate: ContentCacheOptions["onInvalidate"];
  private readonly timer: NodeJS.Timeout | undefined;
  private capBytes: number;
  private used = 0;
  private clock = 0;
  private closed = false;
  private flushing: Promise<void> | undefined;
  private readonly counters = { hits: 0, misses: 0, evictions: 0, maxOvershootBytes: 0 };
  private readonly stmt: {
    upsert: Database.Statement<[string, string, number, number, string, number]>;
    deleteItem: Database.Statement<[string]>;
    deleteSeg: Database.Statement<[string, number]>;
    pin: Database.Statement<[string]>;
    unpin: Database.Statement<[string]>;
  };

  static open(opts: ContentCacheOptions): ContentCache {
    return new ContentCache(opts);
  }

  private constructor(opts: ContentCacheOptions) {
    if (!(opts.capBytes > 0)) throw new KonnektError("configInvalid", "The content cache size cap must be positive.");
    this.segmentBytes = opts.segmentBytes ?? SEGMENT_BYTES;
    if (this.segmentBytes <= 0 || this.segmentBytes % (1024 * 1024) !== 0) throw new KonnektError("configInvalid", "The cache segment size must be a multiple of 1 MiB.");
    this.dir = opts.dir;
    this.capBytes = opts.capBytes;
    this.onInvalidate = opts.onInvalidate;
    this.itemsDir = path.join(this.dir, "items");
    fs.mkdirSync(this.itemsDir, { recursive: true, mode: 0o700 });
    this.db = new Database(path.join(this.dir, "index.db"));
    this.db.pragma("journal_mode = WAL");
    this.db.pragma("synchronous = NORMAL");
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS segments (
        unique_id TEXT NOT NULL, etag TEXT NOT NULL, seg INTEGER NOT NULL, size INTEGER NOT NULL,
        ranges TEXT NOT NULL, last_use INTEGER NOT NULL, PRIMARY KEY (unique_id, seg));
      CREATE TABLE IF NOT EXISTS pins (unique_id TEXT PRIMARY KEY);
    `);
    this.stmt = {
      upsert: this.db.prepare(
        "INSERT INTO segments (unique_id, etag, seg, size, ranges, last_use) VALUES (?, ?, ?, ?, ?, ?) " +
          "ON CONFLICT (unique_id, seg) DO UPDATE SET etag = excluded.etag, size = excluded.size, ranges = excluded.ranges, last_use = excluded.last_use",
      ),
      deleteItem: this.db.prepare("DELETE FROM segments WHERE unique_id = ?"),
      deleteSeg: this.db.prepare("DELETE FROM segments WHERE unique_id = ? AND seg = ?"),
      pin: this.db.prepare("INSERT OR IGNORE INTO pins (unique_id) VALUES (?)"),
      unpin: this.db.prepare("DELETE FROM pins WHERE unique_id = ?"),
    };
    this.load();
    if (!opts.manualFlush) {
      this.timer = setInterval(() => {
        this.flush().catch(() => undefined);
      }, FLUSH_INTERVAL_MS);
      this.timer.unref();
    }
  }

  /** Reads the index and keeps only what the files on disk back up. */
  private load(): void {
    for (const row of this.db.prepare("SELECT unique_id FROM pins").all() as Array<{ unique_id: string }>) this.pins.add(row.unique_id);
    const rows = this.db.prepare("SELECT unique_id, etag, seg, size, ranges, last_use FROM segments").all() as Array<{
      unique_id: string;
      etag: string;
      seg: number;
      size: number;
      ranges: string;
      last_use: number;
    }>;
    const keep = new Set<string>();
    const fix = this.db.transaction(() => {
      for (const row of rows) {
        let item = this.items.get(row.unique_id);
        if (item && item.etag !== row.etag) {
          // Two ETags for one item can only come from a torn invalidation: trust neither.
          this.stmt.deleteItem.run(row.unique_id);
          this.items.delete(row.unique_id);
          continue;
        }
        const file = this.segmentPath(row.unique_id, row.etag, row.seg);
        let st: fs.Stats | undefined;
        try {
          st = fs.statSync(file);
        } catch {
          st = undefined;
        }
        let ranges: RangeSet;
        try {
          ranges = RangeSet.fromJSON(JSON.parse(row.ranges));
        } catch {
          ranges = new RangeSet();
        }
        if (st) ranges.subtract(st.size, Number.MAX_SAFE_INTEGER);
        if (!st || ranges.isEmpty) {
          this.stmt.deleteSeg.run(row.unique_id, row.seg);
          continue;
        }
        if (!item) {
          item = { uniqueId: row.unique_id, etag: row.etag, size: row.size, segs: new Map(), refs: 0, stale: false, inflight: new Map() };
          this.items.set(row.unique_id, item);
        }
        const allocated = ranges.allocated(BLOCK_BYTES);
        item.segs.set(row.seg, { ranges, allocated, lastUse: row.last_use, inUse: 0, fd: undefined, dirty: false });
        this.used += allocated;
        this.clock = Math.max(this.clock, row.last_use);
        keep.add(file);
      }
    });
    fix();
    // Files without a row were written but never made durable in the index: their content is unknown.
    for (const idName of safeReaddir(this.itemsDir)) {
      const d = path.join(this.itemsDir, idName);
      for (const f of safeReaddir(d)) {
        const p = path.join(d, f);
        if (!keep.has(p)) fs.rmSync(p, { force: true });
      }
      if (safeReaddir(d).length === 0) fs.rmSync(d, { recursive: true, force: true });
    }
  }

  private segmentPath(uniqueId: string, etag: string, seg: number): string {
    return path.join(this.itemsDir, idDir(uniqueId), `${etagHash(etag)}-${seg}.bin`);
  }

  /**
   * Opens the cache entry of an item at a given ETag. A different ETag than the cached one drops the
   * old bytes first. The caller must `release()` the entry.
   */
  acquire(uniqueId: string, etag: string, size: number): CacheEntry {
    this.assertOpen();
    let item = this.items.get(uniqueId);
    if (item && item.etag !== etag) {
      this.dropItem(item, "etag");
      item = undefined;
    }
    if (!item) {
      item = { uniqueId, etag, size, segs: new Map(), refs: 0, stale: false, inflight: new Map() };
      this.items.set(uniqueId, item);
    }
    item.size = size;
    item.refs++;
    return new CacheEntry(this, item);
  }

  /**
   * Drops every cached byte of an item (the service told us it changed). With `currentEtag` (the
   * item's ETag as the caller now knows it), bytes cached at that very ETag are still the current
   * version and are kept. Open readers whose bytes were dropped ask the service again and go on
   * reading when the version did not move. Returns whether anything was dropped.
   */
  invalidate(uniqueId: string, currentEtag?: string): boolean {
    const item = this.items.get(uniqueId);
    if (!item || (currentEtag !== undefined && item.etag === currentEtag)) return false;
    this.dropItem(item, "invalidate");
    return true;
  }

  /**
   * Drops the cached bytes of every item (pinned ones only with `includePinned`, which also unpins
   * them); open readers refetch what they need. Returns what was dropped.
   */
  clear(includePinned: boolean): { files: number; bytes: number } {
    let files = 0;
    let bytes = 0;
    for (const item of [...this.items.values()]) {
      if (!includePinned && this.pins.has(item.uniqueId)) continue;
      let allocated = 0;
      for (const seg of item.segs.values()) allocated += seg.allocated;
      if (allocated > 0) files++;
      bytes += allocated;
      if (includePinned) this.unpin(item.uniqueId);
      this.dropItem(item, "invalidate");
    }
    return { files, bytes };
  }

  /** Bytes cached for pinned items. */
  pinnedBytes(): number {
    let n = 0;
    for (const id of this.pins) n += this.cachedBytes(id);
    return n;
  }

  /** Bytes cached for an item (0 when none). */
  cachedBytes(uniqueId: string): number {
    const item = this.items.get(uniqueId);
    let n = 0;
    for (const seg of item?.segs.values() ?? []) n += seg.allocated;
    return n;
  }

  /** The ETag whose bytes are cached for an item, if any. */
  cachedEtag(uniqueId: string): string | undefined {
    return this.items.get(uniqueId)?.etag;
  }

  pin(uniqueId: string): void {
    this.pins.add(uniqueId);
    this.stmt.pin.run(uniqueId);
  }

  unpin(uniqueId: string): void {
    this.pins.delete(uniqueId);
    this.stmt.unpin.run(uniqueId);
  }

  isPinned(uniqueId: string): boolean {
    return this.pins.has(uniqueId);
  }

  setCap(capBytes: number): void {
    if (!(capBytes > 0)) throw new KonnektError("configInvalid", "The content cache size cap must be positive.");
    this.capBytes = capBytes;
    this.evictUntil(this.capBytes);
  }

  /** The size cap in bytes (cheap, unlike stats()). */
  get cap(): number {
    return this.capBytes;
  }

  stats(): CacheStats {
    return {
      capBytes: this.capBytes,
      usedBytes: this.used,
      maxOvershootBytes: this.counters.maxOvershootBytes,
      hits: this.counters.hits,
      misses: this.counters.misses,
      evictions: this.counters.evictions,
      items: [...this.items.values()].filter((i) => i.segs.size > 0).length,
      pinned: this.pins.size,
    };
  }

  /** Makes every range fetched so far durable in the index (data fsync first). */
  async flush(): Promise<void> {
    if (this.flushing) await this.flushing;
    if (this.closed) return;
    const run = this.flushOnce();
    this.flushing = run;
    try {
      await run;
    } finally {
      if (this.flushing === run) this.flushing = undefined;
    }
  }

  private async flushOnce(): Promise<void> {
    const work: Array<{ item: ItemState; seg: number; state: SegmentState; snapshot: string; fd: number }> = [];
    for (const item of this.items.values()) {
      if (item.stale) continue;
      for (const [seg, state] of item.segs) {
        if (!state.dirty || state.fd === undefined) continue;
        state.dirty = false;
        state.inUse++; // keeps the fd open through the fsync
        work.push({ item, seg, state, snapshot: JSON.stringify(state.ranges.toJSON()), fd: state.fd });
      }
    }
    if (work.length === 0) return;
    const synced: typeof work = [];
    try {
      await Promise.all(
        work.map(
          (w) =>
            new Promise<void>((resolve) => {
              fs.fdatasync(w.fd, (err) => {
                if (err) w.state.dirty = true;
                else synced.push(w);
                resolve();
              });
            }),
        ),
      );
      if (this.closed) return;
      const write = this.db.transaction(() => {
        for (const w of synced) {
          if (w.item.stale || w.item.segs.get(w.seg) !== w.state) continue;
          this.stmt.upsert.run(w.item.uniqueId, w.item.etag, w.seg, w.item.size, w.snapshot, w.state.lastUse);
        }
      });
      write();
    } finally {
      for (const w of work) {
        w.state.inUse--;
        this.maybeCloseFd(w.item, w.state);
      }
    }
  }

  /** Flushes, closes every descriptor and the index. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    if (this.timer) clearInterval(this.timer);
    await this.flush();
    this.closed = true;
    for (const item of this.items.values()) {
      for (const s of item.segs.values()) {
        if (s.fd !== undefined) fs.closeSync(s.fd);
        s.fd = undefined;
      }
    }
    this.db.close();
  }

  // --- used by CacheEntry ---------------------------------------------------------------------

  /** @internal */
  recordLookup(hit: boolean): void {
    if (hit) this.counters.hits++;
    else this.counters.misses++;
  }

  /** @internal */
  segState(item: ItemState, seg: number, create: boolean): SegmentState | undefined {
    let s = item.segs.get(seg);
    if (!s && create) {
      s = { ranges: new RangeSet(), allocated: 0, lastUse: ++this.clock, inUse: 0, fd: undefined, dirty: false };
      item.segs.set(seg, s);
    }
    return s;
  }

  /** @internal */
  segFd(item: ItemState, seg: number, state: SegmentState): number {
    if (state.fd !== undefined) return state.fd;
    this.assertOpen();
    const p = this.segmentPath(item.uniqueId, item.etag, seg);
    fs.mkdirSync(path.dirname(p), { recursive: true, mode: 0o700 });
    state.fd = fs.openSync(p, fs.constants.O_RDWR | fs.constants.O_CREAT, 0o600);
    return state.fd;
  }

  /** @internal */
  touch(state: SegmentState): void {
    state.lastUse = ++this.clock;
  }

  /** @internal Evicts until `bytes` more fit under the cap. */
  reserve(bytes: number): void {
    this.evictUntil(this.capBytes - bytes);
  }

  /** @internal */
  markPresent(item: ItemState, seg: number, state: SegmentState, start: number, end: number): void {
    if (item.stale || this.closed) return;
    const before = state.allocated;
    state.ranges.add(start, end);
    state.allocated = state.ranges.allocated(BLOCK_BYTES);
    state.dirty = true;
    this.used += state.allocated - before;
    if (this.used > this.capBytes) {
      this.evictUntil(this.capBytes);
      this.counters.maxOvershootBytes = Math.max(this.counters.maxOvershootBytes, this.used - this.capBytes);
    }
  }

  /** @internal */
  releaseItem(item: ItemState): void {
    item.refs--;
    if (item.refs > 0) return;
    for (const s of item.segs.values()) this.maybeCloseFd(item, s);
    if (item.stale) this.closeAll(item);
  }

  /** @internal */
  dropStale(item: ItemState): void {
    if (!item.stale && this.items.get(item.uniqueId) === item) this.dropItem(item, "etag");
  }

  private maybeCloseFd(item: ItemState, s: SegmentState): void {
    // Descriptors stay open while the item is open or a flush still needs them.
    if (item.refs > 0 || s.inUse > 0 || s.dirty || s.fd === undefined) return;
    fs.closeSync(s.fd);
    s.fd = undefined;
  }

  private closeAll(item: ItemState): void {
    for (const s of item.segs.values()) {
      if (s.fd !== undefined && s.inUse === 0) {
        fs.closeSync(s.fd);
        s.fd = undefined;
      }
    }
  }

  private dropItem(item: ItemState, reason: "etag" | "invalidate"): void {
    item.stale = true;
    item.staleReason = reason;
    this.items.delete(item.uniqueId);
    for (const s of item.segs.values()) this.used -= s.allocated;
    this.stmt.deleteItem.run(item.uniqueId);
    // Open descriptors of readers still holding the old item stay valid after the unlink (POSIX).
    fs.rmSync(path.join(this.itemsDir, idDir(item.uniqueId)), { recursive: true, force: true });
    if (item.refs === 0) this.closeAll(item);
    this.onInvalidate?.(item.uniqueId, reason);
  }

  private evictUntil(limit: number): void {
    if (this.used <= limit) return;
    const candidates: Array<{ item: ItemState; seg: number; state: SegmentState }> = [];
    for (const item of this.items.values()) {
      if (this.pins.has(item.uniqueId)) continue;
      for (const [seg, state] of item.segs) if (state.inUse === 0 && state.allocated > 0) candidates.push({ item, seg, state });
    }
    candidates.sort((a, b) => a.state.lastUse - b.state.lastUse);
    const touched = new Set<ItemState>();
    for (const c of candidates) {
      if (this.used <= limit) break;
      this.used -= c.state.allocated;
      c.item.segs.delete(c.seg);
      if (c.state.fd !== undefined) fs.closeSync(c.state.fd);
      c.state.fd = undefined;
      this.stmt.deleteSeg.run(c.item.uniqueId, c.seg);
      fs.rmSync(this.segmentPath(c.item.uniqueId, c.item.etag, c.seg), { force: true });
      this.counters.evictions++;
      touched.add(c.item);
    }
    for (const item of touched) {
      this.onInvalidate?.(item.uniqueId, "evict");
      if (item.segs.size === 0 && item.refs === 0) {
        this.items.delete(item.uniqueId);
        fs.rmSync(path.join(this.itemsDir, idDir(item.uniqueId)), { recursive: true, force: true });
      }
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new KonnektError("cancelled", "The content cache is closed.");
  }
}

/** A slice of a cache file to hand to the kernel (`fuse_reply_data` with an fd buffer). */
export interface FdSlice {
  fd: number;
  /** Offset inside the cache file (not the item). */
  position: number;
  length: number;
  /** Must be called once the bytes were handed over; until then the segment cannot be evicted. */
  release(): void;
}

/** One reader's (or fetcher's) handle on an item's cached bytes at one ETag. */
export class CacheEntry {
  private released = false;

  private readonly segBytes: number;

  /** @internal */
  constructor(
    private readonly cache: ContentCache,
    private readonly item: ItemState,
  ) {
    this.segBytes = cache.segmentBytes;
  }

  get uniqueId(): string {
    return this.item.uniqueId;
  }

  get etag(): string {
    return this.item.etag;
  }

  get size(): number {
    return this.item.size;
  }

  /** Fetches in flight for this item, by chunk index: readers of one file share them. */
  get inflight(): Map<number, Promise<void>> {
    return this.item.inflight;
  }

  /** False once a newer ETag or an invalidation replaced these bytes. */
  get valid(): boolean {
    return !this.item.stale;
  }

  /**
   * Whether the version itself is known to have changed (`etag`), or the bytes were only dropped
   * (`invalidate`: the reader may ask the service and re-acquire at the same ETag). Undefined while valid.
   */
  get staleReason(): "etag" | "invalidate" | undefined {
    return this.item.stale ? (this.item.staleReason ?? "etag") : undefined;
  }

  /** True when all of [start, end) is cached. */
  has(start: number, end: number): boolean {
    if (this.item.stale) return false;
    for (const [seg, s, e] of splitBySegment(start, end, this.segBytes)) {
      const st = this.item.segs.get(seg);
      if (!st || !st.ranges.covers(s, e)) return false;
    }
    return true;
  }

  /** Where the cached run of bytes that starts at `start` ends (at most `limit`); `start` if none. */
  presentEnd(start: number, limit: number): number {
    if (this.item.stale) return start;
    const first = this.holes(start, limit)[0];
    return first ? first.start : limit;
  }

  /** Missing item byte ranges inside [start, end). */
  holes(start: number, end: number): ByteRange[] {
    const out: ByteRange[] = [];
    for (const [seg, s, e] of splitBySegment(start, end, this.segBytes)) {
      const base = seg * this.segBytes;
      const st = this.item.stale ? undefined : this.item.segs.get(seg);
      const hs = st ? st.ranges.holes(s, e) : [{ start: s, end: e }];
      for (const h of hs) {
        const last = out[out.length - 1];
        if (last && last.end === base + h.start) last.end = base + h.end;
        else out.push({ start: base + h.start, end: base + h.end });
      }
    }
    return out;
  }

  recordLookup(hit: boolean): void {
    this.cache.recordLookup(hit);
  }

  /**
   * Holds the segment that contains item bytes [start, end) (which must not cross a segment
   * boundary) for writing: evicts to make room, opens the file. Call `done(written)` afterwards with
   * the number of bytes written from `start`, which marks them present.
   */
  beginWrite(start: number, end: number): { fd: number; position: number; done: (written: number) => void } {
    if (this.item.stale) throw new KonnektError("conflict", "The cached version of this file was replaced.", { uniqueId: this.item.uniqueId });
    const seg = Math.floor(start / this.segBytes);
    if (Math.floor((end - 1) / this.segBytes) !== seg) throw new KonnektError("internal", "A cache write crosses a segment boundary.");
    const state = this.cache.segState(this.item, seg, true) as SegmentState;
    state.inUse++;
    this.cache.reserve(end - start);
    const fd = this.cache.segFd(this.item, seg, state);
    let finished = false;
    return {
      fd,
      position: start - seg * this.segBytes,
      done: (written: number) => {
        if (finished) return;
        finished = true;
        // Marked while still held, so the eviction this may trigger cannot pick the fresh bytes.
        if (written > 0) {
          this.cache.touch(state);
          this.cache.markPresent(this.item, seg, state, start - seg * this.segBytes, start - seg * this.segBytes + written);
        }
        state.inUse--;
      },
    };
  }

  /**
   * The cached bytes [start, end) as a descriptor slice, or undefined when they are not all cached or
   * cross a segment boundary (the caller then copies them with `readBytes`).
   */
  slice(start: number, end: number): FdSlice | undefined {
    if (this.item.stale) return undefined;
    const seg = Math.floor(start / this.segBytes);
    if (end > start && Math.floor((end - 1) / this.segBytes) !== seg) return undefined;
    const state = this.item.segs.get(seg);
    if (!state || !state.ranges.covers(start - seg * this.segBytes, end - seg * this.segBytes)) return undefined;
    state.inUse++;
    this.cache.touch(state);
    const fd = this.cache.segFd(this.item, seg, state);
    let released = false;
    return {
      fd,
      position: start - seg * this.segBytes,
      length: end - start,
      release: () => {
        if (released) return;
        released = true;
        state.inUse--;
      },
    };
  }

  /** Copies cached bytes [start, end) (all must be cached) into a new buffer. */
  readBytes(start: number, end: number): Buffer | undefined {
    const out = Buffer.allocUnsafe(end - start);
    for (const [seg, s, e] of splitBySegment(start, end, this.segBytes)) {
      const sl = this.slice(seg * this.segBytes + s, seg * this.segBytes + e);
      if (!sl) return undefined;
      try {
        let done = 0;
        while (done < sl.length) {
          const n = fs.readSync(sl.fd, out, seg * this.segBytes + s - start + done, sl.length - done, sl.position + done);
          if (n === 0) throw new KonnektError("internal", "A cache file is shorter than its index says.");
          done += n;
        }
      } finally {
        sl.release();
      }
    }
    return out;
  }

  /** Drops this item's cached bytes (a read found that the server's ETag moved). */
  invalidate(): void {
    this.cache.dropStale(this.item);
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    this.cache.releaseItem(this.item);
  }
}

/** Splits item bytes [start, end) into per-segment [seg, startInSeg, endInSeg). */
export function splitBySegment(start: number, end: number, segBytes: number): Array<[number, number, number]> {
  const out: Array<[number, number, number]> = [];
  let cursor = start;
  while (cursor < end) {
    const seg = Math.floor(cursor / segBytes);
    const segEnd = Math.min(end, (seg + 1) * segBytes);
    out.push([seg, cursor - seg * segBytes, segEnd - seg * segBytes]);
    cursor = segEnd;
  }
  return out;
}

function safeReaddir(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch {
    return [];
  }
}
