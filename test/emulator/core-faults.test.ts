// Fault injection on tenant origins: exact counters (throttleNext, resetNext), seeded rates,
// latency and bandwidth as lower bounds only, offline. Observed by a real HTTPS client.
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import t from "tap";
import { fetchJson, startEmulator, type TestEmulator } from "../helpers/emulator.js";

let emu: TestEmulator;
let sp: string;
let token: string;

t.before(async () => {
  emu = await startEmulator({ seed: "demo" });
  sp = emu.tenant("contoso").sharePointUrl;
  token = await emu.token("contoso", "adele");
});
t.teardown(() => emu?.stop());
t.afterEach(() => emu.clearFaults());

const get = (url: string, headers: Record<string, string> = {}): ReturnType<typeof fetchJson> =>
  fetchJson(emu, url, { headers: { Accept: "application/json", Authorization: `Bearer ${token}`, ...headers } });

void t.test("throttleNext answers exactly the next N requests with 429 and Retry-After", async (t) => {
  await emu.setFaults("contoso", { throttleNext: 2, retryAfterSeconds: 7 });
  const a = await get(`${sp}/_api/web`);
  const b = await get(`${sp}/_api/web`);
  const c = await get(`${sp}/_api/web`);
  t.equal(a.status, 429);
  t.equal(a.headers.get("retry-after"), "7");
  t.ok((a.body as Record<string, unknown>)["odata.error"], `SP-shaped body: ${a.text}`);
  t.equal(b.status, 429);
  t.not(c.status, 429, "the third is served");
  const state = await emu.adminGet<{ faults: Record<string, { throttleNext?: number }> }>("/faults");
  t.equal(state.faults.contoso?.throttleNext, 0, "counter used up");

  const fabrikam = emu.ready.tenants.find((x) => x.name !== "contoso");
  if (fabrikam) {
    await emu.setFaults("contoso", { throttleNext: 1 });
    const other = await fetchJson(emu, `${fabrikam.sharePointUrl}/_api/web`);
    t.not(other.status, 429, "faults are per tenant");
  }
});

void t.test("503 and the Graph shape", async (t) => {
  await emu.setFaults("contoso", { throttleNext: 2, throttleStatus: 503 });
  const spRes = await get(`${sp}/_api/web`);
  t.equal(spRes.status, 503);
  t.equal(spRes.headers.get("retry-after"), "1", "default Retry-After");
  const graph = await get(`${sp}/_api/v2.0/drives`);
  t.equal(graph.status, 503);
  t.match(graph.body, { error: { code: String, message: String } }, `Graph-shaped: ${graph.text}`);
  const logged = await emu.requests({ tenant: "contoso" });
  t.ok(logged.filter((e) => e.fault === "throttled").length >= 2, "log marks throttled requests");
});

void t.test("seeded throttleRate repeats its pattern", async (t) => {
  const pattern = async (): Promise<number[]> => {
    await emu.setFaults("contoso", { throttleRate: 0.5, seed: 42, retryAfterSeconds: 0 });
    const out: number[] = [];
    for (let i = 0; i < 16; i++) out.push((await get(`${sp}/_api/web`)).status === 429 ? 1 : 0);
    return out;
  };
  const first = await pattern();
  const second = await pattern();
  t.same(second, first, "same seed, same requests throttled");
  t.ok(first.includes(1) && first.includes(0), `a mix at rate 0.5: ${first.join("")}`);
});

void t.test("latency delays every answer (lower bound only)", async (t) => {
  await emu.setFaults("contoso", { latencyMs: 400 });
  const started = Date.now();
  const res = await get(`${sp}/_api/web`);
  t.ok(res.status > 0);
  t.ok(Date.now() - started >= 350, "at least the latency");
});

void t.test("bandwidth cap slows the body down (lower bound only)", async (t) => {
  const plain = await get(`${sp}/_api/web`);
  const length = Buffer.byteLength(plain.text);
  t.ok(length > 50, `a body to measure (${length} bytes)`);
  const bps = Math.max(64, Math.floor(length / 2));
  await emu.setFaults("contoso", { bytesPerSecond: bps });
  const started = Date.now();
  const capped = await get(`${sp}/_api/web`);
  const elapsed = Date.now() - started;
  t.equal(capped.text, plain.text, "same body, intact");
  t.ok(elapsed >= 0.8 * (length / bps) * 1000, `took ${elapsed} ms for ${length} bytes at ${bps} B/s`);
});

// The demo seed's 5.5 MiB synthetic file: a streamed body, many writes.
const VIDEO = "/sites/marketing/_api/web/GetFileByServerRelativePath(decodedUrl='%2Fsites%2Fmarketing%2FShared%20Documents%2FLaunch%20Video.mp4')/$value";

