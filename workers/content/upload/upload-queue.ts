/**
 * The upload queue: takes journalled writes to SharePoint, in the background, until each one landed.
 *
 * - Small files (≤ smallLimitBytes) go up in one request with `If-Match` on the ETag the edit was
 *   based on; larger ones through an upload session in fragments of FRAGMENT_UNIT multiples
 *   (Graph: "each fragment a multiple of 320 KiB"). The session URL is journalled before the first
 *   fragment and the acknowledged offset after each (progress shows at once after a restart), so
 *   after a restart the queue asks the session where to continue
 *   (`nextExpectedRanges`) and sends only what the service does not have; an expired session is
 *   replaced by a new one.
 * - 412 (the server's file moved on): both versions are kept — the entry is re-addressed as a
 *   conflict copy (names.ts) and uploaded beside the server's file; event `conflict`. Unless the
 *   server's file has the staging file's content (same size and hash): then it is our own upload
 *   that committed just before a crash, and the entry is done. The same check runs when a
 *   journalled session is gone on resume, and once for a new file or conflict copy a previous run
 *   left (no If-Match would tell) — for a conflict copy also under the service's renames of its
 *   name (` 1`, ` 2`, …), as it went up with conflict behaviour `rename`.
 * - 423 (co-authoring lock / check-out): waits and retries with backoff; after lockRetryLimit
 *   attempts the edit is kept as a conflict copy instead.
 * - Everything else retries with backoff (shouldRetry decides the delay, Retry-After honoured) and
 *   stays visible in `status()` with its last error until it lands. Nothing is dropped.
 * - Write pressure (write-pressure.ts): `admitWrite` delays writers while pending bytes exceed a
 *   share of the budget, until uploads drain.
 *
 * Lifecycle (STYLE habit 6): `close(timeoutMs)` drains — returns when nothing is pending or the
 * timeout passes; `destroy()` stops at once, aborting requests in flight (their entries stay in
 * the journal for the next run). Both idempotent.
 *
 * Concurrency: main thread; `active` holds the ids being uploaded; entries of one target go one at
 * a time in commit order (journal.hasOlderForTarget). A rename or delete of a file waiting for
 * upload holds its entries (`hold`: not started), waits for one in flight (`settled`), then
 * re-addresses (`readdress`) or drops (`discard`) the rest.
 */
import { EventEmitter, setMaxListeners } from "node:events";
import * as fs from "node:fs";
import * as os from "node:os";
import { KonnektError, toKonnektError } from "../../errors.js";
import { DEFAULT_RETRY_POLICY, shouldRetry, type RetryPolicy } from "../../retry.js";
import { linkSignals } from "../signals.js";
import type { RemoteContent, UploadAddress, UploadedItem, UploadOptions, UploadTarget } from "../types.js";
import type { JournalEntry, UploadJournal } from "./journal.js";
import { conflictCopyName, isLocalOnlyName, MAX_SERVICE_RENAMES, serviceRename } from "./names.js";
import { quickXorOfFile } from "./quickxor.js";
import { DEFAULT_WRITE_BUDGET_BYTES, WriteGate, type WritePressureStats } from "./write-pressure.js";

/** Graph's fragment granularity: 320 KiB. */
export const FRAGMENT_UNIT = 327_680;
/** Default fragment: 32 × 320 KiB = 10 MiB, PnPjs' chunk size and well under Graph's 60 MiB cap. */
export const DEFAULT_FRAGMENT_BYTES = 32 * FRAGMENT_UNIT;
/** Graph's simple upload accepts up to 4 MB ("Upload small files"). */
export const DEFAULT_SMALL_LIMIT = 4 * 1024 * 1024;
/** Upper bound of the wait between attempts: a failed upload is retried at least this often. */
const MAX_BACKOFF_MS = 5 * 60_000;

export interface UploadQueueOptions {
  journal: UploadJournal;
  target: UploadTarget;
  /** Who saves, for conflict copy names (user short name, else the host). */
  who?: string;
  concurrency?: number;
  smallLimitBytes?: number;
  /** Fragment size; rounded down to a multiple of 327,680 bytes. */
  fragmentBytes?: number;
  /** 423 retries before the edit is kept as a conflict copy. */
  lockRetryLimit?: number;
  /** Backoff for failed attempts; the delay before attempt n is about baseDelayMs·2^(n-1). */
  retry?: RetryPolicy;
  /** Test hook: the clock used for conflict names. */
  now?: () => Date;
  /**
   * The budget pending uploads count against (the tenant's cache cap); writers are slowed while
   * pending bytes exceed WRITE_THROTTLE_SHARE of it. Default DEFAULT_WRITE_BUDGET_BYTES.
   */
  writeBudgetBytes?: number;
  /** The longest one writer is held back (DEFAULT_MAX_THROTTLE_MS). */
  writeThrottleMaxWaitMs?: number;
}

