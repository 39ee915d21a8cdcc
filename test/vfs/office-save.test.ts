// Office's save (`~WRL0001.tmp` written, `Doc.docx` → `~WRL0002.tmp`, `~WRL0001.tmp` → `Doc.docx`,
// `~WRL0002.tmp` deleted) keeps the SharePoint item: the original is parked under its temp name
// instead of moved, and the new content becomes its next version — same UniqueId, one more
// version, no move or delete sent, no temp or lock name ever reaching SharePoint, online or
// offline. Undoing (renaming the temp back) sends nothing; deleting the temp without a take-over
// deletes the item.
import t, { type Test } from "tap";
import { promises as fsp } from "node:fs";
import { join } from "node:path";
import { run } from "../mount/helpers.js";
import type { RequestLogEntry, TestEmulator } from "../helpers/emulator.js";
import { emulatorForMount, eventually, promptly, remoteFile, remoteText, restFile, serveTenant, uploadsIdle, type RemoteFile } from "./helpers.js";

const LIB = "/teams/engineering/Shared Documents/Specs";
const DOC = "API Design.docx";

async function remoteBytes(emu: TestEmulator, serverRelativePath: string): Promise<Buffer> {
  const res = await restFile(emu, serverRelativePath, "/$value");
  if (res.status !== 200) throw new Error(`${serverRelativePath}: ${res.status}`);
  return Buffer.from(await res.arrayBuffer());
}

async function xattr(path: string, name: string): Promise<string> {
  const r = await run("getfattr", ["--only-values", "-n", `user.konnekt.${name}`, path]);
  return r.code === 0 ? r.stdout : `getfattr failed: ${r.stderr}`;
}


const named = (log: RequestLogEntry[], re: RegExp): RequestLogEntry[] => log.filter((r) => re.test(decodeURIComponent(r.path)));
const writesTo = (log: RequestLogEntry[]): RequestLogEntry[] => log.filter((r) => r.method === "DELETE" || r.method === "PATCH" || r.method === "MOVE");

/** Word's save of `dir/DOC`, with its owner lock file; checks the mount's view between the steps. */
async function officeSave(t: Test, dir: string, content: string, original: Buffer): Promise<void> {
  await fsp.writeFile(join(dir, `~$${DOC}`), "adele");
  await fsp.writeFile(join(dir, "~WRL0001.tmp"), content);
  await promptly("rename of the document to ~WRL0002.tmp", fsp.rename(join(dir, DOC), join(dir, "~WRL0002.tmp")));
  const names = await fsp.readdir(dir);
  t.ok(names.includes("~WRL0002.tmp") && !names.includes(DOC), "parked: listed under the temp name only");
  await t.rejects(fsp.stat(join(dir, DOC)), { code: "ENOENT" }, "the document's name is free");
  t.equal((await fsp.stat(join(dir, "~WRL0002.tmp"))).size, original.length, "the temp name has the document's size");
  t.ok((await fsp.readFile(join(dir, "~WRL0002.tmp"))).equals(original), "and its content");
  await promptly("rename of ~WRL0001.tmp to the document", fsp.rename(join(dir, "~WRL0001.tmp"), join(dir, DOC)));
  t.equal(await fsp.readFile(join(dir, DOC), "utf8"), content, "the document shows the new content");
  await promptly("delete of ~WRL0002.tmp", fsp.unlink(join(dir, "~WRL0002.tmp")));
  await fsp.unlink(join(dir, `~$${DOC}`));
  const after = await fsp.readdir(dir);
  t.ok(after.includes(DOC), "the document is listed");
  t.notOk(after.some((n) => n.startsWith("~")), "no temp or lock file left");
}

