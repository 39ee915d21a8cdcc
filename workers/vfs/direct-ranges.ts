/**
 * Direct ranges of the tenant file system (mount/types.ts DirectRange): with a read's answer, the
 * cached run of the file from that offset is offered to the platform layer, which then serves the
 * handle's next reads inside it by itself (on Linux the FUSE loop thread splices them: JavaScript
 * sees one request per run instead of one per 128 KiB). A run is taken back when its bytes stop
 * being the file's: `revoke(uniqueId)` (the content cache dropped or replaced the item, an edit
 * starts here), or when the offer comes back already outdated.
 *
 * A held run cannot be evicted, so all of them together stay within a quarter of the cache cap.
 */
import type { ItemReader } from "../content/item-reader.js";
import type { DirectRange } from "../mount/types.js";

/** Shortest cached run worth handing over (the kernel reads 128 KiB at a time). */
export const DIRECT_MIN_BYTES = 256 * 1024;

/** What a read handle carries for this: its item, and how to take its current run back. */
export interface DirectHolder {
  uniqueId: string;
  revokeDirect?: () => void;
}

export class DirectRanges {
  private readonly holders = new Map<string, Set<DirectHolder>>();
  /** Moves on every revocation of an item: an offer made before it is outdated at attach. */
  private readonly generation = new Map<string, number>();
  private heldBytes = 0;

  constructor(private readonly capBytes: () => number) {}

  /**
   * The run from `offset` as a DirectRange for handle `h`, or undefined when none is worth it.
   * `edited()` says whether the file has a working copy here by now (its cached bytes are then
   * not what a read must see).
   */
  offer(h: DirectHolder, reader: ItemReader, offset: number, edited: () => boolean): DirectRange | undefined {
    const room = this.capBytes() / 4 - this.heldBytes;
    if (room < DIRECT_MIN_BYTES) return undefined;
    const run = reader.directRun(offset, DIRECT_MIN_BYTES, room);
    if (!run) return undefined;
    const held = run.end - run.start;
    this.heldBytes += held;
    const generation = this.generation.get(h.uniqueId) ?? 0;
    let revoke: (() => void) | undefined;
    return {
      fd: run.fd,
      position: run.position,
      start: run.start,
      end: run.end,
      atEof: run.atEof,
      attach: (fn) => {
        revoke = fn;
        h.revokeDirect = fn;
        let set = this.holders.get(h.uniqueId);
        if (!set) this.holders.set(h.uniqueId, (set = new Set()));
        set.add(h);
        // Revoked between the read and now (an invalidation, an edit): take it back at once.
        if ((this.generation.get(h.uniqueId) ?? 0) !== generation || edited()) fn();
      },
      release: () => {
        run.release();
        this.heldBytes -= held;
        if (revoke !== undefined && h.revokeDirect === revoke) {
          h.revokeDirect = undefined;
          const set = this.holders.get(h.uniqueId);
          set?.delete(h);
          if (set?.size === 0) this.holders.delete(h.uniqueId);
        }
      },
    };
  }

  /** The item's cached bytes are no longer its content here: every run of it is taken back. */
  revoke(uniqueId: string): void {
    this.generation.set(uniqueId, (this.generation.get(uniqueId) ?? 0) + 1);
    const set = this.holders.get(uniqueId);
    if (!set) return;
    for (const h of [...set]) h.revokeDirect?.();
  }
}
