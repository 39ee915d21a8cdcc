/**
 * Entry of a tenant worker process (forked by the daemon's supervisor, one per tenant). It owns the
 * tenant's engines and mounts, answers the tenant-scoped control-plane methods the daemon forwards,
 * and sends notifications (sign-in prompts, progress, conflicts) back for the daemon to broadcast.
 * `worker.shutdown` unmounts, lets uploads drain, and exits 0.
 */
import { connectToSupervisor, WORKER_SHUTDOWN, type WorkerShutdownParams } from "../../daemon/worker-channel.js";
import { KonnektError, toKonnektError } from "../errors.js";
import { scheduleMemoryTrim } from "../process-memory.js";
import { readWorkerOptions } from "./options.js";
import { TenantWorker } from "./worker.js";
import type { CancellationToken } from "vscode-jsonrpc/node.js";
import { toResponseError } from "../../daemon/rpc/errors.js";

function signalOf(token: CancellationToken): AbortSignal {
  const c = new AbortController();
  if (token.isCancellationRequested) c.abort();
  token.onCancellationRequested(() => c.abort());
  return c.signal;
}

async function main(): Promise<void> {
  const options = readWorkerOptions();
  const channel = connectToSupervisor();
  const rpc = channel.connection;
  const worker = new TenantWorker(options, (method, params) => void rpc.sendNotification(method, params));

  type Handler = (params: Record<string, unknown>, signal: AbortSignal) => Promise<unknown>;
  const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);
  const path = (p: Record<string, unknown>): string => {
    const v = str(p.path);
    if (!v) throw new KonnektError("invalidArgument", "path is required.");
    return v;
  };
  const handlers: Record<string, Handler> = {
    "tenant.connect": (p, s) => worker.connect(p, s),
    "tenant.status": () => Promise.resolve(worker.status()),
    "tenant.signOut": async () => {
      await worker.signOut();
      return {};
    },
    "library.list": (p) => Promise.resolve({ libraries: worker.libraries(str(p.site)) }),
    "library.refresh": async (_p, s) => ({ libraries: await worker.refresh(s) }),
    "drive.mount": (p, s) => worker.mountDrive(p as { path: string }, s),
    "drive.unmount": async (p) => {
      if (!(await worker.unmountDrive(str(p.drive) ?? ""))) throw new KonnektError("notFound", `No drive ${String(p.drive)}.`);
      return {};
    },
    "drive.list": () => Promise.resolve({ drives: worker.driveList() }),
    "item.info": (p, s) => worker.itemInfo(path(p), s),
    "item.webUrl": async (p, s) => ({ url: await worker.webUrl(path(p), s) }),
    "item.sharingLink": (p, s) => worker.sharingLink(p as { path: string }, s),
    "item.versions": async (p, s) => ({ versions: await worker.versions(path(p), s) }),
    "item.restoreVersion": (p, s) => worker.restoreVersion(path(p), str(p.version) ?? "", s),
    "cache.stats": () => Promise.resolve(worker.cacheStats()),
    "cache.pin": (p, s) => worker.pin(p as { path: string }, s),
    "cache.unpin": async (p, s) => {
      await worker.unpin(p as { path: string }, s);
      return {};
    },
    "cache.clear": (p) => Promise.resolve(worker.clearCache(p.includePinned === true)),
    "upload.list": () => Promise.resolve({ uploads: worker.uploads(), open: worker.openWrites() }),
    "upload.wait": (p, s) => worker.waitUploads(typeof p.timeoutMs === "number" ? p.timeoutMs : undefined, s),
    "worker.resolvesPath": (p) => {
      try {
        worker.namespacePath(path(p));
        return Promise.resolve({ ok: true });
      } catch {
        return Promise.resolve({ ok: false });
      }
    },
  };
  for (const [method, handler] of Object.entries(handlers)) {
    rpc.onRequest(method, async (params: unknown, token: CancellationToken) => {
      try {
        return await handler((params ?? {}) as Record<string, unknown>, signalOf(token));
      } catch (err) {
        // Only code and data cross the channel; the supervisor turns them back into KonnektErrors.
        const k = toKonnektError(err);
        if (k.code === "internal") process.stderr.write(`${options.tenant}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
        return toResponseError(k);
      }
    });
  }
  rpc.onRequest(WORKER_SHUTDOWN, async (p: WorkerShutdownParams) => {
    await worker.close(p.timeoutMs);
    setImmediate(() => process.exit(0));
    return {};
  });
  // Ctrl-C in a terminal signals the whole process group: the daemon decides when its workers stop
  // (worker.shutdown), so SIGINT is ignored here; a SIGTERM sent to the worker alone still unmounts
  // and drains before exiting instead of leaving a dead mount behind.
  process.on("SIGINT", () => undefined);
  // A memory report on demand (bench/daemon-memory.ts; operators): one stderr line, so it lands in
  // the daemon log as worker output.
  process.on("SIGUSR2", () => process.stderr.write(`${JSON.stringify({ "konnekt-memory": process.memoryUsage() })}\n`));
  process.once("SIGTERM", () => {
    void worker.close(5_000).finally(() => process.exit(0));
  });
  channel.ready();
  await worker.boot();
  // Sign-in, discovery and mounting free most of what they allocate; an idle worker gives it back.
  scheduleMemoryTrim();
}

main().catch((err: unknown) => {
  process.stderr.write(`tenant worker: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
