/**
 * Per-origin fault injection: throttling (429/503 + Retry-After), latency, a bandwidth cap on
 * response bodies, connection resets mid-body, and offline. Keyed by tenant name ("authority"
 * for the Entra/admin origin). Tests use the exact counters (`throttleNext`, `resetNext`); the
 * rates draw from a seedable generator so a run can be reproduced.
 */
import type { ServerResponse } from "node:http";
import type { FaultSettings } from "./http/types.js";

/** mulberry32: small, fast, good enough to decide which request fails. */
function generator(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface FaultState {
  settings: FaultSettings;
  random: () => number;
  throttleLeft: number;
  resetLeft: number;
}

export interface RequestFaults {
  latencyMs: number;
  throttle?: { status: 429 | 503; retryAfterSeconds: number };
  bytesPerSecond: number;
  /** Whether responses may be reset: only then (or with a bandwidth cap) are writes intercepted. */
  mayReset: boolean;
  /** Asked once per response, at its first body byte: reset this one, after how many bytes? */
  claimReset: () => { afterBytes?: number } | undefined;
}

export const NO_FAULTS: RequestFaults = { latencyMs: 0, bytesPerSecond: 0, mayReset: false, claimReset: () => undefined };

export class FaultController {
  private readonly states = new Map<string, FaultState>();
  private readonly offlineListeners: ((tenant: string) => void)[] = [];

  /** Replaces the tenant's settings (not a merge: what you post is what applies). */
  set(tenant: string, settings: FaultSettings): void {
    const seed = settings.seed ?? Math.floor(Math.random() * 2 ** 31);
    this.states.set(tenant, {
      settings: { ...settings },
      random: generator(seed),
      throttleLeft: settings.throttleNext ?? 0,
      resetLeft: settings.resetNext ?? 0,
    });
    if (settings.offline) for (const l of this.offlineListeners) l(tenant);
  }

  clear(tenant?: string): void {
    if (tenant === undefined) this.states.clear();
    else this.states.delete(tenant);
  }

  /** Current settings with the counters as they stand now. */
  get(tenant: string): FaultSettings {
    const s = this.states.get(tenant);
    if (!s) return {};
    const out: FaultSettings = { ...s.settings };
    if (s.settings.throttleNext !== undefined) out.throttleNext = s.throttleLeft;
    if (s.settings.resetNext !== undefined) out.resetNext = s.resetLeft;
    return out;
  }

  all(): Record<string, FaultSettings> {
    const out: Record<string, FaultSettings> = {};
    for (const tenant of this.states.keys()) out[tenant] = this.get(tenant);
    return out;
  }

  isOffline(tenant: string): boolean {
    return this.states.get(tenant)?.settings.offline === true;
  }

  /** Called when a tenant goes offline, so its open connections can be cut. */
  onOffline(listener: (tenant: string) => void): void {
    this.offlineListeners.push(listener);
  }

  /** Decides the faults of one request (consumes the exact counters). */
  forRequest(tenant: string): RequestFaults {
    const s = this.states.get(tenant);
    if (!s) return NO_FAULTS;
    const cfg = s.settings;
    let throttle: RequestFaults["throttle"];
    const throttled = s.throttleLeft > 0 ? (s.throttleLeft--, true) : (cfg.throttleRate ?? 0) > 0 && s.random() < (cfg.throttleRate ?? 0);
    if (throttled) throttle = { status: cfg.throttleStatus ?? 429, retryAfterSeconds: cfg.retryAfterSeconds ?? 1 };
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

type WriteCallback = (err?: Error | null) => void;
type WriteFn = (chunk: unknown, encoding?: unknown, cb?: unknown) => boolean;
type EndFn = (chunk?: unknown, encoding?: unknown, cb?: unknown) => ServerResponse;

function toBuffer(chunk: unknown, encoding: unknown): Buffer {
  if (Buffer.isBuffer(chunk)) return chunk;
  if (chunk instanceof Uint8Array) return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  return Buffer.from(String(chunk), typeof encoding === "string" ? (encoding as BufferEncoding) : "utf8");
}

function splitArgs(encoding: unknown, cb: unknown): { enc: unknown; cb: WriteCallback | undefined } {
  if (typeof encoding === "function") return { enc: undefined, cb: encoding as WriteCallback };
  return { enc: encoding, cb: typeof cb === "function" ? (cb as WriteCallback) : undefined };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Counts the body bytes a response writes (for the request log). */
export interface ByteSink {
  bytes: number;
  /** Set when the fault injector cut the connection. */
  cut?: boolean;
  /** Called at the cut, before the client can notice it (the request log records the exchange then). */
  onCut?: () => void;
}

/**
 * Wraps `res.write`/`res.end` to count body bytes and, when asked, cap the bandwidth and reset
 * the connection mid-body. Shaped writes return false and emit 'drain' once sent, so piped
 * sources keep flowing at the capped pace without buffering whole bodies.
 */
export function instrumentResponse(res: ServerResponse, faults: RequestFaults, sink: ByteSink, hasBody: boolean): void {
  const origWrite = res.write.bind(res) as WriteFn;
  const origEnd = res.end.bind(res) as EndFn;
  const w = res as unknown as { write: WriteFn; end: EndFn };
  const bps = faults.bytesPerSecond;
  let reset: { afterBytes?: number } | undefined | null = hasBody ? null : undefined; // null: not asked yet

  const passThrough = (): void => {
    w.write = (chunk, encoding, cb) => {
      sink.bytes += toBuffer(chunk, typeof encoding === "string" ? encoding : undefined).length;
      return origWrite(chunk, encoding, cb);
    };
    w.end = (chunk, encoding, cb) => {
      if (chunk !== undefined && chunk !== null && typeof chunk !== "function") sink.bytes += toBuffer(chunk, typeof encoding === "string" ? encoding : undefined).length;
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
  let queue: Promise<void> = Promise.resolve();
  let pending = 0;

  res.on("close", () => {
    if (!res.writableFinished) dead = true;
  });

  const waitDrainOrClose = (): Promise<void> =>
    new Promise((resolve) => {
      if (res.destroyed) {
        resolve();
        return;
      }
      const done = (): void => {
        res.off("drain", done);
        res.off("close", done);
        resolve();
      };
      res.on("drain", done);
      res.on("close", done);
    });

  /**
   * Cuts the connection once the bytes written so far are on their way: the socket is ended (the
   * TLS layer flushes what it holds, then FIN), so the client receives exactly the bytes before the
   * cut and then sees the connection closed before the body is complete ("other side closed",
   * ECONNRESET, curl 18). Destroyed as soon as the ending is written (within a second at most).
   */
  const cut = (): void => {
    if (dead) return;
    dead = true;
    sink.cut = true;
    // `headersSent` is already true after writeHead; only a written byte puts them on the wire.
    if (sent === 0) res.flushHeaders();
    sink.onCut?.();
    const socket = res.socket;
    if (!socket || socket.destroyed) return;
    // Destroyed once the ending is written: the kernel still delivers the queued bytes and the FIN.
    const timer = setTimeout(() => socket.destroy(), 1000);
    timer.unref();
    socket.end(() => {
      clearTimeout(timer);
      socket.destroy();
    });
  };

  /** Decides, at the first body byte, whether and where this response is cut. */
  const claim = (first: Buffer, isEnd: boolean): void => {
    if (reset !== null) return;
    reset = faults.claimReset();
    if (!reset) return;
    const declared = Number(res.getHeader("content-length"));
    const length = Number.isFinite(declared) ? declared : isEnd ? first.length : undefined;
    resetAt = reset.afterBytes ?? (length !== undefined && length > 1 ? Math.floor(length / 2) : 1);
    // A cut after the last byte would be no fault at all when the client knows the length.
    if (length !== undefined && resetAt >= length) resetAt = Math.max(0, length - 1);
  };

  const pump = async (buf: Buffer, isEnd: boolean): Promise<void> => {
    if (buf.length === 0 || dead) return;
    claim(buf, isEnd);
    let off = 0;
    const slice = bps > 0 ? Math.min(64 * 1024, Math.max(1024, Math.floor(bps / 20))) : buf.length;
    while (off < buf.length && !dead) {
      let n = Math.min(buf.length - off, slice);
      const resetting = sent + n >= resetAt;
      if (resetting) n = resetAt - sent;
      if (bps > 0) {
        const due = started + ((sent + n) / bps) * 1000 - Date.now();
        if (due > 0) await sleep(due);
      }
      if (n > 0) {
        const part = buf.subarray(off, off + n);
        off += n;
        sent += n;
        sink.bytes += n;
        // Listen for 'drain' in the same tick as the write: it may come before any callback.
        const ok = origWrite(part);
        if (!ok && !dead && !resetting) await waitDrainOrClose();
      }
      if (resetting) {
        cut();
        return;
      }
    }
  };

  const enqueue = (step: () => Promise<void>): void => {
    pending++;
    queue = queue
      .then(step)
      .catch(() => {
        dead = true;
      })
      .finally(() => {
        pending--;
        if (pending === 0 && !dead) res.emit("drain");
      });
  };

  w.write = (chunk, encoding, cb) => {
    const { enc, cb: callback } = splitArgs(encoding, cb);
    const buf = toBuffer(chunk, enc);
    enqueue(async () => {
      await pump(buf, false);
      callback?.(dead ? new Error("connection reset") : null);
    });
    return false;
  };
  w.end = (chunk, encoding, cb) => {
    let callback: WriteCallback | undefined;
    let buf: Buffer | undefined;
    if (typeof chunk === "function") callback = chunk as WriteCallback;
    else {
      const a = splitArgs(encoding, cb);
      callback = a.cb;
      if (chunk !== undefined && chunk !== null) buf = toBuffer(chunk, a.enc);
    }
    enqueue(async () => {
      if (buf) await pump(buf, sent === 0);
      // A claimed cut the body was too short to reach (no Content-Length): cut before the end, so
      // the client misses the final chunk and sees the body incomplete.
      if (!dead && reset) cut();
      if (!dead) origEnd(callback);
    });
    return res;
  };
}
