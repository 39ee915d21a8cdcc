// Renames and deletes of files whose saves have not reached SharePoint yet: they re-address the
// journalled uploads instead of waiting for them (offline they must not hang), a new file renamed
// over an existing one ("safe save") becomes the next version of that item, and a deleted new
// file never reaches the service.
import t from "tap";
import { promises as fsp } from "node:fs";
import { join } from "node:path";
import { run } from "../mount/helpers.js";
import { emulatorForMount, eventually, promptly, remoteFile, remoteText, serveTenant, uploadsIdle } from "./helpers.js";

async function xattr(path: string, name: string): Promise<string> {
  const r = await run("getfattr", ["--only-values", "-n", `user.konnekt.${name}`, path]);
  return r.code === 0 ? r.stdout : `getfattr failed: ${r.stderr}`;
}


void t.test("offline: rename and delete of new files, and safe saves over existing files, without waiting for SharePoint", async (t) => {
  const emu = await emulatorForMount(t);
  const s = await serveTenant(t, emu);
  const docs = join(s.mnt, "Marketing", "Documents");
  const q2 = join(docs, "2026", "Q2");
  const lib = "/sites/marketing/Shared Documents";
  // Listed before going offline: the mount knows what is there.
  await fsp.readdir(docs);
  await fsp.readdir(q2);
  const planBefore = await remoteFile(emu, `${lib}/Plan.txt`);
  const notesBefore = await remoteFile(emu, `${lib}/2026/Q2/notes.txt`);
  t.equal(planBefore.status, 200);
  t.ok(planBefore.versions > 0, "Plan.txt has a version history");
  t.equal(await xattr(join(docs, "Plan.txt"), "uniqueId"), planBefore.uniqueId, "the mount shows the item's UniqueId");
  const since = await emu.lastRequest();

  await emu.setFaults("contoso", { offline: true });
  // A new file, renamed before its upload could start.
  await fsp.writeFile(join(docs, "draft.txt"), "a draft that gets its final name\n");
  await promptly("rename of a new file offline", fsp.rename(join(docs, "draft.txt"), join(docs, "final.txt")));
  // A new file deleted before its upload could start.
  await fsp.writeFile(join(docs, "scratch.txt"), "thrown away\n");
  await promptly("unlink of a new file offline", fsp.unlink(join(docs, "scratch.txt")));
  // gedit's safe save: a temp file written, closed, renamed over the original.
  await fsp.writeFile(join(docs, ".goutputstream-ABC123"), "Marketing plan, saved by gedit.\n");
  await promptly("safe save over Plan.txt offline", fsp.rename(join(docs, ".goutputstream-ABC123"), join(docs, "Plan.txt")));
  // A safe save over a new file that has not landed either: the target's save is superseded.
  await fsp.writeFile(join(docs, "report.txt"), "first version, never uploaded\n");
  await fsp.writeFile(join(docs, ".goutputstream-XYZ789"), "second version\n");
  await promptly("safe save over a new file offline", fsp.rename(join(docs, ".goutputstream-XYZ789"), join(docs, "report.txt")));
  // LibreOffice's: `lu<random>.tmp` beside the document (an ordinary name, uploaded normally).
  await fsp.writeFile(join(q2, "lu4711abc.tmp"), "Q2 planning notes, saved by LibreOffice.\n");
  await promptly("safe save over notes.txt offline", fsp.rename(join(q2, "lu4711abc.tmp"), join(q2, "notes.txt")));

  // The mount shows the result at once.
  t.equal(await fsp.readFile(join(docs, "final.txt"), "utf8"), "a draft that gets its final name\n");
  t.equal(await fsp.readFile(join(docs, "Plan.txt"), "utf8"), "Marketing plan, saved by gedit.\n");
  t.equal(await fsp.readFile(join(q2, "notes.txt"), "utf8"), "Q2 planning notes, saved by LibreOffice.\n");
  const names = await fsp.readdir(docs);
  for (const gone of ["draft.txt", "scratch.txt", ".goutputstream-ABC123", ".goutputstream-XYZ789"]) t.notOk(names.includes(gone), `${gone} is not listed`);
  t.ok(names.includes("final.txt") && names.includes("Plan.txt"));
  t.notOk((await fsp.readdir(q2)).includes("lu4711abc.tmp"));

  await emu.clearFaults("contoso");
  await uploadsIdle(s);
  // Before this test asks for them itself.
  const log = await emu.requests({ tenant: "contoso", since });
  t.notOk(
    log.some((r) => /draft\.txt|scratch\.txt|goutputstream|lu4711abc/.test(decodeURIComponent(r.path))),
    "no request ever named the old or deleted files",
  );
  t.same(await remoteText(emu, `${lib}/final.txt`), { status: 200, text: "a draft that gets its final name\n" }, "the renamed file lands under its new name");
  t.same(await remoteText(emu, `${lib}/report.txt`), { status: 200, text: "second version\n" }, "the replacing content lands");
  t.equal((await remoteFile(emu, `${lib}/report.txt`)).versions, 0, "as one version: the superseded save never went up");
  for (const never of ["draft.txt", "scratch.txt", ".goutputstream-ABC123", ".goutputstream-XYZ789", "2026/Q2/lu4711abc.tmp"]) {
    t.equal((await remoteText(emu, `${lib}/${never}`)).status, 404, `${never} is not on SharePoint`);
  }

  // The safe saves kept the items: same UniqueId, new content, one more version.
  t.equal((await remoteText(emu, `${lib}/Plan.txt`)).text, "Marketing plan, saved by gedit.\n");
  t.equal((await remoteText(emu, `${lib}/2026/Q2/notes.txt`)).text, "Q2 planning notes, saved by LibreOffice.\n");
  const planAfter = await remoteFile(emu, `${lib}/Plan.txt`);
  const notesAfter = await remoteFile(emu, `${lib}/2026/Q2/notes.txt`);
  t.equal(planAfter.uniqueId, planBefore.uniqueId, "Plan.txt keeps its UniqueId");
  t.equal(planAfter.versions, planBefore.versions + 1, "Plan.txt has one more version");
  t.equal(notesAfter.uniqueId, notesBefore.uniqueId, "notes.txt keeps its UniqueId");
  t.equal(notesAfter.versions, notesBefore.versions + 1, "notes.txt has one more version");
  t.equal(await xattr(join(docs, "Plan.txt"), "uniqueId"), planBefore.uniqueId, "the mount shows the same item");
  t.notOk(s.events.some((e) => e.event === "conflict"), "no conflict copy");
  t.notOk((await fsp.readdir(docs)).some((n) => n.includes("(conflict")), "no conflict copy in the folder");
  t.equal(await fsp.readFile(join(docs, "Plan.txt"), "utf8"), "Marketing plan, saved by gedit.\n", "reads the new version after the upload");
});

