/**
 * The supervisor: one child process per tenant (a crash takes down one tenant and is restarted),
 * spoken to with JSON-RPC over the child IPC channel (daemon/worker-channel.ts has the worker
 * side and the internal protocol).
 *
 * States of a host: stopped → starting → running → (crash) restarting → starting → running …;
 * close() from any state → stopping → stopped. A crash is any exit the supervisor did not ask for.
 * Restarts back off exponentially (RESTART_INITIAL_MS doubling up to RESTART_MAX_MS); a worker that
 * stayed up for RESTART_RESET_MS counts as healthy again and the next crash restarts quickly.
 *
 * Calls made while a worker is (re)starting wait for it to be ready; a call in flight when the
 * worker dies fails with `internal` (the worker's bug), never hangs.
 */
import { fork, type ChildProcess } from "node:child_process";
import { EventEmitter } from "node:events";
import { createInterface } from "node:readline";
import type { Logger } from "pino";
import {
  CancellationTokenSource,
  createMessageConnection,
  ErrorCodes,
  IPCMessageReader,
  IPCMessageWriter,
  ResponseError,
  type MessageConnection,
} from "vscode-jsonrpc/node.js";
import { KonnektError, toKonnektError } from "../workers/errors.js";
import { STREAMING_V8_FLAGS } from "../workers/stream-gc.js";
import { fromResponseError } from "./rpc/errors.js";
import { WORKER_READY, WORKER_SHUTDOWN, type WorkerReadyParams, type WorkerShutdownParams } from "./worker-channel.js";

/** First restart delay after a crash. */
export const RESTART_INITIAL_MS = 250;
/** Longest delay between restarts of a worker that keeps crashing. */
export const RESTART_MAX_MS = 30_000;
/** Uptime after which a worker counts as healthy and the backoff starts over. */
export const RESTART_RESET_MS = 60_000;
/** How long close() waits for a worker to drain and exit before killing it. */
export const WORKER_STOP_TIMEOUT_MS = 15_000;

/**
 * Node flags for a tenant worker (issue 6: the idle memory of daemon plus workers). A worker idles
 * most of its life and streams bytes through Buffers (off-heap) when busy, so V8's young generation
 * needs no room to grow to its 16 MiB semi-spaces: capped at 1 MiB (V8's starting size). Measured
 * with bench/daemon-memory.ts: a worker whose start-up had grown them idled at heapTotal ~34 MiB;
 * with the cap, ≤ 20 MiB. STREAMING_V8_FLAGS (stream-gc.ts) keep streams from costing full GCs.
 */
export const WORKER_EXEC_ARGV: readonly string[] = ["--max-semi-space-size=1", ...STREAMING_V8_FLAGS];

const CHANNEL_LOST = new Set<number>([ErrorCodes.PendingResponseRejected, ErrorCodes.ConnectionInactive, ErrorCodes.MessageWriteError]);

export type TenantHostState = "stopped" | "starting" | "running" | "restarting" | "stopping";

export interface WorkerRestartedEvent {
  tenant: string;
  exitCode: number | null;
  signal: string | null;
  restarts: number;
  pid: number;
}

/** What the daemon needs from a tenant's worker, whichever way it is hosted. */
export interface TenantHost {
  readonly tenant: string;
  readonly state: TenantHostState;
  readonly pid: number | undefined;
  readonly restarts: number;
  /** Starts the worker; resolves when it reported ready. */
  start(): Promise<void>;
  /** Forwards one request to the worker (waits while it restarts). */
  call<R>(method: string, params: object, signal?: AbortSignal): Promise<R>;
  /** Worker notifications (progress, events) for the daemon to broadcast. */
  onNotification(listener: (method: string, params: unknown) => void): void;
  onRestarted(listener: (event: WorkerRestartedEvent) => void): void;
  /** Asks the worker to drain and exit; kills it after the timeout. Idempotent. */
  close(timeoutMs?: number): Promise<void>;
  /** Kills the worker now. Idempotent. */
  destroy(): void;
}

