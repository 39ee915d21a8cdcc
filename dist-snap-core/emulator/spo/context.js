/**
 * Per-request context of the SharePoint REST part: the web addressed by the URL, who is asking,
 * the dialect and query options, plus the response writers (every response carries the headers
 * the service sends: SPRequestGuid, request-id, X-SharePointHealthScore).
 */
import { randomUUID } from "node:crypto";
import { contentTypeFor, dialectOf } from "../http/errors.js";
import { accessDenied, invalidUrl } from "./errors.js";
/** User id recorded for app-only writes (the real service shows "SharePoint App"). */
export function actingUserId(p) {
    return p.user?.id ?? p.appId;
}
export class SpoContext {
    env;
    opts;
    req;
    res;
    tenant;
    site;
    principal;
    query;
    store;
    origin;
    webUrl;
    apiBase;
    dialect;
    requestId = randomUUID();
    userId;
    constructor(env, opts, req, res, tenant, site, principal, query) {
        this.env = env;
        this.opts = opts;
        this.req = req;
        this.res = res;
        this.tenant = tenant;
        this.site = site;
        this.principal = principal;
        this.query = query;
        this.store = env.store;
        this.origin = req.url.origin;
        this.webUrl = absoluteUrl(this.origin, site.serverRelativeUrl);
        this.apiBase = `${this.webUrl}/_api`;
        this.dialect = dialectOf(req);
        this.userId = actingUserId(principal);
    }
    get user() {
        return this.principal.user;
    }
    /** Members only; app-only certificate principals reach every site. */
    canAccess(site) {
        const u = this.principal.user;
        return u === undefined || this.store.canAccess(site, u.id);
    }
    requireAccess(site) {
        if (!this.canAccess(site))
            throw accessDenied();
    }
    /**
     * A path as given to `…ServerRelativePath(decodedUrl=…)`: server-relative (or web-relative, or
     * absolute on this origin), normalised, and inside this web (else the service's invalid-URL error).
     */
    pathInWeb(given) {
        const p = this.normalisePath(given);
        const site = this.store.siteForPath(this.tenant.name, p);
        if (!site || site.id !== this.site.id)
            throw invalidUrl(this.env.config.invalidUrlStatus, given);
        return p;
    }
    normalisePath(given) {
        let p = given.trim();
        const abs = /^https?:\/\/[^/]+/i.exec(p);
        if (abs)
            p = p.slice(abs[0].length) || "/";
        if (!p.startsWith("/"))
            p = joinPath(this.site.serverRelativeUrl, p);
        p = p.replace(/\/{2,}/g, "/");
        if (p.length > 1)
            p = p.replace(/\/+$/, "");
        return p;
    }
    /** The library containing a path in this web. */
    listFor(path) {
        return this.store.listForPath(this.site.id, path);
    }
    listOf(item) {
        return this.store.listById(item.listId);
    }
    // --- responses ---
    baseHeaders(extra = {}) {
        return {
            SPRequestGuid: this.requestId,
            "request-id": this.requestId,
            "X-SharePointHealthScore": "0",
            "X-MS-InvokeApp": "1; RequireReadOnly",
            MicrosoftSharePointTeamServices: "16.0.0.26000",
            ...extra,
        };
    }
    json(status, body, headers = {}) {
        const buf = Buffer.from(JSON.stringify(body), "utf8");
        if (this.res.headersSent) {
            this.res.destroy();
            return;
        }
        this.res.writeHead(status, this.baseHeaders({ "Content-Type": contentTypeFor(this.dialect), "Content-Length": String(buf.length), ...headers }));
        this.res.end(buf);
    }
    /** A DELETE-tunnelled POST and friends: 200 with an empty body. */
    empty(status = 200) {
        if (this.res.headersSent)
            return;
        this.res.writeHead(status, this.baseHeaders({ "Content-Length": "0" }));
        this.res.end();
    }
    headers(extra = {}) {
        return this.baseHeaders(extra);
    }
}
export function absoluteUrl(origin, serverRelative) {
    return serverRelative === "/" ? origin : origin + serverRelative;
}
export function joinPath(parent, name) {
    return parent === "/" ? `/${name}` : `${parent}/${name}`;
}
export function parentPath(p) {
    const i = p.lastIndexOf("/");
    return i <= 0 ? "/" : p.slice(0, i);
}
export function leafName(p) {
    return p.slice(p.lastIndexOf("/") + 1);
}
//# sourceMappingURL=context.js.map