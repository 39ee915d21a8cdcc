/**
 * Mount figures (issue 5 acceptance), against the emulator's large seed, the tenant served by the
 * test fixture process (test/vfs/fixture/serve-tenant.ts) and touched from this process:
 * - cold sequential read of a 1 GiB file through the mount (content cache cleared and the file's
 *   kernel pages dropped with posix_fadvise before each run; one untimed cold read first) vs curl
 *   of the same bytes from the download URL (goal ≥ 0.9×), and how many read requests the mount
 *   answered from direct ranges (no JavaScript) per run;
 * - warm read vs a copy of the file on local disk, read the same way (goal ≥ 0.9×), three ways:
 *   both in the kernel's page cache (`warmVsLocal`: no request reaches the mount); the mount's
 *   pages dropped but the bytes in the content cache (`contentCacheWarmVsLocal`: every read is a
 *   FUSE request answered from the cache file, against the page-cached copy); and, as root, both
 *   read from the disk after dropping every clean page (`fromDiskVsLocal`: the content cache's file
 *   against the local copy, as after a reboot);
 * - `ls -l` of a 10,000-item folder (/Archive/Records/Ten Thousand) cold (a fresh fixture with an
 *   empty metadata store, signed in before timing) and warm (the same again);
 * - `find` over a 100,000-item folder (/Archive/Archive/Part 1; the seed has no 50,000-item
 *   subtree, so the figure is for twice the goal's size), cold and warm.
 * Medians of RUNS runs. Reads use `dd bs=1M` so both sides do the same syscalls.
 * As root, when `MOUNT_BENCH_READAHEAD_KB` is set (e.g. 4096), the mount's bdi read-ahead is
 * raised to it and the cold read measured both ways in the same run (raised, and the kernel's
 * 128 KiB that a non-root user gets), interleaved.
 * Run: `node dist/bench/mount-read.js` (prints JSON); `MOUNT_BENCH_PARTS=reads` (or `listings`)
 * runs only that half.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { detach, type Served } from "../test/mount/helpers.js";
import type { TestEmulator } from "../test/helpers/emulator.js";
import { command, emulatorForMount, serveTenant } from "../test/vfs/helpers.js";
import { median } from "./stats.js";

const execFileP = promisify(execFile);

const FILE_SIZE = 1024 * 1024 * 1024;
const FRAGMENT = 192 * 327_680;
const RUNS = 3;
const MiB = 1024 * 1024;
const TEN_THOUSAND = "Archive/Records/Ten Thousand";
const FIND_TREE = "Archive/Archive/Part 1";

/** posix_fadvise(DONTNEED) drops a file's pages from the kernel's page cache (FUSE files too). */
const DROP_PAGES = "import os,sys\nfd=os.open(sys.argv[1], os.O_RDONLY)\nos.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)\nos.close(fd)";

async function json<T>(res: Awaited<ReturnType<TestEmulator["fetch"]>>): Promise<T> {
  const text = await res.text();
  if (!res.ok) throw new Error(`${res.status} ${text.slice(0, 300)}`);
  return JSON.parse(text) as T;
}

/** Seconds a shell command takes (its output discarded). */
async function timed(cmd: string, args: string[]): Promise<{ seconds: number; stdout: string }> {
  const started = process.hrtime.bigint();
  const { stdout } = await execFileP(cmd, args, { maxBuffer: 256 * MiB });
  return { seconds: Number(process.hrtime.bigint() - started) / 1e9, stdout };
}

/** Uploads FILE_SIZE bytes (one MiB pattern repeated) into /sites/archive Records through an upload session. */
async function uploadBigFile(emu: TestEmulator, token: string): Promise<string> {
  const sp = emu.tenant("contoso").sharePointUrl;
  const auth = { Authorization: `Bearer ${token}` };
  const drives = await json<{ value: { id: string; name: string }[] }>(await emu.fetch(`${sp}/sites/archive/_api/v2.0/drives`, { headers: auth }));
  const drive = drives.value.find((d) => d.name === "Records");
  if (!drive) throw new Error("the large seed has no Records library");
  const session = await json<{ uploadUrl: string }>(
    await emu.fetch(`${sp}/sites/archive/_api/v2.0/drives/${drive.id}/root:/bench-1GiB.bin:/createUploadSession`, {
      method: "POST",
      headers: { ...auth, "Content-Type": "application/json" },
      body: JSON.stringify({ item: { "@microsoft.graph.conflictBehavior": "replace" } }),
    }),
  );
  const block = Buffer.alloc(MiB);
  for (let i = 0; i < block.length; i++) block[i] = (i * 2654435761) >>> 24;
  const fragment = Buffer.alloc(FRAGMENT);
  for (let o = 0; o < FRAGMENT; o += MiB) block.copy(fragment, o);
  let id = "";
  for (let start = 0; start < FILE_SIZE; start += FRAGMENT) {
    const end = Math.min(FILE_SIZE, start + FRAGMENT) - 1;
    const body = await json<{ id?: string }>(
      await emu.fetch(session.uploadUrl, {
        method: "PUT",
        headers: { "Content-Range": `bytes ${start}-${end}/${FILE_SIZE}`, "Content-Length": String(end - start + 1) },
        body: fragment.subarray(0, end - start + 1),
      }),
    );
    if (body.id) id = body.id;
  }
  if (!id) throw new Error("upload session did not complete");
  const item = await json<{ "@content.downloadUrl": string; size: number }>(await emu.fetch(`${sp}/sites/archive/_api/v2.0/drives/${drive.id}/items/${id}`, { headers: auth }));
  if (item.size !== FILE_SIZE) throw new Error(`uploaded size ${item.size}`);
  return item["@content.downloadUrl"];
}

