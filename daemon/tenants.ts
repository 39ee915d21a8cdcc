/**
 * The tenant-scoped control-plane families (tenant, library, drive, item, cache, upload): the
 * daemon keeps one worker process per connected tenant (supervisor.ts) and routes each request to
 * the worker that owns the tenant — by the namespace path (`contoso/…`), by a local path under the
 * mount root (`~/Konnekt/contoso/…`), or, for drive mount points elsewhere, by asking the workers.
 * Families without a tenant in their params fan out to every worker and merge the answers.
 *
 * Tenants connected here are recorded in the user config (`tenants`), so the next daemon start
 * connects them again silently from their token caches (`autoConnect`).
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import type { Logger } from "pino";
import type { Tenant } from "../rpc-schema/generated/methods.js";
import { KonnektError, toKonnektError } from "../workers/errors.js";
import { WORKER_ENV, type WorkerOptions } from "../workers/tenant-worker/options.js";
import type { ConfigStore } from "./config/store.js";
import type { DaemonPaths } from "./paths.js";
import type { RequestHandlers } from "./rpc/server.js";
import { ChildTenantHost, type Supervisor, type TenantHost, type TenantHostState } from "./supervisor.js";
import { ORPHAN_EXIT_DEADLINE_MS } from "./worker-channel.js";

/** Konnekt's multi-tenant public client registration (admins may register their own: `clientId`). */
export const DEFAULT_CLIENT_ID = "9e0b6f2a-3c41-4d7e-8b5a-6f1d2c3b4a50";
const WORKER_MODULE = fileURLToPath(new URL("../workers/tenant-worker/main.js", import.meta.url));
/** How long a new worker waits for an orphaned one of the same tenant: the orphan's own deadline, and some. */
const PREVIOUS_WORKER_WAIT_MS = ORPHAN_EXIT_DEADLINE_MS + 5_000;
const WORKER_PID_FILE = "worker.pid";
/** How long tenant.list waits for a worker's status before reporting only what the daemon knows. */
const STATUS_TIMEOUT_MS = 5_000;

export interface TenantEntry {
  name: string;
  url: string;
  clientId?: string;
  tenantId?: string;
  signInMode?: "interactive" | "deviceCode" | "certificate";
  autoConnect?: boolean;
  certificatePath?: string;
  "discovery.include"?: string[];
  "discovery.exclude"?: string[];
}

export interface TenantContext {
  config: ConfigStore;
  paths: DaemonPaths;
  supervisor: Supervisor;
  logger: Logger;
}

const HOST_STATE: Record<TenantHostState, Tenant["state"]> = {
  stopped: "disconnected",
  starting: "starting",
  running: "connected",
  restarting: "restarting",
  stopping: "disconnected",
};

/** `contoso` from `https://contoso.sharepoint.com` (and `contoso-my…`); undefined for other hosts. */
export function tenantNameFromUrl(url: string): string | undefined {
  const m = /^([a-z0-9][a-z0-9-]*?)(-my)?\.sharepoint\.(com|us|de|cn)$/i.exec(new URL(url).hostname);
  return m ? m[1]!.toLowerCase() : undefined;
}

export class Tenants {
  constructor(readonly ctx: TenantContext) {}

  private get d(): TenantContext {
    return this.ctx;
  }

  entries(): TenantEntry[] {
    return (this.d.config.value("tenants") as TenantEntry[] | undefined) ?? [];
  }

  /** Starts the worker of every configured tenant that should connect at start (silent sign-in). */
  async autoConnect(): Promise<void> {
    if (this.d.config.value("autoConnect") === false) return;
    for (const e of this.entries()) {
      if (e.autoConnect === false || this.d.supervisor.get(e.name)) continue;
      await this.startHost(e).catch((err: unknown) => this.d.logger.warn({ tenant: e.name, err }, "could not start the tenant worker"));
    }
  }

