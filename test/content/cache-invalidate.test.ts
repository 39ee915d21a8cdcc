/**
 * Invalidation and open readers (against the emulator): dropping an item's cached bytes while its
 * version did not move must not fail a reader; a version that really moved still does.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import t from "tap";
import { ContentCache } from "../../workers/content/content-cache.js";
import { ItemReader } from "../../workers/content/item-reader.js";
import { InlineRangeFetcher } from "../../workers/content/range-fetcher.js";
import { contentEnv, MiB, patternBytes, uploadFile } from "./helpers.js";

const FAST_RETRY = { maxAttempts: 6, baseDelayMs: 20, maxDelayMs: 3000 };

void t.test("invalidate with an unchanged ETag does not fail open readers", async (t) => {
  const env = await contentEnv(t);
  const signal = (): AbortSignal => AbortSignal.timeout(60_000);
  const cache = ContentCache.open({ dir: path.join(env.dir, "content"), capBytes: 64 * MiB, segmentBytes: 4 * MiB });
  const fetcher = new InlineRangeFetcher();
  const readers: ItemReader[] = [];
  t.teardown(async () => {
    for (const r of readers) await r.close();
    await fetcher.close();
    await cache.close();
  });
  const v1 = patternBytes(41, 3 * MiB + 17);
  await uploadFile(env, "steady.bin", v1);
  const item = await env.item("steady.bin");
  const open = async (): Promise<ItemReader> => {
    const r = await ItemReader.open({ cache, source: env.drive, fetcher, uniqueId: item.uniqueId, itemKey: item.id, ca: env.emu.caPem, retry: FAST_RETRY, readaheadMaxBytes: 0 }, signal());
    readers.push(r);
    return r;
  };
  // No read-ahead: every request in the log is a demand fetch.
  const r = await open();
  t.ok((await r.read(0, 1000, signal())).equals(v1.subarray(0, 1000)));

  await t.test("with the current ETag given, nothing is dropped", async (t) => {
    t.equal(cache.invalidate(item.uniqueId, r.etag), false, "nothing to drop");
    const since = await env.emu.lastRequest();
    t.ok((await r.read(10, 500, signal())).equals(v1.subarray(10, 510)));
    t.equal((await env.downloads(since)).length, 0, "served from the kept cache");
  });

  await t.test("without an ETag: the bytes go, the reader asks again and carries on", async (t) => {
    t.equal(cache.invalidate(item.uniqueId), true, "dropped");
    t.equal(cache.cachedBytes(item.uniqueId), 0);
    t.ok((await r.read(0, 1000, signal())).equals(v1.subarray(0, 1000)), "the same reader reads on");
    t.ok((await r.read(2 * MiB, 4096, signal())).equals(v1.subarray(2 * MiB, 2 * MiB + 4096)), "also bytes it never read");
    t.ok(cache.cachedBytes(item.uniqueId) > 0, "refetched into the cache");
    // Several reads racing over a dropped entry share one question to the service.
    cache.invalidate(item.uniqueId);
    const got = await Promise.all([0, 1, 2].map((i) => r.read(i * MiB, 100, signal())));
    got.forEach((b, i) => t.ok(b.equals(v1.subarray(i * MiB, i * MiB + 100)), `concurrent read ${i}`));
  });

  await t.test("clear() does not fail an open reader either", async (t) => {
    cache.clear(false);
    t.ok((await r.read(MiB, 10, signal())).equals(v1.subarray(MiB, MiB + 10)));
  });

  await t.test("a version that moved still fails the reader with conflict", async (t) => {
    await uploadFile(env, "steady.bin", patternBytes(42, 3 * MiB));
    const now = await env.item("steady.bin");
    t.not(now.eTag, r.etag);
    t.equal(cache.invalidate(item.uniqueId, now.eTag), true, "the cached bytes are of an older ETag: dropped");
    await t.rejects(r.read(0, 10, signal()), { code: "conflict" }, "open it again");
    await t.rejects(r.read(5, 10, signal()), { code: "conflict" }, "and it stays that way");
    const fresh = await open();
    t.ok((await fresh.read(0, 100, signal())).equals(patternBytes(42, 100)), "a new reader gets the new version");
  });
});

void t.test("invalidate keeps bytes cached at the current ETag and says why an entry went stale", (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "konnekt-invalidate-"));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const seen: string[] = [];
  const cache = ContentCache.open({ dir, capBytes: 64 * MiB, manualFlush: true, onInvalidate: (id, why) => seen.push(`${id}:${why}`) });
  t.teardown(() => cache.close());
  const e = cache.acquire("x", '"x,1"', MiB);
  const w = e.beginWrite(0, 4096);
  fs.writeSync(w.fd, Buffer.alloc(4096, 3), 0, 4096, w.position);
  w.done(4096);
  t.equal(cache.invalidate("x", '"x,1"'), false, "same ETag: kept");
  t.ok(e.valid && e.has(0, 4096));
  t.equal(e.staleReason, undefined);
  t.same(seen, []);
  t.equal(cache.invalidate("x", '"x,2"'), true, "another ETag: dropped");
  t.notOk(e.valid);
  t.equal(e.staleReason, "invalidate", "only the bytes went; the version is not known to have moved");
  t.same(seen, ["x:invalidate"]);
  t.equal(cache.invalidate("x"), false, "nothing left to drop");
  e.release();
  const f = cache.acquire("x", '"x,1"', MiB);
  f.invalidate();
  t.equal(f.staleReason, "etag", "a reader that saw the ETag move marks the version as changed");
  f.release();
  const g = cache.acquire("y", '"y,1"', MiB);
  cache.acquire("y", '"y,2"', MiB).release();
  t.equal(g.staleReason, "etag", "a newer ETag acquired");
  g.release();
  t.end();
});
