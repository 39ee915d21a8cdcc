/** mulberry32: small, fast, good enough to decide which request fails. */
function generator(seed) {
    let a = seed >>> 0;
    return () => {
        a = (a + 0x6d2b79f5) >>> 0;
        let t = a;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
}
export const NO_FAULTS = { latencyMs: 0, bytesPerSecond: 0, mayReset: false, claimReset: () => undefined };
export class FaultController {
    states = new Map();
    offlineListeners = [];
    /** Replaces the tenant's settings (not a merge: what you post is what applies). */
    set(tenant, settings) {
        const seed = settings.seed ?? Math.floor(Math.random() * 2 ** 31);
        this.states.set(tenant, {
            settings: { ...settings },
            random: generator(seed),
            throttleLeft: settings.throttleNext ?? 0,
            resetLeft: settings.resetNext ?? 0,
        });
        if (settings.offline)
            for (const l of this.offlineListeners)
                l(tenant);
    }
    clear(tenant) {
        if (tenant === undefined)
            this.states.clear();
        else
            this.states.delete(tenant);
    }
    /** Current settings with the counters as they stand now. */
    get(tenant) {
        const s = this.states.get(tenant);
        if (!s)
            return {};
        const out = { ...s.settings };
        if (s.settings.throttleNext !== undefined)
            out.throttleNext = s.throttleLeft;
        if (s.settings.resetNext !== undefined)
            out.resetNext = s.resetLeft;
        return out;
    }
    all() {
        const out = {};
        for (const tenant of this.states.keys())
            out[tenant] = this.get(tenant);
        return out;
    }
    isOffline(tenant) {
        return this.states.get(tenant)?.settings.offline === true;
    }
    /** Called when a tenant goes offline, so its open connections can be cut. */
    onOffline(listener) {
        this.offlineListeners.push(listener);
    }
    /** Decides the faults of one request (consumes the exact counters). */
    forRequest(tenant) {
        const s = this.states.get(tenant);
        if (!s)
            return NO_FAULTS;
        const cfg = s.settings;
        let throttle;
        const throttled = s.throttleLeft > 0 ? (s.throttleLeft--, true) : (cfg.throttleRate ?? 0) > 0 && s.random() < (cfg.throttleRate ?? 0);
        if (throttled)
            throttle = { status: cfg.throttleStatus ?? 429, retryAfterSeconds: cfg.retryAfterSeconds ?? 1 };
        return {
            latencyMs: cfg.latencyMs ?? 0,
            throttle,
            bytesPerSecond: cfg.bytesPerSecond ?? 0,
            mayReset: s.resetLeft > 0 || (cfg.resetRate ?? 0) > 0,
            claimReset: () => {
                const reset = s.resetLeft > 0 ? (s.resetLeft--, true) : (cfg.resetRate ?? 0) > 0 && s.random() < (cfg.resetRate ?? 0);
                return reset ? { afterBytes: cfg.resetAfterBytes } : undefined;
            },
        };
    }
}
function toBuffer(chunk, encoding) {
    if (Buffer.isBuffer(chunk))
        return chunk;
    if (chunk instanceof Uint8Array)
        return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    return Buffer.from(String(chunk), typeof encoding === "string" ? encoding : "utf8");
}
function splitArgs(encoding, cb) {
    if (typeof encoding === "function")
        return { enc: undefined, cb: encoding };
    return { enc: encoding, cb: typeof cb === "function" ? cb : undefined };
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
/**
 * Wraps `res.write`/`res.end` to count body bytes and, when asked, cap the bandwidth and reset
 * the connection mid-body. Shaped writes return false and emit 'drain' once sent, so piped
 * sources keep flowing at the capped pace without buffering whole bodies.
 */
export function instrumentResponse(res, faults, sink, hasBody) {
    const origWrite = res.write.bind(res);
    const origEnd = res.end.bind(res);
    const w = res;
    const bps = faults.bytesPerSecond;
    let reset = hasBody ? null : undefined; // null: not asked yet
    const passThrough = () => {
        w.write = (chunk, encoding, cb) => {
            sink.bytes += toBuffer(chunk, typeof encoding === "string" ? encoding : undefined).length;
            return origWrite(chunk, encoding, cb);
        };
        w.end = (chunk, encoding, cb) => {
            if (chunk !== undefined && chunk !== null && typeof chunk !== "function")
                sink.bytes += toBuffer(chunk, typeof encoding === "string" ? encoding : undefined).length;
            return origEnd(chunk, encoding, cb);
        };
    };
    if (bps <= 0 && !(hasBody && faults.mayReset)) {
        passThrough();
        return;
    }
    const started = Date.now();
    let sent = 0;
    let dead = false;
    let resetAt = Infinity;
    let queue = Promise.resolve();
    let pending = 0;
    res.on("close", () => {
        if (!res.writableFinished)
            dead = true;
    });
    const waitDrainOrClose = () => new Promise((resolve) => {
        if (res.destroyed) {
            resolve();
            return;
        }
        const done = () => {
            res.off("drain", done);
            res.off("close", done);
            resolve();
        };
        res.on("drain", done);
        res.on("close", done);
    });
    const cut = async () => {
        dead = true;
        sink.cut = true;
        if (!res.headersSent)
            res.flushHeaders();
        await new Promise((r) => setImmediate(r));
        res.socket?.destroy();
    };
    const pump = async (buf) => {
        if (buf.length === 0 || dead)
            return;
        if (reset === null) {
            reset = faults.claimReset();
            if (reset) {
                const length = Number(res.getHeader("content-length"));
                resetAt = reset.afterBytes ?? (Number.isFinite(length) && length > 1 ? Math.floor(length / 2) : 1);
            }
        }
        let off = 0;
        const slice = bps > 0 ? Math.min(64 * 1024, Math.max(1024, Math.floor(bps / 20))) : buf.length;
        while (off < buf.length && !dead) {
            let n = Math.min(buf.length - off, slice);
            const resetting = sent + n >= resetAt;
            if (resetting)
                n = resetAt - sent;
            if (bps > 0) {
                const due = started + ((sent + n) / bps) * 1000 - Date.now();
                if (due > 0)
                    await sleep(due);
            }
            if (n > 0) {
                const part = buf.subarray(off, off + n);
                off += n;
                sent += n;
                sink.bytes += n;
                if (resetting) {
                    // Let the bytes before the cut reach the socket, then cut.
                    await new Promise((resolve) => {
                        if (res.destroyed)
                            resolve();
                        res.once("close", () => resolve());
                        origWrite(part, () => resolve());
                    });
                }
                else {
                    // Listen for 'drain' in the same tick as the write: it may come before any callback.
                    const ok = origWrite(part);
                    if (!ok && !dead)
                        await waitDrainOrClose();
                }
            }
            if (resetting) {
                await cut();
                return;
            }
        }
    };
    const enqueue = (step) => {
        pending++;
        queue = queue
            .then(step)
            .catch(() => {
            dead = true;
        })
            .finally(() => {
            pending--;
            if (pending === 0 && !dead)
                res.emit("drain");
        });
    };
    w.write = (chunk, encoding, cb) => {
        const { enc, cb: callback } = splitArgs(encoding, cb);
        const buf = toBuffer(chunk, enc);
        enqueue(async () => {
            await pump(buf);
            callback?.(dead ? new Error("connection reset") : null);
        });
        return false;
    };
    w.end = (chunk, encoding, cb) => {
        let callback;
        let buf;
        if (typeof chunk === "function")
            callback = chunk;
        else {
            const a = splitArgs(encoding, cb);
            callback = a.cb;
            if (chunk !== undefined && chunk !== null)
                buf = toBuffer(chunk, a.enc);
        }
        enqueue(async () => {
            if (buf)
                await pump(buf);
            if (!dead)
                origEnd(callback);
        });
        return res;
    };
}
//# sourceMappingURL=faults.js.map