  async startHost(e: TenantEntry): Promise<TenantHost> {
    const existing = this.d.supervisor.get(e.name);
    if (existing) return existing;
    const cfg = this.d.config;
    const options: WorkerOptions = {
      tenant: e.name,
      url: e.url.replace(/\/+$/, ""),
      tenantId: e.tenantId ?? `${e.name}.onmicrosoft.com`,
      authorityHost: cfg.value("authorityHost") as string,
      clientId: e.clientId ?? (cfg.value("clientId") as string | null) ?? DEFAULT_CLIENT_ID,
      stateDir: join(this.d.paths.stateDir, "tenants", e.name),
      cacheDir: join(cfg.value("cacheDir") as string, e.name),
      cacheCapBytes: (cfg.value("cacheSizeMiB") as number) * 1024 * 1024,
      mountRoot: cfg.value("mountRoot") as string,
      discovery: {
        query: cfg.value("discovery.query") as string,
        include: [...(cfg.value("discovery.include") as string[]), ...(e["discovery.include"] ?? [])],
        exclude: [...(cfg.value("discovery.exclude") as string[]), ...(e["discovery.exclude"] ?? [])],
      },
      discoveryIntervalMs: (cfg.value("discovery.refreshMinutes") as number) * 60_000,
      pollIntervalMs: (cfg.value("pollSeconds") as number) * 1000,
      uploadConcurrency: cfg.value("uploads.maxConcurrent") as number,
      ...(e.signInMode === "certificate" && e.certificatePath && e.clientId ? { certificate: { clientId: e.clientId, path: e.certificatePath } } : {}),
    };
    await this.awaitPreviousWorker(e.name, options.stateDir);
    const host = new ChildTenantHost({
      tenant: e.name,
      modulePath: WORKER_MODULE,
      env: { ...process.env, [WORKER_ENV]: JSON.stringify(options) },
      logger: this.d.logger.child({ tenant: e.name }),
    });
    host.onRestarted((event) => recordWorkerPid(options.stateDir, event.pid));
    await this.d.supervisor.add(host);
    if (host.pid !== undefined) recordWorkerPid(options.stateDir, host.pid);
    return host;
  }

  /**
   * A daemon killed with -9 leaves its workers orphaned; each stops by itself when its IPC channel
   * closes (daemon/worker-channel.ts: drain briefly, unmount, exit), but that can take seconds. A
   * new worker for the same tenant must not start meanwhile: both would mount the same mount point
   * and write the same journal. So the daemon records each worker's pid in the tenant's state dir
   * and, before starting one, waits for the previous one to be gone — it never signals it (a second
   * SIGTERM would cut its unmount short) until the orphan's own deadline has passed.
   */
  private async awaitPreviousWorker(tenant: string, stateDir: string): Promise<void> {
    const pid = readWorkerPid(stateDir);
    if (pid === undefined || !isTenantWorker(pid)) return;
    this.d.logger.warn({ tenant, pid }, "a worker of the previous daemon is still stopping; waiting for it");
    const end = Date.now() + PREVIOUS_WORKER_WAIT_MS;
    while (isTenantWorker(pid) && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
    if (!isTenantWorker(pid)) return;
    this.d.logger.warn({ tenant, pid }, "the previous worker did not stop; killing it");
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // Gone in the meantime.
    }
    const killed = Date.now() + 5_000;
    while (isTenantWorker(pid) && Date.now() < killed) await new Promise((r) => setTimeout(r, 50));
  }

  host(tenant: string): TenantHost {
    const h = this.d.supervisor.get(tenant);
    if (!h) {
      const known = this.entries().some((e) => e.name === tenant);
      throw new KonnektError(known ? "notSignedIn" : "notFound", known ? `Tenant ${tenant} is not connected: run Connect-Konnekt or tenant.connect.` : `No tenant named ${tenant}.`, { tenant });
    }
    return h;
  }

  /** The worker that owns a path (namespace path, or a local path under the mount root or a drive). */
  async route(path: string, signal: AbortSignal): Promise<TenantHost> {
    if (!path.startsWith("/")) return this.host(path.split("/")[0]!.toLowerCase());
    const root = resolve(this.d.config.value("mountRoot") as string);
    const rel = relative(root, resolve(path));
    if (rel !== "" && !rel.startsWith("..") && !rel.startsWith(sep)) return this.host(rel.split(sep)[0]!);
    for (const h of this.d.supervisor.list()) {
      const r = await h.call<{ ok: boolean }>("worker.resolvesPath", { path }, signal).catch(() => ({ ok: false }));
      if (r.ok) return h;
    }
    throw new KonnektError("notFound", `${path} is not inside a Konnekt mount or drive.`, { path });
  }

  /** Calls every running worker (or one tenant's) and returns their answers. */
  async each<R>(tenant: string | undefined, method: string, params: object, signal: AbortSignal): Promise<R[]> {
    const hosts = tenant ? [this.host(tenant)] : this.d.supervisor.list();
    return Promise.all(hosts.map((h) => h.call<R>(method, params, signal)));
  }

