/**
 * The interface the mount adapter needs from the core — declared here, by its consumer (rclone
 * vfs habit), so the tenant and content engines implement it without importing FUSE. The core
 * speaks in stable item keys (a SharePoint UniqueId, say); inode numbers, lookup counts and file
 * handles numbers belong to the adapter. Every method may throw a KonnektError (workers/errors.ts);
 * workers/mount/errno.ts turns its code into an errno, once.
 *
 * Every async method takes an AbortSignal: a kernel interrupt (the calling process got a signal)
 * aborts it. Read-only operations are answered EINTR at once and their late result is dropped;
 * operations that change something wait for the core, which should stop and throw `cancelled`.
 */

/** A stable identifier of an item, never reused for another item while a mount lives. */
export type ItemKey = string;

export interface ItemAttributes {
  kind: "file" | "directory";
  /** Bytes (files); directories may report 0. */
  size: number;
  /** Permission bits (0o7777 part); default 0o644 for files, 0o755 for directories. */
  mode?: number;
  mtimeMs: number;
  /** Defaults to mtimeMs. */
  ctimeMs?: number;
  /** Defaults to mtimeMs. */
  atimeMs?: number;
  /** Defaults to 1 for files and 2 for directories. */
  nlink?: number;
}

export interface Item {
  key: ItemKey;
  attr: ItemAttributes;
}

export interface DirEntry extends Item {
  name: string;
}

/** What open() asks for, decoded from the open(2) flags. */
export interface OpenIntent {
  read: boolean;
  write: boolean;
  truncate: boolean;
  append: boolean;
  /** O_EXCL on create: the name must not exist yet. */
  exclusive: boolean;
}

export interface Opened<H> {
  handle: H;
  /** Keep the kernel page cache from earlier opens (content unchanged, e.g. same ETag). */
  keepCache?: boolean;
  /** Bypass the page cache for this open (content the core cannot size in advance). */
  directIo?: boolean;
}

export interface Created<H> extends Opened<H> {
  item: Item;
}

/**
 * Bytes for a read: a Buffer, or a range of an open descriptor that the kernel receives straight
 * from the file (no copy through JavaScript; the read happens on a native thread after `read`
 * resolved). Without `release` the descriptor must stay open until the handle's release(); with
 * it, the adapter calls `release` once the bytes reached the kernel (or the request was dropped),
 * and until then the descriptor must stay open and the bytes unchanged — a content-cache slice
 * (`ItemReader.readFd`) hands its `release` here. Fewer bytes than asked means end of file.
 */
export type ReadResult = Buffer | FdRange;

export interface FdRange {
  fd: number;
  position: number;
  length: number;
  release?: () => void;
  /** Cached bytes the core offers for answering this handle's next reads without asking it. */
  direct?: DirectRange;
}

/**
 * Item bytes [start, end) of an open file at `position` of `fd`, which the platform layer may
 * serve for later reads of the same handle on its own (Linux: the FUSE loop thread splices them,
 * no round trip through JavaScript). They stay valid until the core calls the function it was
 * given through `attach` (a remote change, a local edit: these bytes are no longer the file's), or
 * the handle is released. The platform layer calls `release` once it no longer uses them.
 */
export interface DirectRange {
  fd: number;
  position: number;
  start: number;
  end: number;
  /** `end` is the end of the file: a read running past it is answered short. */
  atEof: boolean;
  /** Receives the function that stops the platform serving these bytes (synchronous). */
  attach(revoke: () => void): void;
  release(): void;
}

export interface AttributeChanges {
  size?: number;
  mtimeMs?: number;
  atimeMs?: number;
  /** Permission bits only; the core may keep them or ignore them. */
  mode?: number;
}

export interface FsStats {
  totalBytes: number;
  freeBytes: number;
  /** Defaults to freeBytes. */
  availableBytes?: number;
  totalFiles?: number;
  freeFiles?: number;
}

export interface RenameOptions {
  /** RENAME_NOREPLACE: fail with alreadyExists instead of replacing the target. */
  noReplace: boolean;
}

export interface MountFileSystem<H = unknown> {
  /** The key of the mount's root directory. */
  readonly rootKey: ItemKey;
  lookup(parent: ItemKey, name: string, signal: AbortSignal): Promise<Item>;
  getattr(key: ItemKey, signal: AbortSignal): Promise<ItemAttributes>;
  /** The whole listing; the adapter pages it to the kernel and keeps it per open directory. */
  readdir(key: ItemKey, signal: AbortSignal): Promise<readonly DirEntry[]>;
  open(key: ItemKey, intent: OpenIntent, signal: AbortSignal): Promise<Opened<H>>;
  read(handle: H, offset: number, length: number, signal: AbortSignal): Promise<ReadResult>;
  /** Returns the number of bytes taken (all of them unless an error is thrown). */
  write(handle: H, offset: number, data: Buffer, signal: AbortSignal): Promise<number>;
  /** close(2) of one descriptor; errors reach the application's close(). */
  flush(handle: H, signal: AbortSignal): Promise<void>;
  fsync(handle: H, datasync: boolean, signal: AbortSignal): Promise<void>;
  /** The last descriptor closed. Errors are logged only: the kernel does not wait for them. */
  release(handle: H): Promise<void>;
  create(parent: ItemKey, name: string, mode: number, intent: OpenIntent, signal: AbortSignal): Promise<Created<H>>;
  mkdir(parent: ItemKey, name: string, mode: number, signal: AbortSignal): Promise<Item>;
  unlink(parent: ItemKey, name: string, signal: AbortSignal): Promise<void>;
  rmdir(parent: ItemKey, name: string, signal: AbortSignal): Promise<void>;
  rename(parent: ItemKey, name: string, newParent: ItemKey, newName: string, options: RenameOptions, signal: AbortSignal): Promise<void>;
  /** `handle` is set when the change came through an open descriptor (ftruncate, futimens). */
  setattr(key: ItemKey, changes: AttributeChanges, handle: H | undefined, signal: AbortSignal): Promise<ItemAttributes>;
  statfs(key: ItemKey, signal: AbortSignal): Promise<FsStats>;
  /**
   * Item facts shown as `user.konnekt.<name>` extended attributes (web URL, UniqueId, ETag…).
   * `name` is set for getxattr (the one attribute asked for) and absent for listxattr, which
   * programs call for every file they list (`ls -l` with newer coreutils): facts that cost a
   * request may be left out of a listing unless already known, never out of a getxattr.
   */
  xattrs?(key: ItemKey, signal: AbortSignal, name?: string): Promise<Readonly<Record<string, string>>>;
}
