import { authenticateClient } from "./client-auth.js";
import { formParams } from "./context.js";
import { EntraError, sendEntraJson } from "./respond.js";
import { parseScopes, resolveResource } from "./scopes.js";
import { userTokenResponse } from "./user-tokens.js";
const DEVICE_CODE_GRANTS = new Set(["device_code", "urn:ietf:params:oauth:grant-type:device_code"]);
const GRANTS = new Set([...DEVICE_CODE_GRANTS, "authorization_code", "refresh_token", "client_credentials"]);
export class TokenEndpoint {
    ctx;
    devices;
    authorizer;
    constructor(ctx, devices, authorizer) {
        this.ctx = ctx;
        this.devices = devices;
        this.authorizer = authorizer;
    }
    async handle(req, res, ref) {
        const form = await formParams(req);
        const grant = form.get("grant_type");
        if (grant === null || grant === "")
            throw new EntraError(400, "invalid_request", 900144, "The request body must contain the following parameter: 'grant_type'.");
        if (!GRANTS.has(grant))
            throw new EntraError(400, "unsupported_grant_type", 70003, `The app requested an unsupported grant type '${grant}'.`);
        const clientIdParam = form.get("client_id");
        if (clientIdParam === null || clientIdParam === "")
            throw new EntraError(400, "invalid_request", 900144, "The request body must contain the following parameter: 'client_id'.");
        if (grant === "client_credentials" && ref.kind !== "tenant") {
            throw new EntraError(400, "invalid_request", 50059, "No tenant-identifying information found in either the request or implied by any provided credentials.");
        }
        const tenant = ref.kind === "tenant" ? ref.tenant : undefined;
        const client = this.ctx.apps.lookup(clientIdParam, tenant?.tenantId, tenant?.displayName ?? ref.segment);
        const a = this.ctx.authorityOrigin();
        const audiences = [`${a}${req.rawPath}`, `${a}/${ref.segment}/oauth2/v2.0/token`];
        if (tenant !== undefined)
            audiences.push(`${a}/${tenant.tenantId}/oauth2/v2.0/token`, `${a}/${tenant.tenantId}/v2.0`);
        const auth = authenticateClient(form, client, audiences);
        const identity = client.kind === "public" ? { clientId: client.clientId, displayName: client.displayName, auth } : { clientId: client.app.clientId, displayName: client.app.displayName, auth };
        let body;
        if (DEVICE_CODE_GRANTS.has(grant))
            body = this.devices.redeem(form, ref, client, identity);
        else if (grant === "authorization_code")
            body = this.authorizer.redeem(form, ref, client, identity);
        else if (grant === "refresh_token")
            body = this.refresh(form, ref, identity);
        else
            body = this.clientCredentials(form, ref, client.kind === "public" ? undefined : client.app, auth);
        sendEntraJson(req, res, 200, body);
    }
    refresh(form, ref, identity) {
        const token = form.get("refresh_token");
        if (token === null || token === "")
            throw new EntraError(400, "invalid_request", 900144, "The request body must contain the following parameter: 'refresh_token'.");
        const record = this.ctx.tokens.redeemRefreshToken(token, identity.clientId);
        if (ref.kind === "tenant" && ref.tenant.tenantId !== record.tenantId) {
            throw new EntraError(400, "invalid_grant", 700005, "Provided refresh token is intended to use against other tenant, thus rejected.");
        }
        const tenant = this.ctx.directory.byId(record.tenantId);
        const user = tenant?.users.find((u) => u.id === record.userId);
        if (tenant === undefined || user === undefined)
            throw new EntraError(400, "invalid_grant", 50034, "The user account does not exist in the directory.", "bad_token");
        // A refresh token is good for any resource of its tenant; the scope picks the audience.
        const scope = form.get("scope") ?? "openid profile offline_access";
        return userTokenResponse(this.ctx, tenant, user, parseScopes(scope), identity, { clientInfo: form.get("client_info") === "1" });
    }
    clientCredentials(form, ref, app, auth) {
        if (ref.kind !== "tenant")
            throw new EntraError(400, "invalid_request", 50059, "No tenant-identifying information found in either the request or implied by any provided credentials.");
        if (app === undefined || (auth !== "1" && auth !== "2")) {
            throw new EntraError(401, "invalid_client", 7000218, "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.");
        }
        const scope = form.get("scope");
        if (scope === null || scope.trim() === "")
            throw new EntraError(400, "invalid_request", 900144, "The request body must contain the following parameter: 'scope'.");
        const scopes = parseScopes(scope);
        if (scopes.oidc.length > 0 || scopes.resourceScopes.length !== 1 || scopes.permissions[0]?.toLowerCase() !== ".default") {
            throw new EntraError(400, "invalid_scope", 1002012, `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`);
        }
        const { audience } = resolveResource(scopes, ref.tenant, this.ctx.tenantByOrigin);
        const { accessToken, expiresIn } = this.ctx.tokens.appAccessToken(ref.tenant, app, audience, auth);
        return { token_type: "Bearer", expires_in: expiresIn, ext_expires_in: expiresIn, access_token: accessToken };
    }
}
//# sourceMappingURL=token-endpoint.js.map