/**
 * Tenants and users of the seeds. Tenant ids and user object ids are fixed so docs, scripts and
 * tests can rely on them; site, list and item ids are random per data dir.
 */
import { stableGuid } from "../store/ids.js";
export const CONTOSO_TENANT_ID = "6a1e8a3c-2b4d-4f5e-9a7b-0c1d2e3f4a5b";
export const FABRIKAM_TENANT_ID = "b7c8d9e0-f1a2-4b3c-8d4e-5f6a7b8c9d0e";
export function userId(tenant, alias) {
    return stableGuid("konnekt-seed-user", tenant, alias);
}
/** Adds a tenant and its users; returns the users by alias. */
export function addTenant(store, name, tenantId, displayName, users) {
    store.addTenant({ name, tenantId, displayName });
    const out = {};
    for (const u of users) {
        out[u.alias] = store.addUser({ id: userId(name, u.alias), tenant: name, upn: `${u.alias}@${name}.onmicrosoft.com`, displayName: u.displayName });
    }
    return out;
}
export function user(users, alias) {
    const u = users[alias];
    if (!u)
        throw new Error(`seed user ${alias} missing`);
    return u;
}
//# sourceMappingURL=tenants.js.map