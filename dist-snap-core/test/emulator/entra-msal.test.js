// The emulator's Entra ID through the real @azure/msal-node 7 (spo-protocol.md B): device code,
// silent from cache and forced refresh, revocation and claims challenges, the HTML sign-in page
// with auth code + PKCE, and SharePoint accepting the tokens.
import t from "tap";
import { InteractionRequiredAuthError, PublicClientApplication } from "@azure/msal-node";
import { randomBytes, createHash } from "node:crypto";
import { startEmulator } from "../helpers/emulator.js";
let emu;
t.before(async () => {
    emu = await startEmulator({ seed: "demo", config: { deviceCodeIntervalSeconds: 1 } });
});
t.teardown(() => emu?.stop());
function claimsOf(jwt) {
    const part = jwt.split(".")[1] ?? "";
    return JSON.parse(Buffer.from(part, "base64url").toString("utf8"));
}
function app(tenantSegment) {
    return new PublicClientApplication({
        auth: { clientId: emu.clientId, authority: `${emu.authority}/${tenantSegment}`, knownAuthorities: [new URL(emu.authority).host] },
    });
}
/** Device code sign-in; the "user" approves through the admin endpoint once MSAL shows the code. */
async function deviceCodeSignIn(pca, scopes, user) {
    let approval;
    const result = await pca.acquireTokenByDeviceCode({
        scopes,
        deviceCodeCallback: (r) => {
            approval = emu.adminPost("/device/approve", { userCode: r.userCode, user });
        },
    });
    await approval;
    if (result === null)
        throw new Error("acquireTokenByDeviceCode returned null");
    return result;
}
async function spGet(origin, token) {
    const res = await emu.fetch(`${origin}/_api/web`, { headers: { Authorization: `Bearer ${token}`, Accept: "application/json" } });
    return { status: res.status, body: await res.text(), challenge: res.headers.get("www-authenticate") };
}
void t.test("device code, silent from cache, forced refresh, revocation", async (t) => {
    const contoso = emu.tenant("contoso");
    const sp = contoso.sharePointUrl;
    const scopes = [`${sp}/.default`];
    const pca = app(contoso.tenantId);
    let shown;
    let approval;
    const first = await pca.acquireTokenByDeviceCode({
        scopes,
        deviceCodeCallback: (r) => {
            shown = r;
            approval = emu.adminPost("/device/approve", { userCode: r.userCode, user: "adele" });
        },
    });
    await approval;
    t.ok(first, "signed in");
    if (!first || !shown)
        return;
    t.match(shown.userCode, /^[A-Z0-9]{9}$/, "9-character user code");
    t.equal(shown.verificationUri, `${emu.authority}/devicelogin`);
    t.equal(shown.interval, 1, "interval from config");
    t.match(shown.message, shown.userCode);
    t.equal(first.account?.username, "adele@contoso.onmicrosoft.com");
    t.equal(first.tenantId, contoso.tenantId);
    t.ok(first.scopes.includes(`${sp}/.default`), "response scope echoes the resource scope");
    const claims = claimsOf(first.accessToken);
    t.equal(claims["aud"], sp, "audience is the tenant's SharePoint origin");
    t.equal(claims["iss"], `https://sts.windows.net/${contoso.tenantId}/`);
    t.equal(claims["tid"], contoso.tenantId);
    t.equal(claims["upn"], "adele@contoso.onmicrosoft.com");
    t.equal(claims["appid"], emu.clientId);
    t.match(String(claims["scp"]), /AllSites\.Read/);
    t.equal(Number(claims["exp"]) - Number(claims["iat"]), 3600, "default lifetime");
    const idClaims = claimsOf(first.idToken);
    t.equal(idClaims["aud"], emu.clientId);
    t.equal(idClaims["preferred_username"], "adele@contoso.onmicrosoft.com");
    const ok = await spGet(sp, first.accessToken);
    t.equal(ok.status, 200, `SharePoint accepts the token: ${ok.body.slice(0, 300)}`);
    const accounts = await pca.getTokenCache().getAllAccounts();
    t.equal(accounts.length, 1);
    const account = accounts[0];
    const cached = await pca.acquireTokenSilent({ account, scopes });
    t.equal(cached.fromCache, true, "served from the cache");
    t.equal(cached.accessToken, first.accessToken);
    const refreshed = await pca.acquireTokenSilent({ account, scopes, forceRefresh: true });
    t.equal(refreshed.fromCache, false, "forced refresh went to the token endpoint");
    t.not(refreshed.accessToken, first.accessToken, "a new access token");
    t.equal(claimsOf(refreshed.accessToken)["aud"], sp);
    t.equal((await spGet(sp, refreshed.accessToken)).status, 200);
    // Revocation: the access token meets a CAE claims challenge, the refresh token invalid_grant.
    await emu.adminPost("/revoke", { tenant: "contoso", user: "adele" });
    const revoked = await spGet(sp, refreshed.accessToken);
    t.equal(revoked.status, 401);
    t.match(revoked.challenge ?? "", /insufficient_claims/);
    const challenge = /claims="([^"]+)"/.exec(revoked.challenge ?? "")?.[1] ?? "";
    const claimsJson = Buffer.from(challenge, "base64").toString("utf8");
    t.match(JSON.parse(claimsJson), { access_token: { nbf: { essential: true } } }, "claims challenge asks for a newer token");
    await t.rejects(pca.acquireTokenSilent({ account, scopes, claims: claimsJson }), { name: "InteractionRequiredAuthError", errorCode: "invalid_grant", subError: "bad_token", errorMessage: /AADSTS50173/ }, "silent refresh fails with interaction required");
    await t.rejects(pca.acquireTokenSilent({ account, scopes, forceRefresh: true }), InteractionRequiredAuthError, "the bad refresh token is gone from the cache");
    // Signing in again gives a token SharePoint takes.
    const again = await deviceCodeSignIn(pca, scopes, "adele@contoso.onmicrosoft.com");
    t.equal((await spGet(sp, again.accessToken)).status, 200, "a token issued after the revocation works");
});
void t.test("claims challenge on demand: refresh with claims satisfies it", async (t) => {
    const contoso = emu.tenant("contoso");
    const sp = contoso.sharePointUrl;
    const scopes = [`${sp}/.default`];
    const pca = app(contoso.tenantId);
    const first = await deviceCodeSignIn(pca, scopes, "megan");
    t.equal(first.account?.username, "megan@contoso.onmicrosoft.com");
    t.equal((await spGet(sp, first.accessToken)).status, 200);
    await emu.adminPost("/claims", { tenant: "contoso", user: "megan" });
    const challenged = await spGet(sp, first.accessToken);
    t.equal(challenged.status, 401, "the old token meets the challenge");
    const challenge = /claims="([^"]+)"/.exec(challenged.challenge ?? "")?.[1];
    t.ok(challenge, "WWW-Authenticate carries claims");
    const account = (await pca.getTokenCache().getAllAccounts())[0];
    const fresh = await pca.acquireTokenSilent({ account, scopes, claims: Buffer.from(challenge ?? "", "base64").toString("utf8") });
    t.equal(fresh.fromCache, false);
    t.equal((await spGet(sp, fresh.accessToken)).status, 200, "the refreshed token satisfies the claims");
});
void t.test("organizations authority: the user's tenant decides; wrong-tenant scope refused", async (t) => {
    const fabrikam = emu.tenant("fabrikam");
    const pca = app("organizations");
    const result = await deviceCodeSignIn(pca, [`${fabrikam.sharePointUrl}/.default`], "alex@fabrikam.onmicrosoft.com");
    t.equal(result.tenantId, fabrikam.tenantId);
    t.equal(claimsOf(result.accessToken)["aud"], fabrikam.sharePointUrl);
    // A fabrikam refresh token asked for contoso's SharePoint: not a resource of the user's tenant.
    const account = (await pca.getTokenCache().getAllAccounts())[0];
    await t.rejects(pca.acquireTokenSilent({ account, scopes: [`${emu.tenant("contoso").sharePointUrl}/.default`] }), {
        name: "ServerError",
        errorCode: "invalid_resource",
        errorMessage: /AADSTS500011/,
    });
});
function htmlUnescape(s) {
    return s.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
}
function hiddenInputs(html) {
    const out = {};
    for (const m of html.matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)">/g))
        out[htmlUnescape(m[1] ?? "")] = htmlUnescape(m[2] ?? "");
    return out;
}
void t.test("auth code + PKCE through the HTML sign-in page", async (t) => {
    const contoso = emu.tenant("contoso");
    const sp = contoso.sharePointUrl;
    const scopes = [`${sp}/.default`, "offline_access"];
    const pca = app(contoso.tenantId);
    const verifier = randomBytes(32).toString("base64url");
    const challenge = createHash("sha256").update(verifier).digest("base64url");
    const redirectUri = "http://localhost:53123/";
    const url = await pca.getAuthCodeUrl({ scopes, redirectUri, codeChallenge: challenge, codeChallengeMethod: "S256", state: "s-1" });
    t.ok(url.startsWith(`${emu.authority}/${contoso.tenantId}/oauth2/v2.0/authorize?`), url);
    const pageRes = await emu.fetch(url, { redirect: "manual" });
    t.equal(pageRes.status, 200);
    t.match(pageRes.headers.get("content-type") ?? "", /text\/html/);
    const html = await pageRes.text();
    t.match(html, /Pick an account/);
    t.match(html, /adele@contoso\.onmicrosoft\.com/);
    const action = /<form method="post" action="([^"]+)"/.exec(html)?.[1];
    t.equal(action, `/${contoso.tenantId}/login`);
    const fields = hiddenInputs(html);
    t.ok(fields["ctx"], "the page carries its sign-in context");
    const submit = await emu.fetch(`${emu.authority}${action ?? ""}`, {
        method: "POST",
        redirect: "manual",
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ ctx: fields["ctx"] ?? "", login: "nestor@contoso.onmicrosoft.com" }).toString(),
    });
    t.equal(submit.status, 302, "redirects back to the app");
    const location = new URL(submit.headers.get("location") ?? "");
    t.equal(`${location.origin}${location.pathname}`, "http://localhost:53123/");
    t.equal(location.searchParams.get("state"), "s-1");
    const code = location.searchParams.get("code") ?? "";
    t.ok(code);
    // A wrong verifier is refused, and the code stays usable for the right one only once.
    await t.rejects(pca.acquireTokenByCode({ code, redirectUri, scopes, codeVerifier: "x".repeat(43) }), { name: "ServerError", errorCode: "invalid_grant", errorMessage: /AADSTS501481/ });
    const result = await pca.acquireTokenByCode({ code, redirectUri, scopes, codeVerifier: verifier });
    t.equal(result.account?.username, "nestor@contoso.onmicrosoft.com");
    t.equal(claimsOf(result.accessToken)["aud"], sp);
    t.equal((await spGet(sp, result.accessToken)).status, 200);
    await t.rejects(pca.acquireTokenByCode({ code, redirectUri, scopes, codeVerifier: verifier }), { name: "ServerError", errorMessage: /AADSTS54005/ }, "a code is redeemed once");
    // The page refuses redirects that are not loopback.
    const bad = await emu.fetch(url.replace(encodeURIComponent(redirectUri), encodeURIComponent("https://evil.example/cb")), { redirect: "manual" });
    t.equal(bad.status, 400);
    t.match(await bad.text(), /AADSTS50011/);
});
void t.test("auth code + PKCE with test auto-approve (acquireTokenInteractive, form_post)", async (t) => {
    const auto = await startEmulator({ seed: "demo", autoApprove: "adele", config: { deviceCodeIntervalSeconds: 1 } });
    t.teardown(() => auto.stop());
    const contoso = auto.tenant("contoso");
    const sp = contoso.sharePointUrl;
    const pca = new PublicClientApplication({
        auth: { clientId: auto.clientId, authority: `${auto.authority}/${contoso.tenantId}`, knownAuthorities: [new URL(auto.authority).host] },
    });
    let opened = "";
    const result = await pca.acquireTokenInteractive({
        scopes: [`${sp}/.default`],
        openBrowser: async (url) => {
            opened = url;
            const res = await auto.fetch(url, { redirect: "manual" });
            const html = await res.text();
            if (res.status !== 200)
                throw new Error(`authorize answered ${res.status}: ${html}`);
            const action = htmlUnescape(/<form method="POST" name="hiddenform" action="([^"]+)"/.exec(html)?.[1] ?? "");
            // MSAL's loopback server listens on 127.0.0.1; the redirect URI says localhost.
            const target = action.replace("//localhost:", "//127.0.0.1:");
            const posted = await fetch(target, { method: "POST", body: new URLSearchParams(hiddenInputs(html)) });
            await posted.text();
        },
    });
    t.match(opened, /response_mode=form_post/);
    t.match(opened, /code_challenge_method=S256/);
    t.equal(result.account?.username, "adele@contoso.onmicrosoft.com");
    t.equal(claimsOf(result.accessToken)["aud"], sp);
    const res = await auto.fetch(`${sp}/_api/web`, { headers: { Authorization: `Bearer ${result.accessToken}`, Accept: "application/json" } });
    t.equal(res.status, 200);
    await res.text();
    // Device code is approved at once in this mode too.
    const dc = await pca.acquireTokenByDeviceCode({ scopes: [`${sp}/.default`], deviceCodeCallback: () => undefined });
    t.equal(dc?.account?.username, "adele@contoso.onmicrosoft.com");
});
//# sourceMappingURL=entra-msal.test.js.map