/**
 * `konnekt daemon [--foreground] [--json]`: the per-user supervisor daemon.
 *
 * Without --foreground it starts itself detached, waits for the ready line and reports it, so a
 * login script or the PowerShell module can start it and go on. With --json the ready report is
 * one JSON line `{"event":"ready","endpoint":…,"pid":…,"version":…,"tenants":[]}` (the only thing
 * the daemon ever writes to stdout).
 *
 * Start order: directories → config → log → single-instance lock → endpoint → ready.
 * Stop (SIGTERM, SIGINT, daemon.shutdown): stop accepting, drain requests, close tenant workers
 * (each drains its uploads and unmounts), release the lock, exit 0. An uncaught error is logged
 * (synchronously, so it is on disk) and exits 70 after tearing down the endpoint and workers.
 */
import { spawn } from "node:child_process";
import { mkdirSync } from "node:fs";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { KonnektError } from "../workers/errors.js";
import { scheduleMemoryTrim } from "../workers/process-memory.js";
import { ConfigStore } from "./config/store.js";
import { daemonHandlers } from "./handlers.js";
import { Tenants, tenantHandlers } from "./tenants.js";
import { acquireLock } from "./lock.js";
import { createLogger, LOG_LEVELS, type LogLevel } from "./log.js";
import { daemonPaths } from "./paths.js";
import { defaultEndpoint } from "./rpc/endpoint.js";
import { RpcServer } from "./rpc/server.js";
import { Supervisor } from "./supervisor.js";
import { konnektVersion } from "./version.js";

/** How long a graceful stop lets running requests finish. */
export const DRAIN_TIMEOUT_MS = 10_000;
/** Exit status after an uncaught error (EX_SOFTWARE). */
const EXIT_CRASH = 70;

export interface ReadyLine {
  event: "ready";
  endpoint: string;
  pid: number;
  version: string;
  tenants: string[];
  /** The mount root: each tenant is mounted at <mount>/<tenant>. */
  mount: string;
  logFile: string;
}

const USAGE = `usage: konnekt daemon [--foreground] [--json]

  --foreground  run in this process (default: start in the background and return when ready)
  --json        report readiness as one JSON line on stdout
`;

export async function main(argv: string[]): Promise<number> {
  const flags = new Set(argv);
  for (const a of argv) {
    if (a === "-h" || a === "--help") {
      process.stdout.write(USAGE);
      return 0;
    }
    if (a !== "--foreground" && a !== "--json") {
      process.stderr.write(`konnekt daemon: unknown option '${a}'\n\n${USAGE}`);
      return 2;
    }
  }
  const json = flags.has("--json");
  return flags.has("--foreground") ? runForeground(json) : startDetached(json);
}

