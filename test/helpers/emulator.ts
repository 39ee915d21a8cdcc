/**
 * Starts the real emulator (`node dist/daemon/cli.js emulator`) as a child process for a test and
 * talks to its admin API. Every test that needs SharePoint or Entra uses this.
 *
 *   const emu = await startEmulator({ seed: "demo" });
 *   t.teardown(() => emu.stop());
 *   const token = await emu.token("contoso", "adele");
 *   const res = await fetch(`${emu.tenant("contoso").sharePointUrl}/_api/web`, { headers: { Authorization: `Bearer ${token}` } });
 *
 * `startEmulator` also makes the test process's global fetch (used by @pnp/sp and
 * @azure/msal-node) trust the emulator's CA.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { rootCertificates } from "node:tls";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Agent, fetch as undiciFetch, setGlobalDispatcher } from "undici";
import type { FaultSettings, EmulatorConfig } from "../../emulator/http/types.js";
import type { RequestLogEntry } from "../../emulator/http/request-log.js";

export type { RequestLogEntry };

export interface EmulatorTenant {
  name: string;
  tenantId: string;
  /** https://127.0.0.1:<port> — the tenant's "https://<tenant>.sharepoint.com". */
  sharePointUrl: string;
  users: string[];
}

export interface ReadyLine {
  event: "ready";
  authority: string;
  caFile: string;
  admin: string;
  clientId: string;
  dataDir: string;
  tenants: EmulatorTenant[];
}

export interface StartOptions {
  seed?: "demo" | "large" | "empty";
  config?: Partial<EmulatorConfig>;
  faults?: Record<string, FaultSettings>;
  /** Reuse a data dir (restart tests); by default a fresh temp dir, removed on stop. */
  dataDir?: string;
  /** `--test-auto-approve`: sign-in flows approve this user at once. */
  autoApprove?: string;
  /** `--port` of the authority. */
  port?: number;
  /** Extra raw CLI arguments. */
  args?: string[];
  /** Deadline for the ready line (default 60 s). */
  readyTimeoutMs?: number;
}

export interface TestEmulator {
  readonly ready: ReadyLine;
  readonly caFile: string;
  readonly caPem: string;
  readonly authority: string;
  readonly admin: string;
  readonly clientId: string;
  readonly dataDir: string;
  /** The temp HOME the child runs with (removed when it stops). */
  readonly homeDir: string;
  readonly process: ChildProcess;
  /** Everything the emulator wrote on stderr so far. */
  stderr(): string;
  tenant(name: string): EmulatorTenant;
  /** A user access token for the tenant's SharePoint origin (admin `/tokens`). */
  token(tenant: string, user: string): Promise<string>;
  adminPost<T = unknown>(path: string, body: unknown): Promise<T>;
  adminGet<T = unknown>(path: string): Promise<T>;
  adminDelete<T = unknown>(path: string, body?: unknown): Promise<T>;
  /** Requests served (Authorization redacted), optionally of one tenant and after a sequence number. */
  requests(filter?: { tenant?: string; since?: number }): Promise<RequestLogEntry[]>;
  /** Sequence number of the newest logged request: pass as `since` to see only later ones. */
  lastRequest(): Promise<number>;
  setFaults(tenant: string, faults: FaultSettings): Promise<void>;
  clearFaults(tenant?: string): Promise<void>;
  /** HTTPS fetch that trusts this emulator's CA (independent of the global dispatcher). */
  fetch(url: string, init?: Parameters<typeof undiciFetch>[1]): ReturnType<typeof undiciFetch>;
  /** SIGTERM, wait for exit (SIGKILL after 10 s); the emulator removes its temp data dir. Idempotent. */
  stop(): Promise<void>;
}

const CLI = fileURLToPath(new URL("../../daemon/cli.js", import.meta.url));
const live = new Map<ChildProcess, () => void>();
process.once("exit", () => {
  // The emulator removes its own temp data dir on SIGTERM; it also stops when our stdin pipe closes.
  for (const [child, removeDirs] of live) {
    child.kill("SIGTERM");
    removeDirs();
  }
});

const trusted = new Set<string>();

/**
 * Makes Node's global fetch (undici; what @pnp/sp and @azure/msal-node use) trust the emulator's
 * CA in addition to the public roots. Node 20's built-in fetch uses the dispatcher set by the
 * undici package's `setGlobalDispatcher` (they share a global symbol). Several emulators may run in
 * one test process: their CAs accumulate.
 */
export function trustEmulatorCa(caFile: string): void {
  const pem = readFileSync(caFile, "utf8");
  if (trusted.has(pem)) return;
  trusted.add(pem);
  setGlobalDispatcher(new Agent({ connect: { ca: [...rootCertificates, ...trusted] } }));
}

function envForChild(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  delete env.NODE_OPTIONS;
  delete env.NODE_EXTRA_CA_CERTS;
  return env;
}

