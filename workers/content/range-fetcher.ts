/**
 * Where ranged downloads run. Two implementations of one interface:
 * - PiscinaRangeFetcher: a piscina pool (ARCHITECTURE: "piscina pool: range fetch into cache
 *   files"); the thread writes the body straight into the cache files' descriptors (threads share
 *   the process's descriptor table), so the bytes never cross into the main thread. A task carries a
 *   control block (SharedArrayBuffer): a cancel flag the task polls — piscina's own abort, which
 *   kills the thread, is kept for the hard timeout only (STYLE habit 5) — and a progress word the
 *   thread stores and notifies; the main thread waits on it with `Atomics.waitAsync`, so a task can
 *   stream a whole read-ahead window while readers wake as each chunk lands.
 * - InlineRangeFetcher: the same task on the calling thread (tests of logic, platforms without
 *   worker threads, and the bench's side-by-side).
 *
 * Both have `close()` (let queued work finish) and `destroy()` (cancel it); both are idempotent.
 */
import { setMaxListeners } from "node:events";
import { Piscina } from "piscina";
import { KonnektError } from "../errors.js";
import { cancelledError } from "../retry.js";
import { tuneGcForStreaming } from "../stream-gc.js";
import { linkSignals } from "./signals.js";
import { CONTROL_BYTES, CONTROL_CANCEL, CONTROL_PROGRESS, closeAgents, runRangeFetch, type RangeFetchResult, type RangeFetchTask } from "./range-fetch.js";

export interface RangeFetcher {
  /**
   * Runs one ranged download. `onProgress(written)` (bytes written contiguously from `task.start`)
   * is called as the stream passes multiples of `task.progressEvery`, on the calling thread.
   */
  fetch(task: RangeFetchTask, signal: AbortSignal, onProgress?: (written: number) => void): Promise<RangeFetchResult>;
  close(): Promise<void>;
  destroy(): Promise<void>;
}

/** A task that has not finished in this time is stuck beyond what the per-request timeouts catch: the thread is killed. */
export const HARD_TIMEOUT_MS = 10 * 60_000;

/** `Atomics.waitAsync` (Node ≥ 16; typed only from lib es2024 on, newer than this project's lib). */
const waitAsync = (Atomics as unknown as {
  waitAsync(this: void, array: Int32Array, index: number, value: number): { async: false; value: string } | { async: true; value: Promise<string> };
}).waitAsync;

/** Progress travels in an Int32 word. */
const MAX_PROGRESS_TASK_BYTES = 2 ** 31 - 1;

export class InlineRangeFetcher implements RangeFetcher {
  private readonly active = new Set<Promise<unknown>>();
  private readonly stop = new AbortController();
  private closed = false;

  constructor() {
    setMaxListeners(0, this.stop.signal);
    tuneGcForStreaming();
  }

  fetch(task: RangeFetchTask, signal: AbortSignal, onProgress?: (written: number) => void): Promise<RangeFetchResult> {
    if (this.closed) return Promise.reject(cancelledError());
    const both = linkSignals(signal, this.stop.signal);
    const p = runRangeFetch(task, () => both.signal.aborted, both.signal, onProgress).finally(() => both.dispose());
    this.active.add(p);
    void p.finally(() => this.active.delete(p)).catch(() => undefined);
    return p;
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.allSettled([...this.active]);
    await closeAgents();
  }

  async destroy(): Promise<void> {
    this.closed = true;
    this.stop.abort();
    await Promise.allSettled([...this.active]);
    await closeAgents();
  }
}

export interface PiscinaRangeFetcherOptions {
  /** Threads in the pool; ranged streams of one tenant run at most this many at once. */
  maxThreads?: number;
}

/** What crosses into the thread: the task plus its control block (cancel flag, progress word). */
export interface WorkerTask extends RangeFetchTask {
  control: SharedArrayBuffer;
}

export class PiscinaRangeFetcher implements RangeFetcher {
  private readonly pool: Piscina;
  private readonly controls = new Set<Int32Array>();
  private closed = false;

  constructor(opts: PiscinaRangeFetcherOptions = {}) {
    tuneGcForStreaming();
    this.pool = new Piscina({
      filename: new URL("./range-fetch-worker.js", import.meta.url).href,
      maxThreads: opts.maxThreads ?? 4,
      // No idle thread: an idle tenant worker should cost little memory (issue 6 counts idle RSS).
      minThreads: 0,
      idleTimeout: 30_000,
      // Each task is one ranged stream doing network I/O; several share a thread well.
      concurrentTasksPerWorker: 4,
      // An idle thread waits for tasks without blocking its event loop ("sync" would freeze it in
      // Atomics.wait): its keep-alive connections see the server's close and expire on time, so
      // the next task does not meet a dead socket and pay a retry.
      atomics: "async",
    });
  }

  async fetch(task: RangeFetchTask, signal: AbortSignal, onProgress?: (written: number) => void): Promise<RangeFetchResult> {
    if (this.closed) throw cancelledError();
    if (onProgress && task.end - task.start > MAX_PROGRESS_TASK_BYTES) {
      throw new KonnektError("internal", "A ranged download with progress reports must stay below 2 GiB.");
    }
    const control = new Int32Array(new SharedArrayBuffer(CONTROL_BYTES));
    const onAbort = (): void => {
      Atomics.store(control, CONTROL_CANCEL, 1);
    };
    if (signal.aborted) onAbort();
    signal.addEventListener("abort", onAbort, { once: true });
    this.controls.add(control);
    let settled = false;
    const watching = onProgress ? this.watchProgress(control, () => settled, onProgress) : undefined;
    try {
      const workerTask: WorkerTask = { ...task, control: control.buffer };
      return (await this.pool.run(workerTask, { signal: AbortSignal.timeout(HARD_TIMEOUT_MS) })) as RangeFetchResult;
    } catch (err) {
      if ((err as { name?: string }).name === "AbortError") {
        return { written: 0, requests: 0, error: { code: "timeout", message: "A ranged download hung and was stopped.", data: {} } };
      }
      throw err;
    } finally {
      settled = true;
      // Wakes the watcher so it sees `settled` and ends (the task's last report is in the result).
      Atomics.notify(control, CONTROL_PROGRESS);
      await watching;
      signal.removeEventListener("abort", onAbort);
      this.controls.delete(control);
    }
  }

  /** Calls `onProgress` on this thread each time the task's progress word moves, until `done()`. */
  private async watchProgress(control: Int32Array, done: () => boolean, onProgress: (written: number) => void): Promise<void> {
    let seen = 0;
    for (;;) {
      const w = waitAsync(control, CONTROL_PROGRESS, seen);
      if (w.async) await w.value;
      const now = Atomics.load(control, CONTROL_PROGRESS);
      if (done()) return;
      if (now !== seen) {
        seen = now;
        try {
          onProgress(now);
        } catch {
          // A listener's failure is the listener's; the download goes on.
        }
      }
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.close();
  }

  async destroy(): Promise<void> {
    this.closed = true;
    for (const c of this.controls) Atomics.store(c, CONTROL_CANCEL, 1);
    await this.pool.close({ force: false });
    await this.pool.destroy();
  }
}
