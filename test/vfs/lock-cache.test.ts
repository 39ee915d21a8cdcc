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

void t.test("heldNow: the last answer per version, kept past the TTL, with a change callback", async (t) => {
  let now = 0;
  const changes: string[] = [];
  const src = source([
    { checkedOutToMe: false, lockedBy: "Megan" },
    { checkedOutToMe: false, lockedBy: "Megan" },
    { checkedOutToMe: false },
    { checkedOutToMe: true, checkedOutTo: "Adele" },
    { checkedOutToMe: false, checkedOutTo: "Megan" },
  ]);
  const cache = new LockCache(src, 15_000, () => now, (id) => changes.push(id));
  t.equal(cache.heldNow("u1", "e1"), undefined, "nothing known: not held");
  await cache.get(LIB, "u1", "e1", signal);
  await Promise.resolve();
  t.equal(cache.heldNow("u1", "e1"), "held", "a co-authoring lock by someone else");
  t.equal(cache.heldNow("u1", "e2"), undefined, "another version is not held");
  t.same(changes, ["u1"], "the flip to held was reported");

  now += 16_000;
  t.equal(cache.heldNow("u1", "e1"), "stale", "past the TTL it is still held, as far as anyone knows");
  await cache.get(LIB, "u1", "e1", signal);
  await Promise.resolve();
  t.equal(cache.heldNow("u1", "e1"), "held", "asked again: still held");
  t.same(changes, ["u1"], "no flip, no report");

  now += 16_000;
  await cache.get(LIB, "u1", "e1", signal);
  await Promise.resolve();
  t.equal(cache.heldNow("u1", "e1"), undefined, "the lock ended");
  t.same(changes, ["u1", "u1"], "the flip back was reported");

  await cache.get(LIB, "u2", "e1", signal);
  await Promise.resolve();
  t.equal(cache.heldNow("u2", "e1"), undefined, "checked out to the signed-in user: not held");
  await cache.get(LIB, "u3", "e1", signal);
  await Promise.resolve();
  t.equal(cache.heldNow("u3", "e1"), "held", "checked out to someone else: held");
  cache.drop("u3");
  t.equal(cache.heldNow("u3", "e1"), undefined, "dropped");
  t.same(changes, ["u1", "u1", "u3", "u3"]);
});
