import { createHash } from "node:crypto";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import t, { type Test } from "tap";
import { UploadJournal } from "../../workers/content/upload/journal.js";
import { isLocalOnlyName, conflictCopyName } from "../../workers/content/upload/names.js";
import { UploadQueue, FRAGMENT_UNIT, type UploadQueueOptions } from "../../workers/content/upload/upload-queue.js";
import { contentEnv, FAST_RETRY, MiB, patternBytes, runChildUntil, TENANT, uploadFile, type ContentEnv } from "./helpers.js";

const CHILD = fileURLToPath(new URL("./fixtures/upload-child.js", import.meta.url));

function sha(b: Buffer): string {
  return createHash("sha256").update(b).digest("hex");
}

function queueFor(t: Test, env: ContentEnv, name: string, extra: Partial<UploadQueueOptions> = {}): { journal: UploadJournal; queue: UploadQueue } {
  const journal = UploadJournal.open({ stateDir: path.join(env.dir, name, "state") });
  const queue = new UploadQueue({ journal, target: env.drive, who: "adele", retry: FAST_RETRY, ...extra });
  t.teardown(async () => {
    await queue.destroy();
    journal.close();
  });
  return { journal, queue };
}

void t.test("names", (t) => {
  for (const n of ["~$Report.docx", "~WRL0001.tmp", ".~lock.Report.odt#"]) t.ok(isLocalOnlyName(n), n);
  for (const n of ["Report.docx", "notes~.txt", "a.tmp"]) t.notOk(isLocalOnlyName(n), n);
  t.equal(conflictCopyName("Plan.docx", "adele", new Date(Date.UTC(2026, 10, 27, 14, 5))), "Plan (conflict adele 2026-11-27 14-05).docx");
  t.equal(conflictCopyName("Makefile", "a:b", new Date(Date.UTC(2026, 0, 2, 3, 4))), "Makefile (conflict ab 2026-01-02 03-04)");
  t.end();
});

