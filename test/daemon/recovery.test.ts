/**
 * Issue 6 acceptance: kill -9 of the daemon → the next start recovers mounts and uploads.
 *
 * A tenant of the emulator is connected through the daemon; a file is written through the mount
 * while the tenant's SharePoint is offline (emulator fault), so its upload stays journalled. Then:
 *   A. kill -9 of the daemon AND its worker (power-loss-like): the FUSE mount is left dead
 *      (ENOTCONN), the socket and lock are left behind;
 *   B. kill -9 of the daemon only: the orphaned worker notices its IPC channel closing and stops
 *      as on SIGTERM (short drain, unmount, exit 0), leaving the upload in its journal;
 *   C. as B, but the new daemon starts at once: it waits for the orphan before starting the
 *      tenant's new worker (never two workers on one mount point and journal).
 * In both, SharePoint comes back and a new daemon starts: it replaces the stale socket and lock,
 * reconnects the tenant silently, the mount is back and the file reaches the service intact.
 */
import { createHash, randomBytes } from "node:crypto";
import { execFile } from "node:child_process";
import { existsSync, lstatSync, mkdirSync, promises as fsp, readFileSync, writeFileSync } from "node:fs";
import { connect as netConnect } from "node:net";
import { join } from "node:path";
import { promisify } from "node:util";
import t from "tap";
import { connect } from "../../daemon/client.js";
import { startEmulator, trustEmulatorCa, type TestEmulator } from "../helpers/emulator.js";
import { isAlive, runCli, startDaemon, tempHome, until, type TempHome } from "./helpers.js";

const exec = promisify(execFile);
const sha = (b: Buffer): string => createHash("sha256").update(b).digest("hex");

async function rpc<T>(home: TempHome, method: string, params: object = {}): Promise<T> {
  const r = await runCli(home, ["rpc", method, JSON.stringify(params)]);
  if (r.code !== 0) throw new Error(`${method}: ${r.stderr.trim()}`);
  return JSON.parse(r.stdout) as T;
}

function mounted(path: string): boolean {
  return readFileSync("/proc/mounts", "utf8")
    .split("\n")
    .some((l) => l.split(" ")[1] === path);
}

