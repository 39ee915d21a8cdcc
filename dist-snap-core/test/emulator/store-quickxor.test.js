/** QuickXorHash against published vectors (rclone's, as base64 input → base64 hash) and chunking. */
import { randomBytes } from "node:crypto";
import t from "tap";
import { QuickXorHash, quickXorHash } from "../../emulator/store/quickxor.js";
const VECTORS = [
    ["", "AAAAAAAAAAAAAAAAAAAAAAAAAAA="],
    ["Sg==", "SgAAAAAAAAAAAAAAAQAAAAAAAAA="],
    ["tbQ=", "taAFAAAAAAAAAAAAAgAAAAAAAAA="],
    ["0pZP", "0rDEEwAAAAAAAAAAAwAAAAAAAAA="],
    ["jRRDVA==", "jaDAEKgAAAAAAAAABAAAAAAAAAA="],
    ["eAV52qE=", "eChAHrQRCgAAAAAABQAAAAAAAAA="],
    ["luBZlaT6", "lgBHFipBCn0AAAAABgAAAAAAAAA="],
    ["qaApEj66lw==", "qQBFCiTgA11cAgAABwAAAAAAAAA="],
    ["/aNzzCFPS/A=", "/RjFHJgRgicsAR4ACAAAAAAAAAA="],
];
void t.test("known vectors", (t) => {
    for (const [input, want] of VECTORS)
        t.equal(quickXorHash(Buffer.from(input, "base64")), want, input || "(empty)");
    t.end();
});
/** Straight transcription of the definition: byte k XORed at bit 11k mod 160, length into bytes 12..19. */
function reference(data) {
    const out = new Uint8Array(20);
    for (let k = 0; k < data.length; k++) {
        const bit = (k * 11) % 160;
        for (let b = 0; b < 8; b++) {
            if (data[k] & (1 << b)) {
                const pos = (bit + b) % 160;
                out[pos >> 3] = out[pos >> 3] ^ (1 << (pos & 7));
            }
        }
    }
    const len = Buffer.alloc(8);
    len.writeBigUInt64LE(BigInt(data.length));
    for (let i = 0; i < 8; i++)
        out[12 + i] = out[12 + i] ^ len[i];
    return Buffer.from(out).toString("base64");
}
void t.test("long and chunked inputs match the definition", (t) => {
    const data = randomBytes(100_003);
    const want = reference(data);
    t.equal(quickXorHash(data), want);
    t.equal(quickXorHash(Buffer.from(data.subarray(1))), reference(data.subarray(1)), "unaligned start");
    const h = new QuickXorHash();
    let p = 0;
    for (const n of [1, 3, 160, 161, 4096, 7, 50_000]) {
        h.update(data.subarray(p, p + n));
        p += n;
    }
    h.update(data.subarray(p));
    t.equal(h.digest(), want, "chunk boundaries do not matter");
    t.end();
});
//# sourceMappingURL=store-quickxor.test.js.map