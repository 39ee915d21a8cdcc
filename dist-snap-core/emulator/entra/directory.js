import { EntraError } from "./respond.js";
export class Directory {
    store;
    constructor(store) {
        this.store = store;
    }
    tenants() {
        return this.store.tenants();
    }
    /** A tenant by id or name (with or without `.onmicrosoft.com`). */
    find(ref) {
        const lower = ref.toLowerCase();
        const name = lower.endsWith(".onmicrosoft.com") ? lower.slice(0, -".onmicrosoft.com".length) : lower;
        return this.tenants().find((t) => t.tenantId.toLowerCase() === lower || t.name.toLowerCase() === name);
    }
    byId(tenantId) {
        const lower = tenantId.toLowerCase();
        return this.tenants().find((t) => t.tenantId.toLowerCase() === lower);
    }
    /** Resolves an authority path segment; unknown tenants are Entra's AADSTS90002. */
    resolve(segment) {
        let decoded = segment;
        try {
            decoded = decodeURIComponent(segment);
        }
        catch {
            // keep the raw segment; it will not match a tenant
        }
        const lower = decoded.toLowerCase();
        if (lower === "organizations" || lower === "common")
            return { kind: "multi", segment: lower };
        const tenant = this.find(decoded);
        if (tenant === undefined) {
            if (lower === "consumers") {
                throw new EntraError(400, "invalid_request", 9001023, "The grant type isn't supported over the /common or /consumers endpoints. Please use the /organizations or tenant-specific endpoint.");
            }
            throw new EntraError(400, "invalid_tenant", 90002, `Tenant '${decoded}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.`);
        }
        return { kind: "tenant", tenant, segment: decoded };
    }
    /**
     * A user by UPN, or by the UPN's local part ("adele") for tests and the sign-in pages. With no
     * tenant given, every tenant is searched (the /organizations endpoints learn the tenant here).
     */
    findUser(login, tenant) {
        const wanted = login.trim().toLowerCase();
        if (wanted === "")
            return undefined;
        const tenants = tenant !== undefined ? [tenant] : this.tenants();
        for (const t of tenants) {
            const exact = this.store.userByUpn(t.name, wanted) ?? t.users.find((u) => u.upn.toLowerCase() === wanted);
            if (exact !== undefined)
                return exact;
        }
        if (wanted.includes("@"))
            return undefined;
        for (const t of tenants) {
            const short = t.users.find((u) => u.upn.toLowerCase().split("@")[0] === wanted);
            if (short !== undefined)
                return short;
        }
        return undefined;
    }
    tenantOfUser(user) {
        return this.find(user.tenant);
    }
}
//# sourceMappingURL=directory.js.map