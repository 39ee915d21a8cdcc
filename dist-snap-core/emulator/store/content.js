/**
 * Content storage: streamed temp files renamed into the blob directory, and synthetic content
 * (deterministic bytes derived from an item's id, seekable, generated on the fly) for large seeds.
 */
import { createCipheriv, createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { QuickXorHash } from "./quickxor.js";
const SYNTH_CHUNK = 256 * 1024;
function synthKey(key) {
    return createHash("sha256").update("konnekt-synthetic\u0000" + key).digest();
}
function counterBlock(block) {
    const iv = Buffer.alloc(16);
    iv.writeBigUInt64BE(BigInt(block), 8);
    return iv;
}
/**
 * Bytes [start, end) of the synthetic content keyed by `uniqueId` (end exclusive, like `slice`).
 * The content is an AES-256-CTR keystream, so any range is produced without generating the prefix.
 */
export function syntheticBytes(uniqueId, start, end) {
    if (end <= start)
        return Buffer.alloc(0);
    const block = Math.floor(start / 16);
    const skip = start - block * 16;
    const cipher = createCipheriv("aes-256-ctr", synthKey(uniqueId), counterBlock(block));
    const out = cipher.update(Buffer.alloc(end - start + skip));
    return out.subarray(skip);
}
/** Streams synthetic bytes [start, end] (end inclusive, as `ContentHandle.open`). */
export function syntheticStream(key, start, endInclusive) {
    let pos = start;
    const end = endInclusive + 1;
    const k = synthKey(key);
    const block = Math.floor(start / 16);
    const cipher = createCipheriv("aes-256-ctr", k, counterBlock(block));
    let skip = start - block * 16;
    return new Readable({
        read() {
            if (pos >= end) {
                this.push(null);
                return;
            }
            const n = Math.min(SYNTH_CHUNK, end - pos);
            let chunk = cipher.update(Buffer.alloc(n + skip));
            if (skip) {
                chunk = chunk.subarray(skip);
                skip = 0;
            }
            pos += n;
            this.push(chunk);
        },
    });
}
export function emptyStream() {
    return Readable.from([]);
}
/** Streams `source` into a new file at `file` (created exclusively); returns the byte count. */
export async function streamToFile(source, file, flags = "wx", start, hash) {
    let size = 0;
    const counter = new Transform({
        transform(chunk, _enc, cb) {
            size += chunk.length;
            hash?.update(chunk);
            cb(null, chunk);
        },
    });
    const opts = { flags };
    if (start !== undefined)
        opts.start = start;
    await pipeline(source, counter, fs.createWriteStream(file, opts));
    return size;
}
export function ensureDir(dir) {
    fs.mkdirSync(dir, { recursive: true });
}
export function removeQuietly(file) {
    try {
        fs.rmSync(file, { force: true });
    }
    catch {
        // already gone
    }
}
export function clearDir(dir) {
    if (!fs.existsSync(dir))
        return;
    for (const name of fs.readdirSync(dir))
        removeQuietly(path.join(dir, name));
}
/** QuickXorHash of a file, streamed. */
export async function hashFile(file) {
    const h = new QuickXorHash();
    for await (const chunk of fs.createReadStream(file, { highWaterMark: 1024 * 1024 }))
        h.update(chunk);
    return h.digest();
}
//# sourceMappingURL=content.js.map