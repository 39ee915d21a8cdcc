/**
 * Typed face of the native FUSE3 shim (native/src). The addon knows nothing about items, inodes
 * or errors: it hands each kernel request to one dispatcher as a plain `FuseRequest` and takes the
 * answer through a `reply*` call naming the request id. Options are validated here, before they
 * reach libfuse, so a bad value is a clear KonnektError instead of a libfuse usage message.
 *
 * `KONNEKT_FUSE_ADDON` selects another build of the addon (the ASan build in tests).
 */
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { KonnektError } from "../errors.js";

interface Ctx {
  id: number;
  uid: number;
  gid: number;
  pid: number;
  /** The kernel interrupted the request before it reached JavaScript. */
  interrupted?: boolean;
}

export type FuseRequest =
  | { op: "init"; protoMajor: number; protoMinor: number; maxWrite: number; maxRead: number; maxReadahead: number; maxBackground: number; capable: number; want: number; readaheadKb: number; readaheadError?: string }
  | { op: "forget"; items: number[] }
  | { op: "interrupt"; target: number }
  | { op: "ended" }
  /** A replyFd with a token was written to the kernel (or dropped): its descriptor may go. */
  | { op: "replied"; token: number }
  | (Ctx & { op: "lookup" | "unlink" | "rmdir"; parent: number; name: string })
  | (Ctx & { op: "getattr"; ino: number; fh?: number })
  | (Ctx & SetattrFields & { op: "setattr"; ino: number; fh?: number })
  | (Ctx & { op: "mknod" | "mkdir"; parent: number; name: string; mode: number; umask: number })
  | (Ctx & { op: "create"; parent: number; name: string; mode: number; umask: number; flags: number })
  | (Ctx & { op: "symlink"; parent: number; name: string; target: string })
  | (Ctx & { op: "rename"; parent: number; name: string; newParent: number; newName: string; flags: number })
  | (Ctx & { op: "link"; ino: number; newParent: number; newName: string })
  | (Ctx & { op: "open" | "opendir"; ino: number; flags: number })
  | (Ctx & { op: "read"; ino: number; fh: number; offset: number; size: number })
  | (Ctx & { op: "write"; ino: number; fh: number; offset: number; flags: number; data: Buffer })
  | (Ctx & { op: "flush" | "releasedir"; ino: number; fh: number })
  | (Ctx & { op: "release"; ino: number; fh: number; flags: number })
  | (Ctx & { op: "fsync" | "fsyncdir"; ino: number; fh: number; datasync: boolean })
  | (Ctx & { op: "readdir"; ino: number; fh: number; offset: number; size: number; plus: boolean })
  | (Ctx & { op: "statfs"; ino: number })
  | (Ctx & { op: "setxattr"; ino: number; name: string; value: Buffer; flags: number })
  | (Ctx & { op: "getxattr"; ino: number; name: string; size: number })
  | (Ctx & { op: "listxattr"; ino: number; size: number })
  | (Ctx & { op: "removexattr"; ino: number; name: string })
  | (Ctx & { op: "access"; ino: number; mask: number });

export type RequestOp = Exclude<FuseRequest, { op: "init" | "forget" | "interrupt" | "ended" | "replied" }>;

export interface SetattrFields {
  mode?: number;
  setUid?: number;
  setGid?: number;
  size?: number;
  atimeMs?: number;
  atimeNow?: boolean;
  mtimeMs?: number;
  mtimeNow?: boolean;
  ctimeMs?: number;
}

/** struct stat as the addon reads it; times in milliseconds since the epoch. */
export interface FuseAttr {
  ino: number;
  mode: number;
  nlink: number;
  uid: number;
  gid: number;
  size: number;
  blocks?: number;
  blksize?: number;
  atimeMs: number;
  mtimeMs: number;
  ctimeMs: number;
}

export interface FuseEntry {
  /** 0 means "no inode": a negative entry cached for entryTimeout, or "." / ".." in readdirplus. */
  ino: number;
  generation: number;
  attr: FuseAttr;
  attrTimeout: number;
  entryTimeout: number;
}

