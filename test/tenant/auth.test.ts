import t from "tap";
import { statSync } from "node:fs";
import { join } from "node:path";
import { TenantEngine } from "../../workers/tenant/engine.js";
import { KonnektError } from "../../workers/errors.js";
import { emulatorForTenants, engineOptions, signInWithDeviceCode, tempDir } from "./helpers.js";
import { selfSignedCertificate } from "../helpers/certs.js";

void t.test("device code sign-in, silent reuse from the persisted cache, revocation", async (t) => {
  const emu = await emulatorForTenants();
  t.teardown(() => emu.stop());
  const dir = tempDir("auth");
  t.teardown(() => dir.remove());
  const sp = emu.tenant("contoso").sharePointUrl;

  const engine = new TenantEngine(engineOptions(emu, "contoso", dir.path));
  t.teardown(() => engine.close());
  await signInWithDeviceCode(emu, engine, "adele");
  const status = engine.auth.status();
  t.equal(status.state, "signed-in");
  t.match(status, { username: "adele@contoso.onmicrosoft.com", tokenStore: "file" });
  const token = await engine.auth.getToken(sp);
  const web = await engine.http.json<{ Title: string }>(`${sp}/_api/web`);
  t.equal(web.Title, "Contoso", "the token opens SharePoint");
  t.ok(token.length > 20);
  t.equal(statSync(join(dir.path, "msal-cache.json")).mode & 0o777, 0o600, "token cache is 0600");

  // A second engine over the same state directory signs in silently from the cache.
  const again = new TenantEngine(engineOptions(emu, "contoso", dir.path));
  t.teardown(() => again.close().catch(() => undefined));
  t.equal(await again.auth.restore(), true, "restored from the cache");
  const web2 = await again.http.json<{ Title: string }>(`${sp}/_api/web`);
  t.equal(web2.Title, "Contoso");

  // Revocation: the next call fails with notSignedIn and the state says why; nothing crashes.
  await emu.adminPost("/revoke", { tenant: "contoso", user: "adele" });
  const err = await engine.http.json(`${sp}/_api/web`).then(
    () => undefined,
    (e: unknown) => e,
  );
  t.ok(err instanceof KonnektError, "a typed error");
  t.ok(["notSignedIn", "claimsChallenge"].includes((err as KonnektError).code), `code ${(err as KonnektError).code}`);
  t.equal(engine.auth.status().state, "needs-sign-in");
});

void t.test("two tenants at once keep separate caches and states", async (t) => {
  const emu = await emulatorForTenants();
  t.teardown(() => emu.stop());
  const a = tempDir("auth-a");
  const b = tempDir("auth-b");
  t.teardown(() => (a.remove(), b.remove()));
  const contoso = new TenantEngine(engineOptions(emu, "contoso", a.path));
  const fabrikam = new TenantEngine(engineOptions(emu, "fabrikam", b.path));
  t.teardown(() => Promise.all([contoso.close(), fabrikam.close()]));
  await Promise.all([signInWithDeviceCode(emu, contoso, "adele"), signInWithDeviceCode(emu, fabrikam, "alex")]);
  const [w1, w2] = await Promise.all([
    contoso.http.json<{ Title: string }>(`${emu.tenant("contoso").sharePointUrl}/_api/web`),
    fabrikam.http.json<{ Title: string }>(`${emu.tenant("fabrikam").sharePointUrl}/_api/web`),
  ]);
  t.equal(w1.Title, "Contoso");
  t.equal(w2.Title, "Fabrikam");
  await emu.adminPost("/revoke", { tenant: "contoso", user: "adele" });
  await t.rejects(contoso.http.json(`${emu.tenant("contoso").sharePointUrl}/_api/web`));
  t.equal(contoso.auth.status().state, "needs-sign-in");
  const w3 = await fabrikam.http.json<{ Title: string }>(`${emu.tenant("fabrikam").sharePointUrl}/_api/web`);
  t.equal(w3.Title, "Fabrikam", "the other tenant carries on");
  t.equal(fabrikam.auth.status().state, "signed-in");
});

