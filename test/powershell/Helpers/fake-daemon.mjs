// A scripted JSON-RPC peer for the transport tests (Unit/Transport.Tests.ps1): it produces what
// the real daemon cannot be made to produce on demand (notifications mid-request, split frames,
// a server-to-client request, silence, a dropped connection). Usage: node fake-daemon.mjs <socket>

import net from "node:net";

const socketPath = process.argv[2];
const received = [];

function frame(message, extraHeaders = "") {
  const body = Buffer.from(JSON.stringify(message), "utf8");
  return Buffer.concat([Buffer.from(`${extraHeaders}Content-Length: ${body.length}\r\n\r\n`, "ascii"), body]);
}

const pendingServerRequests = new Map();

function handle(conn, msg) {
  received.push(msg);
  const reply = (result) => conn.write(frame({ jsonrpc: "2.0", id: msg.id, result }));
  if (msg.method === undefined && msg.id !== undefined) {
    // The client's answer to our request.
    const original = pendingServerRequests.get(msg.id);
    if (original) original(msg);
    return;
  }
  switch (msg.method) {
    case "test.echo":
      return reply({ params: msg.params ?? null });
    case "test.split": {
      // Three bytes per write: headers and multi-byte UTF-8 characters cross write boundaries.
      const bytes = frame({ jsonrpc: "2.0", id: msg.id, result: { text: "Grüße 😀 Ωmega" } }, "Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n");
      let at = 0;
      const step = () => {
        if (at >= bytes.length) return;
        conn.write(bytes.subarray(at, at + 3));
        at += 3;
        setTimeout(step, 1);
      };
      return step();
    }
    case "test.notify":
      // Notifications and the answer in one write, so the client must split them itself.
      return conn.write(
        Buffer.concat([
          frame({ jsonrpc: "2.0", method: "progress", params: { token: "t1", kind: "upload", title: "Uploading", done: 1, total: 4 } }),
          frame({ jsonrpc: "2.0", method: "tenant.needsSignIn", params: { tenant: "contoso", reason: "connect", message: "To sign in, open https://microsoft.com/devicelogin and enter the code ABCD-1234.", deviceCode: { userCode: "ABCD-1234", verificationUri: "https://microsoft.com/devicelogin", expiresAt: "2026-01-01T00:00:00Z" } } }),
          frame({ jsonrpc: "2.0", method: "upload.failed", params: { tenant: "contoso", path: "contoso/s/l/a.txt", error: { code: "quotaExceeded", message: "The site is full." } } }),
          frame({ jsonrpc: "2.0", method: "item.conflict", params: { tenant: "contoso", path: "contoso/s/l/b.txt", conflictCopy: "contoso/s/l/b (conflict).txt" } }),
          frame({ jsonrpc: "2.0", method: "tenant.workerRestarted", params: { tenant: "contoso", exitCode: 1, signal: null, restarts: 1, pid: 7 } }),
          frame({ jsonrpc: "2.0", method: "progress", params: { token: "t1", kind: "upload", done: 4, total: 4, finished: true } }),
          frame({ jsonrpc: "2.0", id: 99999, result: { wrong: true } }),
          frame({ jsonrpc: "2.0", id: msg.id, result: { ok: true } }),
        ]),
      );
    case "test.serverRequest":
      pendingServerRequests.set("srv-1", (answer) => reply({ clientAnswered: answer.error ? answer.error.code : null }));
      return conn.write(frame({ jsonrpc: "2.0", id: "srv-1", method: "client.ask", params: {} }));
    case "test.error":
      return conn.write(frame({ jsonrpc: "2.0", id: msg.id, error: msg.params.error }));
    case "test.nullIdError":
      conn.write(frame({ jsonrpc: "2.0", id: null, error: { code: -32600, message: "Header block is larger than 8 KiB." } }));
      return conn.end();
    case "test.big":
      return reply({ text: "x".repeat(msg.params.size) });
    case "test.silent":
      return undefined;
    case "test.close":
      return conn.destroy();
    case "test.garbage":
      return conn.write(Buffer.from("Content-Type: text/plain\r\n\r\nhello", "ascii"));
    case "test.received":
      return reply({ messages: received.slice() });
    default:
      return undefined;
  }
}

const server = net.createServer((conn) => {
  let buf = Buffer.alloc(0);
  conn.on("error", () => undefined);
  conn.on("data", (d) => {
    buf = Buffer.concat([buf, d]);
    for (;;) {
      const end = buf.indexOf("\r\n\r\n");
      if (end < 0) return;
      const m = /Content-Length:\s*(\d+)/i.exec(buf.subarray(0, end).toString("ascii"));
      if (!m) return conn.destroy();
      const n = Number(m[1]);
      if (buf.length < end + 4 + n) return;
      const msg = JSON.parse(buf.subarray(end + 4, end + 4 + n).toString("utf8"));
      buf = buf.subarray(end + 4 + n);
      handle(conn, msg);
    }
  });
});
server.listen(socketPath, () => process.stdout.write("ready\n"));
process.stdin.on("end", () => process.exit(0));
process.stdin.resume();
