/**
 * Office's save: parking (docs/write-path.md). Word saves `Doc.docx` as: new content written to
 * `~WRL0001.tmp`, `Doc.docx` → `~WRL0002.tmp`, `~WRL0001.tmp` → `Doc.docx`, `~WRL0002.tmp` deleted.
 * Moving the original on SharePoint at the second step would lose the document's UniqueId, version
 * history, sharing links and co-authoring identity, so the file system parks it here instead
 * (`ParkedItems`), and what parking does not cover goes back to it as a real move (`materialize`).
 *
 * The file system's working copies, names and requests stay its own: this module reaches them only
 * through `ParkingHost`.
 *
 * Concurrency: the JS thread only; the two maps are the shared state.
 */
import { KonnektError } from "../errors.js";
import type { ItemAttributes, ItemKey, RenameOptions } from "../mount/types.js";

/** What parking reads of a working copy (tenant-fs.ts's LocalFile). */
export interface WorkingCopy {
  readonly key: ItemKey;
  readonly parentId: string;
  readonly name: string;
  readonly uniqueId?: string;
  readonly opens: number;
  readonly dirty: boolean;
  readonly deleted?: boolean;
  readonly deleting?: boolean;
  readonly renaming?: number;
}

/**
 * A SharePoint file renamed to a local-only name (Office's `Doc.docx` → `~WRL0002.tmp`): kept
 * where it is on SharePoint instead of moved there. Here it shows under the local-only name and
 * its SharePoint name is free, so the file Office renames onto that name next can become the
 * item's next version (same UniqueId, history, sharing links). Memory only: after a crash the
 * item is simply where it always was on SharePoint.
 */
export interface Parked<F extends WorkingCopy> {
  /** The kernel's key for the item (its inode now under `name`). */
  key: ItemKey;
  uniqueId: string;
  parentId: string;
  /** Its name on SharePoint, free here while parked. */
  origName: string;
  /** The local-only name it shows here. */
  name: string;
  /** Its working copy when a save of it was still waiting for upload (shown under `name`; its saves keep their address). */
  local?: F;
  /** A new file renamed onto `origName`, now the item's next version. */
  takenBy?: F;
  /** Its attributes when taken over: this inode stays the version it was. */
  attr?: ItemAttributes;
}

/** What parking needs of the file system (tenant-fs.ts). Folders are given by UniqueId. */
export interface ParkingHost<F extends WorkingCopy> {
  /** The item as the metadata store knows it; undefined once it is gone (deleted remotely). */
  item(uniqueId: string): { readonly name: string } | undefined;
  /** Whether `local` is still its item's working copy (not dropped since). */
  isCurrent(local: F): boolean;
  /** Whether a working copy shows under `name` in the folder. */
  hasLocalAt(parentId: string, name: string): boolean;
  /** A new name for a working copy in its folder; its journalled saves keep their address. */
  relabel(local: F, name: string): void;
  /** The file system's rename; `park` false: a real move, even to a local-only name. */
  rename(parentId: string, name: string, newParentId: string, newName: string, options: RenameOptions, signal: AbortSignal, park: boolean): Promise<void>;
  /** The file system's delete. */
  unlink(parentId: string, name: string, signal: AbortSignal): Promise<void>;
  /** Drops the working copy when nothing needs it any more. */
  maybeDrop(local: F): void;
  /** Deletes the working copy with its saves not yet uploaded: nothing of it reaches SharePoint. */
  drop(local: F): void;
}

function slot(parentId: string, name: string): string {
  return `${parentId}/${name.toLowerCase()}`;
}

export class ParkedItems<F extends WorkingCopy> {
  /** Parked items by folder + local-only name, and by folder + SharePoint name while that is free (not taken over). */
  private readonly parked = new Map<string, Parked<F>>();
  private readonly parkedOrig = new Map<string, Parked<F>>();

  constructor(private readonly host: ParkingHost<F>) {}

  /** The parked item shown as `name` in the folder; one whose item is gone (deleted remotely) is forgotten. */
  parkedAt(parentId: string, name: string): Parked<F> | undefined {
    // Asked on every lookup: nothing parked (nearly always) costs no key building.
    if (this.parked.size === 0) return undefined;
    return this.live(this.parked.get(slot(parentId, name)));
  }

  /** The parked item whose SharePoint name (free here) is `name`, until a file took that name over. */
  hiddenAt(parentId: string, name: string): Parked<F> | undefined {
    // Asked for every entry of every listing.
    if (this.parkedOrig.size === 0) return undefined;
    return this.live(this.parkedOrig.get(slot(parentId, name)));
  }

  parkedOfKey(key: ItemKey): Parked<F> | undefined {
    if (this.parked.size === 0) return undefined;
    for (const p of this.parked.values()) if (p.key === key) return this.live(p);
    return undefined;
  }

