/**
 * The control endpoint: JSON-RPC 2.0 (vscode-jsonrpc, Content-Length framing) on a Unix socket.
 *
 * Vocabulary: a *connection* is one client socket; a *request* is one JSON-RPC call on it.
 * Requests on one connection run concurrently; many connections are served at once.
 *
 * Boundary rules, all in `dispatch` (the one place handler errors become JSON-RPC errors):
 * unknown method → -32601; params not a by-name object or not matching the OpenRPC schema →
 * -32602 with the validator's message; a planned method → notSupported; a KonnektError → its
 * mapped code with `data.code`; anything else → logged with its stack, answered -32603 without
 * details. Results are checked against the schema too: a mismatch is our bug, answered as internal.
 *
 * Cancellation: `$/cancelRequest` cancels vscode-jsonrpc's token, which aborts the AbortSignal the
 * handler got; an aborted request answers `cancelled`.
 *
 * Lifecycle: `close(timeoutMs)` stops accepting, lets running requests finish (up to the timeout),
 * then closes connections; `destroy()` drops everything now. Both are idempotent.
 *
 * Who may connect: the socket is bound under umask 0177 (so it is never wider than 0600) in a 0700
 * directory when the endpoint rule gives one, and every accepted connection is checked by a
 * PeerVerifier (rpc/peer.ts: SO_PEERCRED uid on Linux) before a byte is read: a peer of another
 * user is closed at once, whatever the file modes say (docs/rpc.md §1).
 */
import { chmodSync, lstatSync, mkdirSync, unlinkSync } from "node:fs";
import { createConnection, createServer, type Server, type Socket } from "node:net";
import type { Logger } from "pino";
import {
  createMessageConnection,
  ErrorCodes,
  ResponseError,
  StreamMessageWriter,
  type CancellationToken,
  type Message,
  type MessageConnection,
} from "vscode-jsonrpc/node.js";
import type { NotificationMap, NotificationName, RequestMap, RequestName } from "../../rpc-schema/generated/methods.js";
import { REQUEST_STATUS } from "../../rpc-schema/generated/methods.js";
import { KonnektError, toKonnektError } from "../../workers/errors.js";
import type { Endpoint } from "./endpoint.js";
import { loadPeerNative, platformPeerVerifier, type PeerVerifier } from "./peer.js";
import { toResponseError } from "./errors.js";
import { BoundedMessageReader, type FramingLimits, type ProtocolFault } from "./framing.js";
import { SchemaValidator } from "./validation.js";

/** How long close() lets a connection flush its last responses before cutting it. */
const CLIENT_END_GRACE_MS = 1000;
/** Refused peers logged as warnings; after that one warning per REFUSALS_LOG_EVERY (a flood must not fill the log). */
const REFUSALS_WARNED = 10;
const REFUSALS_LOG_EVERY = 1000;

export interface RequestContext {
  signal: AbortSignal;
  /** Sends a notification to the client that made this request. */
  notify<N extends NotificationName>(name: N, params: NotificationMap[N]): void;
  logger: Logger;
}

export type RequestHandler<M extends RequestName> = (params: RequestMap[M]["params"], ctx: RequestContext) => Promise<RequestMap[M]["result"]>;

/** Handlers for the implemented methods; a method without a handler answers notSupported. */
export type RequestHandlers = { [M in RequestName]?: RequestHandler<M> };

export interface RpcServerOptions {
  endpoint: Endpoint;
  handlers: RequestHandlers;
  logger: Logger;
  limits?: Partial<FramingLimits>;
  /** Who may connect; by default this platform's check of the peer's user (fails closed). */
  peerVerifier?: PeerVerifier;
}

interface ClientConnection {
  id: number;
  socket: Socket;
  rpc: MessageConnection;
  writer: TrackingMessageWriter;
  faults: number;
}

/**
 * StreamMessageWriter defers each write to a later turn (its semaphore uses setImmediate), so a
 * response is not on the socket when its handler settles. close() waits for `flushed()` before
 * ending a connection, so the reply to `daemon.shutdown` (and every drained request) gets out.
 */
class TrackingMessageWriter extends StreamMessageWriter {
  private readonly pending = new Set<Promise<void>>();

  override write(msg: Message): Promise<void> {
    const p = super.write(msg);
    this.pending.add(p);
    void p.catch(() => undefined).finally(() => this.pending.delete(p));
    return p;
  }

  async flushed(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }
}

export class RpcServer {
  private readonly validator = new SchemaValidator();
  private readonly connections = new Map<number, ClientConnection>();
  private readonly running = new Set<Promise<unknown>>();
  private server: Server | undefined;
  private nextConnectionId = 1;
  private closing: Promise<void> | undefined;
  private refused = 0;
  private readonly peerVerifier: PeerVerifier;

  constructor(private readonly options: RpcServerOptions) {
    this.peerVerifier = options.peerVerifier ?? platformPeerVerifier(loadPeerNative());
  }

  /** Connections refused because the peer was another user (or could not be identified). */
  get refusedCount(): number {
    return this.refused;
  }

