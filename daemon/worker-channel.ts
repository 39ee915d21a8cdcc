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
import { createMessageConnection, IPCMessageReader, IPCMessageWriter, type MessageConnection } from "vscode-jsonrpc/node.js";
import { KonnektError } from "../workers/errors.js";

export const WORKER_READY = "worker.ready";
export const WORKER_SHUTDOWN = "worker.shutdown";
/** An orphaned worker (its daemon died) exits after this even if its own stop hangs. */
export const ORPHAN_EXIT_DEADLINE_MS = 30_000;

export interface WorkerReadyParams {
  pid: number;
}

export interface WorkerShutdownParams {
  timeoutMs: number;
}

export interface SupervisorChannel {
  connection: MessageConnection;
  /** Starts listening and tells the supervisor the worker can take calls. */
  ready: () => void;
}

export function connectToSupervisor(): SupervisorChannel {
  if (typeof process.send !== "function") {
    throw new KonnektError("notSupported", "This module is a tenant worker: it runs only as a child of `konnekt daemon`.");
  }
  const connection = createMessageConnection(new IPCMessageReader(process), new IPCMessageWriter(process));
  // The supervisor is gone (crash or kill -9). A worker must not outlive it: it would keep its
  // mounts and its journal busy while the next daemon starts a new worker for the same tenant.
  // `process` signals the end of the IPC channel with "disconnect" (vscode-jsonrpc's IPC reader
  // listens for "close", which `process` never emits). The orphan stops exactly as on SIGTERM: the
  // worker's handler drains uploads briefly, unmounts and exits 0; what did not upload stays in the
  // journal for the next worker. Without a SIGTERM handler the signal's default ends the process.
  process.once("disconnect", () => {
    setTimeout(() => process.exit(0), ORPHAN_EXIT_DEADLINE_MS).unref();
    process.kill(process.pid, "SIGTERM");
  });
  return {
    connection,
    ready: () => {
      connection.listen();
      void connection.sendNotification(WORKER_READY, { pid: process.pid } satisfies WorkerReadyParams);
    },
  };
}