async function checkLanded(t: Test, emu: TestEmulator, dir: string, content: string, before: RemoteFile, since: number): Promise<void> {
  t.equal((await remoteText(emu, `${LIB}/${DOC}`)).text, content, "SharePoint has the new content");
  const after = await remoteFile(emu, `${LIB}/${DOC}`);
  t.equal(after.uniqueId, before.uniqueId, "the same item (UniqueId)");
  t.equal(after.versions, before.versions + 1, "with one more version");
  const log = await emu.requests({ tenant: "contoso", since });
  t.same(named(log, /~WRL|~\$/).map((r) => `${r.method} ${r.path}`), [], "no request named a temp or lock file");
  t.same(writesTo(log).map((r) => `${r.method} ${r.path}`), [], "no move or delete was sent");
  t.equal(await xattr(join(dir, DOC), "uniqueId"), before.uniqueId, "the mount shows the same item");
  t.equal(await fsp.readFile(join(dir, DOC), "utf8"), content, "and reads the new version");
}

/** A mounted tenant with the document listed, and what SharePoint holds for it before the save. */
async function officeSetup(t: Test, pollMs?: number): Promise<{ emu: TestEmulator; s: Awaited<ReturnType<typeof serveTenant>>; dir: string; before: RemoteFile; original: Buffer }> {
  const emu = await emulatorForMount(t);
  const s = await serveTenant(t, emu, pollMs !== undefined ? { pollMs } : {});
  const dir = join(s.mnt, "Engineering", "Documents", "Specs");
  await fsp.readdir(dir);
  const before = await remoteFile(emu, `${LIB}/${DOC}`);
  const original = await remoteBytes(emu, `${LIB}/${DOC}`);
  return { emu, s, dir, before, original };
}

void t.test("Office save online: the document keeps its item and gains a version", async (t) => {
  const emu = await emulatorForMount(t);
  const s = await serveTenant(t, emu);
  const dir = join(s.mnt, "Engineering", "Documents", "Specs");
  await fsp.readdir(dir);
  const before = await remoteFile(emu, `${LIB}/${DOC}`);
  t.equal(before.status, 200);
  const original = await remoteBytes(emu, `${LIB}/${DOC}`);
  const since = await emu.lastRequest();
  await officeSave(t, dir, "API design, saved by Word.\n", original);
  await uploadsIdle(s);
  await checkLanded(t, emu, dir, "API design, saved by Word.\n", before, since);
  t.notOk(s.events.some((e) => e.event === "conflict"), "no conflict copy");
});

void t.test("Office save offline: completes at once and lands after reconnect", async (t) => {
  const { emu, s, dir, before, original } = await officeSetup(t);
  // Read once while online: the parked document's bytes come from the cache offline.
  t.ok((await fsp.readFile(join(dir, DOC))).equals(original));
  const since = await emu.lastRequest();
  await emu.setFaults("contoso", { offline: true });
  await officeSave(t, dir, "API design, saved by Word offline.\n", original);
  await emu.clearFaults("contoso");
  await uploadsIdle(s);
  await eventually("the new version", () => remoteText(emu, `${LIB}/${DOC}`), (r) => r.text === "API design, saved by Word offline.\n");
  await checkLanded(t, emu, dir, "API design, saved by Word offline.\n", before, since);
});

void t.test("two Office saves offline: the second parks the first's pending version and supersedes it", async (t) => {
  const { emu, s, dir, before, original } = await officeSetup(t);
  t.ok((await fsp.readFile(join(dir, DOC))).equals(original));
  const since = await emu.lastRequest();
  await emu.setFaults("contoso", { offline: true });
  await officeSave(t, dir, "first save, offline\n", original);
  await officeSave(t, dir, "second save, offline\n", Buffer.from("first save, offline\n"));
  await emu.clearFaults("contoso");
  await uploadsIdle(s);
  await eventually("the second version", () => remoteText(emu, `${LIB}/${DOC}`), (r) => r.text === "second save, offline\n");
  await checkLanded(t, emu, dir, "second save, offline\n", before, since);
});

