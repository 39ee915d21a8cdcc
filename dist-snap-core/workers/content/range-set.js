/**
 * A set of half-open byte ranges [start, end), kept sorted, disjoint and merged (touching ranges
 * join). It records which bytes of a cache segment are present; all operations are O(n) in the
 * number of ranges, which stays small because fetches are chunk-aligned.
 */
export class RangeSet {
    ranges = [];
    static from(ranges) {
        const set = new RangeSet();
        for (const r of ranges)
            set.add(r.start, r.end);
        return set;
    }
    /** Adds [start, end), merging with neighbours it overlaps or touches. */
    add(start, end) {
        if (!(end > start))
            return;
        const out = [];
        let s = start;
        let e = end;
        let placed = false;
        for (const r of this.ranges) {
            if (r.end < s)
                out.push(r);
            else if (r.start > e) {
                if (!placed) {
                    out.push({ start: s, end: e });
                    placed = true;
                }
                out.push(r);
            }
            else {
                s = Math.min(s, r.start);
                e = Math.max(e, r.end);
            }
        }
        if (!placed)
            out.push({ start: s, end: e });
        this.ranges = out;
    }
    /** Removes [start, end) from the set. */
    subtract(start, end) {
        if (!(end > start))
            return;
        const out = [];
        for (const r of this.ranges) {
            if (r.end <= start || r.start >= end) {
                out.push(r);
                continue;
            }
            if (r.start < start)
                out.push({ start: r.start, end: start });
            if (r.end > end)
                out.push({ start: end, end: r.end });
        }
        this.ranges = out;
    }
    /** True when every byte of [start, end) is present. An empty interval is always covered. */
    covers(start, end) {
        if (!(end > start))
            return true;
        for (const r of this.ranges) {
            if (r.start <= start && r.end >= end)
                return true;
            if (r.start > start)
                return false;
        }
        return false;
    }
    /** The missing sub-ranges of [start, end), in order. */
    holes(start, end) {
        const out = [];
        let cursor = start;
        for (const r of this.ranges) {
            if (r.end <= cursor)
                continue;
            if (r.start >= end)
                break;
            if (r.start > cursor)
                out.push({ start: cursor, end: Math.min(r.start, end) });
            cursor = Math.max(cursor, r.end);
            if (cursor >= end)
                break;
        }
        if (cursor < end)
            out.push({ start: cursor, end });
        return out;
    }
    /** Total bytes present. */
    get size() {
        let n = 0;
        for (const r of this.ranges)
            n += r.end - r.start;
        return n;
    }
    /** Bytes the file system allocates for these ranges when blocks are `blockSize` bytes. */
    allocated(blockSize) {
        let n = 0;
        let lastBlockEnd = -1;
        for (const r of this.ranges) {
            let s = Math.floor(r.start / blockSize) * blockSize;
            const e = Math.ceil(r.end / blockSize) * blockSize;
            if (s < lastBlockEnd)
                s = lastBlockEnd; // two ranges sharing a block count it once
            if (e > s)
                n += e - s;
            lastBlockEnd = Math.max(lastBlockEnd, e);
        }
        return n;
    }
    get isEmpty() {
        return this.ranges.length === 0;
    }
    toArray() {
        return this.ranges.map((r) => ({ start: r.start, end: r.end }));
    }
    clone() {
        return RangeSet.from(this.ranges);
    }
    toJSON() {
        return this.ranges.map((r) => [r.start, r.end]);
    }
    static fromJSON(value) {
        const set = new RangeSet();
        if (!Array.isArray(value))
            return set;
        for (const pair of value) {
            if (Array.isArray(pair) && typeof pair[0] === "number" && typeof pair[1] === "number")
                set.add(pair[0], pair[1]);
        }
        return set;
    }
}
//# sourceMappingURL=range-set.js.map