export interface ChildTenantHostOptions {
  tenant: string;
  /** The worker module (compiled .js) to fork. */
  modulePath: string;
  args?: string[];
  env?: NodeJS.ProcessEnv;
  logger: Logger;
  restartInitialMs?: number;
  restartMaxMs?: number;
  restartResetMs?: number;
  /**
   * Node flags for the worker; by default WORKER_EXEC_ARGV, never the daemon's own (a worker must
   * not inherit a test runner's loaders).
   */
  execArgv?: string[];
}

interface Generation {
  child: ChildProcess;
  rpc: MessageConnection;
  startedAt: number;
  ready: Promise<void>;
  exited: Promise<void>;
}

export class ChildTenantHost implements TenantHost {
  private readonly events = new EventEmitter();
  private current: Generation | undefined;
  private _state: TenantHostState = "stopped";
  private _restarts = 0;
  private consecutiveCrashes = 0;
  private restartTimer: NodeJS.Timeout | undefined;
  /** Resolves when the worker is running again (callers wait on it during restarts). */
  private running: Promise<void> = Promise.resolve();
  private resolveRunning: (() => void) | undefined;
  private rejectRunning: ((err: Error) => void) | undefined;
  private closing: Promise<void> | undefined;

  constructor(private readonly options: ChildTenantHostOptions) {
    this.events.setMaxListeners(0);
  }

  get tenant(): string {
    return this.options.tenant;
  }

  get state(): TenantHostState {
    return this._state;
  }

  get pid(): number | undefined {
    return this.current?.child.pid;
  }

  get restarts(): number {
    return this._restarts;
  }

  async start(): Promise<void> {
    if (this._state !== "stopped") return this.running;
    this.armRunning();
    this._state = "starting";
    await this.spawn();
    if ((this._state as TenantHostState) !== "running") {
      throw new KonnektError("internal", `The worker for tenant ${this.tenant} exited before it was ready (see the daemon log).`, { tenant: this.tenant });
    }
  }

  async call<R>(method: string, params: object, signal?: AbortSignal): Promise<R> {
    if (this._state === "stopped" || this._state === "stopping") {
      throw new KonnektError("notSupported", `The worker for tenant ${this.tenant} is not running.`, { tenant: this.tenant });
    }
    await abortable(this.running, signal);
    const gen = this.current;
    if (!gen) throw new KonnektError("internal", `No worker for tenant ${this.tenant}.`);
    const cts = new CancellationTokenSource();
    const onAbort = (): void => cts.cancel();
    signal?.addEventListener("abort", onAbort, { once: true });
    try {
      return await gen.rpc.sendRequest<R>(method, params, cts.token);
    } catch (err) {
      // vscode-jsonrpc's own codes for "the channel went away" are not the worker's answer.
      if (err instanceof ResponseError && !CHANNEL_LOST.has(err.code)) throw fromResponseError(err);
      if (signal?.aborted) throw new KonnektError("cancelled", `${method} was cancelled.`);
      throw new KonnektError("internal", `The worker for tenant ${this.tenant} stopped while handling ${method}.`, { tenant: this.tenant }, { cause: err });
    } finally {
      signal?.removeEventListener("abort", onAbort);
      cts.dispose();
    }
  }

  onNotification(listener: (method: string, params: unknown) => void): void {
    this.events.on("notification", listener);
  }

  onRestarted(listener: (event: WorkerRestartedEvent) => void): void {
    this.events.on("restarted", listener);
  }

  close(timeoutMs = WORKER_STOP_TIMEOUT_MS): Promise<void> {
    this.closing ??= this.stop(timeoutMs);
    return this.closing;
  }

