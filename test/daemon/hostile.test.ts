// Issue 6 acceptance: 10,000 malformed or oversized frames and wrong-typed params, over many
// connections of the real daemon process → each gets its error, the daemon stays up, every
// connection that could keep going keeps being served, and memory does not balloon.
//
// Mix (10,000 frames in all):
//   - 2,000 stream-breaking frames, one connection each (the daemon answers once and hangs up):
//     garbage header lines, no Content-Length, non-numeric or oversized Content-Length (followed
//     by body bytes), an endless header block, an unsupported charset;
//   - 8,000 frames on 40 long-lived connections, interleaved: invalid JSON, JSON that is not
//     JSON-RPC, unknown methods, wrong-typed / missing / extra / positional params.
import { readFileSync } from "node:fs";
import t from "tap";
import { connect } from "../../daemon/client.js";
import { MAX_MESSAGE_BYTES } from "../../daemon/rpc/framing.js";
import { isAlive, RawClient, startDaemon, tempHome } from "./helpers.js";

const FATAL_CONNECTIONS = 2_000;
const FATAL_PARALLEL = 20;
const LONG_CONNECTIONS = 40;
const FRAMES_PER_LONG_CONNECTION = 200;

const home = tempHome(t);
const daemon = await startDaemon(t, home);
const endpoint = daemon.ready.endpoint;

function rssOf(pid: number): number {
  const m = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Number(m[1]) * 1024 : 0;
}

/** Frames that break the byte stream: the daemon answers -32600 with id null, then closes. */
const FATAL_FRAMES: [string, () => Buffer][] = [
  ["garbage header line", () => Buffer.from("GET / HTTP/1.1\r\nHost: x\r\n\r\n")],
  ["no Content-Length", () => Buffer.from('Content-Type: application/vscode-jsonrpc\r\n\r\n{"jsonrpc":"2.0","id":1,"method":"daemon.version"}')],
  ["non-numeric Content-Length", () => Buffer.from("Content-Length: -5\r\n\r\n{}")],
  ["oversized Content-Length", () => Buffer.concat([Buffer.from(`Content-Length: ${MAX_MESSAGE_BYTES + 1}\r\n\r\n`), Buffer.alloc(64 * 1024, 0x7b)])],
  ["absurd Content-Length", () => Buffer.from("Content-Length: 99999999999999999999\r\n\r\n{}")],
  ["endless header block", () => Buffer.alloc(16 * 1024, 0x61)],
  ["binary noise", () => Buffer.concat([Buffer.from(Array.from({ length: 512 }, (_, i) => (i * 37 + 11) % 256)), Buffer.from("\r\n\r\n")])],
  ["unsupported charset", () => Buffer.from("Content-Length: 2\r\nContent-Type: application/json; charset=latin1\r\n\r\n{}")],
];

/** Recoverable frames: [body, expected error code, answered with the request id?]. */
function recoverable(i: number, conn: number): { body: string; code: number; id: string | null } {
  const id = `c${conn}-${i}`;
  switch (i % 10) {
    case 0:
      return { body: `{"jsonrpc":"2.0","id":"${id}","method":`, code: -32700, id: null };
    case 1:
      return { body: JSON.stringify({ jsonrpc: "2.0", id, method: "config.get", params: { key: i } }), code: -32602, id };
    case 2:
      return { body: JSON.stringify({ jsonrpc: "2.0", id, method: `no.such.method${i}`, params: {} }), code: -32601, id };
    case 3:
      return { body: JSON.stringify({ jsonrpc: "1.0", id, method: "daemon.version" }), code: -32600, id };
    case 4:
      return { body: JSON.stringify({ jsonrpc: "2.0", id, method: "log.tail", params: { lines: "many" } }), code: -32602, id };
    case 5:
      return { body: JSON.stringify({ jsonrpc: "2.0", id, method: "daemon.echo", params: { delayMs: { soon: true } } }), code: -32602, id };
    case 6:
      return { body: JSON.stringify({ jsonrpc: "2.0", id, method: "config.set", params: ["logLevel", "debug"] }), code: -32602, id };
    case 7:
      return { body: JSON.stringify({ jsonrpc: "2.0", id, method: "daemon.version", params: { verbose: [1, 2, 3] } }), code: -32602, id };
    case 8:
      return { body: JSON.stringify({ jsonrpc: "2.0", id, method: "tenant.needsSignIn", params: {} }), code: -32601, id };
    default:
      return { body: "\u0000\u0001 not json at all \uffff", code: -32700, id: null };
  }
}

