import t from "tap";
import { createHash } from "node:crypto";
import { promises as fsp } from "node:fs";
import { join } from "node:path";
import { run } from "../mount/helpers.js";
import { emulatorForMount, remoteText, serveTenant } from "./helpers.js";

function sha(b: Buffer | string): string {
  return createHash("sha256").update(b).digest("hex");
}

void t.test("a tenant mounted: browse, read, write, rename, delete, remote changes", async (t) => {
  const emu = await emulatorForMount(t);
  const s = await serveTenant(t, emu);
  const root = s.mnt;

  t.same((await fsp.readdir(root)).sort(), ["Contoso", "Engineering", "Finance", "Marketing", "OneDrive"]);
  const docs = join(root, "Marketing", "Documents");
  const names = await fsp.readdir(docs);
  for (const n of ["Plan.txt", "Budget #1 100%.xlsx", "日本語のファイル.txt", "2026"]) t.ok(names.includes(n), `lists ${n}`);
  t.equal(await fsp.readFile(join(docs, "Plan.txt"), "utf8"), "Marketing plan, final: budget and timeline agreed.\n");
  t.equal(await fsp.readFile(join(docs, "2026", "Q2", "notes.txt"), "utf8"), (await remoteText(emu, "/sites/marketing/Shared Documents/2026/Q2/notes.txt")).text);

  // A 5.5 MiB file read by another program equals what SharePoint serves.
  const video = join(docs, "Launch Video.mp4");
  const viaMount = await run("sha256sum", [video]);
  const token = await emu.token("contoso", "adele");
  const sp = emu.tenant("contoso").sharePointUrl;
  const remote = Buffer.from(
    await (await emu.fetch(`${sp}/sites/marketing/_api/web/getFileByServerRelativePath(decodedUrl='${encodeURIComponent("/sites/marketing/Shared Documents/Launch Video.mp4")}')/$value`, { headers: { Authorization: `Bearer ${token}` } })).arrayBuffer(),
  );
  t.equal(viaMount.stdout.split(" ")[0], sha(remote), "sha256 over the mount equals the service's bytes");
  const st = await fsp.stat(video);
  t.equal(st.size, remote.length);

  // Write a new file: close returns once journalled; the upload follows.
  let from = s.events.length;
  await fsp.writeFile(join(docs, "from-mount.txt"), "written through the mount\n");
  await s.waitFor("uploaded", from, 60_000);
  t.same(await remoteText(emu, "/sites/marketing/Shared Documents/from-mount.txt"), { status: 200, text: "written through the mount\n" });
  t.equal(await fsp.readFile(join(docs, "from-mount.txt"), "utf8"), "written through the mount\n", "reads back at once");

  // Edit in place (append) keeps the item and moves its content.
  from = s.events.length;
  await fsp.appendFile(join(docs, "Plan.txt"), "Appended line.\n");
  await s.waitFor("uploaded", from, 60_000);
  t.equal((await remoteText(emu, "/sites/marketing/Shared Documents/Plan.txt")).text, "Marketing plan, final: budget and timeline agreed.\nAppended line.\n");

  // mkdir, rename, delete are SharePoint operations.
  await fsp.mkdir(join(docs, "New Folder"));
  await fsp.rename(join(docs, "from-mount.txt"), join(docs, "New Folder", "moved.txt"));
  t.equal((await remoteText(emu, "/sites/marketing/Shared Documents/New Folder/moved.txt")).text, "written through the mount\n");
  t.equal((await remoteText(emu, "/sites/marketing/Shared Documents/from-mount.txt")).status, 404);
  await fsp.unlink(join(docs, "New Folder", "moved.txt"));
  await fsp.rmdir(join(docs, "New Folder"));
  t.equal((await remoteText(emu, "/sites/marketing/Shared Documents/New Folder/moved.txt")).status, 404);
  await t.rejects(fsp.stat(join(docs, "New Folder")), { code: "ENOENT" });

  // Names SharePoint cannot store are refused, not mangled.
  await t.rejects(fsp.writeFile(join(docs, "bad:name.txt"), "x"), { code: "EINVAL" });

  // A change by another user shows up after a poll.
  const megan = await emu.token("contoso", "megan");
  const folder = encodeURIComponent("/sites/marketing/Shared Documents");
  const up = await emu.fetch(`${sp}/sites/marketing/_api/web/getFolderByServerRelativePath(decodedUrl='${folder}')/files/AddUsingPath(decodedurl='remote.txt',Overwrite=true)`, {
    method: "POST",
    headers: { Authorization: `Bearer ${megan}`, Accept: "application/json" },
    body: "made elsewhere\n",
  });
  t.equal(up.status, 200);
  const deadline = Date.now() + 60_000;
  let seen = "";
  while (Date.now() < deadline) {
    seen = await fsp.readFile(join(docs, "remote.txt"), "utf8").catch(() => "");
    if (seen === "made elsewhere\n") break;
    await new Promise((r) => setTimeout(r, 250));
  }
  t.equal(seen, "made elsewhere\n", "the remote file appears in the mount");
});

void t.test("Office-style save: lock and temp files stay local, the result replaces the file", async (t) => {
  const emu = await emulatorForMount(t);
  const s = await serveTenant(t, emu);
  const dir = join(s.mnt, "Engineering", "Documents", "Specs");
  const since = await emu.lastRequest();
  const from = s.events.length;
  await fsp.writeFile(join(dir, "~$API Design.docx"), "lock owner");
  await fsp.writeFile(join(dir, "~WRL0001.tmp"), "new content of the document");
  await fsp.rename(join(dir, "API Design.docx"), join(dir, "~WRL0002.tmp"));
  await fsp.rename(join(dir, "~WRL0001.tmp"), join(dir, "API Design.docx"));
  await fsp.unlink(join(dir, "~WRL0002.tmp"));
  await fsp.unlink(join(dir, "~$API Design.docx"));
  await s.waitFor("uploaded", from, 60_000);
  t.equal((await remoteText(emu, "/teams/engineering/Shared Documents/Specs/API Design.docx")).text, "new content of the document");
  const log = await emu.requests({ tenant: "contoso", since });
  t.notOk(log.some((r) => decodeURIComponent(r.path).includes("~$") || decodeURIComponent(r.path).includes("~WRL0001")), "lock and temp files never reached SharePoint");
});

void t.test("a write acknowledged before a crash is uploaded after the restart", async (t) => {
  const emu = await emulatorForMount(t);
  const s = await serveTenant(t, emu);
  const docs = join(s.mnt, "Finance", "Documents");
  await fsp.readdir(docs);
  await emu.setFaults("contoso", { offline: true });
  await fsp.writeFile(join(docs, "survives.txt"), "journalled before the crash\n");
  s.child.kill("SIGKILL");
  await s.exited;
  await run("fusermount3", ["-u", "-z", s.mnt]);
  await emu.clearFaults("contoso");
  const again = await serveTenant(t, emu, { dir: s.dir });
  const deadline = Date.now() + 60_000;
  let r = await remoteText(emu, "/sites/finance/Shared Documents/survives.txt");
  while (r.status !== 200 && Date.now() < deadline) {
    await new Promise((res) => setTimeout(res, 250));
    r = await remoteText(emu, "/sites/finance/Shared Documents/survives.txt");
  }
  t.same(r, { status: 200, text: "journalled before the crash\n" });
  // The service can have the file before the fixture's event line reached this process.
  t.equal((await again.waitFor("uploaded", 0, 60_000)).name, "survives.txt", "the restarted runtime reports the upload");
});
