/**
 * Content is streamed, never buffered whole: a 512 MiB put, its read-back and a chunked upload keep
 * the process's resident memory flat (a resource bound, not a timing assertion).
 */
import { createHash } from "node:crypto";
import { Readable } from "node:stream";
import t from "tap";
import { must, open, user } from "./store-helpers.js";
const MiB = 1024 * 1024;
const BOUND = 200 * MiB;
/** `total` bytes in 1 MiB chunks whose content depends on the offset; hashes what it yields. */
function source(total, seed) {
    const hash = createHash("sha256");
    let sent = 0;
    const stream = new Readable({
        read() {
            if (sent >= total) {
                this.push(null);
                return;
            }
            const n = Math.min(MiB, total - sent);
            const chunk = Buffer.alloc(n, (sent / MiB + seed) % 251);
            chunk.writeUInt32LE(sent, 0);
            sent += n;
            hash.update(chunk);
            this.push(chunk);
        },
    });
    return { stream, digest: () => hash.digest("hex") };
}
/** Samples RSS while `work` runs; returns the peak growth over the starting value. */
async function peakGrowth(work) {
    global.gc?.();
    const base = process.memoryUsage.rss();
    let peak = base;
    const timer = setInterval(() => {
        peak = Math.max(peak, process.memoryUsage.rss());
    }, 20);
    try {
        const value = await work();
        peak = Math.max(peak, process.memoryUsage.rss());
        return { value, growth: peak - base };
    }
    finally {
        clearInterval(timer);
    }
}
async function hashOf(stream) {
    const h = createHash("sha256");
    let size = 0;
    for await (const c of stream) {
        h.update(c);
        size += c.length;
    }
    return { hex: h.digest("hex"), size };
}
void t.test("512 MiB put and read-back keep memory flat", async (t) => {
    const s = open(t, "empty");
    const adele = user(s, "contoso", "adele");
    const root = must(s, "contoso", "/Shared Documents");
    const src = source(512 * MiB, 1);
    const put = await peakGrowth(() => s.putFile(root.uniqueId, "big.bin", src.stream, { userId: adele }));
    t.equal(put.value.size, 512 * MiB);
    t.ok(put.growth < BOUND, `put grew RSS by ${(put.growth / MiB).toFixed(1)} MiB`);
    const back = await peakGrowth(() => hashOf(s.content(put.value.uniqueId).open()));
    t.equal(back.value.size, 512 * MiB);
    t.equal(back.value.hex, src.digest(), "the bytes come back unchanged");
    t.ok(back.growth < BOUND, `read grew RSS by ${(back.growth / MiB).toFixed(1)} MiB`);
    const ranged = await hashOf(s.content(put.value.uniqueId).open(300 * MiB, 300 * MiB + 9));
    t.equal(ranged.size, 10);
});
void t.test("chunked upload of 384 MiB keeps memory flat", async (t) => {
    const s = open(t, "empty");
    const adele = user(s, "contoso", "adele");
    const root = must(s, "contoso", "/Shared Documents");
    const target = { parentId: root.uniqueId, name: "chunked.bin" };
    const run = await peakGrowth(async () => {
        let offset = 0;
        for (let i = 0; i < 3; i++) {
            const part = source(128 * MiB, 10 + i);
            offset = await s.appendUpload("big-session", target, offset, part.stream, adele);
        }
        return s.finishUpload("big-session", { userId: adele });
    });
    t.equal(run.value.size, 384 * MiB);
    t.ok(run.growth < BOUND, `chunked upload grew RSS by ${(run.growth / MiB).toFixed(1)} MiB`);
    const back = await peakGrowth(() => hashOf(s.content(run.value.uniqueId).open(128 * MiB, 256 * MiB - 1)));
    const second = source(128 * MiB, 11);
    t.equal(back.value.hex, (await hashOf(second.stream)).hex, "the middle fragment is where it belongs");
});
void t.test("synthetic content streams without buffering", async (t) => {
    const s = open(t, "demo");
    const video = must(s, "contoso", "/sites/marketing/Shared Documents/Launch Video.mp4");
    const read = await peakGrowth(() => hashOf(s.content(video.uniqueId).open()));
    t.equal(read.value.size, video.size);
    t.ok(read.growth < BOUND);
});
//# sourceMappingURL=store-stream.test.js.map