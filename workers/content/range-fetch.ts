/**
 * One ranged download into cache files: `GET <download URL>` with `Range: bytes=a-b`, the body
 * written straight into the file descriptors the cache handed out (one per cache segment the range
 * crosses), in 256 KiB writes. The function is the same on the main thread and in a piscina thread
 * (range-fetch-worker.ts); it retries throttling and network failures itself (shouldRetry),
 * resuming after the last byte it wrote, reports progress as it passes `progressEvery` boundaries
 * (only bytes already written count), and reports everything else to the caller as a plain,
 * clonable result.
 *
 * Validators: the download URL's responses carry an ETag. The first response's ETag is the item's
 * content validator for the reader; every later request sends it as `If-Range`, and a response with
 * another ETag (or a full 200 to a resumed request) means the file changed under us → `conflict`.
 * 401/403 from the download URL means its tempauth expired → `urlExpired`, the caller refreshes it.
 *
 * Cancellation: `isCancelled()` is polled between body chunks and aborts the socket; it is a plain
 * flag so a piscina thread can be cancelled without killing it (piscina's abort kills threads).
 */
import * as fs from "node:fs";
import type { Dispatcher } from "undici";
import type { ErrorCode } from "../errors.js";
import { errorForStatus, isAbortError, networkError, shouldRetry, sleep, type RetryPolicy } from "../retry.js";

/** Where a run of item bytes lands: `length` bytes at `position` of the cache file `fd`. */
export interface WriteTarget {
  fd: number;
  position: number;
  length: number;
}

export interface RangeFetchTask {
  url: string;
  /** Item bytes [start, end) to fetch. */
  start: number;
  end: number;
  /** Descriptor of the cache file and where `start` lands in it (when `targets` is absent). */
  fd: number;
  position: number;
  /**
   * Several destinations for consecutive parts of [start, end) (one stream may cross cache
   * segments, i.e. files); their lengths add up to `end - start`. Overrides `fd`/`position`.
   */
  targets?: WriteTarget[];
  /**
   * Report progress (bytes written from `start`) each time the stream passes a multiple of this
   * many item bytes, and at the end; 0 or absent = no progress reports.
   */
  progressEvery?: number;
  /** The content validator seen so far; undefined on the first request of a reader. */
  expectEtag?: string;
  /** Extra CA certificates (PEM) to trust for the download origin (the emulator's). */
  ca?: string;
  retry: RetryPolicy;
  /** A response that sends nothing for this long is treated as a reset (resumed); default STALL_TIMEOUT_MS. */
  stallTimeoutMs?: number;
}

export interface FetchError {
  code: ErrorCode;
  message: string;
  data: Record<string, unknown>;
}

export interface RangeFetchResult {
  /** Bytes written contiguously from `start` (also on failure: they are valid and kept). */
  written: number;
  /** ETag of the responses, when the server sent one. */
  etag?: string;
  /** HTTP requests made (for diagnostics and tests). */
  requests: number;
  error?: FetchError;
  /** The download URL's tempauth expired (401/403): refresh it and fetch the rest. */
  urlExpired?: boolean;
}

/** Int32 slots of a piscina task's control block (a SharedArrayBuffer): the cancel flag… */
export const CONTROL_CANCEL = 0;
/** …and the bytes written so far (progress; a task is far below 2 GiB). */
export const CONTROL_PROGRESS = 1;
export const CONTROL_BYTES = 8;

/**
 * How long a response may send nothing (before its headers, or between body bytes) before the
 * attempt counts as a reset and resumes from the last byte: a stalled connection should cost a
 * reader seconds, not minutes.
 */
export const STALL_TIMEOUT_MS = 30_000;

const agents = new Map<string, Dispatcher>();

type Undici = typeof import("undici");
let undiciModule: Promise<Undici> | undefined;

/**
 * undici is loaded by the first transfer, not at start: an idle worker never needs it, and it is
 * several MiB of heap per process (the daemon's idle-memory budget counts every worker).
 */
