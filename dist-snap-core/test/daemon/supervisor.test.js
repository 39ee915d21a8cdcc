// The supervisor with a real child process per tenant (a fixture worker): calls over the IPC
// channel, restart after a crash (kill -9 and a clean-but-unexpected exit), calls made during a
// restart, error codes crossing the channel, graceful close.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createInterface } from "node:readline";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import t from "tap";
import { createLogger } from "../../daemon/log.js";
import { ChildTenantHost, Supervisor } from "../../daemon/supervisor.js";
import { KonnektError } from "../../workers/errors.js";
import { isAlive, until } from "./helpers.js";
const WORKER = fileURLToPath(new URL("./fixture/echo-worker.js", import.meta.url));
const MINI_SUPERVISOR = fileURLToPath(new URL("./fixture/mini-supervisor.js", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "ks-"));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));
const { logger } = createLogger({ file: join(dir, "daemon.log"), level: "debug" });
function host(tt, args = []) {
    const h = new ChildTenantHost({ tenant: "contoso", modulePath: WORKER, args, logger, restartInitialMs: 10, restartMaxMs: 100 });
    tt.teardown(() => h.destroy());
    return h;
}
function nextRestart(h) {
    return new Promise((resolve) => h.onRestarted(resolve));
}
void t.test("calls reach the worker over the IPC channel", async (t) => {
    const h = host(t);
    await h.start();
    t.equal(h.state, "running");
    const { pid } = await h.call("pid", {});
    t.equal(pid, h.pid);
    t.same(await h.call("echo", { a: [1, "x"] }), { a: [1, "x"] });
});
void t.test("a KonnektError from the worker keeps its code and data", async (t) => {
    const h = host(t);
    await h.start();
    const err = await h.call("fail", {}).catch((e) => e);
    t.ok(err instanceof KonnektError);
    t.equal(err.code, "locked");
    t.equal(err.data.path, "/a.docx");
});
void t.test("kill -9 of a worker: restarted, reported, and calls work again", async (t) => {
    const h = host(t);
    await h.start();
    const first = h.pid;
    const restarted = nextRestart(h);
    process.kill(first, "SIGKILL");
    const event = await restarted;
    t.equal(event.tenant, "contoso");
    t.equal(event.signal, "SIGKILL");
    t.equal(event.exitCode, null);
    t.equal(event.restarts, 1);
    t.not(event.pid, first);
    t.equal(h.state, "running");
    t.equal(h.restarts, 1);
    const { pid } = await h.call("pid", {});
    t.equal(pid, event.pid, "the new worker answers");
    t.notOk(isAlive(first));
});
void t.test("a call made while the worker restarts waits and then succeeds", async (t) => {
    // A longer first backoff leaves a window in which the host is visibly restarting.
    const h = new ChildTenantHost({ tenant: "contoso", modulePath: WORKER, logger, restartInitialMs: 300 });
    t.teardown(() => h.destroy());
    await h.start();
    const restarted = nextRestart(h);
    await h.call("exit", { code: 4 });
    await until(() => h.state === "restarting", "the host to notice the exit");
    const during = h.call("pid", {});
    const event = await restarted;
    t.equal(event.exitCode, 4);
    t.equal((await during).pid, event.pid);
});
void t.test("repeated crashes keep being restarted", async (t) => {
    const h = host(t);
    await h.start();
    for (let i = 1; i <= 3; i++) {
        const restarted = nextRestart(h);
        process.kill(h.pid, "SIGKILL");
        t.equal((await restarted).restarts, i);
    }
    t.equal((await h.call("pid", {})).pid, h.pid);
});
void t.test("a call in flight when the worker dies fails instead of hanging", async (t) => {
    const h = host(t);
    await h.start();
    const restarted = nextRestart(h);
    const pid = h.pid;
    // `echo` answers at once, so kill first and call in the same turn: the request is written to a
    // channel whose process is going away.
    const calls = [h.call("exit", { code: 5 }), h.call("echo", {})];
    const outcomes = await Promise.allSettled(calls);
    await restarted;
    t.notOk(isAlive(pid));
    for (const o of outcomes)
        if (o.status === "rejected")
            t.ok(o.reason instanceof KonnektError, "rejections are KonnektErrors");
});
void t.test("worker notifications reach the supervisor", async (t) => {
    const h = host(t);
    const got = new Promise((resolve) => h.onNotification((m, p) => resolve([m, p])));
    await h.start();
    await h.call("notify", { method: "upload.failed", params: { tenant: "contoso", path: "/x", error: { code: "conflict" } } });
    t.same(await got, ["upload.failed", { tenant: "contoso", path: "/x", error: { code: "conflict" } }]);
});
void t.test("a worker that dies before it is ready fails start()", async (t) => {
    const h = host(t, ["crash-on-start"]);
    const err = await h.start().catch((e) => e);
    t.ok(err instanceof KonnektError);
    t.equal(h.state, "stopped");
});
void t.test("close() asks the worker to stop and waits for it; no restart follows", async (t) => {
    const h = host(t);
    await h.start();
    const pid = h.pid;
    let restarts = 0;
    h.onRestarted(() => restarts++);
    await h.close();
    t.equal(h.state, "stopped");
    t.notOk(isAlive(pid));
    await h.close();
    t.equal(restarts, 0);
    const err = await h.call("pid", {}).catch((e) => e);
    t.equal(err.code, "notSupported");
});
void t.test("Supervisor: one host per tenant, close() stops all", async (t) => {
    const events = [];
    const sup = new Supervisor(logger, (m, p) => events.push([m, p]));
    t.teardown(() => sup.destroy());
    const a = new ChildTenantHost({ tenant: "a", modulePath: WORKER, logger, restartInitialMs: 10 });
    const b = new ChildTenantHost({ tenant: "b", modulePath: WORKER, logger });
    await sup.add(a);
    await sup.add(b);
    const dup = await sup.add(new ChildTenantHost({ tenant: "a", modulePath: WORKER, logger })).catch((e) => e);
    t.equal(dup.code, "alreadyExists");
    t.same(sup.list().map((h) => h.tenant), ["a", "b"]);
    // Worker notifications and restarts reach the daemon's event sink.
    await a.call("notify", { method: "progress", params: { token: 1, kind: "upload", done: 1 } });
    const restarted = nextRestart(a);
    process.kill(a.pid, "SIGKILL");
    await restarted;
    t.same(events[0], ["progress", { token: 1, kind: "upload", done: 1 }]);
    t.equal(events[1]?.[0], "tenant.workerRestarted");
    t.match(events[1]?.[1], { tenant: "a", signal: "SIGKILL", restarts: 1 });
    const pids = [a.pid, b.pid];
    await sup.close();
    t.same(sup.list(), []);
    for (const p of pids)
        await until(() => !isAlive(p), `worker ${p} gone`);
    t.ok(existsSync(join(dir, "daemon.log")));
});
void t.test("a worker does not outlive its supervisor (kill -9 of the daemon)", async (t) => {
    const sup = spawn(process.execPath, [MINI_SUPERVISOR, join(dir, "mini.log")], { stdio: ["ignore", "pipe", "inherit"], env: { PATH: process.env.PATH } });
    const exited = new Promise((resolve) => sup.once("exit", () => resolve()));
    t.teardown(() => {
        sup.kill("SIGKILL");
    });
    const line = await new Promise((resolve) => createInterface({ input: sup.stdout }).once("line", resolve));
    const { workerPid } = JSON.parse(line);
    t.ok(isAlive(workerPid));
    t.teardown(() => {
        if (isAlive(workerPid))
            process.kill(workerPid, "SIGKILL");
    });
    sup.kill("SIGKILL");
    await exited;
    await until(() => !isAlive(workerPid), "the orphaned worker to exit");
    t.notOk(isAlive(workerPid));
});
//# sourceMappingURL=supervisor.test.js.map