  destroy(): void {
    this._state = "stopping";
    clearTimeout(this.restartTimer);
    this.current?.child.kill("SIGKILL");
    this.rejectRunning?.(new KonnektError("cancelled", `The worker for tenant ${this.tenant} was stopped.`));
  }

  private async stop(timeoutMs: number): Promise<void> {
    const wasRunning = this._state === "running";
    this._state = "stopping";
    clearTimeout(this.restartTimer);
    this.rejectRunning?.(new KonnektError("cancelled", `The worker for tenant ${this.tenant} is stopping.`));
    const gen = this.current;
    if (!gen) {
      this._state = "stopped";
      return;
    }
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<"timeout">((resolve) => {
      timer = setTimeout(() => resolve("timeout"), timeoutMs);
    });
    if (wasRunning) void gen.rpc.sendRequest(WORKER_SHUTDOWN, { timeoutMs } satisfies WorkerShutdownParams).catch(() => undefined);
    else gen.child.kill("SIGTERM");
    const outcome = await Promise.race([gen.exited.then(() => "exited" as const), deadline]);
    clearTimeout(timer);
    if (outcome === "timeout") {
      this.options.logger.warn({ tenant: this.tenant, timeoutMs }, "worker did not stop in time; killing it");
      gen.child.kill("SIGKILL");
      await gen.exited;
    }
    this._state = "stopped";
  }

  private armRunning(): void {
    this.running = new Promise<void>((resolve, reject) => {
      this.resolveRunning = resolve;
      this.rejectRunning = reject;
    });
    // Nobody may be waiting; a rejection here is reported to the callers that are.
    this.running.catch(() => undefined);
  }

  private spawn(): Promise<void> {
    const log = this.options.logger;
    const child = fork(this.options.modulePath, this.options.args ?? [], {
      env: this.options.env ?? process.env,
      stdio: ["ignore", "pipe", "pipe", "ipc"],
      serialization: "json",
      execArgv: this.options.execArgv ?? [...WORKER_EXEC_ARGV],
    });
    for (const stream of [child.stdout, child.stderr]) {
      if (stream) createInterface({ input: stream }).on("line", (line) => log.info({ tenant: this.tenant, workerPid: child.pid, line }, "worker output"));
    }
    const rpc = createMessageConnection(new IPCMessageReader(child), new IPCMessageWriter(child));
    let markReady: () => void = () => undefined;
    let failReady: (err: Error) => void = () => undefined;
    const ready = new Promise<void>((resolve, reject) => {
      markReady = resolve;
      failReady = reject;
    });
    ready.catch(() => undefined);
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    const gen: Generation = { child, rpc, startedAt: Date.now(), ready, exited };
    this.current = gen;
    rpc.onNotification((method, params) => {
      if (method === WORKER_READY) {
        const pid = (params as WorkerReadyParams | undefined)?.pid ?? child.pid ?? 0;
        log.info({ tenant: this.tenant, pid }, "worker ready");
        markReady();
        return;
      }
      this.events.emit("notification", method, params);
    });
    rpc.onError(([err]) => log.debug({ err, tenant: this.tenant }, "worker channel error"));
    rpc.listen();
    child.once("error", (err) => log.error({ err, tenant: this.tenant }, "worker process error"));
    child.once("exit", (code, signal) => {
      rpc.dispose();
      failReady(new KonnektError("internal", `The worker for tenant ${this.tenant} exited before it was ready.`));
      this.onExit(gen, code, signal);
    });
    return ready.then(
      () => {
        if (this.current !== gen || this._state === "stopping" || this._state === "stopped") return;
        const restarted = this._state === "restarting";
        this._state = "running";
        this.resolveRunning?.();
        if (restarted) {
          const event: WorkerRestartedEvent = {
            tenant: this.tenant,
            exitCode: this.lastExit?.code ?? null,
            signal: this.lastExit?.signal ?? null,
            restarts: this._restarts,
            pid: child.pid ?? 0,
          };
          this.events.emit("restarted", event);
        }
      },
      () => undefined,
    );
  }