async function runForeground(json: boolean): Promise<number> {
  const env = process.env;
  const paths = daemonPaths(env);
  for (const dir of [paths.configDir, paths.stateDir, paths.logDir, paths.cacheDir]) mkdirSync(dir, { recursive: true, mode: 0o700 });
  const endpoint = defaultEndpoint(env);
  const config = new ConfigStore(paths);
  config.load();
  const level = config.value("logLevel") as LogLevel;
  const { logger, destination } = createLogger({ file: paths.logFile, level, base: { component: "daemon" } });
  for (const p of config.problems) logger.warn({ key: p.key, file: p.file }, `configuration problem: ${p.message}`);
  config.onChange((key) => {
    if (key === "logLevel") {
      const next = config.value("logLevel");
      if (typeof next === "string" && (LOG_LEVELS as readonly string[]).includes(next)) logger.level = next;
    }
  });

  const startedAt = new Date();
  const lock = acquireLock(paths.lockFile, { pid: process.pid, endpoint: endpoint.path, startedAt: startedAt.toISOString() });
  if (!lock.acquired) {
    const { owner } = lock;
    logger.info({ owner }, "another daemon is running; not starting");
    destination.close();
    throw new KonnektError("alreadyExists", `A Konnekt daemon is already running (pid ${owner.pid}, endpoint ${owner.endpoint}).`, { ...owner });
  }

  // Worker events go to every client; `server` exists by the time a worker can send one.
  const supervisor = new Supervisor(logger, (method, params) => server.broadcastUnchecked(method, params));
  let stopping: Promise<void> | undefined;
  const stop = (reason: string): Promise<void> => {
    stopping ??= (async () => {
      logger.info({ reason }, "stopping");
      await server.close(DRAIN_TIMEOUT_MS);
      await supervisor.close();
      lock.release();
      logger.info("stopped");
      destination.close();
      process.exit(0);
    })();
    return stopping;
  };
  const tenants = new Tenants({ config, paths, supervisor, logger });
  const server = new RpcServer({
    endpoint,
    logger,
    handlers: {
      ...tenantHandlers(tenants),
      ...daemonHandlers({
      startedAt,
      endpoint: endpoint.path,
      config,
      supervisor,
      logger,
      logFile: paths.logFile,
      // Deferred a turn: the shutdown request itself must be counted as running, and answered.
      requestShutdown: () => setImmediate(() => void stop("daemon.shutdown")),
      }),
    },
  });

  const crash = (kind: string, err: unknown): void => {
    logger.fatal({ err }, kind);
    server.destroy();
    supervisor.destroy();
    lock.release();
    destination.close();
    process.exit(EXIT_CRASH);
  };
  process.on("uncaughtException", (err) => crash("uncaught exception", err));
  process.on("unhandledRejection", (err) => crash("unhandled promise rejection", err));
  // After a detached start the parent has gone: writing to its pipes must not kill the daemon.
  process.stdout.on("error", () => undefined);
  process.stderr.on("error", () => undefined);

  try {
    await server.listen();
  } catch (err) {
    lock.release();
    logger.error({ err }, "cannot open the control endpoint");
    destination.close();
    throw err;
  }
  process.on("SIGTERM", () => void stop("SIGTERM"));
  process.on("SIGINT", () => void stop("SIGINT"));
  process.on("SIGHUP", () => {
    const problems = config.load();
    logger.info({ problems: problems.length }, "configuration reloaded (SIGHUP)");
  });

  // Configured tenants come back silently from their token caches (a tenant whose sign-in expired
  // waits in needsSignIn); the ready line lists them once their workers run.
  await tenants.autoConnect();
  const ready: ReadyLine = {
    event: "ready",
    endpoint: endpoint.path,
    pid: process.pid,
    version: konnektVersion(),
    tenants: supervisor.list().map((h) => h.tenant),
    mount: config.value("mountRoot") as string,
    logFile: paths.logFile,
  };
  logger.info({ endpoint: endpoint.path, version: ready.version, rule: endpoint.rule }, "daemon ready");
  process.stdout.write(json ? `${JSON.stringify(ready)}\n` : `konnekt daemon ${ready.version} listening on ${ready.endpoint} (pid ${ready.pid})\n`);
  // An idle daemon should not keep what start-up freed (see workers/process-memory.ts).
  scheduleMemoryTrim();
  // The server keeps the event loop alive; stop() ends the process.
  return new Promise<number>(() => undefined);
}

/** Starts `konnekt daemon --foreground --json` detached and reports its ready line. */
async function startDetached(json: boolean): Promise<number> {
  const cli = fileURLToPath(new URL("./cli.js", import.meta.url));
  const child = spawn(process.execPath, [cli, "daemon", "--foreground", "--json"], {
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: process.env,
  });
  let stderr = "";
  child.stderr?.setEncoding("utf8").on("data", (d: string) => (stderr += d));
  const lines = createInterface({ input: child.stdout });
  const outcome = await new Promise<ReadyLine | number>((resolve) => {
    lines.on("line", (line) => {
      try {
        const parsed = JSON.parse(line) as Partial<ReadyLine>;
        if (parsed.event === "ready") resolve(parsed as ReadyLine);
      } catch {
        // Not the ready line.
      }
    });
    child.once("exit", (code) => resolve(code ?? 1));
  });
  if (typeof outcome === "number") {
    process.stderr.write(stderr || `konnekt: the daemon exited with status ${outcome} before it was ready\n`);
    return outcome === 0 ? 1 : outcome;
  }
  lines.close();
  child.stdout?.destroy();
  child.stderr?.destroy();
  child.unref();
  process.stdout.write(json ? `${JSON.stringify(outcome)}\n` : `konnekt daemon ${outcome.version} started (pid ${outcome.pid}), listening on ${outcome.endpoint}\n`);
  return 0;
}