void t.test("bandwidth cap and reset on a streamed multi-MiB body", async (t) => {
  const plain = await emu.fetch(`${sp}${VIDEO}`, { headers: { Authorization: `Bearer ${token}` } });
  t.equal(plain.status, 200);
  const whole = Buffer.from(await plain.arrayBuffer());
  t.ok(whole.length > 4 * 1024 * 1024, `a large body (${whole.length} bytes)`);

  const bps = 4 * 1024 * 1024;
  await emu.setFaults("contoso", { bytesPerSecond: bps });
  const started = Date.now();
  const capped = await emu.fetch(`${sp}${VIDEO}`, { headers: { Authorization: `Bearer ${token}` } });
  const body = Buffer.from(await capped.arrayBuffer());
  const elapsed = Date.now() - started;
  t.ok(body.equals(whole), "same bytes");
  t.ok(elapsed >= 0.8 * (whole.length / bps) * 1000, `took ${elapsed} ms at ${bps} B/s`);

  const since = await emu.lastRequest();
  await emu.setFaults("contoso", { resetNext: 1, resetAfterBytes: 1_000_000 });
  const cut = await emu.fetch(`${sp}${VIDEO}`, { headers: { Authorization: `Bearer ${token}` } });
  t.equal(cut.status, 200, "headers arrived");
  await t.rejects(cut.arrayBuffer(), "the body is cut");
  const entry = (await emu.requests({ tenant: "contoso", since })).find((e) => e.fault === "reset");
  t.equal(entry?.responseBytes, 1_000_000, "cut after resetAfterBytes");
  const again = await emu.fetch(`${sp}${VIDEO}`, { headers: { Authorization: `Bearer ${token}` } });
  t.ok(Buffer.from(await again.arrayBuffer()).equals(whole), "the next download is whole");
});

void t.test("resetNext cuts exactly the next response mid-body", async (t) => {
  await emu.setFaults("contoso", { resetNext: 1 });
  const res = await emu.fetch(`${sp}/_api/web`, { headers: { Accept: "application/json", Authorization: `Bearer ${token}` } });
  t.ok(res.status > 0, "headers arrived");
  await t.rejects(res.text(), "reading the body fails");
  const next = await get(`${sp}/_api/web`);
  t.ok(next.status > 0 && next.text.length > 0, "the next one is whole");
  const logged = await emu.requests({ tenant: "contoso" });
  t.ok(logged.some((e) => e.fault === "reset"), "log marks the reset");
});

void t.test("offline refuses connections until cleared", async (t) => {
  await emu.setFaults("contoso", { offline: true });
  await t.rejects(emu.fetch(`${sp}/_api/web`), "connection refused or reset");
  await t.rejects(fetch(`${sp}/_api/web`), "a fresh client too");
  const fabrikam = emu.ready.tenants.find((x) => x.name !== "contoso");
  if (fabrikam) t.ok((await fetchJson(emu, `${fabrikam.sharePointUrl}/_api/web`)).status > 0, "other tenants stay up");
  await emu.clearFaults("contoso");
  const back = await get(`${sp}/_api/web`);
  t.ok(back.status > 0, "back online");
});

void t.test("authority faults hit Entra but never the admin API", async (t) => {
  const tenantId = emu.tenant("contoso").tenantId;
  await emu.setFaults("authority", { throttleNext: 1, offline: false });
  const faults = await emu.adminGet<{ faults: Record<string, unknown> }>("/faults");
  t.ok(faults.faults.authority, "admin answered despite throttleNext");
  const oidc = await fetchJson(emu, `${emu.authority}/${tenantId}/v2.0/.well-known/openid-configuration`);
  t.equal(oidc.status, 429);
  t.match(oidc.body, { error: "temporarily_unavailable" }, "OAuth-shaped");
  const again = await fetchJson(emu, `${emu.authority}/${tenantId}/v2.0/.well-known/openid-configuration`);
  t.equal(again.status, 200);
  await emu.setFaults("authority", { offline: true });
  t.equal((await fetchJson(emu, `${emu.admin}/tenants`)).status, 200, "admin reachable while the authority is offline");
  await t.rejects(emu.fetch(`${emu.authority}/${tenantId}/v2.0/.well-known/openid-configuration`), "Entra offline");
  await emu.clearFaults("authority");
});

/** A deadline far above any healthy run: it only turns a hang into a failure. */
const DEADLINE_MS = 60_000;

