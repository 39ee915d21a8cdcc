/**
 * A bounded log of the requests the emulator served, for tests that assert what a client sent
 * (`GET /admin/requests`). Credentials never enter it: Authorization and cookies are redacted.
 */
import type { IncomingHttpHeaders } from "node:http";

export interface RequestLogEntry {
  seq: number;
  time: string;
  /** Tenant name, or "authority" for the Entra/admin origin. */
  origin: string;
  tenant?: string;
  method: string;
  /** Raw path and query as sent (still percent-encoded). */
  path: string;
  status: number;
  headers: Record<string, string>;
  requestBytes: number;
  responseBytes: number;
  durationMs: number;
  /** Set when the fault injector broke this exchange ("aborted": the connection closed before the response was complete, not by a fault). */
  fault?: "throttled" | "reset" | "offline" | "aborted";
}

const REDACT = new Set(["authorization", "cookie", "proxy-authorization", "x-requestdigest"]);

export function redactHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    const text = Array.isArray(value) ? value.join(", ") : value;
    if (REDACT.has(name)) {
      const scheme = /^(\w+)\s/.exec(text)?.[1];
      out[name] = scheme && name !== "cookie" ? `${scheme} REDACTED` : "REDACTED";
    } else {
      out[name] = text;
    }
  }
  return out;
}

/** Query parameters that carry credentials (download URLs' `tempauth`, OAuth codes and secrets). */
const SECRET_PARAMS = /([?&](?:tempauth|access_token|code|client_secret|client_assertion|refresh_token|assertion)=)[^&#]*/gi;

/** The raw path and query with credential-bearing query values replaced by `REDACTED`. */
export function redactPath(rawUrl: string): string {
  return rawUrl.replace(SECRET_PARAMS, "$1REDACTED");
}

export class RequestLog {
  private readonly entries: RequestLogEntry[] = [];
  private seq = 0;
  /** Exchanges begun and not yet logged (a response is logged when its connection reports it done). */
  private readonly open = new Set<number>();
  private nextOpen = 0;
  private readonly onEnd = new Set<() => void>();

  /** Marks an exchange as begun; pass the id to `end` when it is logged. */
  begin(): number {
    const id = ++this.nextOpen;
    this.open.add(id);
    return id;
  }

  end(id: number): void {
    if (!this.open.delete(id)) return;
    for (const f of [...this.onEnd]) f();
  }

  /**
   * Resolves once every exchange begun before the call is logged, or after `timeoutMs`. A client can
   * hold a response's last byte before the server has logged it; queries wait for that instead of
   * answering without it.
   */
  settled(timeoutMs: number): Promise<void> {
    const pending = new Set(this.open);
    if (pending.size === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const check = (): void => {
        for (const id of pending) if (!this.open.has(id)) pending.delete(id);
        if (pending.size === 0) finish();
      };
      const finish = (): void => {
        clearTimeout(timer);
        this.onEnd.delete(check);
        resolve();
      };
      const timer = setTimeout(finish, timeoutMs);
      this.onEnd.add(check);
    });
  }

  constructor(private readonly capacity = 20_000) {}

  add(entry: Omit<RequestLogEntry, "seq">): RequestLogEntry {
    const full = { seq: ++this.seq, ...entry };
    this.entries.push(full);
    if (this.entries.length > this.capacity) this.entries.splice(0, this.entries.length - this.capacity);
    return full;
  }

  /** Newest sequence number handed out (0 before any request). */
  last(): number {
    return this.seq;
  }

  /** Entries after `since` (a sequence number, or an ISO time), optionally of one tenant/origin. */
  query(filter: { tenant?: string; since?: string | number } = {}): RequestLogEntry[] {
    let since = -1;
    let sinceTime: number | undefined;
    if (filter.since !== undefined && filter.since !== "") {
      if (typeof filter.since === "number" || /^\d+$/.test(filter.since)) since = Number(filter.since);
      else sinceTime = Date.parse(filter.since);
    }
    return this.entries.filter(
      (e) =>
        e.seq > since &&
        (sinceTime === undefined || Date.parse(e.time) > sinceTime) &&
        (filter.tenant === undefined || filter.tenant === "" || e.origin === filter.tenant),
    );
  }

  clear(): void {
    this.entries.length = 0;
  }
}
