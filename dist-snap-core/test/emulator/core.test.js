// The emulator core through a real child process: ready line, origins, admin API, auth challenge,
// request log, and bad input answered with service-shaped errors (never a crash or a hang).
import t from "tap";
import { existsSync, readFileSync } from "node:fs";
import { connect } from "node:tls";
import { fetchJson, startEmulator } from "../helpers/emulator.js";
let emu;
t.before(async () => {
    emu = await startEmulator({ seed: "demo" });
});
t.teardown(() => emu?.stop());
function spErrorOf(body) {
    const b = body;
    const e = b?.["odata.error"];
    return e ? { code: e.code, message: e.message.value } : undefined;
}
/** Raw TLS request: for bytes fetch would refuse to send. */
function rawRequest(origin, ca, text) {
    const url = new URL(origin);
    return new Promise((resolve, reject) => {
        const socket = connect({ host: url.hostname, port: Number(url.port), ca, servername: "localhost" }, () => socket.write(text));
        let out = "";
        socket.setEncoding("utf8");
        socket.on("data", (d) => (out += d));
        socket.on("end", () => resolve(out));
        socket.on("close", () => resolve(out));
        socket.on("error", reject);
        socket.setTimeout(20_000, () => {
            socket.destroy();
            reject(new Error(`no answer; got so far: ${out}`));
        });
    });
}
void t.test("ready line", (t) => {
    const r = emu.ready;
    t.equal(r.event, "ready");
    t.match(r.authority, /^https:\/\/127\.0\.0\.1:\d+$/);
    t.equal(r.admin, `${r.authority}/admin`);
    t.ok(existsSync(r.caFile), "caFile exists");
    t.match(readFileSync(r.caFile, "utf8"), /BEGIN CERTIFICATE/);
    t.match(r.clientId, /^[0-9a-f-]{36}$/);
    t.ok(r.tenants.length >= 2, "demo seed has at least two tenants");
    const origins = new Set([r.authority, ...r.tenants.map((x) => x.sharePointUrl)]);
    t.equal(origins.size, r.tenants.length + 1, "each tenant has its own origin, distinct from the authority");
    for (const tenant of r.tenants) {
        t.match(tenant.sharePointUrl, /^https:\/\/127\.0\.0\.1:\d+$/);
        t.match(tenant.tenantId, /^[0-9a-f-]{36}$/);
        t.ok(tenant.users.length > 0, `${tenant.name} has users`);
        for (const u of tenant.users)
            t.match(u, /^[^@\s]+@[^@\s]+$/);
    }
    t.ok(emu.tenant("contoso").users.some((u) => u.startsWith("adele@")), "contoso has adele");
    t.end();
});
void t.test("global fetch trusts the emulator CA", async (t) => {
    const res = await fetch(`${emu.admin}/tenants`);
    t.equal(res.status, 200);
    const body = (await res.json());
    t.same(body.tenants.map((x) => [x.name, x.sharePointUrl]), emu.ready.tenants.map((x) => [x.name, x.sharePointUrl]));
});
void t.test("admin tokens, revoke, claims and the 401 challenge", async (t) => {
    const contoso = emu.tenant("contoso");
    const web = `${contoso.sharePointUrl}/_api/web`;
    const anon = await fetchJson(emu, web, { headers: { Accept: "application/json" } });
    t.equal(anon.status, 401, "no token: 401");
    t.type(anon.body.error_description, "string");
    const challenge = anon.headers.get("www-authenticate") ?? "";
    t.match(challenge, new RegExp(`^Bearer realm="${contoso.tenantId}",client_id="00000003-0000-0ff1-ce00-000000000000"`));
    t.match(challenge, `authorization_uri="${emu.authority}/${contoso.tenantId}/oauth2/authorize"`);
    const token = await emu.token("contoso", "adele");
    t.match(token, /^[\w-]+\.[\w-]+\.[\w-]+$/, "a JWT");
    const full = await emu.adminPost("/tokens", { tenant: "contoso", user: contoso.users[0] });
    t.ok(full.expires_in > 0);
    const ok = await fetchJson(emu, web, { headers: { Accept: "application/json", Authorization: `Bearer ${token}` } });
    t.not(ok.status, 401, `token accepted (got ${ok.status} ${ok.text.slice(0, 200)})`);
    // A token for one tenant is not valid on another tenant's origin (audience).
    const fabrikam = emu.ready.tenants.find((x) => x.name !== "contoso");
    if (fabrikam) {
        const cross = await fetchJson(emu, `${fabrikam.sharePointUrl}/_api/web`, { headers: { Authorization: `Bearer ${token}` } });
        t.equal(cross.status, 401, "other tenant's origin refuses the token");
    }
    const unknownUser = await emu.fetch(`${emu.admin}/tokens`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ tenant: "contoso", user: "nobody" }) });
    t.equal(unknownUser.status, 404);
    const unknownTenant = await emu.fetch(`${emu.admin}/tokens`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ tenant: "nowhere", user: "adele" }) });
    t.equal(unknownTenant.status, 404);
    await emu.adminPost("/claims", { tenant: "contoso", user: "adele" });
    const claimed = await fetchJson(emu, web, { headers: { Authorization: `Bearer ${token}` } });
    t.equal(claimed.status, 401, "claims challenge: 401");
    t.match(claimed.headers.get("www-authenticate") ?? "", /error="insufficient_claims", claims="[A-Za-z0-9+/=]+"/);
    const second = await emu.token("contoso", "adele");
    await emu.adminPost("/revoke", { tenant: "contoso", user: "adele" });
    const revoked = await fetchJson(emu, web, { headers: { Authorization: `Bearer ${second}` } });
    t.equal(revoked.status, 401, "revoked session: 401");
});
void t.test("request log records what clients sent, with credentials redacted", async (t) => {
    const since = await emu.lastRequest();
    const contoso = emu.tenant("contoso");
    const token = await emu.token("contoso", "adele");
    await fetchJson(emu, `${contoso.sharePointUrl}/_api/web?$select=Title`, { headers: { Authorization: `Bearer ${token}`, "X-Test-Marker": "m1" } });
    const entries = await emu.requests({ tenant: "contoso", since });
    const mine = entries.filter((e) => e.headers["x-test-marker"] === "m1");
    t.equal(mine.length, 1, "one logged request");
    const e = mine[0];
    t.equal(e?.method, "GET");
    t.equal(e?.path, "/_api/web?$select=Title");
    t.equal(e?.origin, "contoso");
    t.equal(e?.headers.authorization, "Bearer REDACTED");
    t.notMatch(JSON.stringify(entries), token, "the token appears nowhere in the log");
    t.type(e?.status, "number");
    t.ok((e?.responseBytes ?? 0) > 0);
    const other = await emu.requests({ tenant: "fabrikam", since });
    t.notOk(other.some((x) => x.headers["x-test-marker"] === "m1"), "tenant filter");
    await fetchJson(emu, `${contoso.sharePointUrl}/_layouts/15/download.aspx?UniqueId=00000000-0000-0000-0000-000000000000&tempauth=SECRET-TEMPAUTH`);
    const download = (await emu.requests({ tenant: "contoso", since })).find((x) => x.path.includes("download.aspx"));
    t.equal(download?.path, "/_layouts/15/download.aspx?UniqueId=00000000-0000-0000-0000-000000000000&tempauth=REDACTED", "tempauth redacted");
    const admins = await emu.requests({ tenant: "authority", since });
    t.ok(admins.some((x) => x.path === "/admin/tokens"), "authority requests are logged too");
});
void t.test("bad input gets service-shaped errors and the emulator keeps answering", async (t) => {
    const sp = emu.tenant("contoso").sharePointUrl;
    const badPct = await fetchJson(emu, `${sp}/sites/x/_api/web/GetFolderByServerRelativePath(decodedUrl='%ZZ%')`, { headers: { Accept: "application/json" } });
    t.equal(badPct.status, 400, "malformed percent-encoding: 400");
    t.ok(spErrorOf(badPct.body), `SP-shaped: ${badPct.text}`);
    const verbose = await fetchJson(emu, `${sp}/_api/%E0%A4%A`, { headers: { Accept: "application/json;odata=verbose" } });
    t.equal(verbose.status, 400);
    t.ok(verbose.body.error, "verbose dialect: {error:…}");
    const unknown = await fetchJson(emu, `${sp}/_api/NoSuchThing_${Date.now()}`, { headers: { Accept: "application/json" } });
    t.ok(unknown.status === 404 || unknown.status === 400 || unknown.status === 401, `unknown /_api/ route: ${unknown.status}`);
    if (unknown.status !== 401)
        t.ok(spErrorOf(unknown.body), `SP-shaped: ${unknown.text}`);
    const propfind = await fetchJson(emu, `${sp}/_api/web`, { method: "PROPFIND", headers: { Accept: "application/json" } });
    t.ok(propfind.status >= 400 && propfind.status < 500, `unknown method: ${propfind.status}`);
    t.ok(spErrorOf(propfind.body) ?? propfind.body.error_description, `shaped: ${propfind.text}`);
    const badJson = await emu.fetch(`${emu.admin}/tokens`, { method: "POST", headers: { "Content-Type": "application/json" }, body: "{not json" });
    t.equal(badJson.status, 400, "bad JSON: 400");
    t.match(await badJson.json(), { error: "invalid_request", error_description: /JSON/ });
    const huge = Buffer.alloc(3 * 1024 * 1024, 0x20);
    const tooBig = await emu.fetch(`${emu.admin}/tokens`, { method: "POST", headers: { "Content-Type": "application/json" }, body: huge });
    t.equal(tooBig.status, 413, "body above the JSON limit: 413");
    t.match(await tooBig.json(), { error_description: /too big/ });
    // The same limits on a SharePoint endpoint that reads JSON: SharePoint-shaped errors.
    const token = await emu.token("contoso", "adele");
    const jsonHeaders = { Authorization: `Bearer ${token}`, Accept: "application/json", "Content-Type": "application/json;charset=utf-8" };
    const spBadJson = await fetchJson(emu, `${sp}/sites/marketing/_api/web/folders`, { method: "POST", headers: jsonHeaders, body: "{bad" });
    t.equal(spBadJson.status, 400, "SharePoint: bad JSON 400");
    t.match(spErrorOf(spBadJson.body), { code: /InvalidClientQueryException/, message: /JSON/ }, spBadJson.text);
    const spHuge = await fetchJson(emu, `${sp}/sites/marketing/_api/web/folders`, { method: "POST", headers: jsonHeaders, body: huge });
    t.equal(spHuge.status, 413, "SharePoint: huge JSON body 413");
    t.match(spErrorOf(spHuge.body), { message: /too big/ }, spHuge.text);
    const spMethod = await fetchJson(emu, `${sp}/sites/marketing/_api/web`, { method: "PROPFIND", headers: jsonHeaders });
    t.ok(spMethod.status === 405 || spMethod.status === 400, `unknown method on a known resource: ${spMethod.status}`);
    t.ok(spErrorOf(spMethod.body), spMethod.text);
    const garbage = await rawRequest(sp, emu.caPem, "THIS IS NOT HTTP\r\n\r\n");
    t.match(garbage, /^HTTP\/1\.1 400/, "unparseable request: 400");
    t.match(garbage, /odata\.error/);
    const after = await emu.adminGet("/tenants");
    t.equal(after.tenants.length, emu.ready.tenants.length, "the emulator still answers");
    t.equal(emu.process.exitCode, null, "still running");
});
void t.test("admin rejects bad fault settings", async (t) => {
    const res = await emu.fetch(`${emu.admin}/faults`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ tenant: "contoso", throttleRate: 7 }) });
    t.equal(res.status, 400);
    t.match(await res.json(), { error_description: /throttleRate/ });
    const typo = await emu.fetch(`${emu.admin}/faults`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ tenant: "contoso", latency: 5 }) });
    t.equal(typo.status, 400, "unknown key refused");
    const faults = await emu.adminGet("/faults");
    t.same(faults.faults, {}, "nothing applied");
});
//# sourceMappingURL=core.test.js.map