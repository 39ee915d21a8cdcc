import t from "tap";
import { errorForStatus, retryAfterMs, shouldRetry } from "../../workers/retry.js";

const policy = { maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 10_000 };

void t.test("429/503 honour Retry-After (seconds and HTTP date), capped", (t) => {
  t.same(shouldRetry({ status: 429, headers: { "retry-after": "3" } }, 1, policy), { retry: true, delayMs: 3000 });
  t.same(shouldRetry({ status: 503, headers: { "retry-after": "9999" } }, 1, policy), { retry: true, delayMs: 10_000 });
  const now = Date.parse("2026-11-27T12:00:00Z");
  t.equal(retryAfterMs({ "retry-after": "Fri, 27 Nov 2026 12:00:05 GMT" }, now), 5000);
  t.equal(retryAfterMs({}), undefined);
  t.end();
});

void t.test("network failures retry with backoff; the budget, cancellation and final statuses stop it", (t) => {
  const reset = Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET" });
  const d = shouldRetry({ error: reset }, 1, policy);
  t.ok(d.retry && d.delayMs >= 50 && d.delayMs <= 100, "jittered first backoff");
  t.same(shouldRetry({ error: reset }, 4, policy), { retry: false }, "attempts spent");
  const ac = new AbortController();
  ac.abort();
  t.same(shouldRetry({ status: 429 }, 1, policy, ac.signal), { retry: false }, "cancelled never retries");
  t.same(shouldRetry({ status: 507 }, 1, policy), { retry: false });
  t.same(shouldRetry({ status: 404 }, 1, policy), { retry: false });
  t.same(shouldRetry({ error: new Error("boom") }, 1, policy), { retry: false }, "unknown errors are not retried");
  t.end();
});

void t.test("final statuses map to the error vocabulary", (t) => {
  const cases: Array<[number, string]> = [
    [412, "conflict"],
    [423, "locked"],
    [429, "throttled"],
    [401, "notSignedIn"],
    [403, "accessDenied"],
    [404, "notFound"],
    [507, "quotaExceeded"],
    [500, "serviceError"],
  ];
  for (const [status, code] of cases) t.equal(errorForStatus(status, "x").code, code, String(status));
  t.equal(errorForStatus(429, "x", { "retry-after": "7" }).data.retryAfterSeconds, 7);
  t.end();
});