/** Polls an async check (fs calls through FUSE, HTTP) with a deadline. */
async function eventually(check: () => Promise<boolean>, what: string, deadlineMs = 90_000): Promise<void> {
  const end = Date.now() + deadlineMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** The error code of a connection attempt, or "CONNECTED". */
function refusedBy(path: string): Promise<string> {
  return new Promise((resolve) => {
    const s = netConnect(path);
    s.once("connect", () => {
      s.destroy();
      resolve("CONNECTED");
    });
    s.once("error", (err: NodeJS.ErrnoException) => resolve(err.code ?? "error"));
  });
}

const emu: TestEmulator = await startEmulator({ autoApprove: "adele" });
t.teardown(() => emu.stop());
trustEmulatorCa(emu.caFile);
const contoso = emu.tenant("contoso");

async function remoteFile(name: string): Promise<Buffer | undefined> {
  const token = await emu.token("contoso", "adele");
  const res = await emu.fetch(
    `${contoso.sharePointUrl}/sites/finance/_api/web/getFileByServerRelativePath(decodedUrl='${encodeURIComponent(`/sites/finance/Shared Documents/${name}`)}')/$value`,
    { headers: { Authorization: `Bearer ${token}` } },
  );
  if (res.status !== 200) {
    await res.arrayBuffer();
    return undefined;
  }
  return Buffer.from(await res.arrayBuffer());
}

for (const scenario of ["daemon and worker", "daemon only", "daemon only, restarted at once"] as const) {
  void t.test(`kill -9 of the ${scenario} → the next start recovers the mount and the pending upload`, async (t) => {
    const home = tempHome(t);
    const mountRoot = join(home.dir, "Konnekt");
    mkdirSync(join(home.dir, "config", "konnekt"), { recursive: true });
    writeFileSync(home.configFile, JSON.stringify({ authorityHost: emu.authority, clientId: emu.clientId, mountRoot, pollSeconds: 1, cacheSizeMiB: 256 }));
    home.env.NODE_EXTRA_CA_CERTS = emu.caFile;
    const root = join(mountRoot, "contoso");
    t.teardown(async () => {
      await exec("fusermount3", ["-u", "-z", root]).catch(() => undefined);
    });

    const first = await startDaemon(t, home);
    const connected = await rpc<{ state: string }>(home, "tenant.connect", { url: contoso.sharePointUrl, name: "contoso", tenantId: contoso.tenantId, signInMode: "deviceCode" });
    t.equal(connected.state, "connected");
    const docs = join(root, "Finance", "Documents");
    await eventually(async () => (await fsp.readdir(docs)).length > 0, "the mount");
    const workerPid = (await rpc<{ tenants: { workerPid?: number }[] }>(home, "tenant.list")).tenants[0]?.workerPid;
    t.ok(workerPid !== undefined && isAlive(workerPid), "a worker runs");

    // SharePoint goes away; a write through the mount is acknowledged and journalled.
    await emu.setFaults("contoso", { offline: true });
    t.teardown(() => emu.clearFaults("contoso"));
    const name = `recovery-${scenario.replace(/[^a-z]+/g, "-")}.bin`;
    const content = randomBytes(300 * 1024 + 17);
    await fsp.writeFile(join(docs, name), content);
    await eventually(async () => (await rpc<{ uploads: { path: string }[] }>(home, "upload.list")).uploads.some((u) => u.path === `contoso/Finance/Documents/${name}`), "the upload to be pending");
    t.equal(await remoteFile(name).catch(() => undefined), undefined, "not on the service yet");

    if (scenario === "daemon and worker") {
      process.kill(first.ready.pid, "SIGKILL");
      process.kill(workerPid!, "SIGKILL");
      await first.exited;
      await until(() => !isAlive(workerPid!), "the worker to die");
      t.ok(mounted(root), "a dead FUSE mount is left behind");
    } else if (scenario === "daemon only, restarted at once") {
      // The new daemon starts while the orphan may still be stopping: it must wait for it
      // (daemon/tenants.ts awaitPreviousWorker), not mount and journal alongside it.
      process.kill(first.ready.pid, "SIGKILL");
      await first.exited;
    } else {
      process.kill(first.ready.pid, "SIGKILL");
      await first.exited;
      // The orphan notices the IPC channel closing, unmounts and exits by itself.
      const killedAt = Date.now();
      await until(() => !isAlive(workerPid!), "the orphaned worker to exit", 60_000);
      t.comment(`the orphaned worker exited ${Date.now() - killedAt} ms after the daemon's kill -9`);
      t.notOk(mounted(root), "the orphaned worker unmounted before exiting");
    }
    t.ok(lstatSync(first.ready.endpoint).isSocket(), "the stale socket is left behind");
    t.equal(await refusedBy(first.ready.endpoint), "ECONNREFUSED", "and nobody answers on it");
    t.equal((JSON.parse(readFileSync(home.lockFile, "utf8")) as { pid: number }).pid, first.ready.pid, "the stale lock is left behind");

    // SharePoint is back; a new daemon starts.
    let second: Awaited<ReturnType<typeof startDaemon>>;
    if (scenario === "daemon only, restarted at once") {
      // While SharePoint is away the orphan's stop takes a while (its drain times out): the new
      // daemon finds it still running. SharePoint comes back once the new daemon is waiting for it
      // (or, on a very slow machine, once the orphan is gone anyway).
      const starting = startDaemon(t, home);
      const waitLine = "a worker of the previous daemon is still stopping";
      await until(() => !isAlive(workerPid!) || (existsSync(home.logFile) && readFileSync(home.logFile, "utf8").includes(waitLine)), "the new daemon to wait for the orphan", 60_000);
      await emu.clearFaults("contoso");
      second = await starting;
    } else {
      await emu.clearFaults("contoso");
      second = await startDaemon(t, home);
    }
    t.teardown(async () => {
      if (isAlive(second.ready.pid)) {
        second.child.kill("SIGTERM");
        await second.exited;
      }
    });
    t.same(second.ready.tenants, ["contoso"], "the tenant is connected again at start");
    t.notOk(isAlive(workerPid!), "the previous worker is gone before the new one serves");
    if (scenario === "daemon only, restarted at once") {
      const waited = readFileSync(home.logFile, "utf8").includes("a worker of the previous daemon is still stopping");
      t.comment(waited ? "the new daemon waited for the orphaned worker" : "the orphaned worker was gone before the new daemon looked");
    }
    t.equal(second.ready.endpoint, first.ready.endpoint);
    t.equal((JSON.parse(readFileSync(home.lockFile, "utf8")) as { pid: number }).pid, second.ready.pid, "the lock is the new daemon's");
    const c = await connect(second.ready.endpoint);
    t.teardown(() => c.close());
    t.equal((await c.request("daemon.status", {})).pid, second.ready.pid, "the stale socket was replaced: it answers as the new daemon");

    await eventually(async () => mounted(root) && (await fsp.readdir(docs)).includes(name), "the mount to be back with the file");
    let remote: Buffer | undefined;
    await eventually(async () => {
      remote = await remoteFile(name);
      return remote !== undefined && remote.length === content.length;
    }, "the journalled upload to reach SharePoint");
    t.equal(sha(remote!), sha(content), "the service has the bytes written before the crash (sha256)");
    t.equal(sha(await fsp.readFile(join(docs, name))), sha(content), "and the mount shows them");
    await eventually(async () => (await rpc<{ uploads: unknown[] }>(home, "upload.list")).uploads.length === 0, "the journal to drain");

    second.child.kill("SIGTERM");
    t.equal((await second.exited).code, 0, "the new daemon stops cleanly");
    t.notOk(mounted(root), "and unmounts");
  });
}
