/**
 * Bytes of files still open for writing (working copies written and not yet journalled) count as
 * pending: they show in the queue's status, and they weigh in the write-pressure admission. Real
 * writes through the tenant file system of an in-process TenantRuntime, signed in against the
 * emulator over HTTPS; the only thing slowed is the emulator (latency), so an upload is in flight.
 * No timing assertions: what is checked is who waited, and what the status reports.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import t from "tap";
import { WRITE_THROTTLE_SHARE } from "../../workers/content/upload/write-pressure.js";
import { TenantRuntime } from "../../workers/tenant-runtime.js";
import { emulatorForTenants, engineOptions, signInWithDeviceCode, tempDir } from "../tenant/helpers.js";
import { MiB, patternBytes } from "./helpers.js";

const KiB = 1024;
const WRITE = { read: false, write: true, truncate: false, append: false, exclusive: false };

function sha(b: Buffer): string {
  return createHash("sha256").update(b).digest("hex");
}

/** Polls `cond` until it holds, failing after `ms`. */
async function until(what: string, cond: () => boolean, ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

void t.test("a file open with written bytes counts as pending: status and write pressure", async (t) => {
  const emu = await emulatorForTenants();
  t.teardown(() => emu.stop());
  const d = tempDir("open-writes");
  t.teardown(() => d.remove());
  const budget = 2 * MiB;
  const threshold = budget * WRITE_THROTTLE_SHARE;
  const rt = new TenantRuntime({
    ...engineOptions(emu, "contoso", path.join(d.path, "state")),
    cacheDir: path.join(d.path, "cache"),
    cacheCapBytes: budget,
    ca: fs.readFileSync(emu.caFile, "utf8"),
    fetcher: "inline",
    budget: { units: 1_000_000 },
  });
  t.teardown(() => rt.destroy());
  await signInWithDeviceCode(emu, rt.engine, "adele");
  await rt.start();
  const signal = AbortSignal.timeout(240_000);
  const q = rt.queue;
  t.equal(q.status().writePressure.thresholdBytes, threshold);

  const docs = await rt.fs.keyOfPath("/Marketing/Documents", signal);
  const content = patternBytes(4242, 1068 * KiB);
  const big = await rt.fs.create(docs, "held-open.bin", 0o644, WRITE, signal);
  t.same({ files: q.status().openFiles, bytes: q.status().openBytes }, { files: 1, bytes: 0 }, "a new file open for writing: one file, nothing written yet");
  for (let off = 0; off < 768 * KiB; off += 256 * KiB) await rt.fs.write(big.handle, off, content.subarray(off, off + 256 * KiB), signal);
  let s = q.status();
  t.equal(s.pending, 0, "nothing journalled: the file is still open");
  t.equal(s.openFiles, 1, "the open file with unsaved changes is listed");
  t.equal(s.openBytes, 768 * KiB, "with its written bytes");
  t.equal(s.writePressure.pendingBytes, 768 * KiB, "and they count in the write-pressure computation");
  t.equal(s.writePressure.writersThrottled, 0, "nothing uploading: no writer waited, even near the threshold");

  // An upload in flight (the emulator answers late), and a write that would take the open bytes
  // plus the journalled ones past the threshold: the writer waits for the upload to drain. Without
  // counting the open file, 10 KiB + 300 KiB pending would be far below it.
  await emu.setFaults("contoso", { latencyMs: 3000 });
  t.teardown(() => emu.clearFaults("contoso").catch(() => undefined));
  const other = await rt.fs.create(docs, "uploading.bin", 0o644, WRITE, signal);
  await rt.fs.write(other.handle, 0, patternBytes(7, 10 * KiB), signal);
  await rt.fs.release(other.handle);
  await until("the other file's upload to be in flight", () => q.status().active === 1);
  // Same tick as the check: the upload cannot have answered in between.
  const tail = content.subarray(768 * KiB);
  const blocked = rt.fs.write(big.handle, 768 * KiB, tail, signal);
  s = q.status();
  t.equal(s.writePressure.waiting, 1, `the writer waits (${768 * KiB} open + ${10 * KiB} journalled + ${tail.length} > ${threshold})`);
  t.equal(s.writePressure.pendingBytes, 778 * KiB, "open and journalled bytes together");
  t.equal(s.openBytes, 768 * KiB);
  t.equal(s.pending, 1);
  t.equal(await blocked, tail.length, "and writes once the upload drained: slowed, not failed");
  s = q.status();
  t.equal(s.writePressure.writersThrottled, 1, "one admission waited");
  t.equal(s.writePressure.valveReleases, 0, "released by the drain, not the safety valve");
  t.equal(s.writePressure.waiting, 0);
  t.equal(s.openBytes, content.length, "all written bytes are open and unsaved");

  // fsync journals the working copy: its bytes move from open to pending.
  await rt.fs.fsync(big.handle);
  s = q.status();
  t.same({ files: s.openFiles, bytes: s.openBytes }, { files: 0, bytes: 0 }, "after fsync nothing is unsaved");
  t.ok(s.entries.some((e) => e.name === "held-open.bin" && e.size === content.length), "the file is a pending upload now");
  await emu.clearFaults("contoso");
  await q.waitIdle(signal);
  await rt.fs.release(big.handle);
  t.same({ files: q.status().openFiles, bytes: q.status().openBytes, pending: q.status().pending }, { files: 0, bytes: 0, pending: 0 });

  // Open bytes that go away (the open file truncated) let a waiting writer on at once, without
  // waiting for the upload in flight to end.
  await emu.setFaults("contoso", { latencyMs: 3000 });
  const x = await rt.fs.create(docs, "truncated.bin", 0o644, WRITE, signal);
  await rt.fs.write(x.handle, 0, patternBytes(8, 900 * KiB), signal);
  const y = await rt.fs.create(docs, "uploading-2.bin", 0o644, WRITE, signal);
  await rt.fs.write(y.handle, 0, patternBytes(9, 10 * KiB), signal);
  await rt.fs.release(y.handle);
  await until("the second upload to be in flight", () => q.status().active === 1);
  const held = rt.fs.write(x.handle, 900 * KiB, patternBytes(10, 200 * KiB), signal);
  t.equal(q.status().writePressure.waiting, 1, "the writer waits");
  const truncated = rt.fs.setattr(x.item.key, { size: 0 }, x.handle, signal);
  t.equal(q.status().active, 1, "the upload is still in flight");
  t.equal(q.status().writePressure.waiting, 0, "the truncation let the writer on");
  t.equal(await held, 200 * KiB);
  await truncated;
  t.equal(q.status().writePressure.writersThrottled, 2);
  t.equal(q.status().writePressure.valveReleases, 0);
  await emu.clearFaults("contoso");
  await rt.fs.release(x.handle);
  await q.waitIdle(signal);

  const token = await emu.token("contoso", "adele");
  const url = `${emu.tenant("contoso").sharePointUrl}/sites/marketing/_api/web/getFileByServerRelativePath(decodedUrl='${encodeURIComponent("/sites/marketing/Shared Documents/held-open.bin")}')/$value`;
  const res = await emu.fetch(url, { headers: { Authorization: `Bearer ${token}` } });
  t.equal(res.status, 200);
  t.equal(sha(Buffer.from(await res.arrayBuffer())), sha(content), "the file reached SharePoint intact");
});
