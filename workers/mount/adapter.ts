/**
 * The dispatcher: one small handler per FUSE operation, turning kernel requests into calls on the
 * core's MountFileSystem and the results into replies.
 *
 * Concurrency: everything here runs on the JS thread; the native loop threads only queue requests.
 * Handlers are async and overlap freely; the state they share (inode table, handle tables, the
 * in-flight map) is touched only between awaits, so it needs no locks. A reply is sent exactly once:
 * the native side drops a second reply (returns false), which is how late results of interrupted
 * requests are discarded.
 *
 * Cancellation: each request owns an AbortController; a kernel interrupt aborts it. Requests that
 * change nothing are answered EINTR at once; the others wait for the core to stop.
 */
import { constants as fsConstants } from "node:fs";
import { KonnektError } from "../errors.js";
import { ERRNO, errnoOf, type ErrnoLogger } from "./errno.js";
import type { FuseAttr, FuseDirEntry, FuseEntry, FuseRequest, NativeSession, RequestOp } from "./fuse.js";
import { GENERATION, InodeTable, ROOT_INO } from "./inodes.js";
import type { DirEntry, ItemAttributes, ItemKey, MountFileSystem, OpenIntent, DirectRange } from "./types.js";

const S_IFDIR = 0o040000;
const S_IFREG = 0o100000;
const S_IFMT = 0o170000;
const O_ACCMODE = 0o3;
const { O_WRONLY, O_RDWR, O_TRUNC, O_APPEND, O_EXCL } = fsConstants;
const RENAME_NOREPLACE = 1;
/** Longest name in bytes; statfs reports the same. SharePoint's own limits are the core's to check. */
const NAME_MAX = 255;
/**
 * Smallest packed directory entry in bytes (fuse_dirent 24 + a name padded to 8; readdirplus adds a
 * 128-byte fuse_entry_out): a readdir of `size` bytes never holds more than size / this entries, so
 * no more are built (a 4 KiB readdirplus holds at most 25, a 10,000-item `ls -l` makes ~400 calls).
 */
const MIN_DIRENT_BYTES = 32;
const MIN_DIRENTPLUS_BYTES = 160;
/** The only xattr names served; the addon answers getxattr of any other name itself (ENODATA). */
export const XATTR_PREFIX = "user.konnekt.";

/** Operations that change nothing: an interrupt answers them EINTR without waiting for the core. */
const ANSWER_AT_ONCE = new Set<string>(["lookup", "getattr", "read", "readdir", "statfs", "getxattr", "listxattr", "access", "opendir"]);
/** Operations that carry a user's intent, checked against the mount owner without allow_other. */
const OWNER_ONLY = new Set<string>(["lookup", "mknod", "mkdir", "create", "unlink", "rmdir", "rename", "link", "symlink", "open", "opendir", "setattr", "access", "setxattr", "removexattr"]);

export interface AdapterOptions {
  ownerUid: number;
  ownerGid: number;
  allowOther: boolean;
  /** Seconds the kernel may trust attributes and names. */
  attrTimeout: number;
  entryTimeout: number;
}

export interface MountLogger extends ErrnoLogger {
  warn(obj: Record<string, unknown>, msg: string): void;
  debug(obj: Record<string, unknown>, msg: string): void;
}

interface OpenFile<H> {
  key: ItemKey;
  handle: H;
}

interface OpenDir {
  key: ItemKey;
  entries: readonly DirEntry[] | undefined;
}

interface InFlight {
  op: string;
  controller: AbortController;
}

export class MountAdapter<H> {
  readonly inodes: InodeTable;
  // Handle numbers are ours; never reused within a mount.
  private readonly files = new Map<number, OpenFile<H>>();
  private readonly dirs = new Map<number, OpenDir>();
  private nextFh = 1;
  private readonly inflight = new Map<number, InFlight>();
  private idleWaiters: (() => void)[] = [];
  /** Fd replies still being written by a native reply worker: their release waits for `replied`. */
  private readonly fdReplies = new Map<number, () => void>();
  /** Direct ranges the session serves per file handle (see DirectRange). */
  private readonly directs = new Map<number, DirectRange>();
  private nextFdToken = 1;
  private session: NativeSession | undefined;

  constructor(
    private readonly fs: MountFileSystem<H>,
    private readonly opts: AdapterOptions,
    private readonly log: MountLogger,
    private readonly onEnded: () => void,
  ) {
    this.inodes = new InodeTable(fs.rootKey);
  }

  attach(session: NativeSession): void {
    this.session = session;
  }

  get pending(): number {
    return this.inflight.size;
  }