  get endpoint(): Endpoint {
    return this.options.endpoint;
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  async listen(): Promise<void> {
    const { endpoint } = this.options;
    if (endpoint.privateDir !== null) preparePrivateDir(endpoint.privateDir);
    await removeStaleSocket(endpoint.path);
    const server = createServer((socket) => this.accept(socket));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      // Bind with umask 0177 so the socket is 0600 from the first instant (listen on a path binds
      // synchronously); chmod afterwards states the intent and covers odd umask semantics.
      const previous = process.umask(0o177);
      try {
        server.listen(endpoint.path, () => {
          server.off("error", reject);
          resolve();
        });
      } finally {
        process.umask(previous);
      }
    });
    chmodSync(endpoint.path, 0o600);
    server.on("error", (err) => this.options.logger.error({ err }, "control endpoint error"));
    this.options.logger.info({ peerCheck: this.peerVerifier.description }, "control endpoint listening");
  }

  /** Sends a notification to every connected client (events: worker restarted, needs sign-in …). */
  broadcast<N extends NotificationName>(name: N, params: NotificationMap[N]): void {
    for (const c of this.connections.values()) void c.rpc.sendNotification(name, params).catch(() => undefined);
  }

  /**
   * Broadcasts a notification that came from elsewhere (a tenant worker): only names the document
   * declares as notifications, with params matching their schema, reach clients.
   */
  broadcastUnchecked(method: string, params: unknown): void {
    const v = this.validator.get(method);
    if (!v || v.method["x-konnekt-kind"] !== "notification") {
      this.options.logger.warn({ method }, "dropped an undeclared notification");
      return;
    }
    if (!v.params(params)) {
      this.options.logger.warn({ method, problem: this.validator.describe(v.params) }, "dropped a notification with invalid params");
      return;
    }
    this.broadcast(method as NotificationName, params as NotificationMap[NotificationName]);
  }

  close(timeoutMs = 10_000): Promise<void> {
    this.closing ??= this.drain(timeoutMs);
    return this.closing;
  }

  destroy(): void {
    this.server?.close();
    for (const c of this.connections.values()) this.drop(c);
    this.unlinkSocket();
  }

  private async drain(timeoutMs: number): Promise<void> {
    const server = this.server;
    const closed = server ? new Promise<void>((resolve) => server.close(() => resolve())) : Promise.resolve();
    this.unlinkSocket();
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, timeoutMs);
      timer.unref();
    });
    const settled = (async () => {
      // Requests can start while others finish (a pipelined client): wait until none is left.
      while (this.running.size > 0) await Promise.allSettled([...this.running]);
    })();
    await Promise.race([settled, deadline]);
    clearTimeout(timer);
    // Let the last responses reach their sockets before ending them.
    await Promise.all([...this.connections.values()].map((c) => endSocket(c)));
    for (const c of this.connections.values()) this.drop(c);
    await closed;
  }

  private unlinkSocket(): void {
    try {
      unlinkSync(this.options.endpoint.path);
    } catch {
      // Already gone (destroy after close, or removed by an administrator).
    }
  }

  private accept(socket: Socket): void {
    if (this.closing) {
      socket.destroy();
      return;
    }
    const verdict = this.peerVerifier.verify(socket);
    if (!verdict.allowed) {
      // Closed before reading anything: the peer learns nothing, not even the framing.
      socket.destroy();
      this.refused++;
      const level = this.refused <= REFUSALS_WARNED || this.refused % REFUSALS_LOG_EVERY === 0 ? "warn" : "debug";
      // Only kernel-reported identity and our reason: nothing the client sent is logged.
      this.options.logger[level]({ peer: verdict.peer, reason: verdict.reason, refused: this.refused }, "refused a control connection");
      return;
    }
    const id = this.nextConnectionId++;
    const log = this.options.logger.child({ connection: id });
    const writer = new TrackingMessageWriter(socket);
    const reader = new BoundedMessageReader(socket, (fault) => this.onFault(client, fault, log), this.options.limits);
    const rpc = createMessageConnection(reader, writer, {
      error: (m) => log.warn(m),
      warn: (m) => log.warn(m),
      info: (m) => log.debug(m),
      log: (m) => log.debug(m),
    });
    const client: ClientConnection = { id, socket, rpc, writer, faults: 0 };
    this.connections.set(id, client);
    rpc.onRequest((method, params, token) => this.dispatch(method, params, token, client, log));
    rpc.onNotification((method) => {
      if (method !== "$/cancelRequest" && method !== "$/setTrace") log.debug({ method }, "ignored notification");
    });
    rpc.onError(([err]) => log.debug({ err }, "connection error"));
    rpc.onClose(() => {
      this.connections.delete(id);
      rpc.dispose();
      log.debug("client disconnected");
    });
    socket.on("error", (err) => log.debug({ err }, "socket error"));
    rpc.listen();
    log.debug("client connected");
  }

  private onFault(client: ClientConnection, fault: ProtocolFault, log: Logger): void {
    // A broken client can send thousands of bad frames: the first is a warning, the rest debug.
    client.faults++;
    const level = client.faults === 1 || fault.fatal ? "warn" : "debug";
    log[level]({ fault: { code: fault.code, message: fault.message, fatal: fault.fatal }, faults: client.faults }, "protocol error from client");
    const answer = client.writer.write({ jsonrpc: "2.0", id: fault.id, error: { code: fault.code, message: fault.message } } as never);
    if (fault.fatal) {
      void answer.catch(() => undefined).finally(() => {
        // The stream cannot be resynchronised: finish the error response, then hang up.
        client.socket.end();
      });
    }
  }

  /** The one place where a request becomes a handler call and a handler outcome becomes a response. */
  private dispatch(method: string, params: unknown, token: CancellationToken, client: ClientConnection, log: Logger): Promise<unknown> {
    const validators = this.validator.get(method);
    if (!validators || validators.method["x-konnekt-kind"] === "notification") {
      return Promise.resolve(new ResponseError(ErrorCodes.MethodNotFound, `Unknown method '${method}'.`));
    }
    if (Array.isArray(params)) {
      return Promise.resolve(invalidParams(`params for ${method} must be an object (by name), not an array`));
    }
    const byName = params ?? {};
    if (!validators.params(byName)) {
      return Promise.resolve(invalidParams(`invalid params for ${method}: ${this.validator.describe(validators.params)}`));
    }
    const name = method as RequestName;
    const handler = this.options.handlers[name] as RequestHandler<RequestName> | undefined;
    if (!handler) {
      const what = REQUEST_STATUS[name] === "planned" ? "is not available yet in this version of Konnekt" : "has no handler";
      return Promise.resolve(toResponseError(new KonnektError("notSupported", `${method} ${what}.`, { method })));
    }
    const controller = new AbortController();
    // A cancel that arrived while the request was still queued leaves the token already cancelled,
    // and a cancelled token never fires its event again.
    if (token.isCancellationRequested) controller.abort();
    const cancel = token.onCancellationRequested(() => controller.abort());
    const ctx: RequestContext = {
      signal: controller.signal,
      logger: log,
      notify: (n, p) => void client.rpc.sendNotification(n, p).catch(() => undefined),
    };
    const run = (async () => {
      try {
        const result = await handler(byName, ctx);
        if (controller.signal.aborted) throw new KonnektError("cancelled", `${method} was cancelled.`);
        if (validators.result && !validators.result(result)) {
          throw new Error(`result of ${method} does not match its schema: ${this.validator.describe(validators.result)}`);
        }
        return result;
      } catch (err) {
        let error = toKonnektError(err);
        if (controller.signal.aborted && error.code !== "cancelled") error = new KonnektError("cancelled", `${method} was cancelled.`, {}, { cause: err });
        if (error.code === "internal") log.error({ err, method }, "request failed unexpectedly");
        else log.debug({ method, code: error.code }, "request failed");
        return toResponseError(error);
      } finally {
        cancel.dispose();
      }
    })();
    this.running.add(run);
    void run.finally(() => this.running.delete(run));
    return run;
  }

  private drop(c: ClientConnection): void {
    this.connections.delete(c.id);
    c.rpc.dispose();
    c.socket.destroy();
  }
}

