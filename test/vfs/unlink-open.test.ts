// A file deleted while a program still has it open for writing: POSIX keeps the descriptor usable,
// but the file is gone — its last close must not bring it back to SharePoint.
import t from "tap";
import { promises as fsp } from "node:fs";
import { join } from "node:path";
import { emulatorForMount, remoteText, serveTenant, uploadsIdle } from "./helpers.js";

void t.test("unlink while open for writing: the later writes and the close upload nothing", async (t) => {
  const emu = await emulatorForMount(t);
  const s = await serveTenant(t, emu);
  const docs = join(s.mnt, "Marketing", "Documents");

  // A new file, never saved: written, deleted, written again, closed.
  const fresh = join(docs, "deleted-while-open.txt");
  const fh = await fsp.open(fresh, "w");
  await fh.write("first words\n");
  await fsp.unlink(fresh);
  await t.rejects(fsp.stat(fresh), { code: "ENOENT" }, "gone from the mount at once");
  await fh.write("written after the delete\n");
  await fh.close();
  await uploadsIdle(s);
  t.equal((await remoteText(emu, "/sites/marketing/Shared Documents/deleted-while-open.txt")).status, 404, "never reached SharePoint");
  t.notOk((await fsp.readdir(docs)).includes("deleted-while-open.txt"), "and does not come back in the listing");

  // An existing file opened for an edit, deleted, then closed: deleted on SharePoint, not restored.
  const plan = join(docs, "Plan.txt");
  const edit = await fsp.open(plan, "r+");
  await edit.write("an edit that is thrown away\n", 0);
  await fsp.unlink(plan);
  await edit.write("more after the delete\n");
  await edit.close();
  await uploadsIdle(s);
  t.equal((await remoteText(emu, "/sites/marketing/Shared Documents/Plan.txt")).status, 404, "the delete reached SharePoint and the close did not restore it");
  await t.rejects(fsp.stat(plan), { code: "ENOENT" });
});
