/**
 * The emulator's HTTPS origins: route table, the EmuRequest implementation, body limits, fault
 * injection, error mapping and the request log. Every failure ends in a service-shaped error
 * response (SharePoint, Graph or OAuth shape by origin and path), never a crash or a hang.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { createServer as createHttpsServer, type Server } from "node:https";
import type { Socket } from "node:net";
import type { Readable } from "node:stream";
import { StoreError, type StoreErrorCode, type TenantRecord } from "../store/types.js";
import { instrumentResponse, NO_FAULTS, type ByteSink, type FaultController, type RequestFaults } from "../faults.js";
import { HttpError, sendGraphError, sendJson, sendSpError } from "./errors.js";
import { redactHeaders, redactPath, type RequestLog } from "./request-log.js";
import type { EmuRequest, EmulatorConfig, Handler, RouteTable } from "./types.js";

interface Route {
  methods: "*" | string[];
  pattern: RegExp;
  handler: Handler;
}

/** Methods PnPjs tunnels through POST with `X-HTTP-Method` (spo-protocol.md A.1). */
const TUNNELLED = new Set(["DELETE", "MERGE", "PUT", "PATCH"]);

export class Routes implements RouteTable {
  private readonly routes: Route[] = [];

  add(method: string | string[], pattern: RegExp, handler: Handler): void {
    const methods = method === "*" ? "*" : (Array.isArray(method) ? method : [method]).map((m) => m.toUpperCase());
    this.routes.push({ methods, pattern, handler });
  }

  /**
   * First route whose pattern matches and which takes the method. A POST carrying
   * `X-HTTP-Method: DELETE|MERGE|PUT|PATCH` also matches routes registered for that method;
   * HEAD matches GET routes.
   */
  match(method: string, tunnelled: string | undefined, rawPath: string): { route: Route; params: Record<string, string> } | "method" | undefined {
    let pathMatched = false;
    for (const route of this.routes) {
      route.pattern.lastIndex = 0;
      const m = route.pattern.exec(rawPath);
      if (!m) continue;
      pathMatched = true;
      const ms = route.methods;
      const ok =
        ms === "*" ||
        ms.includes(method) ||
        (method === "HEAD" && ms.includes("GET")) ||
        (method === "POST" && tunnelled !== undefined && TUNNELLED.has(tunnelled) && ms.includes(tunnelled));
      if (!ok) continue;
      const params: Record<string, string> = {};
      for (const [k, v] of Object.entries(m.groups ?? {})) if (v !== undefined) params[k] = v;
      return { route, params };
    }
    return pathMatched ? "method" : undefined;
  }
}

/** Which service's error shape an origin/path speaks. */
export type ErrorShape = "sp" | "graph" | "oauth";

export function shapeFor(isAuthority: boolean, rawPath: string): ErrorShape {
  if (isAuthority) return "oauth";
  return /\/_api\/v2\.[01](\/|$)/i.test(rawPath) ? "graph" : "sp";
}

