/**
 * A typed client for the control endpoint, used by the `konnekt` CLI and the tests.
 * Method names, params and results come from the generated RequestMap; JSON-RPC errors come back
 * as KonnektErrors (daemon/rpc/errors.ts), so callers switch on `err.code`.
 */
import { createConnection, type Socket } from "node:net";
import {
  CancellationTokenSource,
  createMessageConnection,
  ResponseError,
  StreamMessageReader,
  StreamMessageWriter,
  type MessageConnection,
} from "vscode-jsonrpc/node.js";
import type { NotificationMap, NotificationName, RequestMap, RequestName } from "../rpc-schema/generated/methods.js";
import { KonnektError } from "../workers/errors.js";
import { defaultEndpoint } from "./rpc/endpoint.js";
import { fromResponseError } from "./rpc/errors.js";

/** How long connect() waits for the socket before saying the daemon is unavailable. */
export const CONNECT_TIMEOUT_MS = 5000;

export class RpcClient {
  private closed = false;

  constructor(
    readonly connection: MessageConnection,
    private readonly socket: Socket,
    readonly endpoint: string,
  ) {}

  async request<M extends RequestName>(method: M, params: RequestMap[M]["params"], signal?: AbortSignal): Promise<RequestMap[M]["result"]> {
    return this.requestRaw(method, params, signal) as Promise<RequestMap[M]["result"]>;
  }

  /** Any method name and params, unchecked: for `konnekt rpc` and protocol tests. */
  async requestRaw(method: string, params: unknown, signal?: AbortSignal): Promise<unknown> {
    const cts = new CancellationTokenSource();
    const onAbort = (): void => cts.cancel();
    signal?.addEventListener("abort", onAbort, { once: true });
    try {
      return await this.connection.sendRequest(method, params as object, cts.token);
    } catch (err) {
      if (err instanceof ResponseError) throw fromResponseError(err as ResponseError<unknown>);
      throw new KonnektError("daemonUnavailable", `The connection to the Konnekt daemon was lost (${(err as Error).message}).`, {}, { cause: err });
    } finally {
      signal?.removeEventListener("abort", onAbort);
      cts.dispose();
    }
  }

  onNotification<N extends NotificationName>(name: N, listener: (params: NotificationMap[N]) => void): void {
    this.connection.onNotification(name, (params: NotificationMap[N]) => listener(params));
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.connection.dispose();
    this.socket.destroy();
  }
}

export async function connect(endpoint: string = defaultEndpoint().path, timeoutMs = CONNECT_TIMEOUT_MS): Promise<RpcClient> {
  const socket = await new Promise<Socket>((resolve, reject) => {
    const s = createConnection(endpoint);
    const timer = setTimeout(() => {
      s.destroy();
      reject(new KonnektError("daemonUnavailable", `The Konnekt daemon did not answer at ${endpoint} within ${timeoutMs} ms.`, { endpoint }));
    }, timeoutMs);
    s.once("connect", () => {
      clearTimeout(timer);
      resolve(s);
    });
    s.once("error", (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      const why = err.code === "ENOENT" || err.code === "ECONNREFUSED" ? "is not running" : `cannot be reached (${err.code ?? err.message})`;
      reject(new KonnektError("daemonUnavailable", `The Konnekt daemon ${why} at ${endpoint}; start it with 'konnekt daemon'.`, { endpoint }));
    });
  });
  const connection = createMessageConnection(new StreamMessageReader(socket), new StreamMessageWriter(socket));
  socket.on("error", () => undefined);
  connection.listen();
  return new RpcClient(connection, socket, endpoint);
}
