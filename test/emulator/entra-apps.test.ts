// App-only tokens through the real @azure/msal-node 7 ConfidentialClientApplication: a certificate
// registered with /admin/apps (client assertion, x5t#S256) gets a token SharePoint accepts; a secret
// gets a token SharePoint refuses ("Unsupported app only token."), as the real service does.
import t from "tap";
import { ConfidentialClientApplication } from "@azure/msal-node";
import { randomUUID } from "node:crypto";
import { selfSignedCertificate } from "../helpers/certs.js";
import { fetchJson, startEmulator, type TestEmulator } from "../helpers/emulator.js";

let emu: TestEmulator;

t.before(async () => {
  emu = await startEmulator({ seed: "demo" });
});
t.teardown(() => emu?.stop());

function claimsOf(jwt: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jwt.split(".")[1] ?? "", "base64url").toString("utf8")) as Record<string, unknown>;
}


function cca(clientId: string, tenantSegment: string, credential: { clientSecret: string } | { clientCertificate: { thumbprintSha256: string; privateKey: string } }): ConfidentialClientApplication {
  return new ConfidentialClientApplication({
    auth: { clientId, authority: `${emu.authority}/${tenantSegment}`, knownAuthorities: [new URL(emu.authority).host], ...credential },
  });
}

async function spGet(origin: string, token: string): Promise<{ status: number; body: string }> {
  const res = await emu.fetch(`${origin}/_api/web`, { headers: { Authorization: `Bearer ${token}`, Accept: "application/json" } });
  return { status: res.status, body: await res.text() };
}

void t.test("client credentials with a certificate: SharePoint accepts the app-only token", async (t) => {
  const contoso = emu.tenant("contoso");
  const sp = contoso.sharePointUrl;
  const { certPem, keyPem, thumbprintSha256 } = await selfSignedCertificate();
  const clientId = randomUUID();
  const reg = await emu.adminPost<{ clientId: string; tenantId: string; thumbprintSha256: string }>("/apps", { tenant: "contoso", clientId, certificatePem: certPem });
  t.equal(reg.clientId, clientId);
  t.equal(reg.tenantId, contoso.tenantId);
  t.equal(reg.thumbprintSha256, thumbprintSha256);

  const app = cca(clientId, contoso.tenantId, { clientCertificate: { thumbprintSha256, privateKey: keyPem } });
  const result = await app.acquireTokenByClientCredential({ scopes: [`${sp}/.default`] });
  if (!result) throw new Error("no result");
  const claims = claimsOf(result.accessToken);
  t.equal(claims["aud"], sp);
  t.equal(claims["appid"], clientId);
  t.equal(claims["appidacr"], "2", "certificate-authenticated");
  t.equal(claims["tid"], contoso.tenantId);
  t.notOk(claims["upn"], "app-only");
  const again = await app.acquireTokenByClientCredential({ scopes: [`${sp}/.default`] });
  t.equal(again?.accessToken, result.accessToken, "MSAL serves the second call from its cache");

  const res = await spGet(sp, result.accessToken);
  t.not(res.status, 401, `SharePoint takes a certificate app-only token: ${res.status} ${res.body.slice(0, 200)}`);

  // The same app by tenant name works too (the assertion audience is the discovered token endpoint).
  const byName = cca(clientId, "contoso", { clientCertificate: { thumbprintSha256, privateKey: keyPem } });
  const named = await byName.acquireTokenByClientCredential({ scopes: [`${sp}/.default`] });
  t.equal(claimsOf(named?.accessToken ?? "")["appidacr"], "2");

  // Another tenant's SharePoint is not a resource of this tenant.
  await t.rejects(
    app.acquireTokenByClientCredential({ scopes: [`${emu.tenant("fabrikam").sharePointUrl}/.default`] }),
    { name: "ServerError", errorCode: "invalid_resource", errorMessage: /AADSTS500011/ },
  );
});