void t.test("10,000 malformed, oversized and wrong-typed frames on many connections", async (t) => {
  const before = rssOf(daemon.ready.pid);
  let fatalAnswered = 0;
  let fatalClosed = 0;
  const fatalUnexpected: string[] = [];
  let next = 0;
  const runFatal = async (): Promise<void> => {
    for (;;) {
      const n = next++;
      if (n >= FATAL_CONNECTIONS) return;
      const [name, bytes] = FATAL_FRAMES[n % FATAL_FRAMES.length]!;
      const raw = await RawClient.open(t, endpoint);
      raw.write(bytes());
      await raw.closed;
      fatalClosed++;
      const first = raw.messages[0] as { id?: unknown; error?: { code?: number } } | undefined;
      if (raw.messages.length === 1 && first?.id === null && first.error?.code === -32600) fatalAnswered++;
      else if (fatalUnexpected.length < 5) fatalUnexpected.push(`${name}: ${JSON.stringify(raw.messages)}`);
    }
  };

  const runLong = async (conn: number): Promise<{ wrong: string[]; parseErrors: number; expectedParseErrors: number; alive: boolean }> => {
    const raw = await RawClient.open(t, endpoint);
    const expected = new Map<string, number>();
    let expectedParseErrors = 0;
    const frames: Buffer[] = [];
    for (let i = 0; i < FRAMES_PER_LONG_CONNECTION; i++) {
      const f = recoverable(i + conn, conn);
      const body = Buffer.from(f.body, "utf8");
      frames.push(Buffer.from(`Content-Length: ${body.length}\r\n\r\n`), body);
      if (f.id === null) expectedParseErrors++;
      else expected.set(f.id, f.code);
    }
    // In a few writes of uneven size, so frames straddle chunk boundaries.
    const all = Buffer.concat(frames);
    for (let at = 0; at < all.length; at += 997 + conn) raw.write(all.subarray(at, Math.min(all.length, at + 997 + conn)));
    raw.send({ jsonrpc: "2.0", id: `alive-${conn}`, method: "daemon.echo", params: { value: conn } });
    const alive = (await raw.response(`alive-${conn}`))?.result;
    await raw.waitFor(FRAMES_PER_LONG_CONNECTION + 1);
    const wrong: string[] = [];
    let parseErrors = 0;
    for (const m of raw.messages as { id: string | null; error?: { code: number }; result?: unknown }[]) {
      if (m.id === `alive-${conn}`) continue;
      if (m.id === null) {
        if (m.error?.code === -32700) parseErrors++;
        else wrong.push(JSON.stringify(m));
        continue;
      }
      if (m.error?.code !== expected.get(m.id)) wrong.push(JSON.stringify(m));
      expected.delete(m.id);
    }
    for (const id of expected.keys()) wrong.push(`no answer for ${id}`);
    raw.socket.end();
    return { wrong: wrong.slice(0, 5), parseErrors, expectedParseErrors, alive: (alive as { value?: unknown } | undefined)?.value === conn };
  };

  const [longResults] = await Promise.all([
    Promise.all(Array.from({ length: LONG_CONNECTIONS }, (_, c) => runLong(c))),
    Promise.all(Array.from({ length: FATAL_PARALLEL }, () => runFatal())),
  ]);

  const total = FATAL_CONNECTIONS + LONG_CONNECTIONS * FRAMES_PER_LONG_CONNECTION;
  t.equal(total, 10_000, "10,000 bad frames sent");
  t.equal(fatalClosed, FATAL_CONNECTIONS, "every stream-breaking connection was closed by the daemon");
  t.equal(fatalAnswered, FATAL_CONNECTIONS, "each got exactly one -32600 with id null first");
  t.same(fatalUnexpected, [], "no unexpected answers to stream-breaking frames");
  t.same(longResults.flatMap((r) => r.wrong), [], "every recoverable frame got its error code, matched by id");
  t.same(
    longResults.map((r) => r.parseErrors),
    longResults.map((r) => r.expectedParseErrors),
    "every invalid JSON body got a -32700",
  );
  t.ok(longResults.every((r) => r.alive), "each long connection kept serving valid requests after its bad frames");

  // The daemon is the same process and serves a normal client.
  t.ok(isAlive(daemon.ready.pid), "the daemon is still running");
  const c = await connect(endpoint);
  t.teardown(() => c.close());
  const status = await c.request("daemon.status", {});
  t.equal(status.pid, daemon.ready.pid);
  t.same(await c.request("daemon.echo", { value: "after the storm" }), { value: "after the storm" });

  const after = rssOf(daemon.ready.pid);
  const mib = (b: number): string => (b / 1024 / 1024).toFixed(1);
  t.comment(`daemon RSS before ${mib(before)} MiB, after ${mib(after)} MiB (daemon.status rssBytes ${mib(status.rssBytes ?? 0)} MiB)`);
  // Generous: only unbounded buffering (e.g. of the oversized bodies) would come near this.
  t.ok(after - before < 256 * 1024 * 1024, `RSS grew by less than 256 MiB (grew ${mib(after - before)} MiB)`);

  // One warning per misbehaving connection at most, never one per frame.
  const warnings = readFileSync(home.logFile, "utf8")
    .split("\n")
    .filter((l) => l.includes("protocol error from client") && l.includes('"level":40')).length;
  t.ok(warnings <= FATAL_CONNECTIONS + LONG_CONNECTIONS, `at most one warning per connection (${warnings})`);
});
