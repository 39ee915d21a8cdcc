// Moves between libraries (EXDEV, so mv copies) and files held by someone else (check-out,
// co-authoring lock): holder xattrs and write opens refused up front. A real mount served by a
// fixture process against the emulator; every touch of the mount comes from this process or
// from programs it runs (getfattr, mv, sh).
import t from "tap";
import { promises as fsp } from "node:fs";
import { join } from "node:path";
import { errCode, run, until } from "../mount/helpers.js";
import type { TestEmulator } from "../helpers/emulator.js";
import { emulatorForMount, remoteText, serveTenant, uploadsIdle } from "./helpers.js";

const MEGAN = "Megan Bowen <megan@contoso.onmicrosoft.com>";
const ADELE = "Adele Vance <adele@contoso.onmicrosoft.com>";

/** One user xattr read by getfattr (its own process); undefined when the attribute is absent. */
async function xattr(path: string, name: string): Promise<string | undefined> {
  const r = await run("env", ["LC_ALL=C", "getfattr", "--only-values", "--absolute-names", "-n", `user.konnekt.${name}`, path]);
  if (r.code !== 0) {
    if (!/No such attribute/i.test(r.stderr)) throw new Error(`getfattr ${name}: ${r.stderr}`);
    return undefined;
  }
  return r.stdout;
}

/** The error code of opening `path` with `flags` (undefined when the open succeeds). */
async function openError(path: string, flags: string): Promise<string | undefined> {
  try {
    const fh = await fsp.open(path, flags);
    await fh.close();
    return undefined;
  } catch (err) {
    return errCode(err);
  }
}

async function checkOut(emu: TestEmulator, serverRelativePath: string, user: string): Promise<number> {
  const sp = emu.tenant("contoso").sharePointUrl;
  const site = serverRelativePath.split("/").slice(0, 3).join("/");
  const token = await emu.token("contoso", user);
  const url = `${sp}${site}/_api/web/getFileByServerRelativePath(decodedUrl='${encodeURIComponent(serverRelativePath)}')/checkout`;
  const res = await emu.fetch(url, { method: "POST", headers: { Authorization: `Bearer ${token}`, Accept: "application/json" } });
  await res.arrayBuffer();
  return res.status;
}

void t.test("a move between libraries answers EXDEV, and mv copies the file across", async (t) => {
  const emu = await emulatorForMount(t);
  const s = await serveTenant(t, emu);
  const marketing = join(s.mnt, "Marketing", "Documents");
  const finance = join(s.mnt, "Finance", "Documents");
  const original = (await remoteText(emu, "/sites/marketing/Shared Documents/Plan.txt")).text;
  t.ok(original.length > 0, "the seed file has content");

  await t.rejects(fsp.rename(join(marketing, "Plan.txt"), join(finance, "Plan.txt")), { code: "EXDEV" }, "rename(2) of a file across libraries");
  await t.rejects(fsp.rename(join(marketing, "2026"), join(finance, "2026")), { code: "EXDEV" }, "rename(2) of a folder across libraries");
  t.equal((await remoteText(emu, "/sites/marketing/Shared Documents/Plan.txt")).text, original, "the refused move changed nothing");

  const mv = await run("mv", [join(marketing, "Plan.txt"), join(finance, "Moved Plan.txt")]);
  t.equal(mv.code, 0, `mv succeeds (stderr: ${mv.stderr})`);
  t.equal(await fsp.readFile(join(finance, "Moved Plan.txt"), "utf8"), original, "the copy reads back through the mount");
  await t.rejects(fsp.stat(join(marketing, "Plan.txt")), { code: "ENOENT" }, "the source is gone from the mount");
  await uploadsIdle(s);
  t.same(await remoteText(emu, "/sites/finance/Shared Documents/Moved Plan.txt"), { status: 200, text: original }, "the content is in the target library");
  t.equal((await remoteText(emu, "/sites/marketing/Shared Documents/Plan.txt")).status, 404, "and gone from the source library");
});