/** Files open for writing with changes not yet journalled (working copies written since the last close/fsync). */
export interface OpenWrites {
  files: number;
  /** Their working copies' sizes: what their close will journal. */
  bytes: number;
}

export interface QueueStatus {
  pending: number;
  bytes: number;
  active: number;
  /** Files open for writing with unsaved changes (not in `pending` until closed or fsynced). */
  openFiles: number;
  /** Bytes of those files: they count against the write budget like pending bytes. */
  openBytes: number;
  entries: Array<{ id: number; name: string; size: number; uploadedBytes: number; attempts: number; lastError?: string; nextAttemptAt: number }>;
  writePressure: WritePressureStats;
}

export interface UploadQueueEvents {
  /** `alreadyOnServer`: the service had this content already (a commit that landed before a crash). */
  uploaded: [{ id: number; item: UploadedItem; conflictCopy: boolean; alreadyOnServer: boolean }];
  conflict: [{ id: number; name: string; copyName: string; reason: "etag" | "locked" }];
  fragment: [{ id: number; start: number; end: number; total: number }];
  retry: [{ id: number; error: KonnektError; delayMs: number }];
  /** An attempt ended, whatever its outcome: the entry is no longer active. */
  settled: [{ id: number }];
}

export class UploadQueue extends EventEmitter<UploadQueueEvents> {
  private readonly journal: UploadJournal;
  private readonly target: UploadTarget;
  private readonly who: string;
  private readonly concurrency: number;
  private readonly smallLimit: number;
  private readonly fragmentBytes: number;
  private readonly lockRetryLimit: number;
  private readonly retry: RetryPolicy;
  private readonly now: () => Date;
  private readonly active = new Map<number, AbortController>();
  private readonly stop = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  private idleWaiters: Array<() => void> = [];
  private state: "idle" | "running" | "closing" | "stopped" = "idle";
  private readonly onCommitted = (): void => this.pump();
  /** Bytes the service acknowledged of chunked uploads (entry id → next expected offset). */
  private readonly acked = new Map<number, number>();
  /** QuickXorHash of staging files already computed (entry id → hash); staging files never change. */
  private readonly stagingHashes = new Map<number, string>();
  private readonly gate: WriteGate;
  /**
   * Entries a previous run left (ids up to this one) whose upload may have committed before that
   * run ended. Those without If-Match or a session to tell us (new files, conflict copies) are
   * compared with the server once before their bytes are sent again.
   */
  private readonly leftoverMaxId: number;
  private readonly leftoverChecked = new Set<number>();
  private openWrites: () => OpenWrites = () => ({ files: 0, bytes: 0 });
  /** Entries not to start (id → holders): their file is being renamed or deleted. */
  private readonly held = new Map<number, number>();

  constructor(opts: UploadQueueOptions) {
    super();
    this.journal = opts.journal;
    this.target = opts.target;
    this.who = opts.who ?? os.hostname();
    this.concurrency = Math.max(1, opts.concurrency ?? 2);
    this.smallLimit = opts.smallLimitBytes ?? DEFAULT_SMALL_LIMIT;
    this.fragmentBytes = Math.max(FRAGMENT_UNIT, Math.floor((opts.fragmentBytes ?? DEFAULT_FRAGMENT_BYTES) / FRAGMENT_UNIT) * FRAGMENT_UNIT);
    this.lockRetryLimit = opts.lockRetryLimit ?? 10;
    this.retry = opts.retry ?? { ...DEFAULT_RETRY_POLICY, maxAttempts: Number.MAX_SAFE_INTEGER, maxDelayMs: MAX_BACKOFF_MS };
    this.now = opts.now ?? (() => new Date());
    setMaxListeners(0, this.stop.signal);
    const left = this.journal.pending();
    this.leftoverMaxId = left.at(-1)?.id ?? 0;
    // Progress a previous run journalled: shown until the session itself is asked.
    for (const e of left) if (e.uploadUrl !== undefined && e.ackedBytes > 0) this.acked.set(e.id, e.ackedBytes);
    this.gate = new WriteGate({
      budgetBytes: opts.writeBudgetBytes ?? DEFAULT_WRITE_BUDGET_BYTES,
      // Working copies being written will be journalled on close: they occupy the budget already.
      pendingBytes: () => this.journal.pendingBytes() + this.openWrites().bytes,
      draining: () => this.active.size > 0,
      ...(opts.writeThrottleMaxWaitMs !== undefined ? { maxWaitMs: opts.writeThrottleMaxWaitMs } : {}),
    });
  }

