// The peer check on the control endpoint (daemon/rpc/peer.ts): a real client running as another
// uid is refused by SO_PEERCRED even when the socket's mode would let it in; the owner is served.
// The Windows SID comparison is unit-tested with an injected SID source (it runs on Windows only).
import { spawn } from "node:child_process";
import { chmodSync, readFileSync } from "node:fs";
import type { Socket } from "node:net";
import { join } from "node:path";
import t from "tap";
import { connect } from "../../daemon/client.js";
import { resolveEndpoint } from "../../daemon/rpc/endpoint.js";
import { loadPeerNative, parseWhoamiSid, platformPeerVerifier, SidPeerVerifier, UidPeerVerifier } from "../../daemon/rpc/peer.js";
import { KonnektError } from "../../workers/errors.js";
import { openUp, RawClient, startDaemon, tempHome, until } from "./helpers.js";

const uid = process.getuid!();
const OTHER_UID = 65534;

/** Runs a client as `OTHER_UID` that connects, sends one request and reports what happened. */
function probeAsOtherUser(path: string): Promise<string[]> {
  const script = `
const s = require("net").createConnection(${JSON.stringify(path)});
let got = 0;
s.on("connect", () => {
  console.log("CONNECTED");
  const body = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "daemon.version", params: {} });
  s.write("Content-Length: " + Buffer.byteLength(body) + "\\r\\n\\r\\n" + body, () => undefined);
});
s.on("data", (d) => { got += d.length; });
s.on("error", (e) => console.log("ERROR " + e.code));
s.on("close", () => { console.log("CLOSED " + got); process.exit(0); });
setTimeout(() => { console.log("STILL OPEN " + got); process.exit(0); }, 30000).unref();
`;
  return new Promise((resolve) => {
    // stderr is dropped: the test runner's process hooks cannot write their report as another user.
    const p = spawn(process.execPath, ["-e", script], { uid: OTHER_UID, gid: OTHER_UID, env: { PATH: process.env.PATH }, stdio: ["ignore", "pipe", "ignore"] });
    let out = "";
    p.stdout.setEncoding("utf8").on("data", (x: string) => (out += x));
    p.once("close", () => resolve(out.trim().split("\n").filter((l) => l !== "")));
  });
}

void t.test("another uid is refused by the peer check even through a 0666 socket", { skip: uid !== 0 ? "needs root to act as another user" : false }, async (t) => {
  if (!loadPeerNative().peerCredentials) {
    t.fail("the native addon has no peerCredentials (rebuild native/)");
    return;
  }
  const home = tempHome(t, { runtime: false });
  openUp(home);
  const d = await startDaemon(t, home);
  // Widen the socket on purpose: only the uid check stands between the other user and the daemon.
  chmodSync(d.ready.endpoint, 0o666);
  const lines = await probeAsOtherUser(d.ready.endpoint);
  t.equal(lines[0], "CONNECTED", "the kernel let the other uid connect (mode 0666)");
  t.match(lines.at(-1), /^CLOSED 0$/, "closed by the daemon without a single byte of answer");
  t.notOk(lines.some((l) => l.startsWith("STILL OPEN")));

  // The owner is still served, on a fresh connection.
  const raw = await RawClient.open(t, d.ready.endpoint);
  raw.send({ jsonrpc: "2.0", id: "mine", method: "daemon.echo", params: { value: "owner" } });
  t.same((await raw.response("mine"))?.result, { value: "owner" });
  const c = await connect(d.ready.endpoint);
  t.teardown(() => c.close());
  t.equal((await c.request("daemon.status", {})).pid, d.ready.pid);

  // One log line, with what the kernel said about the peer and nothing the client sent.
  let refused: { peer: { uid: number; pid: number }; reason: string; level: number }[] = [];
  await until(() => {
    refused = readFileSync(home.logFile, "utf8")
      .split("\n")
      .filter((l) => l.includes("refused a control connection"))
      .map((l) => JSON.parse(l) as (typeof refused)[number]);
    return refused.length > 0;
  }, "the refusal in the log");
  t.equal(refused.length, 1);
  t.equal(refused[0]!.peer.uid, OTHER_UID);
  t.ok(refused[0]!.peer.pid > 0, "the peer's pid is logged");
  t.match(refused[0]!.reason, `peer uid ${OTHER_UID} is not the daemon's uid ${uid}`);
  t.notMatch(readFileSync(home.logFile, "utf8"), "daemon.version", "nothing the refused client sent reaches the log");
  const started = readFileSync(home.logFile, "utf8").split("\n").find((l) => l.includes("control endpoint listening"));
  t.match(started, `SO_PEERCRED uid must be ${uid}`);
});