void t.test("a file held by someone else: holder xattrs, write opens refused with a log line, reads still work", async (t) => {
  const emu = await emulatorForMount(t);
  const s = await serveTenant(t, emu);
  const docs = join(s.mnt, "Marketing", "Documents");
  const plan = join(docs, "Plan.txt");
  const planRemote = "/sites/marketing/Shared Documents/Plan.txt";
  const original = await fsp.readFile(plan, "utf8");

  // Nobody holds it: the holder attributes are absent, the others present.
  t.equal(await xattr(plan, "lockedBy"), undefined, "no lockedBy while unlocked");
  t.equal(await xattr(plan, "checkedOutTo"), undefined, "no checkedOutTo while not checked out");
  t.match(await xattr(plan, "uniqueId"), /^[0-9a-f-]{36}$/);

  // A co-authoring lock by megan (as Office holds one while she edits).
  await emu.adminPost("/lock", { tenant: "contoso", path: planRemote, user: "megan" });
  t.ok(await until(async () => (await xattr(plan, "lockedBy")) === MEGAN, 60_000), "lockedBy names megan once the change is seen");
  // A listing shows the holder once a getxattr has asked (listxattr alone never costs a request).
  const listed = async (): Promise<boolean> => {
    await xattr(plan, "lockedBy");
    const dump = await run("env", ["LC_ALL=C", "getfattr", "-d", "--absolute-names", "-m", "^user\\.konnekt\\.", plan]);
    return dump.stdout.includes(`user.konnekt.lockedBy="${MEGAN}"`) && /user\.konnekt\.webUrl="https:/.test(dump.stdout);
  };
  t.ok(await until(listed, 60_000), "getfattr -d lists the holder once known");
  const mode = async (path: string): Promise<number> => (await fsp.stat(path)).mode & 0o777;
  t.ok(await until(async () => (await mode(plan)) === 0o444, 30_000), "a file held by someone else shows mode 0444 once the holder is known");
  const ls = await run("env", ["LC_ALL=C", "ls", "-l", plan]);
  t.match(ls.stdout, /^-r--r--r-- /, "ls -l shows it read-only");

  const logFrom = s.stderr().length;
  t.equal(await openError(plan, "r+"), "EACCES", "O_RDWR refused");
  t.equal(await openError(plan, "a"), "EACCES", "O_WRONLY|O_APPEND refused");
  t.equal(await openError(plan, "w"), "EACCES", "O_WRONLY|O_TRUNC refused");
  const shell = await run("env", ["LC_ALL=C", "sh", "-c", 'printf more >> "$1"', "sh", plan]);
  t.not(shell.code, 0, "a shell redirect fails");
  t.match(shell.stderr, /Permission denied/, "with the message editors understand");
  t.equal(await fsp.readFile(plan, "utf8"), original, "a read-only open still works");
  t.ok(await until(() => Promise.resolve(s.stderr().slice(logFrom).includes(MEGAN)), 30_000), "the refusal is logged with the holder");
  t.match(s.stderr().slice(logFrom), /held by someone else/);
  t.equal((await remoteText(emu, planRemote)).text, original, "nothing reached SharePoint");

  // The lock ends: writing works again.
  await emu.adminDelete("/lock", { tenant: "contoso", path: planRemote });
  const from = s.events.length;
  // Only stat: with default_permissions a non-root user's write open would meet the kernel's own
  // refusal of mode 0444, so getattr alone must find out that the lock ended.
  t.ok(await until(async () => (await mode(plan)) === 0o644, 60_000), "the mode is 0644 again once the lock is gone (stat alone)");
  t.ok(await until(async () => (await openError(plan, "r+")) === undefined, 60_000), "a write open succeeds once the lock is gone");
  await fsp.appendFile(plan, "after the lock\n");
  await s.waitFor("uploaded", from, 60_000);
  await uploadsIdle(s);
  t.equal((await remoteText(emu, planRemote)).text, `${original}after the lock\n`, "the edit landed");

  // Checked out to megan: checkedOutTo names her, writes are refused, reads work.
  const notes = join(docs, "2026", "Q2", "notes.txt");
  const notesRemote = "/sites/marketing/Shared Documents/2026/Q2/notes.txt";
  const notesText = await fsp.readFile(notes, "utf8");
  t.equal(await checkOut(emu, notesRemote, "megan"), 200, "megan checks the file out");
  t.ok(await until(async () => (await xattr(notes, "checkedOutTo")) === MEGAN, 60_000), "checkedOutTo names megan");
  t.equal(await xattr(notes, "lockedBy"), undefined, "a check-out is not a co-authoring lock");
  t.equal(await openError(notes, "r+"), "EACCES", "write open of a file checked out to someone else refused");
  t.ok(await until(async () => (await mode(notes)) === 0o444, 30_000), "a check-out by someone else shows mode 0444");
  t.equal(await fsp.readFile(notes, "utf8"), notesText, "read-only open works");

  // Checked out to the signed-in user: the edit is theirs to make.
  const mine = join(docs, "日本語のファイル.txt");
  const mineRemote = "/sites/marketing/Shared Documents/日本語のファイル.txt";
  const mineText = await fsp.readFile(mine, "utf8");
  t.equal(await checkOut(emu, mineRemote, "adele"), 200, "adele checks the file out");
  t.ok(await until(async () => (await xattr(mine, "checkedOutTo")) === ADELE, 60_000), "checkedOutTo names adele");
  t.equal(await mode(mine), 0o644, "a file checked out to the signed-in user keeps mode 0644");
  const from2 = s.events.length;
  await fsp.appendFile(mine, "edited while checked out to me\n");
  await s.waitFor("uploaded", from2, 60_000);
  await uploadsIdle(s);
  t.equal((await remoteText(emu, mineRemote)).text, `${mineText}edited while checked out to me\n`, "the holder's own edit lands");
});