void t.test("silent refresh across access token expiry", async (t) => {
  // MSAL renews 300 s before expiry, so a 301 s lifetime makes every call near expiry refresh.
  const emu = await emulatorForTenants({ config: { accessTokenLifetimeSeconds: 301 } });
  t.teardown(() => emu.stop());
  const dir = tempDir("auth-refresh");
  t.teardown(() => dir.remove());
  const engine = new TenantEngine(engineOptions(emu, "contoso", dir.path));
  t.teardown(() => engine.close());
  await signInWithDeviceCode(emu, engine, "adele");
  const sp = emu.tenant("contoso").sharePointUrl;
  const since = await emu.lastRequest();
  await new Promise((r) => setTimeout(r, 1500));
  const web = await engine.http.json<{ Title: string }>(`${sp}/_api/web`);
  t.equal(web.Title, "Contoso");
  const tokenCalls = (await emu.requests({ since })).filter((r) => /oauth2\/v2\.0\/token/.test(r.path));
  t.ok(tokenCalls.length >= 1, "the token was refreshed silently");
  t.equal(engine.auth.status().state, "signed-in");
});

void t.test("interactive sign-in (auth code + PKCE through the loopback redirect)", async (t) => {
  const emu = await emulatorForTenants({ autoApprove: "adele" });
  t.teardown(() => emu.stop());
  const dir = tempDir("auth-pkce");
  t.teardown(() => dir.remove());
  const engine = new TenantEngine(engineOptions(emu, "contoso", dir.path));
  t.teardown(() => engine.close());
  const sp = emu.tenant("contoso").sharePointUrl;
  let authorizeUrl = "";
  // The "system browser": MSAL asks for response_mode=form_post, so the sign-in page answers with
  // an auto-submitting form that a browser posts to MSAL's loopback listener.
  const openBrowser = async (url: string): Promise<void> => {
    authorizeUrl = url;
    const res = await emu.fetch(url, { redirect: "manual" });
    const html = await res.text();
    const action = /<form[^>]*action="([^"]+)"/i.exec(html)?.[1];
    if (!action) throw new Error(`no sign-in form (${res.status})`);
    const fields = new URLSearchParams();
    for (const m of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/gi)) fields.append(m[1]!, m[2]!.replace(/&amp;/g, "&"));
    // MSAL listens on 127.0.0.1; "localhost" may resolve to ::1 first.
    await fetch(action.replace("//localhost:", "//127.0.0.1:"), { method: "POST", body: fields }).then((r) => r.text());
  };
  const status = await engine.auth.signInInteractive(sp, openBrowser);
  t.match(status, { state: "signed-in", username: "adele@contoso.onmicrosoft.com" });
  t.match(authorizeUrl, /code_challenge_method=S256/, "PKCE");
  const web = await engine.http.json<{ Title: string }>(`${sp}/_api/web`);
  t.equal(web.Title, "Contoso");
});

void t.test("unattended app-only sign-in with a certificate", async (t) => {
  const emu = await emulatorForTenants();
  t.teardown(() => emu.stop());
  const dir = tempDir("auth-cert");
  t.teardown(() => dir.remove());
  const { certPem, keyPem, thumbprintSha256 } = await selfSignedCertificate();
  const clientId = "0b8c6d2e-1f3a-4b5c-9d7e-8f9a0b1c2d3e";
  await emu.adminPost("/apps", { tenant: "contoso", clientId, certificatePem: certPem });
  const engine = new TenantEngine(engineOptions(emu, "contoso", dir.path));
  t.teardown(() => engine.close());
  t.match(engine.auth.useCertificate({ clientId, thumbprintSha256, privateKey: keyPem }), { state: "signed-in", mode: "app" });
  const sp = emu.tenant("contoso").sharePointUrl;
  const web = await engine.http.json<{ Title: string }>(`${sp}/sites/finance/_api/web`);
  t.equal(web.Title, "Finance", "app-only reaches every site");
});

void t.test("a conditional-access claims challenge is answered with a fresh token, silently", async (t) => {
  const emu = await emulatorForTenants();
  t.teardown(() => emu.stop());
  const dir = tempDir("auth-claims");
  t.teardown(() => dir.remove());
  const engine = new TenantEngine(engineOptions(emu, "contoso", dir.path));
  t.teardown(() => engine.close());
  await signInWithDeviceCode(emu, engine, "adele");
  const sp = emu.tenant("contoso").sharePointUrl;
  await engine.http.json(`${sp}/_api/web`);
  await emu.adminPost("/claims", { tenant: "contoso", user: "adele" });
  const since = await emu.lastRequest();
  const web = await engine.http.json<{ Title: string }>(`${sp}/_api/web`);
  t.equal(web.Title, "Contoso", "the call succeeds after the challenge");
  const log = await emu.requests({ since });
  t.ok(log.some((r) => r.status === 401 && r.origin === "contoso"), "SharePoint challenged once");
  t.ok(log.some((r) => /oauth2\/v2\.0\/token/.test(r.path) && r.status === 200), "a new token was fetched");
  t.equal(engine.auth.status().state, "signed-in");
});
