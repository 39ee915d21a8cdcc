/**
 * Inode numbers for item keys, with the kernel's lookup counts (go-fuse fs/api.go, libfuse
 * passthrough_hp.cc). Owned by the JS thread only, so no locks: lookups, readdirplus entries and
 * forgets all arrive through the one dispatcher queue in kernel order.
 *
 * Lifetime: a number is allocated on first sight of a key, gains one count per entry the kernel
 * received (lookup, create, mkdir, readdirplus) and is dropped when forgets bring it to zero.
 * Numbers are never reused within a mount, so the generation is one constant and (ino, generation)
 * is unique for the mount's life. The root is inode 1 and is never forgotten.
 */
import type { ItemKey } from "./types.js";

export const ROOT_INO = 1;
export const GENERATION = 1;

interface Node {
  key: ItemKey;
  lookups: number;
}

export class InodeTable {
  private readonly byIno = new Map<number, Node>();
  private readonly byKey = new Map<ItemKey, number>();
  private next = ROOT_INO + 1;

  constructor(rootKey: ItemKey) {
    this.byIno.set(ROOT_INO, { key: rootKey, lookups: 1 });
    this.byKey.set(rootKey, ROOT_INO);
  }

  keyOf(ino: number): ItemKey | undefined {
    return this.byIno.get(ino)?.key;
  }

  /** The inode the kernel may know for a key, without allocating one. */
  find(key: ItemKey): number | undefined {
    return this.byKey.get(key);
  }

  /** The inode for a key, allocated with no lookups when new (a plain readdir's d_ino). */
  inoOf(key: ItemKey): number {
    const known = this.byKey.get(key);
    if (known !== undefined) return known;
    const ino = this.next++;
    this.byIno.set(ino, { key, lookups: 0 });
    this.byKey.set(key, ino);
    return ino;
  }

  /** One more kernel reference: call only after the entry reached the kernel. */
  ref(key: ItemKey): number {
    const ino = this.inoOf(key);
    const node = this.byIno.get(ino);
    if (node) node.lookups++;
    return ino;
  }

  forget(ino: number, count: number): void {
    if (ino === ROOT_INO) return;
    const node = this.byIno.get(ino);
    if (!node) return;
    node.lookups -= count;
    if (node.lookups <= 0) {
      this.byIno.delete(ino);
      if (this.byKey.get(node.key) === ino) this.byKey.delete(node.key);
    }
  }

  get size(): number {
    return this.byIno.size;
  }
}
