import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import t from "tap";
import { ContentCache, SEGMENT_BYTES } from "../../workers/content/content-cache.js";
const MiB = 1024 * 1024;
function tempDir(t) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "konnekt-cache-test-"));
    t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
    return dir;
}
function fill(entry, start, end, byte) {
    const w = entry.beginWrite(start, end);
    const buf = Buffer.alloc(end - start, byte);
    fs.writeSync(w.fd, buf, 0, buf.length, w.position);
    w.done(buf.length);
}
void t.test("bytes written through an entry are served back, partially cached ranges report holes", (t) => {
    const cache = ContentCache.open({ dir: tempDir(t), capBytes: 64 * MiB, manualFlush: true });
    t.teardown(() => cache.close());
    const e = cache.acquire("11111111-1111-1111-1111-111111111111", '"{A},1"', 40 * MiB);
    fill(e, 0, MiB, 7);
    fill(e, SEGMENT_BYTES, SEGMENT_BYTES + MiB, 9);
    t.ok(e.has(0, MiB));
    t.notOk(e.has(0, MiB + 1));
    t.same(e.holes(0, 2 * MiB), [{ start: MiB, end: 2 * MiB }]);
    t.same(e.readBytes(MiB - 2, MiB), Buffer.from([7, 7]));
    t.equal(e.readBytes(SEGMENT_BYTES - 1, SEGMENT_BYTES + 1), undefined, "a range with a hole is not served");
    const sl = e.slice(SEGMENT_BYTES + 10, SEGMENT_BYTES + 20);
    t.ok(sl, "a cached range inside one segment comes back as a descriptor slice");
    t.equal(sl?.position, 10);
    sl?.release();
    t.equal(e.slice(SEGMENT_BYTES - 10, SEGMENT_BYTES + 10), undefined, "no slice across segments");
    t.equal(cache.stats().usedBytes, 2 * MiB);
    e.release();
    t.end();
});
void t.test("LRU eviction keeps the cap, spares pinned items and segments in use", (t) => {
    const cache = ContentCache.open({ dir: tempDir(t), capBytes: 8 * MiB, manualFlush: true });
    t.teardown(() => cache.close());
    const pinned = cache.acquire("pinned", '"p"', 2 * MiB);
    cache.pin("pinned");
    fill(pinned, 0, 2 * MiB, 1);
    const a = cache.acquire("a", '"a"', 3 * MiB);
    fill(a, 0, 3 * MiB, 2);
    const held = a.slice(0, MiB); // a reader holds item a's segment
    const b = cache.acquire("b", '"b"', 3 * MiB);
    fill(b, 0, 3 * MiB, 3);
    const c = cache.acquire("c", '"c"', 3 * MiB);
    fill(c, 0, 3 * MiB, 4);
    const st = cache.stats();
    t.ok(st.usedBytes <= 8 * MiB, `used ${st.usedBytes} within the cap`);
    t.ok(pinned.has(0, 2 * MiB), "pinned item kept");
    t.ok(a.has(0, 3 * MiB), "segment in use kept");
    t.notOk(b.has(0, 1), "least recently used idle segment evicted");
    t.ok(c.has(0, 3 * MiB), "newest kept");
    t.ok(st.evictions >= 1);
    held?.release();
    for (const e of [pinned, a, b, c])
        e.release();
    t.end();
});
void t.test("a new ETag drops the old bytes and reports it", (t) => {
    const seen = [];
    const cache = ContentCache.open({ dir: tempDir(t), capBytes: 64 * MiB, manualFlush: true, onInvalidate: (id, why) => seen.push(`${id}:${why}`) });
    t.teardown(() => cache.close());
    const old = cache.acquire("x", '"x,1"', MiB);
    fill(old, 0, MiB, 1);
    old.release();
    const fresh = cache.acquire("x", '"x,2"', MiB);
    t.notOk(fresh.has(0, 1), "nothing of the old version is served");
    t.notOk(old.valid);
    t.same(seen, ["x:etag"]);
    t.equal(cache.stats().usedBytes, 0);
    fresh.release();
    t.end();
});
void t.test("crash safety: flushed ranges survive a reopen, unflushed ones are dropped with their files", async (t) => {
    const dir = tempDir(t);
    const first = ContentCache.open({ dir, capBytes: 64 * MiB, manualFlush: true });
    const e = first.acquire("f", '"f"', 40 * MiB);
    fill(e, 0, MiB, 5);
    await first.flush();
    fill(e, SEGMENT_BYTES, SEGMENT_BYTES + MiB, 6); // never flushed: a crash now loses it
    // A "crash": a second instance opens the same directory without the first one closing.
    const second = ContentCache.open({ dir, capBytes: 64 * MiB, manualFlush: true });
    const again = second.acquire("f", '"f"', 40 * MiB);
    t.ok(again.has(0, MiB), "durable range kept");
    t.same(again.readBytes(0, 4), Buffer.from([5, 5, 5, 5]));
    t.notOk(again.has(SEGMENT_BYTES, SEGMENT_BYTES + 1), "range without an index row dropped");
    again.release();
    e.release();
    await second.close();
    await first.close();
});
void t.test("a cache file shorter than its index is trimmed on open", async (t) => {
    const dir = tempDir(t);
    const first = ContentCache.open({ dir, capBytes: 64 * MiB, manualFlush: true });
    const e = first.acquire("g", '"g"', 4 * MiB);
    fill(e, 0, 2 * MiB, 1);
    await first.flush();
    e.release();
    await first.close();
    const files = fs.readdirSync(path.join(dir, "items", "g"));
    t.equal(files.length, 1);
    fs.truncateSync(path.join(dir, "items", "g", files[0]), MiB);
    const second = ContentCache.open({ dir, capBytes: 64 * MiB, manualFlush: true });
    t.teardown(() => second.close());
    const again = second.acquire("g", '"g"', 4 * MiB);
    t.ok(again.has(0, MiB));
    t.notOk(again.has(MiB, MiB + 1));
    again.release();
});
//# sourceMappingURL=content-cache.test.js.map