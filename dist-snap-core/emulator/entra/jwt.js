/**
 * Compact JWS (RS256 / PS256) signing and parsing on node:crypto. The emulator signs its own
 * tokens with RS256 like Entra; client assertions from MSAL arrive as PS256 (x5t#S256) or RS256 (x5t).
 */
import { createSign, createVerify, constants } from "node:crypto";
export function b64url(data) {
    return Buffer.from(data).toString("base64url");
}
export function b64urlJson(value) {
    return b64url(JSON.stringify(value));
}
export function signJwt(header, payload, key) {
    const input = `${b64urlJson({ typ: "JWT", alg: "RS256", ...header })}.${b64urlJson(payload)}`;
    const signer = createSign("RSA-SHA256");
    signer.update(input);
    return `${input}.${signer.sign(key).toString("base64url")}`;
}
const B64URL = /^[A-Za-z0-9_-]*$/;
/** Splits and decodes a compact JWS; undefined when it is not one (garbled input). */
export function parseJwt(token) {
    const parts = token.split(".");
    if (parts.length !== 3)
        return undefined;
    const [h, p, s] = parts;
    if (h === "" || p === "" || !B64URL.test(h) || !B64URL.test(p) || !B64URL.test(s))
        return undefined;
    try {
        const header = JSON.parse(Buffer.from(h, "base64url").toString("utf8"));
        const payload = JSON.parse(Buffer.from(p, "base64url").toString("utf8"));
        if (!isObject(header) || !isObject(payload))
            return undefined;
        return { header, payload, signingInput: `${h}.${p}`, signature: Buffer.from(s, "base64url") };
    }
    catch {
        return undefined;
    }
}
export function isObject(value) {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}
/** Verifies the signature of a parsed JWS with an RSA public key; only RS256 and PS256 are accepted. */
export function verifySignature(jwt, key) {
    const alg = jwt.header["alg"];
    if (jwt.signature.length === 0)
        return false;
    try {
        if (alg === "RS256") {
            const v = createVerify("RSA-SHA256");
            v.update(jwt.signingInput);
            return v.verify(key, jwt.signature);
        }
        if (alg === "PS256") {
            const v = createVerify("RSA-SHA256");
            v.update(jwt.signingInput);
            return v.verify({ key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST }, jwt.signature);
        }
    }
    catch {
        return false;
    }
    return false;
}
export function stringClaim(claims, name) {
    const v = claims[name];
    return typeof v === "string" ? v : undefined;
}
export function numberClaim(claims, name) {
    const v = claims[name];
    return typeof v === "number" && Number.isFinite(v) ? v : undefined;
}
//# sourceMappingURL=jwt.js.map