export const ROOT_INO = 1;
export const GENERATION = 1;
export class InodeTable {
    byIno = new Map();
    byKey = new Map();
    next = ROOT_INO + 1;
    constructor(rootKey) {
        this.byIno.set(ROOT_INO, { key: rootKey, lookups: 1 });
        this.byKey.set(rootKey, ROOT_INO);
    }
    keyOf(ino) {
        return this.byIno.get(ino)?.key;
    }
    /** The inode the kernel may know for a key, without allocating one. */
    find(key) {
        return this.byKey.get(key);
    }
    /** The inode for a key, allocated with no lookups when new (a plain readdir's d_ino). */
    inoOf(key) {
        const known = this.byKey.get(key);
        if (known !== undefined)
            return known;
        const ino = this.next++;
        this.byIno.set(ino, { key, lookups: 0 });
        this.byKey.set(key, ino);
        return ino;
    }
    /** One more kernel reference: call only after the entry reached the kernel. */
    ref(key) {
        const ino = this.inoOf(key);
        const node = this.byIno.get(ino);
        if (node)
            node.lookups++;
        return ino;
    }
    forget(ino, count) {
        if (ino === ROOT_INO)
            return;
        const node = this.byIno.get(ino);
        if (!node)
            return;
        node.lookups -= count;
        if (node.lookups <= 0) {
            this.byIno.delete(ino);
            if (this.byKey.get(node.key) === ino)
                this.byKey.delete(node.key);
        }
    }
    get size() {
        return this.byIno.size;
    }
}
//# sourceMappingURL=inodes.js.map