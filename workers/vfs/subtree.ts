/**
 * A drive: a view of a file system rooted at one of its folders (`/<site>/<library>` or deeper),
 * the Linux counterpart of a drive letter. Keys are the underlying file system's, so two mounts of
 * one tenant share items, working copies and invalidations; only the root differs.
 */
import type { MountFileSystem } from "../mount/types.js";

export function subtreeView<H>(fs: MountFileSystem<H>, rootKey: string): MountFileSystem<H> {
  return {
    rootKey,
    lookup: (p, n, s) => fs.lookup(p, n, s),
    getattr: (k, s) => fs.getattr(k, s),
    readdir: (k, s) => fs.readdir(k, s),
    open: (k, i, s) => fs.open(k, i, s),
    read: (h, o, l, s) => fs.read(h, o, l, s),
    write: (h, o, d, s) => fs.write(h, o, d, s),
    flush: (h, s) => fs.flush(h, s),
    fsync: (h, d, s) => fs.fsync(h, d, s),
    release: (h) => fs.release(h),
    create: (p, n, m, i, s) => fs.create(p, n, m, i, s),
    mkdir: (p, n, m, s) => fs.mkdir(p, n, m, s),
    unlink: (p, n, s) => fs.unlink(p, n, s),
    rmdir: (p, n, s) => fs.rmdir(p, n, s),
    rename: (p, n, np, nn, o, s) => fs.rename(p, n, np, nn, o, s),
    setattr: (k, c, h, s) => fs.setattr(k, c, h, s),
    statfs: (k, s) => fs.statfs(k, s),
    ...(fs.xattrs ? { xattrs: (k: string, s: AbortSignal, name?: string) => fs.xattrs!(k, s, name) } : {}),
  };
}