  /**
   * Admission of a writer about to add `bytes` (a write into a working copy, or a commit): resolves
   * at once unless pending uploads exceed the write-pressure threshold, then when they drained below
   * it. Never fails because of pressure; rejects with `cancelled` only when `signal` aborts.
   */
  admitWrite(bytes: number, signal?: AbortSignal): Promise<void> {
    return this.gate.admit(bytes, signal);
  }

  /**
   * The write path's files open with unsaved changes (TenantFileSystem): counted in write pressure
   * and shown in `status()`. Asked on every admission, so it must be cheap.
   */
  trackOpenWrites(source: () => OpenWrites): void {
    this.openWrites = source;
  }

  /** Open unsaved bytes went down (a file truncated or deleted while open): let waiting writers on if they fit now. */
  recheckWritePressure(): void {
    this.gate.recheck();
  }

  /**
   * Keeps entries from starting until the returned release is called (once): a rename or delete
   * of their file re-addresses or drops them, and must not race an upload of the old address.
   * An entry already active is not stopped (wait for `settled`).
   */
  hold(ids: Iterable<number>): () => void {
    const list = [...ids];
    for (const id of list) this.held.set(id, (this.held.get(id) ?? 0) + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      for (const id of list) {
        const n = (this.held.get(id) ?? 1) - 1;
        if (n > 0) this.held.set(id, n);
        else this.held.delete(id);
      }
      this.pump();
    };
  }

  /**
   * Re-addresses entries that are not active (journal.readdress); returns the ids re-addressed.
   * Their upload sessions, opened for the old address, are cancelled.
   */
  readdress(ids: readonly number[], to: UploadAddress, rebase?: { from: string | undefined; to: string }): number[] {
    const idle = ids.filter((id) => !this.active.has(id));
    this.dropSessions(idle, false);
    const done = this.journal.readdress(idle, to, rebase);
    this.pump();
    return done;
  }

  /** Drops entries that are not active (their file is gone); returns the ids dropped. */
  discard(ids: readonly number[]): number[] {
    const idle = ids.filter((id) => !this.active.has(id));
    this.dropSessions(idle, true);
    const done = this.journal.discard(idle);
    for (const id of done) {
      this.stagingHashes.delete(id);
      this.leftoverChecked.delete(id);
    }
    this.pump();
    this.gate.recheck();
    return done;
  }

  /** Cancels the upload sessions of entries about to change address (not conflict copies) or be dropped (all). */
  private dropSessions(ids: readonly number[], conflictCopies: boolean): void {
    for (const id of ids) {
      const e = this.journal.get(id);
      if (!e || (e.conflictName !== undefined && !conflictCopies)) continue;
      if (e.uploadUrl !== undefined) void this.target.cancelSession(e.uploadUrl, AbortSignal.timeout(10_000)).catch(() => undefined);
      this.acked.delete(id);
    }
  }

  /** Whether an entry is being uploaded right now. */
  isActive(id: number): boolean {
    return this.active.has(id);
  }

  /**
   * Bytes of an entry the service has acknowledged (chunked uploads; 0 for single PUTs). After a
   * restart, the offset the previous run journalled until the session is asked again.
   */
  uploadedBytes(id: number): number {
    return this.acked.get(id) ?? 0;
  }

  /** Starts uploading what the journal holds (also what a previous run left) and what gets committed. */
  start(): void {
    if (this.state !== "idle") return;
    this.state = "running";
    this.journal.on("committed", this.onCommitted);
    this.pump();
  }

