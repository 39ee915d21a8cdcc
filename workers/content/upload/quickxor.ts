/**
 * QuickXorHash, the content hash SharePoint and OneDrive report as `file.hashes.quickXorHash`, of a
 * staging file: the upload queue compares it with the server's to recognise an upload that already
 * committed (a crash between the service's answer and the journal row's deletion).
 *
 * The algorithm: byte k of the stream is XORed into a 160-bit register at bit (11·k) mod 160
 * (wrapping), then the length (64-bit little endian) is XORed into the register's last 8 bytes;
 * the result is base64. Bytes whose offsets agree modulo 160 land on the same bits, so the stream
 * is first folded into 160 lanes and the lanes are placed once at the end.
 */
import * as fs from "node:fs";

const LANES = 160;
const READ_BYTES = 1024 * 1024;

export class QuickXor {
  private readonly lanes = new Uint8Array(LANES);
  private length = 0;

  update(buf: Uint8Array): this {
    const lanes = this.lanes;
    let lane = this.length % LANES;
    for (let i = 0; i < buf.length; i++) {
      lanes[lane]! ^= buf[i]!;
      if (++lane === LANES) lane = 0;
    }
    this.length += buf.length;
    return this;
  }

  digest(): string {
    const out = new Uint8Array(LANES / 8);
    for (let lane = 0; lane < LANES; lane++) {
      const v = this.lanes[lane]!;
      if (v === 0) continue;
      const first = (lane * 11) % LANES;
      for (let b = 0; b < 8; b++) {
        if ((v >> b) & 1) {
          const bit = (first + b) % LANES;
          out[bit >> 3]! ^= 1 << (bit & 7);
        }
      }
    }
    let len = BigInt(this.length);
    for (let i = 0; i < 8; i++) {
      out[LANES / 8 - 8 + i]! ^= Number(len & 0xffn);
      len >>= 8n;
    }
    return Buffer.from(out).toString("base64");
  }
}

/** QuickXorHash of a file, read in 1 MiB steps without blocking the event loop for long. */
export async function quickXorOfFile(file: string, signal?: AbortSignal): Promise<string> {
  const h = new QuickXor();
  const fh = await fs.promises.open(file, "r");
  try {
    const buf = Buffer.allocUnsafe(READ_BYTES);
    for (let pos = 0; ; ) {
      signal?.throwIfAborted();
      const { bytesRead } = await fh.read(buf, 0, buf.length, pos);
      if (bytesRead === 0) break;
      h.update(buf.subarray(0, bytesRead));
      pos += bytesRead;
    }
  } finally {
    await fh.close();
  }
  return h.digest();
}