export function loadUndici(): Promise<Undici> {
  return (undiciModule ??= import("undici"));
}

/** One keep-alive pool per trust configuration, per thread. */
export async function agentFor(ca: string | undefined, stallTimeoutMs = STALL_TIMEOUT_MS): Promise<Dispatcher> {
  const key = `${stallTimeoutMs}\n${ca ?? ""}`;
  let a = agents.get(key);
  if (!a) {
    const { Agent } = await loadUndici();
    // Another caller may have created it while the module loaded.
    a = agents.get(key);
    if (a) return a;
    a = new Agent({
      connect: ca ? { ca } : {},
      headersTimeout: stallTimeoutMs,
      bodyTimeout: stallTimeoutMs,
      keepAliveTimeout: 30_000,
      connections: 16,
    });
    agents.set(key, a);
  }
  return a;
}

export async function closeAgents(): Promise<void> {
  const all = [...agents.values()];
  agents.clear();
  await Promise.all(all.map((a) => a.close().catch(() => undefined)));
}

function headerValue(h: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const v = h[name];
  return Array.isArray(v) ? v[0] : v;
}

function fail(code: ErrorCode, message: string, data: Record<string, unknown> = {}): FetchError {
  return { code, message, data };
}

/** The task's destinations, one per cache file it writes into. */
export function targetsOf(task: Pick<RangeFetchTask, "fd" | "position" | "start" | "end" | "targets">): WriteTarget[] {
  return task.targets ?? [{ fd: task.fd, position: task.position, length: task.end - task.start }];
}

/**
 * Body bytes are gathered into writes of this size: a write per 16 KiB TLS record costs more in
 * syscalls than the copy (measured: ~0.2 s less CPU per GiB at 256 KiB; 1 MiB buffers were slower,
 * out of the CPU cache).
 */
const WRITE_BYTES = 256 * 1024;

/**
 * Writes consecutive bytes into a list of targets, starting `skip` bytes into the first, through a
 * WRITE_BYTES buffer: `push` may keep bytes back, `flush` writes them; both return the bytes that
 * reached the files.
 */
class TargetWriter {
  private i = 0;
  private at: number;
  private readonly buf = Buffer.allocUnsafeSlow(WRITE_BYTES);
  private fill = 0;

  constructor(
    private readonly targets: WriteTarget[],
    skip: number,
  ) {
    while (this.i < targets.length && skip >= (targets[this.i] as WriteTarget).length) skip -= (targets[this.i++] as WriteTarget).length;
    this.at = skip;
  }

  /** Bytes taken but not yet written. */
  get pending(): number {
    return this.fill;
  }

  push(chunk: Buffer): number {
    let flushed = 0;
    let off = 0;
    while (off < chunk.length) {
      const n = chunk.copy(this.buf, this.fill, off, Math.min(chunk.length, off + WRITE_BYTES - this.fill));
      this.fill += n;
      off += n;
      if (this.fill === WRITE_BYTES) flushed += this.flush();
    }
    return flushed;
  }

  flush(): number {
    const len = this.fill;
    let off = 0;
    while (off < len) {
      const t = this.targets[this.i];
      if (!t) throw new Error("more bytes than the write targets hold");
      const n = Math.min(len - off, t.length - this.at);
      let done = 0;
      while (done < n) done += fs.writeSync(t.fd, this.buf, off + done, n - done, t.position + this.at + done);
      off += n;
      this.at += n;
      if (this.at === t.length) {
        this.i++;
        this.at = 0;
      }
    }
    this.fill = 0;
    return len;
  }
}

interface Exchange {
  status: number;
  headers: Record<string, string | string[] | undefined>;
}

/**
 * What one GET does with its response: `start` sees status and headers and says whether the body
 * is wanted (an unwanted body is still read to its end so the connection can be reused); `data`
 * takes body chunks and returns false to stop the response early (the connection is dropped).
 */
