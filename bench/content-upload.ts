/**
 * Content engine upload figures (issue 4 "bench/"): a 1 GiB file written through the journal and
 * uploaded by the UploadQueue (upload session, 60 MiB fragments) vs the same bytes uploaded
 * directly with curl, one `PUT` per 60 MiB fragment to an upload session (goal ≥ 0.8×).
 * Also the cost of making the write durable (journal commit: copy + fsync + row), which an
 * application's close waits for.
 *
 * Run: `node dist/bench/content-upload.js` (prints the figures as JSON).
 */
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { UploadJournal } from "../workers/content/upload/journal.js";
import { UploadQueue } from "../workers/content/upload/upload-queue.js";
import { benchBlock, FRAGMENT, MiB, startContentBench } from "./content-fixture.js";

const execFileP = promisify(execFile);
const FILE_SIZE = 1024 * MiB;

const round = (n: number, d = 1): number => Math.round(n * 10 ** d) / 10 ** d;

export async function benchContentUpload(): Promise<{ name: string; figures: Record<string, number> }> {
  const env = await startContentBench();
  const { emu, drive, work } = env;
  try {
    const src = path.join(work, "src.bin");
    const block = benchBlock();
    const fd = fs.openSync(src, "w");
    for (let o = 0; o < FILE_SIZE; o += MiB) fs.writeSync(fd, block, 0, MiB, o);
    fs.closeSync(fd);
    const figures: Record<string, number> = {};

    // Through the engine.
    const journal = UploadJournal.open({ stateDir: path.join(work, "state") });
    let t0 = performance.now();
    journal.commitFile({ parentKey: "root", name: "bench-upload-engine.bin" }, undefined, src);
    figures.journalCommit1GiBms = round(performance.now() - t0);
    const queue = new UploadQueue({ journal, target: drive, fragmentBytes: FRAGMENT });
    t0 = performance.now();
    queue.start();
    await queue.waitIdle(AbortSignal.timeout(600_000));
    const engine = FILE_SIZE / MiB / ((performance.now() - t0) / 1000);
    await queue.close();
    journal.close();
    figures.engineUploadMiBps = round(engine);

    // Direct: curl, one PUT per fragment, to an upload session of the same size.
    const { uploadUrl } = await drive.createSession({ parentKey: "root", name: "bench-upload-curl.bin" }, FILE_SIZE, { onNameConflict: "replace" }, AbortSignal.timeout(60_000));
    const frag = path.join(work, "frag.bin");
    let curlSeconds = 0;
    const srcFd = fs.openSync(src, "r");
    const buf = Buffer.allocUnsafe(FRAGMENT);
    for (let start = 0; start < FILE_SIZE; start += FRAGMENT) {
      const len = Math.min(FRAGMENT, FILE_SIZE - start);
      fs.readSync(srcFd, buf, 0, len, start);
      fs.writeFileSync(frag, buf.subarray(0, len)); // staged outside the timed part
      const t1 = performance.now();
      await execFileP("curl", ["-s", "-o", "/dev/null", "--fail", "-X", "PUT", "--cacert", emu.caFile, "-H", `Content-Range: bytes ${start}-${start + len - 1}/${FILE_SIZE}`, "--data-binary", `@${frag}`, uploadUrl]);
      curlSeconds += (performance.now() - t1) / 1000;
    }
    fs.closeSync(srcFd);
    figures.curlUploadMiBps = round(FILE_SIZE / MiB / curlSeconds);
    figures.engineVsCurl = round(engine / figures.curlUploadMiBps, 2);
    return { name: "content-upload", figures };
  } finally {
    await env.stop();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const result = await benchContentUpload();
  console.log(JSON.stringify(result, null, 2));
}
