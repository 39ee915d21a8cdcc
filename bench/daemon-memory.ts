/**
 * Daemon memory (issue 6): what the daemon plus its tenant workers cost when idle with both demo
 * tenants connected and mounted (goal ≤ 150 MB in total). Runs `konnekt demo --json` in temp dirs,
 * waits until the daemon and workers are quiet (CPU time stops growing), then samples each process
 * several times and reports medians:
 * - RSS (what `ps` shows; counts the node binary's shared pages once per process),
 * - PSS from /proc/<pid>/smaps_rollup (shared pages divided among the processes sharing them: the
 *   honest total for three node processes),
 * - USS (Private_Clean + Private_Dirty: what stopping that process would give back),
 * - the group's resident set with every physical page counted once (the union of the page frames
 *   in /proc/<pid>/pagemap; needs root to see frame numbers): the honest total, independent of
 *   how many other node processes happen to share the binary's pages on this machine (PSS is not),
 * - threads, and each worker's V8 heap (a worker writes its memoryUsage() to its stderr on SIGUSR2,
 *   which the daemon logs as "worker output").
 * A bare idle `node` is sampled the same way as the floor: three node processes cost at least 3 × it.
 * Run: `node dist/bench/daemon-memory.js` (or via bench/run.ts).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { closeSync, mkdtempSync, openSync, readFileSync, readSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { connect } from "../daemon/client.js";
import { median } from "./stats.js";

const CLI = fileURLToPath(new URL("../daemon/cli.js", import.meta.url));
const MiB = 1024 * 1024;
const SAMPLES = 7;
const SAMPLE_EVERY_MS = 1000;
/** Quiet = all measured processes together used less CPU than this share of one core over a window. */
const QUIET_CPU_SHARE = 0.03;
const QUIET_WINDOW_MS = 2000;
const QUIET_DEADLINE_MS = 60_000;

interface ProcMemory {
  rss: number;
  pss: number;
  uss: number;
  threads: number;
}

/** Bytes from /proc/<pid>/smaps_rollup and the thread count from /proc/<pid>/status. */
function procMemory(pid: number): ProcMemory {
  const kb = (text: string, key: string): number => {
    const m = new RegExp(`^${key}:\\s+(\\d+) kB`, "m").exec(text);
    return m ? Number(m[1]) * 1024 : 0;
  };
  const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, "utf8");
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  return {
    rss: kb(rollup, "Rss"),
    pss: kb(rollup, "Pss"),
    uss: kb(rollup, "Private_Clean") + kb(rollup, "Private_Dirty"),
    threads: Number(/^Threads:\s+(\d+)/m.exec(status)?.[1] ?? 0),
  };
}

/** utime + stime of a process, in clock ticks. */
function cpuTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return Number(fields[11]) + Number(fields[12]);
}

const PAGE = 4096;
const PAGEMAP_CHUNK_PAGES = 65_536;

/**
 * The distinct resident page frames of the processes together, in bytes; undefined when frame
 * numbers are hidden (not root).
 */
function groupResident(pids: number[]): number | undefined {
  const frames = new Set<number>();
  const buf = Buffer.alloc(PAGEMAP_CHUNK_PAGES * 8);
  for (const pid of pids) {
    const fd = openSync(`/proc/${pid}/pagemap`, "r");
    try {
      for (const line of readFileSync(`/proc/${pid}/maps`, "utf8").split("\n")) {
        const m = /^([0-9a-f]+)-([0-9a-f]+)/.exec(line);
        // [vsyscall] lies above the user address space pagemap covers.
        if (!m || line.endsWith("[vsyscall]")) continue;
        const first = parseInt(m[1]!, 16) / PAGE;
        const end = parseInt(m[2]!, 16) / PAGE;
        for (let page = first; page < end; page += PAGEMAP_CHUNK_PAGES) {
          const count = Math.min(PAGEMAP_CHUNK_PAGES, end - page);
          const got = readSync(fd, buf, 0, count * 8, page * 8) / 8;
          for (let i = 0; i < got; i++) {
            const hi = buf.readUInt32LE(i * 8 + 4);
            if ((hi & 0x8000_0000) === 0) continue;
            const pfn = (hi & 0x7f_ffff) * 2 ** 32 + buf.readUInt32LE(i * 8);
            if (pfn === 0) return undefined;
            frames.add(pfn);
          }
        }
      }
    } finally {
      closeSync(fd);
    }
  }
  return frames.size * PAGE;
}

