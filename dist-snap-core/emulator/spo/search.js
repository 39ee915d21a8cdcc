import { absoluteUrl } from "./context.js";
import { badArgument, unsupportedMethod } from "./errors.js";
import { effectiveMethod } from "./files.js";
import { renderComplex } from "./odata.js";
import { parseLiteral } from "./path.js";
const DEFAULT_PROPERTIES = ["Title", "Path", "ListId", "SiteId", "WebId", "SPWebUrl", "SPSiteUrl", "SiteName", "Rank", "DocId", "contentclass"];
function literalText(v) {
    if (v === null)
        return undefined;
    try {
        const lit = parseLiteral(v);
        return lit === null ? undefined : String(lit);
    }
    catch {
        return v;
    }
}
function fromGet(ctx) {
    const p = new Map();
    for (const [k, v] of ctx.req.url.searchParams)
        p.set(k.toLowerCase(), v);
    const sel = literalText(p.get("selectproperties") ?? null);
    return {
        querytext: literalText(p.get("querytext") ?? null) ?? "",
        selectProperties: sel ? sel.split(",").map((s) => s.trim()).filter(Boolean) : [],
        rowLimit: Number(literalText(p.get("rowlimit") ?? null) ?? "10"),
        startRow: Number(literalText(p.get("startrow") ?? null) ?? "0"),
    };
}
async function fromPost(ctx) {
    const body = await ctx.req.json();
    const r = body.request ?? {};
    const get = (name) => {
        const k = Object.keys(r).find((x) => x.toLowerCase() === name.toLowerCase());
        return k === undefined ? undefined : r[k];
    };
    const selRaw = get("SelectProperties");
    const sel = Array.isArray(selRaw) ? selRaw : (selRaw?.results ?? []);
    return {
        querytext: typeof get("Querytext") === "string" ? get("Querytext") : "",
        selectProperties: sel.map(String),
        rowLimit: Number(get("RowLimit") ?? 10),
        startRow: Number(get("StartRow") ?? 0),
    };
}
function libraryRows(ctx) {
    const cutoff = Date.now() - ctx.env.config.searchIndexDelaySeconds * 1000;
    const rows = [];
    for (const site of ctx.store.sites(ctx.tenant.name)) {
        if (!ctx.canAccess(site))
            continue;
        for (const list of ctx.store.lists(site.id)) {
            if (list.hidden || (list.baseTemplate !== 101 && list.baseTemplate !== 700))
                continue;
            if (Date.parse(list.created) > cutoff)
                continue;
            rows.push({ site, list });
        }
    }
    return rows;
}
function cells(ctx, site, list, props, rank) {
    const webUrl = absoluteUrl(ctx.origin, site.serverRelativeUrl);
    const values = {
        title: [list.title, "Edm.String"],
        path: [`${absoluteUrl(ctx.origin, list.rootFolderUrl)}/Forms/AllItems.aspx`, "Edm.String"],
        originalpath: [`${absoluteUrl(ctx.origin, list.rootFolderUrl)}/Forms/AllItems.aspx`, "Edm.String"],
        listid: [list.id, "Edm.String"],
        siteid: [site.id, "Edm.String"],
        webid: [site.webId, "Edm.String"],
        spweburl: [webUrl, "Edm.String"],
        spsiteurl: [webUrl, "Edm.String"],
        sitename: [webUrl, "Edm.String"],
        sitetitle: [site.title, "Edm.String"],
        rank: [String(rank), "Edm.Double"],
        docid: [String(Math.abs(hash(list.id))), "Edm.Int64"],
        contentclass: ["STS_List_DocumentLibrary", "Edm.String"],
        lastmodifiedtime: [list.created, "Edm.DateTime"],
        created: [list.created, "Edm.DateTime"],
    };
    const names = props.length > 0 ? [...props, "Rank", "DocId"] : DEFAULT_PROPERTIES;
    const seen = new Set();
    const out = [];
    for (const name of names) {
        const lower = name.toLowerCase();
        if (seen.has(lower))
            continue;
        seen.add(lower);
        const v = values[lower];
        out.push({ Key: name, Value: v ? v[0] : null, ValueType: v ? v[1] : "Null" });
    }
    return out;
}
function hash(s) {
    let h = 0;
    for (let i = 0; i < s.length; i++)
        h = (Math.imul(31, h) + s.charCodeAt(i)) | 0;
    return h;
}
export async function search(ctx, seg) {
    const m = effectiveMethod(ctx);
    const isPost = seg.name.toLowerCase() === "postquery";
    if ((isPost && m !== "POST") || (!isPost && m !== "GET"))
        throw unsupportedMethod(ctx.req.method);
    const req = isPost ? await fromPost(ctx) : fromGet(ctx);
    if (!Number.isFinite(req.rowLimit) || req.rowLimit < 0 || !Number.isFinite(req.startRow) || req.startRow < 0)
        throw badArgument("RowLimit and StartRow must be non-negative numbers.");
    const rowLimit = Math.min(req.rowLimit, ctx.opts.searchRowLimitCap);
    const all = /contentclass\s*:\s*"?STS_List_DocumentLibrary"?/i.test(req.querytext) ? libraryRows(ctx) : [];
    all.sort((a, b) => (a.site.serverRelativeUrl + "/" + a.list.title).localeCompare(b.site.serverRelativeUrl + "/" + b.list.title));
    const page = all.slice(req.startRow, req.startRow + rowLimit);
    const rows = page.map((r, i) => ({ Cells: cells(ctx, r.site, r.list, req.selectProperties, 1000 - (req.startRow + i)) }));
    const result = {
        ElapsedTime: 12,
        PrimaryQueryResult: {
            CustomResults: [],
            QueryId: ctx.requestId,
            QueryRuleId: "00000000-0000-0000-0000-000000000000",
            RefinementResults: null,
            RelevantResults: {
                GroupTemplateId: null,
                ItemTemplateId: null,
                Properties: [],
                ResultTitle: null,
                ResultTitleUrl: null,
                RowCount: rows.length,
                Table: { Rows: rows },
                TableType: "RelevantResults",
                TotalRows: all.length,
                TotalRowsIncludingDuplicates: all.length,
            },
            SpecialTermResults: null,
        },
        Properties: [],
        SecondaryQueryResults: [],
        SpellingSuggestion: "",
        TriggeredRules: [],
    };
    ctx.json(200, renderComplex(result, "Microsoft.Office.Server.Search.REST.SearchResult", isPost ? "postquery" : "query", ctx));
}
//# sourceMappingURL=search.js.map