/** The mount's bdi read_ahead_kb file (from mountinfo: never stat a mount point to find it). */
function readaheadFile(mountpoint: string): string | undefined {
  let dev: string | undefined;
  for (const line of readFileSync("/proc/self/mountinfo", "utf8").split("\n")) {
    const f = line.split(" ");
    if (f[4]?.replace(/\\([0-7]{3})/g, (_m, o: string) => String.fromCharCode(parseInt(o, 8))) === mountpoint) dev = f[2];
  }
  return dev === undefined ? undefined : `/sys/class/bdi/${dev}/read_ahead_kb`;
}

function readKb(file: string | undefined): number {
  try {
    return file ? Number(readFileSync(file, "utf8").trim()) : 0;
  } catch {
    return 0;
  }
}

/** dd of a file to /dev/null: MiB/s. */
async function ddRate(path: string): Promise<number> {
  const r = await timed("dd", [`if=${path}`, "of=/dev/null", "bs=1M", "status=none"]);
  return FILE_SIZE / MiB / r.seconds;
}

export async function benchMountRead(): Promise<{ name: string; figures: Record<string, number> }> {
  const teardowns: (() => unknown)[] = [];
  const t = { teardown: (fn: () => unknown) => void teardowns.push(fn) };
  const scratch = mkdtempSync(join(tmpdir(), "bench-mount-"));
  try {
    const parts = new Set((process.env.MOUNT_BENCH_PARTS ?? "reads,listings").split(","));
    const emu = await emulatorForMount(t, { seed: "large", readyTimeoutMs: 120_000 });
    const serve = (): Promise<Served> => serveTenant(t, emu, { pollMs: 60_000, cacheCapBytes: 3 * 1024 * MiB });
    const s = await serve();
    const figures: Record<string, number> = {};

    if (parts.has("reads")) {
      const token = await emu.token("contoso", "adele");
      const url = await uploadBigFile(emu, token);
      const big = join(s.mnt, "Archive", "Records", "bench-1GiB.bin");
      const raFile = readaheadFile(s.mnt);
      const raisedKb = Number(process.env.MOUNT_BENCH_READAHEAD_KB ?? 0);
      const canSetRa = raFile !== undefined && process.getuid?.() === 0 && raisedKb > 128;
      if (canSetRa && raFile) writeFileSync(raFile, `${raisedKb}\n`);
      const mountRaKb = readKb(raFile);
      const direct: number[] = [];
      const coldOnce = async (): Promise<number> => {
        // Cold: no cached bytes in the content cache nor in the kernel's page cache of the file.
        await command(s, "clearCache");
        await execFileP("python3", ["-c", DROP_PAGES, big]);
        const before = Number((await command(s, "stats")).directReads);
        const rate = await ddRate(big);
        direct.push(Number((await command(s, "stats")).directReads) - before);
        return rate;
      };
      // One untimed cold read first, as the content bench warms its pools: "cold" is about the
      // caches, not about a process that has not started its fetch threads or compiled its paths.
      await coldOnce();
      const cold: number[] = [];
      const coldRa128: number[] = [];
      const curl: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        cold.push(await coldOnce());
        const c = await timed("curl", ["-sS", "--fail", "--cacert", emu.caFile, "-o", "/dev/null", url]);
        curl.push(FILE_SIZE / MiB / c.seconds);
        if (canSetRa && raFile) {
          writeFileSync(raFile, "128\n");
          try {
            coldRa128.push(await coldOnce());
          } finally {
            writeFileSync(raFile, `${mountRaKb}\n`);
          }
        }
      }
      // The warm runs read what the last cold run left in the content cache and the page cache.
      const warm: number[] = [];
      for (let i = 0; i < RUNS; i++) warm.push(await ddRate(big));
      const local = join(scratch, "local-copy.bin");
      await execFileP("cp", [big, local]);
      await ddRate(local); // into the page cache, as the warm mount read has its bytes cached
      const disk: number[] = [];
      for (let i = 0; i < RUNS; i++) disk.push(await ddRate(local));
      // Kernel pages of the mount's file dropped, bytes still in the content cache (and its cache
      // file in the page cache): every read reaches the mount, answered from the cache file.
      const contentWarm: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        await execFileP("python3", ["-c", DROP_PAGES, big]);
        contentWarm.push(await ddRate(big));
      }
      // Both from the disk (root: every clean page dropped): the content cache's file against the
      // local copy, as after a reboot with the cache kept.
      const fromDisk: number[] = [];
      const localFromDisk: number[] = [];
      if (process.getuid?.() === 0) {
        for (let i = 0; i < RUNS; i++) {
          await execFileP("sh", ["-c", "sync && echo 1 > /proc/sys/vm/drop_caches"]);
          fromDisk.push(await ddRate(big));
          await execFileP("sh", ["-c", "sync && echo 1 > /proc/sys/vm/drop_caches"]);
          localFromDisk.push(await ddRate(local));
        }
      }
      rmSync(local, { force: true });
      const coldRead = median(cold);
      const curlRead = median(curl);
      const warmRead = median(warm);
      const diskRead = median(disk);
      Object.assign(figures, {
        fileMiB: FILE_SIZE / MiB,
        mountReadaheadKb: mountRaKb,
        coldMountMiBps: Math.round(coldRead),
        curlMiBps: Math.round(curlRead),
        coldVsCurl: Math.round((coldRead / curlRead) * 100) / 100,
        coldDirectReadsPerRun: median(direct),
        ...(coldRa128.length > 0 ? { coldMountRa128MiBps: Math.round(median(coldRa128)), coldRa128VsCurl: Math.round((median(coldRa128) / curlRead) * 100) / 100 } : {}),
        warmMountMiBps: Math.round(warmRead),
        localDiskMiBps: Math.round(diskRead),
        warmVsLocal: Math.round((warmRead / diskRead) * 100) / 100,
        contentCacheWarmMiBps: Math.round(median(contentWarm)),
        contentCacheWarmVsLocal: Math.round((median(contentWarm) / diskRead) * 100) / 100,
        ...(fromDisk.length > 0
          ? {
              fromDiskMountMiBps: Math.round(median(fromDisk)),
              fromDiskLocalMiBps: Math.round(median(localFromDisk)),
              fromDiskVsLocal: Math.round((median(fromDisk) / median(localFromDisk)) * 100) / 100,
            }
          : {}),
      });
    }
    if (!parts.has("listings")) return { name: "mount-read", figures };

    // Listings: cold = a fresh fixture (empty metadata store), timed after its sign-in.
    const lsCold: number[] = [];
    const lsWarm: number[] = [];
    const findCold: number[] = [];
    const findWarm: number[] = [];
    let lsLines = 0;
    let found = 0;
    for (let i = 0; i < RUNS; i++) {
      const f = i === 0 ? s : await serve();
      const ls = await timed("ls", ["-l", join(f.mnt, TEN_THOUSAND)]);
      lsCold.push(ls.seconds * 1000);
      lsLines = ls.stdout.split("\n").filter((l) => l.startsWith("-")).length;
      lsWarm.push((await timed("ls", ["-l", join(f.mnt, TEN_THOUSAND)])).seconds * 1000);
      const fc = await timed("find", [join(f.mnt, FIND_TREE)]);
      findCold.push(fc.seconds * 1000);
      found = fc.stdout.split("\n").filter(Boolean).length - 1;
      findWarm.push((await timed("find", [join(f.mnt, FIND_TREE)])).seconds * 1000);
      if (f !== s) {
        await f.stop();
        await detach(f.mnt);
      }
    }
    Object.assign(figures, {
      lsTenThousandItems: lsLines,
      lsColdMs: Math.round(median(lsCold)),
      lsWarmMs: Math.round(median(lsWarm)),
      findItems: found,
      findColdMs: Math.round(median(findCold)),
      findWarmMs: Math.round(median(findWarm)),
    });
    return { name: "mount-read", figures };
  } finally {
    for (const fn of teardowns.reverse()) await fn();
    rmSync(scratch, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  benchMountRead().then(
    (r) => process.stdout.write(`${JSON.stringify(r, null, 2)}\n`),
    (err: unknown) => {
      process.stderr.write(`bench failed: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