async function waitQuiet(pids: number[]): Promise<void> {
  const deadline = Date.now() + QUIET_DEADLINE_MS;
  // 100 ticks per second on Linux (USER_HZ).
  const budget = (QUIET_CPU_SHARE * QUIET_WINDOW_MS) / 10;
  for (;;) {
    const before = pids.reduce((s, p) => s + cpuTicks(p), 0);
    await sleep(QUIET_WINDOW_MS);
    const used = pids.reduce((s, p) => s + cpuTicks(p), 0) - before;
    if (used <= budget) return;
    if (Date.now() > deadline) throw new Error(`the daemon and workers did not go quiet within ${QUIET_DEADLINE_MS / 1000} s`);
  }
}

interface Sampled {
  each: Record<string, ProcMemory>;
  /** Median of groupResident() over the samples. */
  group: number | undefined;
}

async function sampleProcesses(pids: Record<string, number>): Promise<Sampled> {
  const samples: Record<string, ProcMemory[]> = {};
  const groups: number[] = [];
  let hidden = false;
  for (let i = 0; i < SAMPLES; i++) {
    for (const [name, pid] of Object.entries(pids)) (samples[name] ??= []).push(procMemory(pid));
    const g = hidden ? undefined : groupResident(Object.values(pids));
    if (g === undefined) hidden = true;
    else groups.push(g);
    await sleep(SAMPLE_EVERY_MS);
  }
  const out: Record<string, ProcMemory> = {};
  for (const [name, list] of Object.entries(samples)) {
    out[name] = {
      rss: median(list.map((m) => m.rss)),
      pss: median(list.map((m) => m.pss)),
      uss: median(list.map((m) => m.uss)),
      threads: median(list.map((m) => m.threads)),
    };
  }
  return { each: out, group: hidden ? undefined : median(groups) };
}

function exitOf(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((resolve) => child.once("exit", () => resolve()));
}

/** A bare idle node process: the floor each of the daemon's processes starts from. */
async function bareNode(): Promise<ProcMemory> {
  const child = spawn(process.execPath, ["-e", "setInterval(() => {}, 1 << 30)"], { stdio: "ignore" });
  try {
    await sleep(1500);
    return (await sampleProcesses({ node: child.pid! })).each.node!;
  } finally {
    child.kill("SIGKILL");
    await exitOf(child);
  }
}

/** The V8 figures each worker wrote (on SIGUSR2) into the daemon log, by pid. */
async function workerHeaps(logFile: string, pids: number[]): Promise<Map<number, { heapUsed: number; heapTotal: number; external: number }>> {
  for (const pid of pids) process.kill(pid, "SIGUSR2");
  const found = new Map<number, { heapUsed: number; heapTotal: number; external: number }>();
  const deadline = Date.now() + 10_000;
  while (found.size < pids.length && Date.now() < deadline) {
    await sleep(200);
    for (const line of readFileSync(logFile, "utf8").split("\n")) {
      if (!line.includes("konnekt-memory")) continue;
      try {
        const outer = JSON.parse(line) as { workerPid?: number; line?: string };
        const inner = JSON.parse(outer.line ?? "") as { "konnekt-memory"?: { heapUsed: number; heapTotal: number; external: number } };
        if (outer.workerPid !== undefined && inner["konnekt-memory"]) found.set(outer.workerPid, inner["konnekt-memory"]);
      } catch {
        // another line that merely mentions the marker
      }
    }
  }
  return found;
}

