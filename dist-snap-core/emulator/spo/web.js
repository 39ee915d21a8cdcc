/**
 * Web-level functions: contextinfo (A.5), SP.MoveCopyUtil (A.14), GetChanges on webs and lists
 * (A.19), the user's profile (PeopleManager.GetMyProperties) and the current user.
 */
import { createHash } from "node:crypto";
import { absoluteUrl } from "./context.js";
import { userEntity } from "./entities.js";
import { badArgument, fileNotFound, fileNotFoundAtPath, invalidUrl, unsupportedMethod } from "./errors.js";
import { effectiveMethod } from "./files.js";
import { listChanges, webChanges } from "./changes.js";
import { renderComplex, renderNull, renderSingle } from "./odata.js";
import { arg, is } from "./path.js";
import { bool } from "./resources.js";
import { search } from "./search.js";
function action(name, run) {
    return { k: "action", name, run };
}
function requirePost(ctx) {
    if (effectiveMethod(ctx) !== "POST")
        throw unsupportedMethod(ctx.req.method);
}
function contextInfo(ctx) {
    requirePost(ctx);
    const now = new Date();
    const digest = createHash("sha256").update(`${ctx.userId}:${ctx.site.id}:${now.getTime()}`).digest("hex").toUpperCase().slice(0, 128);
    const stamp = now.toUTCString().replace(/^\w+, /, "").replace("GMT", "-0000");
    ctx.json(200, renderComplex({
        FormDigestTimeoutSeconds: 1800,
        FormDigestValue: `0x${digest},${stamp}`,
        LibraryVersion: "16.0.26000.12001",
        SiteFullUrl: ctx.webUrl,
        SupportedSchemaVersions: ["14.0.0.0", "15.0.0.0"],
        WebFullUrl: ctx.webUrl,
    }, "SP.ContextWebInformation", "GetContextWebInformation", ctx));
    return Promise.resolve();
}
/** An absolute (or server-relative) URL from a MoveCopyUtil body, as a server-relative path on this tenant. */
function pathOfUrl(ctx, url, what) {
    if (typeof url !== "string" || url === "")
        throw badArgument(`The parameter ${what} is required.`);
    const abs = /^(https?:\/\/[^/]+)(.*)$/i.exec(url);
    if (abs) {
        const origin = abs[1].toLowerCase();
        if (origin !== ctx.origin.toLowerCase())
            throw invalidUrl(ctx.env.config.invalidUrlStatus, url);
        const rest = abs[2] || "/";
        return ctx.normalisePath(rest);
    }
    return ctx.normalisePath(url);
}
async function moveCopy(ctx, seg, isMove, isFolder) {
    requirePost(ctx);
    const body = await ctx.req.json();
    const src = pathOfUrl(ctx, body.srcPath?.DecodedUrl ?? body.srcUrl, "srcPath");
    const dest = pathOfUrl(ctx, body.destPath?.DecodedUrl ?? body.destUrl, "destPath");
    const item = ctx.store.itemByPath(ctx.tenant.name, src);
    if (!item || item.isFolder !== isFolder)
        throw isFolder ? fileNotFound() : fileNotFoundAtPath(src);
    const srcSite = ctx.store.siteForPath(ctx.tenant.name, src);
    const destSite = ctx.store.siteForPath(ctx.tenant.name, dest);
    if (!srcSite || !destSite)
        throw invalidUrl(ctx.env.config.invalidUrlStatus, dest);
    ctx.requireAccess(srcSite);
    ctx.requireAccess(destSite);
    const cut = dest.lastIndexOf("/");
    const parent = ctx.store.itemByPath(ctx.tenant.name, cut <= 0 ? "/" : dest.slice(0, cut));
    if (!parent || !parent.isFolder)
        throw fileNotFound();
    const name = dest.slice(cut + 1);
    // The boolean quirk (A.14): files take `overwrite` from the path, folders only know KeepBoth.
    const overwrite = isFolder ? false : bool(arg(seg, "overwrite", 0) ?? body.overwrite, false);
    const opts = {
        userId: ctx.userId,
        overwrite,
        keepBoth: body.options?.KeepBoth === true,
        bypassSharedLock: body.options?.ShouldBypassSharedLocks === true,
    };
    if (isMove)
        ctx.store.move(item.uniqueId, { parentId: parent.uniqueId, name }, opts);
    else
        ctx.store.copy(item.uniqueId, { parentId: parent.uniqueId, name }, opts);
    ctx.json(200, renderNull(seg.name.replace(/^SP\.MoveCopyUtil\./i, ""), ctx));
}
function myProperties(ctx) {
    if (effectiveMethod(ctx) !== "GET")
        throw unsupportedMethod(ctx.req.method);
    const u = ctx.user;
    if (!u) {
        // App-only callers have no profile; the service answers with an empty PersonProperties.
        ctx.json(200, renderComplex({ AccountName: null, DisplayName: null, Email: null, PersonalUrl: null, UserProfileProperties: [] }, "SP.UserProfiles.PersonProperties", "GetMyProperties", ctx));
        return Promise.resolve();
    }
    const personal = ctx.store.personalSite(ctx.tenant.name, u.id);
    const personalUrl = `${absoluteUrl(ctx.origin, personal.serverRelativeUrl)}/`;
    const props = [
        ["AccountName", u.loginName],
        ["FirstName", u.displayName.split(" ")[0] ?? ""],
        ["LastName", u.displayName.split(" ").slice(1).join(" ")],
        ["PreferredName", u.displayName],
        ["UserName", u.upn],
        ["WorkEmail", u.upn],
        ["PersonalSpace", `${personal.serverRelativeUrl}/`],
        ["SPS-UserPrincipalName", u.upn],
        ["msOnline-ObjectId", u.id],
    ];
    ctx.json(200, renderComplex({
        AccountName: u.loginName,
        DirectReports: [],
        DisplayName: u.displayName,
        Email: u.upn,
        ExtendedManagers: [],
        ExtendedReports: [u.loginName],
        IsFollowed: false,
        LatestPost: null,
        Peers: [],
        PersonalSiteHostUrl: `${ctx.origin}/`,
        PersonalUrl: personalUrl,
        PictureUrl: null,
        Title: null,
        UserProfileProperties: props.map(([Key, Value]) => ({ Key, Value, ValueType: "Edm.String" })),
        UserUrl: `${ctx.origin}/Person.aspx?accountname=${encodeURIComponent(u.loginName)}`,
    }, "SP.UserProfiles.PersonProperties", "GetMyProperties", ctx));
    return Promise.resolve();
}
export function webActions(ctx, r, seg) {
    if (r.k === "root") {
        if (is(seg, "contextinfo"))
            return action("contextinfo", () => contextInfo(ctx));
        const mc = /^SP\.MoveCopyUtil\.(Move|Copy)(File|Folder)(ByPath)?$/i.exec(seg.name);
        if (mc)
            return action(seg.name, () => moveCopy(ctx, seg, mc[1].toLowerCase() === "move", mc[2].toLowerCase() === "folder"));
        return undefined;
    }
    if (r.k === "web" && is(seg, "getChanges"))
        return action("GetChanges", () => (requirePost(ctx), webChanges(ctx)));
    if (r.k === "list" && is(seg, "getChanges"))
        return action("GetChanges", () => (requirePost(ctx), listChanges(ctx, r.list)));
    if (r.k === "namespace" && r.name === "search" && is(seg, "postquery", "query"))
        return action(seg.name, () => search(ctx, seg));
    if (r.k === "namespace" && r.name === "sp.userprofiles.peoplemanager" && is(seg, "getMyProperties"))
        return action("GetMyProperties", () => myProperties(ctx));
    return undefined;
}
export function serveUser(ctx, r) {
    if (r.k === "user") {
        if (effectiveMethod(ctx) !== "GET")
            throw unsupportedMethod(ctx.req.method);
        if (r.user)
            ctx.json(200, renderSingle(userEntity(ctx, r.user), ctx, ctx.query));
        else
            ctx.json(200, renderNull(r.name, ctx));
        return true;
    }
    if (r.k === "null") {
        if (effectiveMethod(ctx) !== "GET")
            throw unsupportedMethod(ctx.req.method);
        ctx.json(200, renderNull(r.name, ctx));
        return true;
    }
    return false;
}
//# sourceMappingURL=web.js.map