  private lastExit: { code: number | null; signal: string | null } | undefined;

  private onExit(gen: Generation, code: number | null, signal: NodeJS.Signals | null): void {
    if (this.current !== gen) return;
    if (this._state === "stopping" || this._state === "stopped") return;
    if (this._state === "starting") {
      // The first start failed: report it to start()'s caller rather than loop on a broken worker.
      this.options.logger.error({ tenant: this.tenant, exitCode: code, signal }, "worker exited before it was ready");
      this._state = "stopped";
      this.rejectRunning?.(new KonnektError("internal", `The worker for tenant ${this.tenant} exited before it was ready.`));
      return;
    }
    const uptime = Date.now() - gen.startedAt;
    const resetAfter = this.options.restartResetMs ?? RESTART_RESET_MS;
    this.consecutiveCrashes = uptime >= resetAfter ? 1 : this.consecutiveCrashes + 1;
    const initial = this.options.restartInitialMs ?? RESTART_INITIAL_MS;
    const max = this.options.restartMaxMs ?? RESTART_MAX_MS;
    const delay = Math.min(max, initial * 2 ** (this.consecutiveCrashes - 1));
    this._restarts++;
    this.lastExit = { code, signal };
    if (this._state === "running") this.armRunning();
    this._state = "restarting";
    this.options.logger.warn({ tenant: this.tenant, exitCode: code, signal, uptimeMs: uptime, restartInMs: delay, restarts: this._restarts }, "worker crashed; restarting");
    this.restartTimer = setTimeout(() => {
      if (this._state !== "restarting") return;
      void this.spawn();
    }, delay);
  }
}

/** Waits for `promise` unless `signal` aborts first. */
function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(new KonnektError("cancelled", "The operation was cancelled."));
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(new KonnektError("cancelled", "The operation was cancelled."));
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener("abort", onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(toKonnektError(e));
      },
    );
  });
}

/** The supervisor: tenant name → host. The daemon's tenant.* methods go through it. */
export type SupervisorEventSink = (method: string, params: unknown) => void;

export class Supervisor {
  private readonly hosts = new Map<string, TenantHost>();

  /**
   * @param notify receives every worker notification and `tenant.workerRestarted` events; the
   *   daemon broadcasts them to connected clients.
   */
  constructor(
    private readonly logger: Logger,
    private readonly notify: SupervisorEventSink = () => undefined,
  ) {}

  list(): TenantHost[] {
    return [...this.hosts.values()];
  }

  get(tenant: string): TenantHost | undefined {
    return this.hosts.get(tenant);
  }

  async add(host: TenantHost): Promise<void> {
    if (this.hosts.has(host.tenant)) throw new KonnektError("alreadyExists", `Tenant ${host.tenant} is already running.`, { tenant: host.tenant });
    this.hosts.set(host.tenant, host);
    host.onNotification((method, params) => this.notify(method, params));
    host.onRestarted((event) => this.notify("tenant.workerRestarted", event));
    try {
      await host.start();
    } catch (err) {
      this.hosts.delete(host.tenant);
      host.destroy();
      throw err;
    }
  }

  async remove(tenant: string, timeoutMs?: number): Promise<void> {
    const host = this.hosts.get(tenant);
    if (!host) throw new KonnektError("notFound", `Tenant ${tenant} is not running.`, { tenant });
    await host.close(timeoutMs);
    this.hosts.delete(tenant);
  }

  async close(timeoutMs?: number): Promise<void> {
    const results = await Promise.allSettled(this.list().map((h) => h.close(timeoutMs)));
    for (const r of results) if (r.status === "rejected") this.logger.error({ err: r.reason as unknown }, "worker did not close cleanly");
    this.hosts.clear();
  }

  destroy(): void {
    for (const h of this.hosts.values()) h.destroy();
    this.hosts.clear();
  }
}