  isParkedLocal(local: F): boolean {
    if (this.parked.size === 0) return false;
    for (const p of this.parked.values()) if (p.local === local) return true;
    return false;
  }

  /**
   * The parked items a listing of the folder shows under their local-only names (those with a
   * working copy show as that). Lazy: each is checked when the caller gets to it.
   */
  *shownIn(parentId: string): Generator<Parked<F>> {
    for (const p of [...this.parked.values()]) {
      if (p.parentId === parentId && !p.local && this.parkedAt(p.parentId, p.name) === p) yield p;
    }
  }

  /** An item's working copy may be parked when nothing writes it: closed, saved, not being renamed otherwise. */
  parkable(local: F): boolean {
    return local.uniqueId !== undefined && local.opens === 0 && !local.dirty && !local.deleted && !local.deleting && (local.renaming ?? 0) <= 1;
  }

  parkItem(p: Parked<F>): void {
    this.parked.set(slot(p.parentId, p.name), p);
    if (!p.takenBy) this.parkedOrig.set(slot(p.parentId, p.origName), p);
    if (p.local) this.host.relabel(p.local, p.name);
  }

  /**
   * Office's third step: `by` (a new file) took the parked item's SharePoint name over and is its
   * next version now. The parked inode stays the version it was (`attr`, when it has no working copy).
   */
  takenOver(p: Parked<F>, by: F, attr: ItemAttributes | undefined): void {
    this.parkedOrig.delete(slot(p.parentId, p.origName));
    if (attr) p.attr = attr;
    p.takenBy = by;
  }

  replacedVersion(p: Parked<F>): KonnektError {
    return new KonnektError("notSupported", `${p.name} is the version ${p.origName} replaced: it can be read or deleted, not changed.`);
  }

  /**
   * A rename of a parked item (by its local-only name). Back to its SharePoint name (Office's undo
   * after a failed save): unparked, no request. Otherwise it is unparked and renamed from its
   * SharePoint name as any item (to another local-only name in the folder: parked again; else a
   * real move). A replaced version (taken over) is only read or deleted.
   */
  async renameParked(p: Parked<F>, fromId: string, toId: string, newName: string, options: RenameOptions, signal: AbortSignal): Promise<void> {
    if (p.takenBy) throw this.replacedVersion(p);
    if (fromId === toId && newName === p.origName) {
      this.unpark(p);
      if (p.local) this.host.maybeDrop(p.local);
      return;
    }
    await this.underOrigName(p, () => this.host.rename(p.parentId, p.origName, toId, newName, options, signal, true));
  }

  /** Deleting a parked item: after a take-over only the replaced version goes; else the item is deleted as under its own name. */
  async unlinkParked(p: Parked<F>, signal: AbortSignal): Promise<void> {
    if (!p.takenBy) return this.underOrigName(p, () => this.host.unlink(p.parentId, p.origName, signal));
    this.forgetParked(p);
    if (p.local && this.host.isCurrent(p.local)) this.host.drop(p.local);
  }

  /**
   * Something parking does not cover (written, created over, renamed onto by anything but a new
   * file): the item really moves to its local-only name first, as before parking existed.
   */
  async materialize(p: Parked<F>, signal: AbortSignal): Promise<void> {
    if (p.takenBy) throw this.replacedVersion(p);
    await this.underOrigName(p, () => this.host.rename(p.parentId, p.origName, p.parentId, p.name, { noReplace: false }, signal, false));
  }

  /** Unparks `p` and runs `op` on it under its SharePoint name; parks it again if `op` fails with nothing changed. */
  private async underOrigName(p: Parked<F>, op: () => Promise<void>): Promise<void> {
    this.unpark(p);
    try {
      await op();
    } catch (err) {
      const free = !this.parked.has(slot(p.parentId, p.name)) && !this.host.hasLocalAt(p.parentId, p.name);
      const unchanged = p.local ? this.host.isCurrent(p.local) && p.local.name === p.origName : this.host.item(p.uniqueId)?.name === p.origName;
      if (free && unchanged) this.parkItem(p);
      throw err;
    }
  }

  private unpark(p: Parked<F>): void {
    this.forgetParked(p);
    if (p.local && this.host.isCurrent(p.local)) this.host.relabel(p.local, p.origName);
  }

  private forgetParked(p: Parked<F>): void {
    const k = slot(p.parentId, p.name);
    const o = slot(p.parentId, p.origName);
    if (this.parked.get(k) === p) this.parked.delete(k);
    if (this.parkedOrig.get(o) === p) this.parkedOrig.delete(o);
  }

  private live(p: Parked<F> | undefined): Parked<F> | undefined {
    if (p && !this.host.item(p.uniqueId)) {
      this.forgetParked(p);
      return undefined;
    }
    return p;
  }
}
