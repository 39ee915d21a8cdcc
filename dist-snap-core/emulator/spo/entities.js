/**
 * Builders for the SharePoint REST entities (SP.Web, SP.List, SP.Folder, SP.File, list items,
 * SP.User, SP.FileVersion) from store records, with the property sets and formats the service
 * uses (spo-protocol.md A.6–A.9, A.16): Int64 as strings, dates at seconds precision with `Z`,
 * `ETag` `"{GUID},n"`, `UIVersion = 512*major+minor`.
 */
import { createHash } from "node:crypto";
import { graphItemId } from "../graph/ids.js";
import { absoluteUrl, leafName, parentPath } from "./context.js";
import { Complex } from "./odata.js";
import { encodePathForLink } from "./path.js";
import { listChangeToken, webChangeToken } from "./tokens.js";
export function spDate(iso) {
    if (!iso)
        return null;
    const d = new Date(iso);
    if (Number.isNaN(d.getTime()))
        return iso;
    return d.toISOString().replace(/\.\d{3}Z$/, "Z");
}
export function braced(guid) {
    return `{${guid.toUpperCase()}}`;
}
/** `"{GUID},n"`, the file's ETag (JSON property and HTTP header). */
export function fileEtag(item) {
    return `"${braced(item.uniqueId)},${item.etag}"`;
}
/** A stable GUID derived from text (synthetic objects such as a library's `Forms` folder). */
export function derivedGuid(text) {
    const h = createHash("sha1").update(text).digest("hex");
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
/** The site-collection user id (`GetUserById(n)`): small integers, stable per tenant user. */
export function siteUserId(ctx, userId) {
    const i = ctx.tenant.users.findIndex((u) => u.id === userId);
    return i >= 0 ? 7 + i : 1073741822; // 1073741822: the "SharePoint App" principal
}
export function userBySiteUserId(ctx, n) {
    return ctx.tenant.users[n - 7];
}
export function webEntity(ctx, site = ctx.site) {
    const lists = ctx.store.lists(site.id);
    const lastMod = lists.map((l) => lastModified(ctx, l)).sort().pop() ?? site.created;
    return {
        type: "SP.Web",
        id: `${absoluteUrl(ctx.origin, site.serverRelativeUrl)}/_api/Web`,
        editLink: "Web",
        set: "SP.ApiData.Webs",
        props: {
            AllowRssFeeds: true,
            AlternateCssUrl: "",
            AppInstanceId: "00000000-0000-0000-0000-000000000000",
            Created: spDate(site.created),
            CurrentChangeToken: new Complex("SP.ChangeToken", { StringValue: webChangeToken(ctx.store, site) }),
            CustomMasterUrl: `${site.serverRelativeUrl === "/" ? "" : site.serverRelativeUrl}/_catalogs/masterpage/seattle.master`,
            Description: site.description,
            EnableMinimalDownload: false,
            Id: site.webId,
            IsMultilingual: true,
            Language: 1033,
            LastItemModifiedDate: spDate(lastMod),
            LastItemUserModifiedDate: spDate(lastMod),
            NoCrawl: false,
            RecycleBinEnabled: true,
            ServerRelativeUrl: site.serverRelativeUrl,
            SiteLogoUrl: null,
            Title: site.title,
            UIVersion: 15,
            Url: absoluteUrl(ctx.origin, site.serverRelativeUrl),
            WebTemplate: site.webTemplate,
            WelcomePage: "SitePages/Home.aspx",
        },
        extra: { SiteId: site.id },
        nav: {
            Lists: () => ctx.store.lists(site.id).map((l) => listEntity(ctx, l)),
            CurrentUser: () => (ctx.user ? userEntity(ctx, ctx.user) : null),
        },
    };
}
function lastModified(ctx, list) {
    const n = ctx.store.currentChange(list.id);
    if (n > 0) {
        try {
            const c = ctx.store.changesSince(list.id, n - 1, 1)[0];
            if (c)
                return c.time;
        }
        catch {
            // an expired log still leaves the list's creation time
        }
    }
    return list.created;
}
export function listEntity(ctx, list) {
    const edit = `Web/Lists(guid'${list.id}')`;
    const site = ctx.store.siteById(ctx.tenant.name, list.siteId) ?? ctx.site;
    const webUrl = absoluteUrl(ctx.origin, site.serverRelativeUrl);
    const lastMod = spDate(lastModified(ctx, list));
    const change = ctx.store.currentChange(list.id);
    const isDocLib = list.baseTemplate === 101 || list.baseTemplate === 700 || list.baseTemplate === 109 || list.baseTemplate === 119;
    return {
        type: "SP.List",
        id: `${webUrl}/_api/${edit}`,
        editLink: edit,
        etag: `"${change + 1}"`,
        set: "SP.ApiData.Lists",
        props: {
            AllowContentTypes: true,
            BaseTemplate: list.baseTemplate,
            BaseType: isDocLib ? 1 : 0,
            ContentTypesEnabled: false,
            Created: spDate(list.created),
            CurrentChangeToken: new Complex("SP.ChangeToken", { StringValue: listChangeToken(ctx.store, list) }),
            DefaultContentApprovalWorkflowId: "00000000-0000-0000-0000-000000000000",
            Description: "",
            Direction: "none",
            DocumentTemplateUrl: `${list.rootFolderUrl}/Forms/template.dotx`,
            DraftVersionVisibility: 0,
            EnableAttachments: false,
            EnableFolderCreation: true,
            EnableMinorVersions: list.enableMinorVersions,
            EnableModeration: false,
            EnableVersioning: list.enableVersioning,
            EntityTypeName: list.entityTypeName,
            ForceCheckout: list.forceCheckout,
            HasExternalDataSource: false,
            Hidden: list.hidden,
            Id: list.id,
            ImageUrl: "/_layouts/15/images/itdl.png?rev=47",
            IrmEnabled: false,
            IsApplicationList: false,
            IsCatalog: false,
            IsPrivate: false,
            ItemCount: ctx.store.itemCount(list.id),
            LastItemDeletedDate: lastMod,
            LastItemModifiedDate: lastMod,
            LastItemUserModifiedDate: lastMod,
            ListItemEntityTypeFullName: `SP.Data.${list.entityTypeName}Item`,
            MajorVersionLimit: 500,
            MajorWithMinorVersionsLimit: 0,
            MultipleDataList: false,
            NoCrawl: false,
            ParentWebUrl: site.serverRelativeUrl,
            ServerTemplateCanCreateFolders: true,
            TemplateFeatureId: "00bfea71-e717-4e80-aa17-d0c71b360101",
            Title: list.title,
        },
        extra: { ParentWebPath: new Complex("SP.ResourcePath", { DecodedUrl: site.serverRelativeUrl }), DriveId: list.driveId },
        nav: {
            RootFolder: () => folderEntity(ctx, ctx.store.rootFolder(list.id), { list }),
            Items: () => [],
            ParentWeb: () => webEntity(ctx, site),
        },
    };
}
function folderLinks(ctx, path) {
    const site = ctx.store.siteForPath(ctx.tenant.name, path) ?? ctx.site;
    const webUrl = absoluteUrl(ctx.origin, site.serverRelativeUrl);
    return {
        id: `${webUrl}/_api/Web/GetFolderByServerRelativePath(decodedurl='${path.replace(/'/g, "''")}')`,
        editLink: `Web/GetFolderByServerRelativePath(decodedurl='${encodePathForLink(path)}')`,
    };
}
/** The system folder `Forms` under a library root, which the store does not keep (A.9). */
export function formsFolder(list, root) {
    return {
        ...root,
        uniqueId: derivedGuid(`forms:${list.id}`),
        id: 0,
        parentId: root.uniqueId,
        name: "Forms",
        serverRelativeUrl: `${list.rootFolderUrl}/Forms`,
        isFolder: true,
        size: 0,
        childCount: 1,
        created: list.created,
        modified: list.created,
    };
}
export function folderEntity(ctx, item, o = {}) {
    const path = item.serverRelativeUrl;
    const links = folderLinks(ctx, path);
    const list = o.list ?? ctx.store.listById(item.listId);
    const isRoot = item.parentId === null;
    return {
        type: "SP.Folder",
        ...links,
        set: "SP.ApiData.Folders",
        props: {
            Exists: o.missing !== true,
            ExistsAllowThrowForPolicyFailures: o.missing !== true,
            ExistsWithException: o.missing !== true,
            IsWOPIEnabled: false,
            ItemCount: item.childCount,
            Name: item.name || leafName(path),
            ProgID: null,
            ServerRelativeUrl: path,
            TimeCreated: spDate(item.created),
            TimeLastModified: spDate(item.modified),
            UniqueId: item.uniqueId,
            WelcomePage: "",
        },
        extra: {
            ServerRelativePath: new Complex("SP.ResourcePath", { DecodedUrl: path }),
            ContentTypeOrder: [],
            UniqueContentTypeOrder: null,
            ListId: list?.id ?? null,
            SiteId: item.siteId,
            WebId: ctx.store.siteById(ctx.tenant.name, item.siteId)?.webId ?? null,
            VroomDriveID: list?.driveId ?? null,
            VroomItemID: o.missing ? null : graphItemId(item.uniqueId),
        },
        nav: {
            Files: () => childEntities(ctx, item, "files"),
            Folders: () => childEntities(ctx, item, "folders"),
            ListItemAllFields: () => (isRoot || item.id === 0 || !list ? null : itemEntity(ctx, item, list)),
            ParentFolder: () => {
                if (isRoot)
                    return null;
                const parent = item.parentId ? ctx.store.itemByUniqueId(item.parentId) : undefined;
                return parent ? folderEntity(ctx, parent) : null;
            },
            Properties: () => null,
            StorageMetrics: () => null,
        },
    };
}
/** Expanded `Files`/`Folders` of a folder (bounded like the collection endpoints). */
function childEntities(ctx, folder, kind) {
    const page = ctx.store.children(folder.uniqueId, { limit: ctx.env.config.listViewThreshold, kind });
    return page.items.map((i) => (i.isFolder ? folderEntity(ctx, i) : fileEntity(ctx, i)));
}
export function fileEntity(ctx, item) {
    const path = item.serverRelativeUrl;
    const site = ctx.store.siteForPath(ctx.tenant.name, path) ?? ctx.site;
    const webUrl = absoluteUrl(ctx.origin, site.serverRelativeUrl);
    const list = ctx.store.listById(item.listId);
    const dw = item.uniqueId.replace(/-/g, "");
    const encodedUrl = absoluteUrl(ctx.origin, encodePathForLink(path).replace(/''/g, "'"));
    return {
        type: "SP.File",
        id: `${webUrl}/_api/Web/GetFileByServerRelativePath(decodedurl='${path.replace(/'/g, "''")}')`,
        editLink: `Web/GetFileByServerRelativePath(decodedurl='${encodePathForLink(path)}')`,
        set: "SP.ApiData.Files12",
        props: {
            CheckInComment: item.checkInComment,
            CheckOutType: item.checkedOutById ? 0 : 2,
            ContentTag: `${braced(item.uniqueId)},${item.etag},${item.contentVersion}`,
            CustomizedPageStatus: 0,
            ETag: fileEtag(item),
            Exists: true,
            ExistsAllowThrowForPolicyFailures: true,
            ExistsWithException: true,
            IrmEnabled: false,
            Length: String(item.size),
            Level: item.minorVersion > 0 ? 2 : 1,
            LinkingUri: `${encodedUrl}?d=w${dw}`,
            LinkingUrl: `${absoluteUrl(ctx.origin, path)}?d=w${dw}`,
            MajorVersion: item.majorVersion,
            MinorVersion: item.minorVersion,
            Name: item.name,
            ServerRelativeUrl: path,
            TimeCreated: spDate(item.created),
            TimeLastModified: spDate(item.modified),
            Title: null,
            UIVersion: 512 * item.majorVersion + item.minorVersion,
            UIVersionLabel: `${item.majorVersion}.${item.minorVersion}`,
            UniqueId: item.uniqueId,
        },
        extra: {
            ServerRelativePath: new Complex("SP.ResourcePath", { DecodedUrl: path }),
            ListId: item.listId,
            SiteId: item.siteId,
            WebId: site.webId,
            VroomDriveID: list?.driveId ?? null,
            VroomItemID: graphItemId(item.uniqueId),
            HasAlternateContentStreams: false,
        },
        nav: {
            Author: () => userOrNull(ctx, item.authorId),
            ModifiedBy: () => userOrNull(ctx, item.editorId),
            CheckedOutByUser: () => userOrNull(ctx, item.checkedOutById),
            LockedByUser: () => userOrNull(ctx, activeLock(item)?.userId),
            ListItemAllFields: () => (list ? itemEntity(ctx, item, list) : null),
            Versions: () => ctx.store.versions(item.uniqueId).map((v) => versionEntity(ctx, item, v)),
            Properties: () => null,
        },
    };
}
export function activeLock(item) {
    const l = item.lock;
    if (!l)
        return undefined;
    return Date.parse(l.expires) > Date.now() ? l : undefined;
}
export function itemEntity(ctx, item, list) {
    const site = ctx.store.siteById(ctx.tenant.name, list.siteId) ?? ctx.site;
    const webUrl = absoluteUrl(ctx.origin, site.serverRelativeUrl);
    const edit = `Web/Lists(guid'${list.id}')/Items(${item.id})`;
    const etag = ctx.opts.quoteItemEtag ? `"${item.etag}"` : String(item.etag);
    const version = `${item.majorVersion}.${item.minorVersion}`;
    return {
        type: `SP.Data.${list.entityTypeName}Item`,
        id: item.uniqueId,
        editLink: edit,
        etag,
        set: `SP.ListData.${list.entityTypeName}Items`,
        props: {
            FileSystemObjectType: item.isFolder ? 1 : 0,
            Id: item.id,
            ServerRedirectedEmbedUri: null,
            ServerRedirectedEmbedUrl: "",
            ContentTypeId: item.isFolder ? "0x012000" : "0x0101000",
            Title: null,
            OData__UIVersionString: version,
            ComplianceAssetId: null,
            ID: item.id,
            Created: spDate(item.created),
            AuthorId: siteUserId(ctx, item.authorId),
            Modified: spDate(item.modified),
            EditorId: siteUserId(ctx, item.editorId),
            OData__CopySource: null,
            CheckoutUserId: item.checkedOutById ? siteUserId(ctx, item.checkedOutById) : null,
            GUID: derivedGuid(`item:${item.uniqueId}`),
            FileLeafRef: item.name,
            FileRef: item.serverRelativeUrl,
            FileDirRef: parentPath(item.serverRelativeUrl),
            FSObjType: item.isFolder ? 1 : 0,
            UniqueId: item.uniqueId,
            File_x0020_Size: item.isFolder ? null : String(item.size),
        },
        extra: { ParentWebUrl: webUrl },
        nav: {
            File: () => (item.isFolder ? null : fileEntity(ctx, item)),
            Folder: () => (item.isFolder ? folderEntity(ctx, item, { list }) : null),
            Author: () => userOrNull(ctx, item.authorId),
            Editor: () => userOrNull(ctx, item.editorId),
            ParentList: () => listEntity(ctx, list),
        },
    };
}
export function userOrNull(ctx, userId) {
    if (!userId)
        return null;
    const u = ctx.store.userById(ctx.tenant.name, userId);
    return u ? userEntity(ctx, u) : appUserEntity(ctx, userId);
}
export function userEntity(ctx, u) {
    const n = siteUserId(ctx, u.id);
    return {
        type: "SP.User",
        id: `${ctx.apiBase}/Web/GetUserById(${n})`,
        editLink: `Web/GetUserById(${n})`,
        set: "SP.ApiData.Users",
        props: {
            Id: n,
            IsHiddenInUI: false,
            LoginName: u.loginName,
            Title: u.displayName,
            PrincipalType: 1,
            Email: u.upn,
            Expiration: "",
            IsEmailAuthenticationGuestUser: false,
            IsShareByEmailGuestUser: false,
            IsSiteAdmin: false,
            UserId: new Complex("SP.UserIdInfo", { NameId: u.id.replace(/-/g, "").slice(0, 16), NameIdIssuer: "urn:federation:microsoftonline" }),
            UserPrincipalName: u.upn,
        },
        extra: { AadObjectId: new Complex("SP.UserIdInfo", { NameId: u.id, NameIdIssuer: "urn:federation:microsoftonline" }) },
    };
}
function appUserEntity(ctx, appId) {
    const n = 1073741822;
    return {
        type: "SP.User",
        id: `${ctx.apiBase}/Web/GetUserById(${n})`,
        editLink: `Web/GetUserById(${n})`,
        set: "SP.ApiData.Users",
        props: {
            Id: n,
            IsHiddenInUI: false,
            LoginName: `i:0i.t|00000003-0000-0ff1-ce00-000000000000|app@sharepoint`,
            Title: "SharePoint App",
            PrincipalType: 1,
            Email: "",
            IsSiteAdmin: false,
            UserId: null,
            UserPrincipalName: null,
        },
        extra: { AppId: appId },
    };
}
export function versionEntity(ctx, file, v) {
    const fileEdit = fileEntity(ctx, file).editLink;
    const webRel = webRelative(ctx, file.serverRelativeUrl);
    return {
        type: "SP.FileVersion",
        id: `${ctx.apiBase}/${fileEdit}/Versions(${v.versionId})`,
        editLink: `${fileEdit}/Versions(${v.versionId})`,
        set: "SP.ApiData.FileVersions",
        props: {
            CheckInComment: v.checkInComment,
            Created: spDate(v.created),
            ExpirationDate: null,
            ID: v.versionId,
            IsCurrentVersion: false,
            Length: String(v.size),
            Size: v.size,
            Url: `_vti_history/${v.versionId}/${webRel}`,
            VersionLabel: v.label,
        },
        nav: { CreatedBy: () => userOrNull(ctx, v.createdById) },
    };
}
function webRelative(ctx, path) {
    const site = ctx.store.siteForPath(ctx.tenant.name, path) ?? ctx.site;
    const base = site.serverRelativeUrl === "/" ? "" : site.serverRelativeUrl;
    return path.slice(base.length + 1);
}
//# sourceMappingURL=entities.js.map