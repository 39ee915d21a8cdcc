/**
 * QuickXorHash (OneDrive/SharePoint's `file.hashes.quickXorHash`): each byte at stream offset k is
 * XORed into a circular 160-bit register at bit (11 * k) mod 160, and the length is XORed into the
 * last 8 bytes. Bytes with the same offset modulo 160 land on the same bits, so we fold the input
 * into 160 accumulator bytes (word-wise where aligned) and place them once at the end.
 */
const WIDTH = 160;
export class QuickXorHash {
    acc = new Uint8Array(WIDTH);
    acc32 = new Uint32Array(this.acc.buffer);
    length = 0;
    update(buf) {
        let i = 0;
        const n = buf.length;
        let r = this.length % WIDTH;
        // Bytes until the accumulator is at residue 0 and the input is 4-byte aligned.
        while (i < n && (r !== 0 || (buf.byteOffset + i) % 4 !== 0)) {
            this.acc[r] = this.acc[r] ^ buf[i];
            i++;
            r = r + 1 === WIDTH ? 0 : r + 1;
        }
        if (r === 0 && i < n) {
            const words = Math.floor((n - i) / 4);
            const w32 = new Uint32Array(buf.buffer, buf.byteOffset + i, words);
            const acc32 = this.acc32;
            let j = 0;
            for (; j + 40 <= words; j += 40) {
                for (let k = 0; k < 40; k++)
                    acc32[k] ^= w32[j + k];
            }
            for (let k = 0; j < words; j++, k++)
                acc32[k] ^= w32[j];
            const done = words * 4;
            r = done % WIDTH;
            i += done;
            while (i < n) {
                this.acc[r] = this.acc[r] ^ buf[i];
                i++;
                r = r + 1 === WIDTH ? 0 : r + 1;
            }
        }
        this.length += n;
        return this;
    }
    digest() {
        const out = new Uint8Array(WIDTH / 8);
        for (let res = 0; res < WIDTH; res++) {
            const v = this.acc[res];
            if (!v)
                continue;
            const bit = (res * 11) % WIDTH;
            for (let b = 0; b < 8; b++) {
                if (v & (1 << b)) {
                    const pos = (bit + b) % WIDTH;
                    out[pos >> 3] ^= 1 << (pos & 7);
                }
            }
        }
        let len = BigInt(this.length);
        for (let i = 0; i < 8; i++) {
            out[12 + i] ^= Number(len & 0xffn);
            len >>= 8n;
        }
        return Buffer.from(out).toString("base64");
    }
}
export function quickXorHash(data) {
    return new QuickXorHash().update(data).digest();
}
//# sourceMappingURL=quickxor.js.map