/** A failure raised by the core itself, written in the shape of the origin/path. */
class CoreError extends Error {
  constructor(
    readonly status: number,
    readonly codes: { sp: string; graph: string; oauth: string },
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

const INVALID_QUERY = "-1, Microsoft.SharePoint.Client.InvalidClientQueryException";
/** Bodies above this are not drained after a 413: the connection is closed instead. */
const DRAIN_CAP = 64 * 1024 * 1024;

function tooLarge(limit: number, closeConnection: boolean): CoreError {
  return new CoreError(
    413,
    { sp: "-2130575135, Microsoft.SharePoint.SPException", graph: "requestTooLarge", oauth: "invalid_request" },
    `The request message is too big. The server does not allow messages larger than ${limit} bytes.`,
    closeConnection ? { Connection: "close" } : {},
  );
}

const STORE_STATUS: Record<StoreErrorCode, { status: number; sp: string; graphStatus?: number; graph: string }> = {
  notFound: { status: 404, sp: "-2147024894, System.IO.FileNotFoundException", graph: "itemNotFound" },
  alreadyExists: { status: 400, sp: "-2130575257, Microsoft.SharePoint.SPException", graphStatus: 409, graph: "nameAlreadyExists" },
  accessDenied: { status: 403, sp: "-2147024891, System.UnauthorizedAccessException", graph: "accessDenied" },
  etagMismatch: { status: 412, sp: "-1, Microsoft.SharePoint.Client.ClientServiceException", graph: "resourceModified" },
  checkedOut: { status: 423, sp: "-2130575306, Microsoft.SharePoint.SPFileCheckOutException", graph: "resourceLocked" },
  notCheckedOut: { status: 400, sp: "-2147024738, Microsoft.SharePoint.SPFileCheckOutException", graph: "invalidRequest" },
  locked: { status: 423, sp: "-2147018894, Microsoft.SharePoint.SPFileLockException", graph: "resourceLocked" },
  notEmpty: { status: 400, sp: "-2146232832, Microsoft.SharePoint.SPException", graphStatus: 409, graph: "conflict" },
  invalidName: { status: 400, sp: "-2130575245, Microsoft.SharePoint.SPException", graph: "invalidRequest" },
  invalidArgument: { status: 400, sp: "-2147024809, System.ArgumentException", graph: "invalidRequest" },
  thresholdExceeded: { status: 500, sp: "-2147024860, Microsoft.SharePoint.SPQueryThrottledException", graph: "generalException" },
  changeTokenExpired: { status: 400, sp: "-2146232832, Microsoft.SharePoint.SPInvalidChangeTokenException", graphStatus: 410, graph: "resyncRequired" },
  uploadSession: { status: 400, sp: INVALID_QUERY, graphStatus: 416, graph: "invalidRange" },
  quotaExceeded: { status: 507, sp: "-2147024784, Microsoft.SharePoint.SPException", graph: "quotaLimitReached" },
};

function writeError(req: IncomingMessage, res: ServerResponse, shape: ErrorShape, status: number, code: string, message: string, headers: Record<string, string> = {}): void {
  if (res.headersSent) {
    // Too late for a status: cut the connection so the client sees an error, not a truncated success.
    res.destroy();
    return;
  }
  if (shape === "graph") sendGraphError(res, status, code, message, headers);
  else if (shape === "oauth") sendJson(res, status, { error: code, error_description: message }, { "Content-Type": "application/json; charset=utf-8", ...headers });
  else sendSpError(req, res, status, code, message, headers);
}

function writeFailure(req: IncomingMessage, res: ServerResponse, shape: ErrorShape, err: unknown, where: string): void {
  if (err instanceof HttpError) {
    writeError(req, res, err.kind === "graph" ? "graph" : shape === "oauth" ? "oauth" : "sp", err.status, err.spCode, err.message, err.headers);
    return;
  }
  if (err instanceof CoreError) {
    writeError(req, res, shape, err.status, err.codes[shape], err.message, err.headers);
    return;
  }
  if (err instanceof StoreError) {
    const m = STORE_STATUS[err.code];
    if (shape === "graph") writeError(req, res, shape, m.graphStatus ?? m.status, m.graph, err.message);
    else writeError(req, res, shape, m.status, shape === "oauth" ? "invalid_request" : m.sp, err.message);
    return;
  }
  // Another part's own error class carrying a status and a code (e.g. the Graph part's GraphError).
  const like = err as { status?: unknown; code?: unknown; message?: unknown };
  if (err instanceof Error && typeof like.status === "number" && like.status >= 400 && like.status < 600 && typeof like.code === "string") {
    writeError(req, res, shape, like.status, like.code, err.message);
    return;
  }
  const detail = err instanceof Error ? (err.stack ?? err.message) : String(err);
  process.stderr.write(`emulator: internal error on ${where}: ${detail}\n`);
  const codes = { sp: "-2147467259, Microsoft.SharePoint.SPException", graph: "generalException", oauth: "server_error" };
  writeError(req, res, shape, 500, codes[shape], shape === "graph" ? "An unspecified error has occurred." : "Unexpected server error.");
}

/** True when every `%` starts a valid escape and the escapes decode as UTF-8. */
function wellEncoded(rawPath: string): boolean {
  try {
    decodeURIComponent(rawPath);
    return true;
  } catch {
    return false;
  }
}

class Request implements EmuRequest {
  readonly method: string;
  principal?: EmuRequest["principal"];
  private bodyPromise?: Promise<Buffer>;
  private streamed = false;

  constructor(
    readonly raw: IncomingMessage,
    readonly url: URL,
    readonly rawPath: string,
    readonly tenant: TenantRecord | undefined,
    public params: Record<string, string>,
    private readonly config: EmulatorConfig,
    private readonly counter: { bytes: number },
  ) {
    this.method = (raw.method ?? "GET").toUpperCase();
  }

  get headers(): IncomingMessage["headers"] {
    return this.raw.headers;
  }

  body(limitBytes?: number): Promise<Buffer> {
    this.bodyPromise ??= this.readBody(limitBytes ?? this.config.maxJsonBodyBytes);
    return this.bodyPromise;
  }

  private readBody(limit: number): Promise<Buffer> {
    if (this.streamed) return Promise.reject(new Error("request body already taken as a stream"));
    const raw = this.raw;
    return new Promise<Buffer>((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      let over = false;
      const declared = Number(raw.headers["content-length"]);
      if (Number.isFinite(declared) && declared > DRAIN_CAP) {
        reject(tooLarge(limit, true));
        return;
      }
      raw.on("data", (chunk: Buffer) => {
        size += chunk.length;
        this.counter.bytes += chunk.length;
        if (over) {
          if (size > DRAIN_CAP) {
            raw.pause();
            raw.removeAllListeners("data");
            reject(tooLarge(limit, true));
          }
          return;
        }
        if (size > limit) {
          // Read the rest and drop it, so the 413 reaches the client on a healthy connection.
          over = true;
          chunks.length = 0;
          return;
        }
        chunks.push(chunk);
      });
      raw.on("end", () => (over ? reject(tooLarge(limit, false)) : resolve(Buffer.concat(chunks, size))));
      raw.on("error", reject);
      raw.on("close", () => {
        if (!raw.complete) reject(new CoreError(400, { sp: INVALID_QUERY, graph: "invalidRequest", oauth: "invalid_request" }, "The request body was not received completely."));
      });
    });
  }

  async json<T = unknown>(): Promise<T> {
    const buf = await this.body();
    const text = buf.toString("utf8").replace(/^\uFEFF/, "");
    // An empty body (PnPjs POSTs without one, still labelled JSON) reads as an empty object.
    if (text.trim() === "") return {} as T;
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new CoreError(
        400,
        { sp: INVALID_QUERY, graph: "invalidRequest", oauth: "invalid_request" },
        "Invalid JSON. A token was not recognized in the JSON content.",
      );
    }
  }

  async form(): Promise<URLSearchParams> {
    const buf = await this.body();
    return new URLSearchParams(buf.toString("utf8"));
  }

  stream(): Readable {
    const declared = Number(this.raw.headers["content-length"]);
    if (Number.isFinite(declared) && declared > this.config.maxUploadBytes) throw tooLarge(this.config.maxUploadBytes, true);
    this.streamed = true;
    this.raw.on("data", (chunk: Buffer) => {
      this.counter.bytes += chunk.length;
    });
    return this.raw;
  }
}

export interface OriginOptions {
  /** Tenant name, or "authority". */
  name: string;
  isAuthority: boolean;
  tenant: () => TenantRecord | undefined;
  routes: Routes;
  config: EmulatorConfig;
  faults: FaultController;
  log: RequestLog;
  tls: { cert: string; key: string };
}

export interface Origin {
  server: Server;
  /** Destroys every open connection (offline, stop). */
  dropConnections(): void;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function throttleBody(shape: ErrorShape, status: 429 | 503): { code: string; message: string } {
  const busy = status === 503;
  if (shape === "graph") return { code: busy ? "serviceNotAvailable" : "activityLimitReached", message: busy ? "The service is temporarily unavailable." : "The request has been throttled" };
  if (shape === "oauth") return { code: "temporarily_unavailable", message: "The server is temporarily unable to handle the request." };
  return {
    code: busy ? "-2147024809, Microsoft.SharePoint.SPServerTooBusyException" : "-2147024860, Microsoft.SharePoint.SPRequestThrottledException",
    message: busy ? "The server is busy. Please retry later." : "The request has been throttled. Please retry after the time in the Retry-After header.",
  };
}

export function createOrigin(opts: OriginOptions): Origin {
  const sockets = new Set<Socket>();

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const started = Date.now();
    const rawUrl = req.url ?? "/";
    const q = rawUrl.indexOf("?");
    const rawPath = q < 0 ? rawUrl : rawUrl.slice(0, q);
    const shape = shapeFor(opts.isAuthority, rawPath);
    const method = (req.method ?? "GET").toUpperCase();
    const sent: ByteSink = { bytes: 0 };
    const received = { bytes: 0 };
    let fault: "throttled" | "offline" | undefined;
    req.on("error", () => undefined);
    res.on("error", () => undefined);

    let logged = false;
    const isLogQuery = opts.isAuthority && rawPath.startsWith("/admin/requests");
    const openId = isLogQuery ? undefined : opts.log.begin();
    const logIt = (): void => {
      if (logged || isLogQuery) return;
      logged = true;
      if (openId !== undefined) opts.log.end(openId);
      opts.log.add({
        time: new Date(started).toISOString(),
        origin: opts.name,
        tenant: opts.isAuthority ? undefined : opts.name,
        method,
        path: redactPath(rawUrl),
        status: res.headersSent ? res.statusCode : 0,
        headers: redactHeaders(req.headers),
        requestBytes: received.bytes,
        responseBytes: sent.bytes,
        durationMs: Date.now() - started,
        fault: fault ?? (sent.cut ? "reset" : res.writableFinished ? undefined : "aborted"),
      });
    };

    // The admin API stays reachable whatever faults the authority has: tests must be able to clear them.
    const exempt = opts.isAuthority && rawPath.startsWith("/admin");
    if (!exempt && opts.faults.isOffline(opts.name)) {
      fault = "offline";
      logIt();
      req.socket.destroy();
      return;
    }

    const rf: RequestFaults = exempt ? NO_FAULTS : opts.faults.forRequest(opts.name);
    const hasBody = method !== "HEAD";
    sent.onCut = logIt;
    instrumentResponse(res, rf, sent, hasBody);
    res.on("close", logIt);

    try {
      if (rf.latencyMs > 0) await sleep(rf.latencyMs);
      if (rf.throttle) {
        fault = "throttled";
        const b = throttleBody(shape, rf.throttle.status);
        writeError(req, res, shape, rf.throttle.status, b.code, b.message, { "Retry-After": String(rf.throttle.retryAfterSeconds) });
        return;
      }
      if (!rawPath.startsWith("/") || !wellEncoded(rawPath)) {
        throw new CoreError(400, { sp: INVALID_QUERY, graph: "invalidRequest", oauth: "invalid_request" }, "Bad Request - Invalid URL");
      }
      const host = req.headers.host && /^[A-Za-z0-9.\-[\]:]+$/.test(req.headers.host) ? req.headers.host : `127.0.0.1:${req.socket.localPort}`;
      let url: URL;
      try {
        url = new URL(rawUrl, `https://${host}`);
      } catch {
        throw new CoreError(400, { sp: INVALID_QUERY, graph: "invalidRequest", oauth: "invalid_request" }, "Bad Request - Invalid URL");
      }
      const tunnel = typeof req.headers["x-http-method"] === "string" ? req.headers["x-http-method"].toUpperCase() : undefined;
      const found = opts.routes.match(method, tunnel, rawPath);
      if (found === undefined) throw notFound(shape, rawPath);
      if (found === "method") {
        throw new CoreError(
          405,
          { sp: "-1, Microsoft.SharePoint.Client.ClientServiceException", graph: "invalidRequest", oauth: "invalid_request" },
          `The HTTP method '${method}' cannot be used to access the resource.`,
        );
      }
      const emu = new Request(req, url, rawPath, opts.isAuthority ? undefined : opts.tenant(), found.params, opts.config, received);
      await found.route.handler(emu, res);
    } catch (err) {
      writeFailure(req, res, shape, err, `${method} ${rawPath}`);
    }
  };

