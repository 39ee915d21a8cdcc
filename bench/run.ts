/**
 * `npm run bench`: every benchmark, one after another (they share a 2-core machine: never in
 * parallel), each reporting figures as ratios against a baseline measured in the same run.
 * `node dist/bench/run.js [name…]` runs a subset. Results are printed and written to
 * bench/results/<date>.json.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

interface BenchResult {
  name: string;
  figures: Record<string, number>;
}

const BENCHES: Record<string, () => Promise<BenchResult>> = {
  "emulator-download": async () => (await import("./emulator-download.js")).benchEmulatorDownload(),
  "tenant-listing": async () => (await import("./tenant-listing.js")).benchTenantListing(),
  "tenant-memory": async () => (await import("./tenant-memory.js")).benchTenantMemory(),
  "mount-read": async () => (await import("./mount-read.js")).benchMountRead(),
  "content-read": async () => (await import("./content-read.js")).benchContentRead(),
  "content-upload": async () => (await import("./content-upload.js")).benchContentUpload(),
  "content-stream-rss": async () => (await import("./content-stream-rss.js")).benchContentStreamRss(),
  "daemon-memory": async () => (await import("./daemon-memory.js")).benchDaemonMemory(),
};

async function main(): Promise<number> {
  const wanted = process.argv.slice(2);
  const names = wanted.length > 0 ? wanted : Object.keys(BENCHES);
  const results: BenchResult[] = [];
  let failed = 0;
  for (const name of names) {
    const bench = BENCHES[name];
    if (!bench) {
      process.stderr.write(`unknown benchmark '${name}' (known: ${Object.keys(BENCHES).join(", ")})\n`);
      return 2;
    }
    process.stdout.write(`# ${name}\n`);
    try {
      const r = await bench();
      results.push(r);
      process.stdout.write(`${JSON.stringify(r.figures)}\n`);
    } catch (err) {
      failed++;
      process.stdout.write(`# ${name} failed: ${err instanceof Error ? err.message : String(err)}\n`);
    }
  }
  const dir = fileURLToPath(new URL("../../bench/results/", import.meta.url));
  mkdirSync(dir, { recursive: true });
  writeFileSync(`${dir}${new Date().toISOString().replace(/[:.]/g, "-")}.json`, `${JSON.stringify(results, null, 2)}\n`);
  return failed === 0 ? 0 : 1;
}

main().then(
  (code) => (process.exitCode = code),
  (err: unknown) => {
    process.stderr.write(`bench: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
