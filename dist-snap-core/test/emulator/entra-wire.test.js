// The emulator's Entra ID on the wire (plain HTTPS): discovery documents and keys, the device code
// page and polling errors, token lifetime from config, SharePoint's 401 descriptions for expired,
// garbled, foreign and wrong-audience tokens, Entra-shaped errors for bad input, and state that
// survives a restart.
import t from "tap";
import { createPrivateKey, createPublicKey, createSign, createVerify, generateKeyPairSync } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fetchJson, startEmulator } from "../helpers/emulator.js";
let emu;
t.before(async () => {
    emu = await startEmulator({ seed: "demo", config: { accessTokenLifetimeSeconds: 4000, deviceCodeLifetimeSeconds: 3, deviceCodeIntervalSeconds: 1 } });
});
t.teardown(() => emu?.stop());
const FORM = { "Content-Type": "application/x-www-form-urlencoded" };
function claimsOf(jwt) {
    return JSON.parse(Buffer.from(jwt.split(".")[1] ?? "", "base64url").toString("utf8"));
}
function headerOf(jwt) {
    return JSON.parse(Buffer.from(jwt.split(".")[0] ?? "", "base64url").toString("utf8"));
}
function sign(header, payload, key) {
    const input = `${Buffer.from(JSON.stringify({ alg: "RS256", typ: "JWT", ...header })).toString("base64url")}.${Buffer.from(JSON.stringify(payload)).toString("base64url")}`;
    return `${input}.${createSign("RSA-SHA256").update(input).sign(key).toString("base64url")}`;
}
function post(e, path, body) {
    return fetchJson(e, `${e.authority}${path}`, { method: "POST", headers: FORM, body: new URLSearchParams(body).toString() });
}
async function spStatus(e, origin, authorization) {
    const res = await fetchJson(e, `${origin}/_api/web`, { headers: { Accept: "application/json", ...(authorization !== undefined ? { Authorization: authorization } : {}) } });
    const body = res.body;
    return { status: res.status, description: body?.error_description, challenge: res.headers.get("www-authenticate") };
}
function assertEntraError(t, res, status, error, code) {
    t.equal(res.status, status, `status for ${error}`);
    const body = res.body;
    t.equal(body.error, error);
    t.same(body.error_codes, [code]);
    t.match(body.error_description, new RegExp(`^AADSTS${code}: .* Trace ID: [0-9a-f-]{36} Correlation ID: [0-9a-f-]{36} Timestamp: \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\dZ$`));
    t.match(body.trace_id, /^[0-9a-f-]{36}$/);
    t.equal(res.headers.get("retry-after"), null, "no Retry-After on Entra errors (MSAL would throttle itself, B.7)");
}
void t.test("OpenID metadata, keys and instance discovery", async (t) => {
    const contoso = emu.tenant("contoso");
    const a = emu.authority;
    for (const path of [`/${contoso.tenantId}/v2.0/.well-known/openid-configuration`, `/contoso/v2.0/.well-known/openid-configuration`, `/contoso.onmicrosoft.com/.well-known/openid-configuration`]) {
        const res = await fetchJson(emu, `${a}${path}`);
        t.equal(res.status, 200, path);
        t.match(res.body, {
            issuer: `${a}/${contoso.tenantId}/v2.0`,
            token_endpoint: `${a}/${contoso.tenantId}/oauth2/v2.0/token`,
            authorization_endpoint: `${a}/${contoso.tenantId}/oauth2/v2.0/authorize`,
            device_authorization_endpoint: `${a}/${contoso.tenantId}/oauth2/v2.0/devicecode`,
            jwks_uri: `${a}/${contoso.tenantId}/discovery/v2.0/keys`,
        });
    }
    const orgs = await fetchJson(emu, `${a}/organizations/v2.0/.well-known/openid-configuration`);
    t.match(orgs.body, { issuer: `${a}/{tenantid}/v2.0`, token_endpoint: `${a}/organizations/oauth2/v2.0/token` });
    const unknown = await fetchJson(emu, `${a}/nosuchtenant/v2.0/.well-known/openid-configuration`);
    assertEntraError(t, unknown, 400, "invalid_tenant", 90002);
    const keys = await fetchJson(emu, `${a}/${contoso.tenantId}/discovery/v2.0/keys`);
    const jwk = keys.body.keys[0];
    t.match(jwk, { kty: "RSA", use: "sig", e: "AQAB" });
    const token = await emu.token("contoso", "adele");
    t.equal(headerOf(token)["kid"], jwk?.["kid"], "tokens are signed with the published key");
    const [h, p, s] = token.split(".");
    const key = createPublicKey({ key: jwk, format: "jwk" });
    t.ok(createVerify("RSA-SHA256").update(`${h}.${p}`).verify(key, Buffer.from(s ?? "", "base64url")), "signature verifies with the JWKS key");
    const inst = await fetchJson(emu, `${a}/common/discovery/instance?api-version=1.1&authorization_endpoint=${encodeURIComponent(`${a}/contoso/oauth2/v2.0/authorize`)}`);
    const host = new URL(a).host;
    t.match(inst.body, { tenant_discovery_endpoint: `${a}/contoso/v2.0/.well-known/openid-configuration`, metadata: [{ preferred_network: host, aliases: [host] }] });
});
void t.test("token lifetime comes from config", async (t) => {
    const contoso = emu.tenant("contoso");
    const admin = await emu.adminPost("/tokens", { tenant: "contoso", user: "adele" });
    t.equal(admin.expires_in, 4000);
    const c = claimsOf(admin.access_token);
    t.equal(Number(c["exp"]) - Number(c["iat"]), 4000);
    const dc = await post(emu, `/${contoso.tenantId}/oauth2/v2.0/devicecode`, { client_id: emu.clientId, scope: `${contoso.sharePointUrl}/.default openid profile offline_access` });
    const { device_code, user_code } = dc.body;
    await emu.adminPost("/device/approve", { userCode: user_code, user: "megan" });
    const tok = await post(emu, `/${contoso.tenantId}/oauth2/v2.0/token`, { client_id: emu.clientId, grant_type: "device_code", device_code, client_info: "1", scope: `${contoso.sharePointUrl}/.default openid profile offline_access` });
    t.equal(tok.status, 200);
    const body = tok.body;
    t.equal(body["expires_in"], 4000);
    t.equal(body["ext_expires_in"], 4000);
    t.equal(body["token_type"], "Bearer");
    t.equal(body["scope"], `${contoso.sharePointUrl}/.default openid profile offline_access`);
    t.ok(body["refresh_token"]);
    const info = JSON.parse(Buffer.from(String(body["client_info"]), "base64url").toString("utf8"));
    t.equal(info["utid"], contoso.tenantId);
    t.equal(info["uid"], claimsOf(String(body["access_token"]))["oid"]);
    t.equal(tok.headers.get("cache-control"), "no-store, no-cache");
});
void t.test("SharePoint refuses expired, garbled, foreign and wrong-audience tokens", async (t) => {
    const contoso = emu.tenant("contoso");
    const fabrikam = emu.tenant("fabrikam");
    const good = await emu.token("contoso", "adele");
    t.equal((await spStatus(emu, contoso.sharePointUrl, `Bearer ${good}`)).status, 200);
    const wrongAud = await spStatus(emu, fabrikam.sharePointUrl, `Bearer ${good}`);
    t.equal(wrongAud.status, 401);
    t.equal(wrongAud.description, `Invalid audience Uri '${contoso.sharePointUrl}'.`);
    const garbled = await spStatus(emu, contoso.sharePointUrl, "Bearer not.a.jwt");
    t.equal(garbled.status, 401);
    t.equal(garbled.description, "Invalid issuer or signature.");
    t.match(garbled.challenge ?? "", /^Bearer realm="/);
    // Same claims, signed by a key that is not the emulator's.
    const { privateKey: stranger } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const claims = claimsOf(good);
    const kid = headerOf(good)["kid"];
    const foreign = await spStatus(emu, contoso.sharePointUrl, `Bearer ${sign({ kid, x5t: kid }, claims, stranger)}`);
    t.equal(foreign.description, "Invalid issuer or signature.");
    // Signed with the emulator's own key (kept in its data dir), but expired.
    const own = createPrivateKey(readFileSync(join(emu.dataDir, "entra", "signing-key.pem"), "utf8"));
    const now = Math.floor(Date.now() / 1000);
    const expired = await spStatus(emu, contoso.sharePointUrl, `Bearer ${sign({ kid, x5t: kid }, { ...claims, iat: now - 7200, nbf: now - 7200, exp: now - 3600 }, own)}`);
    t.equal(expired.status, 401);
    t.equal(expired.description, "Invalid JWT token. The token is expired.");
    // A v2 issuer (as a Graph or foreign token would carry) is not SharePoint's.
    const v2 = await spStatus(emu, contoso.sharePointUrl, `Bearer ${sign({ kid, x5t: kid }, { ...claims, iss: `${emu.authority}/${contoso.tenantId}/v2.0` }, own)}`);
    t.equal(v2.description, "Invalid issuer or signature.");
    const noKid = await spStatus(emu, contoso.sharePointUrl, `Bearer ${sign({}, claims, own)}`);
    t.equal(noKid.description, "Invalid JWT token. No certificate thumbprint specified in token header.");
    const none = await spStatus(emu, contoso.sharePointUrl, undefined);
    t.equal(none.status, 401);
});
void t.test("device code: the /devicelogin page, pending, declined, expired, bad codes", async (t) => {
    const contoso = emu.tenant("contoso");
    const scope = `${contoso.sharePointUrl}/.default openid profile offline_access`;
    const start = async () => {
        const res = await post(emu, `/${contoso.tenantId}/oauth2/v2.0/devicecode`, { client_id: emu.clientId, scope });
        t.equal(res.status, 200);
        t.match(res.body, { verification_uri: `${emu.authority}/devicelogin`, expires_in: 3, interval: 1 });
        return res.body;
    };
    const poll = (device_code, grant_type = "device_code") => post(emu, `/${contoso.tenantId}/oauth2/v2.0/token`, { client_id: emu.clientId, grant_type, device_code, scope });
    // The browser page: enter code and account.
    const a = await start();
    assertEntraError(t, await poll(a.device_code), 400, "authorization_pending", 70016);
    const page = await emu.fetch(`${emu.authority}/devicelogin`);
    t.equal(page.status, 200);
    const html = await page.text();
    t.match(html, /<form method="post" action="\/devicelogin">/);
    t.match(html, /name="otc"/);
    const wrong = await emu.fetch(`${emu.authority}/devicelogin`, { method: "POST", headers: FORM, body: new URLSearchParams({ otc: "ZZZZZZZZZ", login: "adele", action: "approve" }).toString() });
    t.match(await wrong.text(), /That code didn&#39;t work/);
    const ok = await emu.fetch(`${emu.authority}/devicelogin`, { method: "POST", headers: FORM, body: new URLSearchParams({ otc: a.user_code.toLowerCase(), login: "nestor", action: "approve" }).toString() });
    t.match(await ok.text(), /You have signed in to the Konnekt application on your device as nestor@contoso\.onmicrosoft\.com/);
    const issued = await poll(a.device_code, "urn:ietf:params:oauth:grant-type:device_code");
    t.equal(issued.status, 200, "the RFC 8628 grant name works too");
    t.equal(claimsOf(String(issued.body["access_token"]))["upn"], "nestor@contoso.onmicrosoft.com");
    assertEntraError(t, await poll(a.device_code), 400, "bad_verification_code", 70000);
    // Declined.
    const b = await start();
    await emu.adminPost("/device/approve", { userCode: b.user_code, decline: true });
    assertEntraError(t, await poll(b.device_code), 400, "authorization_declined", 65004);
    // Expired (lifetime 3 s in this emulator): poll with a deadline until the code has expired.
    const c = await start();
    const deadline = Date.now() + 30_000;
    let last = await poll(c.device_code);
    while (last.body.error === "authorization_pending" && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 250));
        last = await poll(c.device_code);
    }
    assertEntraError(t, last, 400, "expired_token", 70020);
    const late = await fetchJson(emu, `${emu.admin}/device/approve`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ userCode: c.user_code, user: "adele" }) });
    t.equal(late.status, 400, "an expired code cannot be approved");
    const unknownUser = await fetchJson(emu, `${emu.admin}/device/approve`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ userCode: (await start()).user_code, user: "nobody" }) });
    t.equal(unknownUser.status, 404);
});
void t.test("bad input gets Entra-shaped errors", async (t) => {
    const contoso = emu.tenant("contoso");
    const tokenPath = `/${contoso.tenantId}/oauth2/v2.0/token`;
    assertEntraError(t, await post(emu, tokenPath, {}), 400, "invalid_request", 900144);
    assertEntraError(t, await post(emu, tokenPath, { grant_type: "password", client_id: emu.clientId }), 400, "unsupported_grant_type", 70003);
    assertEntraError(t, await post(emu, tokenPath, { grant_type: "refresh_token" }), 400, "invalid_request", 900144);
    assertEntraError(t, await post(emu, tokenPath, { grant_type: "refresh_token", client_id: "00000000-0000-0000-0000-000000000001", refresh_token: "x" }), 400, "unauthorized_client", 700016);
    assertEntraError(t, await post(emu, tokenPath, { grant_type: "refresh_token", client_id: emu.clientId, refresh_token: "garbage", scope: `${contoso.sharePointUrl}/.default` }), 400, "invalid_grant", 9002313);
    assertEntraError(t, await post(emu, tokenPath, { grant_type: "authorization_code", client_id: emu.clientId, code: "nope", redirect_uri: "http://localhost" }), 400, "invalid_grant", 70000);
    assertEntraError(t, await post(emu, tokenPath, { grant_type: "device_code", client_id: emu.clientId, device_code: "nope" }), 400, "bad_verification_code", 70000);
    assertEntraError(t, await post(emu, tokenPath, { grant_type: "device_code", client_id: emu.clientId, device_code: "x", client_secret: "s" }), 401, "invalid_client", 700025);
    // A JSON body carries no form parameters for Entra.
    const json = await fetchJson(emu, `${emu.authority}${tokenPath}`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ grant_type: "device_code" }) });
    assertEntraError(t, json, 400, "invalid_request", 900144);
    const dcPath = `/${contoso.tenantId}/oauth2/v2.0/devicecode`;
    assertEntraError(t, await post(emu, dcPath, { scope: "openid" }), 400, "invalid_request", 900144);
    assertEntraError(t, await post(emu, dcPath, { client_id: emu.clientId }), 400, "invalid_request", 900144);
    assertEntraError(t, await post(emu, dcPath, { client_id: "not-registered", scope: "openid" }), 400, "unauthorized_client", 700016);
    assertEntraError(t, await post(emu, dcPath, { client_id: emu.clientId, scope: "https://unknown.example/.default" }), 400, "invalid_resource", 500011);
    assertEntraError(t, await post(emu, dcPath, { client_id: emu.clientId, scope: `${emu.tenant("fabrikam").sharePointUrl}/.default` }), 400, "invalid_resource", 500011);
    assertEntraError(t, await post(emu, dcPath, { client_id: emu.clientId, scope: `${contoso.sharePointUrl}/.default ${emu.tenant("fabrikam").sharePointUrl}/.default` }), 400, "invalid_request", 28000);
    assertEntraError(t, await post(emu, `/nosuchtenant/oauth2/v2.0/token`, { grant_type: "device_code" }), 400, "invalid_tenant", 90002);
    // The authorize endpoint: unknown client is a page, not a redirect; a bad response_type goes back to the app.
    const page = await emu.fetch(`${emu.authority}/${contoso.tenantId}/oauth2/v2.0/authorize?client_id=nope&redirect_uri=http%3A%2F%2Flocalhost%3A1%2F&response_type=code&scope=openid`, { redirect: "manual" });
    t.equal(page.status, 400);
    t.match(await page.text(), /AADSTS700016/);
    const rt = await emu.fetch(`${emu.authority}/${contoso.tenantId}/oauth2/v2.0/authorize?client_id=${emu.clientId}&redirect_uri=http%3A%2F%2Flocalhost%3A1%2F&response_type=token&scope=openid&state=z`, { redirect: "manual" });
    t.equal(rt.status, 302);
    const loc = new URL(rt.headers.get("location") ?? "");
    t.equal(loc.searchParams.get("error"), "unsupported_response_type");
    t.equal(loc.searchParams.get("state"), "z");
});
void t.test("signing key, refresh tokens and revocations survive a restart", async (t) => {
    const dataDir = mkdtempSync(join(tmpdir(), "konnekt-entra-restart-"));
    t.teardown(() => rmSync(dataDir, { recursive: true, force: true }));
    const first = await startEmulator({ seed: "demo", dataDir });
    let stopped = false;
    t.teardown(async () => {
        if (!stopped)
            await first.stop();
    });
    const contoso = first.tenant("contoso");
    const scope = `${contoso.sharePointUrl}/.default openid profile offline_access`;
    const signIn = async (e, user) => {
        const dc = await post(e, `/${contoso.tenantId}/oauth2/v2.0/devicecode`, { client_id: e.clientId, scope });
        const { device_code, user_code } = dc.body;
        await e.adminPost("/device/approve", { userCode: user_code, user });
        const tok = await post(e, `/${contoso.tenantId}/oauth2/v2.0/token`, { client_id: e.clientId, grant_type: "device_code", device_code, scope });
        t.equal(tok.status, 200);
        return tok.body;
    };
    const adele = await signIn(first, "adele");
    const megan = await signIn(first, "megan");
    await first.adminPost("/revoke", { tenant: "contoso", user: "megan" });
    const keysBefore = (await fetchJson(first, `${first.authority}/${contoso.tenantId}/discovery/v2.0/keys`)).body;
    await first.stop();
    stopped = true;
    const second = await startEmulator({ seed: "demo", dataDir });
    t.teardown(() => second.stop());
    const keysAfter = (await fetchJson(second, `${second.authority}/${contoso.tenantId}/discovery/v2.0/keys`)).body;
    t.same(keysAfter, keysBefore, "same signing key");
    const refreshed = await post(second, `/${contoso.tenantId}/oauth2/v2.0/token`, { client_id: second.clientId, grant_type: "refresh_token", refresh_token: adele.refresh_token, scope });
    t.equal(refreshed.status, 200, "refresh token from before the restart works");
    const revoked = await post(second, `/${contoso.tenantId}/oauth2/v2.0/token`, { client_id: second.clientId, grant_type: "refresh_token", refresh_token: megan.refresh_token, scope });
    assertEntraError(t, revoked, 400, "invalid_grant", 50173);
    t.equal(revoked.body.suberror, "bad_token");
});
//# sourceMappingURL=entra-wire.test.js.map