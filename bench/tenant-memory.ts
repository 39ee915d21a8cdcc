/**
 * Tenant engine memory (issue 3): the worker's RSS and V8 heap after GC with 10,000 items known
 * vs. with 1,000,000 known (the large seed's whole Archive library listed into the metadata
 * store). Goal: memory does not grow with the item count — items live in SQLite, not in memory.
 * Run: `node --expose-gc dist/bench/tenant-memory.js` (slow: a million items are listed).
 */
import { fileURLToPath } from "node:url";
import { TenantEngine } from "../workers/tenant/engine.js";
import { emulatorForTenants, engineOptions, signInWithDeviceCode, tempDir } from "../test/tenant/helpers.js";

function memory(): { rssMiB: number; heapMiB: number } {
  global.gc?.();
  const m = process.memoryUsage();
  return { rssMiB: m.rss / (1024 * 1024), heapMiB: m.heapUsed / (1024 * 1024) };
}

export async function benchTenantMemory(): Promise<{ name: string; figures: Record<string, number> }> {
  const emu = await emulatorForTenants({ seed: "large" });
  const dir = tempDir("bench-memory");
  try {
    const engine = new TenantEngine(engineOptions(emu, "contoso", dir.path, { discovery: { scope: { include: ["Archive/*"] }, includeOneDrive: false }, session: { listingTtlMs: 3_600_000 } }));
    await signInWithDeviceCode(emu, engine, "adele");
    await engine.start();
    await engine.session.list("/Archive/Records/Ten Thousand");
    const small = memory();
    const smallCount = engine.store.itemCount();
    for (const e of await engine.session.list("/Archive/Archive")) {
      if (e.kind !== "folder") continue;
      await engine.session.list(e.path);
      const m = memory();
      process.stderr.write(`tenant-memory: ${engine.store.itemCount()} items known, rss ${m.rssMiB.toFixed(0)} MiB, heap ${m.heapMiB.toFixed(0)} MiB\n`);
    }
    const large = memory();
    const largeCount = engine.store.itemCount();
    await engine.close();
    return {
      name: "tenant-memory",
      figures: {
        itemsKnownSmall: smallCount,
        itemsKnownLarge: largeCount,
        rssSmallMiB: Math.round(small.rssMiB),
        rssLargeMiB: Math.round(large.rssMiB),
        heapSmallMiB: Math.round(small.heapMiB),
        heapLargeMiB: Math.round(large.heapMiB),
      },
    };
  } finally {
    await emu.stop();
    dir.remove();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  benchTenantMemory().then(
    (r) => process.stdout.write(`${JSON.stringify(r, null, 2)}\n`),
    (err: unknown) => {
      process.stderr.write(`bench failed: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