function withDeadline<T>(p: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${DEADLINE_MS} ms`)), DEADLINE_MS);
  });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

/** The pre-authenticated download URL of a file, as the content engine reads it. */
async function downloadUrl(path: string): Promise<string> {
  const item = await get(`${sp}/sites/marketing/_api/v2.0/drive/root:/${encodeURI(path)}:`);
  const url = (item.body as Record<string, unknown>)["@content.downloadUrl"];
  if (typeof url !== "string") throw new Error(`no download URL: ${item.text}`);
  return url;
}

/** Reads a body until it ends or fails: the bytes that arrived, and the error if any. */
async function drainBody(res: Response | Awaited<ReturnType<TestEmulator["fetch"]>>): Promise<{ bytes: number; error?: unknown }> {
  let bytes = 0;
  const reader = (res.body as ReadableStream<Uint8Array> | null)?.getReader();
  if (!reader) return { bytes };
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return { bytes };
      bytes += value.byteLength;
    }
  } catch (error) {
    return { bytes, error };
  }
}

/** Body bytes a client may see beyond the cut: none for a Content-Length body; allow a little. */
const SLACK = 16 * 1024;

void t.test("a reset closes the connection after resetAfterBytes: Node fetch sees the error", async (t) => {
  const url = await downloadUrl("Launch Video.mp4");
  const limit = 300_000;
  for (const range of [undefined, "bytes=1000000-"]) {
    const since = await emu.lastRequest();
    await emu.setFaults("contoso", { resetNext: 1, resetAfterBytes: limit });
    const got = await withDeadline(
      (async () => {
        const res = await emu.fetch(url, { headers: range ? { Range: range } : {} });
        t.equal(res.status, range ? 206 : 200, "headers arrived");
        return drainBody(res);
      })(),
      "reset download",
    );
    t.ok(got.error, `the body fails (${range ?? "whole"}): ${String(got.error)}`);
    t.ok(got.bytes <= limit + SLACK, `received ${got.bytes} bytes, limit ${limit}`);
    t.ok(got.bytes > 0, "the bytes before the cut arrived");
    const entry = (await emu.requests({ tenant: "contoso", since })).find((e) => e.path.includes("download.aspx"));
    t.equal(entry?.fault, "reset", "logged as reset");
    t.equal(entry?.responseBytes, limit, "cut after resetAfterBytes");
  }
  const whole = await withDeadline(emu.fetch(url).then(drainBody), "next download");
  t.equal(whole.error, undefined, "the next download is whole");
  t.ok(whole.bytes > 5 * 1024 * 1024);
});

void t.test("a reset closes the connection after resetAfterBytes: curl sees the error", async (t) => {
  const url = await downloadUrl("Launch Video.mp4");
  const limit = 200_000;
  const dir = mkdtempSync(join(tmpdir(), "konnekt-test-reset-"));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const out = join(dir, "body");
  await emu.setFaults("contoso", { resetNext: 1, resetAfterBytes: limit });
  const result = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile("curl", ["-sS", "--max-time", String(DEADLINE_MS / 1000), "--cacert", emu.caFile, "-o", out, "-w", "%{http_code} %{size_download}", url], (err, stdout, stderr) => {
      resolve({ code: err ? Number((err as { code?: unknown }).code ?? 1) : 0, stdout, stderr });
    });
  });
  t.not(result.code, 0, `curl fails: ${result.stderr.trim()}`);
  t.not(result.code, 28, "not by its own timeout: the server closed the connection");
  const [status, size] = result.stdout.split(" ").map(Number);
  t.equal(status, 200);
  t.equal(size, statSync(out).size);
  t.ok((size ?? Infinity) <= limit + SLACK && (size ?? 0) > 0, `received ${size} bytes, limit ${limit}`);
});

void t.test("a reset of a body shorter than resetAfterBytes still cuts it (no hang, no whole body)", async (t) => {
  await emu.setFaults("contoso", { resetNext: 1, resetAfterBytes: 50_000_000 });
  const res = await withDeadline(emu.fetch(`${sp}/_api/web`, { headers: { Accept: "application/json", Authorization: `Bearer ${token}` } }), "short body");
  const got = await withDeadline(drainBody(res), "short body");
  t.ok(got.error, "reading the body fails");
  const state = await emu.adminGet<{ faults: Record<string, { resetNext?: number }> }>("/faults");
  t.equal(state.faults.contoso?.resetNext, 0, "the counter is used up");
  t.equal((await get(`${sp}/_api/web`)).status, 200, "the next one is whole");
});

void t.test("throttled download.aspx: 429/503 with Retry-After", async (t) => {
  const url = await downloadUrl("Plan.txt");
  await emu.setFaults("contoso", { throttleNext: 1, retryAfterSeconds: 3 });
  const a = await fetchJson(emu, url);
  t.equal(a.status, 429);
  t.equal(a.headers.get("retry-after"), "3");
  t.ok((a.body as Record<string, unknown>)["odata.error"], `SharePoint-shaped body (not /_api/v2.0): ${a.text}`);
  await emu.setFaults("contoso", { throttleNext: 1, throttleStatus: 503, retryAfterSeconds: 2 });
  const b = await fetchJson(emu, url);
  t.equal(b.status, 503);
  t.equal(b.headers.get("retry-after"), "2");
  const c = await fetchJson(emu, url);
  t.equal(c.status, 200, "then served");
});