export async function benchDaemonMemory(): Promise<{ name: string; figures: Record<string, number> }> {
  const t0 = performance.now();
  const floor = await bareNode();
  const dir = mkdtempSync(join(tmpdir(), "konnekt-bench-memory-"));
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: dir, TMPDIR: dir };
  const demo = spawn(process.execPath, [CLI, "demo", "--json", "--mount", join(dir, "Konnekt"), "--data", join(dir, "data")], { env, stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  demo.stderr.setEncoding("utf8").on("data", (d: string) => (stderr = (stderr + d).slice(-4000)));
  try {
    const ready = await new Promise<{ endpoint: string }>((resolve, reject) => {
      createInterface({ input: demo.stdout }).once("line", (line) => resolve(JSON.parse(line) as { endpoint: string }));
      demo.once("exit", (code) => reject(new Error(`demo exited (${code}) before ready: ${stderr.trim()}`)));
    });
    const client = await connect(ready.endpoint);
    let status: { pid: number; logFile: string; tenants: { name: string; workerPid?: number }[] };
    try {
      status = (await client.request("daemon.status", {}));
    } finally {
      client.close();
    }
    const pids: Record<string, number> = { daemon: status.pid };
    for (const t of status.tenants) if (t.workerPid !== undefined) pids[`worker:${t.name}`] = t.workerPid;
    if (Object.keys(pids).length !== 3) throw new Error(`expected the daemon and two workers, got ${JSON.stringify(status.tenants)}`);
    process.stderr.write(`daemon-memory: ready after ${Math.round(performance.now() - t0)} ms\n`);
    await waitQuiet(Object.values(pids));
    process.stderr.write(`daemon-memory: quiet after ${Math.round(performance.now() - t0)} ms\n`);
    const sampled = await sampleProcesses(pids);
    const mem = sampled.each;
    const heaps = await workerHeaps(
      status.logFile,
      Object.entries(pids)
        .filter(([n]) => n.startsWith("worker:"))
        .map(([, p]) => p),
    );

    const figures: Record<string, number> = {};
    const round = (b: number): number => Math.round((b / MiB) * 10) / 10;
    let rss = 0;
    let pss = 0;
    let uss = 0;
    for (const [name, m] of Object.entries(mem)) {
      rss += m.rss;
      pss += m.pss;
      uss += m.uss;
      figures[`${name}.rssMiB`] = round(m.rss);
      figures[`${name}.pssMiB`] = round(m.pss);
      figures[`${name}.ussMiB`] = round(m.uss);
      figures[`${name}.threads`] = m.threads;
      const heap = heaps.get(pids[name]!);
      if (heap) {
        figures[`${name}.heapUsedMiB`] = round(heap.heapUsed);
        figures[`${name}.heapTotalMiB`] = round(heap.heapTotal);
        figures[`${name}.externalMiB`] = round(heap.external);
      }
    }
    figures.rssSumMiB = round(rss);
    figures.rssSumMB = Math.round(rss / 1e6);
    figures.pssSumMiB = round(pss);
    figures.pssSumMB = Math.round(pss / 1e6);
    figures.ussSumMiB = round(uss);
    if (sampled.group !== undefined) {
      figures.groupRssMiB = round(sampled.group);
      figures.groupRssMB = Math.round(sampled.group / 1e6);
    }
    figures.bareNodeRssMiB = round(floor.rss);
    figures.bareNodePssMiB = round(floor.pss);
    figures.bareNodeUssMiB = round(floor.uss);
    return { name: "daemon-memory", figures };
  } finally {
    if (demo.exitCode === null && demo.signalCode === null) {
      demo.kill("SIGTERM");
      await Promise.race([exitOf(demo), sleep(60_000)]);
    }
    if (demo.exitCode === null && demo.signalCode === null) demo.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  benchDaemonMemory().then(
    (r) => process.stdout.write(`${JSON.stringify(r, null, 2)}\n`),
    (err: unknown) => {
      process.stderr.write(`bench failed: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
