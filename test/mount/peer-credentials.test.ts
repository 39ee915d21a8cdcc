/**
 * peerCredentials over a real Unix socket: a server on a temp path, a client connected from this
 * process, the server-side socket's fd asked for SO_PEERCRED.
 */
import { mkdtempSync, rmSync, openSync, closeSync } from "node:fs";
import { createServer, connect, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import t from "tap";
import { KonnektError } from "../../workers/errors.js";
import { peerCredentials, socketFd } from "../../workers/mount/peer-credentials.js";

void t.test("the server side of a Unix socket sees this process as its peer", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "konnekt-peercred-"));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, "s.sock");
  const accepted = new Promise<Socket>((resolve) => {
    const server = createServer(resolve);
    t.teardown(() => new Promise<void>((done) => server.close(() => done())));
    server.listen(path);
  });
  const client = await new Promise<Socket>((resolve, reject) => {
    const c = connect(path, () => resolve(c));
    c.once("error", reject);
  });
  t.teardown(() => client.destroy());
  const serverSide = await accepted;
  t.teardown(() => serverSide.destroy());

  const fd = socketFd(serverSide);
  if (fd === undefined) throw new Error("the accepted socket has no fd");
  const cred = peerCredentials(fd);
  t.equal(cred.pid, process.pid);
  t.equal(cred.uid, process.getuid?.());
  t.equal(cred.gid, process.getgid?.());

  const clientFd = socketFd(client);
  if (clientFd === undefined) throw new Error("the client socket has no fd");
  t.equal(peerCredentials(clientFd).pid, process.pid, "both ends are this process");
});

void t.test("an fd that is not a socket is an error carrying the errno text", (t) => {
  const dir = mkdtempSync(join(tmpdir(), "konnekt-peercred-"));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const fd = openSync(join(dir, "plain"), "w");
  t.teardown(() => closeSync(fd));
  const notSocket = caught(() => peerCredentials(fd));
  t.ok(notSocket instanceof KonnektError && notSocket.code === "invalidArgument", "invalidArgument");
  t.match(notSocket instanceof Error ? notSocket.message : "", /socket/i, "the message names the errno (ENOTSOCK)");
  const negative = caught(() => peerCredentials(-1));
  t.ok(negative instanceof KonnektError && negative.code === "invalidArgument", "a negative fd is refused before the addon");
  t.end();
});

function caught(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  return undefined;
}
