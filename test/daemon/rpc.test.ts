// The control endpoint through the real daemon process and its real socket: typed client calls,
// protocol errors, validation, cancellation, concurrency, framing limits and malformed input.
import { readFileSync } from "node:fs";
import t from "tap";
import { CancellationTokenSource, ResponseError } from "vscode-jsonrpc/node.js";
import { connect } from "../../daemon/client.js";
import { MAX_MESSAGE_BYTES } from "../../daemon/rpc/framing.js";
import { OPENRPC_DOCUMENT, PROTOCOL_VERSION } from "../../rpc-schema/generated/methods.js";
import { KonnektError } from "../../workers/errors.js";
import { RawClient, runCli, startDaemon, tempHome } from "./helpers.js";

const home = tempHome(t);
const daemon = await startDaemon(t, home);
const endpoint = daemon.ready.endpoint;
const pkgVersion = (JSON.parse(readFileSync(new URL("../../../package.json", import.meta.url), "utf8")) as { version: string }).version;

async function client(tt: { teardown(fn: () => unknown): void }) {
  const c = await connect(endpoint);
  tt.teardown(() => c.close());
  return c;
}

/** The raw JSON-RPC error of a request (bypassing the KonnektError translation). */
async function rawError(tt: { teardown(fn: () => unknown): void }, method: string, params: unknown): Promise<ResponseError<{ code?: string }>> {
  const c = await client(tt);
  try {
    await c.connection.sendRequest(method, params as object);
  } catch (err) {
    if (err instanceof ResponseError) return err as ResponseError<{ code?: string }>;
    throw err;
  }
  throw new Error(`${method} unexpectedly succeeded`);
}

void t.test("ready line names the endpoint, pid and version", (t) => {
  t.equal(daemon.ready.event, "ready");
  t.equal(daemon.ready.pid, daemon.child.pid);
  t.equal(daemon.ready.endpoint, `${home.runtimeDir}/konnekt/konnekt.sock`);
  t.equal(daemon.ready.version, pkgVersion);
  t.same(daemon.ready.tenants, []);
  t.end();
});

void t.test("daemon.version and daemon.status over the socket", async (t) => {
  const c = await client(t);
  const v = await c.request("daemon.version", {});
  t.same(v, { version: pkgVersion, node: process.version, platform: process.platform, arch: process.arch, protocol: PROTOCOL_VERSION });
  const s = await c.request("daemon.status", {});
  t.equal(s.pid, daemon.ready.pid);
  t.equal(s.endpoint, endpoint);
  t.same(s.tenants, []);
  t.same(s.configErrors, []);
  t.equal(s.configFile, home.configFile);
  t.equal(s.logFile, home.logFile);
  t.ok(s.uptimeSeconds >= 0);
  t.ok(Number.isFinite(Date.parse(s.startedAt)));
});

void t.test("unknown method → -32601", async (t) => {
  const err = await rawError(t, "no.suchMethod", {});
  t.equal(err.code, -32601);
  t.match(err.message, /Unknown method 'no\.suchMethod'/);
  // A notification name is not callable as a request.
  t.equal((await rawError(t, "tenant.needsSignIn", {})).code, -32601);
});

void t.test("invalid params → -32602 with the validator's message", async (t) => {
  const wrongType = await rawError(t, "config.get", { key: 42 });
  t.equal(wrongType.code, -32602);
  t.equal(wrongType.data?.code, "invalidArgument");
  t.match(wrongType.message, "invalid params for config.get: /key must be string");
  const missing = await rawError(t, "config.get", {});
  t.match(missing.message, "must have property 'key'");
  const extra = await rawError(t, "daemon.version", { verbose: true });
  t.match(extra.message, "unknown property 'verbose'");
  const positional = await rawError(t, "config.get", ["logLevel"]);
  t.equal(positional.code, -32602);
  t.match(positional.message, "by name");
  const range = await rawError(t, "log.tail", { lines: 0 });
  t.equal(range.code, -32602);
  t.match(range.message, "/lines must be >= 1");
});

void t.test("every method in the document refuses wrong-typed params through the socket", async (t) => {
  const c = await client(t);
  for (const m of OPENRPC_DOCUMENT.methods.filter((m) => m["x-konnekt-kind"] !== "notification")) {
    try {
      await c.connection.sendRequest(m.name, { "not-a-param": [1, 2, 3] });
      t.fail(`${m.name} accepted unknown params`);
    } catch (err) {
      t.equal((err as ResponseError<unknown>).code, -32602, m.name);
    }
  }
});

