/**
 * Test helpers for the daemon: private temp HOME/XDG directories, the REAL daemon process started
 * with `konnekt daemon --foreground --json` (synchronised on its ready line), the `konnekt` CLI, and
 * raw socket access for protocol tests. Everything started here is killed in t.teardown.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { connect as netConnect, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import type { ReadyLine } from "../../daemon/run.js";

type Test = { teardown(fn: () => unknown): void };

export const CLI = fileURLToPath(new URL("../../daemon/cli.js", import.meta.url));

export interface TempHome {
  dir: string;
  env: NodeJS.ProcessEnv;
  runtimeDir: string;
  configFile: string;
  policyFile: string;
  logFile: string;
  lockFile: string;
}

/** A private HOME and XDG tree; with `runtime: false`, no XDG_RUNTIME_DIR (endpoint rule 3, TMPDIR). */
export function tempHome(t: Test, options: { runtime?: boolean } = {}): TempHome {
  const dir = mkdtempSync(join(tmpdir(), "kd-"));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const runtimeDir = join(dir, "run");
  mkdirSync(runtimeDir, { mode: 0o700 });
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: dir,
    XDG_CONFIG_HOME: join(dir, "config"),
    XDG_STATE_HOME: join(dir, "state"),
    XDG_CACHE_HOME: join(dir, "cache"),
    KONNEKT_POLICY_FILE: join(dir, "policy.json"),
    TMPDIR: join(dir, "tmp"),
  };
  mkdirSync(env.TMPDIR!, { mode: 0o700 });
  if (options.runtime !== false) env.XDG_RUNTIME_DIR = runtimeDir;
  return {
    dir,
    env,
    runtimeDir,
    configFile: join(dir, "config", "konnekt", "config.json"),
    policyFile: join(dir, "policy.json"),
    logFile: join(dir, "state", "konnekt", "logs", "daemon.log"),
    lockFile: join(dir, "state", "konnekt", "daemon.lock"),
  };
}

/** Lets other users traverse the temp tree (for the other-user test only). */
export function openUp(home: TempHome): void {
  chmodSync(home.dir, 0o755);
  chmodSync(home.runtimeDir, 0o755);
  chmodSync(home.env.TMPDIR!, 0o1777);
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface RunningDaemon {
  ready: ReadyLine;
  child: ChildProcess;
  exited: Promise<Exit>;
  stderr(): string;
}

/** Starts the real daemon and resolves on its ready line (rejects with its stderr if it exits first). */
export async function startDaemon(t: Test, home: TempHome, extraEnv: NodeJS.ProcessEnv = {}): Promise<RunningDaemon> {
  const child = spawn(process.execPath, [CLI, "daemon", "--foreground", "--json"], {
    env: { ...home.env, ...extraEnv },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
  const exited = new Promise<Exit>((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
  t.teardown(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGKILL");
      await exited;
    }
  });
  const lines = createInterface({ input: child.stdout });
  const ready = await new Promise<ReadyLine>((resolve, reject) => {
    lines.once("line", (line) => resolve(JSON.parse(line) as ReadyLine));
    void exited.then((e) => reject(new Error(`daemon exited (${e.code ?? e.signal}) before ready: ${stderr}`)));
  });
  return { ready, child, exited, stderr: () => stderr };
}

/** Runs the daemon expecting it to fail: resolves with its exit and output. */
export function runDaemonToExit(home: TempHome, args: string[] = ["--foreground", "--json"]): Promise<CliResult> {
  return runCli(home, ["daemon", ...args]);
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runCli(home: TempHome, args: string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: { ...home.env, ...extraEnv }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    child.once("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/** A raw socket to the endpoint, collecting framed responses (for protocol-level tests). */
export class RawClient {
  private buffer = Buffer.alloc(0);
  readonly messages: unknown[] = [];
  private waiters: (() => void)[] = [];
  readonly closed: Promise<void>;

  private constructor(readonly socket: Socket) {
    socket.on("data", (chunk: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      for (;;) {
        const end = this.buffer.indexOf("\r\n\r\n");
        if (end === -1) break;
        const m = /Content-Length: *(\d+)/i.exec(this.buffer.subarray(0, end).toString("ascii"));
        if (!m) throw new Error("response without Content-Length");
        const len = Number(m[1]);
        if (this.buffer.length < end + 4 + len) break;
        this.messages.push(JSON.parse(this.buffer.subarray(end + 4, end + 4 + len).toString("utf8")));
        this.buffer = this.buffer.subarray(end + 4 + len);
      }
      for (const w of this.waiters.splice(0)) w();
    });
    socket.on("error", () => undefined);
    this.closed = new Promise((resolve) => socket.once("close", () => resolve()));
    void this.closed.then(() => {
      for (const w of this.waiters.splice(0)) w();
    });
  }

  static open(t: Test, path: string): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const s = netConnect(path);
      s.once("connect", () => resolve(new RawClient(s)));
      s.once("error", reject);
      t.teardown(() => s.destroy());
    });
  }

  write(data: string | Buffer): void {
    this.socket.write(data);
  }

  /** Sends one framed message body (a string is sent as is, anything else as JSON). */
  send(body: unknown): void {
    const text = typeof body === "string" ? body : JSON.stringify(body);
    const bytes = Buffer.from(text, "utf8");
    this.socket.write(Buffer.concat([Buffer.from(`Content-Length: ${bytes.length}\r\n\r\n`, "ascii"), bytes]));
  }

  /** Resolves when at least `count` messages arrived, or the socket closed. */
  async waitFor(count: number): Promise<unknown[]> {
    let closed = false;
    void this.closed.then(() => (closed = true));
    while (this.messages.length < count && !closed && !this.socket.destroyed) {
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
    return this.messages;
  }

  /** Resolves with the response carrying `id`. */
  async response(id: number | string): Promise<Record<string, unknown> | undefined> {
    for (;;) {
      const found = this.messages.find((m) => (m as { id?: unknown }).id === id);
      if (found) return found as Record<string, unknown>;
      if (this.socket.destroyed) return undefined;
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }
}

/** Polls `check` until it returns true or the deadline passes (for state that has no event). */
export async function until(check: () => boolean, what: string, deadlineMs = 20_000): Promise<void> {
  const end = Date.now() + deadlineMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** True while `pid` runs; a zombie (exited, not yet reaped — e.g. by a container's init) counts as gone. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return false;
  }
}
