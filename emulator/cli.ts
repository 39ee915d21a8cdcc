/**
 * `konnekt emulator [--port N] [--data DIR] [--seed demo|large|empty] [--config JSON]
 * [--faults JSON] [--test-auto-approve USER]`: runs the emulator until SIGTERM/SIGINT. When ready
 * it prints exactly one JSON line on stdout (the contract tests and scripts wait for).
 */
import { rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname } from "node:path";
import { tuneGcForStreaming } from "../workers/stream-gc.js";
import { ConfigError, parseFaultsFlag, resolveConfig } from "./config.js";
import type { StartOptions } from "./emulator.js";

const USAGE = "usage: konnekt emulator [--port N] [--data DIR] [--seed demo|large|empty] [--config JSON] [--faults JSON] [--test-auto-approve USER]";

class UsageError extends Error {}

export function parseArgs(argv: string[]): StartOptions & { help?: boolean } {
  const out: StartOptions & { help?: boolean } = {};
  let configText: string | undefined;
  let autoApprove: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === "--help" || arg === "-h") {
      out.help = true;
      continue;
    }
    const eq = arg.indexOf("=");
    const flag = arg.startsWith("--") && eq > 0 ? arg.slice(0, eq) : arg;
    const value = (): string => {
      if (arg.startsWith("--") && eq > 0) return arg.slice(eq + 1);
      const v = argv[++i];
      if (v === undefined) throw new UsageError(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case "--port": {
        const v = value();
        const n = Number(v);
        if (!/^\d+$/.test(v) || n > 65535) throw new UsageError(`--port must be a port number (0-65535), got '${v}'`);
        out.port = n;
        break;
      }
      case "--data":
        out.dataDir = value();
        if (out.dataDir === "") throw new UsageError("--data needs a directory");
        break;
      case "--seed": {
        const v = value();
        if (v !== "demo" && v !== "large" && v !== "empty") throw new UsageError(`--seed must be demo, large or empty, got '${v}'`);
        out.seed = v;
        break;
      }
      case "--config":
        configText = value();
        break;
      case "--faults":
        out.faults = parseFaultsFlag(value());
        break;
      case "--test-auto-approve":
        autoApprove = value();
        if (autoApprove === "") throw new UsageError("--test-auto-approve needs a user");
        break;
      default:
        throw new UsageError(`unknown option '${arg}'`);
    }
  }
  const config = resolveConfig(configText);
  if (autoApprove !== undefined) config.testAutoApproveUser = autoApprove;
  out.config = config;
  return out;
}

export async function main(argv: string[]): Promise<number> {
  let opts: ReturnType<typeof parseArgs>;
  try {
    opts = parseArgs(argv);
  } catch (err) {
    if (err instanceof UsageError || err instanceof ConfigError) {
      process.stderr.write(`konnekt emulator: ${err.message} (see --help)\n`);
      return 2;
    }
    throw err;
  }
  if (opts.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }

  // A test tool that must answer, not die: a stray error in one request is logged and survived.
  process.on("uncaughtException", (err) => process.stderr.write(`emulator: uncaught: ${err.stack ?? err.message}\n`));
  process.on("unhandledRejection", (err) => process.stderr.write(`emulator: unhandled rejection: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`));

  // The emulator streams file bodies too: the same GC setting as the client (see stream-gc.ts), so
  // benchmarks do not charge one side's collector to the other's figures.
  tuneGcForStreaming();
  // Loaded only now: a bad flag is reported without loading the whole emulator.
  const { startEmulator } = await import("./emulator.js");
  let emulator: Awaited<ReturnType<typeof startEmulator>>;
  try {
    emulator = await startEmulator(opts);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`konnekt emulator: ${err.message}\n`);
      return 2;
    }
    throw err;
  }

  const stopped = new Promise<void>((done) => {
    let stopping = false;
    const stop = (): void => {
      if (stopping) return;
      stopping = true;
      // A stop that hangs must not leave the process behind.
      setTimeout(() => process.exit(0), 15_000).unref();
      emulator.stop().then(done, (err: unknown) => {
        process.stderr.write(`emulator: stop: ${err instanceof Error ? err.message : String(err)}\n`);
        done();
      });
    };
    process.on("SIGTERM", stop);
    process.on("SIGINT", stop);
    // Test harnesses set this and keep a pipe on stdin: when the harness dies, however it dies,
    // the pipe closes and the emulator stops (and removes its temp data dir) instead of lingering.
    if (process.env.KONNEKT_EMULATOR_STOP_ON_STDIN_CLOSE === "1") {
      process.stdin.on("error", () => undefined);
      process.stdin.once("close", stop);
      process.stdin.once("end", stop);
      process.stdin.resume();
    }
  });
  process.stdout.write(`${JSON.stringify(emulator.ready)}\n`);
  await stopped;
  removeHarnessHome();
  // Whatever a part left scheduled must not keep a stopped emulator alive.
  setTimeout(() => process.exit(0), 2000).unref();
  return 0;
}

/**
 * The test harness gives the emulator a temp HOME and names it in KONNEKT_EMULATOR_HARNESS_HOME:
 * the emulator outlives a harness that was killed (it stops when its stdin closes), so it removes
 * that dir itself. Only a dir that is this process's HOME, directly in the temp dir and named as
 * the harness names it, is ever removed.
 */
function removeHarnessHome(): void {
  const home = process.env.KONNEKT_EMULATOR_HARNESS_HOME;
  if (!home || home !== process.env.HOME) return;
  if (dirname(home) !== tmpdir() || !basename(home).startsWith("konnekt-test-emu-home-")) return;
  try {
    rmSync(home, { recursive: true, force: true });
  } catch {
    // best effort: the harness removes it too when it stops the emulator itself
  }
}

