// Drives: extra mount points onto a library or a folder, served by the same tenant runtime as the
// whole-tenant mount; changes through one are visible through the other.
import { promises as fsp } from "node:fs";
import { join } from "node:path";
import t from "tap";
import { run, tempDir, until } from "../mount/helpers.js";
import { command, emulatorForMount, remoteText, serveTenant } from "./helpers.js";

const PYXATTR = "import os,sys\nfor n in sorted(os.listxattr(sys.argv[1])): print(n + '=' + os.getxattr(sys.argv[1], n).decode())";

void t.test("a library drive and a folder drive beside the whole-tenant mount", async (t) => {
  const emu = await emulatorForMount(t);
  // Created first so its teardown (detach, then remove) runs whatever happens to the fixture.
  const driveDir = tempDir(t, "konnekt-drive-");
  const folderDir = tempDir(t, "konnekt-drive-");
  const s = await serveTenant(t, emu);
  const drive = join(driveDir, "mnt");
  const folderDrive = join(folderDir, "mnt");
  await command(s, "mount", { mountpoint: drive, subtree: "/Marketing/Documents" }, 120_000);
  await command(s, "mount", { mountpoint: folderDrive, subtree: "/Marketing/Documents/2026" }, 120_000);
  const viaTenant = join(s.mnt, "Marketing", "Documents");

  const names = await fsp.readdir(drive);
  for (const n of ["Plan.txt", "日本語のファイル.txt", "2026"]) t.ok(names.includes(n), `the drive root is the library: ${n}`);
  t.same((await fsp.readdir(drive)).sort(), (await fsp.readdir(viaTenant)).sort(), "same listing as the library in the tenant mount");
  t.equal(await fsp.readFile(join(folderDrive, "Q2", "notes.txt"), "utf8"), await fsp.readFile(join(viaTenant, "2026", "Q2", "notes.txt"), "utf8"), "a folder drive");

  // A write through the drive: visible through the tenant mount at once (same runtime), then remotely.
  await fsp.writeFile(join(drive, "via-drive.txt"), "written through the drive\n");
  t.ok(await until(async () => (await fsp.readFile(join(viaTenant, "via-drive.txt"), "utf8").catch(() => "")) === "written through the drive\n", 30_000), "visible through the tenant mount");
  // And the other way, into the folder the folder drive shows.
  await fsp.writeFile(join(viaTenant, "2026", "via-tenant.txt"), "written through the tenant mount\n");
  t.ok(await until(async () => (await fsp.readFile(join(folderDrive, "via-tenant.txt"), "utf8").catch(() => "")) === "written through the tenant mount\n", 30_000), "visible through the folder drive");
  // An edit of an existing file through one mount: the other sees the new size and bytes.
  await fsp.appendFile(join(drive, "2026", "via-tenant.txt"), "appended via the library drive\n");
  const both = "written through the tenant mount\nappended via the library drive\n";
  t.ok(await until(async () => (await fsp.readFile(join(folderDrive, "via-tenant.txt"), "utf8").catch(() => "")) === both, 30_000), "the edit shows through the folder drive");
  t.ok(await until(async () => (await fsp.stat(join(viaTenant, "2026", "via-tenant.txt"))).size === Buffer.byteLength(both), 30_000), "and its size through the tenant mount");
  // Namespace changes through a drive.
  await fsp.mkdir(join(drive, "Drive Folder"));
  await fsp.rename(join(drive, "via-drive.txt"), join(drive, "Drive Folder", "moved.txt"));
  t.ok(await until(async () => (await fsp.readdir(join(viaTenant, "Drive Folder")).catch(() => [] as string[])).includes("moved.txt"), 30_000), "a rename through the drive shows in the tenant mount");
  await command(s, "idle");
  t.same(await remoteText(emu, "/sites/marketing/Shared Documents/Drive Folder/moved.txt"), { status: 200, text: "written through the drive\n" });
  t.same(await remoteText(emu, "/sites/marketing/Shared Documents/2026/via-tenant.txt"), { status: 200, text: both });

  // Sites and libraries above a drive's root are out of reach; the drive root itself is a library.
  await t.rejects(fsp.mkdir(join(s.mnt, "Marketing", "New Library")), { code: "EROFS" }, "no libraries created from the mount");

  // xattrs and statfs: the item's facts, and the library's quota when the service reports one.
  const x = await run("python3", ["-c", PYXATTR, join(drive, "Plan.txt")]);
  if (x.code === 0) {
    t.match(x.stdout, /user\.konnekt\.uniqueId=[0-9a-f-]{36}/);
    t.match(x.stdout, /user\.konnekt\.webUrl=https:\/\//);
    t.match(x.stdout, /user\.konnekt\.etag=/);
  } else t.comment(`python3 unavailable: ${x.stderr}`);
  const df = await run("stat", ["-f", "-c", "%S %b %a", drive]);
  const [bsize, blocks, avail] = df.stdout.trim().split(" ").map(Number);
  t.equal(bsize, 4096);
  t.equal((blocks ?? 0) * 4096, 1099511627776, "total from the library's quota (the emulator reports 1 TiB)");
  t.ok((avail ?? 0) > 0 && (avail ?? 0) <= (blocks ?? 0), "available within total");

  // Unmounting a drive leaves the tenant mount serving.
  await command(s, "unmount", { mountpoint: folderDrive });
  t.ok((await fsp.readdir(viaTenant)).includes("2026"), "the tenant mount still serves");
  t.equal((await run("mountpoint", ["-q", folderDrive])).code === 0, false, "the folder drive is gone");
});

void t.test("a drive of a file or of a missing folder is refused", async (t) => {
  const emu = await emulatorForMount(t);
  const dir = tempDir(t, "konnekt-drive-");
  const s = await serveTenant(t, emu);
  await t.rejects(command(s, "mount", { mountpoint: join(dir, "mnt"), subtree: "/Marketing/Documents/Plan.txt" }), /is a file/);
  await t.rejects(command(s, "mount", { mountpoint: join(dir, "mnt"), subtree: "/Marketing/Nope" }), /failed/);
});
