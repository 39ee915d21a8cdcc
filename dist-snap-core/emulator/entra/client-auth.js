/**
 * Client authentication at the token endpoint: a confidential app proves itself with a certificate
 * (`client_assertion`, a JWT signed with the certificate's key, RFC 7523) or a secret; the public
 * client must present neither. The result is the token's `appidacr` (0 public, 1 secret, 2 cert).
 */
import { X509Certificate } from "node:crypto";
import { numberClaim, parseJwt, stringClaim, verifySignature } from "./jwt.js";
import { EntraError } from "./respond.js";
import { hashSecret } from "./token-service.js";
export const JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
function invalidClient(code, message) {
    return new EntraError(401, "invalid_client", code, message);
}
function hexFromB64url(value) {
    return typeof value === "string" && value !== "" ? Buffer.from(value, "base64url").toString("hex") : undefined;
}
function secondsIso(epoch) {
    return new Date(epoch * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
}
/**
 * Checks the credentials in `form` for `client`. `audiences` are the token endpoint URLs the
 * assertion may be addressed to.
 */
export function authenticateClient(form, client, audiences) {
    const assertion = form.get("client_assertion");
    const secret = form.get("client_secret");
    if (client.kind === "public") {
        if (assertion !== null || secret !== null) {
            throw invalidClient(700025, "Client is public so neither 'client_assertion' nor 'client_secret' should be presented.");
        }
        return "0";
    }
    const app = client.app;
    if (assertion !== null) {
        if (form.get("client_assertion_type") !== JWT_BEARER) {
            throw new EntraError(400, "invalid_request", 900144, "The request body must contain the following parameter: 'client_assertion_type'.");
        }
        const jwt = parseJwt(assertion);
        if (jwt === undefined)
            throw invalidClient(50027, "JWT token is invalid or malformed.");
        const sha256 = hexFromB64url(jwt.header["x5t#S256"]);
        const sha1 = hexFromB64url(jwt.header["x5t"]);
        const registered = app.certificates.find((c) => (sha256 !== undefined && c.sha256 === sha256) || (sha1 !== undefined && c.sha1 === sha1));
        if (registered === undefined) {
            throw invalidClient(700027, `Client assertion failed signature validation. [Reason - The key was not found., Thumbprint of key used by client: '${(sha256 ?? sha1 ?? "").toUpperCase()}', Please visit the Azure Portal, Graph Explorer or directly use MS Graph to see configured keys for app Id '${app.clientId}'.]`);
        }
        if (!verifySignature(jwt, new X509Certificate(registered.pem).publicKey)) {
            throw invalidClient(700027, `Client assertion failed signature validation. [Reason - The provided signature value did not match the expected signature value., Thumbprint of key used by client: '${registered.sha256.toUpperCase()}', Found key 'Start=..., End=...']`);
        }
        const claims = jwt.payload;
        if (stringClaim(claims, "iss")?.toLowerCase() !== app.clientId || stringClaim(claims, "sub")?.toLowerCase() !== app.clientId) {
            throw invalidClient(700021, "Client assertion application identifier doesn't match 'client_id' parameter. Review the documentation at https://learn.microsoft.com/entra/identity-platform/certificate-credentials .");
        }
        const aud = stringClaim(claims, "aud") ?? "";
        if (!audiences.some((a) => a.toLowerCase() === aud.toLowerCase())) {
            throw invalidClient(700212, `Client assertion audience claim does not match Realm issuer. Review the documentation at https://learn.microsoft.com/entra/identity-platform/certificate-credentials . Audience: '${aud}'.`);
        }
        const now = Math.floor(Date.now() / 1000);
        const exp = numberClaim(claims, "exp");
        const nbf = numberClaim(claims, "nbf") ?? now;
        // Entra tolerates five minutes of clock skew on client assertions.
        if (exp === undefined || exp + 300 < now || nbf - 300 > now) {
            throw invalidClient(700024, `Client assertion is not within its valid time range. Current time: ${secondsIso(now)}, assertion valid from ${secondsIso(nbf)}, expiry time of assertion ${exp === undefined ? "(none)" : secondsIso(exp)}. Review the documentation at https://learn.microsoft.com/entra/identity-platform/certificate-credentials .`);
        }
        return "2";
    }
    if (secret !== null) {
        if (!app.secretHashes.includes(hashSecret(secret))) {
            throw invalidClient(7000215, `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${app.clientId}'.`);
        }
        return "1";
    }
    throw invalidClient(7000218, "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.");
}
//# sourceMappingURL=client-auth.js.map