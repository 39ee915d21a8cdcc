import { KonnektError } from "../../errors.js";
import { spFor } from "../sp-client.js";
import { assignUniqueNames, siteTag, toFileName } from "../names.js";
import { matchesScope } from "./scope.js";
export const DEFAULT_LIBRARY_QUERY = "contentclass:STS_List_DocumentLibrary";
/** Rows per search page; the service caps RowLimit at 500. */
const SEARCH_PAGE = 500;
/** Library templates Konnekt shows: document library and the OneDrive library. */
const LIBRARY_TEMPLATES = [101, 700];
function normalizeWebUrl(u) {
    return u.replace(/\/+$/, "");
}
async function searchWebs(http, rootUrl, query, signal) {
    const sp = spFor(rootUrl, http);
    const webs = new Set();
    for (let start = 0;; start += SEARCH_PAGE) {
        if (signal?.aborted)
            throw new KonnektError("cancelled", "Discovery was cancelled.");
        const r = await sp.search({
            Querytext: query,
            SelectProperties: ["Title", "Path", "SPWebUrl", "ListId"],
            RowLimit: SEARCH_PAGE,
            StartRow: start,
            TrimDuplicates: false,
        });
        for (const row of r.PrimarySearchResults) {
            const web = row.SPWebUrl;
            if (typeof web === "string" && web.length > 0)
                webs.add(normalizeWebUrl(web));
        }
        if (r.PrimarySearchResults.length < SEARCH_PAGE || start + SEARCH_PAGE >= r.TotalRows)
            break;
    }
    return [...webs];
}
async function oneDriveUrl(http, rootUrl) {
    try {
        const props = await http.json(`${rootUrl}/_api/SP.UserProfiles.PeopleManager/GetMyProperties?$select=PersonalUrl`, {
            context: "Finding your OneDrive",
        });
        return props.PersonalUrl ? normalizeWebUrl(props.PersonalUrl) : undefined;
    }
    catch (err) {
        // No OneDrive (not licensed, app-only sign-in): the other libraries still count.
        if (err instanceof KonnektError && (err.code === "notFound" || err.code === "accessDenied"))
            return undefined;
        throw err;
    }
}
async function librariesOfWeb(http, drives, webUrl, kind, signal) {
    const sp = spFor(webUrl, http);
    let web;
    try {
        web = await sp.web.select("Id", "Title", "Url", "ServerRelativeUrl")();
    }
    catch (err) {
        // Search can name webs the user lost access to since indexing: skip them.
        if (err instanceof KonnektError && (err.code === "accessDenied" || err.code === "notFound"))
            return [];
        throw err;
    }
    const lists = await sp.web.lists
        .filter(`(${LIBRARY_TEMPLATES.map((t) => `BaseTemplate eq ${t}`).join(" or ")}) and Hidden eq false`)
        .select("Id", "Title", "BaseTemplate", "RootFolder/ServerRelativeUrl")
        .expand("RootFolder")();
    if (lists.length === 0)
        return [];
    const origin = new URL(webUrl).origin;
    const driveList = await drives.drives(normalizeWebUrl(web.Url), signal);
    const driveByUrl = new Map(driveList.map((d) => [decodeURI(d.webUrl).toLowerCase(), d.id]));
    const out = [];
    for (const l of lists) {
        const abs = `${origin}${l.RootFolder.ServerRelativeUrl}`;
        const driveId = driveByUrl.get(abs.toLowerCase());
        if (!driveId)
            continue; // not exposed as a drive (e.g. a list template without files)
        out.push({
            key: abs.toLowerCase(),
            siteTitle: web.Title,
            title: l.Title,
            webUrl: normalizeWebUrl(web.Url),
            webServerRelativeUrl: web.ServerRelativeUrl,
            webId: web.Id,
            listId: l.Id,
            rootFolderUrl: l.RootFolder.ServerRelativeUrl,
            driveId,
            kind,
            baseTemplate: l.BaseTemplate,
        });
    }
    return out;
}
/** Runs discovery once and names the result. */
export async function discoverLibraries(http, drives, opts, signal) {
    const rootUrl = normalizeWebUrl(opts.rootUrl);
    const webs = new Map();
    for (const w of await searchWebs(http, rootUrl, opts.query ?? DEFAULT_LIBRARY_QUERY, signal))
        webs.set(w.toLowerCase(), "site");
    for (const w of opts.sites ?? [])
        webs.set(normalizeWebUrl(w).toLowerCase(), "site");
    if (opts.includeOneDrive !== false) {
        const od = await oneDriveUrl(http, rootUrl);
        if (od)
            webs.set(od.toLowerCase(), "onedrive");
    }
    const raw = [];
    for (const [web, kind] of [...webs.entries()].sort(([a], [b]) => a.localeCompare(b))) {
        raw.push(...(await librariesOfWeb(http, drives, web, kind, signal)));
    }
    return nameLibraries(raw, opts);
}
/** Site names unique per tenant, library names unique per site; then scope rules. */
export function nameLibraries(raw, opts) {
    const previous = opts.previousNames ?? new Map();
    const sites = new Map();
    for (const l of raw) {
        const key = l.webUrl.toLowerCase();
        const title = l.kind === "onedrive" ? "OneDrive" : l.siteTitle;
        sites.set(key, { title, key, tag: siteTag(l.webServerRelativeUrl) });
    }
    const siteNames = assignUniqueNames([...sites.values()], previous);
    const result = [];
    const bySite = new Map();
    for (const l of raw)
        bySite.set(l.webUrl.toLowerCase(), [...(bySite.get(l.webUrl.toLowerCase()) ?? []), l]);
    for (const [siteKey, libs] of bySite) {
        const libNames = assignUniqueNames(libs.map((l) => ({ title: l.title, key: l.key, tag: toFileName(l.rootFolderUrl.split("/").pop() ?? l.listId, l.listId) })), previous);
        for (const l of libs) {
            const info = { ...l, siteName: siteNames.get(siteKey), libraryName: libNames.get(l.key) };
            if (matchesScope(info, opts.scope))
                result.push(info);
        }
    }
    return result.sort((a, b) => `${a.siteName}/${a.libraryName}`.localeCompare(`${b.siteName}/${b.libraryName}`));
}
//# sourceMappingURL=discover.js.map