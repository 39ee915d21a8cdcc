/**
 * The token response for a signed-in user (spo-protocol.md B.5): access token for the scope's
 * SharePoint origin, refresh token with offline_access, id_token with openid, client_info when
 * asked for. Shared by the device code, authorization code and refresh token grants.
 */
import type { TenantRecord, UserRecord } from "../store/types.js";
import type { EntraContext } from "./context.js";
import { resolveResource, responseScope, type ParsedScopes } from "./scopes.js";
import { EntraTokenService, type ClientIdentity } from "./token-service.js";

export function userTokenResponse(
  ctx: EntraContext,
  tenant: TenantRecord,
  user: UserRecord,
  scopes: ParsedScopes,
  client: ClientIdentity,
  opts: { nonce?: string; clientInfo: boolean },
): Record<string, unknown> {
  const { audience, scp } = resolveResource(scopes, tenant, ctx.tenantByOrigin);
  const { accessToken, expiresIn } = ctx.tokens.userAccessToken(tenant, user, audience, scp, client);
  const body: Record<string, unknown> = {
    token_type: "Bearer",
    scope: responseScope(scopes),
    expires_in: expiresIn,
    ext_expires_in: expiresIn,
    access_token: accessToken,
  };
  if (scopes.oidc.includes("offline_access")) body["refresh_token"] = ctx.tokens.issueRefreshToken(tenant, user, client.clientId);
  if (scopes.oidc.includes("openid")) body["id_token"] = ctx.tokens.idToken(tenant, user, client.clientId, opts.nonce);
  if (opts.clientInfo) body["client_info"] = EntraTokenService.clientInfo(tenant, user);
  return body;
}
