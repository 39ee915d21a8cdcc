/**
 * What a restart finds after a kill -9, against the real emulator over HTTPS:
 * - a conflict copy the service committed (and renamed, its name being taken) just before the
 *   kill is recognised under the service's name — no second copy, nothing re-sent;
 * - a chunked upload's acknowledged offset is journalled, so progress shows at once after the
 *   restart, and the upload resumes without re-sending fragments.
 */
import { createHash } from "node:crypto";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import t, { type Test } from "tap";
import { UploadJournal } from "../../workers/content/upload/journal.js";
import { conflictCopyName, serviceRename } from "../../workers/content/upload/names.js";
import { contentEnv, MiB, patternBytes, restartQueue, runChildUntil, TENANT, uploadFile, type ContentEnv, type RestartedQueue } from "./helpers.js";

const CONFLICT_CHILD = fileURLToPath(new URL("./fixtures/conflict-crash-child.js", import.meta.url));
const UPLOAD_CHILD = fileURLToPath(new URL("./fixtures/upload-child.js", import.meta.url));
const SMALL_LIMIT = 64 * 1024;
/** The conflict copies' clock: fixed, so the test knows their names before the child makes them. */
const NOW = "2026-11-27T14:05:00Z";

function sha(b: Buffer): string {
  return createHash("sha256").update(b).digest("hex");
}

function restart(t: Test, env: ContentEnv, stateDir: string): RestartedQueue {
  return restartQueue(t, env, stateDir, SMALL_LIMIT);
}

void t.test("a conflict copy committed under the service's rename before a kill -9 is found after the restart", async (t) => {
  const env = await contentEnv(t);
  const cases = [
    { title: "small copy (single PUT, rename)", name: "renamed-small.txt", size: 20_011 },
    { title: "large copy (upload session, rename)", name: "renamed-large.bin", size: 2 * MiB + 7 },
  ];
  for (const [i, c] of cases.entries()) {
    await t.test(c.title, async (t) => {
      const base = await uploadFile(env, c.name, Buffer.from("the version the edit started from\n"));
      await uploadFile(env, c.name, Buffer.from("a co-worker's save\n"));
      const copyName = conflictCopyName(c.name, "adele", new Date(NOW));
      const renamed = serviceRename(copyName, 1);
      // Someone else's file already holds the copy's name: the service stores ours as `… 1`.
      const squatter = Buffer.from("another copy that happens to have this name\n");
      await uploadFile(env, copyName, squatter);

      const stateDir = path.join(env.dir, `conflict-crash-${i}`, "state");
      const bytes = patternBytes(700 + i, c.size);
      const lines = await runChildUntil(
        t,
        CONFLICT_CHILD,
        { stateDir, name: c.name, seed: 700 + i, size: c.size, itemKey: base.id, baseEtag: base.eTag, who: "adele", now: NOW, smallLimitBytes: SMALL_LIMIT },
        env,
        /^committed /,
      );
      t.ok(lines.includes(`conflict ${copyName}`), "the 412 made the entry a conflict copy");
      const committed = JSON.parse(lines.find((l) => l.startsWith("committed "))?.slice("committed ".length) ?? "{}") as { name: string; etag: string };
      t.equal(committed.name, renamed, "the service committed the copy under its rename");
      const landed = await env.item(renamed);
      t.equal(landed.eTag, committed.etag);
      t.equal(sha(await env.download(landed.id)), sha(bytes), "with the journalled bytes");

      const since = await env.emu.lastRequest();
      const r = restart(t, env, stateDir);
      const [row] = r.journal.pending();
      t.equal(r.journal.pending().length, 1, "the journal row survived the kill");
      t.equal(row?.conflictName, copyName, "under the journalled (not the service's) name");
      r.queue.start();
      await r.queue.waitIdle(AbortSignal.timeout(120_000));
      t.same(r.conflicts, [], "no new conflict");
      t.equal(r.uploaded.length, 1);
      t.equal(r.uploaded[0]?.alreadyOnServer, true, "recognised as already on the server");
      t.equal(r.uploaded[0]?.conflictCopy, true);
      t.equal(r.uploaded[0]?.item.name, renamed, "under the service's name");
      t.equal(r.uploaded[0]?.item.etag, committed.etag);
      const copies = (await env.rootNames()).filter((n) => n.startsWith(c.name.slice(0, c.name.lastIndexOf("."))) && n.includes("(conflict")).sort();
      t.same(copies, [copyName, renamed].sort(), "no second copy in the folder");
      t.equal(sha(await env.download((await env.item(copyName)).id)), sha(squatter), "the other file under the copy's name is untouched");
      t.equal((await env.item(renamed)).eTag, committed.etag, "no new version of the copy");
      t.equal((await env.download((await env.item(c.name)).id)).toString(), "a co-worker's save\n", "the server's version stays");
      const log = await env.emu.requests({ tenant: TENANT, since });
      t.equal(log.filter((e) => /createUploadSession/i.test(e.path)).length, 0, "no new upload session");
      t.equal(log.filter((e) => e.method === "PUT" && e.status >= 200 && e.status < 300).length, 0, "no bytes re-sent");
      t.equal(r.journal.pendingBytes(), 0, "the staging area is empty");
    });
  }

  await t.test("a conflict copy that never reached the service is not mistaken for the files holding its names", async (t) => {
    const name = "never-sent.txt";
    const copyName = conflictCopyName(name, "adele", new Date(NOW));
    const others = [Buffer.from("first other\n"), Buffer.from("second other\n")];
    await uploadFile(env, copyName, others[0]!);
    await uploadFile(env, serviceRename(copyName, 1), others[1]!);
    // The state a run leaves when it was killed after the 412 and before the copy was sent.
    const stateDir = path.join(env.dir, "never-sent", "state");
    const before = UploadJournal.open({ stateDir });
    const mine = patternBytes(800, 9_001);
    const c = before.commitBytes({ parentKey: "root", name }, undefined, mine);
    if (c.localOnly) throw new Error("unexpected");
    before.markConflict(c.id, copyName);
    before.close();

    const r = restart(t, env, stateDir);
    r.queue.start();
    await r.queue.waitIdle(AbortSignal.timeout(120_000));
    t.equal(r.uploaded[0]?.alreadyOnServer, false, "uploaded, not taken for one of the others");
    t.equal(r.uploaded[0]?.item.name, serviceRename(copyName, 2), "the service renamed it past both");
    t.equal(sha(await env.download((await env.item(serviceRename(copyName, 2))).id)), sha(mine));
    t.equal(sha(await env.download((await env.item(copyName)).id)), sha(others[0]!), "the others are untouched");
    t.equal(sha(await env.download((await env.item(serviceRename(copyName, 1))).id)), sha(others[1]!));
  });
});

