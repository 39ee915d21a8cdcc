/**
 * Where ranged downloads run. Two implementations of one interface:
 * - PiscinaRangeFetcher: a piscina pool (ARCHITECTURE: "piscina pool: range fetch into cache
 *   files"); the thread writes the body straight into the cache file's descriptor (threads share the
 *   process's descriptor table), so the bytes never cross into the main thread. Ordinary
 *   cancellation sets a flag in a SharedArrayBuffer that the task polls; piscina's own abort (which
 *   kills the thread) is kept for the hard timeout only (STYLE habit 5).
 * - InlineRangeFetcher: the same task on the calling thread (tests of logic, platforms without
 *   worker threads, and the bench's side-by-side).
 *
 * Both have `close()` (let queued work finish) and `destroy()` (cancel it); both are idempotent.
 */
import { setMaxListeners } from "node:events";
import { Piscina } from "piscina";
import { cancelledError } from "../retry.js";
import { linkSignals } from "./signals.js";
import { closeAgents, runRangeFetch, type RangeFetchResult, type RangeFetchTask } from "./range-fetch.js";

export interface RangeFetcher {
  fetch(task: RangeFetchTask, signal: AbortSignal): Promise<RangeFetchResult>;
  close(): Promise<void>;
  destroy(): Promise<void>;
}

/** A task that has not finished in this time is stuck beyond what the per-request timeouts catch: the thread is killed. */
export const HARD_TIMEOUT_MS = 10 * 60_000;

export class InlineRangeFetcher implements RangeFetcher {
  private readonly active = new Set<Promise<unknown>>();
  private readonly stop = new AbortController();
  private closed = false;

  constructor() {
    setMaxListeners(0, this.stop.signal);
  }

  fetch(task: RangeFetchTask, signal: AbortSignal): Promise<RangeFetchResult> {
    if (this.closed) return Promise.reject(cancelledError());
    const both = linkSignals(signal, this.stop.signal);
    const p = runRangeFetch(task, () => both.signal.aborted, both.signal).finally(() => both.dispose());
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

/** What crosses into the thread: the task plus its cancel flag. */
export interface WorkerTask extends RangeFetchTask {
  cancel: SharedArrayBuffer;
}

export class PiscinaRangeFetcher implements RangeFetcher {
  private readonly pool: Piscina;
  private readonly flags = new Set<Int32Array>();
  private closed = false;

  constructor(opts: PiscinaRangeFetcherOptions = {}) {
    this.pool = new Piscina({
      filename: new URL("./range-fetch-worker.js", import.meta.url).href,
      maxThreads: opts.maxThreads ?? 4,
      // No idle thread: an idle tenant worker should cost little memory (issue 6 counts idle RSS).
      minThreads: 0,
      idleTimeout: 30_000,
      // Each task is one ranged stream doing network I/O; several share a thread well.
      concurrentTasksPerWorker: 4,
    });
  }

  async fetch(task: RangeFetchTask, signal: AbortSignal): Promise<RangeFetchResult> {
    if (this.closed) throw cancelledError();
    const cancel = new SharedArrayBuffer(4);
    const flag = new Int32Array(cancel);
    const onAbort = (): void => {
      Atomics.store(flag, 0, 1);
    };
    if (signal.aborted) onAbort();
    signal.addEventListener("abort", onAbort, { once: true });
    this.flags.add(flag);
    try {
      const workerTask: WorkerTask = { ...task, cancel };
      return (await this.pool.run(workerTask, { signal: AbortSignal.timeout(HARD_TIMEOUT_MS) })) as RangeFetchResult;
    } catch (err) {
      if ((err as { name?: string }).name === "AbortError") {
        return { written: 0, requests: 0, error: { code: "timeout", message: "A ranged download hung and was stopped.", data: {} } };
      }
      throw err;
    } finally {
      signal.removeEventListener("abort", onAbort);
      this.flags.delete(flag);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.close();
  }

  async destroy(): Promise<void> {
    this.closed = true;
    for (const f of this.flags) Atomics.store(f, 0, 1);
    await this.pool.close({ force: false });
    await this.pool.destroy();
  }
}