  async status(name: string, signal?: AbortSignal): Promise<Tenant> {
    const entry = this.entries().find((e) => e.name === name);
    const host = this.d.supervisor.get(name);
    const base: Tenant = {
      name,
      state: host ? HOST_STATE[host.state] : "disconnected",
      ...(entry ? { url: entry.url } : {}),
      ...(entry?.tenantId ? { tenantId: entry.tenantId } : {}),
      ...(host?.pid !== undefined ? { workerPid: host.pid } : {}),
      ...(host ? { restarts: host.restarts } : {}),
    };
    if (!host || host.state !== "running") return base;
    const timeout = AbortSignal.timeout(STATUS_TIMEOUT_MS);
    try {
      const s = await host.call<Tenant>("tenant.status", {}, signal ? AbortSignal.any([signal, timeout]) : timeout);
      return { ...s, restarts: host.restarts };
    } catch (err) {
      return { ...base, lastError: { code: toKonnektError(err).code, message: toKonnektError(err).message } };
    }
  }

  saveEntry(e: TenantEntry): void {
    const others = this.entries().filter((x) => x.name !== e.name);
    this.d.config.set("tenants", [...others, e]);
  }

  removeEntry(name: string): void {
    this.d.config.set(
      "tenants",
      this.entries().filter((x) => x.name !== name),
    );
  }
}

