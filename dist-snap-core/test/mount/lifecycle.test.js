// Mount lifecycle from the outside: clean stop, kill -9 and the stale mount it leaves, unmount
// while a file is open, an external umount, interrupts, refusing a non-empty directory, and two
// mounts served at once.
import { spawn } from "node:child_process";
import { promises as fsp } from "node:fs";
import { join } from "node:path";
import t from "tap";
import { fileURLToPath } from "node:url";
import { errCode, isMounted, run, serve, tempDir, until } from "./helpers.js";
const IN_WORKER = fileURLToPath(new URL("./fixture/serve-in-worker.js", import.meta.url));
void t.test("SIGTERM drains, unmounts and exits 0", async (t) => {
    const s = await serve(t);
    t.ok(await isMounted(s.mnt));
    t.equal(await fsp.readFile(join(s.mnt, "hello.txt"), "utf8"), "hello world\n");
    t.equal(await s.stop(), 0);
    t.ok(s.events.some((e) => e.event === "closed"));
    t.notOk(await isMounted(s.mnt));
    t.same(await fsp.readdir(s.mnt), [], "the mount point is an empty directory again");
});
void t.test("kill -9 leaves a stale mount that the next mount cleans up", async (t) => {
    const dir = tempDir(t);
    const first = await serve(t, { dir });
    t.equal(await fsp.readFile(join(first.mnt, "hello.txt"), "utf8"), "hello world\n");
    first.child.kill("SIGKILL");
    await first.exited;
    t.ok(await isMounted(first.mnt), "the dead mount is still listed");
    const err = await fsp.statfs(first.mnt).then(() => undefined, (e) => errCode(e));
    t.equal(err, "ENOTCONN", "and answers Transport endpoint is not connected");
    const second = await serve(t, { dir });
    const ready = second.events.find((e) => e.event === "ready");
    t.equal(ready?.cleanedStale, true);
    t.equal(await fsp.readFile(join(second.mnt, "hello.txt"), "utf8"), "hello world\n");
    t.equal(await second.stop(), 0);
    t.notOk(await isMounted(second.mnt));
});
void t.test("unmount while a file is open in another process", async (t) => {
    const s = await serve(t);
    const fh = await fsp.open(join(s.mnt, "big.bin"), "r");
    try {
        const buf = Buffer.alloc(16);
        await fh.read(buf, 0, 16, 0);
        t.equal(await s.stop(), 0, "close() does not wait for the open file");
        t.notOk(await isMounted(s.mnt));
        // The kernel connection is gone: the old descriptor fails instead of hanging.
        const after = await fh.read(Buffer.alloc(16), 0, 16, 2_000_000).then(() => "read", (e) => errCode(e));
        t.ok(after === "ENOTCONN" || after === "EIO" || after === "read", `read after unmount: ${after}`);
    }
    finally {
        await fh.close().catch(() => undefined);
    }
});
void t.test("an external fusermount3 -u ends the serving process cleanly", async (t) => {
    const s = await serve(t);
    await fsp.readdir(s.mnt);
    const u = await run("fusermount3", ["-u", s.mnt]);
    t.equal(u.code, 0, u.stderr);
    await s.waitFor("closed");
    t.equal(await s.exited, 0);
});
void t.test("a kernel interrupt aborts the request's signal and answers", async (t) => {
    const s = await serve(t);
    const from = s.events.length;
    const cat = spawn("cat", [join(s.mnt, "slow/hang.txt")], { stdio: "ignore" });
    const catExit = new Promise((res) => cat.once("exit", (_c, sig) => res(sig)));
    await s.waitFor("blocked", from);
    cat.kill("SIGKILL");
    await s.waitFor("aborted", from);
    t.equal(await catExit, "SIGKILL");
    t.equal(await fsp.readFile(join(s.mnt, "hello.txt"), "utf8"), "hello world\n", "the mount still answers");
});
void t.test("a non-empty directory is refused with a clear error", async (t) => {
    const dir = tempDir(t);
    await fsp.mkdir(join(dir, "mnt"));
    await fsp.writeFile(join(dir, "mnt", "keep.txt"), "mine");
    const s = await serve(t, { dir, noWait: true });
    const e = await s.waitFor("error");
    t.equal(e.code, "notEmpty");
    t.match(String(e.message), /not empty/);
    t.equal(await s.exited, 1);
    t.equal(await fsp.readFile(join(dir, "mnt", "keep.txt"), "utf8"), "mine", "nothing was touched");
});
void t.test("two mounts served at once by two processes", async (t) => {
    const a = await serve(t);
    const b = await serve(t);
    await fsp.writeFile(join(a.mnt, "only-a.txt"), "a");
    t.notOk((await fsp.readdir(b.mnt)).includes("only-a.txt"));
    t.ok(await until(async () => (await fsp.readdir(a.mnt)).includes("only-a.txt")));
    t.equal(await a.stop(), 0);
    t.equal(await fsp.readFile(join(b.mnt, "hello.txt"), "utf8"), "hello world\n");
    t.equal(await b.stop(), 0);
});
void t.test("process.exit() without close() still unmounts", async (t) => {
    const s = await serve(t);
    t.equal(await fsp.readFile(join(s.mnt, "hello.txt"), "utf8"), "hello world\n");
    s.child.kill("SIGUSR2");
    t.equal(await s.exited, 3);
    t.notOk(await isMounted(s.mnt), "no stale mount left behind");
});
void t.test("terminating the worker thread that serves a mount unmounts it", async (t) => {
    const s = await serve(t, { script: IN_WORKER });
    t.equal(await fsp.readFile(join(s.mnt, "hello.txt"), "utf8"), "hello from a worker\n");
    s.child.kill("SIGTERM");
    await s.waitFor("workerExited");
    t.notOk(await isMounted(s.mnt), "the env cleanup hook unmounted");
    t.ok(s.child.exitCode === null, "the process itself is still running");
});
//# sourceMappingURL=lifecycle.test.js.map