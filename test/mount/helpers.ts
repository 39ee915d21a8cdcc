/**
 * Runs the memory fixture (fixture/serve-memory.ts) in its own process and gives the test its
 * mount point. The test process touches the mount; the serving process never does. Teardown
 * always kills the fixture and detaches the mount (`fusermount3 -u -z`), even after a failure.
 */
import { spawn, execFile, type ChildProcess } from "node:child_process";
import { mkdtempSync, promises as fsp } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const FIXTURE = fileURLToPath(new URL("./fixture/serve-memory.js", import.meta.url));

/** Deadline for a fixture event; generous for a loaded 2-core CI machine. */
const EVENT_TIMEOUT_MS = 30_000;

export interface FixtureEvent {
  event: string;
  [key: string]: unknown;
}

interface Teardown {
  teardown(fn: () => unknown): void;
}

export interface Served {
  dir: string;
  mnt: string;
  child: ChildProcess;
  events: FixtureEvent[];
  stderr: () => string;
  waitFor(event: string, from?: number, timeoutMs?: number): Promise<FixtureEvent>;
  /** SIGTERM, then the exit code. */
  stop(): Promise<number | null>;
  exited: Promise<number | null>;
}

export interface ServeOptions {
  readOnly?: boolean;
  longCache?: boolean;
  backing?: Record<string, string>;
  /** Reuse a directory (e.g. to mount again over a stale mount). */
  dir?: string;
  env?: NodeJS.ProcessEnv;
  /** Don't wait for "ready" (for fixtures that are expected to fail). */
  noWait?: boolean;
  /** Another fixture script taking --mountpoint (default: serve-memory.js). */
  script?: string;
  /** Kernel read-ahead the memory fixture asks for (`--readahead-kb`). */
  readaheadKb?: number;
}

export function tempDir(t: Teardown, prefix = "konnekt-mount-"): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  t.teardown(async () => {
    await detach(join(dir, "mnt"));
    if (!(await isMounted(join(dir, "mnt")))) await fsp.rm(dir, { recursive: true, force: true });
  });
  return dir;
}

export async function serve(t: Teardown, opts: ServeOptions = {}): Promise<Served> {
  const dir = opts.dir ?? tempDir(t);
  const mnt = join(dir, "mnt");
  const home = join(dir, "home");
  await fsp.mkdir(home, { recursive: true });
  const args = [opts.script ?? FIXTURE, "--mountpoint", mnt];
  if (opts.readOnly) args.push("--read-only");
  if (opts.longCache) args.push("--long-cache");
  for (const [name, path] of Object.entries(opts.backing ?? {})) args.push("--backing", `${name}=${path}`);
  if (opts.readaheadKb !== undefined) args.push("--readahead-kb", String(opts.readaheadKb));
  const child = spawn(process.execPath, args, {
    stdio: ["pipe", "pipe", "pipe"],
    env: { ...process.env, HOME: home, XDG_CONFIG_HOME: join(home, ".config"), XDG_CACHE_HOME: join(home, ".cache"), XDG_STATE_HOME: join(home, ".state"), ...opts.env },
  });
  const events: FixtureEvent[] = [];
  const listeners = new Set<() => void>();
  let out = "";
  let err = "";
  child.stdout?.setEncoding("utf8");
  child.stdout?.on("data", (d: string) => {
    out += d;
    let nl;
    while ((nl = out.indexOf("\n")) >= 0) {
      const line = out.slice(0, nl);
      out = out.slice(nl + 1);
      try {
        events.push(JSON.parse(line) as FixtureEvent);
      } catch {
        events.push({ event: "text", line });
      }
      for (const l of [...listeners]) l();
    }
  });
  child.stderr?.setEncoding("utf8");
  child.stderr?.on("data", (d: string) => (err += d));
  let alive = true;
  const exited = new Promise<number | null>((resolve) =>
    child.once("exit", (code) => {
      alive = false;
      for (const l of [...listeners]) l();
      resolve(code);
    }),
  );
  t.teardown(async () => {
    if (alive) {
      child.kill("SIGKILL");
      await exited;
    }
    await detach(mnt);
  });

  const waitFor = (event: string, from = 0, timeoutMs = EVENT_TIMEOUT_MS): Promise<FixtureEvent> =>
    new Promise((resolve, reject) => {
      const check = (): boolean => {
        const hit = events.slice(from).find((e) => e.event === event);
        if (hit) {
          cleanup();
          resolve(hit);
          return true;
        }
        if (!alive) {
          cleanup();
          reject(new Error(`fixture exited before "${event}"; events: ${JSON.stringify(events)}; stderr: ${err}`));
          return true;
        }
        return false;
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`no "${event}" from the fixture within ${timeoutMs} ms; events: ${JSON.stringify(events)}; stderr: ${err}`));
      }, timeoutMs);
      const listener = (): void => void check();
      const cleanup = (): void => {
        clearTimeout(timer);
        listeners.delete(listener);
      };
      listeners.add(listener);
      check();
    });

  const served: Served = {
    dir,
    mnt,
    child,
    events,
    stderr: () => err,
    waitFor,
    exited,
    stop: async () => {
      if (alive) child.kill("SIGTERM");
      return exited;
    },
  };
  if (!opts.noWait) await waitFor("ready");
  return served;
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command (in its own process, like any program using the mount); never throws. */
export function run(cmd: string, args: string[], opts: { cwd?: string; input?: string; uid?: number; gid?: number; encoding?: "utf8" } = {}): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = execFile(cmd, args, { cwd: opts.cwd, timeout: 120_000, maxBuffer: 64 * 1024 * 1024, uid: opts.uid, gid: opts.gid }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr) });
    });
    if (opts.input !== undefined) child.stdin?.end(opts.input);
  });
}

export async function isMounted(path: string): Promise<boolean> {
  const info = await fsp.readFile("/proc/self/mountinfo", "utf8");
  const escaped = path.replace(/ /g, "\\040");
  return info.split("\n").some((l) => l.split(" ")[4] === escaped);
}

export async function detach(path: string): Promise<void> {
  if (await isMounted(path)) await run("fusermount3", ["-u", "-z", path]);
}

/** The fixture's big.bin pattern. */
export function bigPattern(): Buffer {
  const big = Buffer.alloc(3 * 1024 * 1024 + 123);
  for (let i = 0; i < big.length; i++) big[i] = (i * 31 + (i >> 12)) & 0xff;
  return big;
}

/** Polls `check` until it returns true or the deadline passes. */
export async function until(check: () => Promise<boolean>, timeoutMs = EVENT_TIMEOUT_MS): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}

export function errCode(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException | undefined)?.code;
}
