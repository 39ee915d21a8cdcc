// RpcServer with handlers of the test's own (on a real socket): unexpected errors are logged with
// their stack and answered -32603 without details, results are checked against the schema,
// worker notifications are filtered before broadcast, close() drains and destroy() is idempotent.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import t from "tap";
import { ResponseError } from "vscode-jsonrpc/node.js";
import { connect } from "../../daemon/client.js";
import { createLogger } from "../../daemon/log.js";
import { RpcServer } from "../../daemon/rpc/server.js";
import { KonnektError } from "../../workers/errors.js";
async function serve(tt, handlers) {
    const dir = mkdtempSync(join(tmpdir(), "kr-"));
    tt.teardown(() => rmSync(dir, { recursive: true, force: true }));
    const logFile = join(dir, "daemon.log");
    const { logger, destination } = createLogger({ file: logFile, level: "debug" });
    const server = new RpcServer({ endpoint: { path: join(dir, "s.sock"), privateDir: null, rule: "env" }, handlers, logger });
    await server.listen();
    tt.teardown(() => {
        server.destroy();
        destination.close();
    });
    const client = await connect(join(dir, "s.sock"));
    tt.teardown(() => client.close());
    return { server, client, logFile };
}
void t.test("an unexpected error: logged with its stack, answered -32603 without details", async (t) => {
    const { client, logFile } = await serve(t, {
        "daemon.version": () => Promise.reject(new TypeError("cannot read properties of undefined (reading 'secretInternalField')")),
    });
    const err = await client.connection.sendRequest("daemon.version", {}).catch((e) => e);
    t.ok(err instanceof ResponseError);
    const e = err;
    t.equal(e.code, -32603);
    t.same(e.data, { code: "internal" });
    t.notMatch(e.message, "secretInternalField");
    t.notMatch(JSON.stringify(e.data), "at ");
    const logged = readFileSync(logFile, "utf8").split("\n").filter((l) => l.includes("request failed unexpectedly"));
    t.equal(logged.length, 1);
    const line = JSON.parse(logged[0]);
    t.equal(line.method, "daemon.version");
    t.match(line.err.message, "secretInternalField");
    t.match(line.err.stack, /TypeError[^\n]*\n\s+at /, "stack in the log");
});
void t.test("a KonnektError keeps its code and data on the wire", async (t) => {
    const { client } = await serve(t, {
        "config.get": (p) => Promise.reject(new KonnektError("throttled", `slow down on ${p.key}`, { retryAfterSeconds: 7 })),
    });
    const err = await client.connection.sendRequest("config.get", { key: "k" }).catch((e) => e);
    t.equal(err.code, -32006);
    t.same(err.data, { code: "throttled", retryAfterSeconds: 7 });
    t.equal(err.message, "slow down on k");
});
void t.test("a result that does not match the schema is our bug: internal", async (t) => {
    const { client, logFile } = await serve(t, {
        "daemon.version": () => Promise.resolve({ version: 1 }),
    });
    const err = await client.request("daemon.version", {}).catch((e) => e);
    t.equal(err.code, "internal");
    t.match(readFileSync(logFile, "utf8"), "result of daemon.version does not match its schema");
});
void t.test("only declared notifications with valid params are broadcast", async (t) => {
    const { server, client } = await serve(t, { "daemon.echo": (p) => Promise.resolve({ value: p.value }) });
    const got = [];
    client.onNotification("upload.failed", (p) => got.push(p));
    client.connection.onNotification("made.up", (p) => got.push(["made.up", p]));
    server.broadcastUnchecked("made.up", {});
    server.broadcastUnchecked("upload.failed", { tenant: "BAD NAME", path: "/x", error: { code: "conflict" } });
    server.broadcastUnchecked("upload.failed", { tenant: "contoso", path: "/x", error: { code: "conflict" } });
    // A request after the notifications: its answer arrives after them on the same stream.
    await client.request("daemon.echo", { value: 1 });
    t.same(got, [{ tenant: "contoso", path: "/x", error: { code: "conflict" } }]);
});
void t.test("close() waits for running requests; destroy() and close() are idempotent", async (t) => {
    let release = () => undefined;
    const { server, client } = await serve(t, {
        "daemon.echo": () => new Promise((resolve) => {
            release = () => resolve({ value: "finished" });
        }),
        "daemon.version": () => Promise.resolve({ version: "v", node: "n", platform: "p", arch: "a", protocol: "1" }),
    });
    const running = client.request("daemon.echo", {});
    await client.request("daemon.version", {});
    let closed = false;
    const closing = server.close(30_000).then(() => (closed = true));
    t.equal(server.close(), server.close(), "one close promise");
    t.notOk(closed, "close waits for the running request");
    release();
    t.same(await running, { value: "finished" });
    await closing;
    t.ok(closed);
    server.destroy();
    server.destroy();
});
//# sourceMappingURL=server.test.js.map