void t.test("the same check through a KONNEKT_ENDPOINT in a world-writable directory", { skip: uid !== 0 ? "needs root to act as another user" : false }, async (t) => {
  const home = tempHome(t);
  openUp(home);
  const path = join(home.env.TMPDIR!, "shared.sock");
  const d = await startDaemon(t, home, { KONNEKT_ENDPOINT: path });
  chmodSync(path, 0o777);
  const lines = await probeAsOtherUser(path);
  t.equal(lines[0], "CONNECTED");
  t.match(lines.at(-1), /^CLOSED 0$/);
  const raw = await RawClient.open(t, d.ready.endpoint);
  raw.send({ jsonrpc: "2.0", id: 1, method: "daemon.version", params: {} });
  t.ok((await raw.response(1))?.result, "the owner is served");
});

/** A socket stand-in: the verifiers only pass it through (Linux) or hand it to the SID source. */
const FAKE_SOCKET = {} as Socket;

void t.test("UidPeerVerifier: fails closed without an fd or when the kernel call fails", (t) => {
  const v = new UidPeerVerifier(() => ({ pid: 1, uid, gid: 0 }), uid);
  const noFd = v.verify(FAKE_SOCKET);
  t.equal(noFd.allowed, false);
  const failing = new UidPeerVerifier(() => {
    throw new Error("ENOTSOCK");
  }, uid);
  const withFd = { _handle: { fd: 0 } } as unknown as Socket;
  const r = failing.verify(withFd);
  t.equal(r.allowed, false);
  if (!r.allowed) t.match(r.reason, "SO_PEERCRED failed");
  t.equal(v.verify(withFd).allowed, true, "same uid with an fd is allowed");
  t.equal(new UidPeerVerifier(() => ({ pid: 1, uid: uid + 1, gid: 0 }), uid).verify(withFd).allowed, false);
  t.end();
});

void t.test("Windows SID check (logic only; exercised on Windows only)", (t) => {
  const sid = "S-1-5-21-1004336348-1177238915-682003330-1001";
  t.equal(new SidPeerVerifier(() => sid.toLowerCase(), sid).verify(FAKE_SOCKET).allowed, true, "SIDs compare case-insensitively");
  const other = new SidPeerVerifier(() => "S-1-5-21-1004336348-1177238915-682003330-1002", sid).verify(FAKE_SOCKET);
  t.equal(other.allowed, false);
  const broken = new SidPeerVerifier(() => {
    throw new Error("GetNamedPipeClientProcessId failed");
  }, sid).verify(FAKE_SOCKET);
  t.equal(broken.allowed, false, "an unidentifiable client is refused");
  t.equal(platformPeerVerifier({}, "win32").verify(FAKE_SOCKET).allowed, false, "no native pipe call → fails closed");
  t.equal(platformPeerVerifier({}, "linux").verify(FAKE_SOCKET).allowed, false, "no native SO_PEERCRED → fails closed");
  t.equal(parseWhoamiSid(`"contoso\\adele","${sid}"\r\n`), sid);
  t.equal(parseWhoamiSid("garbage"), undefined);
  t.end();
});

void t.test("Windows pipe name carries the SID; without one the endpoint is refused", (t) => {
  const sid = "S-1-5-21-1-2-3-1001";
  t.equal(resolveEndpoint({ env: {}, platform: "win32", uid: 0, sid: sid.toLowerCase() }).path, `\\\\.\\pipe\\konnekt-${sid}`);
  for (const bad of [undefined, "", "adele", "S-1-x"]) {
    try {
      resolveEndpoint({ env: {}, platform: "win32", uid: 0, ...(bad === undefined ? {} : { sid: bad }) });
      t.fail(`accepted SID ${String(bad)}`);
    } catch (err) {
      t.ok(err instanceof KonnektError && err.code === "configInvalid", `SID ${String(bad)} refused`);
    }
  }
  t.end();
});
