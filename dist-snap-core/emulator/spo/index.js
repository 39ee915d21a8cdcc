import { requirePrincipal } from "../http/auth.js";
import { HttpError } from "../http/errors.js";
import { SpoContext } from "./context.js";
import { fileNotFound, spError, translate, unknownResource } from "./errors.js";
import { fileActions, serveFileResource } from "./files.js";
import { folderActions, legacyCreateFolder, serveFolderResource } from "./folders.js";
import { itemActions, listProperty, mergeItem, serveItemResource } from "./items.js";
import { spoOptions } from "./options.js";
import { is, parseApiPath, PathSyntaxError } from "./path.js";
import { parseQueryOptions } from "./query.js";
import { actions, step } from "./resources.js";
import { serveUser, webActions } from "./web.js";
/** `<web>/_api` or `<web>/_api/<rest>`; the Graph part registers `/_api/v2.0/…` before us. */
const API_ROUTE = /^(?<web>(?:\/[^?]*?)?)\/_api(?:\/(?<rest>[^?]*))?$/i;
let registered = false;
function registerActions() {
    if (registered)
        return;
    registered = true;
    actions.push(webActions, fileActions, folderActions, itemActions);
}
function decodeWebPath(raw) {
    let p;
    try {
        p = decodeURIComponent(raw);
    }
    catch {
        throw new PathSyntaxError("Malformed percent-encoding in the web URL.");
    }
    p = p.replace(/\/{2,}/g, "/").replace(/\/+$/, "");
    return p === "" ? "/" : p;
}
function subjectOf(r) {
    switch (r.k) {
        case "file":
            return { kind: "file", path: r.item.serverRelativeUrl };
        case "folder":
        case "files":
        case "folders":
            return { kind: "folder" };
        case "item":
        case "items":
            return { kind: "item" };
        case "list":
        case "lists":
            return { kind: "list" };
        default:
            return { kind: "other" };
    }
}
async function serve(ctx, r) {
    if (r.k === "action")
        return r.run();
    if (await mergeItem(ctx, r))
        return;
    if (await legacyCreateFolder(ctx, r))
        return;
    if (serveFileResource(ctx, r))
        return;
    if (serveFolderResource(ctx, r))
        return;
    if (serveItemResource(ctx, r))
        return;
    if (listProperty(ctx, r))
        return;
    if (serveUser(ctx, r))
        return;
    throw unknownResource(`'${r.k}'`);
}
/** `odata=nometadata` is a v3 spelling; with `odata-version: 4.0` the service answers 406 (A.1, sp-dev-docs #644). */
function odataV3NometadataUnderV4(req) {
    const accept = String(req.headers.accept ?? "").toLowerCase();
    const version = String(req.headers["odata-version"] ?? "").trim();
    return accept.includes("odata=nometadata") && version.startsWith("4");
}
/** Tenant services that do not depend on membership of the web they are addressed through. */
function tenantService(segs) {
    return is(segs[0], "search", "SP.UserProfiles.PeopleManager");
}
export function registerSharePoint(routes, env) {
    registerActions();
    const opts = spoOptions(env.config);
    routes.add("*", API_ROUTE, async (req, res) => {
        const tenant = req.tenant ?? env.tenantByOrigin(req.url.origin);
        if (!tenant)
            throw fileNotFound();
        const principal = requirePrincipal(req, res, env, "sp");
        if (!principal)
            return;
        let r = { k: "root" };
        let ctx;
        try {
            const webPath = decodeWebPath(req.params.web ?? "");
            const site = env.store.siteForPath(tenant.name, webPath);
            if (!site || site.serverRelativeUrl.toLowerCase() !== webPath.toLowerCase())
                throw fileNotFound();
            ctx = new SpoContext(env, opts, req, res, tenant, site, principal, parseQueryOptions(req.url.searchParams));
            if (odataV3NometadataUnderV4(req))
                throw spError(406, "-1, Microsoft.SharePoint.Client.ClientServiceException", "The HTTP header ACCEPT is missing or its value is invalid.");
            const segs = parseApiPath(req.params.rest ?? "", req.url.searchParams);
            if (!tenantService(segs))
                ctx.requireAccess(site);
            for (const seg of segs) {
                if (r.k === "action")
                    throw unknownResource(`'${seg.name}'`);
                r = step(ctx, r, seg);
            }
            await serve(ctx, r);
        }
        catch (err) {
            const e = translate(err, subjectOf(r), opts);
            if (e instanceof HttpError && ctx)
                throw new HttpError(e.status, e.spCode, e.message, "sp", { ...ctx.headers(), ...e.headers });
            throw e;
        }
    });
}
//# sourceMappingURL=index.js.map