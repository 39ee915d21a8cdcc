import { sendGraphError, sendJson } from "./errors.js";
/** SharePoint Online's own application id, as it appears in its 401 challenge. */
export const SHAREPOINT_APP_ID = "00000003-0000-0ff1-ce00-000000000000";
const UNSUPPORTED_APP_ONLY = "Unsupported app only token.";
/** The `WWW-Authenticate` challenge of a tenant origin, with the CAE claims challenge when given. */
export function bearerChallenge(env, tenantId, claims) {
    const authority = env.authorityOrigin();
    const trusted = [`00000001-0000-0000-c000-000000000000@*`, `${authority}/*/`, `${authority}/*/v2.0`].join(",");
    let challenge = `Bearer realm="${tenantId}",client_id="${SHAREPOINT_APP_ID}",trusted_issuers="${trusted}",authorization_uri="${authority}/${tenantId}/oauth2/authorize"`;
    if (claims !== undefined)
        challenge += `, error="insufficient_claims", claims="${encodeClaims(claims)}"`;
    return challenge;
}
/** The TokenService may hand over the claims JSON or its base64 form; the header carries base64. */
function encodeClaims(claims) {
    return claims.trimStart().startsWith("{") ? Buffer.from(claims, "utf8").toString("base64") : claims;
}
function send401(req, res, env, kind, description, claims) {
    const tenantId = req.tenant?.tenantId ?? "";
    const headers = { "WWW-Authenticate": bearerChallenge(env, tenantId, claims) };
    if (kind === "graph") {
        sendGraphError(res, 401, "InvalidAuthenticationToken", description, headers);
    }
    else {
        sendJson(res, 401, { error_description: description }, { "Content-Type": "application/json; charset=utf-8", ...headers });
    }
}
/**
 * Verifies the request's bearer token for the origin it was sent to. On failure writes the 401 and
 * returns undefined (the handler just returns); on success sets `req.principal`.
 */
export function requirePrincipal(req, res, env, kind) {
    const result = env.tokens.verify(req.headers.authorization, req.url.origin);
    if (!result.ok) {
        send401(req, res, env, kind, result.description, result.claims);
        return undefined;
    }
    const principal = result.principal;
    // SharePoint REST refuses app-only tokens of secret-authenticated apps; Graph accepts them.
    if (kind === "sp" && principal.user === undefined && principal.appOnlyCertificate !== true) {
        send401(req, res, env, kind, UNSUPPORTED_APP_ONLY);
        return undefined;
    }
    req.principal = principal;
    return principal;
}
/** Like requirePrincipal, but app-only tokens are refused: the caller needs a user. */
export function requireUser(req, res, env, kind) {
    const principal = requirePrincipal(req, res, env, kind);
    if (principal === undefined)
        return undefined;
    if (principal.user === undefined) {
        send401(req, res, env, kind, UNSUPPORTED_APP_ONLY);
        return undefined;
    }
    return principal;
}
//# sourceMappingURL=auth.js.map