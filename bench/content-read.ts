/**
 * Content engine read figures (issue 4 "bench/"): one run, side by side, medians of 3.
 *
 * - cold sequential read of a 1 GiB file through ItemReader (piscina fetcher, and the inline
 *   fetcher) vs `curl` of the same download URL to /dev/null → MiB/s each and the ratio;
 * - time to the first 4 KiB at offset 512 MiB of an uncached file (ms) and the ranged requests it
 *   took (goal: ≤ 2 round trips), with a warm pool (a tenant worker keeps its pool);
 * - warm read of cached bytes through ItemReader's fd slices vs reading the cache files directly (MiB/s);
 * - RSS growth of this process while streaming the 1 GiB file through a 256 MiB cache.
 *
 * The engine writes what it fetches into the cache file (as it must); curl writes to /dev/null, so
 * the ratio charges the engine its disk writes. Reads are 128 KiB, the kernel's FUSE read size,
 * served as descriptor slices (the FUSE fd path: no copy into JavaScript).
 *
 * Run: `node dist/bench/content-read.js` (prints the figures as JSON).
 */
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { startEmulator, type TestEmulator } from "../test/helpers/emulator.js";
import { ContentCache } from "../workers/content/content-cache.js";
import { GraphDrive } from "../workers/content/graph-drive.js";
import { ItemReader } from "../workers/content/item-reader.js";
import { InlineRangeFetcher, PiscinaRangeFetcher, type RangeFetcher } from "../workers/content/range-fetcher.js";
import { median } from "./stats.js";

const execFileP = promisify(execFile);
const MiB = 1024 * 1024;
const FILE_SIZE = 1024 * MiB;
const FRAGMENT = 192 * 327_680;
const READ = 128 * 1024;
const RUNS = 3;

const round = (n: number, d = 1): number => Math.round(n * 10 ** d) / 10 ** d;

async function uploadBig(emu: TestEmulator, drive: GraphDrive): Promise<string> {
  const { uploadUrl } = await drive.createSession({ parentKey: "root", name: "bench-content-1GiB.bin" }, FILE_SIZE, { onNameConflict: "replace" }, AbortSignal.timeout(60_000));
  const block = Buffer.alloc(MiB);
  for (let i = 0; i < block.length; i++) block[i] = (i * 2654435761) >>> 24;
  const fragment = Buffer.alloc(FRAGMENT);
  for (let o = 0; o < FRAGMENT; o += MiB) block.copy(fragment, o);
  void emu;
  for (let start = 0; start < FILE_SIZE; start += FRAGMENT) {
    const len = Math.min(FILE_SIZE, start + FRAGMENT) - start;
    const r = await drive.putFragment(uploadUrl, start, fragment.subarray(0, len), FILE_SIZE, AbortSignal.timeout(120_000));
    if (r.done) return r.item.itemKey;
  }
  throw new Error("upload did not complete");
}

