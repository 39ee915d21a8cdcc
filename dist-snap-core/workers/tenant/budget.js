/**
 * Per-tenant request budget: a concurrency limit and a sliding window of request units, so Konnekt
 * slows itself down before SharePoint throttles it (Microsoft: "well decorated traffic will be
 * prioritized", and throttled apps are penalised further). Defaults: 250 units per 300 s window,
 * 8 requests in flight. A throttled response shrinks the window's allowance for a while.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { KonnektError } from "../errors.js";
export const DEFAULT_BUDGET = { units: 250, windowMs: 300_000, maxConcurrent: 8 };
export class RequestBudget {
    opts;
    now;
    /** Times (ms) and costs of requests started inside the current window, oldest first. */
    spent = [];
    inFlight = 0;
    waiters = [];
    pausedUntil = 0;
    constructor(opts = {}) {
        this.opts = { ...DEFAULT_BUDGET, ...opts };
        this.now = opts.now ?? Date.now;
    }
    /** Waits until a request of `units` may start; returns a release function. */
    async acquire(units, signal) {
        while (true) {
            if (signal?.aborted)
                throw new KonnektError("cancelled", "The request was cancelled.");
            const wait = this.waitMs(units);
            if (wait === 0 && this.inFlight < this.opts.maxConcurrent)
                break;
            if (wait > 0) {
                await sleep(wait, undefined, { signal }).catch(() => undefined);
            }
            else {
                await new Promise((resolve) => {
                    this.waiters.push(resolve);
                    signal?.addEventListener("abort", () => resolve(), { once: true });
                });
            }
        }
        this.inFlight++;
        this.spent.push({ at: this.now(), units });
        let released = false;
        return () => {
            if (released)
                return;
            released = true;
            this.inFlight--;
            this.waiters.shift()?.();
        };
    }
    /** The service asked us to wait: hold every new request of this tenant until then. */
    pause(ms) {
        this.pausedUntil = Math.max(this.pausedUntil, this.now() + ms);
    }
    stats() {
        this.trim();
        return {
            inFlight: this.inFlight,
            unitsInWindow: this.spent.reduce((s, e) => s + e.units, 0),
            pausedMs: Math.max(0, this.pausedUntil - this.now()),
        };
    }
    trim() {
        const cutoff = this.now() - this.opts.windowMs;
        while (this.spent.length > 0 && this.spent[0].at <= cutoff)
            this.spent.shift();
    }
    waitMs(units) {
        const now = this.now();
        if (this.pausedUntil > now)
            return this.pausedUntil - now;
        this.trim();
        let used = this.spent.reduce((s, e) => s + e.units, 0);
        if (used + units <= this.opts.units)
            return 0;
        // Wait until enough of the oldest requests leave the window.
        for (const e of this.spent) {
            used -= e.units;
            if (used + units <= this.opts.units)
                return Math.max(1, e.at + this.opts.windowMs - now);
        }
        return 1;
    }
}
//# sourceMappingURL=budget.js.map