interface ResponseSink {
  start(ex: Exchange): boolean;
  data(chunk: Buffer): boolean;
}

function abortError(): Error {
  return Object.assign(new Error("The request was aborted."), { name: "AbortError" });
}

/**
 * One GET through undici's dispatcher API: body chunks go to the sink synchronously as the socket
 * delivers them, with no stream or promise per chunk in between (the fetch loop's main cost
 * besides TLS). Resolves when the response ended or the sink stopped it; rejects on network errors
 * and timeouts (the Agent's headers/body timeouts), and with an AbortError when `signal` aborts.
 */
function get(url: string, headers: Record<string, string>, dispatcher: Dispatcher, signal: AbortSignal, sink: ResponseSink): Promise<Exchange> {
  return new Promise<Exchange>((resolve, reject) => {
    const u = new URL(url);
    let controller: Dispatcher.DispatchController | undefined;
    let ex: Exchange = { status: 0, headers: {} };
    let settled = false;
    const settle = (err?: Error): void => {
      if (settled) return;
      settled = true;
      signal.removeEventListener("abort", onAbort);
      if (err) reject(err);
      else resolve(ex);
    };
    const onAbort = (): void => {
      controller?.abort(abortError());
      settle(abortError());
    };
    if (signal.aborted) {
      settle(abortError());
      return;
    }
    signal.addEventListener("abort", onAbort, { once: true });
    let wanted = true;
    const stop = (c: Dispatcher.DispatchController): void => {
      settle();
      c.abort(abortError());
    };
    dispatcher.dispatch(
      { origin: u.origin, path: `${u.pathname}${u.search}`, method: "GET", headers },
      {
        onRequestStart(c) {
          controller = c;
          if (settled) c.abort(abortError());
        },
        onResponseStart(c, statusCode, h) {
          if (settled) return;
          ex = { status: statusCode, headers: h };
          wanted = sink.start(ex);
          if (wanted === false && statusCode >= 200 && statusCode < 300) stop(c);
        },
        onResponseData(c, chunk) {
          if (settled || !wanted) return;
          let more: boolean;
          try {
            more = sink.data(chunk);
          } catch (err) {
            // A failed write into the cache file (ENOSPC, a descriptor gone): this request is over.
            settle(err instanceof Error ? err : new Error(String(err)));
            c.abort(abortError());
            return;
          }
          if (!more) stop(c);
        },
        onResponseEnd() {
          settle();
        },
        onResponseError(_c, err) {
          settle(err);
        },
      },
    );
  });
}