export interface FuseDirEntry extends FuseEntry {
  name: string;
  /** The offset the kernel passes back to continue after this entry. */
  next: number;
}

export interface FuseOpenFlags {
  directIo?: boolean;
  keepCache?: boolean;
  nonSeekable?: boolean;
}

export interface FuseStatfs {
  bsize: number;
  frsize: number;
  blocks: number;
  bfree: number;
  bavail: number;
  files: number;
  ffree: number;
  namemax: number;
}

/** The addon's Session class. Every reply* returns false when the request is no longer pending. */
export interface NativeSession {
  mount(options: { mountpoint: string; args: string[]; threads: number; splice: boolean; readaheadKb: number; xattrPrefix: string }, dispatch: (req: FuseRequest) => void): void;
  unmount(): boolean;
  isMounted(): boolean;
  replyErr(id: number, errno: number): boolean;
  replyEntry(id: number, entry: FuseEntry): boolean;
  replyCreate(id: number, entry: FuseEntry, fh: number, flags: FuseOpenFlags): boolean;
  replyAttr(id: number, attr: FuseAttr, timeoutSeconds: number): boolean;
  replyOpen(id: number, fh: number, flags: FuseOpenFlags): boolean;
  replyBuf(id: number, data: Buffer): boolean;
  /**
   * Answers a read from a descriptor on a native reply worker (the JS thread does no I/O). The fd
   * must stay open and the bytes in place until a `replied` op with `token` arrives; token 0 asks
   * for no notice. False: the request was no longer pending (no notice will come).
   */
  replyFd(id: number, fd: number, offset: number, length: number, token: number): boolean;
  replyWrite(id: number, count: number): boolean;
  replyStatfs(id: number, st: FuseStatfs): boolean;
  replyXattrSize(id: number, size: number): boolean;
  /** Returns how many entries fitted in `size` bytes (-1: the request was no longer pending). */
  replyReaddir(id: number, size: number, plus: boolean, entries: FuseDirEntry[]): number;
  notifyInvalInode(ino: number, offset: number, length: number): boolean;
  notifyInvalEntry(parent: number, name: string): boolean;
  /**
   * From now on the loop threads answer reads of handle `fh` inside item bytes [start, end) from
   * `fd` at `fdOffset` themselves (the descriptor is duplicated; the bytes must stay in place until
   * clearDirect returned). False when not mounted.
   */
  setDirect(fh: number, fd: number, start: number, end: number, fdOffset: number, atEof: boolean): boolean;
  /** Reads of `fh` go to JavaScript again; when this returns no reply uses the range any more. */
  clearDirect(fh: number): boolean;
  /** Reads answered by setDirect ranges so far (tests and figures). */
  directReads(): number;
}

/** What getsockopt(SO_PEERCRED) reports for the other end of a connected Unix socket. */
export interface PeerCredentials {
  pid: number;
  uid: number;
  gid: number;
}

interface Addon {
  Session: new () => NativeSession;
  libfuseVersion: number;
  /** Throws an Error whose message carries the errno text (e.g. EBADF, ENOTSOCK). */
  peerCredentials(fd: number): PeerCredentials;
  /** glibc malloc_trim(0): hands freed heap memory back to the system; false elsewhere or when nothing went back. */
  trimMemory(): boolean;
}

export interface FuseMountOptions {
  /** Absolute path of an existing directory. */
  mountpoint: string;
  /** Shown in /proc/mounts as `konnekt` with type `fuse.<subtype>`. */
  subtype?: string;
  /** Let other users in (needs `user_allow_other` in /etc/fuse.conf unless root). */
  allowOther?: boolean;
  /** Mount read-only at the kernel level. */
  readOnly?: boolean;
  /** Loop threads reading /dev/fuse (1–16). */
  threads?: number;
  /** Splice replies from cache files into the kernel where it allows. */
  splice?: boolean;
  /**
   * Kernel read-ahead for this mount in KiB; 0 (the default) keeps the kernel's 128 KiB. From 1024
   * up the kernel sends 1 MiB reads and keeps more of them in flight. Set through the mount's bdi
   * after INIT, which only root may do; otherwise the init debug line says why it was not.
   */
  readaheadKb?: number;
  /**
   * getxattr of any other name is answered ENODATA by the addon without a round trip to
   * JavaScript (`ls -l` asks two such names per entry). Empty: every name reaches the dispatcher.
   */
  xattrPrefix?: string;
}

