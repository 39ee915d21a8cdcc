/**
 * Device code flow (spo-protocol.md B.4): `POST /<tenant>/oauth2/v2.0/devicecode`, the
 * `/devicelogin` page where a user enters the code, the admin approval used by tests, and the
 * token endpoint's device_code grant (pending, declined, expired, issued).
 */
import { randomBytes, randomInt } from "node:crypto";
import { formParams } from "./context.js";
import { errorPage, hidden, page } from "./html.js";
import { EntraError, escapeHtml, sendEntraJson, sendHtml } from "./respond.js";
import { parseScopes, resolveResource } from "./scopes.js";
import { userTokenResponse } from "./user-tokens.js";
// Entra's user codes: 9 characters from an alphabet without look-alikes.
const USER_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
export class DeviceCodes {
    ctx;
    byDevice = new Map();
    byUser = new Map();
    constructor(ctx) {
        this.ctx = ctx;
    }
    sweep() {
        const now = Date.now();
        for (const rec of this.byDevice.values()) {
            // Keep expired codes a while so late polls still get expired_token, not bad_verification_code.
            if (rec.expiresMs + 600_000 < now) {
                this.byDevice.delete(rec.deviceCode);
                this.byUser.delete(rec.userCode);
            }
        }
    }
    newUserCode() {
        for (;;) {
            let code = "";
            for (let i = 0; i < 9; i++)
                code += USER_CODE_ALPHABET[randomInt(USER_CODE_ALPHABET.length)];
            if (!this.byUser.has(code))
                return code;
        }
    }
    /** `POST /<tenant>/oauth2/v2.0/devicecode`. */
    async start(req, res, ref) {
        const form = await formParams(req);
        const clientId = form.get("client_id");
        if (clientId === null || clientId === "")
            throw new EntraError(400, "invalid_request", 900144, "The request body must contain the following parameter: 'client_id'.");
        const scope = form.get("scope");
        if (scope === null || scope.trim() === "")
            throw new EntraError(400, "invalid_request", 900144, "The request body must contain the following parameter: 'scope'.");
        const tenant = ref.kind === "tenant" ? ref.tenant : undefined;
        const client = this.ctx.apps.lookup(clientId, tenant?.tenantId, tenant?.displayName ?? ref.segment);
        const scopes = parseScopes(scope);
        if (tenant !== undefined)
            resolveResource(scopes, tenant, this.ctx.tenantByOrigin);
        this.sweep();
        const lifetime = Math.max(1, this.ctx.config.deviceCodeLifetimeSeconds);
        const rec = {
            deviceCode: `DAQABIQEAAAD${randomBytes(96).toString("base64url")}`,
            userCode: this.newUserCode(),
            clientId: client.kind === "public" ? client.clientId : client.app.clientId,
            clientName: client.kind === "public" ? client.displayName : client.app.displayName,
            scope,
            expiresMs: Date.now() + lifetime * 1000,
            status: "pending",
            ...(tenant !== undefined ? { tenant } : {}),
        };
        // Test mode (--test-auto-approve): the configured user approves the code at once.
        const auto = this.ctx.testAutoApproveUser();
        const autoUser = auto !== undefined && auto !== "" ? this.ctx.directory.findUser(auto, tenant) : undefined;
        if (autoUser !== undefined) {
            rec.status = "approved";
            rec.user = autoUser;
        }
        this.byDevice.set(rec.deviceCode, rec);
        this.byUser.set(rec.userCode, rec);
        const verificationUri = `${this.ctx.authorityOrigin()}/devicelogin`;
        sendEntraJson(req, res, 200, {
            user_code: rec.userCode,
            device_code: rec.deviceCode,
            verification_uri: verificationUri,
            expires_in: lifetime,
            interval: this.ctx.config.deviceCodeIntervalSeconds,
            message: `To sign in, use a web browser to open the page ${verificationUri} and enter the code ${rec.userCode} to authenticate.`,
        });
    }
    /** Approves (or declines) a pending code for a user; the result explains a refusal. */
    decide(userCode, login, decline = false) {
        const rec = this.byUser.get(userCode.trim().toUpperCase());
        if (rec === undefined)
            return { ok: false, status: 404, message: "That code didn't work. Check the code and try again." };
        if (rec.expiresMs <= Date.now())
            return { ok: false, status: 400, message: "That code has expired. Start the sign-in again on your device." };
        if (rec.status !== "pending")
            return { ok: false, status: 400, message: "That code has already been used." };
        if (decline) {
            rec.status = "declined";
            return { ok: true };
        }
        const user = this.ctx.directory.findUser(login, rec.tenant);
        if (user === undefined) {
            return { ok: false, status: 404, message: `We couldn't find an account with that username${rec.tenant !== undefined ? ` in ${rec.tenant.displayName}` : ""}.` };
        }
        rec.status = "approved";
        rec.user = user;
        return { ok: true, user };
    }
    /** Token endpoint, grant_type device_code. */
    redeem(form, ref, client, identity) {
        const deviceCode = form.get("device_code");
        if (deviceCode === null || deviceCode === "")
            throw new EntraError(400, "invalid_request", 900144, "The request body must contain the following parameter: 'device_code'.");
        const rec = this.byDevice.get(deviceCode);
        const clientId = client.kind === "public" ? client.clientId : client.app.clientId;
        if (rec === undefined || rec.clientId !== clientId || (ref.kind === "tenant" && rec.tenant !== undefined && rec.tenant.tenantId !== ref.tenant.tenantId)) {
            throw new EntraError(400, "bad_verification_code", 70000, "The provided value for the input parameter 'device_code' is not valid.");
        }
        if (rec.expiresMs <= Date.now())
            throw new EntraError(400, "expired_token", 70020, "The provided value for the input parameter 'device_code' is not valid. This device code has expired.");
        if (rec.status === "declined")
            throw new EntraError(400, "authorization_declined", 65004, "User declined to consent to access the app.");
        if (rec.status === "pending" || rec.user === undefined) {
            throw new EntraError(400, "authorization_pending", 70016, "OAuth 2.0 device flow error. Authorization is pending. Continue polling.");
        }
        const user = rec.user;
        const tenant = this.ctx.directory.find(user.tenant);
        if (tenant === undefined)
            throw new EntraError(400, "invalid_grant", 50034, "The user account does not exist in the directory.");
        const scope = form.get("scope") ?? rec.scope;
        // One device code buys one token response, as in Entra.
        this.byDevice.delete(rec.deviceCode);
        this.byUser.delete(rec.userCode);
        return userTokenResponse(this.ctx, tenant, user, parseScopes(scope), identity, { clientInfo: form.get("client_info") === "1" });
    }
    /** `GET /devicelogin`: enter the code and the account. */
    loginPage(req, res) {
        const code = req.url.searchParams.get("otc") ?? "";
        sendHtml(res, 200, this.form(code, ""));
    }
    form(code, error) {
        return page("Enter code", `<h1>Enter code</h1>
<p>Enter the code displayed on your app or device, and the account to sign in with.</p>
${error !== "" ? `<p class="error" id="error">${escapeHtml(error)}</p>` : ""}
<form method="post" action="/devicelogin">
<label for="otc">Code</label><input type="text" id="otc" name="otc" value="${escapeHtml(code)}" autocomplete="off" maxlength="9" autofocus>
<label for="login">Email or user name</label><input type="text" id="login" name="login" placeholder="adele@contoso.onmicrosoft.com">
<button type="submit" name="action" value="approve" id="next">Next</button>
<button type="submit" name="action" value="decline" class="secondary" id="cancel">Cancel</button>
</form>`);
    }
    /** `POST /devicelogin`. */
    async submit(req, res) {
        const form = await formParams(req);
        const code = form.get("otc") ?? "";
        const login = form.get("login") ?? "";
        const decline = form.get("action") === "decline";
        const rec = this.byUser.get(code.trim().toUpperCase());
        const result = this.decide(code, login, decline);
        if (!result.ok) {
            sendHtml(res, 200, this.form(code, result.message));
            return;
        }
        if (decline || result.user === undefined) {
            sendHtml(res, 200, errorPage("Sign-in cancelled", "You declined to sign in to the application on your device. You may now close this window."));
            return;
        }
        sendHtml(res, 200, page("Signed in", `<h1>${escapeHtml(rec?.clientName ?? "Konnekt")}</h1><p id="done">You have signed in to the ${escapeHtml(rec?.clientName ?? "Konnekt")} application on your device as ${escapeHtml(result.user.upn)}. You may now close this window.</p>${hidden("upn", result.user.upn)}`));
    }
}
//# sourceMappingURL=device-code.js.map