/**
 * The piscina thread side of PiscinaRangeFetcher: runs one ranged download into cache file
 * descriptors. The control block (a SharedArrayBuffer, see range-fetcher.ts) carries the cancel
 * flag, polled between body chunks and every CANCEL_POLL_MS while waiting on the network, so an
 * ordinary cancellation ends the task without killing the thread; and the progress word, stored and
 * notified each time the stream passes `progressEvery` bytes so the main thread can wake the
 * readers waiting on those chunks while the rest of the window is still streaming.
 */
import { CONTROL_CANCEL, CONTROL_PROGRESS, runRangeFetch, type RangeFetchResult } from "./range-fetch.js";
import type { WorkerTask } from "./range-fetcher.js";

const CANCEL_POLL_MS = 50;

export default async function fetchRange(task: WorkerTask): Promise<RangeFetchResult> {
  const control = new Int32Array(task.control);
  const ac = new AbortController();
  const isCancelled = (): boolean => Atomics.load(control, CONTROL_CANCEL) !== 0;
  const timer = setInterval(() => {
    if (isCancelled()) ac.abort();
  }, CANCEL_POLL_MS);
  try {
    const { control: _control, ...plain } = task;
    return await runRangeFetch(plain, isCancelled, ac.signal, (written) => {
      Atomics.store(control, CONTROL_PROGRESS, written);
      Atomics.notify(control, CONTROL_PROGRESS);
    });
  } finally {
    clearInterval(timer);
  }
}
