import { EntraError } from "./respond.js";
export const OIDC_SCOPES = new Set(["openid", "profile", "offline_access", "email"]);
/** What `.default` grants on SharePoint for Konnekt's pre-consented public client. */
export const SHAREPOINT_DEFAULT_SCOPES = ["AllSites.FullControl", "AllSites.Manage", "AllSites.Read", "AllSites.Write", "MyFiles.Read", "MyFiles.Write"];
/** Without a resource scope Entra issues a Microsoft Graph token; the emulator marks it as such. */
export const GRAPH_RESOURCE = "https://graph.microsoft.com";
export function parseScopes(scope) {
    const requested = scope.split(/\s+/).filter((s) => s !== "");
    const oidc = [];
    const resourceScopes = [];
    const permissions = [];
    let resource;
    for (const s of requested) {
        if (OIDC_SCOPES.has(s.toLowerCase())) {
            if (!oidc.includes(s.toLowerCase()))
                oidc.push(s.toLowerCase());
            continue;
        }
        const parsed = splitResourceScope(s);
        if (parsed === undefined) {
            throw new EntraError(400, "invalid_scope", 70011, `The provided request must include a 'scope' input parameter. The provided value for the input parameter 'scope' is not valid. The scope ${s} is not valid.`);
        }
        if (resource !== undefined && resource !== parsed.origin) {
            throw new EntraError(400, "invalid_request", 28000, `Provided value for the input parameter scope is not valid because it contains more than one resource. Scope ${requested.join(" ")} is not valid.`);
        }
        resource = parsed.origin;
        resourceScopes.push(s);
        permissions.push(parsed.permission);
    }
    return { requested, oidc, resource, resourceScopes, permissions };
}
function splitResourceScope(scope) {
    let url;
    try {
        url = new URL(scope);
    }
    catch {
        return undefined;
    }
    if (url.protocol !== "https:" || url.search !== "" || url.hash !== "")
        return undefined;
    // `https://host//.default` is a known variant clients send; Entra reads it as `.default`.
    const permission = url.pathname.replace(/^\/+/, "");
    if (permission === "" || permission.includes("/"))
        return undefined;
    return { origin: url.origin, permission };
}
/**
 * The audience for a request in `tenant`: the tenant's SharePoint origin. Another tenant's origin or
 * an unknown host is AADSTS500011 as in Entra (the resource principal is not in this tenant).
 */
export function resolveResource(scopes, tenant, tenantByOrigin) {
    if (scopes.resource === undefined)
        return { audience: GRAPH_RESOURCE, scp: "openid profile email User.Read" };
    const owner = tenantByOrigin(scopes.resource);
    if (owner === undefined || owner.tenantId !== tenant.tenantId) {
        throw new EntraError(400, "invalid_resource", 500011, `The resource principal named ${scopes.resource} was not found in the tenant named ${tenant.displayName}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.`);
    }
    const named = scopes.permissions.filter((p) => p.toLowerCase() !== ".default");
    const scp = scopes.permissions.some((p) => p.toLowerCase() === ".default") ? [...new Set([...SHAREPOINT_DEFAULT_SCOPES, ...named])] : named;
    return { audience: scopes.resource, scp: scp.join(" ") };
}
/** The `scope` of a token response: the requested resource scopes and the OIDC scopes asked for (B.5). */
export function responseScope(scopes) {
    const oidc = ["openid", "profile", "email", "offline_access"].filter((s) => scopes.oidc.includes(s));
    const resource = scopes.resource === undefined ? ["User.Read"].map((s) => `${GRAPH_RESOURCE}/${s}`) : scopes.resourceScopes;
    return [...resource, ...oidc].join(" ");
}
//# sourceMappingURL=scopes.js.map