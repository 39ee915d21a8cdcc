/**
 * A typed client for the control endpoint, used by the `konnekt` CLI and the tests.
 * Method names, params and results come from the generated RequestMap; JSON-RPC errors come back
 * as KonnektErrors (daemon/rpc/errors.ts), so callers switch on `err.code`.
 */
import { createConnection } from "node:net";
import { CancellationTokenSource, createMessageConnection, ResponseError, StreamMessageReader, StreamMessageWriter, } from "vscode-jsonrpc/node.js";
import { KonnektError } from "../workers/errors.js";
import { defaultEndpoint } from "./rpc/endpoint.js";
import { fromResponseError } from "./rpc/errors.js";
/** How long connect() waits for the socket before saying the daemon is unavailable. */
export const CONNECT_TIMEOUT_MS = 5000;
export class RpcClient {
    connection;
    socket;
    endpoint;
    closed = false;
    constructor(connection, socket, endpoint) {
        this.connection = connection;
        this.socket = socket;
        this.endpoint = endpoint;
    }
    async request(method, params, signal) {
        return this.requestRaw(method, params, signal);
    }
    /** Any method name and params, unchecked: for `konnekt rpc` and protocol tests. */
    async requestRaw(method, params, signal) {
        const cts = new CancellationTokenSource();
        const onAbort = () => cts.cancel();
        signal?.addEventListener("abort", onAbort, { once: true });
        try {
            return await this.connection.sendRequest(method, params, cts.token);
        }
        catch (err) {
            if (err instanceof ResponseError)
                throw fromResponseError(err);
            throw new KonnektError("daemonUnavailable", `The connection to the Konnekt daemon was lost (${err.message}).`, {}, { cause: err });
        }
        finally {
            signal?.removeEventListener("abort", onAbort);
            cts.dispose();
        }
    }
    onNotification(name, listener) {
        this.connection.onNotification(name, (params) => listener(params));
    }
    close() {
        if (this.closed)
            return;
        this.closed = true;
        this.connection.dispose();
        this.socket.destroy();
    }
}
export async function connect(endpoint = defaultEndpoint().path, timeoutMs = CONNECT_TIMEOUT_MS) {
    const socket = await new Promise((resolve, reject) => {
        const s = createConnection(endpoint);
        const timer = setTimeout(() => {
            s.destroy();
            reject(new KonnektError("daemonUnavailable", `The Konnekt daemon did not answer at ${endpoint} within ${timeoutMs} ms.`, { endpoint }));
        }, timeoutMs);
        s.once("connect", () => {
            clearTimeout(timer);
            resolve(s);
        });
        s.once("error", (err) => {
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
//# sourceMappingURL=client.js.map