/**
 * The piscina thread side of PiscinaRangeFetcher: runs one ranged download into a cache file
 * descriptor. The cancel flag is polled (between body chunks and every CANCEL_POLL_MS while waiting
 * on the network) so an ordinary cancellation ends the task without killing the thread.
 */
import { runRangeFetch } from "./range-fetch.js";
const CANCEL_POLL_MS = 50;
export default async function fetchRange(task) {
    const flag = new Int32Array(task.cancel);
    const ac = new AbortController();
    const isCancelled = () => Atomics.load(flag, 0) !== 0;
    const timer = setInterval(() => {
        if (isCancelled())
            ac.abort();
    }, CANCEL_POLL_MS);
    try {
        const { cancel: _cancel, ...plain } = task;
        return await runRangeFetch(plain, isCancelled, ac.signal);
    }
    finally {
        clearInterval(timer);
    }
}
//# sourceMappingURL=range-fetch-worker.js.map