void t.test("uploads against the emulator", async (t) => {
  const env = await contentEnv(t);
  const wait = (q: UploadQueue): Promise<void> => q.waitIdle(AbortSignal.timeout(120_000));

  await t.test("a small new file goes up in one PUT; a later save carries If-Match", async (t) => {
    const { journal, queue } = queueFor(t, env, "small");
    queue.start();
    const v1 = Buffer.from("hello from konnekt\n");
    const r = journal.commitBytes({ parentKey: "root", name: "hello.txt" }, undefined, v1);
    t.notOk(r.localOnly);
    await wait(queue);
    const item = await env.item("hello.txt");
    t.ok((await env.download(item.id)).equals(v1));
    const since = await env.emu.lastRequest();
    const v2 = Buffer.from("second save\n");
    journal.commitBytes({ parentKey: "root", name: "hello.txt", itemKey: item.id }, item.eTag, v2);
    await wait(queue);
    t.ok((await env.download(item.id)).equals(v2));
    const puts = (await env.emu.requests({ tenant: TENANT, since })).filter((e) => e.method === "PUT");
    t.equal(puts.length, 1, "one request");
    t.equal(puts[0]?.headers["if-match"], item.eTag, "based on the ETag the edit started from");
  });

  await t.test("a large file goes up in 320 KiB-multiple fragments", async (t) => {
    const { journal, queue } = queueFor(t, env, "large", { smallLimitBytes: MiB, fragmentBytes: 3 * FRAGMENT_UNIT + 1000 });
    const bytes = patternBytes(5, 5 * MiB + 777);
    const since = await env.emu.lastRequest();
    journal.commitBytes({ parentKey: "root", name: "large.bin" }, undefined, bytes);
    queue.start();
    await wait(queue);
    const item = await env.item("large.bin");
    t.equal(sha(await env.download(item.id)), sha(bytes), "content arrived intact");
    const frags = (await env.emu.requests({ tenant: TENANT, since })).filter((e) => e.method === "PUT" && e.headers["content-range"]);
    t.ok(frags.length >= 5, `${frags.length} fragments`);
    for (const f of frags.slice(0, -1)) {
      const m = /^bytes (\d+)-(\d+)\//.exec(f.headers["content-range"] ?? "");
      t.equal((Number(m?.[2]) - Number(m?.[1]) + 1) % FRAGMENT_UNIT, 0, "fragment is a multiple of 327,680 bytes");
      t.notOk(f.headers.authorization, "fragments go without Authorization");
    }
  });

  await t.test("successive saves of one edit based on one ETag are not conflicts", async (t) => {
    const { journal, queue } = queueFor(t, env, "rebase");
    const conflicts: string[] = [];
    queue.on("conflict", (c) => conflicts.push(c.copyName));
    queue.start();
    journal.commitBytes({ parentKey: "root", name: "saves.txt" }, undefined, Buffer.from("v0\n"));
    await wait(queue);
    const base = await env.item("saves.txt");
    await queue.destroy();
    // Two saves of one editing session, both journalled before either went up.
    const { journal: j2, queue: q2 } = queueFor(t, env, "rebase");
    j2.commitBytes({ parentKey: "root", name: "saves.txt", itemKey: base.id }, base.eTag, Buffer.from("v1\n"));
    j2.commitBytes({ parentKey: "root", name: "saves.txt", itemKey: base.id }, base.eTag, Buffer.from("v2\n"));
    q2.on("conflict", (c) => conflicts.push(c.copyName));
    q2.start();
    await wait(q2);
    t.same(conflicts, []);
    t.equal((await env.download(base.id)).toString(), "v2\n", "the last save wins");
  });

  await t.test("a 412 keeps both: the local version becomes a conflict copy beside the server's", async (t) => {
    const fixed = new Date(Date.UTC(2026, 10, 27, 9, 30));
    const { journal, queue } = queueFor(t, env, "conflict", { now: () => fixed });
    const seen: string[] = [];
    queue.on("conflict", (c) => seen.push(c.copyName));
    queue.start();
    journal.commitBytes({ parentKey: "root", name: "shared.txt" }, undefined, Buffer.from("base\n"));
    await wait(queue);
    const base = await env.item("shared.txt");
    // A co-worker saves first, straight to the service.
    await uploadFile(env, "shared.txt", Buffer.from("theirs\n"));
    const server = await env.item("shared.txt");
    // Our edit, based on the ETag we opened.
    const mine = Buffer.from("mine\n");
    journal.commitBytes({ parentKey: "root", name: "shared.txt", itemKey: base.id }, base.eTag, mine);
    await wait(queue);
    t.same(seen, ["shared (conflict adele 2026-11-27 09-30).txt"]);
    const copy = await env.item("shared (conflict adele 2026-11-27 09-30).txt");
    t.ok((await env.download(copy.id)).equals(mine), "the local version is in the copy");
    const after = await env.item("shared.txt");
    t.equal(after.eTag, server.eTag, "the server's version is untouched");
    t.equal((await env.download(after.id)).toString(), "theirs\n");
  });

  await t.test("a checked-out file (423) is retried, then kept as a conflict copy", async (t) => {
    const { journal, queue } = queueFor(t, env, "locked", { lockRetryLimit: 3, now: () => new Date(Date.UTC(2026, 0, 1, 0, 0)) });
    const draft = await env.item("Checked Out Draft.docx");
    const retries: string[] = [];
    const conflicts: string[] = [];
    queue.on("retry", (r) => retries.push(r.error.code));
    queue.on("conflict", (c) => conflicts.push(`${c.reason}:${c.copyName}`));
    queue.start();
    const mine = Buffer.from("adele's edit");
    journal.commitBytes({ parentKey: "root", name: "Checked Out Draft.docx", itemKey: draft.id }, draft.eTag, mine);
    await wait(queue);
    t.same(retries, ["locked", "locked"], "waited and retried while locked");
    t.same(conflicts, ["locked:Checked Out Draft (conflict adele 2026-01-01 00-00).docx"]);
    const copy = await env.item("Checked Out Draft (conflict adele 2026-01-01 00-00).docx");
    t.ok((await env.download(copy.id)).equals(mine));
  });

  await t.test("Office lock and temp files are never uploaded", async (t) => {
    const { journal, queue } = queueFor(t, env, "temp");
    queue.start();
    const since = await env.emu.lastRequest();
    for (const name of ["~$Plan.docx", "~WRL0003.tmp", ".~lock.Plan.odt#"]) {
      t.same(journal.commitBytes({ parentKey: "root", name }, undefined, Buffer.from("lock")), { localOnly: true }, name);
    }
    await wait(queue);
    t.equal(queue.status().pending, 0);
    t.equal((await env.emu.requests({ tenant: TENANT, since })).length, 0, "no request at all");
  });

  await t.test("throttled uploads retry and land", async (t) => {
    const { journal, queue } = queueFor(t, env, "throttle");
    await env.emu.setFaults(TENANT, { throttleNext: 2, retryAfterSeconds: 1 });
    t.teardown(() => env.emu.clearFaults(TENANT));
    const bytes = Buffer.from("throttled but fine");
    journal.commitBytes({ parentKey: "root", name: "throttled.txt" }, undefined, bytes);
    queue.start();
    await wait(queue);
    t.ok((await env.download((await env.item("throttled.txt")).id)).equals(bytes));
  });

  await t.test("kill -9 mid-upload: a new queue resumes the session without re-sending fragments", async (t) => {
    const stateDir = path.join(env.dir, "crash-large", "state");
    const size = 12 * MiB + 5;
    const since = await env.emu.lastRequest();
    await runChildUntil(t, CHILD, { mode: "large", stateDir, size }, env, /^fragment /);
    const journal = UploadJournal.open({ stateDir });
    t.equal(journal.pending().length, 1, "the write is still journalled after the kill");
    t.ok(journal.pending()[0]?.uploadUrl, "with its upload session");
    const queue = new UploadQueue({ journal, target: env.drive, retry: FAST_RETRY, smallLimitBytes: 64 * 1024, fragmentBytes: 2 * FRAGMENT_UNIT });
    t.teardown(async () => {
      await queue.destroy();
      journal.close();
    });
    queue.start();
    await wait(queue);
    const item = await env.item("crash-large.bin");
    t.equal(sha(await env.download(item.id)), sha(patternBytes(99, size)), "the file is complete and intact");
    const frags = (await env.emu.requests({ tenant: TENANT, since })).filter((e) => e.method === "PUT" && e.headers["content-range"] && e.status >= 200 && e.status < 300);
    const starts = frags.map((f) => /^bytes (\d+)-/.exec(f.headers["content-range"] ?? "")?.[1]);
    t.equal(new Set(starts).size, starts.length, `no accepted fragment was sent twice (${starts.length} fragments)`);
    t.equal((await env.emu.requests({ tenant: TENANT, since })).filter((e) => /createUploadSession/i.test(e.path)).length, 1, "one session, resumed");
  });

  await t.test("kill -9 during many writes: every acknowledged write reaches the server", async (t) => {
    const stateDir = path.join(env.dir, "crash-many", "state");
    const out = await runChildUntil(t, CHILD, { mode: "many", stateDir, count: 100 }, env, /^acked 39$/);
    const acked = out.filter((l) => l.startsWith("acked ")).map((l) => Number(l.slice(6)));
    t.ok(acked.length >= 40);
    const journal = UploadJournal.open({ stateDir });
    const queue = new UploadQueue({ journal, target: env.drive, retry: FAST_RETRY, concurrency: 4 });
    t.teardown(async () => {
      await queue.destroy();
      journal.close();
    });
    queue.start();
    await wait(queue);
    let ok = 0;
    for (const i of acked) {
      const item = await env.item(`many-${i}.bin`);
      if (sha(await env.download(item.id)) === sha(patternBytes(1000 + i, 20_000 + i * 97))) ok++;
      else t.fail(`many-${i}.bin differs`);
    }
    t.equal(ok, acked.length, `${ok} acknowledged writes on the server with the right sha256`);
  });
});
