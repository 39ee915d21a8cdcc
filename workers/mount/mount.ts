/**
 * Mounting a MountFileSystem at a directory (Linux, FUSE3).
 *
 * Vocabulary: the *core* implements MountFileSystem (types.ts) in item keys; the *adapter*
 * (adapter.ts) owns inode numbers, lookup counts and handle numbers; the *session* (fuse.ts and
 * native/) is the kernel connection. Errors become errno once, in errno.ts.
 *
 * Caching: attributes and names are trusted by the kernel for attrTimeout/entryTimeout seconds;
 * `invalidate*` tells the kernel sooner when the core learns of a remote change.
 *
 * Deadlock rule: the process that serves a mount must never touch paths below it (stat, readdir,
 * open…). Its JS thread would wait for a request only that same thread can answer. Tests and
 * tools touch mounts from other processes. See docs/mount.md.
 *
 * Lifecycle: close() drains in-flight requests (bounded), then unmounts; destroy() unmounts at
 * once, failing what is pending with EIO. Both are idempotent. A mount also unmounts on process
 * exit and on worker-thread exit (native cleanup hook).
 */
import { resolve } from "node:path";
import { KonnektError } from "../errors.js";
import { MountAdapter, XATTR_PREFIX, type MountLogger } from "./adapter.js";
import { openSession, type FuseMountOptions, type NativeSession } from "./fuse.js";
import { prepareMountpoint } from "./stale.js";
import type { ItemKey, MountFileSystem } from "./types.js";

export type { MountLogger } from "./adapter.js";
export * from "./types.js";

export interface MountOptions extends Omit<FuseMountOptions, "mountpoint" | "xattrPrefix"> {
  /** Seconds the kernel may cache attributes (default 1). */
  attrTimeout?: number;
  /** Seconds the kernel may cache names (default 1). */
  entryTimeout?: number;
  /** How long close() waits for in-flight requests before failing them (default 10 s). */
  drainTimeoutMs?: number;
  logger?: MountLogger;
}

const DEFAULT_TIMEOUT_SECONDS = 1;
const DEFAULT_DRAIN_MS = 10_000;

/** Mount points this process serves: never probed, never mounted twice. */
const ours = new Set<string>();

const stderrLogger: MountLogger = {
  error: (obj, msg) => process.stderr.write(`${JSON.stringify({ level: "error", msg, ...obj })}\n`),
  warn: (obj, msg) => process.stderr.write(`${JSON.stringify({ level: "warn", msg, ...obj })}\n`),
  debug: () => {},
};

export class Mount<H = unknown> {
  /** Resolves once the mount is gone, whoever ended it (close, destroy, an external umount). */
  readonly closed: Promise<void>;
  private resolveClosed!: () => void;
  private state: "mounted" | "closing" | "closed" = "mounted";
  private session: NativeSession | undefined;
  private readonly onExit = (): void => this.destroy();

  constructor(
    readonly mountpoint: string,
    /** True when a stale mount left by a crashed process was detached first. */
    readonly cleanedStale: boolean,
    private readonly adapter: MountAdapter<H>,
    private readonly drainTimeoutMs: number,
  ) {
    this.closed = new Promise((res) => {
      this.resolveClosed = res;
    });
  }

  /** @internal */
  start(opts: FuseMountOptions): void {
    this.session = openSession(opts, this.adapter.dispatch);
    this.adapter.attach(this.session);
    process.once("exit", this.onExit);
  }

  /** Requests answered by nobody yet. */
  get pending(): number {
    return this.adapter.pending;
  }

  /** Drop the kernel's cached pages (and size) of an item after a remote change. */
  invalidateContent(key: ItemKey): void {
    const ino = this.adapter.inodes.find(key);
    if (ino !== undefined) this.session?.notifyInvalInode(ino, 0, 0);
  }

  /** Reads the session answered from direct ranges, without JavaScript (figures and tests). */
  directReads(): number {
    return this.session?.directReads() ?? 0;
  }

  /** Drop the kernel's cached attributes of an item (its pages stay). */
  invalidateAttr(key: ItemKey): void {
    const ino = this.adapter.inodes.find(key);
    // A negative offset invalidates the attributes only (fuse_lowlevel_notify_inval_inode).
    if (ino !== undefined) this.session?.notifyInvalInode(ino, -1, 0);
  }

  /** Drop the kernel's cached name `name` in directory `parent` (created, deleted or renamed remotely). */
  invalidateEntry(parent: ItemKey, name: string): void {
    const ino = this.adapter.inodes.find(parent);
    if (ino !== undefined) this.session?.notifyInvalEntry(ino, name);
  }

  async close(): Promise<void> {
    if (this.state !== "mounted") return this.closed;
    this.state = "closing";
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.adapter.idle(), new Promise<void>((res) => (timer = setTimeout(res, this.drainTimeoutMs)))]);
    clearTimeout(timer);
    await this.finish();
  }

  destroy(): void {
    if (this.state === "closed") return;
    void this.finish();
  }

  /** @internal the kernel ended the connection (external umount, abort). */
  ended(): void {
    if (this.state === "closed") return;
    void this.finish();
  }

  private async finish(): Promise<void> {
    if (this.state === "closed") return this.closed;
    this.state = "closed";
    process.removeListener("exit", this.onExit);
    ours.delete(this.mountpoint);
    this.session?.unmount();
    await this.adapter.shutdown();
    this.resolveClosed();
  }
}

export async function mount<H>(root: string, fs: MountFileSystem<H>, opts: MountOptions = {}): Promise<Mount<H>> {
  const mountpoint = resolve(root);
  const cleanedStale = await prepareMountpoint(mountpoint, ours);
  const log = opts.logger ?? stderrLogger;
  const attrTimeout = opts.attrTimeout ?? DEFAULT_TIMEOUT_SECONDS;
  const entryTimeout = opts.entryTimeout ?? DEFAULT_TIMEOUT_SECONDS;
  if (!(attrTimeout >= 0 && entryTimeout >= 0)) throw new KonnektError("invalidArgument", "timeouts must be ≥ 0 seconds", { attrTimeout, entryTimeout });
  let m: Mount<H> | undefined;
  const adapter = new MountAdapter<H>(
    fs,
    { ownerUid: process.getuid?.() ?? 0, ownerGid: process.getgid?.() ?? 0, allowOther: opts.allowOther ?? false, attrTimeout, entryTimeout },
    log,
    () => m?.ended(),
  );
  m = new Mount<H>(mountpoint, cleanedStale, adapter, opts.drainTimeoutMs ?? DEFAULT_DRAIN_MS);
  ours.add(mountpoint);
  try {
    m.start({ ...opts, mountpoint, xattrPrefix: XATTR_PREFIX });
  } catch (err) {
    ours.delete(mountpoint);
    throw err;
  }
  return m;
}