export async function startEmulator(opts: StartOptions = {}): Promise<TestEmulator> {
  const home = mkdtempSync(join(tmpdir(), "konnekt-test-emu-home-"));
  // Without a data dir the emulator makes a temp one and removes it when it stops, even when this
  // process dies first (it stops when its stdin pipe closes); it removes `home` then too.
  const args = [CLI, "emulator", "--seed", opts.seed ?? "demo"];
  if (opts.dataDir !== undefined) args.push("--data", opts.dataDir);
  if (opts.config) args.push("--config", JSON.stringify(opts.config));
  if (opts.faults) args.push("--faults", JSON.stringify(opts.faults));
  if (opts.autoApprove) args.push("--test-auto-approve", opts.autoApprove);
  if (opts.port !== undefined) args.push("--port", String(opts.port));
  if (opts.args) args.push(...opts.args);

  const child = spawn(process.execPath, args, {
    env: envForChild({ KONNEKT_EMULATOR_STOP_ON_STDIN_CLOSE: "1", KONNEKT_EMULATOR_HARNESS_HOME: home, HOME: home, XDG_CONFIG_HOME: join(home, ".config"), XDG_DATA_HOME: join(home, ".local/share"), XDG_CACHE_HOME: join(home, ".cache"), XDG_RUNTIME_DIR: home }),
    stdio: ["pipe", "pipe", "pipe"],
  });
  child.stdin?.on("error", () => undefined);
  const removeDirs = (): void => rmSync(home, { recursive: true, force: true });
  live.set(child, removeDirs);
  let stderr = "";
  child.stderr?.setEncoding("utf8");
  child.stderr?.on("data", (d: string) => {
    stderr += d;
    if (stderr.length > 1_000_000) stderr = stderr.slice(-500_000);
  });
  const exited = new Promise<number | null>((resolve) => {
    child.once("exit", (code, signal) => {
      live.delete(child);
      resolve(code ?? (signal ? 128 : null));
    });
  });


  let ready: ReadyLine;
  try {
    ready = await new Promise<ReadyLine>((resolve, reject) => {
      const timeoutMs = opts.readyTimeoutMs ?? 60_000;
      const timer = setTimeout(() => reject(new Error(`emulator not ready after ${timeoutMs} ms; stderr:\n${stderr}`)), timeoutMs);
      let out = "";
      child.stdout?.setEncoding("utf8");
      child.stdout?.on("data", (d: string) => {
        out += d;
        let nl: number;
        while ((nl = out.indexOf("\n")) >= 0) {
          const line = out.slice(0, nl).trim();
          out = out.slice(nl + 1);
          if (!line.startsWith("{")) continue;
          try {
            const parsed = JSON.parse(line) as { event?: string };
            if (parsed.event === "ready") {
              clearTimeout(timer);
              resolve(parsed as ReadyLine);
            }
          } catch {
            // not the ready line
          }
        }
      });
      void exited.then((code) => {
        clearTimeout(timer);
        reject(new Error(`emulator exited with ${code} before it was ready; stderr:\n${stderr}`));
      });
    });
  } catch (err) {
    child.kill("SIGKILL");
    await exited;
    removeDirs();
    throw err;
  }
  // Keep draining stdout so the child never blocks on a full pipe.
  child.stdout?.resume();

  trustEmulatorCa(ready.caFile);
  const caPem = readFileSync(ready.caFile, "utf8");
  const agent = new Agent({ connect: { ca: [caPem] } });
  const doFetch = (url: string, init?: Parameters<typeof undiciFetch>[1]): ReturnType<typeof undiciFetch> => undiciFetch(url, { ...init, dispatcher: agent });

  const admin = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const res = await doFetch(`${ready.admin}${path.startsWith("/") ? path : `/${path}`}`, {
      method,
      headers: body === undefined ? {} : { "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`admin ${method} ${path}: ${res.status} ${text}`);
    return (text === "" ? undefined : JSON.parse(text)) as T;
  };

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGTERM");
        const killer = setTimeout(() => child.kill("SIGKILL"), 10_000);
        await exited;
        clearTimeout(killer);
      }
      await agent.close().catch(() => undefined);
      removeDirs();
    })());

  return {
    ready,
    caFile: ready.caFile,
    caPem,
    authority: ready.authority,
    admin: ready.admin,
    clientId: ready.clientId,
    dataDir: ready.dataDir,
    homeDir: home,
    process: child,
    stderr: () => stderr,
    tenant: (name) => {
      const t = ready.tenants.find((x) => x.name === name);
      if (!t) throw new Error(`no tenant '${name}' (have: ${ready.tenants.map((x) => x.name).join(", ")})`);
      return t;
    },
    token: async (tenant, user) => (await admin<{ access_token: string }>("POST", "/tokens", { tenant, user })).access_token,
    adminPost: (path, body) => admin("POST", path, body),
    adminGet: (path) => admin("GET", path),
    adminDelete: (path, body) => admin("DELETE", path, body),
    requests: async (filter = {}) => {
      const q = new URLSearchParams();
      if (filter.tenant) q.set("tenant", filter.tenant);
      if (filter.since !== undefined) q.set("since", String(filter.since));
      return (await admin<{ requests: RequestLogEntry[] }>("GET", `/requests?${q}`)).requests;
    },
    lastRequest: async () => (await admin<{ last: number }>("GET", "/requests?since=999999999999")).last,
    setFaults: async (tenant, faults) => {
      await admin("POST", "/faults", { tenant, ...faults });
    },
    clearFaults: async (tenant) => {
      await admin("DELETE", tenant ? `/faults?tenant=${encodeURIComponent(tenant)}` : "/faults");
    },
    fetch: doFetch,
    stop,
  };
}

/** GET/POST JSON through an emulator's trusted agent; returns status, headers and the parsed body (or text). */
export async function fetchJson(
  emu: Pick<TestEmulator, "fetch">,
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: string | Buffer } = {},
): Promise<{ status: number; headers: Headers; body: unknown; text: string }> {
  const res = await emu.fetch(url, { method: init.method ?? "GET", headers: init.headers, body: init.body });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = text === "" ? undefined : JSON.parse(text);
  } catch {
    // not JSON: the text is the body
  }
  return { status: res.status, headers: res.headers as unknown as Headers, body, text };
}
