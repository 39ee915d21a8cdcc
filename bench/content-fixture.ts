/**
 * Shared set-up of the content engine benchmarks: the emulator (demo seed), a GraphDrive on the
 * marketing site's library, and one large file uploaded through an upload session (60 MiB
 * fragments of one pseudo-random MiB repeated).
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { startEmulator, type TestEmulator } from "../test/helpers/emulator.js";
import { GraphDrive } from "../workers/content/graph-drive.js";

export const MiB = 1024 * 1024;
/** 60 MiB = 192 × 320 KiB: the largest fragment Graph allows that is a multiple of 320 KiB. */
export const FRAGMENT = 192 * 327_680;

export interface ContentBenchEnv {
  emu: TestEmulator;
  drive: GraphDrive;
  /** Temp dir for caches; removed by `stop`. */
  work: string;
  upload(name: string, size: number): Promise<string>;
  stop(): Promise<void>;
}

/** One pseudo-random MiB, the same every run: the bytes of every benchmark file. */
export function benchBlock(): Buffer {
  const block = Buffer.alloc(MiB);
  for (let i = 0; i < block.length; i++) block[i] = (i * 2654435761) >>> 24;
  return block;
}

export async function startContentBench(): Promise<ContentBenchEnv> {
  const emu = await startEmulator({ seed: "demo", readyTimeoutMs: 120_000 });
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "konnekt-bench-content-"));
  try {
    const token = await emu.token("contoso", "adele");
    const siteUrl = `${emu.tenant("contoso").sharePointUrl}/sites/marketing`;
    const d = await emu.fetch(`${siteUrl}/_api/v2.0/drive`, { headers: { Authorization: `Bearer ${token}` } });
    const driveId = ((await d.json()) as { id: string }).id;
    const drive = new GraphDrive({ siteUrl, driveId, token: () => Promise.resolve(token), ca: emu.caPem });
    const fragment = Buffer.alloc(FRAGMENT);
    const block = benchBlock();
    for (let o = 0; o < FRAGMENT; o += MiB) block.copy(fragment, o);
    return {
      emu,
      drive,
      work,
      upload: async (name, size) => {
        const { uploadUrl } = await drive.createSession({ parentKey: "root", name }, size, { onNameConflict: "replace" }, AbortSignal.timeout(60_000));
        for (let start = 0; start < size; start += FRAGMENT) {
          const len = Math.min(size, start + FRAGMENT) - start;
          const r = await drive.putFragment(uploadUrl, start, fragment.subarray(0, len), size, AbortSignal.timeout(120_000));
          if (r.done) return r.item.itemKey;
        }
        throw new Error("upload did not complete");
      },
      stop: async () => {
        await emu.stop();
        fs.rmSync(work, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await emu.stop();
    fs.rmSync(work, { recursive: true, force: true });
    throw err;
  }
}
