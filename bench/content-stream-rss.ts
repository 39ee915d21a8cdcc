/**
 * Issue 4 "RSS stays flat while streaming 4 GiB": a 4 GiB file streamed cold through ItemReader
 * (piscina fetcher, as the tenant worker runs it) through a 256 MiB cache, read as the FUSE fd path
 * does (128 KiB descriptor slices, released after use). The process's RSS (main thread and fetch
 * threads share it) is sampled at 0 (after a warm-up read, pool started), 1, 2, 3 and 4 GiB, and its
 * peak every 16 MiB; medians of 3 runs. Flat = the 4 GiB sample within a few MiB of the 1 GiB one.
 *
 * Run: `node dist/bench/content-stream-rss.js` (prints the figures as JSON).
 */
import { fileURLToPath } from "node:url";
import * as path from "node:path";
import * as fs from "node:fs";
import { ContentCache } from "../workers/content/content-cache.js";
import { ItemReader } from "../workers/content/item-reader.js";
import { PiscinaRangeFetcher } from "../workers/content/range-fetcher.js";
import { MiB, startContentBench } from "./content-fixture.js";
import { median } from "./stats.js";

const GiB = 1024 * MiB;
const FILE_SIZE = 4 * GiB;
const CAP = 256 * MiB;
const READ = 128 * 1024;
const RUNS = 3;

const round = (n: number, d = 1): number => Math.round(n * 10 ** d) / 10 ** d;

export async function benchContentStreamRss(): Promise<{ name: string; figures: Record<string, number> }> {
  const env = await startContentBench();
  try {
    const itemId = await env.upload("bench-content-4GiB.bin", FILE_SIZE);
    const fetcher = new PiscinaRangeFetcher();
    const samples: number[][] = [[], [], [], [], []];
    const peaks: number[] = [];
    const rates: number[] = [];
    const used: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      const dir = path.join(env.work, `rss-${run}`);
      const cache = ContentCache.open({ dir, capBytes: CAP });
      const r = await ItemReader.open({ cache, source: env.drive, fetcher, uniqueId: `rss-${run}`, itemKey: itemId, ca: env.emu.caPem }, AbortSignal.timeout(60_000));
      try {
        // Warm-up: the pool's first thread and its TLS connection exist before the baseline sample.
        await r.read(0, 4096, AbortSignal.timeout(30_000));
        global.gc?.();
        const rss = (): number => process.memoryUsage().rss / MiB;
        (samples[0] as number[]).push(rss());
        let peak = 0;
        const t0 = performance.now();
        for (let off = 0; off < FILE_SIZE; off += READ) {
          const got = await r.readFd(off, READ, AbortSignal.timeout(120_000));
          if (!Buffer.isBuffer(got)) got.release();
          const next = off + READ;
          if (next % (16 * MiB) === 0) peak = Math.max(peak, rss());
          if (next % GiB === 0) (samples[next / GiB] as number[]).push(rss());
        }
        rates.push(FILE_SIZE / MiB / ((performance.now() - t0) / 1000));
        peaks.push(peak);
        used.push(cache.stats().usedBytes / MiB);
      } finally {
        await r.close();
        await cache.close();
        fs.rmSync(dir, { recursive: true, force: true });
      }
    }
    await fetcher.close();
    const figures: Record<string, number> = { fileGiB: FILE_SIZE / GiB, cacheCapMiB: CAP / MiB };
    samples.forEach((s, i) => (figures[`rssAt${i}GiBMiB`] = round(median(s))));
    figures.rssPeakMiB = round(median(peaks));
    figures.rssGrowth1To4GiBMiB = round(median(samples[4] as number[]) - median(samples[1] as number[]));
    figures.cacheUsedAtEndMiB = round(median(used));
    figures.streamMiBps = round(median(rates));
    return { name: "content-stream-rss", figures };
  } finally {
    await env.stop();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const result = await benchContentStreamRss();
  console.log(JSON.stringify(result, null, 2));
}
