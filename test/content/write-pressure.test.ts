/**
 * Write pressure: with more bytes pending upload than the threshold allows, writers are delayed
 * (admission waits for uploads to drain), never failed. Against the real emulator, slowed down.
 * No timing assertions: what is checked is that every write completed, that admissions happened
 * only below the threshold, and the queue's own record that writers were throttled.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import t, { type Test } from "tap";
import type { UploadTarget } from "../../workers/content/types.js";
import { UploadJournal } from "../../workers/content/upload/journal.js";
import { UploadQueue } from "../../workers/content/upload/upload-queue.js";
import { WRITE_THROTTLE_SHARE } from "../../workers/content/upload/write-pressure.js";
import { contentEnv, FAST_RETRY, MiB, patternBytes, TENANT } from "./helpers.js";


function sha(b: Buffer): string {
  return createHash("sha256").update(b).digest("hex");
}

function tempState(t: Test): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "konnekt-pressure-"));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  return path.join(dir, "state");
}

void t.test("writers are slowed, not failed, while uploads drain (slowed emulator)", async (t) => {
  const env = await contentEnv(t);
  // Every request answers late, so uploads drain far slower than the writer journals.
  await env.emu.setFaults(TENANT, { latencyMs: 150 });
  t.teardown(() => env.emu.clearFaults(TENANT));
  const budget = 4 * MiB;
  const threshold = budget * WRITE_THROTTLE_SHARE;
  const journal = UploadJournal.open({ stateDir: path.join(env.dir, "pressure", "state") });
  const queue = new UploadQueue({ journal, target: env.drive, retry: FAST_RETRY, concurrency: 1, writeBudgetBytes: budget, writeThrottleMaxWaitMs: 600_000 });
  t.teardown(async () => {
    await queue.destroy();
    journal.close();
  });
  t.equal(queue.status().writePressure.thresholdBytes, threshold, "the threshold is the documented share of the budget");
  queue.start();

  const files = Array.from({ length: 8 }, (_, i) => ({ name: `pressure-${i}.bin`, bytes: patternBytes(300 + i, 700 * 1024 + i) }));
  const admittedAt: number[] = [];
  for (const f of files) {
    // The writer's path into the engine: admission, then the durable commit.
    await queue.admitWrite(f.bytes.length, AbortSignal.timeout(300_000));
    admittedAt.push(journal.pendingBytes());
    const r = journal.commitBytes({ parentKey: "root", name: f.name }, undefined, f.bytes);
    t.notOk(r.localOnly);
  }
  const stats = queue.status().writePressure;
  t.ok(stats.writersThrottled > 0, `writers were throttled (${stats.writersThrottled} of ${files.length} admissions waited)`);
  t.equal(stats.valveReleases, 0, "every wait ended by uploads draining, not by the safety valve");
  files.forEach((f, i) => {
    const pending = admittedAt[i]!;
    t.ok(pending === 0 || pending + f.bytes.length <= threshold, `write ${i} admitted with ${pending} bytes pending (threshold ${threshold})`);
  });
  await queue.waitIdle(AbortSignal.timeout(300_000));
  for (const f of files) t.equal(sha(await env.download((await env.item(f.name)).id)), sha(f.bytes), `${f.name} on the server`);
  t.equal(queue.status().writePressure.waiting, 0);
});

/** A target whose uploads never finish until released: pressure that cannot drain by itself. */
function stalledTarget(): { target: UploadTarget; release: () => void } {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const hold = async <T>(signal: AbortSignal): Promise<T> => {
    await Promise.race([gate, new Promise((_, rej) => signal.addEventListener("abort", () => rej(new Error("aborted")), { once: true }))]);
    throw Object.assign(new Error("offline"), { code: "ECONNRESET" });
  };
  return {
    release,
    target: {
      putSmall: (_a, _b, _o, signal) => hold(signal),
      createSession: (_a, _s, _o, signal) => hold(signal),
      putFragment: (_u, _s, _b, _t, signal) => hold(signal),
      sessionStatus: (_u, signal) => hold(signal),
      cancelSession: () => Promise.resolve(),
    },
  };
}

/** A queue (one upload at a time, 2 MiB budget) whose uploads hang until the test ends. */
function stalledQueue(t: Test): { journal: UploadJournal; queue: UploadQueue } {
  const journal = UploadJournal.open({ stateDir: tempState(t) });
  const { target, release } = stalledTarget();
  const queue = new UploadQueue({ journal, target, retry: FAST_RETRY, concurrency: 1, writeBudgetBytes: 2 * MiB });
  t.teardown(async () => {
    release();
    await queue.destroy();
    journal.close();
  });
  return { journal, queue };
}

void t.test("admission rules", async (t) => {
  await t.test("a waiting writer is interrupted only by its own signal, and released when the queue stops", async (t) => {
    const { journal, queue } = stalledQueue(t);
    queue.start();
    journal.commitBytes({ parentKey: "root", name: "a.bin" }, undefined, Buffer.alloc(MiB));
    t.equal(queue.status().active, 1, "an upload is in flight (draining)");
    // Pending 1 MiB + 512 KiB > the 1 MiB threshold: both writers wait.
    const ac = new AbortController();
    const interrupted = queue.admitWrite(512 * 1024, ac.signal);
    let admitted = false;
    const later = queue.admitWrite(512 * 1024).then(() => (admitted = true));
    t.equal(queue.status().writePressure.waiting, 2);
    ac.abort();
    await t.rejects(interrupted, { code: "cancelled" }, "an interrupted writer gets cancelled (EINTR), nothing else");
    t.equal(queue.status().writePressure.waiting, 1);
    t.notOk(admitted, "still waiting while the upload is in flight");
    await queue.destroy();
    await later;
    t.ok(admitted, "a stopped queue lets writers through (the journal keeps their bytes)");
  });

  await t.test("no wait when nothing drains, nothing is pending, or the queue has not started", async (t) => {
    const { journal, queue } = stalledQueue(t);
    await queue.admitWrite(10 * MiB);
    t.pass("nothing pending: even a write larger than the threshold goes ahead");
    journal.commitBytes({ parentKey: "root", name: "big.bin" }, undefined, Buffer.alloc(3 * MiB));
    await queue.admitWrite(MiB);
    t.pass("queue not started (nothing drains): writes still queue");
    t.equal(queue.status().writePressure.writersThrottled, 0);
  });
});