export async function benchContentRead(): Promise<{ name: string; figures: Record<string, number> }> {
  const emu = await startEmulator({ seed: "demo", readyTimeoutMs: 120_000 });
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "konnekt-bench-content-"));
  try {
    const token = await emu.token("contoso", "adele");
    const siteUrl = `${emu.tenant("contoso").sharePointUrl}/sites/marketing`;
    const d = await emu.fetch(`${siteUrl}/_api/v2.0/drive`, { headers: { Authorization: `Bearer ${token}` } });
    const driveId = ((await d.json()) as { id: string }).id;
    const drive = new GraphDrive({ siteUrl, driveId, token: () => Promise.resolve(token), ca: emu.caPem });
    const itemId = await uploadBig(emu, drive);
    const figures: Record<string, number> = {};

    let runNo = 0;
    const withReader = async <T>(fetcher: RangeFetcher, capBytes: number, fn: (r: ItemReader, cache: ContentCache) => Promise<T>): Promise<T> => {
      const dir = path.join(work, `run-${++runNo}`);
      const cache = ContentCache.open({ dir, capBytes });
      const r = await ItemReader.open({ cache, source: drive, fetcher, uniqueId: `bench-${runNo}`, itemKey: itemId, ca: emu.caPem }, AbortSignal.timeout(60_000));
      try {
        return await fn(r, cache);
      } finally {
        await r.close();
        await cache.close();
        fs.rmSync(dir, { recursive: true, force: true });
      }
    };
    const sequential = async (r: ItemReader, onStep?: (off: number) => void): Promise<number> => {
      const t0 = performance.now();
      for (let off = 0; off < FILE_SIZE; off += READ) {
        const got = await r.readFd(off, READ, AbortSignal.timeout(120_000));
        if (!Buffer.isBuffer(got)) got.release();
        onStep?.(off);
      }
      return FILE_SIZE / MiB / ((performance.now() - t0) / 1000);
    };

    // curl, same URL, same bytes.
    const curlRates: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const info = await drive.getDownloadUrl(itemId, AbortSignal.timeout(10_000));
      const { stdout } = await execFileP("curl", ["-s", "-o", "/dev/null", "-w", "%{speed_download}", "--cacert", emu.caFile, info.url]);
      curlRates.push(Number(stdout) / MiB);
    }
    figures.curlMiBps = round(median(curlRates));
    // curl into a file: the engine must write what it fetches into the cache, so this is the like-for-like figure.
    const fileRates: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const info = await drive.getDownloadUrl(itemId, AbortSignal.timeout(10_000));
      const out = path.join(work, "curl.bin");
      const { stdout } = await execFileP("curl", ["-s", "-o", out, "-w", "%{speed_download}", "--cacert", emu.caFile, info.url]);
      fs.rmSync(out, { force: true });
      fileRates.push(Number(stdout) / MiB);
    }
    figures.curlToFileMiBps = round(median(fileRates));

    // One pool per kind for the whole bench, as a tenant worker keeps its pool: thread start-up and
    // module loading are paid once, by a warm-up read, not by the measured reads.
    const pools = { piscina: new PiscinaRangeFetcher(), inline: new InlineRangeFetcher() };
    for (const f of Object.values(pools)) await withReader(f, 64 * MiB, (r) => r.read(0, 4096, AbortSignal.timeout(30_000)));
    for (const kind of ["piscina", "inline"] as const) {
      const label = kind === "piscina" ? "Piscina" : "Inline";
      const rates: number[] = [];
      for (let i = 0; i < RUNS; i++) rates.push(await withReader(pools[kind], 2 * FILE_SIZE, (r) => sequential(r)));
      figures[`coldSequential${label}MiBps`] = round(median(rates));
      figures[`coldSequential${label}VsCurl`] = round(median(rates) / figures.curlMiBps, 2);
      figures[`coldSequential${label}VsCurlToFile`] = round(median(rates) / figures.curlToFileMiBps, 2);

      // Time to the first 4 KiB at 512 MiB of an uncached file.
      const times: number[] = [];
      const reqs: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        await withReader(pools[kind], 2 * FILE_SIZE, async (r) => {
          const t0 = performance.now();
          await r.read(512 * MiB, 4096, AbortSignal.timeout(30_000));
          times.push(performance.now() - t0);
          reqs.push(r.stats().requests);
        });
      }
      figures[`first4KiBAt512MiB${label}ms`] = round(median(times), 2);
      figures[`first4KiBAt512MiB${label}Requests`] = median(reqs);
    }

    // Warm: cached bytes through the reader (copied into a Buffer) vs the cache files read directly.
    {
      const fetcher = pools.piscina;
      await withReader(fetcher, 2 * FILE_SIZE, async (r, cache) => {
        await sequential(r);
        await cache.flush();
        const viaReader: number[] = [];
        const direct: number[] = [];
        const buf = Buffer.allocUnsafe(READ);
        const dir = path.join(work, `run-${runNo}`, "items");
        const files = fs.readdirSync(dir).flatMap((id) => fs.readdirSync(path.join(dir, id)).map((f) => path.join(dir, id, f)));
        for (let i = 0; i < RUNS; i++) {
          let t0 = performance.now();
          // As the FUSE fd path does: the reader hands out a descriptor slice, the bytes are read from it.
          for (let off = 0; off < FILE_SIZE; off += READ) {
            const got = await r.readFd(off, READ, AbortSignal.timeout(30_000));
            if (Buffer.isBuffer(got)) continue;
            fs.readSync(got.fd, buf, 0, got.length, got.position);
            got.release();
          }
          viaReader.push(FILE_SIZE / MiB / ((performance.now() - t0) / 1000));
          t0 = performance.now();
          let total = 0;
          for (const f of files) {
            const fd = fs.openSync(f, "r");
            for (let pos = 0; ; pos += READ) {
              const n = fs.readSync(fd, buf, 0, READ, pos);
              if (n === 0) break;
              total += n;
            }
            fs.closeSync(fd);
          }
          direct.push(total / MiB / ((performance.now() - t0) / 1000));
        }
        figures.warmReaderMiBps = round(median(viaReader));
        figures.warmDirectFileMiBps = round(median(direct));
        figures.warmReaderVsDirect = round(median(viaReader) / median(direct), 2);
      });
    }

    // RSS while streaming 1 GiB through a 256 MiB cache.
    {
      const fetcher = pools.piscina;
      global.gc?.();
      const before = process.memoryUsage().rss;
      let peak = before;
      await withReader(fetcher, 256 * MiB, (r) =>
        sequential(r, (off) => {
          if (off % (16 * MiB) === 0) peak = Math.max(peak, process.memoryUsage().rss);
        }),
      );
      figures.rssBeforeMiB = round(before / MiB);
      figures.rssGrowthStreaming1GiBMiB = round((peak - before) / MiB);
    }
    await pools.piscina.close();
    await pools.inline.close();
    return { name: "content-read", figures };
  } finally {
    await emu.stop();
    fs.rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const result = await benchContentRead();
  console.log(JSON.stringify(result, null, 2));
}
