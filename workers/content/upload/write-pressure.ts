/**
 * Write pressure (KONNEKT's rule: under write pressure slow writers rather than fail them).
 *
 * Bytes journalled and not yet uploaded occupy the staging area, which counts against the tenant's
 * cache budget; so do the working copies of files open for writing with unsaved changes (their
 * close journals them), or one application writing one huge file would not be slowed until it
 * closed it. While they exceed WRITE_THROTTLE_SHARE of the budget, a writer's admission waits
 * until uploads drain below it — an awaitable delay, never an error. A writer is let through at
 * once when nothing is pending (one file larger than the threshold must not wait for itself), when
 * nothing is draining (offline, every entry waiting out a backoff: waiting would not help, and
 * writes must still queue offline), and at the latest after `maxWaitMs` (a safety valve: slow, not
 * hung).
 *
 * Concurrency: main thread; the upload queue calls `recheck()` whenever an upload attempt ends.
 */
import { KonnektError } from "../../errors.js";

/** Writers wait while pending upload bytes exceed this share of the budget. */
export const WRITE_THROTTLE_SHARE = 0.5;
/** The budget when the runtime gives none: the daemon's default cache size (cacheSizeMiB 10240). */
export const DEFAULT_WRITE_BUDGET_BYTES = 10 * 1024 * 1024 * 1024;
/** The longest one admission waits before the writer goes ahead anyway. */
export const DEFAULT_MAX_THROTTLE_MS = 60_000;

export interface WritePressureStats {
  /** Pending upload bytes above which writers wait. */
  thresholdBytes: number;
  /** What is compared with it now: bytes journalled and not uploaded, plus unsaved bytes of files open for writing. */
  pendingBytes: number;
  /** Writers waiting now. */
  waiting: number;
  /** Admissions that had to wait, since start. */
  writersThrottled: number;
  /** Admissions let through by the safety valve (maxWaitMs) rather than by draining. */
  valveReleases: number;
}

interface Waiter {
  bytes: number;
  resolve: () => void;
  reject: (err: KonnektError) => void;
  timer: NodeJS.Timeout;
  signal: AbortSignal | undefined;
  onAbort: () => void;
}

export interface WriteGateOptions {
  budgetBytes: number;
  /** Bytes journalled and not yet uploaded, plus those of working copies not yet journalled. */
  pendingBytes: () => number;
  /** Whether an upload is in flight (so waiting can end). */
  draining: () => boolean;
  maxWaitMs?: number;
}

export class WriteGate {
  readonly thresholdBytes: number;
  private readonly maxWaitMs: number;
  private waiters: Waiter[] = [];
  private throttled = 0;
  private valve = 0;
  private open = false;

  constructor(private readonly opts: WriteGateOptions) {
    this.thresholdBytes = Math.max(1, Math.floor(opts.budgetBytes * WRITE_THROTTLE_SHARE));
    this.maxWaitMs = opts.maxWaitMs ?? DEFAULT_MAX_THROTTLE_MS;
  }

  /**
   * Resolves when a writer may add `bytes` more. Rejects only with `cancelled` when the caller's
   * signal aborts (an interrupted system call), never because of pressure.
   */
  admit(bytes: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(new KonnektError("cancelled", "The write was interrupted."));
    if (this.waiters.length === 0 && this.fits(bytes, 0)) return Promise.resolve();
    this.throttled++;
    return new Promise<void>((resolve, reject) => {
      const w: Waiter = {
        bytes,
        resolve,
        reject,
        signal,
        timer: setTimeout(() => {
          this.valve++;
          this.remove(w);
          resolve();
        }, this.maxWaitMs),
        onAbort: () => {
          this.remove(w);
          reject(new KonnektError("cancelled", "The write was interrupted."));
        },
      };
      w.timer.unref();
      signal?.addEventListener("abort", w.onAbort, { once: true });
      this.waiters.push(w);
    });
  }

  /** Lets waiting writers through, oldest first, as far as the pending bytes allow. */
  recheck(): void {
    let admitted = 0;
    while (this.waiters.length > 0) {
      const w = this.waiters[0]!;
      if (!this.fits(w.bytes, admitted)) break;
      admitted += w.bytes;
      this.remove(w);
      w.resolve();
    }
  }

  /** The queue stopped: nobody waits for a drain that will not come (the journal keeps the bytes). */
  releaseAll(): void {
    this.open = true;
    for (const w of [...this.waiters]) {
      this.remove(w);
      w.resolve();
    }
  }

  stats(): WritePressureStats {
    return { thresholdBytes: this.thresholdBytes, pendingBytes: this.opts.pendingBytes(), waiting: this.waiters.length, writersThrottled: this.throttled, valveReleases: this.valve };
  }

  private fits(bytes: number, alreadyAdmitted: number): boolean {
    // Asked on every write: the cheap answers first (pendingBytes walks the open files).
    if (this.open || !this.opts.draining()) return true;
    const pending = this.opts.pendingBytes() + alreadyAdmitted;
    return pending === 0 || pending + bytes <= this.thresholdBytes;
  }

  private remove(w: Waiter): void {
    clearTimeout(w.timer);
    w.signal?.removeEventListener("abort", w.onAbort);
    this.waiters = this.waiters.filter((x) => x !== w);
  }
}