export function tenantHandlers(t: Tenants): RequestHandlers {
  const sum = (rows: { files: number; bytes: number }[]): { files: number; bytes: number } => ({
    files: rows.reduce((n, r) => n + r.files, 0),
    bytes: rows.reduce((n, r) => n + r.bytes, 0),
  });
  return {
    "tenant.connect": async (p, ctx) => {
      const name = p.name ?? tenantNameFromUrl(p.url);
      if (!name) throw new KonnektError("invalidArgument", `Give the tenant a name (-Name): ${p.url} is not a <tenant>.sharepoint.com address.`, { url: p.url });
      const allowed = t.entries().find((e) => e.name === name);
      const entry: TenantEntry = {
        ...allowed,
        name,
        url: p.url.replace(/\/+$/, ""),
        ...(p.tenantId ? { tenantId: p.tenantId } : {}),
        ...(p.clientId ? { clientId: p.clientId } : {}),
        ...(p.signInMode ? { signInMode: p.signInMode } : {}),
        ...(p.certificatePath ? { certificatePath: p.certificatePath } : {}),
      };
      t.saveEntry(entry);
      const host = await t.startHost(entry);
      return host.call<Tenant>("tenant.connect", { signInMode: entry.signInMode ?? "interactive", clientId: entry.clientId, certificatePath: entry.certificatePath }, ctx.signal);
    },
    "tenant.disconnect": async (p, ctx) => {
      const host = t.host(p.tenant);
      if (p.forget) await host.call("tenant.signOut", {}, ctx.signal);
      await t.ctx.supervisor.remove(p.tenant);
      if (p.forget) t.removeEntry(p.tenant);
      return {};
    },
    "tenant.list": async (_p, ctx) => {
      const names = [...new Set([...t.entries().map((e) => e.name), ...t.ctx.supervisor.list().map((h) => h.tenant)])].sort();
      return { tenants: await Promise.all(names.map((n) => t.status(n, ctx.signal))) };
    },
    "tenant.status": async (p, ctx) => {
      if (!t.entries().some((e) => e.name === p.tenant) && !t.ctx.supervisor.get(p.tenant)) throw new KonnektError("notFound", `No tenant named ${p.tenant}.`);
      return t.status(p.tenant, ctx.signal);
    },
    "library.list": async (p, ctx) => ({ libraries: (await t.each<{ libraries: unknown[] }>(p.tenant, "library.list", { ...(p.site ? { site: p.site } : {}) }, ctx.signal)).flatMap((r) => r.libraries) as never[] }),
    "library.refresh": async (p, ctx) => ({ libraries: (await t.each<{ libraries: number }>(p.tenant, "library.refresh", {}, ctx.signal)).reduce((n, r) => n + r.libraries, 0) }),
    "drive.mount": async (p, ctx) => (await t.route(p.path, ctx.signal)).call("drive.mount", p, ctx.signal),
    "drive.unmount": async (p, ctx) => {
      for (const h of t.ctx.supervisor.list()) {
        const ok = await h.call("drive.unmount", p, ctx.signal).then(
          () => true,
          () => false,
        );
        if (ok) return {};
      }
      throw new KonnektError("notFound", `No drive ${p.drive}.`, { drive: p.drive });
    },
    "drive.list": async (p, ctx) => ({ drives: (await t.each<{ drives: unknown[] }>(p.tenant, "drive.list", {}, ctx.signal)).flatMap((r) => r.drives) as never[] }),
    "item.info": async (p, ctx) => (await t.route(p.path, ctx.signal)).call("item.info", p, ctx.signal),
    "item.webUrl": async (p, ctx) => (await t.route(p.path, ctx.signal)).call("item.webUrl", p, ctx.signal),
    "item.sharingLink": async (p, ctx) => {
      const scope = p.scope ?? (t.ctx.config.value("links.scope") as "anonymous" | "organization" | "users");
      return (await t.route(p.path, ctx.signal)).call("item.sharingLink", { ...p, scope }, ctx.signal);
    },
    "item.versions": async (p, ctx) => (await t.route(p.path, ctx.signal)).call("item.versions", p, ctx.signal),
    "item.restoreVersion": async (p, ctx) => (await t.route(p.path, ctx.signal)).call("item.restoreVersion", p, ctx.signal),
    "cache.stats": async (p, ctx) => {
      const all = await t.each<{ usedBytes: number; capBytes: number; pinnedBytes: number; files: number; hits?: number; misses?: number; evictions?: number }>(p.tenant, "cache.stats", {}, ctx.signal);
      return {
        usedBytes: all.reduce((n, s) => n + s.usedBytes, 0),
        capBytes: (t.ctx.config.value("cacheSizeMiB") as number) * 1024 * 1024,
        pinnedBytes: all.reduce((n, s) => n + s.pinnedBytes, 0),
        files: all.reduce((n, s) => n + s.files, 0),
        hits: all.reduce((n, s) => n + (s.hits ?? 0), 0),
        misses: all.reduce((n, s) => n + (s.misses ?? 0), 0),
        evictions: all.reduce((n, s) => n + (s.evictions ?? 0), 0),
        location: t.ctx.config.value("cacheDir") as string,
      };
    },
    "cache.pin": async (p, ctx) => (await t.route(p.path, ctx.signal)).call("cache.pin", p, ctx.signal),
    "cache.unpin": async (p, ctx) => (await t.route(p.path, ctx.signal)).call("cache.unpin", p, ctx.signal),
    "cache.clear": async (p, ctx) => sum(await t.each(p.tenant, "cache.clear", { includePinned: p.includePinned ?? false }, ctx.signal)),
    "upload.list": async (p, ctx) => {
      const each = await t.each<{ uploads: unknown[]; open?: { files: number; bytes: number } }>(p.tenant, "upload.list", {}, ctx.signal);
      const open = { files: 0, bytes: 0 };
      for (const r of each) {
        open.files += r.open?.files ?? 0;
        open.bytes += r.open?.bytes ?? 0;
      }
      return { uploads: each.flatMap((r) => r.uploads) as never[], open };
    },
    "upload.wait": async (p, ctx) => {
      const rows = await t.each<{ completed: number; failed: number }>(
        p.tenant,
        "upload.wait",
        { ...(p.timeoutMs !== undefined ? { timeoutMs: p.timeoutMs } : {}), ...(p.path !== undefined ? { path: p.path } : {}), ...(p.progressToken !== undefined ? { progressToken: p.progressToken } : {}) },
        ctx.signal,
      );
      return { completed: rows.reduce((n, r) => n + r.completed, 0), failed: rows.reduce((n, r) => n + r.failed, 0) };
    },
  };
}

function recordWorkerPid(stateDir: string, pid: number): void {
  try {
    mkdirSync(stateDir, { recursive: true, mode: 0o700 });
    writeFileSync(join(stateDir, WORKER_PID_FILE), `${pid}\n`, { mode: 0o600 });
  } catch {
    // Only a guard for the next start; the worker runs either way.
  }
}

function readWorkerPid(stateDir: string): number | undefined {
  try {
    const pid = Number(readFileSync(join(stateDir, WORKER_PID_FILE), "utf8").trim());
    return Number.isInteger(pid) && pid > 0 && pid !== process.pid ? pid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Whether `pid` is a live tenant worker (not a zombie, not a recycled pid of something else). Needs
 * procfs; without it (Windows, macOS) there is nothing to wait for.
 */
function isTenantWorker(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    if (stat.charAt(stat.lastIndexOf(")") + 2) === "Z") return false;
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("tenant-worker/main.js");
  } catch {
    return false;
  }
}
