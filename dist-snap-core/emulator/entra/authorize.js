/**
 * Authorization code + PKCE with a loopback redirect: `GET /<tenant>/oauth2/v2.0/authorize` shows an
 * account picker (or, in test mode, signs the configured user in at once), `POST /<tenant>/login`
 * completes it, and the code goes back to the redirect URI by 302 (query/fragment) or by the
 * self-submitting form Entra uses for `response_mode=form_post` (what MSAL Node 7 asks for).
 * The token endpoint's authorization_code grant checks client, redirect URI and code_verifier.
 */
import { createHash, randomBytes, randomUUID } from "node:crypto";
import { formParams } from "./context.js";
import { errorPage, hidden, page } from "./html.js";
import { EntraError, entraTimestamp, escapeHtml, sendHtml, sendRedirect } from "./respond.js";
import { parseScopes, resolveResource } from "./scopes.js";
import { userTokenResponse } from "./user-tokens.js";
const CODE_LIFETIME_MS = 10 * 60_000;
const SIGN_IN_LIFETIME_MS = 60 * 60_000;
/** Native apps may redirect to any loopback port (RFC 8252 §7.3); Entra allows http for loopback only. */
export function isLoopbackRedirect(uri) {
    let url;
    try {
        url = new URL(uri);
    }
    catch {
        return false;
    }
    return url.protocol === "http:" && ["localhost", "127.0.0.1", "[::1]"].includes(url.hostname) && url.hash === "" && url.username === "" && url.password === "";
}
function s256(verifier) {
    return createHash("sha256").update(verifier, "ascii").digest("base64url");
}
export class Authorizer {
    ctx;
    pending = new Map();
    codes = new Map();
    constructor(ctx) {
        this.ctx = ctx;
    }
    sweep() {
        const now = Date.now();
        for (const [k, v] of this.pending)
            if (v.expiresMs < now)
                this.pending.delete(k);
        for (const [k, v] of this.codes)
            if (v.expiresMs + CODE_LIFETIME_MS < now)
                this.codes.delete(k);
    }
    /** `GET /<tenant>/oauth2/v2.0/authorize`. */
    authorize(req, res, ref) {
        const q = req.url.searchParams;
        const tenant = ref.kind === "tenant" ? ref.tenant : undefined;
        const clientId = q.get("client_id");
        if (clientId === null || clientId === "") {
            sendHtml(res, 400, errorPage("Sign in", "AADSTS900144: The request body must contain the following parameter: 'client_id'."));
            return;
        }
        let client;
        try {
            client = this.ctx.apps.lookup(clientId, tenant?.tenantId, tenant?.displayName ?? ref.segment);
        }
        catch (err) {
            if (!(err instanceof EntraError))
                throw err;
            sendHtml(res, 400, errorPage("Sign in", `AADSTS${err.code}: ${err.message}`));
            return;
        }
        const redirectUri = q.get("redirect_uri") ?? "";
        if (!isLoopbackRedirect(redirectUri)) {
            sendHtml(res, 400, errorPage("Sign in", `AADSTS50011: The redirect URI '${redirectUri}' specified in the request does not match the redirect URIs configured for the application '${clientId}'. Make sure the redirect URI sent in the request matches one added to your application in the Azure portal.`));
            return;
        }
        const responseModeParam = q.get("response_mode") ?? "query";
        const responseMode = responseModeParam === "form_post" || responseModeParam === "fragment" ? responseModeParam : "query";
        const state = q.get("state") ?? undefined;
        const fail = (error, code, message) => this.replyError(res, redirectUri, responseMode, state, error, code, message);
        if (q.get("response_type") !== "code") {
            fail("unsupported_response_type", 70005, "The provided value for the input parameter 'response_type' is not allowed for this request. Expected value: 'code'.");
            return;
        }
        const scope = q.get("scope") ?? "";
        if (scope.trim() === "") {
            fail("invalid_request", 900144, "The request body must contain the following parameter: 'scope'.");
            return;
        }
        const method = q.get("code_challenge_method") ?? (q.get("code_challenge") !== null ? "plain" : undefined);
        if (method !== undefined && method !== "S256" && method !== "plain") {
            fail("invalid_request", 501491, "Invalid size of Code_Challenge parameter or unsupported code_challenge_method.");
            return;
        }
        try {
            const scopes = parseScopes(scope);
            if (tenant !== undefined)
                resolveResource(scopes, tenant, this.ctx.tenantByOrigin);
        }
        catch (err) {
            if (!(err instanceof EntraError))
                throw err;
            fail(err.error, err.code, err.message);
            return;
        }
        const challenge = q.get("code_challenge") ?? undefined;
        const nonce = q.get("nonce") ?? undefined;
        const loginHint = q.get("login_hint") ?? undefined;
        const request = {
            segment: ref.segment,
            clientId: client.kind === "public" ? client.clientId : client.app.clientId,
            clientName: client.kind === "public" ? client.displayName : client.app.displayName,
            redirectUri,
            scope,
            responseMode,
            clientInfo: q.get("client_info") === "1",
            expiresMs: Date.now() + SIGN_IN_LIFETIME_MS,
            ...(tenant !== undefined ? { tenant } : {}),
            ...(state !== undefined ? { state } : {}),
            ...(nonce !== undefined ? { nonce } : {}),
            ...(challenge !== undefined && method !== undefined ? { codeChallenge: challenge, codeChallengeMethod: method } : {}),
            ...(loginHint !== undefined ? { loginHint } : {}),
        };
        const auto = this.ctx.testAutoApproveUser();
        if (auto !== undefined && auto !== "") {
            const user = this.ctx.directory.findUser(auto, tenant);
            if (user === undefined) {
                sendHtml(res, 400, errorPage("Sign in", `The test sign-in user '${auto}' does not exist${tenant !== undefined ? ` in ${tenant.displayName}` : ""}.`));
                return;
            }
            this.complete(res, request, user);
            return;
        }
        if (q.get("prompt") === "none") {
            fail("login_required", 50058, "A silent sign-in request was sent but no user is signed in.");
            return;
        }
        this.sweep();
        const ctxId = randomBytes(24).toString("base64url");
        this.pending.set(ctxId, request);
        sendHtml(res, 200, this.pickAccountPage(ctxId, request, ""));
    }
    pickAccountPage(ctxId, request, error) {
        const users = request.tenant !== undefined ? request.tenant.users : this.ctx.directory.tenants().flatMap((t) => t.users);
        const accounts = users
            .map((u) => `<button type="submit" class="account" name="login" value="${escapeHtml(u.upn)}">${escapeHtml(u.displayName)}<br><small>${escapeHtml(u.upn)}</small></button>`)
            .join("\n");
        return page("Sign in to your account", `<h1>Pick an account</h1>
<p>to continue to ${escapeHtml(request.clientName)}</p>
${error !== "" ? `<p class="error" id="error">${escapeHtml(error)}</p>` : ""}
<form method="post" action="/${escapeHtml(encodeURIComponent(request.segment))}/login" id="accounts">
${hidden("ctx", ctxId)}
${accounts}
<label for="other">Use another account</label><input type="text" id="other" name="login_other" value="${escapeHtml(request.loginHint ?? "")}" placeholder="Email or user name">
<button type="submit" name="action" value="signin" id="signin">Sign in</button>
<button type="submit" name="action" value="cancel" class="secondary" id="cancel">Cancel</button>
</form>`);
    }
    /** `POST /<tenant>/login`: the account picker's submit. */
    async login(req, res) {
        const form = await formParams(req);
        const ctxId = form.get("ctx") ?? "";
        const request = this.pending.get(ctxId);
        if (request === undefined || request.expiresMs < Date.now()) {
            sendHtml(res, 400, errorPage("Sign in", "AADSTS90014: Your sign-in session has expired or is not valid. Start the sign-in again from the application."));
            return;
        }
        if (form.get("action") === "cancel") {
            this.pending.delete(ctxId);
            this.replyError(res, request.redirectUri, request.responseMode, request.state, "access_denied", 65004, "User declined to consent to access the app.");
            return;
        }
        const login = form.get("login") ?? form.get("login_other") ?? "";
        const user = this.ctx.directory.findUser(login, request.tenant);
        if (user === undefined) {
            sendHtml(res, 200, this.pickAccountPage(ctxId, request, "This username may be incorrect. Make sure you typed it correctly. Otherwise, contact your admin."));
            return;
        }
        this.pending.delete(ctxId);
        this.complete(res, request, user);
    }
    complete(res, request, user) {
        const tenant = this.ctx.directory.find(user.tenant);
        if (tenant === undefined)
            throw new Error(`user ${user.upn} has no tenant`);
        try {
            resolveResource(parseScopes(request.scope), tenant, this.ctx.tenantByOrigin);
        }
        catch (err) {
            if (!(err instanceof EntraError))
                throw err;
            this.replyError(res, request.redirectUri, request.responseMode, request.state, err.error, err.code, err.message);
            return;
        }
        this.sweep();
        const code = `1.A${randomBytes(64).toString("base64url")}`;
        this.codes.set(code, {
            tenantId: tenant.tenantId,
            userId: user.id,
            clientId: request.clientId,
            redirectUri: request.redirectUri,
            scope: request.scope,
            expiresMs: Date.now() + CODE_LIFETIME_MS,
            redeemed: false,
            ...(request.nonce !== undefined ? { nonce: request.nonce } : {}),
            ...(request.codeChallenge !== undefined && request.codeChallengeMethod !== undefined ? { codeChallenge: request.codeChallenge, codeChallengeMethod: request.codeChallengeMethod } : {}),
        });
        const params = [["code", code]];
        if (request.clientInfo)
            params.push(["client_info", Buffer.from(JSON.stringify({ uid: user.id, utid: tenant.tenantId })).toString("base64url")]);
        if (request.state !== undefined)
            params.push(["state", request.state]);
        params.push(["session_state", randomUUID()]);
        this.reply(res, request.redirectUri, request.responseMode, params);
    }
    replyError(res, redirectUri, mode, state, error, code, message) {
        const traceId = randomUUID();
        const params = [
            ["error", error],
            ["error_description", `AADSTS${code}: ${message} Trace ID: ${traceId} Correlation ID: ${randomUUID()} Timestamp: ${entraTimestamp()}`],
            ["error_uri", `${this.ctx.authorityOrigin()}/error?code=${code}`],
        ];
        if (state !== undefined)
            params.push(["state", state]);
        this.reply(res, redirectUri, mode, params);
    }
    reply(res, redirectUri, mode, params) {
        if (mode === "form_post") {
            sendHtml(res, 200, `<html><head><title>Working...</title></head><body><form method="POST" name="hiddenform" action="${escapeHtml(redirectUri)}">${params.map(([k, v]) => hidden(k, v)).join("")}<noscript><p>Script is disabled. Click Submit to continue.</p><input type="submit" value="Submit" /></noscript></form><script language="javascript">document.forms[0].submit();</script></body></html>`);
            return;
        }
        const url = new URL(redirectUri);
        const encoded = new URLSearchParams(params).toString();
        if (mode === "fragment") {
            url.hash = encoded;
        }
        else {
            url.search = url.search === "" ? encoded : `${url.search.slice(1)}&${encoded}`;
        }
        sendRedirect(res, url.toString());
    }
    /** Token endpoint, grant_type authorization_code. */
    redeem(form, ref, client, identity) {
        const code = form.get("code");
        if (code === null || code === "")
            throw new EntraError(400, "invalid_request", 900144, "The request body must contain the following parameter: 'code'.");
        const redirectUri = form.get("redirect_uri");
        if (redirectUri === null || redirectUri === "")
            throw new EntraError(400, "invalid_request", 900144, "The request body must contain the following parameter: 'redirect_uri'.");
        const rec = this.codes.get(code);
        if (rec === undefined)
            throw new EntraError(400, "invalid_grant", 70000, "The provided value for the 'code' parameter is not valid.");
        if (rec.redeemed) {
            throw new EntraError(400, "invalid_grant", 54005, "OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.");
        }
        if (rec.expiresMs <= Date.now()) {
            throw new EntraError(400, "invalid_grant", 70008, "The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource.");
        }
        const clientId = client.kind === "public" ? client.clientId : client.app.clientId;
        if (rec.clientId !== clientId)
            throw new EntraError(400, "invalid_grant", 70000, "The provided value for the 'code' parameter is not valid. The code was issued to a different client.");
        if (ref.kind === "tenant" && ref.tenant.tenantId !== rec.tenantId) {
            throw new EntraError(400, "invalid_grant", 700005, "Provided Authorization Code is intended to use against other tenant, thus rejected.");
        }
        if (rec.redirectUri !== redirectUri) {
            throw new EntraError(400, "invalid_grant", 500112, `The reply address '${redirectUri}' does not match the reply address '${rec.redirectUri}' provided when requesting Authorization code.`);
        }
        if (rec.codeChallenge !== undefined) {
            const verifier = form.get("code_verifier");
            if (verifier === null || verifier === "") {
                throw new EntraError(400, "invalid_grant", 50148, "The code_verifier does not match the code_challenge supplied in the authorization request for PKCE.");
            }
            const expected = rec.codeChallengeMethod === "S256" ? s256(verifier) : verifier;
            if (expected !== rec.codeChallenge)
                throw new EntraError(400, "invalid_grant", 501481, "The Code_Verifier does not match the code_challenge supplied in the authorization request.");
        }
        rec.redeemed = true;
        const tenant = this.ctx.directory.byId(rec.tenantId);
        const user = tenant?.users.find((u) => u.id === rec.userId);
        if (tenant === undefined || user === undefined)
            throw new EntraError(400, "invalid_grant", 50034, "The user account does not exist in the directory.");
        const scope = form.get("scope") ?? rec.scope;
        return userTokenResponse(this.ctx, tenant, user, parseScopes(scope), identity, {
            clientInfo: form.get("client_info") === "1",
            ...(rec.nonce !== undefined ? { nonce: rec.nonce } : {}),
        });
    }
}
//# sourceMappingURL=authorize.js.map