function invalidParams(message: string): ResponseError<{ code: "invalidArgument" }> {
  return new ResponseError(ErrorCodes.InvalidParams, message, { code: "invalidArgument" });
}

/** Flushes pending responses, then ends the socket; a client that never reads gets one second. */
function endSocket(c: ClientConnection): Promise<void> {
  const graceful = (async () => {
    await c.writer.flushed();
    if (!c.socket.destroyed) await new Promise<void>((resolve) => c.socket.end(() => resolve()));
  })();
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, CLIENT_END_GRACE_MS);
  });
  return Promise.race([graceful, limit]).finally(() => clearTimeout(timer));
}

function preparePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const st = lstatSync(dir);
  const uid = process.getuid?.();
  if (!st.isDirectory() || (uid !== undefined && st.uid !== uid)) {
    throw new KonnektError("accessDenied", `Refusing to use ${dir} for the control endpoint: it is not a directory owned by this user.`, { path: dir });
  }
  if ((st.mode & 0o777) !== 0o700) chmodSync(dir, 0o700);
}

/**
 * Removes a socket left by a daemon that died; refuses anything that is not our own socket
 * (squatting guard) or a socket somebody still answers on.
 */
async function removeStaleSocket(path: string): Promise<void> {
  let st;
  try {
    st = lstatSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return;
    throw err;
  }
  const uid = process.getuid?.();
  if (!st.isSocket() || (uid !== undefined && st.uid !== uid)) {
    throw new KonnektError("accessDenied", `Refusing to replace ${path}: it is not a socket owned by this user.`, { path });
  }
  if (await answers(path)) {
    throw new KonnektError("alreadyExists", `Another process is already listening on ${path}.`, { path });
  }
  unlinkSync(path);
}

function answers(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createConnection(path);
    probe.once("connect", () => {
      probe.destroy();
      resolve(true);
    });
    probe.once("error", () => resolve(false));
  });
}
