/**
 * The control-plane methods the daemon answers itself (daemon.*, config.*, log.*). Tenant-scoped
 * families (tenant, library, drive, item, cache, upload) are forwarded to tenant workers once the
 * TenantWorker plugs into the supervisor; until then they answer notSupported (rpc/server.ts).
 */
import type { Logger } from "pino";
import { PROTOCOL_VERSION, type Tenant } from "../rpc-schema/generated/methods.js";
import { KonnektError } from "../workers/errors.js";
import type { ConfigStore } from "./config/store.js";
import { tailLines } from "./log.js";
import type { RequestHandlers } from "./rpc/server.js";
import type { Supervisor, TenantHostState } from "./supervisor.js";
import { konnektVersion } from "./version.js";

/** Default and ceiling of log.tail (the schema enforces the ceiling too). */
const LOG_TAIL_DEFAULT_LINES = 100;

export interface DaemonContext {
  startedAt: Date;
  endpoint: string;
  config: ConfigStore;
  supervisor: Supervisor;
  logger: Logger;
  logFile: string;
  /** Starts a graceful stop after the current response is sent. */
  requestShutdown(): void;
}

const HOST_STATE: Record<TenantHostState, Tenant["state"]> = {
  stopped: "disconnected",
  starting: "starting",
  running: "connected",
  restarting: "restarting",
  stopping: "disconnected",
};

export function daemonHandlers(d: DaemonContext): RequestHandlers {
  const versionInfo = () => ({
    version: konnektVersion(),
    node: process.version,
    platform: process.platform,
    arch: process.arch,
    protocol: PROTOCOL_VERSION,
  });
  return {
    "daemon.version": () => Promise.resolve(versionInfo()),
    "daemon.status": () =>
      Promise.resolve({
        pid: process.pid,
        uptimeSeconds: (Date.now() - d.startedAt.getTime()) / 1000,
        startedAt: d.startedAt.toISOString(),
        endpoint: d.endpoint,
        version: konnektVersion(),
        node: process.version,
        protocol: PROTOCOL_VERSION,
        configFile: d.config.file,
        policyFile: d.config.policyFile,
        logFile: d.logFile,
        configErrors: d.config.problems.map((p) => ({ key: p.key, message: p.message, file: p.file })),
        tenants: d.supervisor.list().map((h) => ({
          name: h.tenant,
          state: HOST_STATE[h.state],
          ...(h.pid !== undefined ? { workerPid: h.pid } : {}),
          restarts: h.restarts,
        })),
        rssBytes: process.memoryUsage.rss(),
      }),
    "daemon.shutdown": () => {
      d.logger.info("shutdown requested over the control endpoint");
      d.requestShutdown();
      return Promise.resolve({});
    },
    "daemon.echo": async (params, ctx) => {
      if (params.delayMs !== undefined && params.delayMs > 0) await delay(params.delayMs, ctx.signal);
      return "value" in params ? { value: params.value } : {};
    },
    "config.get": (params) => Promise.resolve(d.config.get(params.key)),
    "config.set": (params) => {
      const setting = d.config.set(params.key, params.value);
      d.logger.info({ key: params.key }, "setting changed");
      return Promise.resolve(setting);
    },
    "config.unset": (params) => Promise.resolve(d.config.unset(params.key)),
    "config.list": () => Promise.resolve({ settings: d.config.list() }),
    "log.tail": (params) => Promise.resolve({ file: d.logFile, lines: tailLines(d.logFile, params.lines ?? LOG_TAIL_DEFAULT_LINES) }),
  };
}

function delay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new KonnektError("cancelled", "The request was cancelled."));
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new KonnektError("cancelled", "The request was cancelled."));
    };
    signal.addEventListener("abort", onAbort, { once: true });
  });
}
