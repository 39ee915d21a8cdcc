/**
 * Sign-in for one tenant: one MSAL public client (device code, interactive auth code + PKCE with a
 * loopback redirect) or one confidential client with a certificate (unattended, app-only), and a
 * token for any SharePoint origin of the tenant on demand.
 *
 * State: `signed-out` → `signed-in` → (revocation, claims challenge, expired refresh token) →
 * `needs-sign-in` with a reason. A failure here never throws past `getToken`: callers get
 * `notSignedIn`/`claimsChallenge` KonnektErrors and the state moves, so other tenants carry on.
 */
import { ConfidentialClientApplication, InteractionRequiredAuthError, PublicClientApplication, } from "@azure/msal-node";
import { EventEmitter } from "node:events";
import { join } from "node:path";
import { KonnektError } from "../../errors.js";
import { FileCachePlugin } from "./cache-file.js";
const MICROSOFT_HOSTS = /(^|\.)(microsoftonline\.com|microsoftonline\.us|chinacloudapi\.cn|microsoftonline\.de)$/i;
const OIDC_SCOPES = ["openid", "profile", "offline_access"];
export class TenantAuth extends EventEmitter {
    opts;
    cache;
    pca;
    cca;
    account;
    current = { state: "signed-out" };
    constructor(opts) {
        super();
        this.opts = opts;
        this.cache = new FileCachePlugin(join(opts.stateDir, "msal-cache.json"));
        this.pca = new PublicClientApplication(this.msalConfig(opts.clientId));
    }
    status() {
        return this.current;
    }
    /** Restores a previous sign-in from the persisted cache (no network). */
    async restore() {
        const accounts = await this.pca.getTokenCache().getAllAccounts();
        const acc = accounts.find((a) => a.tenantId === this.opts.tenantId) ?? accounts[0];
        if (!acc)
            return false;
        this.account = acc;
        this.setStatus({ state: "signed-in", mode: "user", username: acc.username, displayName: acc.name, cacheProtection: this.cache.protection });
        return true;
    }
    async signInWithDeviceCode(resource, onPrompt, signal) {
        // MSAL polls `request.cancel` between polls and writes it itself, so it must stay a plain field.
        const request = {
            scopes: [`${resource}/.default`, ...OIDC_SCOPES],
            deviceCodeCallback: (r) => onPrompt({ userCode: r.userCode, verificationUri: r.verificationUri, message: r.message, expiresInSeconds: r.expiresIn }),
            cancel: false,
        };
        signal?.addEventListener("abort", () => (request.cancel = true), { once: true });
        const result = await this.guard(() => this.pca.acquireTokenByDeviceCode(request));
        return this.acceptUserResult(result);
    }
    async signInInteractive(resource, openBrowser) {
        const result = await this.guard(() => this.pca.acquireTokenInteractive({
            scopes: [`${resource}/.default`, ...OIDC_SCOPES],
            openBrowser,
            successTemplate: "<html><body><h1>Konnekt is signed in.</h1><p>You can close this window.</p></body></html>",
            errorTemplate: "<html><body><h1>Konnekt could not sign you in.</h1><p>{error}</p></body></html>",
        }));
        return this.acceptUserResult(result);
    }
    /** Unattended app-only access with a certificate (SharePoint refuses secret-based app-only tokens). */
    useCertificate(cred) {
        this.cca = new ConfidentialClientApplication({
            ...this.msalConfig(cred.clientId),
            auth: {
                ...this.msalConfig(cred.clientId).auth,
                clientCertificate: { thumbprintSha256: cred.thumbprintSha256, privateKey: cred.privateKey, ...(cred.x5c ? { x5c: cred.x5c } : {}) },
            },
        });
        this.setStatus({ state: "signed-in", mode: "app", cacheProtection: this.cache.protection });
        return this.current;
    }
    async signOut() {
        const cache = this.pca.getTokenCache();
        for (const acc of await cache.getAllAccounts())
            await cache.removeAccount(acc);
        this.cache.clear();
        this.account = undefined;
        this.cca = undefined;
        this.setStatus({ state: "signed-out" });
    }
    async getToken(resource, opts = {}) {
        const scopes = [`${resource}/.default`];
        if (this.cca) {
            const r = await this.guard(() => this.cca.acquireTokenByClientCredential({ scopes, skipCache: opts.forceRefresh ?? false }));
            if (!r)
                throw new KonnektError("notSignedIn", `Tenant ${this.opts.tenant}: the app could not get a token.`, { tenant: this.opts.tenant });
            return r.accessToken;
        }
        if (this.current.state === "needs-sign-in") {
            throw new KonnektError("notSignedIn", `Tenant ${this.opts.tenant} needs a new sign-in: ${this.current.reason}`, { tenant: this.opts.tenant });
        }
        if (!this.account && !(await this.restore())) {
            throw new KonnektError("notSignedIn", `Tenant ${this.opts.tenant} is not signed in.`, { tenant: this.opts.tenant });
        }
        try {
            const r = await this.pca.acquireTokenSilent({
                account: this.account,
                scopes,
                forceRefresh: opts.forceRefresh ?? false,
                ...(opts.claims ? { claims: opts.claims } : {}),
            });
            return r.accessToken;
        }
        catch (err) {
            if (err instanceof InteractionRequiredAuthError) {
                const reason = opts.claims ? "conditional access asks for a new sign-in" : "the sign-in has expired or was revoked";
                this.setStatus({ state: "needs-sign-in", reason, username: this.account?.username });
                throw new KonnektError(opts.claims ? "claimsChallenge" : "notSignedIn", `Tenant ${this.opts.tenant} needs a new sign-in: ${reason}.`, {
                    tenant: this.opts.tenant,
                });
            }
            throw this.mapMsalError(err);
        }
    }
    acceptUserResult(result) {
        if (!result?.account)
            throw new KonnektError("notSignedIn", `Tenant ${this.opts.tenant}: sign-in returned no account.`);
        this.account = result.account;
        this.setStatus({
            state: "signed-in",
            mode: "user",
            username: result.account.username,
            displayName: result.account.name,
            cacheProtection: this.cache.protection,
        });
        return this.current;
    }
    setStatus(s) {
        const changed = JSON.stringify(s) !== JSON.stringify(this.current);
        this.current = s;
        if (changed)
            this.emit("status", s);
    }
    async guard(fn) {
        try {
            return await fn();
        }
        catch (err) {
            throw this.mapMsalError(err);
        }
    }
    mapMsalError(err) {
        if (err instanceof KonnektError)
            return err;
        const e = err;
        const code = e.errorCode ?? "";
        const text = (e.errorMessage ?? e.message ?? String(err)).split("\n")[0];
        if (/cancel/i.test(code) || /user_cancelled|device_code_polling_cancelled/i.test(code)) {
            return new KonnektError("cancelled", `Sign-in to ${this.opts.tenant} was cancelled.`);
        }
        if (/network|ENOTFOUND|ECONNREFUSED|fetch failed/i.test(`${code} ${text}`)) {
            return new KonnektError("offline", `Tenant ${this.opts.tenant}: the sign-in service cannot be reached (${text}).`);
        }
        if (err instanceof InteractionRequiredAuthError || /expired_token|authorization_declined|invalid_grant/i.test(code)) {
            return new KonnektError("notSignedIn", `Tenant ${this.opts.tenant}: sign-in failed (${code || text}).`, { tenant: this.opts.tenant });
        }
        return new KonnektError("notSignedIn", `Tenant ${this.opts.tenant}: sign-in failed: ${text}`, { tenant: this.opts.tenant, serviceCode: code });
    }
    msalConfig(clientId) {
        const authority = `${this.opts.authorityHost.replace(/\/$/, "")}/${this.opts.tenantId}`;
        const host = new URL(this.opts.authorityHost).host;
        return {
            auth: {
                clientId,
                authority,
                // A non-Microsoft host (the emulator) is declared known, so MSAL never calls
                // login.microsoftonline.com for instance discovery (spo-protocol.md B.2).
                ...(MICROSOFT_HOSTS.test(new URL(this.opts.authorityHost).hostname) ? {} : { knownAuthorities: [host] }),
            },
            cache: { cachePlugin: this.cache },
        };
    }
}
//# sourceMappingURL=tenant-auth.js.map