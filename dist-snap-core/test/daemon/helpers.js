/**
 * Test helpers for the daemon: private temp HOME/XDG directories, the REAL daemon process started
 * with `konnekt daemon --foreground --json` (synchronised on its ready line), the `konnekt` CLI, and
 * raw socket access for protocol tests. Everything started here is killed in t.teardown.
 */
import { spawn } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { connect as netConnect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
export const CLI = fileURLToPath(new URL("../../daemon/cli.js", import.meta.url));
/** A private HOME and XDG tree; with `runtime: false`, no XDG_RUNTIME_DIR (endpoint rule 3, TMPDIR). */
export function tempHome(t, options = {}) {
    const dir = mkdtempSync(join(tmpdir(), "kd-"));
    t.teardown(() => rmSync(dir, { recursive: true, force: true }));
    const runtimeDir = join(dir, "run");
    mkdirSync(runtimeDir, { mode: 0o700 });
    const env = {
        PATH: process.env.PATH,
        HOME: dir,
        XDG_CONFIG_HOME: join(dir, "config"),
        XDG_STATE_HOME: join(dir, "state"),
        XDG_CACHE_HOME: join(dir, "cache"),
        KONNEKT_POLICY_FILE: join(dir, "policy.json"),
        TMPDIR: join(dir, "tmp"),
    };
    mkdirSync(env.TMPDIR, { mode: 0o700 });
    if (options.runtime !== false)
        env.XDG_RUNTIME_DIR = runtimeDir;
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
export function openUp(home) {
    chmodSync(home.dir, 0o755);
    chmodSync(home.runtimeDir, 0o755);
    chmodSync(home.env.TMPDIR, 0o1777);
}
/** Starts the real daemon and resolves on its ready line (rejects with its stderr if it exits first). */
export async function startDaemon(t, home, extraEnv = {}) {
    const child = spawn(process.execPath, [CLI, "daemon", "--foreground", "--json"], {
        env: { ...home.env, ...extraEnv },
        stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr.setEncoding("utf8").on("data", (d) => (stderr += d));
    const exited = new Promise((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
    t.teardown(async () => {
        if (child.exitCode === null && child.signalCode === null) {
            child.kill("SIGKILL");
            await exited;
        }
    });
    const lines = createInterface({ input: child.stdout });
    const ready = await new Promise((resolve, reject) => {
        lines.once("line", (line) => resolve(JSON.parse(line)));
        void exited.then((e) => reject(new Error(`daemon exited (${e.code ?? e.signal}) before ready: ${stderr}`)));
    });
    return { ready, child, exited, stderr: () => stderr };
}
/** Runs the daemon expecting it to fail: resolves with its exit and output. */
export function runDaemonToExit(home, args = ["--foreground", "--json"]) {
    return runCli(home, ["daemon", ...args]);
}
export function runCli(home, args, extraEnv = {}) {
    return new Promise((resolve) => {
        const child = spawn(process.execPath, [CLI, ...args], { env: { ...home.env, ...extraEnv }, stdio: ["ignore", "pipe", "pipe"] });
        let stdout = "";
        let stderr = "";
        child.stdout.setEncoding("utf8").on("data", (d) => (stdout += d));
        child.stderr.setEncoding("utf8").on("data", (d) => (stderr += d));
        child.once("close", (code) => resolve({ code, stdout, stderr }));
    });
}
/** A raw socket to the endpoint, collecting framed responses (for protocol-level tests). */
export class RawClient {
    socket;
    buffer = Buffer.alloc(0);
    messages = [];
    waiters = [];
    closed;
    constructor(socket) {
        this.socket = socket;
        socket.on("data", (chunk) => {
            this.buffer = Buffer.concat([this.buffer, chunk]);
            for (;;) {
                const end = this.buffer.indexOf("\r\n\r\n");
                if (end === -1)
                    break;
                const m = /Content-Length: *(\d+)/i.exec(this.buffer.subarray(0, end).toString("ascii"));
                if (!m)
                    throw new Error("response without Content-Length");
                const len = Number(m[1]);
                if (this.buffer.length < end + 4 + len)
                    break;
                this.messages.push(JSON.parse(this.buffer.subarray(end + 4, end + 4 + len).toString("utf8")));
                this.buffer = this.buffer.subarray(end + 4 + len);
            }
            for (const w of this.waiters.splice(0))
                w();
        });
        socket.on("error", () => undefined);
        this.closed = new Promise((resolve) => socket.once("close", () => resolve()));
        void this.closed.then(() => {
            for (const w of this.waiters.splice(0))
                w();
        });
    }
    static open(t, path) {
        return new Promise((resolve, reject) => {
            const s = netConnect(path);
            s.once("connect", () => resolve(new RawClient(s)));
            s.once("error", reject);
            t.teardown(() => s.destroy());
        });
    }
    write(data) {
        this.socket.write(data);
    }
    /** Sends one framed message body (a string is sent as is, anything else as JSON). */
    send(body) {
        const text = typeof body === "string" ? body : JSON.stringify(body);
        const bytes = Buffer.from(text, "utf8");
        this.socket.write(Buffer.concat([Buffer.from(`Content-Length: ${bytes.length}\r\n\r\n`, "ascii"), bytes]));
    }
    /** Resolves when at least `count` messages arrived, or the socket closed. */
    async waitFor(count) {
        let closed = false;
        void this.closed.then(() => (closed = true));
        while (this.messages.length < count && !closed && !this.socket.destroyed) {
            await new Promise((resolve) => this.waiters.push(resolve));
        }
        return this.messages;
    }
    /** Resolves with the response carrying `id`. */
    async response(id) {
        for (;;) {
            const found = this.messages.find((m) => m.id === id);
            if (found)
                return found;
            if (this.socket.destroyed)
                return undefined;
            await new Promise((resolve) => this.waiters.push(resolve));
        }
    }
}
/** Polls `check` until it returns true or the deadline passes (for state that has no event). */
export async function until(check, what, deadlineMs = 20_000) {
    const end = Date.now() + deadlineMs;
    while (!check()) {
        if (Date.now() > end)
            throw new Error(`timed out waiting for ${what}`);
        await new Promise((r) => setTimeout(r, 20));
    }
}
export function isAlive(pid) {
    try {
        process.kill(pid, 0);
        return true;
    }
    catch {
        return false;
    }
}
//# sourceMappingURL=helpers.js.map