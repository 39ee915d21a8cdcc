/**
 * Issues and verifies the emulator's tokens, and keeps the per-user revocation and claims-challenge
 * marks. Access tokens are v1 JWTs as SharePoint receives them from Entra (iss
 * `https://sts.windows.net/<tid>/`, aud = the SharePoint origin); refresh tokens are opaque and
 * persisted by hash.
 *
 * Issue times need sub-second order (a revocation and a re-sign-in can happen within one second in
 * tests), so each token's `uti` carries its issue time in milliseconds from a strictly increasing
 * clock; revocation marks use the same clock.
 */
import { createHash, randomBytes, randomUUID } from "node:crypto";
import { numberClaim, parseJwt, signJwt, stringClaim, verifySignature } from "./jwt.js";
import { EntraError } from "./respond.js";
const EXPIRED = "Invalid JWT token. The token is expired.";
const NOT_YET_VALID = "Invalid JWT token. The token is not valid yet.";
const BAD_SIGNATURE = "Invalid issuer or signature.";
const NO_THUMBPRINT = "Invalid JWT token. No certificate thumbprint specified in token header.";
const NO_TOKEN = "Invalid JWT token. No token specified in the Authorization header.";
const UNSUPPORTED_APP_ONLY = "Unsupported app only token.";
const REVOKED = "Invalid JWT token. The token has been revoked.";
const CLAIMS_REQUIRED = "Insufficient claims. The token does not satisfy the tenant's conditional access policy.";
function normalizeOrigin(origin) {
    try {
        return new URL(origin).origin;
    }
    catch {
        return origin.replace(/\/+$/, "").toLowerCase();
    }
}
/** base64 of the CAE claims challenge Entra and SharePoint exchange. */
export function nbfClaimsChallenge(epochMs) {
    const value = String(Math.floor(epochMs / 1000));
    return Buffer.from(JSON.stringify({ access_token: { nbf: { essential: true, value } } }), "utf8").toString("base64");
}
function userKey(tenantId, upn) {
    return `${tenantId.toLowerCase()}/${upn.toLowerCase()}`;
}
export function hashSecret(secret) {
    return createHash("sha256").update(secret, "utf8").digest("base64url");
}
/** A stable pairwise `sub`, as Entra derives per user and app. */
function pairwiseSub(oid, clientId) {
    return createHash("sha256").update(`${oid}|${clientId}`).digest("base64url").slice(0, 43);
}
export class EntraTokenService {
    deps;
    lastTick = 0;
    constructor(deps) {
        this.deps = deps;
        const marks = [...Object.values(deps.state.state.revokedBefore), ...Object.values(deps.state.state.claimsBefore)];
        this.lastTick = Math.max(0, ...marks);
    }
    /** Strictly increasing epoch milliseconds. */
    tick() {
        this.lastTick = Math.max(Date.now(), this.lastTick + 1);
        return this.lastTick;
    }
    uti(issuedMs) {
        const buf = Buffer.alloc(16);
        buf.writeUIntBE(issuedMs, 0, 6);
        randomBytes(10).copy(buf, 6);
        return buf.toString("base64url");
    }
    issuedMsOf(claims) {
        const uti = stringClaim(claims, "uti");
        if (uti !== undefined) {
            const buf = Buffer.from(uti, "base64url");
            if (buf.length === 16)
                return buf.readUIntBE(0, 6);
        }
        return (numberClaim(claims, "iat") ?? 0) * 1000;
    }
    lifetime() {
        return this.deps.config.accessTokenLifetimeSeconds > 0 ? this.deps.config.accessTokenLifetimeSeconds : 3600;
    }
    tenantRecord(tenant) {
        const record = this.deps.directory.find(tenant);
        if (record === undefined)
            throw new Error(`unknown tenant ${tenant}`);
        return record;
    }
    issueUserToken(tenant, user, audience, scopes) {
        const scp = scopes.length > 0 ? scopes.join(" ") : "AllSites.FullControl AllSites.Manage AllSites.Read AllSites.Write MyFiles.Read MyFiles.Write";
        const client = { clientId: this.deps.clientId, displayName: this.deps.clientDisplayName, auth: "0" };
        return this.userAccessToken(this.tenantRecord(tenant), user, normalizeOrigin(audience), scp, client);
    }
    userAccessToken(tenant, user, audience, scp, client) {
        const issuedMs = this.tick();
        const iat = Math.floor(issuedMs / 1000);
        const expiresIn = this.lifetime();
        const [given, ...family] = user.displayName.split(" ");
        const payload = {
            aud: audience,
            iss: `https://sts.windows.net/${tenant.tenantId}/`,
            iat,
            nbf: iat,
            exp: iat + expiresIn,
            acr: "1",
            amr: ["pwd"],
            app_displayname: client.displayName,
            appid: client.clientId,
            appidacr: client.auth,
            family_name: family.join(" "),
            given_name: given ?? "",
            idtyp: "user",
            ipaddr: "127.0.0.1",
            name: user.displayName,
            oid: user.id,
            scp,
            sid: randomUUID(),
            sub: pairwiseSub(user.id, client.clientId),
            tid: tenant.tenantId,
            unique_name: user.upn,
            upn: user.upn,
            uti: this.uti(issuedMs),
            ver: "1.0",
        };
        return { accessToken: signJwt({ x5t: this.deps.key.kid, kid: this.deps.key.kid }, payload, this.deps.key.privateKey), expiresIn };
    }
    appAccessToken(tenant, app, audience, auth) {
        const issuedMs = this.tick();
        const iat = Math.floor(issuedMs / 1000);
        const expiresIn = this.lifetime();
        const iss = `https://sts.windows.net/${tenant.tenantId}/`;
        const payload = {
            aud: audience,
            iss,
            iat,
            nbf: iat,
            exp: iat + expiresIn,
            app_displayname: app.displayName,
            appid: app.clientId,
            appidacr: auth,
            idp: iss,
            idtyp: "app",
            oid: app.objectId,
            roles: ["Sites.FullControl.All"],
            sub: app.objectId,
            tid: tenant.tenantId,
            uti: this.uti(issuedMs),
            ver: "1.0",
        };
        return { accessToken: signJwt({ x5t: this.deps.key.kid, kid: this.deps.key.kid }, payload, this.deps.key.privateKey), expiresIn };
    }
    /** v2 id_token for the client (B.5: MSAL reads oid, sub, tid, preferred_username, name, nonce). */
    idToken(tenant, user, clientId, nonce) {
        const issuedMs = this.tick();
        const iat = Math.floor(issuedMs / 1000);
        const payload = {
            aud: clientId,
            iss: `${this.deps.authorityOrigin()}/${tenant.tenantId}/v2.0`,
            iat,
            nbf: iat,
            exp: iat + 3600,
            name: user.displayName,
            oid: user.id,
            preferred_username: user.upn,
            sub: pairwiseSub(user.id, clientId),
            tid: tenant.tenantId,
            uti: this.uti(issuedMs),
            ver: "2.0",
        };
        if (nonce !== undefined)
            payload["nonce"] = nonce;
        return signJwt({ kid: this.deps.key.kid }, payload, this.deps.key.privateKey);
    }
    static clientInfo(tenant, user) {
        return Buffer.from(JSON.stringify({ uid: user.id, utid: tenant.tenantId }), "utf8").toString("base64url");
    }
    issueRefreshToken(tenant, user, clientId) {
        const token = `1.A${randomBytes(96).toString("base64url")}`;
        const issuedMs = this.tick();
        const lifetimeMs = Math.max(1, this.deps.config.refreshTokenLifetimeSeconds) * 1000;
        this.deps.state.state.refreshTokens[hashSecret(token)] = {
            tenantId: tenant.tenantId,
            userId: user.id,
            upn: user.upn,
            clientId,
            issuedMs,
            expiresMs: issuedMs + lifetimeMs,
        };
        this.deps.state.save();
        return token;
    }
    /** The refresh token's record, or the Entra error its use meets (B.5: invalid_grant + bad_token). */
    redeemRefreshToken(token, clientId) {
        const record = this.deps.state.state.refreshTokens[hashSecret(token)];
        if (record === undefined) {
            throw new EntraError(400, "invalid_grant", 9002313, "Invalid request. Request is malformed or invalid.");
        }
        if (record.clientId !== clientId) {
            throw new EntraError(400, "invalid_grant", 70000, "Provided grant is invalid or malformed.");
        }
        const revokedBefore = this.deps.state.state.revokedBefore[userKey(record.tenantId, record.upn)];
        if (revokedBefore !== undefined && record.issuedMs < revokedBefore) {
            throw new EntraError(400, "invalid_grant", 50173, `The provided grant has expired due to it being revoked, a fresh auth token is needed. The user might have changed or reset their password. The grant was issued on '${new Date(record.issuedMs).toISOString()}' and the TokensValidFrom date (before which tokens are not valid) for this user is '${new Date(revokedBefore).toISOString()}'.`, "bad_token");
        }
        if (record.expiresMs <= Date.now()) {
            throw new EntraError(400, "invalid_grant", 700082, `The refresh token has expired due to inactivity. The token was issued on ${new Date(record.issuedMs).toISOString()} and was inactive for ${Math.round((Date.now() - record.issuedMs) / 1000)} seconds.`, "bad_token");
        }
        return record;
    }
    verify(authorization, origin) {
        const fail = (description, claims) => (claims === undefined ? { ok: false, status: 401, description } : { ok: false, status: 401, description, claims });
        const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? "");
        if (match === null)
            return fail(NO_TOKEN);
        const jwt = parseJwt(match[1] ?? "");
        if (jwt === undefined)
            return fail(BAD_SIGNATURE);
        const kid = stringClaim(jwt.header, "kid") ?? stringClaim(jwt.header, "x5t");
        if (kid === undefined)
            return fail(NO_THUMBPRINT);
        if (kid !== this.deps.key.kid || jwt.header["alg"] !== "RS256" || !verifySignature(jwt, this.deps.key.publicKey))
            return fail(BAD_SIGNATURE);
        const claims = jwt.payload;
        const wanted = normalizeOrigin(origin);
        // The origin names the tenant; a token of another tenant cannot carry this origin's issuer.
        const tenant = this.deps.tenantByOrigin(wanted);
        const tid = stringClaim(claims, "tid") ?? "";
        if (tenant === undefined || tid.toLowerCase() !== tenant.tenantId.toLowerCase()) {
            const aud = stringClaim(claims, "aud");
            // A genuine token of another tenant: SharePoint reports the audience, as it checks it first.
            if (aud !== undefined && normalizeOrigin(aud) !== wanted && this.deps.directory.byId(tid) !== undefined)
                return fail(`Invalid audience Uri '${aud}'.`);
            return fail(BAD_SIGNATURE);
        }
        if (stringClaim(claims, "iss") !== `https://sts.windows.net/${tenant.tenantId}/`)
            return fail(BAD_SIGNATURE);
        const now = Date.now() / 1000;
        const exp = numberClaim(claims, "exp");
        if (exp === undefined || exp <= now)
            return fail(EXPIRED);
        const nbf = numberClaim(claims, "nbf");
        // Same clock as the issuer, but allow a little rounding slack between iat seconds and now.
        if (nbf !== undefined && nbf > now + 5)
            return fail(NOT_YET_VALID);
        const aud = stringClaim(claims, "aud") ?? "";
        if (normalizeOrigin(aud) !== wanted)
            return fail(`Invalid audience Uri '${aud}'.`);
        const appId = stringClaim(claims, "appid") ?? "";
        const expiresAt = exp * 1000;
        if (stringClaim(claims, "idtyp") === "app" || stringClaim(claims, "upn") === undefined) {
            // SharePoint accepts app-only tokens only from certificate-authenticated apps (section 0, item 6).
            if (stringClaim(claims, "appidacr") !== "2")
                return fail(UNSUPPORTED_APP_ONLY);
            const principal = { tenant: tenant.name, appId, appOnlyCertificate: true, audience: aud, expiresAt };
            return { ok: true, principal };
        }
        const upn = stringClaim(claims, "upn") ?? "";
        const user = this.deps.directory.findUser(upn, tenant);
        if (user === undefined || user.id !== stringClaim(claims, "oid"))
            return fail(BAD_SIGNATURE);
        const issuedMs = this.issuedMsOf(claims);
        const key = userKey(tenant.tenantId, user.upn);
        const revokedBefore = this.deps.state.state.revokedBefore[key];
        if (revokedBefore !== undefined && issuedMs < revokedBefore)
            return fail(REVOKED, nbfClaimsChallenge(revokedBefore));
        const claimsBefore = this.deps.state.state.claimsBefore[key];
        if (claimsBefore !== undefined && issuedMs < claimsBefore)
            return fail(CLAIMS_REQUIRED, nbfClaimsChallenge(claimsBefore));
        const principal = { tenant: tenant.name, user, appId, audience: aud, expiresAt };
        return { ok: true, principal };
    }
    revoke(tenant, userUpn) {
        const record = this.tenantRecord(tenant);
        const user = this.deps.directory.findUser(userUpn, record);
        this.deps.state.state.revokedBefore[userKey(record.tenantId, user?.upn ?? userUpn)] = this.tick();
        this.deps.state.save();
    }
    requireClaims(tenant, userUpn) {
        const record = this.tenantRecord(tenant);
        const user = this.deps.directory.findUser(userUpn, record);
        this.deps.state.state.claimsBefore[userKey(record.tenantId, user?.upn ?? userUpn)] = this.tick();
        this.deps.state.save();
    }
}
//# sourceMappingURL=token-service.js.map