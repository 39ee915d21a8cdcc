/**
 * One ranged download into a cache file: `GET <download URL>` with `Range: bytes=a-b`, the body
 * written straight into the file descriptor the cache handed out. The function is the same on the
 * main thread and in a piscina thread (range-fetch-worker.ts); it retries throttling and network
 * failures itself (shouldRetry), resuming after the last byte it wrote, and reports everything
 * else to the caller as a plain, clonable result.
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
import { Agent, request, type Dispatcher } from "undici";
import type { ErrorCode } from "../errors.js";
import { errorForStatus, isAbortError, networkError, shouldRetry, sleep, type RetryPolicy } from "../retry.js";

export interface RangeFetchTask {
  url: string;
  /** Item bytes [start, end) to fetch. */
  start: number;
  end: number;
  /** Descriptor of the cache file and where `start` lands in it. */
  fd: number;
  position: number;
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

/**
 * How long a response may send nothing (before its headers, or between body bytes) before the
 * attempt counts as a reset and resumes from the last byte: a stalled connection should cost a
 * reader seconds, not minutes.
 */
export const STALL_TIMEOUT_MS = 30_000;

const agents = new Map<string, Dispatcher>();

/** One keep-alive pool per trust configuration, per thread. */
export function agentFor(ca: string | undefined, stallTimeoutMs = STALL_TIMEOUT_MS): Dispatcher {
  const key = `${stallTimeoutMs}\n${ca ?? ""}`;
  let a = agents.get(key);
  if (!a) {
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

export async function runRangeFetch(task: RangeFetchTask, isCancelled: () => boolean, signal: AbortSignal): Promise<RangeFetchResult> {
  const total = task.end - task.start;
  let written = 0;
  let etag = task.expectEtag;
  let requests = 0;
  const result = (extra: Partial<RangeFetchResult> = {}): RangeFetchResult => ({ written, requests, ...(etag !== undefined ? { etag } : {}), ...extra });

  for (let attempt = 1; ; attempt++) {
    if (isCancelled() || signal.aborted) return result({ error: fail("cancelled", "The read was cancelled.") });
    if (written >= total) return result();
    const from = task.start + written;
    const headers: Record<string, string> = { range: `bytes=${from}-${task.end - 1}` };
    if (etag !== undefined) headers["if-range"] = etag;
    let status: number | undefined;
    let resHeaders: Record<string, string | string[] | undefined> | undefined;
    try {
      requests++;
      const res = await request(task.url, { method: "GET", headers, dispatcher: agentFor(task.ca, task.stallTimeoutMs), signal });
      status = res.statusCode;
      resHeaders = res.headers;
      if (status === 401 || status === 403) {
        await res.body.dump().catch(() => undefined);
        return result({ urlExpired: true, error: fail(status === 401 ? "notSignedIn" : "accessDenied", "The download URL is no longer valid.", { status }) });
      }
      if (status !== 200 && status !== 206) {
        await res.body.dump().catch(() => undefined);
        const decision = shouldRetry({ status, headers: resHeaders }, attempt, task.retry, signal);
        if (decision.retry) {
          await sleep(decision.delayMs, signal);
          continue;
        }
        const e = errorForStatus(status, "Download");
        return result({ error: { code: e.code, message: e.message, data: e.data } });
      }
      const got = headerValue(resHeaders, "etag");
      if (got !== undefined && etag !== undefined && got !== etag) {
        await res.body.dump().catch(() => undefined);
        return result({ error: fail("conflict", "The file changed on the server while it was being read.", { expected: etag, actual: got }) });
      }
      if (got !== undefined) etag = got;
      let skip = 0;
      if (status === 206) {
        const m = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(headerValue(resHeaders, "content-range") ?? "");
        if (!m || Number(m[1]) !== from) {
          await res.body.dump().catch(() => undefined);
          return result({ error: fail("serviceError", "The download answered a different byte range than asked for.", { contentRange: headerValue(resHeaders, "content-range") }) });
        }
      } else if (from > 0) {
        // A 200 to a ranged request: the server ignored Range (allowed by RFC 9110) — or If-Range
        // failed, which the ETag check above already caught when the server sent an ETag.
        if (task.expectEtag !== undefined && got === undefined) {
          await res.body.dump().catch(() => undefined);
          return result({ error: fail("conflict", "The file changed on the server while it was being read.") });
        }
        skip = from;
      }
      for await (const chunk of res.body as AsyncIterable<Buffer>) {
        if (isCancelled()) {
          res.body.destroy();
          return result({ error: fail("cancelled", "The read was cancelled.") });
        }
        let buf = chunk;
        if (skip > 0) {
          if (buf.length <= skip) {
            skip -= buf.length;
            continue;
          }
          buf = buf.subarray(skip);
          skip = 0;
        }
        const room = total - written;
        if (buf.length > room) buf = buf.subarray(0, room);
        let off = 0;
        while (off < buf.length) off += fs.writeSync(task.fd, buf, off, buf.length - off, task.position + written + off);
        written += buf.length;
        if (written >= total) {
          res.body.destroy();
          break;
        }
      }
      if (written >= total) return result();
      // The body ended early: treat as a reset and resume from where it stopped.
      const decision = shouldRetry({ error: Object.assign(new Error("premature close"), { code: "ECONNRESET" }) }, attempt, task.retry, signal);
      if (!decision.retry) return result({ error: fail("offline", "The download ended early.") });
      await sleep(decision.delayMs, signal);
    } catch (err) {
      if (isAbortError(err) || signal.aborted || isCancelled()) return result({ error: fail("cancelled", "The read was cancelled.") });
      const decision = shouldRetry({ error: err, ...(status !== undefined && status !== 200 && status !== 206 ? { status } : {}) }, attempt, task.retry, signal);
      if (decision.retry) {
        try {
          await sleep(decision.delayMs, signal);
        } catch {
          return result({ error: fail("cancelled", "The read was cancelled.") });
        }
        continue;
      }
      const e = networkError(err, "Download");
      return result({ error: { code: e.code, message: e.message, data: e.data } });
    }
  }
}