/** Default loop threads: handlers never block (they only queue), so a few suffice. */
const DEFAULT_THREADS = 2;
/**
 * 0: the kernel's 128 KiB. Raising it works (from 1 MiB up the kernel sends 1 MiB reads; at 4 MiB
 * up to 8 are in flight instead of 2 and JavaScript waits less for the kernel to ask), but on a
 * cold 1 GiB read through the tenant mount it gained nothing measurable (bench/mount-read.ts,
 * same-run medians: 0.55× vs 0.60× curl at 4 MiB vs 128 KiB, 0.62× vs 0.73× with descriptor
 * replies, mixed results under heavy load): concurrent 1 MiB requests arrive slightly out of order
 * and ItemReader's 256 KiB SEQUENTIAL_SLACK then takes them for random reads and stops its
 * read-ahead. Worth another try once that slack scales with the request size.
 */
const DEFAULT_READAHEAD_KB = 0;

let cached: Addon | undefined;

export function addonPath(): string {
  const override = process.env.KONNEKT_FUSE_ADDON;
  if (override) return override;
  return fileURLToPath(new URL("../../../native/build/Release/konnekt_fuse.node", import.meta.url));
}

export function loadAddon(): Addon {
  if (cached) return cached;
  const path = addonPath();
  if (!existsSync(path)) {
    throw new KonnektError("notSupported", "The FUSE addon is not built: run `npm run build` (needs libfuse3-dev).", { path });
  }
  const require = createRequire(import.meta.url);
  cached = require(path) as Addon;
  return cached;
}

/** The libfuse argv for fuse_session_new, built from validated options only. */
export function fuseArgs(opts: FuseMountOptions): string[] {
  const subtype = opts.subtype ?? "konnekt";
  if (!/^[A-Za-z0-9_.-]{1,32}$/.test(subtype)) {
    throw new KonnektError("invalidArgument", "subtype must be 1–32 letters, digits, '.', '_' or '-'.", { subtype });
  }
  // default_permissions: the kernel checks mode bits, so the adapter never reimplements access(2).
  // No max_read: libfuse 3.14 already negotiates 1 MiB requests (max_pages 256), and a max_read
  // here would also have to be repeated in init().
  const o = [`fsname=konnekt`, `subtype=${subtype}`, "default_permissions"];
  if (opts.allowOther) o.push("allow_other");
  if (opts.readOnly) o.push("ro");
  return ["-o", o.join(",")];
}

export function validateThreads(threads: number | undefined): number {
  const n = threads ?? DEFAULT_THREADS;
  if (!Number.isInteger(n) || n < 1 || n > 16) {
    throw new KonnektError("invalidArgument", "threads must be an integer from 1 to 16.", { threads });
  }
  return n;
}

export function validateReadahead(kb: number | undefined): number {
  const n = kb ?? DEFAULT_READAHEAD_KB;
  if (!Number.isInteger(n) || n < 0 || n > 65536) {
    throw new KonnektError("invalidArgument", "readaheadKb must be an integer from 0 to 65536.", { readaheadKb: kb });
  }
  return n;
}

/** Mounts and starts the loop threads; the dispatcher receives every request on the JS thread. */
export function openSession(opts: FuseMountOptions, dispatch: (req: FuseRequest) => void): NativeSession {
  const args = fuseArgs(opts);
  const threads = validateThreads(opts.threads);
  const readaheadKb = validateReadahead(opts.readaheadKb);
  const addon = loadAddon();
  const session = new addon.Session();
  try {
    session.mount({ mountpoint: opts.mountpoint, args, threads, splice: opts.splice ?? true, readaheadKb, xattrPrefix: opts.xattrPrefix ?? "" }, dispatch);
  } catch (err) {
    throw new KonnektError("internal", err instanceof Error ? err.message : String(err), { mountpoint: opts.mountpoint }, { cause: err });
  }
  return session;
}