  status(): QueueStatus {
    const entries = this.journal.pending();
    const open = this.openWrites();
    return {
      pending: entries.length,
      bytes: entries.reduce((n, e) => n + e.size, 0),
      active: this.active.size,
      openFiles: open.files,
      openBytes: open.bytes,
      entries: entries.map((e) => ({
        id: e.id,
        name: e.name,
        size: e.size,
        uploadedBytes: this.uploadedBytes(e.id),
        attempts: e.attempts,
        ...(e.lastError !== undefined ? { lastError: e.lastError } : {}),
        nextAttemptAt: e.nextAttemptAt,
      })),
      writePressure: this.gate.stats(),
    };
  }

  /** Resolves when nothing is pending ("all uploads done", for logoff scripts). */
  waitIdle(signal: AbortSignal): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const onAbort = (): void => {
        this.idleWaiters = this.idleWaiters.filter((w) => w !== done);
        reject(new KonnektError("cancelled", "Stopped waiting for uploads."));
      };
      const done = (): void => {
        signal.removeEventListener("abort", onAbort);
        resolve();
      };
      if (signal.aborted) {
        onAbort();
        return;
      }
      signal.addEventListener("abort", onAbort, { once: true });
      this.idleWaiters.push(done);
    });
  }

  /** Drains: resolves when everything pending landed, or after `timeoutMs` (then stops). Idempotent. */
  async close(timeoutMs = 30_000): Promise<void> {
    if (this.state === "stopped") return;
    if (this.state === "idle") this.start();
    this.state = "closing";
    try {
      await this.waitIdle(AbortSignal.timeout(timeoutMs));
    } catch {
      // Timed out: what is left stays journalled for the next run.
    }
    await this.destroy();
  }

  /** Stops at once; uploads in flight are aborted and stay journalled. Idempotent. */
  async destroy(): Promise<void> {
    if (this.state === "stopped") return;
    this.state = "stopped";
    this.journal.off("committed", this.onCommitted);
    if (this.timer) clearTimeout(this.timer);
    this.stop.abort();
    this.gate.releaseAll();
    const running = [...this.active.values()];
    for (const ac of running) ac.abort();
    while (this.active.size > 0) await new Promise((r) => setImmediate(r));
  }

  private isIdle(): boolean {
    return this.journal.pending().length === 0;
  }

  private pump(): void {
    if (this.state !== "running" && this.state !== "closing") return;
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    const entries = this.journal.pending();
    if (entries.length === 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const w of waiters) w();
      return;
    }
    const now = Date.now();
    const busyTargets = new Set<string>();
    for (const e of entries) if (this.active.has(e.id)) busyTargets.add(`${e.parentKey}\n${e.originalName}`);
    let earliest = Infinity;
    for (const e of entries) {
      if (this.active.size >= this.concurrency) break;
      if (this.active.has(e.id)) continue;
      const key = `${e.parentKey}\n${e.originalName}`;
      if (busyTargets.has(key)) continue;
      busyTargets.add(key); // older entries of a target go first, one at a time
      if (this.held.has(e.id)) continue;
      if (e.nextAttemptAt > now) {
        earliest = Math.min(earliest, e.nextAttemptAt);
        continue;
      }
      this.launch(e);
    }
    if (earliest < Infinity && this.active.size < this.concurrency) {
      this.timer = setTimeout(() => this.pump(), Math.max(0, earliest - Date.now()));
    }
  }

  private launch(entry: JournalEntry): void {
    const ac = new AbortController();
    this.active.set(entry.id, ac);
    const linked = linkSignals(ac.signal, this.stop.signal);
    void this.runEntry(entry, linked.signal)
      .catch(() => undefined)
      .finally(() => {
        linked.dispose();
        this.active.delete(entry.id);
        this.emit("settled", { id: entry.id });
        this.pump();
        this.gate.recheck();
      });
  }

  private async runEntry(entry: JournalEntry, signal: AbortSignal): Promise<void> {
    if (isLocalOnlyName(entry.name)) {
      // Only reachable with a journal written by an older version: such files never go up.
      this.forget(entry, { itemKey: "", name: entry.name, etag: "", size: entry.size });
      return;
    }
    try {
      const r = await this.upload(entry, signal);
      this.forget(entry, r.item);
      this.emit("uploaded", { id: entry.id, item: r.item, conflictCopy: entry.conflictName !== undefined, alreadyOnServer: r.alreadyOnServer });
    } catch (err) {
      if (signal.aborted) return;
      let e = toKonnektError(err);
      if (e.code === "conflict" && entry.conflictName === undefined) {
        // Our own upload may have committed just before a crash: then the server holds our bytes.
        let there: UploadedItem | undefined;
        try {
          there = await this.sameContentOnServer(entry, signal);
        } catch (checkErr) {
          if (signal.aborted) return;
          there = undefined;
          e = toKonnektError(checkErr);
        }
        if (there) {
          this.forget(entry, there);
          this.emit("uploaded", { id: entry.id, item: there, conflictCopy: false, alreadyOnServer: true });
          return;
        }
        // A failed check is retried like any failure; only a known difference makes a copy.
        if (e.code === "conflict") {
          this.toConflictCopy(entry, "etag");
          return;
        }
      }
      if (e.code === "locked" && entry.lockAttempts + 1 >= this.lockRetryLimit && entry.conflictName === undefined) {
        this.toConflictCopy(entry, "locked");
        return;
      }
      const decision = shouldRetry(
        e.code === "offline" || e.code === "timeout"
          ? { error: Object.assign(new Error(e.message), { code: "ECONNRESET" }) }
          : { status: e.code === "locked" ? 503 : typeof e.data.status === "number" ? e.data.status : 503, headers: e.data.retryAfterSeconds !== undefined ? { "retry-after": String(e.data.retryAfterSeconds) } : {} },
        1,
        { ...this.retry, maxAttempts: Number.MAX_SAFE_INTEGER },
      );
      // Past the first attempts, back off exponentially whatever the status said (a 400 does not fix itself fast).
      const backoff = Math.min(this.retry.maxDelayMs, this.retry.baseDelayMs * 2 ** Math.min(20, entry.attempts));
      const delayMs = decision.retry ? Math.max(decision.delayMs, e.data.retryAfterSeconds !== undefined ? 0 : backoff / 2) : backoff;
      this.journal.recordFailure(entry.id, `${e.code}: ${e.message}`, Date.now() + delayMs, e.code === "locked");
      this.emit("retry", { id: entry.id, error: e, delayMs });
    }
  }

  private toConflictCopy(entry: JournalEntry, reason: "etag" | "locked"): void {
    const copyName = conflictCopyName(entry.originalName, this.who, this.now());
    if (entry.uploadUrl) void this.target.cancelSession(entry.uploadUrl, AbortSignal.timeout(10_000)).catch(() => undefined);
    this.acked.delete(entry.id);
    this.journal.markConflict(entry.id, copyName);
    this.emit("conflict", { id: entry.id, name: entry.originalName, copyName, reason });
  }

  private forget(entry: JournalEntry, item: UploadedItem): void {
    this.journal.complete(entry, item);
    this.acked.delete(entry.id);
    this.stagingHashes.delete(entry.id);
    this.leftoverChecked.delete(entry.id);
  }

  /**
   * The server's item at the entry's address when it holds exactly the staging file's bytes (size
   * and a content hash agree), else undefined. Undefined too when the target cannot tell (no
   * `remoteContent`, no hash it can compare): then the caller keeps both versions, the safe side.
   *
   * A conflict copy goes up with conflict behaviour `rename`, so the service stored it under
   * `<stem> 1<ext>`, `<stem> 2<ext>`, … when its name was taken: those are looked at too. The
   * service takes the first free name, so the search ends at the first of them nobody holds.
   */
  private async sameContentOnServer(entry: JournalEntry, signal: AbortSignal): Promise<UploadedItem | undefined> {
    const remoteContent = this.target.remoteContent?.bind(this.target);
    if (!remoteContent) return undefined;
    if (entry.conflictName === undefined) {
      const addr: UploadAddress = { parentKey: entry.parentKey, name: entry.originalName, ...(entry.itemKey !== undefined ? { itemKey: entry.itemKey } : {}) };
      return this.holdsStaging(entry, await remoteContent(addr, signal), signal);
    }
    for (let n = 0; n <= MAX_SERVICE_RENAMES; n++) {
      const name = n === 0 ? entry.conflictName : serviceRename(entry.conflictName, n);
      const remote = await remoteContent({ parentKey: entry.parentKey, name }, signal);
      // The journalled name free now does not prove the copy is not at ` 1`: it may have been
      // deleted since the service renamed around it. One look further settles that case.
      if (!remote && n > 0) return undefined;
      const same = await this.holdsStaging(entry, remote, signal);
      if (same) return same;
    }
    return undefined;
  }

  /** `remote` when it has the staging file's size and content hash. */
  private async holdsStaging(entry: JournalEntry, remote: RemoteContent | undefined, signal: AbortSignal): Promise<UploadedItem | undefined> {
    if (!remote || remote.item.size !== entry.size) return undefined;
    if (remote.hashes.sha256Hash !== undefined) return remote.hashes.sha256Hash.toLowerCase() === entry.sha256 ? remote.item : undefined;
    if (remote.hashes.quickXorHash !== undefined) {
      let local = this.stagingHashes.get(entry.id);
      if (local === undefined) {
        local = await quickXorOfFile(entry.stagingPath, signal);
        this.stagingHashes.set(entry.id, local);
      }
      return local === remote.hashes.quickXorHash ? remote.item : undefined;
    }
    return undefined;
  }

  /** The service has bytes up to `offset` of the entry's session: shown, and journalled for a restart. */
  private acknowledge(id: number, offset: number): void {
    if (this.acked.get(id) === offset) return;
    this.acked.set(id, offset);
    this.journal.setAckedBytes(id, offset);
  }

  private async upload(entry: JournalEntry, signal: AbortSignal): Promise<{ item: UploadedItem; alreadyOnServer: boolean }> {
    const addr: UploadAddress = { parentKey: entry.parentKey, name: entry.name, ...(entry.itemKey !== undefined ? { itemKey: entry.itemKey } : {}) };
    const opts: UploadOptions = {
      onNameConflict: entry.conflictName !== undefined ? "rename" : "replace",
      ...(entry.baseEtag !== undefined ? { ifMatch: entry.baseEtag } : {}),
    };
    if (entry.id <= this.leftoverMaxId && entry.baseEtag === undefined && entry.uploadUrl === undefined && !this.leftoverChecked.has(entry.id)) {
      const there = await this.sameContentOnServer(entry, signal);
      this.leftoverChecked.add(entry.id);
      if (there) return { item: there, alreadyOnServer: true };
    }
    if (entry.size <= this.smallLimit && entry.uploadUrl === undefined) {
      const body = fs.readFileSync(entry.stagingPath);
      return { item: await this.target.putSmall(addr, body, opts, signal), alreadyOnServer: false };
    }
    let url = entry.uploadUrl;
    let offset = 0;
    if (url !== undefined) {
      const st = await this.target.sessionStatus(url, signal);
      if (st === undefined) {
        // Expired, or completed just before a crash: in the second case the bytes are there.
        const there = await this.sameContentOnServer(entry, signal);
        if (there) return { item: there, alreadyOnServer: true };
        url = undefined;
      } else {
        offset = st.nextExpected;
        this.acknowledge(entry.id, offset);
      }
    }
    if (url === undefined) {
      url = (await this.target.createSession(addr, entry.size, opts, signal)).uploadUrl;
      // Journalled before any fragment: a restart resumes this session instead of starting over.
      this.journal.setUploadUrl(entry.id, url);
      offset = 0;
      this.acked.set(entry.id, 0);
    }
    const fd = fs.openSync(entry.stagingPath, "r");
    try {
      for (let guard = 0; guard < 1_000_000; guard++) {
        const len = Math.min(this.fragmentBytes, entry.size - offset);
        const buf = Buffer.allocUnsafe(len);
        let got = 0;
        while (got < len) {
          const n = fs.readSync(fd, buf, got, len - got, offset + got);
          if (n === 0) throw new KonnektError("internal", "A staging file is shorter than its journal entry.");
          got += n;
        }
        let res;
        try {
          res = await this.target.putFragment(url, offset, buf, entry.size, signal);
        } catch (err) {
          const e = toKonnektError(err);
          // 416: the service already has this range (e.g. the answer to our last fragment was lost).
          if (e.code === "invalidArgument" && typeof e.data.nextExpected === "number") {
            offset = e.data.nextExpected;
            this.acknowledge(entry.id, offset);
            continue;
          }
          throw e;
        }
        if (!res.done) this.acknowledge(entry.id, res.nextExpected);
        this.emit("fragment", { id: entry.id, start: offset, end: offset + len, total: entry.size });
        if (res.done) return { item: res.item, alreadyOnServer: false };
        offset = res.nextExpected;
      }
      throw new KonnektError("internal", "An upload session did not complete.");
    } finally {
      fs.closeSync(fd);
    }
  }
}
