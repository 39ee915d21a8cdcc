/**
 * Who is at the other end of a connected Unix socket, as the kernel recorded it at connect time
 * (getsockopt SO_PEERCRED in the native addon). The daemon uses it to refuse clients of another
 * user without trusting anything the client says about itself.
 *
 * The fd of a `net.Socket` accepted by a `net.Server` on a Unix path is `(socket as unknown as
 * { _handle?: { fd?: number } })._handle?.fd` — a Node internal, so callers check it is a number.
 */
import type { Socket } from "node:net";
import { KonnektError } from "../errors.js";
import { loadAddon, type PeerCredentials } from "./fuse.js";

export type { PeerCredentials } from "./fuse.js";

/**
 * Throws KonnektError `notSupported` when the addon is not built, `invalidArgument` when the fd is
 * not a connected Unix socket (the errno text is in the message).
 */
export function peerCredentials(fd: number): PeerCredentials {
  if (!Number.isInteger(fd) || fd < 0) {
    throw new KonnektError("invalidArgument", "peerCredentials needs a file descriptor (a non-negative integer).", { fd });
  }
  const addon = loadAddon();
  try {
    return addon.peerCredentials(fd);
  } catch (err) {
    throw new KonnektError("invalidArgument", err instanceof Error ? err.message : String(err), { fd }, { cause: err });
  }
}

/** The descriptor behind a connected `net.Socket`, or undefined when Node has none (closed, or not fd-backed). */
export function socketFd(socket: Socket): number | undefined {
  const handle = (socket as unknown as { _handle?: { fd?: unknown } })._handle;
  const fd = handle?.fd;
  return typeof fd === "number" && fd >= 0 ? fd : undefined;
}