void t.test("online: renaming a file whose upload is queued moves the item and the edit lands on it, no conflict copy", async (t) => {
  const emu = await emulatorForMount(t);
  // No change polling during the test: the one throttled request below must be the upload.
  const s = await serveTenant(t, emu, { pollMs: 3_600_000 });
  const docs = join(s.mnt, "Finance", "Documents");
  const lib = "/sites/finance/Shared Documents";
  const policy = "Expense Policy.docx";
  await fsp.readdir(docs);
  const before = await remoteFile(emu, `${lib}/${policy}`);

  const fh = await fsp.open(join(docs, policy), "r+");
  await fh.truncate(0);
  await fh.write("an edit queued behind a throttled upload\n", 0);
  // The next request (the upload at close) is throttled: the edit waits in the queue.
  await emu.setFaults("contoso", { throttleNext: 1, retryAfterSeconds: 15 });
  const from = s.events.length;
  await fh.close();
  await s.waitFor("retry", from, 60_000);
  await fsp.rename(join(docs, policy), join(docs, "Expense Policy 2026.docx"));
  t.equal((await remoteFile(emu, `${lib}/${policy}`)).status, 404, "moved on SharePoint at once");

  await uploadsIdle(s);
  const after = await eventually(
    "the renamed item",
    () => remoteText(emu, `${lib}/Expense Policy 2026.docx`),
    (r) => r.status === 200,
  );
  t.equal(after.text, "an edit queued behind a throttled upload\n", "the queued edit landed on the renamed item");
  t.equal((await remoteFile(emu, `${lib}/Expense Policy 2026.docx`)).uniqueId, before.uniqueId, "the same item");
  t.notOk(s.events.some((e) => e.event === "conflict"), "no conflict copy");
  t.notOk((await fsp.readdir(docs)).some((n) => n.includes("(conflict")), "no conflict copy in the folder");
  t.equal(await fsp.readFile(join(docs, "Expense Policy 2026.docx"), "utf8"), "an edit queued behind a throttled upload\n");
});