  /** Resolves when no request is in flight. */
  idle(): Promise<void> {
    if (this.inflight.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** After unmount: aborts what is still running and releases every handle the kernel held. */
  async shutdown(): Promise<void> {
    for (const f of this.inflight.values()) f.controller.abort();
    // The session is stopped: its reply workers are joined, so no descriptor is in use any more.
    const releases = [...this.fdReplies.values(), ...[...this.directs.values()].map((d) => () => d.release())];
    this.fdReplies.clear();
    this.directs.clear();
    for (const release of releases) this.releaseRange(release);
    const files = [...this.files.values()];
    this.files.clear();
    this.dirs.clear();
    for (const f of files) {
      try {
        await this.fs.release(f.handle);
      } catch (err) {
        this.log.warn({ key: f.key, err: errText(err) }, "mount: release at unmount failed");
      }
    }
  }

  keyOf(ino: number): ItemKey | undefined {
    return this.inodes.keyOf(ino);
  }

  readonly dispatch = (req: FuseRequest): void => {
    switch (req.op) {
      case "init":
        this.log.debug(
          { proto: `${req.protoMajor}.${req.protoMinor}`, maxWrite: req.maxWrite, maxRead: req.maxRead, maxReadahead: req.maxReadahead, maxBackground: req.maxBackground, capable: req.capable, want: req.want, readaheadKb: req.readaheadKb, readaheadError: req.readaheadError },
          "mount: kernel connected",
        );
        return;
      case "forget":
        for (let i = 0; i + 1 < req.items.length; i += 2) this.inodes.forget(req.items[i] ?? 0, req.items[i + 1] ?? 0);
        return;
      case "interrupt":
        this.interrupt(req.target);
        return;
      case "ended":
        this.onEnded();
        return;
      case "replied": {
        const release = this.fdReplies.get(req.token);
        this.fdReplies.delete(req.token);
        if (release) this.releaseRange(release);
        return;
      }
      default:
        this.start(req);
    }
  };

  private start(req: RequestOp): void {
    const controller = new AbortController();
    if (req.interrupted) controller.abort();
    this.inflight.set(req.id, { op: req.op, controller });
    if (!this.opts.allowOther && OWNER_ONLY.has(req.op) && req.pid !== 0 && req.uid !== this.opts.ownerUid) {
      this.log.warn({ op: req.op, uid: req.uid, pid: req.pid }, "mount: refused a user other than the owner");
      this.finish(req.id, ERRNO.notOwner);
      return;
    }
    if (controller.signal.aborted && ANSWER_AT_ONCE.has(req.op)) {
      this.finish(req.id, ERRNO.interrupted);
      return;
    }
    this.handle(req, controller.signal).then(
      () => this.settle(req.id),
      (err: unknown) => {
        const errno = controller.signal.aborted ? ERRNO.interrupted : errnoOf(err, this.log, req.op);
        this.finish(req.id, errno);
      },
    );
  }

  private interrupt(target: number): void {
    const f = this.inflight.get(target);
    if (!f) return;
    f.controller.abort();
    if (ANSWER_AT_ONCE.has(f.op)) this.finish(target, ERRNO.interrupted);
  }

  private finish(id: number, errno: number): void {
    this.native().replyErr(id, errno);
    this.settle(id);
  }

  private settle(id: number): void {
    this.inflight.delete(id);
    if (this.inflight.size === 0 && this.idleWaiters.length > 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const w of waiters) w();
    }
  }

  private native(): NativeSession {
    if (!this.session) throw new KonnektError("internal", "mount adapter used before attach");
    return this.session;
  }

  private key(ino: number): ItemKey {
    const key = this.inodes.keyOf(ino);
    if (key === undefined) throw new KonnektError("notFound", "inode no longer known", { ino });
    return key;
  }

  private file(fh: number): OpenFile<H> {
    const f = this.files.get(fh);
    if (!f) throw new KonnektError("invalidArgument", "unknown file handle", { fh });
    return f;
  }

  private attr(ino: number, a: ItemAttributes): FuseAttr {
    const dir = a.kind === "directory";
    const perm = (a.mode ?? (dir ? 0o755 : 0o644)) & 0o7777;
    return {
      ino,
      mode: (dir ? S_IFDIR : S_IFREG) | perm,
      nlink: a.nlink ?? (dir ? 2 : 1),
      uid: this.opts.ownerUid,
      gid: this.opts.ownerGid,
      size: a.size,
      atimeMs: a.atimeMs ?? a.mtimeMs,
      mtimeMs: a.mtimeMs,
      ctimeMs: a.ctimeMs ?? a.mtimeMs,
    };
  }

  private entry(ino: number, a: ItemAttributes): FuseEntry {
    return { ino, generation: GENERATION, attr: this.attr(ino, a), attrTimeout: this.opts.attrTimeout, entryTimeout: this.opts.entryTimeout };
  }

  /** Sends an entry and counts the lookup only when the kernel really got it. */
  private replyEntry(id: number, key: ItemKey, a: ItemAttributes): boolean {
    const ino = this.inodes.inoOf(key);
    const sent = this.native().replyEntry(id, this.entry(ino, a));
    if (sent) this.inodes.ref(key);
    return sent;
  }

  /** Answers ENAMETOOLONG for an over-long name and says so. */
  private tooLong(id: number, name: string): boolean {
    if (Buffer.byteLength(name) <= NAME_MAX) return false;
    this.finish(id, ERRNO.nameTooLong);
    return true;
  }

  private async handle(req: RequestOp, signal: AbortSignal): Promise<void> {
    const n = this.native();
    switch (req.op) {
      case "lookup": {
        if (this.tooLong(req.id, req.name)) return;
        const item = await this.fs.lookup(this.key(req.parent), req.name, signal);
        this.replyEntry(req.id, item.key, item.attr);
        return;
      }
      case "getattr": {
        const a = await this.fs.getattr(this.key(req.ino), signal);
        n.replyAttr(req.id, this.attr(req.ino, a), this.opts.attrTimeout);
        return;
      }
      case "setattr": {
        if ((req.setUid !== undefined && req.setUid !== this.opts.ownerUid) || (req.setGid !== undefined && req.setGid !== this.opts.ownerGid)) {
          this.log.warn({ op: "chown", uid: req.setUid, gid: req.setGid }, "mount: cannot give items to another owner");
          this.finish(req.id, ERRNO.cannotStore);
          return;
        }
        const now = Date.now();
        const changes = {
          ...(req.size !== undefined ? { size: req.size } : {}),
          ...(req.mtimeNow ? { mtimeMs: now } : req.mtimeMs !== undefined ? { mtimeMs: req.mtimeMs } : {}),
          ...(req.atimeNow ? { atimeMs: now } : req.atimeMs !== undefined ? { atimeMs: req.atimeMs } : {}),
          ...(req.mode !== undefined ? { mode: req.mode & 0o7777 } : {}),
        };
        const handle = req.fh !== undefined ? this.files.get(req.fh)?.handle : undefined;
        const a = await this.fs.setattr(this.key(req.ino), changes, handle, signal);
        n.replyAttr(req.id, this.attr(req.ino, a), this.opts.attrTimeout);
        return;
      }
      case "mknod": {
        if ((req.mode & S_IFMT) !== S_IFREG) {
          this.log.warn({ op: "mknod", mode: req.mode }, "mount: special files cannot be stored");
          this.finish(req.id, ERRNO.cannotStore);
          return;
        }
        if (this.tooLong(req.id, req.name)) return;
        const intent: OpenIntent = { read: false, write: true, truncate: false, append: false, exclusive: true };
        const created = await this.fs.create(this.key(req.parent), req.name, req.mode & ~req.umask & 0o7777, intent, signal);
        await this.fs.release(created.handle);
        this.replyEntry(req.id, created.item.key, created.item.attr);
        return;
      }
      case "mkdir": {
        if (this.tooLong(req.id, req.name)) return;
        const item = await this.fs.mkdir(this.key(req.parent), req.name, req.mode & ~req.umask & 0o7777, signal);
        this.replyEntry(req.id, item.key, item.attr);
        return;
      }
      case "create": {
        if (this.tooLong(req.id, req.name)) return;
        const created = await this.fs.create(this.key(req.parent), req.name, req.mode & ~req.umask & 0o7777, intentOf(req.flags), signal);
        const fh = this.nextFh++;
        this.files.set(fh, { key: created.item.key, handle: created.handle });
        const ino = this.inodes.inoOf(created.item.key);
        if (n.replyCreate(req.id, this.entry(ino, created.item.attr), fh, { keepCache: created.keepCache ?? false, directIo: created.directIo ?? false })) {
          this.inodes.ref(created.item.key);
        } else {
          this.files.delete(fh);
          await this.fs.release(created.handle);
        }
        return;
      }
      case "unlink":
        await this.fs.unlink(this.key(req.parent), req.name, signal);
        this.finish(req.id, ERRNO.ok);
        return;
      case "rmdir":
        await this.fs.rmdir(this.key(req.parent), req.name, signal);
        this.finish(req.id, ERRNO.ok);
        return;
      case "rename": {
        if ((req.flags & ~RENAME_NOREPLACE) !== 0) {
          this.log.warn({ op: "rename", flags: req.flags }, "mount: rename flags not supported (exchange/whiteout)");
          this.finish(req.id, ERRNO.unsupportedRenameFlag);
          return;
        }
        if (this.tooLong(req.id, req.newName)) return;
        await this.fs.rename(this.key(req.parent), req.name, this.key(req.newParent), req.newName, { noReplace: (req.flags & RENAME_NOREPLACE) !== 0 }, signal);
        this.finish(req.id, ERRNO.ok);
        return;
      }
      case "symlink":
      case "link":
        this.log.warn({ op: req.op }, "mount: links cannot be stored in SharePoint");
        this.finish(req.id, ERRNO.cannotStore);
        return;
      case "open": {
        const key = this.key(req.ino);
        const opened = await this.fs.open(key, intentOf(req.flags), signal);
        const fh = this.nextFh++;
        this.files.set(fh, { key, handle: opened.handle });
        if (!n.replyOpen(req.id, fh, { keepCache: opened.keepCache ?? false, directIo: opened.directIo ?? false })) {
          this.files.delete(fh);
          await this.fs.release(opened.handle);
        }
        return;
      }
      case "read": {
        const f = this.file(req.fh);
        const r = await this.fs.read(f.handle, req.offset, req.size, signal);
        if (Buffer.isBuffer(r)) {
          n.replyBuf(req.id, r.length > req.size ? r.subarray(0, req.size) : r);
          return;
        }
        const length = Math.max(0, Math.min(r.length, req.size));
        if (!r.release) {
          n.replyFd(req.id, r.fd, r.position, length, 0);
          if (r.direct) this.serveDirect(n, req.fh, r.direct);
          return;
        }
        const token = this.nextFdToken++;
        if (n.replyFd(req.id, r.fd, r.position, length, token)) this.fdReplies.set(token, r.release);
        else this.releaseRange(r.release);
        if (r.direct) this.serveDirect(n, req.fh, r.direct);
        return;
      }
      case "write": {
        const f = this.file(req.fh);
        const count = await this.fs.write(f.handle, req.offset, req.data, signal);
        n.replyWrite(req.id, count);
        return;
      }
      case "flush":
        await this.fs.flush(this.file(req.fh).handle, signal);
        this.finish(req.id, ERRNO.ok);
        return;
      case "fsync":
        await this.fs.fsync(this.file(req.fh).handle, req.datasync, signal);
        this.finish(req.id, ERRNO.ok);
        return;
      case "release": {
        const f = this.files.get(req.fh);
        this.files.delete(req.fh);
        this.revokeDirect(req.fh);
        // The kernel does not wait for release; answer first so close(2) never blocks on the core.
        this.finish(req.id, ERRNO.ok);
        if (f) {
          try {
            await this.fs.release(f.handle);
          } catch (err) {
            this.log.warn({ key: f.key, err: errText(err) }, "mount: release failed");
          }
        }
        return;
      }
      case "opendir": {
        const key = this.key(req.ino);
        const fh = this.nextFh++;
        this.dirs.set(fh, { key, entries: undefined });
        if (!n.replyOpen(req.id, fh, {})) this.dirs.delete(fh);
        return;
      }
      case "readdir":
        await this.readdir(req, signal);
        return;
      case "releasedir":
        this.dirs.delete(req.fh);
        this.finish(req.id, ERRNO.ok);
        return;
      case "fsyncdir":
        this.finish(req.id, ERRNO.ok);
        return;
      case "statfs": {
        const s = await this.fs.statfs(this.key(req.ino), signal);
        const bsize = 4096;
        n.replyStatfs(req.id, {
          bsize,
          frsize: bsize,
          blocks: Math.floor(s.totalBytes / bsize),
          bfree: Math.floor(s.freeBytes / bsize),
          bavail: Math.floor((s.availableBytes ?? s.freeBytes) / bsize),
          files: s.totalFiles ?? 0,
          ffree: s.freeFiles ?? 0,
          namemax: NAME_MAX,
        });
        return;
      }
      case "getxattr": {
        if (!req.name.startsWith(XATTR_PREFIX)) {
          this.finish(req.id, ERRNO.noAttribute);
          return;
        }
        const all = this.fs.xattrs ? await this.fs.xattrs(this.key(req.ino), signal, req.name.slice(XATTR_PREFIX.length)) : {};
        const value = all[req.name.slice(XATTR_PREFIX.length)];
        if (value === undefined) {
          this.finish(req.id, ERRNO.noAttribute);
          return;
        }
        this.replyXattr(req.id, req.size, Buffer.from(value));
        return;
      }
      case "listxattr": {
        const all = this.fs.xattrs ? await this.fs.xattrs(this.key(req.ino), signal) : {};
        const names = Object.keys(all).map((k) => `${XATTR_PREFIX}${k}\0`).join("");
        this.replyXattr(req.id, req.size, Buffer.from(names));
        return;
      }
      case "setxattr":
      case "removexattr":
        this.finish(req.id, ERRNO.xattrReadOnly);
        return;
      case "access":
        // default_permissions makes the kernel check modes; this only confirms the item exists.
        await this.fs.getattr(this.key(req.ino), signal);
        this.finish(req.id, ERRNO.ok);
        return;
    }
  }

  /** Lets the session answer the handle's next reads inside `d` itself. */
  private serveDirect(n: NativeSession, fh: number, d: DirectRange): void {
    const before = this.directs.get(fh);
    if (!this.files.has(fh) || !n.setDirect(fh, d.fd, d.start, d.end, d.position, d.atEof)) {
      this.releaseRange(() => d.release());
      return;
    }
    // setDirect replaced the previous range natively: its bytes are no longer used.
    this.directs.set(fh, d);
    if (before) this.releaseRange(() => before.release());
    d.attach(() => {
      if (this.directs.get(fh) === d) this.revokeDirect(fh);
    });
  }

  private revokeDirect(fh: number): void {
    const d = this.directs.get(fh);
    if (!d) return;
    this.directs.delete(fh);
    this.session?.clearDirect(fh);
    this.releaseRange(() => d.release());
  }

  private releaseRange(release: () => void): void {
    try {
      release();
    } catch (err) {
      this.log.warn({ err: errText(err) }, "mount: releasing a read's descriptor range failed");
    }
  }

  private replyXattr(id: number, size: number, value: Buffer): void {
    if (size === 0) this.native().replyXattrSize(id, value.length);
    else if (value.length > size) this.finish(id, ERRNO.range);
    else this.native().replyBuf(id, value);
  }

  /**
   * Offsets: 0 starts (and re-reads) the listing; entry i of [".", "..", …children] continues at
   * i + 1. The listing is kept per open directory so a large folder is fetched once per opendir.
   */
  private async readdir(req: Extract<RequestOp, { op: "readdir" }>, signal: AbortSignal): Promise<void> {
    const dir = this.dirs.get(req.fh);
    if (!dir) throw new KonnektError("invalidArgument", "unknown directory handle", { fh: req.fh });
    if (req.offset === 0 || dir.entries === undefined) dir.entries = await this.fs.readdir(dir.key, signal);
    const entries = dir.entries;
    const dirIno = req.ino;
    const dot = (name: string, next: number): FuseDirEntry => ({
      name,
      next,
      ino: 0, // no lookup count for "." and ".."
      generation: 0,
      attr: { ino: name === "." ? dirIno : ROOT_INO, mode: S_IFDIR | 0o755, nlink: 2, uid: 0, gid: 0, size: 0, atimeMs: 0, mtimeMs: 0, ctimeMs: 0 },
      attrTimeout: 0,
      entryTimeout: 0,
    });
    const out: FuseDirEntry[] = [];
    const keys: (ItemKey | undefined)[] = [];
    const slice = Math.ceil(req.size / (req.plus ? MIN_DIRENTPLUS_BYTES : MIN_DIRENT_BYTES));
    for (let i = req.offset; i < entries.length + 2 && out.length < slice; i++) {
      if (i < 2) {
        out.push(dot(i === 0 ? "." : "..", i + 1));
        keys.push(undefined);
        continue;
      }
      const e = entries[i - 2];
      if (!e) break;
      const ino = this.inodes.inoOf(e.key);
      out.push({ ...this.entry(ino, e.attr), name: e.name, next: i + 1, ...(req.plus ? {} : { generation: 0 }) });
      keys.push(e.key);
    }
    const fitted = this.native().replyReaddir(req.id, req.size, req.plus, out);
    if (req.plus) {
      for (let i = 0; i < fitted; i++) {
        const k = keys[i];
        if (k !== undefined) this.inodes.ref(k);
      }
    }
  }
}

function intentOf(flags: number): OpenIntent {
  const acc = flags & O_ACCMODE;
  return {
    read: acc !== O_WRONLY,
    write: acc === O_WRONLY || acc === O_RDWR,
    truncate: (flags & O_TRUNC) !== 0,
    append: (flags & O_APPEND) !== 0,
    exclusive: (flags & O_EXCL) !== 0,
  };
}

function errText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
