/**
 * Recovery of uploads that committed on the service just before a crash (the journal row still
 * pending), progress of chunked uploads (`uploadedBytes`) and the cTag carried by UploadedItem —
 * all against the real emulator.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import t, { type Test } from "tap";
import { quickXorHash } from "../../emulator/store/quickxor.js";
import { UploadJournal } from "../../workers/content/upload/journal.js";
import { QuickXor, quickXorOfFile } from "../../workers/content/upload/quickxor.js";
import { UploadQueue, FRAGMENT_UNIT, type UploadQueueEvents } from "../../workers/content/upload/upload-queue.js";
import { contentEnv, FAST_RETRY, MiB, patternBytes, restartQueue, runChildUntil, TENANT, uploadFile, type ContentEnv, type RestartedQueue } from "./helpers.js";

const CHILD = fileURLToPath(new URL("./fixtures/commit-crash-child.js", import.meta.url));

function sha(b: Buffer): string {
  return createHash("sha256").update(b).digest("hex");
}

void t.test("QuickXor matches the service's hash (emulator implementation) for odd lengths and splits", async (t) => {
  for (const n of [0, 1, 19, 159, 160, 161, 1000, 327_681]) {
    const b = patternBytes(n + 3, n);
    const split = new QuickXor().update(b.subarray(0, Math.floor(n / 3))).update(b.subarray(Math.floor(n / 3))).digest();
    t.equal(split, quickXorHash(b), `${n} bytes`);
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "konnekt-qxh-"));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, "f.bin");
  const big = patternBytes(5, 3 * MiB + 7);
  fs.writeFileSync(file, big);
  t.equal(await quickXorOfFile(file), quickXorHash(big), "a file read in steps");
});

function restart(t: Test, env: ContentEnv, stateDir: string): RestartedQueue {
  return restartQueue(t, env, stateDir, 64 * 1024);
}

void t.test("crash after the service committed: the restart recognises the upload by its hash", async (t) => {
  const env = await contentEnv(t);
  const wait = (q: UploadQueue): Promise<void> => q.waitIdle(AbortSignal.timeout(120_000));

  const cases: Array<{ title: string; name: string; size: number; edit: boolean }> = [
    { title: "a small edit (single PUT with If-Match)", name: "crash-small-edit.txt", size: 20_000, edit: true },
    { title: "a small new file (single PUT)", name: "crash-small-new.txt", size: 30_001, edit: false },
    { title: "a large new file (upload session)", name: "crash-large-new.bin", size: 3 * MiB + 11, edit: false },
    { title: "a large edit (upload session with If-Match)", name: "crash-large-edit.bin", size: 2 * MiB + 5, edit: true },
  ];
  for (const [i, c] of cases.entries()) {
    await t.test(c.title, async (t) => {
      const base = c.edit ? await uploadFile(env, c.name, Buffer.from("the version the edit started from\n")) : undefined;
      const stateDir = path.join(env.dir, `commit-crash-${i}`, "state");
      const bytes = patternBytes(500 + i, c.size);
      const lines = await runChildUntil(
        t,
        CHILD,
        { stateDir, name: c.name, seed: 500 + i, size: c.size, smallLimitBytes: 64 * 1024, ...(base ? { itemKey: base.id, baseEtag: base.eTag } : {}) },
        env,
        /^committed /,
      );
      const committedEtag = lines.find((l) => l.startsWith("committed "))?.slice("committed ".length);
      const landed = await env.item(c.name);
      t.equal(landed.eTag, committedEtag, "the service committed the upload before the kill");
      t.ok(sha(await env.download(landed.id)) === sha(bytes), "with the journalled bytes");

      const since = await env.emu.lastRequest();
      const r = restart(t, env, stateDir);
      t.equal(r.journal.pending().length, 1, "the journal row survived the kill (the crash state)");
      r.queue.start();
      await wait(r.queue);
      t.same(r.conflicts, [], "no conflict copy");
      t.equal(r.uploaded.length, 1);
      t.equal(r.uploaded[0]?.alreadyOnServer, true, "recognised as already on the server");
      t.equal(r.uploaded[0]?.conflictCopy, false);
      t.same(
        (await env.rootNames()).filter((n) => n.includes("(conflict")),
        [],
        "no conflict copy in the folder",
      );
      const after = await env.item(c.name);
      t.equal(after.eTag, committedEtag, "no new version was uploaded");
      t.ok(sha(await env.download(after.id)) === sha(bytes), "the file is correct");
      const log = await env.emu.requests({ tenant: TENANT, since });
      t.equal(log.filter((e) => /createUploadSession/i.test(e.path)).length, 0, "no new upload session");
      t.equal(log.filter((e) => e.method === "PUT" && e.status >= 200 && e.status < 300).length, 0, "no bytes re-sent");
      t.equal(r.journal.pendingBytes(), 0, "the staging area is empty");
    });
  }

  await t.test("different bytes behind a 412 still make a conflict copy", async (t) => {
    const base = await uploadFile(env, "crash-differs.txt", Buffer.from("base\n"));
    await uploadFile(env, "crash-differs.txt", Buffer.from("a co-worker's save\n"));
    const stateDir = path.join(env.dir, "differs", "state");
    const r = restart(t, env, stateDir);
    r.journal.commitBytes({ parentKey: "root", name: "crash-differs.txt", itemKey: base.id }, base.eTag, Buffer.from("mine\n"));
    r.queue.start();
    await wait(r.queue);
    t.equal(r.conflicts.length, 1, "the edit was kept as a copy");
    t.equal(r.uploaded[0]?.alreadyOnServer, false);
    t.equal((await env.download((await env.item("crash-differs.txt")).id)).toString(), "a co-worker's save\n");
  });
});

void t.test("progress and cTag of uploads", async (t) => {
  const env = await contentEnv(t);

  await t.test("uploadedBytes reports the acknowledged offset of a chunked upload", async (t) => {
    const journal = UploadJournal.open({ stateDir: path.join(env.dir, "progress", "state") });
    const queue = new UploadQueue({ journal, target: env.drive, retry: FAST_RETRY, smallLimitBytes: 64 * 1024, fragmentBytes: 2 * FRAGMENT_UNIT });
    t.teardown(async () => {
      await queue.destroy();
      journal.close();
    });
    const size = 5 * FRAGMENT_UNIT + 99;
    const r = journal.commitBytes({ parentKey: "root", name: "progress.bin" }, undefined, patternBytes(77, size));
    if (r.localOnly) throw new Error("unexpected");
    t.equal(queue.uploadedBytes(r.id), 0, "nothing acknowledged before the upload starts");
    const seen: Array<{ end: number; uploaded: number; listed: number | undefined; active: boolean }> = [];
    queue.on("fragment", (f) => {
      if (f.end < f.total) seen.push({ end: f.end, uploaded: queue.uploadedBytes(f.id), listed: queue.status().entries.find((e) => e.id === f.id)?.uploadedBytes, active: queue.isActive(f.id) });
    });
    let item: UploadQueueEvents["uploaded"][0] | undefined;
    queue.on("uploaded", (u) => (item = u));
    queue.start();
    await queue.waitIdle(AbortSignal.timeout(120_000));
    t.same(
      seen.map((s) => s.end),
      [2 * FRAGMENT_UNIT, 4 * FRAGMENT_UNIT],
    );
    for (const s of seen) {
      t.equal(s.uploaded, s.end, `uploadedBytes ${s.uploaded} after the fragment ending at ${s.end}`);
      t.equal(s.listed, s.end, "status() lists the same");
      t.ok(s.active, "and the entry is being uploaded");
    }
    t.equal(queue.uploadedBytes(r.id), 0, "forgotten once uploaded");
    t.notOk(queue.isActive(r.id));
    const server = await env.item("progress.bin");
    t.ok(item?.item.cTag, "the uploaded item carries a cTag");
    t.equal(item?.item.cTag, server.cTag, "the service's cTag (chunked upload)");
  });

  await t.test("a single PUT carries the cTag too", async (t) => {
    const journal = UploadJournal.open({ stateDir: path.join(env.dir, "ctag", "state") });
    const queue = new UploadQueue({ journal, target: env.drive, retry: FAST_RETRY });
    t.teardown(async () => {
      await queue.destroy();
      journal.close();
    });
    let item: UploadQueueEvents["uploaded"][0] | undefined;
    queue.on("uploaded", (u) => (item = u));
    journal.commitBytes({ parentKey: "root", name: "ctag.txt" }, undefined, Buffer.from("c\n"));
    queue.start();
    await queue.waitIdle(AbortSignal.timeout(60_000));
    const server = await env.item("ctag.txt");
    t.ok(item?.item.cTag);
    t.equal(item?.item.cTag, server.cTag);
    const remote = await env.drive.remoteContent({ parentKey: "root", name: "ctag.txt" }, AbortSignal.timeout(30_000));
    t.equal(remote?.item.cTag, server.cTag, "remoteContent carries it as well");
    t.equal(remote?.hashes.quickXorHash, quickXorHash(Buffer.from("c\n")), "and the content hash");
    t.equal(await env.drive.remoteContent({ parentKey: "root", name: "no-such-file.txt" }, AbortSignal.timeout(30_000)), undefined, "nothing there → undefined");
  });
});