void t.test("online: deleting an edited file whose upload is queued deletes the item and drops the edit", async (t) => {
  const emu = await emulatorForMount(t);
  const s = await serveTenant(t, emu, { pollMs: 3_600_000 });
  const docs = join(s.mnt, "Engineering", "Documents");
  const lib = "/teams/engineering/Shared Documents";
  await fsp.readdir(docs);
  const fh = await fsp.open(join(docs, "README.md"), "r+");
  await fh.write("# An edit nobody will see\n", 0);
  await emu.setFaults("contoso", { throttleNext: 1, retryAfterSeconds: 15 });
  const from = s.events.length;
  await fh.close();
  await s.waitFor("retry", from, 60_000);
  await fsp.unlink(join(docs, "README.md"));
  t.equal((await remoteText(emu, `${lib}/README.md`)).status, 404, "deleted on SharePoint");
  await uploadsIdle(s);
  t.equal((await remoteText(emu, `${lib}/README.md`)).status, 404, "the dropped edit did not bring it back");
  await t.rejects(fsp.stat(join(docs, "README.md")), { code: "ENOENT" });
});

void t.test("online: a new file whose upload already landed, renamed over an existing file while still open, becomes its next version", async (t) => {
  const emu = await emulatorForMount(t);
  const s = await serveTenant(t, emu, { pollMs: 3_600_000 });
  const specs = join(s.mnt, "Engineering", "Documents", "Specs");
  const lib = "/teams/engineering/Shared Documents/Specs";
  await fsp.readdir(specs);
  const before = await remoteFile(emu, `${lib}/Storage Layout.txt`);
  // Slow answers: the temp file's upload is still in flight when the rename arrives (or has
  // landed: the descriptor keeps the working copy either way).
  await emu.setFaults("contoso", { latencyMs: 1000 });
  const fh = await fsp.open(join(specs, "lu98765xyz.tmp"), "w");
  await fh.write("Blobs by hash, metadata in SQLite, saved while open.\n");
  await fh.sync();
  await fsp.rename(join(specs, "lu98765xyz.tmp"), join(specs, "Storage Layout.txt"));
  await fh.close();
  await emu.clearFaults("contoso");
  await uploadsIdle(s);
  t.same(await remoteText(emu, `${lib}/Storage Layout.txt`), { status: 200, text: "Blobs by hash, metadata in SQLite, saved while open.\n" });
  const after = await remoteFile(emu, `${lib}/Storage Layout.txt`);
  t.equal(after.uniqueId, before.uniqueId, "the item keeps its UniqueId");
  t.equal(after.versions, before.versions + 1, "one more version");
  t.equal((await remoteText(emu, `${lib}/lu98765xyz.tmp`)).status, 404, "the temp file's upload was taken back");
  t.notOk(s.events.some((e) => e.event === "conflict"), "no conflict copy");
  t.equal(await fsp.readFile(join(specs, "Storage Layout.txt"), "utf8"), "Blobs by hash, metadata in SQLite, saved while open.\n");
});
