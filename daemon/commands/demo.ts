/**
 * `konnekt demo [--mount DIR] [--data DIR] [--json]`: the whole product on one machine, no tenant
 * needed. Starts the emulator (demo seed: contoso and fabrikam), a daemon of its own (its own
 * config, state, cache and endpoint under the data dir, so it never touches a real configuration),
 * connects both tenants (device code, approved by the emulator's test mode as adele) and mounts
 * them at `<mount>/<tenant>` (default ~/Konnekt). Ctrl-C or SIGTERM unmounts and stops everything.
 * With --json, one line when ready: {"event":"ready","endpoint","mount","tenants","emulator"}.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { KonnektError } from "../../workers/errors.js";
import { connect } from "../client.js";

const CLI = fileURLToPath(new URL("../cli.js", import.meta.url));
const READY_TIMEOUT_MS = 120_000;
const DEMO_USER = "adele";

interface EmulatorReady {
  event: "ready";
  authority: string;
  caFile: string;
  clientId: string;
  tenants: { name: string; tenantId: string; sharePointUrl: string; users: string[] }[];
}

function usage(): string {
  return "usage: konnekt demo [--mount DIR] [--data DIR] [--json]\n";
}

/** Starts a child and resolves with its first stdout line parsed as JSON. */
function startChild(args: string[], env: NodeJS.ProcessEnv, what: string): Promise<{ child: ChildProcess; ready: unknown }> {
  // Own process group: Ctrl-C reaches only the demo, which then stops the daemon in order
  // (unmount, drain uploads) instead of every process dying at once and leaving dead mounts.
  const child = spawn(process.execPath, [CLI, ...args], { env, stdio: ["pipe", "pipe", "pipe"], detached: true });
  let stderr = "";
  child.stderr?.setEncoding("utf8").on("data", (d: string) => (stderr = (stderr + d).slice(-4000)));
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => reject(new KonnektError("timeout", `The ${what} did not start within ${READY_TIMEOUT_MS / 1000} s.`)), READY_TIMEOUT_MS);
    createInterface({ input: child.stdout }).once("line", (line) => {
      clearTimeout(timer);
      try {
        resolvePromise({ child, ready: JSON.parse(line) });
      } catch {
        reject(new KonnektError("internal", `The ${what} printed an unexpected line: ${line}`));
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new KonnektError("internal", `The ${what} exited (${code}) before it was ready: ${stderr.trim().split("\n").pop() ?? ""}`));
    });
  });
}

function stopChild(child: ChildProcess | undefined, timeoutMs = 20_000): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((res) => {
    const kill = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.once("exit", () => {
      clearTimeout(kill);
      res();
    });
    child.kill("SIGTERM");
  });
}

export async function main(argv: string[]): Promise<number> {
  let mount = join(homedir(), "Konnekt");
  let data: string | undefined;
  let json = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--mount") mount = resolve(argv[++i] ?? "");
    else if (a === "--data") data = resolve(argv[++i] ?? "");
    else if (a === "--json") json = true;
    else if (a === "--help" || a === "-h") {
      process.stdout.write(usage());
      return 0;
    } else {
      process.stderr.write(`konnekt demo: unknown option '${a}'\n${usage()}`);
      return 2;
    }
  }
  const say = (line: string): void => {
    if (!json) process.stdout.write(`${line}\n`);
  };
  const ownData = data === undefined;
  const dir = data ?? mkdtempSync(join(tmpdir(), "konnekt-demo-"));
  mkdirSync(dir, { recursive: true });
  let emulator: ChildProcess | undefined;
  let daemon: ChildProcess | undefined;
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      say("Stopping: unmounting, finishing uploads…");
      await stopChild(daemon);
      await stopChild(emulator);
      if (ownData) rmSync(dir, { recursive: true, force: true });
    })();
    return stopping;
  };
  const signalled = new Promise<void>((res) => {
    process.once("SIGINT", () => res());
    process.once("SIGTERM", () => res());
  });
  try {
    say("Starting the SharePoint Online emulator (demo seed)…");
    // The emulator ends with the demo even when the demo itself is killed (its stdin closes).
    const emu = await startChild(["emulator", "--seed", "demo", "--data", join(dir, "emulator"), "--test-auto-approve", DEMO_USER], { ...process.env, KONNEKT_EMULATOR_STOP_ON_STDIN_CLOSE: "1" }, "emulator");
    emulator = emu.child;
    const e = emu.ready as EmulatorReady;

    const base = join(dir, "daemon");
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      XDG_CONFIG_HOME: join(base, "config"),
      XDG_STATE_HOME: join(base, "state"),
      XDG_CACHE_HOME: join(base, "cache"),
      KONNEKT_ENDPOINT: join(base, "konnekt.sock"),
      KONNEKT_POLICY_FILE: join(base, "no-policy.json"),
      NODE_EXTRA_CA_CERTS: e.caFile,
    };
    mkdirSync(join(base, "config", "konnekt"), { recursive: true, mode: 0o700 });
    writeFileSync(
      join(base, "config", "konnekt", "config.json"),
      JSON.stringify({ authorityHost: e.authority, clientId: e.clientId, mountRoot: mount, pollSeconds: 5, cacheSizeMiB: 1024 }, null, 2),
    );
    mkdirSync(mount, { recursive: true });
    say("Starting the Konnekt daemon…");
    const d = await startChild(["daemon", "--foreground", "--json"], env, "daemon");
    daemon = d.child;
    const endpoint = (d.ready as { endpoint: string }).endpoint;

    const client = await connect(endpoint);
    try {
      for (const t of e.tenants) {
        say(`Signing in to ${t.name} as ${DEMO_USER}…`);
        await client.request("tenant.connect", { url: t.sharePointUrl, name: t.name, tenantId: t.tenantId, signInMode: "deviceCode" });
      }
    } finally {
      client.close();
    }
    if (json) {
      process.stdout.write(`${JSON.stringify({ event: "ready", endpoint, mount, tenants: e.tenants.map((t) => t.name), emulator: e })}\n`);
    } else {
      say("");
      say(`Konnekt is mounted at ${mount}:`);
      for (const t of e.tenants) say(`  ${join(mount, t.name)}`);
      say("");
      say("Try:");
      say(`  ls "${join(mount, "contoso")}"`);
      say(`  cat "${join(mount, "contoso", "Marketing", "Documents", "Plan.txt")}"`);
      say(`  echo hello > "${join(mount, "contoso", "OneDrive", "Documents", "hello.txt")}"`);
      say(`  KONNEKT_ENDPOINT=${endpoint} node ${CLI} status`);
      say("");
      say("Press Ctrl-C to stop.");
    }
    await Promise.race([signalled, new Promise<void>((res) => daemon!.once("exit", () => res()))]);
    await stop();
    return 0;
  } catch (err) {
    await stop();
    throw err;
  }
}
