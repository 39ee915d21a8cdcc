/**
 * One AbortSignal that fires when any of several does, with the listeners removed afterwards.
 * (`AbortSignal.any` keeps its link to long-lived sources — a reader's or a queue's stop signal — for
 * as long as those live, so per-request use accumulates state on them in Node 20.)
 */
export function linkSignals(...sources) {
    const ac = new AbortController();
    const onAbort = () => ac.abort();
    for (const s of sources) {
        if (s.aborted) {
            ac.abort();
            break;
        }
    }
    if (!ac.signal.aborted)
        for (const s of sources)
            s.addEventListener("abort", onAbort, { once: true });
    return {
        signal: ac.signal,
        dispose: () => {
            for (const s of sources)
                s.removeEventListener("abort", onAbort);
        },
    };
}
//# sourceMappingURL=signals.js.map