void t.test("tenant-scoped methods for an unknown tenant answer notFound with data.code", async (t) => {
  const err = await rawError(t, "tenant.status", { tenant: "nope" });
  t.equal(err.data?.code, "notFound");
  const c = await client(t);
  const e = await c.request("item.info", { path: "nope/Site/Documents/a.txt" }).catch((x: unknown) => x);
  t.ok(e instanceof KonnektError && e.code === "notFound", "typed client gets a KonnektError");
  t.same(await c.request("tenant.list", {}), { tenants: [] }, "no tenants yet");
});

void t.test("$/cancelRequest aborts the handler; the daemon keeps serving", async (t) => {
  const c = await client(t);
  const cts = new CancellationTokenSource();
  const pending = c.connection.sendRequest("daemon.echo", { value: "slow", delayMs: 60_000 }, cts.token);
  // The cancel notification follows the request on the same stream, so the server has the request.
  cts.cancel();
  const err = await pending.then(
    () => undefined,
    (e: unknown) => e,
  );
  t.ok(err instanceof ResponseError, "cancelled request fails");
  t.equal((err as ResponseError<{ code: string }>).code, -32800);
  t.equal((err as ResponseError<{ code: string }>).data?.code, "cancelled");
  t.same(await c.request("daemon.echo", { value: 7 }), { value: 7 });
  // Through the typed client: an AbortSignal.
  const ac = new AbortController();
  const typed = c.request("daemon.echo", { delayMs: 60_000 }, ac.signal);
  ac.abort();
  const e = await typed.catch((x: unknown) => x);
  t.ok(e instanceof KonnektError && e.code === "cancelled", "typed client gets cancelled");
});

void t.test("many clients at once: a slow request on one does not hold the others", async (t) => {
  const slow = await client(t);
  const cts = new CancellationTokenSource();
  const slowCall = slow.connection.sendRequest("daemon.echo", { delayMs: 60_000 }, cts.token).catch((e: unknown) => e);
  const clients = await Promise.all(Array.from({ length: 8 }, () => client(t)));
  const results = await Promise.all(clients.map((c, i) => c.request("daemon.echo", { value: i })));
  t.same(
    results.map((r) => r.value),
    [0, 1, 2, 3, 4, 5, 6, 7],
  );
  // And on one connection, requests run concurrently too.
  const one = clients[0]!;
  const both = await Promise.all([one.request("daemon.echo", { value: "a", delayMs: 50 }), one.request("daemon.version", {})]);
  t.equal(both[0].value, "a");
  cts.cancel();
  t.ok((await slowCall) instanceof ResponseError);
});

void t.test("a large message under the limit is served", async (t) => {
  const c = await client(t);
  const big = "x".repeat(2 * 1024 * 1024);
  const r = await c.request("daemon.echo", { value: big });
  t.equal((r.value as string).length, big.length);
});

void t.test("oversized message → one -32600 error, that connection closed, others unaffected", async (t) => {
  const other = await client(t);
  const raw = await RawClient.open(t, endpoint);
  raw.write(`Content-Length: ${MAX_MESSAGE_BYTES + 1}\r\n\r\n`);
  raw.write(Buffer.alloc(64 * 1024, 0x20));
  await raw.closed;
  const [answer] = raw.messages as { id: unknown; error: { code: number; message: string } }[];
  t.equal(answer?.id, null);
  t.equal(answer?.error.code, -32600);
  t.match(answer?.error.message, `exceeds the limit of ${MAX_MESSAGE_BYTES} bytes`);
  t.same(await other.request("daemon.echo", { value: 1 }), { value: 1 }, "other connection still served");
  const fresh = await client(t);
  t.equal((await fresh.request("daemon.version", {})).version, pkgVersion);
});

void t.test("broken framing closes only that connection", async (t) => {
  const cases: [string, string | Buffer][] = [
    ["header without colon", "Content-Length 12\r\n\r\n"],
    ["non-numeric length", "Content-Length: twelve\r\n\r\n"],
    ["no Content-Length", "Content-Type: application/json\r\n\r\n{}"],
    ["header block too long", Buffer.alloc(20_000, 0x41)],
    ["unsupported charset", "Content-Length: 2\r\nContent-Type: application/json; charset=utf-16\r\n\r\n{}"],
  ];
  for (const [name, bytes] of cases) {
    const raw = await RawClient.open(t, endpoint);
    raw.write(bytes);
    await raw.closed;
    const first = raw.messages[0] as { id: unknown; error?: { code: number } } | undefined;
    t.equal(first?.error?.code, -32600, name);
    t.equal(first?.id, null, name);
  }
  const c = await client(t);
  t.same(await c.request("daemon.echo", { value: "alive" }), { value: "alive" });
});

