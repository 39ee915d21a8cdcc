import { sendEntraJson } from "./respond.js";
export function openIdConfiguration(ctx, ref) {
    const a = ctx.authorityOrigin();
    // Tenant-specific documents name the tenant id; the multi-tenant ones keep the segment and a placeholder issuer.
    const seg = ref.kind === "tenant" ? ref.tenant.tenantId : ref.segment;
    const issuerTenant = ref.kind === "tenant" ? ref.tenant.tenantId : "{tenantid}";
    return {
        token_endpoint: `${a}/${seg}/oauth2/v2.0/token`,
        token_endpoint_auth_methods_supported: ["client_secret_post", "private_key_jwt", "client_secret_basic"],
        jwks_uri: `${a}/${seg}/discovery/v2.0/keys`,
        response_modes_supported: ["query", "fragment", "form_post"],
        subject_types_supported: ["pairwise"],
        id_token_signing_alg_values_supported: ["RS256"],
        response_types_supported: ["code", "id_token", "code id_token", "id_token token"],
        scopes_supported: ["openid", "profile", "email", "offline_access"],
        issuer: `${a}/${issuerTenant}/v2.0`,
        request_uri_parameter_supported: false,
        userinfo_endpoint: "https://graph.microsoft.com/oidc/userinfo",
        authorization_endpoint: `${a}/${seg}/oauth2/v2.0/authorize`,
        device_authorization_endpoint: `${a}/${seg}/oauth2/v2.0/devicecode`,
        http_logout_supported: true,
        frontchannel_logout_supported: true,
        end_session_endpoint: `${a}/${seg}/oauth2/v2.0/logout`,
        claims_supported: ["sub", "iss", "cloud_instance_name", "cloud_instance_host_name", "cloud_graph_host_name", "msgraph_host", "aud", "exp", "iat", "auth_time", "acr", "nonce", "preferred_username", "name", "tid", "ver", "at_hash", "c_hash", "email"],
        kerberos_endpoint: `${a}/${seg}/kerberos`,
        tenant_region_scope: ref.kind === "tenant" ? "EU" : null,
        cloud_instance_name: "microsoftonline.com",
        cloud_graph_host_name: "graph.windows.net",
        msgraph_host: "graph.microsoft.com",
        rbac_url: "https://pas.windows.net",
    };
}
export function sendKeys(req, res, key) {
    sendEntraJson(req, res, 200, { keys: [key.jwk] });
}
/** `GET /common/discovery/instance?api-version=1.1&authorization_endpoint=…`. */
export function sendInstanceDiscovery(req, res, ctx) {
    const host = new URL(ctx.authorityOrigin()).host;
    let tenant = "common";
    const endpoint = req.url.searchParams.get("authorization_endpoint");
    if (endpoint !== null) {
        try {
            tenant = new URL(endpoint).pathname.split("/")[1] || "common";
        }
        catch {
            // keep "common", as Entra answers for unparseable endpoints
        }
    }
    sendEntraJson(req, res, 200, {
        tenant_discovery_endpoint: `${ctx.authorityOrigin()}/${tenant}/v2.0/.well-known/openid-configuration`,
        "api-version": "1.1",
        metadata: [{ preferred_network: host, preferred_cache: host, aliases: [host] }],
    });
}
//# sourceMappingURL=oidc.js.map