void t.test("Office's undo: the document renamed back is untouched and nothing is sent", async (t) => {
  const { emu, s, dir, before, original } = await officeSetup(t, 3_600_000);
  const since = await emu.lastRequest();
  await fsp.rename(join(dir, DOC), join(dir, "~WRL0002.tmp"));
  await fsp.rename(join(dir, "~WRL0002.tmp"), join(dir, DOC));
  t.same((await emu.requests({ tenant: "contoso", since })).map((r) => `${r.method} ${r.path}`), [], "no request");
  const names = await fsp.readdir(dir);
  t.ok(names.includes(DOC) && !names.includes("~WRL0002.tmp"), "listed under its name again");
  t.ok((await fsp.readFile(join(dir, DOC))).equals(original), "with its content");
  await uploadsIdle(s);
  t.same(await remoteFile(emu, `${LIB}/${DOC}`), before, "the item is untouched: same UniqueId, no new version");
  t.ok((await remoteBytes(emu, `${LIB}/${DOC}`)).equals(original));
  t.same(writesTo(await emu.requests({ tenant: "contoso", since })), [], "no move, delete or upload");
});

void t.test("a document renamed to a temp name and deleted, with nothing renamed onto its name, is deleted", async (t) => {
  const emu = await emulatorForMount(t);
  const s = await serveTenant(t, emu, { pollMs: 3_600_000 });
  const dir = join(s.mnt, "Engineering", "Documents", "Specs");
  await fsp.readdir(dir);
  t.equal((await remoteFile(emu, `${LIB}/${DOC}`)).status, 200);
  const since = await emu.lastRequest();
  await fsp.rename(join(dir, DOC), join(dir, "~WRL0002.tmp"));
  await fsp.unlink(join(dir, "~WRL0002.tmp"));
  t.equal((await remoteFile(emu, `${LIB}/${DOC}`)).status, 404, "deleted on SharePoint");
  const log = await emu.requests({ tenant: "contoso", since });
  t.equal(log.filter((r) => r.method === "DELETE").length, 1, "by one delete");
  t.same(named(log, /~WRL/), [], "the temp name never reached SharePoint");
  const names = await fsp.readdir(dir);
  t.notOk(names.includes(DOC) || names.includes("~WRL0002.tmp"), "neither name is listed");
  await uploadsIdle(s);
  t.equal((await remoteFile(emu, `${LIB}/${DOC}`)).status, 404, "and it does not come back");
});

void t.test("a parked document renamed on to an ordinary name is moved on SharePoint then, keeping its item", async (t) => {
  const emu = await emulatorForMount(t);
  const s = await serveTenant(t, emu, { pollMs: 3_600_000 });
  const dir = join(s.mnt, "Engineering", "Documents", "Specs");
  await fsp.readdir(dir);
  const before = await remoteFile(emu, `${LIB}/${DOC}`);
  const since = await emu.lastRequest();
  await fsp.rename(join(dir, DOC), join(dir, "~WRL0002.tmp"));
  await fsp.rename(join(dir, "~WRL0002.tmp"), join(dir, "API Design (old).docx"));
  const log = await emu.requests({ tenant: "contoso", since });
  t.equal(log.filter((r) => r.method === "PATCH").length, 1, "one move");
  t.same(named(log, /~WRL/), [], "the temp name never reached SharePoint");
  t.equal((await remoteFile(emu, `${LIB}/${DOC}`)).status, 404, "the old name is free on SharePoint");
  t.equal((await remoteFile(emu, `${LIB}/API Design (old).docx`)).uniqueId, before.uniqueId, "the same item under the new name");
  const names = await fsp.readdir(dir);
  t.ok(names.includes("API Design (old).docx"), "listed under the new name");
  t.notOk(names.includes(DOC) || names.includes("~WRL0002.tmp"), "and under no other");
  t.equal(await xattr(join(dir, "API Design (old).docx"), "uniqueId"), before.uniqueId);
});