void t.test("client credentials with an unregistered certificate is invalid_client", async (t) => {
  const contoso = emu.tenant("contoso");
  const registered = await selfSignedCertificate();
  const other = await selfSignedCertificate();
  const clientId = randomUUID();
  await emu.adminPost("/apps", { tenant: "contoso", clientId, certificatePem: registered.certPem });
  const app = cca(clientId, contoso.tenantId, { clientCertificate: { thumbprintSha256: other.thumbprintSha256, privateKey: other.keyPem } });
  await t.rejects(
    app.acquireTokenByClientCredential({ scopes: [`${contoso.sharePointUrl}/.default`] }),
    { name: "ServerError", errorCode: "invalid_client", errorMessage: /AADSTS700027/ },
  );
  // Right thumbprint, wrong key: the signature does not verify.
  const forged = cca(clientId, contoso.tenantId, { clientCertificate: { thumbprintSha256: registered.thumbprintSha256, privateKey: other.keyPem } });
  await t.rejects(
    forged.acquireTokenByClientCredential({ scopes: [`${contoso.sharePointUrl}/.default`] }),
    { name: "ServerError", errorCode: "invalid_client", errorMessage: /AADSTS700027/ },
  );
});

void t.test("client credentials with a secret: Entra issues, SharePoint refuses", async (t) => {
  const contoso = emu.tenant("contoso");
  const sp = contoso.sharePointUrl;
  const clientId = randomUUID();
  await emu.adminPost("/apps", { tenant: "contoso", clientId, clientSecret: "s3cret~value" });
  const app = cca(clientId, contoso.tenantId, { clientSecret: "s3cret~value" });
  const result = await app.acquireTokenByClientCredential({ scopes: [`${sp}/.default`] });
  if (!result) throw new Error("no result");
  t.equal(claimsOf(result.accessToken)["appidacr"], "1", "secret-authenticated");
  const res = await spGet(sp, result.accessToken);
  t.equal(res.status, 401);
  t.same(JSON.parse(res.body), { error_description: "Unsupported app only token." });

  const wrong = cca(clientId, contoso.tenantId, { clientSecret: "not-it" });
  await t.rejects(
    wrong.acquireTokenByClientCredential({ scopes: [`${sp}/.default`] }),
    { name: "ServerError", errorCode: "invalid_client", errorMessage: /AADSTS7000215/ },
  );
  // Client credentials need a specific tenant (MSAL refuses /organizations itself; Entra too).
  const raw = await fetchJson(emu, `${emu.authority}/organizations/oauth2/v2.0/token`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ grant_type: "client_credentials", client_id: clientId, client_secret: "s3cret~value", scope: `${sp}/.default` }).toString(),
  });
  t.equal(raw.status, 400);
  t.match(raw.body, { error: "invalid_request", error_codes: [50059] });
  // Only `<resource>/.default` is a client credentials scope.
  const scoped = await fetchJson(emu, `${emu.authority}/${contoso.tenantId}/oauth2/v2.0/token`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ grant_type: "client_credentials", client_id: clientId, client_secret: "s3cret~value", scope: `${sp}/AllSites.Read` }).toString(),
  });
  t.equal(scoped.status, 400);
  t.match(scoped.body, { error: "invalid_scope", error_codes: [1002012] });
});

void t.test("the public client cannot use client credentials; unknown apps are AADSTS700016", async (t) => {
  const contoso = emu.tenant("contoso");
  const post = (body: Record<string, string>): ReturnType<typeof fetchJson> =>
    fetchJson(emu, `${emu.authority}/${contoso.tenantId}/oauth2/v2.0/token`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(body).toString(),
    });
  const pub = await post({ grant_type: "client_credentials", client_id: emu.clientId, scope: `${contoso.sharePointUrl}/.default` });
  t.equal(pub.status, 401);
  t.match(pub.body, { error: "invalid_client", error_codes: [7000218] });
  const unknown = await post({ grant_type: "client_credentials", client_id: randomUUID(), client_secret: "x", scope: `${contoso.sharePointUrl}/.default` });
  t.equal(unknown.status, 400);
  t.match(unknown.body, { error: "unauthorized_client", error_codes: [700016] });
  t.equal(unknown.headers.get("retry-after"), null, "never Retry-After on token errors (B.7)");

  const badApp = await fetchJson(emu, `${emu.admin}/apps`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ tenant: "contoso", certificatePem: "nope" }) });
  t.equal(badApp.status, 400, "admin refuses a certificate that is not PEM");
});
