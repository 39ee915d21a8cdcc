import t from "tap";
import { RangeSet } from "../../workers/content/range-set.js";
void t.test("add merges overlapping and touching ranges", (t) => {
    const s = new RangeSet();
    s.add(10, 20);
    s.add(30, 40);
    s.add(20, 25); // touches the first
    t.same(s.toArray(), [
        { start: 10, end: 25 },
        { start: 30, end: 40 },
    ]);
    s.add(0, 100);
    t.same(s.toArray(), [{ start: 0, end: 100 }]);
    t.equal(s.size, 100);
    t.end();
});
void t.test("subtract splits ranges", (t) => {
    const s = RangeSet.from([{ start: 0, end: 100 }]);
    s.subtract(40, 60);
    t.same(s.toArray(), [
        { start: 0, end: 40 },
        { start: 60, end: 100 },
    ]);
    s.subtract(0, 1000);
    t.ok(s.isEmpty);
    t.end();
});
void t.test("holes and covers", (t) => {
    const s = RangeSet.from([
        { start: 10, end: 20 },
        { start: 30, end: 40 },
    ]);
    t.same(s.holes(0, 50), [
        { start: 0, end: 10 },
        { start: 20, end: 30 },
        { start: 40, end: 50 },
    ]);
    t.same(s.holes(12, 18), []);
    t.same(s.holes(15, 35), [{ start: 20, end: 30 }]);
    t.ok(s.covers(10, 20));
    t.notOk(s.covers(10, 21));
    t.ok(s.covers(5, 5), "an empty interval is covered");
    t.end();
});
void t.test("allocated rounds to blocks and counts a shared block once", (t) => {
    const s = RangeSet.from([
        { start: 0, end: 100 },
        { start: 200, end: 300 },
    ]);
    t.equal(s.allocated(4096), 4096);
    s.add(8192, 8193);
    t.equal(s.allocated(4096), 8192);
    t.end();
});
void t.test("JSON round trip ignores junk", (t) => {
    const s = RangeSet.from([{ start: 5, end: 9 }]);
    t.same(RangeSet.fromJSON(JSON.parse(JSON.stringify(s))).toArray(), [{ start: 5, end: 9 }]);
    t.ok(RangeSet.fromJSON("nope").isEmpty);
    t.end();
});
void t.test("randomised: holes and ranges partition the interval", (t) => {
    let seed = 42;
    const rnd = (n) => {
        seed = (seed * 1103515245 + 12345) % 2 ** 31;
        return seed % n;
    };
    for (let round = 0; round < 200; round++) {
        const s = new RangeSet();
        const bits = new Array(200).fill(false);
        for (let i = 0; i < 10; i++) {
            const a = rnd(200);
            const b = a + rnd(40);
            if (rnd(3) === 0) {
                s.subtract(a, b);
                for (let k = a; k < Math.min(b, 200); k++)
                    bits[k] = false;
            }
            else {
                const e = Math.min(b, 200);
                s.add(a, e);
                for (let k = a; k < e; k++)
                    bits[k] = true;
            }
        }
        const fromHoles = new Array(200).fill(true);
        for (const h of s.holes(0, 200))
            for (let k = h.start; k < h.end; k++)
                fromHoles[k] = false;
        if (JSON.stringify(fromHoles) !== JSON.stringify(bits)) {
            t.fail(`round ${round} differs`);
            return;
        }
    }
    t.pass("200 random rounds agree with a bitmap");
    t.end();
});
//# sourceMappingURL=range-set.test.js.map