// LockCache: when a holder answer is reused and when SharePoint is asked again. A counting source
// and a hand-moved clock stand in for the service (the end-to-end path is in holders.test.ts).
import t from "tap";
import { KonnektError } from "../../workers/errors.js";
import type { LibraryInfo } from "../../workers/tenant/discovery/discover.js";
import { LockCache, type LockSource, type LockState } from "../../workers/vfs/lock-probe.js";

const LIB = { webUrl: "https://contoso.example/sites/x", driveId: "d" } as unknown as LibraryInfo;
const signal = new AbortController().signal;

function source(answers: (LockState | Error)[]): LockSource & { calls: number } {
  const s = {
    calls: 0,
    state(): Promise<LockState> {
      const a = answers[Math.min(s.calls++, answers.length - 1)]!;
      return a instanceof Error ? Promise.reject(a) : Promise.resolve(a);
    },
  };
  return s;
}

void t.test("answers are reused per ETag within the age bound", async (t) => {
  let now = 1_000;
  const src = source([{ checkedOutToMe: false }, { checkedOutToMe: false, lockedBy: "Megan" }]);
  const cache = new LockCache(src, 15_000, () => now);
  t.same(await cache.get(LIB, "u1", "e1", signal), { checkedOutToMe: false });
  t.same(await cache.get(LIB, "u1", "e1", signal), { checkedOutToMe: false }, "same ETag, fresh: reused");
  t.equal(src.calls, 1);
  t.same(await cache.known("u1", "e1"), { checkedOutToMe: false }, "known without asking");
  t.equal(await cache.known("u1", "e2"), undefined, "another ETag is not known");

  now += 6_000;
  t.same(await cache.get(LIB, "u1", "e1", signal, 5_000), { checkedOutToMe: false, lockedBy: "Megan" }, "older than a caller's bound: asked again");
  t.equal(src.calls, 2);
  t.same(await cache.get(LIB, "u1", "e1", signal), { checkedOutToMe: false, lockedBy: "Megan" }, "the new answer is reused");
  t.equal(src.calls, 2);

  t.same(await cache.get(LIB, "u1", "e2", signal), { checkedOutToMe: false, lockedBy: "Megan" }, "a new ETag asks again");
  t.equal(src.calls, 3);

  now += 16_000;
  t.equal(await cache.known("u1", "e2"), undefined, "past the TTL nothing is known");
  await cache.get(LIB, "u1", "e2", signal);
  t.equal(src.calls, 4, "past the TTL: asked again");
});

void t.test("failures are not remembered", async (t) => {
  const src = source([new KonnektError("offline", "no network"), { checkedOutToMe: false }]);
  const cache = new LockCache(src, 15_000, () => 0);
  await t.rejects(cache.get(LIB, "u1", "e1", signal), { code: "offline" });
  t.equal(await cache.known("u1", "e1"), undefined);
  t.same(await cache.get(LIB, "u1", "e1", signal), { checkedOutToMe: false }, "the next caller asks again");
  t.equal(src.calls, 2);
});
