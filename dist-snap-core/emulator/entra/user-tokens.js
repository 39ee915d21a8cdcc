import { resolveResource, responseScope } from "./scopes.js";
import { EntraTokenService } from "./token-service.js";
export function userTokenResponse(ctx, tenant, user, scopes, client, opts) {
    const { audience, scp } = resolveResource(scopes, tenant, ctx.tenantByOrigin);
    const { accessToken, expiresIn } = ctx.tokens.userAccessToken(tenant, user, audience, scp, client);
    const body = {
        token_type: "Bearer",
        scope: responseScope(scopes),
        expires_in: expiresIn,
        ext_expires_in: expiresIn,
        access_token: accessToken,
    };
    if (scopes.oidc.includes("offline_access"))
        body["refresh_token"] = ctx.tokens.issueRefreshToken(tenant, user, client.clientId);
    if (scopes.oidc.includes("openid"))
        body["id_token"] = ctx.tokens.idToken(tenant, user, client.clientId, opts.nonce);
    if (opts.clientInfo)
        body["client_info"] = EntraTokenService.clientInfo(tenant, user);
    return body;
}
//# sourceMappingURL=user-tokens.js.map