export async function runRangeFetch(
  task: RangeFetchTask,
  isCancelled: () => boolean,
  signal: AbortSignal,
  onProgress?: (written: number) => void,
): Promise<RangeFetchResult> {
  const total = task.end - task.start;
  const targets = targetsOf(task);
  const every = task.progressEvery ?? 0;
  let written = 0;
  let reported = 0;
  let etag = task.expectEtag;
  let requests = 0;
  let writer: TargetWriter | undefined;
  /** Writes what the writer holds back (bytes of a correct response are valid even if it broke off). */
  const flush = (): void => {
    if (!writer) return;
    const before = task.start + written;
    written += writer.flush();
    if (every > 0 && Math.floor((task.start + written) / every) !== Math.floor(before / every)) report();
  };
  const report = (): void => {
    if (onProgress && written !== reported) {
      reported = written;
      onProgress(written);
    }
  };
  const result = (extra: Partial<RangeFetchResult> = {}): RangeFetchResult => {
    report();
    return { written, requests, ...(etag !== undefined ? { etag } : {}), ...extra };
  };
  const cancelled = (): RangeFetchResult => result({ error: fail("cancelled", "The read was cancelled.") });

  for (let attempt = 1; ; attempt++) {
    if (isCancelled() || signal.aborted) return cancelled();
    if (written >= total) return result();
    const from = task.start + written;
    const headers: Record<string, string> = { range: `bytes=${from}-${task.end - 1}` };
    if (etag !== undefined) headers["if-range"] = etag;
    let status: number | undefined;
    let outcome: RangeFetchResult | undefined;
    let skip = 0;
    const w = new TargetWriter(targets, written);
    writer = w;
    try {
      requests++;
      const ex = await get(task.url, headers, await agentFor(task.ca, task.stallTimeoutMs), signal, {
        start: ({ status: st, headers: h }) => {
          status = st;
          if (st === 401 || st === 403) {
            outcome = result({ urlExpired: true, error: fail(st === 401 ? "notSignedIn" : "accessDenied", "The download URL is no longer valid.", { status: st }) });
            return false;
          }
          if (st !== 200 && st !== 206) return false;
          const got = headerValue(h, "etag");
          if (got !== undefined && etag !== undefined && got !== etag) {
            outcome = result({ error: fail("conflict", "The file changed on the server while it was being read.", { expected: etag, actual: got }) });
            return false;
          }
          if (st === 206) {
            const m = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(headerValue(h, "content-range") ?? "");
            if (!m || Number(m[1]) !== from) {
              outcome = result({ error: fail("serviceError", "The download answered a different byte range than asked for.", { contentRange: headerValue(h, "content-range") }) });
              return false;
            }
          } else if (from > 0) {
            // A 200 to a ranged request: the server ignored Range (allowed by RFC 9110) — or If-Range
            // failed, which the ETag check above already caught when the server sent an ETag.
            if (task.expectEtag !== undefined && got === undefined) {
              outcome = result({ error: fail("conflict", "The file changed on the server while it was being read.") });
              return false;
            }
            skip = from;
          }
          if (got !== undefined) etag = got;
          return true;
        },
        data: (chunk) => {
          if (isCancelled()) {
            outcome = cancelled();
            return false;
          }
          let buf = chunk;
          if (skip > 0) {
            if (buf.length <= skip) {
              skip -= buf.length;
              return true;
            }
            buf = buf.subarray(skip);
            skip = 0;
          }
          const room = total - written - w.pending;
          // Bytes past the end (a server that ignored Range): stop; the connection is dropped.
          if (room <= 0) return false;
          if (buf.length > room) buf = buf.subarray(0, room);
          const before = task.start + written;
          written += w.push(buf);
          if (every > 0 && Math.floor((task.start + written) / every) !== Math.floor(before / every)) report();
          // A 206 ends by itself right here; waiting for its end keeps the connection reusable.
          return true;
        },
      });
      if (outcome) return outcome;
      flush();
      if (ex.status !== 200 && ex.status !== 206) {
        const decision = shouldRetry({ status: ex.status, headers: ex.headers }, attempt, task.retry, signal);
        if (decision.retry) {
          await sleep(decision.delayMs, signal);
          continue;
        }
        const e = errorForStatus(ex.status, "Download");
        return result({ error: { code: e.code, message: e.message, data: e.data } });
      }
      if (written >= total) return result();
      // The body ended early: treat as a reset and resume from where it stopped.
      const decision = shouldRetry({ error: Object.assign(new Error("premature close"), { code: "ECONNRESET" }) }, attempt, task.retry, signal);
      if (!decision.retry) return result({ error: fail("offline", "The download ended early.") });
      await sleep(decision.delayMs, signal);
    } catch (err) {
      if (outcome) return outcome;
      if (isAbortError(err) || signal.aborted || isCancelled()) return cancelled();
      try {
        flush();
      } catch {
        // The cache file refuses writes: what was held back is lost; the error below says why.
      }
      const decision = shouldRetry({ error: err, ...(status !== undefined && status !== 200 && status !== 206 ? { status } : {}) }, attempt, task.retry, signal);
      if (decision.retry) {
        try {
          await sleep(decision.delayMs, signal);
        } catch {
          return cancelled();
        }
        continue;
      }
      const e = networkError(err, "Download");
      return result({ error: { code: e.code, message: e.message, data: e.data } });
    }
  }
}
