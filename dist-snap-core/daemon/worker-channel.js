/**
 * The worker side of the supervisor ↔ tenant worker channel: JSON-RPC over the Node IPC channel
 * that `fork()` opens (vscode-jsonrpc's IPC transport). A worker module calls `connectToSupervisor`,
 * registers its handlers, then `ready()`; the supervisor forwards control-plane calls to it and
 * asks it to stop with `worker.shutdown` (drain, then exit 0).
 *
 * Protocol between supervisor and worker (internal, not part of the public OpenRPC document):
 *   worker → supervisor  notification `worker.ready` {pid}
 *   supervisor → worker  request `worker.shutdown` {timeoutMs} → {} (then the worker exits 0)
 *   worker → supervisor  any public notification (progress, tenant.needsSignIn, …): broadcast
 *   supervisor → worker  any public request for that tenant: answered by the worker
 */
import { createMessageConnection, IPCMessageReader, IPCMessageWriter } from "vscode-jsonrpc/node.js";
import { KonnektError } from "../workers/errors.js";
export const WORKER_READY = "worker.ready";
export const WORKER_SHUTDOWN = "worker.shutdown";
export function connectToSupervisor() {
    if (typeof process.send !== "function") {
        throw new KonnektError("notSupported", "This module is a tenant worker: it runs only as a child of `konnekt daemon`.");
    }
    const connection = createMessageConnection(new IPCMessageReader(process), new IPCMessageWriter(process));
    // The supervisor is gone (crash or kill -9): a worker must not outlive it, holding mounts.
    connection.onClose(() => process.exit(0));
    return {
        connection,
        ready: () => {
            connection.listen();
            void connection.sendNotification(WORKER_READY, { pid: process.pid });
        },
    };
}
//# sourceMappingURL=worker-channel.js.map