void t.test("10,000 malformed frames: each answered, the connection and daemon keep serving", async (t) => {
  const raw = await RawClient.open(t, endpoint);
  const N = 10_000;
  const kinds = ["{not json", "[1,2]", '{"jsonrpc":"1.0","id":1,"method":"daemon.version"}', '{"jsonrpc":"2.0","id":{},"method":"x"}', '"str"'];
  const frames: Buffer[] = [];
  for (let i = 0; i < N; i++) {
    const body = Buffer.from(kinds[i % kinds.length]!, "utf8");
    frames.push(Buffer.from(`Content-Length: ${body.length}\r\n\r\n`), body);
  }
  raw.write(Buffer.concat(frames));
  raw.send({ jsonrpc: "2.0", id: "after", method: "daemon.echo", params: { value: "still here" } });
  const answer = await raw.response("after");
  t.same(answer?.result, { value: "still here" });
  const errors = raw.messages.filter((m) => (m as { error?: unknown }).error !== undefined) as { error: { code: number } }[];
  t.equal(errors.length, N, "every malformed frame answered");
  t.equal(errors.filter((e) => e.error.code === -32700).length, N / kinds.length, "parse errors");
  t.equal(errors.filter((e) => e.error.code === -32600).length, N - N / kinds.length, "invalid requests");
  // Wrong-typed params in bulk, on the same connection.
  for (let i = 0; i < 1000; i++) raw.send({ jsonrpc: "2.0", id: `p${i}`, method: "config.get", params: { key: i } });
  const last = await raw.response("p999");
  t.equal((last?.error as { code: number } | undefined)?.code, -32602);
});

void t.test("log.tail returns the daemon's log lines", async (t) => {
  const c = await client(t);
  const tail = await c.request("log.tail", { lines: 5 });
  t.equal(tail.file, home.logFile);
  t.ok(tail.lines.length > 0 && tail.lines.length <= 5);
  const all = (await c.request("log.tail", {})).lines.map((l) => JSON.parse(l) as { msg?: string });
  t.ok(all.some((l) => l.msg === "daemon ready"), "ready line logged");
});

void t.test("konnekt rpc prints results as JSON and errors as one line", async (t) => {
  const ok = await runCli(home, ["rpc", "daemon.version"]);
  t.equal(ok.code, 0);
  t.equal((JSON.parse(ok.stdout) as { version: string }).version, pkgVersion);
  const withParams = await runCli(home, ["rpc", "daemon.echo", '{"value":{"a":[1]}}']);
  t.same(JSON.parse(withParams.stdout), { value: { a: [1] } });
  const bad = await runCli(home, ["rpc", "config.get", '{"key":"noSuchKey"}']);
  t.equal(bad.code, 1);
  t.equal(bad.stderr, "konnekt: Unknown configuration key 'noSuchKey'. (notFound)\n");
  const invalid = await runCli(home, ["rpc", "config.get", '{"key":1}']);
  t.equal(invalid.code, 1);
  t.match(invalid.stderr, /^konnekt: invalid params for config\.get: \/key must be string \(invalidArgument\)\n$/);
  const badJson = await runCli(home, ["rpc", "daemon.echo", "{oops"]);
  t.equal(badJson.code, 1);
  t.match(badJson.stderr, /^konnekt: params are not valid JSON: .* \(invalidArgument\)\n$/);
  for (const r of [bad, invalid, badJson]) t.notMatch(r.stderr, /\n\s+at /, "no stack trace");
});

void t.test("konnekt status summarises the daemon", async (t) => {
  const r = await runCli(home, ["status"]);
  t.equal(r.code, 0);
  t.match(r.stdout, `running (pid ${daemon.ready.pid})`);
  t.match(r.stdout, `endpoint: ${endpoint}`);
  t.match(r.stdout, "tenants:  none connected");
  const j = await runCli(home, ["status", "--json"]);
  t.equal((JSON.parse(j.stdout) as { pid: number }).pid, daemon.ready.pid);
});
