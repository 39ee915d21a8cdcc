/**
 * Who is at the other end of an accepted control connection, and may they talk to us?
 *
 * The endpoint's file modes (socket 0600 in a 0700 directory) already keep other users out, but a
 * mode can be widened by mistake (an administrator's chmod, a wrong umask in a wrapper script, a
 * `KONNEKT_ENDPOINT` in a shared directory). The daemon therefore also asks the kernel who
 * connected, on every accepted connection, before reading a byte: a peer of another user is
 * refused whatever the modes say.
 *
 * `PeerVerifier` is the one interface the server uses; each platform implements it:
 *   - Linux: `UidPeerVerifier` — SO_PEERCRED (getsockopt on the accepted fd, through the native
 *     addon's `peerCredentials`), compared with the daemon's own uid. Tested with a real client
 *     running as another uid (test/daemon/peer.test.ts).
 *   - Windows: `SidPeerVerifier` — the client's user SID (GetNamedPipeClientProcessId → process
 *     token → user SID, a native call not written yet), compared with the daemon's SID. Only the
 *     comparison is compile-checked and unit-tested here; it is exercised on Windows only, and on
 *     Windows `platformPeerVerifier()` fails closed until the native call exists.
 * Anything that cannot be determined (no fd, the kernel call fails) refuses the connection.
 */
import { execFileSync } from "node:child_process";
import type { Socket } from "node:net";
import { peerCredentials, socketFd } from "../../workers/mount/peer-credentials.js";

/** What the operating system says about a connected peer; nothing here comes from the client. */
export interface PeerIdentity {
  pid?: number;
  uid?: number;
  gid?: number;
  /** Windows: the user SID of the client process. */
  sid?: string;
}

export type PeerVerdict = { allowed: true; peer: PeerIdentity } | { allowed: false; peer: PeerIdentity; reason: string };

export interface PeerVerifier {
  /** For the log line at start: what is checked. */
  readonly description: string;
  /** Decides on an accepted connection before anything is read from it. Never throws. */
  verify(socket: Socket): PeerVerdict;
}

/** SO_PEERCRED of a connected Unix socket fd (native addon). */
export type PeerCredentialsFn = (fd: number) => { pid: number; uid: number; gid: number };

/** Linux (and other Unix with SO_PEERCRED): the peer's uid must be ours. */
export class UidPeerVerifier implements PeerVerifier {
  readonly description: string;

  constructor(
    private readonly peerCredentials: PeerCredentialsFn,
    private readonly uid: number,
  ) {
    this.description = `SO_PEERCRED uid must be ${uid}`;
  }

  verify(socket: Socket): PeerVerdict {
    const fd = socketFd(socket);
    if (fd === undefined) return { allowed: false, peer: {}, reason: "the connection has no file descriptor to ask the kernel about" };
    let peer: PeerIdentity;
    try {
      const c = this.peerCredentials(fd);
      peer = { pid: c.pid, uid: c.uid, gid: c.gid };
    } catch (err) {
      return { allowed: false, peer: {}, reason: `SO_PEERCRED failed: ${err instanceof Error ? err.message : String(err)}` };
    }
    if (peer.uid !== this.uid) return { allowed: false, peer, reason: `peer uid ${String(peer.uid)} is not the daemon's uid ${this.uid}` };
    return { allowed: true, peer };
  }
}

/** The SID of the client at the other end of a named pipe instance (native; Windows only). */
export type PipeClientSidFn = (socket: Socket) => string;

/**
 * Windows: the pipe client's user SID must be the daemon's. Exercised on Windows only (there is no
 * Windows machine here); the comparison itself is unit-tested with an injected SID source. SIDs
 * compare case-insensitively (`S-1-5-21-…` is canonical upper case, but be lenient on input).
 */
export class SidPeerVerifier implements PeerVerifier {
  readonly description: string;

  constructor(
    private readonly clientSid: PipeClientSidFn,
    private readonly sid: string,
  ) {
    this.description = `pipe client SID must be ${sid}`;
  }

  verify(socket: Socket): PeerVerdict {
    let sid: string;
    try {
      sid = this.clientSid(socket);
    } catch (err) {
      return { allowed: false, peer: {}, reason: `cannot determine the pipe client's SID: ${err instanceof Error ? err.message : String(err)}` };
    }
    const peer: PeerIdentity = { sid };
    if (sid.toUpperCase() !== this.sid.toUpperCase()) return { allowed: false, peer, reason: `pipe client SID ${sid} is not the daemon's SID ${this.sid}` };
    return { allowed: true, peer };
  }
}

/** Refuses everything: the platform has no way (yet) to tell who connected. Fails closed. */
export class RefuseAllPeerVerifier implements PeerVerifier {
  constructor(readonly description: string) {}

  verify(): PeerVerdict {
    return { allowed: false, peer: {}, reason: this.description };
  }
}

/** The native calls a platform verifier may use; absent members mean "not available in this build". */
export interface PeerNative {
  peerCredentials?: PeerCredentialsFn;
  pipeClientSid?: PipeClientSidFn;
}

/**
 * The native calls this build has. SO_PEERCRED is in the FUSE addon (native/src/addon.cc,
 * workers/mount/peer-credentials.ts): without the addon each call throws and the verifier refuses.
 * Windows has no pipe-client call yet (see the module comment).
 */
export function loadPeerNative(platform: NodeJS.Platform = process.platform): PeerNative {
  return platform === "win32" ? {} : { peerCredentials };
}

/**
 * The verifier for this process: its own uid (Unix) or SID (Windows), and the native call. A Unix
 * build without `peerCredentials` or a Windows build without `pipeClientSid` refuses every
 * connection rather than serving unchecked.
 */
export function platformPeerVerifier(native: PeerNative, platform: NodeJS.Platform = process.platform): PeerVerifier {
  if (platform === "win32") {
    if (!native.pipeClientSid) return new RefuseAllPeerVerifier("this build cannot identify named pipe clients (native pipeClientSid missing)");
    return new SidPeerVerifier(native.pipeClientSid, currentUserSid());
  }
  const uid = process.getuid?.();
  if (uid === undefined) return new RefuseAllPeerVerifier("this platform has no uid to compare with");
  if (!native.peerCredentials) return new RefuseAllPeerVerifier("this build cannot read SO_PEERCRED (native peerCredentials missing)");
  return new UidPeerVerifier(native.peerCredentials, uid);
}

let cachedSid: string | undefined;

/**
 * Windows: the current user's SID, for the pipe name (`\\.\pipe\konnekt-<SID>`) and the verifier.
 * `whoami /user /fo csv /nh` prints `"DOMAIN\user","S-1-5-21-…"`; it is part of every Windows since
 * XP and needs no native code. Run once per process. Exercised on Windows only.
 */
export function currentUserSid(): string {
  if (cachedSid !== undefined) return cachedSid;
  const out = execFileSync("whoami", ["/user", "/fo", "csv", "/nh"], { encoding: "utf8", windowsHide: true, timeout: 10_000 });
  const sid = parseWhoamiSid(out);
  if (sid === undefined) throw new Error("could not read the user's SID from whoami");
  cachedSid = sid;
  return sid;
}

/** The SID from `whoami /user /fo csv /nh` output; undefined when there is none. */
export function parseWhoamiSid(output: string): string | undefined {
  const m = /"(S-1-[0-9]+(?:-[0-9]+)+)"/i.exec(output);
  return m?.[1]?.toUpperCase();
}
