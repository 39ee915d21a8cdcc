import { GraphError } from "./errors.js";
import { uniqueIdFromGraphItemId } from "./ids.js";
const GUID_RE = /^\{?[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\}?$/i;
export class GraphContext {
    deps;
    req;
    tenant;
    principal;
    store;
    origin;
    /** Handle of the bearer session, for download URLs minted in this request. */
    session;
    userNames = new Map();
    constructor(deps, req, tenant, principal, 
    /** The bearer session handle when the request itself carries no bearer (upload URLs). */
    session) {
        this.deps = deps;
        this.req = req;
        this.tenant = tenant;
        this.principal = principal;
        this.store = deps.env.store;
        this.origin = req.url.origin;
        this.session = session ?? deps.tempAuth.session(req.headers.authorization ?? "", expiryMs(principal.expiresAt));
    }
    /** The acting user id (app-only tokens act as their app). */
    get userId() {
        return this.principal.user?.id ?? this.principal.appId;
    }
    userRef(id) {
        if (!this.userNames.has(id)) {
            const u = this.store.userById(this.tenant.name, id);
            this.userNames.set(id, u ? { displayName: u.displayName, email: u.upn, id: u.id } : undefined);
        }
        return this.userNames.get(id) ?? { displayName: "SharePoint App", id };
    }
    site(siteId) {
        const site = this.store.siteById(this.tenant.name, siteId);
        if (!site)
            throw new GraphError(404, "itemNotFound", "The requested site was not found.");
        return site;
    }
    /** Members only: app-only tokens (certificate apps, checked by the token service) see every site. */
    requireAccess(site) {
        if (!this.principal.user)
            return;
        if (!this.store.canAccess(site, this.principal.user.id))
            throw new GraphError(403, "accessDenied", "Access denied");
    }
    drive(driveId) {
        const list = this.store.listByDriveId(driveId);
        const site = list ? this.store.siteById(this.tenant.name, list.siteId) : undefined;
        if (!list || !site)
            throw new GraphError(404, "itemNotFound", "The requested drive was not found.");
        this.requireAccess(site);
        return { list, site };
    }
    /** The site's default document library ("Documents", or the OneDrive library). */
    defaultDrive(site) {
        this.requireAccess(site);
        const lists = this.store.lists(site.id).filter((l) => !l.hidden && (l.baseTemplate === 101 || l.baseTemplate === 700));
        const list = lists.find((l) => l.baseTemplate === 700) ?? lists.find((l) => /\/(Shared Documents|Documents)$/i.test(l.rootFolderUrl)) ?? lists[0];
        if (!list)
            throw new GraphError(404, "itemNotFound", "The site has no document library.");
        return { list, site };
    }
    /** Item by Graph id (or, leniently, by its UniqueId) inside the drive; `root` is the root folder. */
    item(list, id) {
        if (id.toLowerCase() === "root")
            return this.store.rootFolder(list.id);
        const uniqueId = uniqueIdFromGraphItemId(id) ?? (GUID_RE.test(id) ? id.replace(/[{}]/g, "").toLowerCase() : undefined);
        const item = uniqueId ? this.store.itemByUniqueId(uniqueId) : undefined;
        if (!item || item.listId !== list.id)
            throw new GraphError(404, "itemNotFound", "Item not found");
        return item;
    }
    /** Item at a relative path below `base`, or undefined. */
    itemAtPath(base, relPath) {
        const rel = relPath.replace(/^\/+|\/+$/g, "");
        if (rel === "")
            return base;
        return this.store.itemByPath(this.tenant.name, `${base.serverRelativeUrl}/${rel}`);
    }
    /** `https://origin/sites/x` (no trailing slash) for a site; the root site gives the bare origin. */
    siteUrl(site) {
        return site.serverRelativeUrl === "/" ? this.origin : `${this.origin}${encodePath(site.serverRelativeUrl)}`;
    }
}
/** Principal expiry may be in seconds (JWT `exp`) or milliseconds. */
export function expiryMs(expiresAt) {
    return expiresAt < 1e12 ? expiresAt * 1000 : expiresAt;
}
/** Percent-encodes each segment of a decoded server-relative path. */
export function encodePath(path) {
    return path
        .split("/")
        .map((s) => encodeURIComponent(s))
        .join("/");
}
//# sourceMappingURL=context.js.map