void t.test("the acknowledged offset of a chunked upload is journalled and shown right after a restart", async (t) => {
  const env = await contentEnv(t);
  const stateDir = path.join(env.dir, "progress-crash", "state");
  const size = 12 * MiB + 5;
  const since = await env.emu.lastRequest();
  // The child freezes after its first acknowledged fragment and is killed there.
  const lines = await runChildUntil(t, UPLOAD_CHILD, { mode: "large", stateDir, size }, env, /^fragment /);
  const acked = Number(/^fragment \d+ (\d+)$/.exec(lines.find((l) => l.startsWith("fragment ")) ?? "")?.[1]);
  t.ok(acked > 0, `the service acknowledged ${acked} bytes before the kill`);

  const r = restart(t, env, stateDir);
  const [row] = r.journal.pending();
  t.ok(row?.uploadUrl, "the session is journalled");
  t.equal(row?.ackedBytes, acked, "and so is the acknowledged offset");
  const id = row?.id ?? -1;
  const beforeStart = await env.emu.lastRequest();
  t.equal(r.queue.uploadedBytes(id), acked, "uploadedBytes shows it before the session is asked");
  t.equal(r.queue.status().entries[0]?.uploadedBytes, acked, "status() lists it");
  t.equal(await env.emu.lastRequest(), beforeStart, "no request was needed for that");
  const seen: number[] = [];
  r.queue.on("fragment", (f) => {
    if (f.end < f.total) seen.push(r.queue.uploadedBytes(f.id));
  });
  r.queue.start();
  t.equal(r.queue.status().entries[0]?.uploadedBytes, acked, "still shown while the session is being asked");
  await r.queue.waitIdle(AbortSignal.timeout(180_000));
  t.ok(
    seen.every((n) => n > acked),
    "progress only moves on from there",
  );
  t.equal(sha(await env.download((await env.item("crash-large.bin")).id)), sha(patternBytes(99, size)), "the file is complete and intact");
  const log = await env.emu.requests({ tenant: TENANT, since });
  const frags = log.filter((e) => e.method === "PUT" && e.headers["content-range"] && e.status >= 200 && e.status < 300);
  const starts = frags.map((f) => Number(/^bytes (\d+)-/.exec(f.headers["content-range"] ?? "")?.[1]));
  t.equal(new Set(starts).size, starts.length, `no accepted fragment was sent twice (${starts.length} fragments)`);
  t.equal(starts.filter((s) => s < acked).length, 1, "only the fragment acknowledged before the kill covers the bytes below the offset");
  t.equal(log.filter((e) => /createUploadSession/i.test(e.path)).length, 1, "one session, resumed");
  t.equal(r.journal.pending().length, 0);
});