  const server = createHttpsServer(
    {
      cert: opts.tls.cert,
      key: opts.tls.key,
      keepAlive: true,
      keepAliveTimeout: 30_000,
      headersTimeout: 60_000,
      // Large uploads on a slow shared machine must not hit a request deadline.
      requestTimeout: 0,
    },
    (req, res) => {
      void handle(req, res);
    },
  );
  server.keepAliveTimeout = 30_000;

  server.on("connection", (socket: Socket) => {
    // The authority also serves the admin API, so it goes offline per request, not per connection.
    if (!opts.isAuthority && opts.faults.isOffline(opts.name)) {
      socket.destroy();
      return;
    }
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => undefined);
  });
  server.on("tlsClientError", () => undefined);
  server.on("clientError", (err: NodeJS.ErrnoException, socket: Socket) => {
    if (!socket.writable || err.code === "ECONNRESET") {
      socket.destroy();
      return;
    }
    const body = JSON.stringify({ "odata.error": { code: INVALID_QUERY, message: { lang: "en-US", value: "Bad Request" } } });
    socket.end(`HTTP/1.1 400 Bad Request\r\nContent-Type: application/json;charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
  });

  return {
    server,
    dropConnections: () => {
      for (const s of sockets) s.destroy();
      sockets.clear();
    },
  };
}

function notFound(shape: ErrorShape, rawPath: string): CoreError {
  if (shape === "graph") return new CoreError(400, { sp: INVALID_QUERY, graph: "invalidRequest", oauth: "invalid_request" }, "Invalid request");
  if (shape === "oauth") return new CoreError(404, { sp: INVALID_QUERY, graph: "invalidRequest", oauth: "not_found" }, `No endpoint at ${rawPath}.`);
  const api = /\/_api\/(.*)$/i.exec(rawPath);
  if (api) {
    const segment = decodeSafe(api[1] ?? "").split("/").filter(Boolean).pop() ?? "";
    return new CoreError(404, { sp: "-1, Microsoft.SharePoint.Client.ResourceNotFoundException", graph: "itemNotFound", oauth: "not_found" }, `Cannot find resource for the request ${segment}.`);
  }
  return new CoreError(404, { sp: "-2147024894, System.IO.FileNotFoundException", graph: "itemNotFound", oauth: "not_found" }, "File Not Found.");
}

function decodeSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
