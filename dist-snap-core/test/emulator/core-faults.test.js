// Fault injection on tenant origins: exact counters (throttleNext, resetNext), seeded rates,
// latency and bandwidth as lower bounds only, offline. Observed by a real HTTPS client.
import t from "tap";
import { fetchJson, startEmulator } from "../helpers/emulator.js";
let emu;
let sp;
let token;
t.before(async () => {
    emu = await startEmulator({ seed: "demo" });
    sp = emu.tenant("contoso").sharePointUrl;
    token = await emu.token("contoso", "adele");
});
t.teardown(() => emu?.stop());
t.afterEach(() => emu.clearFaults());
const get = (url, headers = {}) => fetchJson(emu, url, { headers: { Accept: "application/json", Authorization: `Bearer ${token}`, ...headers } });
void t.test("throttleNext answers exactly the next N requests with 429 and Retry-After", async (t) => {
    await emu.setFaults("contoso", { throttleNext: 2, retryAfterSeconds: 7 });
    const a = await get(`${sp}/_api/web`);
    const b = await get(`${sp}/_api/web`);
    const c = await get(`${sp}/_api/web`);
    t.equal(a.status, 429);
    t.equal(a.headers.get("retry-after"), "7");
    t.ok(a.body["odata.error"], `SP-shaped body: ${a.text}`);
    t.equal(b.status, 429);
    t.not(c.status, 429, "the third is served");
    const state = await emu.adminGet("/faults");
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
    const pattern = async () => {
        await emu.setFaults("contoso", { throttleRate: 0.5, seed: 42, retryAfterSeconds: 0 });
        const out = [];
        for (let i = 0; i < 16; i++)
            out.push((await get(`${sp}/_api/web`)).status === 429 ? 1 : 0);
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
    if (fabrikam)
        t.ok((await fetchJson(emu, `${fabrikam.sharePointUrl}/_api/web`)).status > 0, "other tenants stay up");
    await emu.clearFaults("contoso");
    const back = await get(`${sp}/_api/web`);
    t.ok(back.status > 0, "back online");
});
void t.test("authority faults hit Entra but never the admin API", async (t) => {
    const tenantId = emu.tenant("contoso").tenantId;
    await emu.setFaults("authority", { throttleNext: 1, offline: false });
    const faults = await emu.adminGet("/faults");
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
//# sourceMappingURL=core-faults.test.js.map