/**
 * The daemon with real tenant workers: connect a tenant of the emulator through the control
 * endpoint (device code, approved by the emulator's test mode), use every tenant-scoped family,
 * read and write through the mount from this (separate) process, survive a worker crash.
 */
import t from "tap";
import { execFile, spawn } from "node:child_process";
import { mkdirSync, promises as fsp, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { runCli, startDaemon, tempHome, until, type TempHome } from "./helpers.js";
import { startEmulator, trustEmulatorCa, type TestEmulator } from "../helpers/emulator.js";

const exec = promisify(execFile);

async function rpc<T>(home: TempHome, method: string, params: object = {}): Promise<T> {
  const r = await runCli(home, ["rpc", method, JSON.stringify(params)]);
  if (r.code !== 0) throw new Error(`${method}: ${r.stderr.trim()}`);
  return JSON.parse(r.stdout) as T;
}

async function unmountQuietly(path: string): Promise<void> {
  await exec("fusermount3", ["-u", "-z", path]).catch(() => undefined);
}

function configure(home: TempHome, emu: TestEmulator): string {
  const mountRoot = join(home.dir, "Konnekt");
  mkdirSync(join(home.dir, "config", "konnekt"), { recursive: true });
  writeFileSync(home.configFile, JSON.stringify({ authorityHost: emu.authority, clientId: emu.clientId, mountRoot, pollSeconds: 1, cacheSizeMiB: 256 }));
  return mountRoot;
}

void t.test("a tenant through the daemon: connect, browse, items, drives, cache, uploads, worker crash", async (t) => {
  const emu = await startEmulator({ autoApprove: "adele" });
  t.teardown(() => emu.stop());
  trustEmulatorCa(emu.caFile);
  const home = tempHome(t);
  const mountRoot = configure(home, emu);
  const env = { NODE_EXTRA_CA_CERTS: emu.caFile };
  Object.assign(home.env, env);
  const daemon = await startDaemon(t, home);
  t.teardown(async () => {
    await unmountQuietly(join(mountRoot, "contoso"));
    await unmountQuietly(join(home.dir, "drive-m"));
  });
  const contoso = emu.tenant("contoso");

  const connected = await rpc<{ name: string; state: string; account?: string }>(home, "tenant.connect", {
    url: contoso.sharePointUrl,
    name: "contoso",
    tenantId: contoso.tenantId,
    signInMode: "deviceCode",
  });
  t.match(connected, { name: "contoso", state: "connected", account: "adele@contoso.onmicrosoft.com" });

  const list = await rpc<{ tenants: { name: string; state: string; workerPid?: number }[] }>(home, "tenant.list");
  t.equal(list.tenants.length, 1);
  t.match(list.tenants[0], { name: "contoso", state: "connected" });
  const libs = await rpc<{ libraries: { path: string; localPath?: string }[] }>(home, "library.list", { tenant: "contoso" });
  t.ok(libs.libraries.some((l) => l.path === "contoso/Marketing/Documents"), "library.list");

  // The mount, from this process.
  const root = join(mountRoot, "contoso");
  t.same((await fsp.readdir(root)).sort(), ["Contoso", "Engineering", "Finance", "Marketing", "OneDrive"]);
  const plan = join(root, "Marketing", "Documents", "Plan.txt");
  t.equal(await fsp.readFile(plan, "utf8"), "Marketing plan, final: budget and timeline agreed.\n");

  // item.* by local path and by namespace path.
  const info = await rpc<{ name: string; version?: string; etag?: string; webUrl: string; serverRelativeUrl?: string }>(home, "item.info", { path: plan });
  t.match(info, { name: "Plan.txt", version: "3.0", serverRelativeUrl: "/sites/marketing/Shared Documents/Plan.txt" });
  const web = await rpc<{ url: string }>(home, "item.webUrl", { path: "contoso/Marketing/Documents/Plan.txt" });
  t.match(web.url, /Plan\.txt/);
  const versions = await rpc<{ versions: { label: string; isCurrent: boolean }[] }>(home, "item.versions", { path: plan });
  t.same(versions.versions.map((v) => v.label), ["1.0", "2.0", "3.0"]);
  t.ok(versions.versions[2]!.isCurrent);
  const link = await rpc<{ url: string; scope: string }>(home, "item.sharingLink", { path: plan });
  t.equal(link.scope, "organization", "the configured default scope");
  t.ok(link.url.length > 0);
  const restored = await rpc<{ version?: string }>(home, "item.restoreVersion", { path: plan, version: "1.0" });
  t.equal(restored.version, "4.0", "a restore makes a new current version");
  await until(() => true, "noop");
  const deadline = Date.now() + 30_000;
  let content = "";
  while (Date.now() < deadline) {
    content = await fsp.readFile(plan, "utf8");
    if (content === "Marketing plan, draft 1.\n") break;
    await new Promise((r) => setTimeout(r, 200));
  }
  t.equal(content, "Marketing plan, draft 1.\n", "the mount shows the restored content");

  // Writes, then upload.wait.
  await fsp.writeFile(join(root, "Marketing", "Documents", "via-daemon.txt"), "hello from the daemon test\n");
  const waited = await rpc<{ completed: number; failed: number }>(home, "upload.wait", { timeoutMs: 60_000 });
  t.equal(waited.failed, 0);
  const uploads = await rpc<{ uploads: unknown[] }>(home, "upload.list");
  t.equal(uploads.uploads.length, 0, "nothing pending");

  // A file open for writing with unsaved bytes is not an upload yet, but upload.list counts it. The
  // writer is its own process holding one descriptor: every close of any copy of it (a dup2 dance,
  // a child exiting) is a FUSE flush, which journals the file.
  const holder = "import os,sys\nfd=os.open(sys.argv[1], os.O_WRONLY|os.O_CREAT|os.O_TRUNC)\nos.write(fd, b'x'*1000)\nprint('ready', flush=True)\nsys.stdin.read()";
  const writer = spawn("python3", ["-c", holder, join(root, "Marketing", "Documents", "held-open.txt")], { stdio: ["pipe", "pipe", "inherit"] });
  try {
    await new Promise<void>((resolve, reject) => {
      writer.stdout.once("data", () => resolve());
      writer.once("exit", (code) => reject(new Error(`the writer exited with ${code}`)));
    });
    const during = await rpc<{ uploads: unknown[]; open: { files: number; bytes: number } }>(home, "upload.list");
    t.same(during, { uploads: [], open: { files: 1, bytes: 1000 } }, "upload.list counts the file open with unsaved bytes, not as an upload");
  } finally {
    writer.stdin.end();
    await new Promise((r) => writer.once("close", r));
  }
  await rpc(home, "upload.wait", { timeoutMs: 60_000 });
  const settled = await rpc<{ uploads: unknown[]; open: { files: number; bytes: number } }>(home, "upload.list");
  t.same(settled, { uploads: [], open: { files: 0, bytes: 0 } }, "closed and uploaded: nothing open, nothing pending");

  // A drive onto a library.
  const drivePoint = join(home.dir, "drive-m");
  const drive = await rpc<{ id: string; mountPoint: string; state: string }>(home, "drive.mount", { path: "contoso/Marketing/Documents", mountPoint: drivePoint });
  t.match(drive, { mountPoint: drivePoint, state: "mounted" });
  t.ok((await fsp.readdir(drivePoint)).includes("via-daemon.txt"), "the write is visible through the drive");
  const drives = await rpc<{ drives: { mountPoint: string }[] }>(home, "drive.list");
  t.ok(drives.drives.some((d) => d.mountPoint === drivePoint));

  // Cache: pin a file, stats, clear.
  const pinned = await rpc<{ files: number; bytes: number }>(home, "cache.pin", { path: join(root, "Marketing", "Documents", "Launch Video.mp4") });
  t.equal(pinned.files, 1);
  t.ok(pinned.bytes > 5 * 1024 * 1024);
  const stats = await rpc<{ usedBytes: number; capBytes: number }>(home, "cache.stats");
  t.ok(stats.usedBytes >= pinned.bytes, "the pinned file is in the cache");
  t.equal(stats.capBytes, 256 * 1024 * 1024);
  const cleared = await rpc<{ files: number }>(home, "cache.clear", {});
  t.ok(cleared.files >= 0);
  const after = await rpc<{ usedBytes: number }>(home, "cache.stats");
  t.ok(after.usedBytes >= pinned.bytes, "pinned bytes survive a clear without includePinned");

  await rpc(home, "drive.unmount", { drive: drive.id });

  // kill -9 of the worker: restarted, the mount comes back.
  const pid = list.tenants[0]!.workerPid!;
  process.kill(pid, "SIGKILL");
  let back = false;
  const until2 = Date.now() + 60_000;
  while (Date.now() < until2 && !back) {
    const s = await rpc<{ tenants: { state: string; workerPid?: number; restarts?: number }[] }>(home, "tenant.list");
    const now = s.tenants[0]!;
    if (now.state === "connected" && now.workerPid !== pid) {
      back = await fsp
        .readdir(join(root, "Marketing", "Documents"))
        .then((n) => n.includes("Plan.txt"))
        .catch(() => false);
    }
    if (!back) await new Promise((r) => setTimeout(r, 250));
  }
  if (!back) t.comment((await fsp.readFile(home.logFile, "utf8").catch(() => "")).split("\n").slice(-30).join("\n"));
  t.ok(back, "the worker restarted and remounted");

  // Stop: the daemon exits 0 and the mount is gone.
  daemon.child.kill("SIGTERM");
  const exit = await daemon.exited;
  t.equal(exit.code, 0);
  const mounts = await fsp.readFile("/proc/mounts", "utf8");
  if (mounts.includes(root)) t.comment((await fsp.readFile(home.logFile, "utf8").catch(() => "")).split("\n").slice(-15).join("\n"));
  t.notOk(mounts.includes(root), "unmounted cleanly (not left stale)");
});
