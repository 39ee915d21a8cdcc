// SharePoint REST wire details through plain HTTPS (spo-protocol.md A.2–A.12, A.15, A.20, A.21):
// dialects, Int64-as-string, error bodies, 200-not-206 on $value, the Exists quirk, quoting and
// percent-encoding inside path literals, IF-Match forms, nextLink shape, malformed input.
import t from "tap";
import { ConfidentialClientApplication } from "@azure/msal-node";
import { randomUUID } from "node:crypto";
import { selfSignedCertificate } from "../helpers/certs.js";
import { startEmulator } from "../helpers/emulator.js";
import { pathLiteral, spError, wire } from "./spo-client.js";
let emu;
let origin;
let token;
const WEB = "/sites/marketing";
const DOCS = `${WEB}/Shared Documents`;
t.before(async () => {
    emu = await startEmulator({ seed: "demo" });
    origin = emu.tenant("contoso").sharePointUrl;
    token = await emu.token("contoso", "adele");
});
t.teardown(() => emu?.stop());
const api = (rest) => `${origin}${WEB}/_api/${rest}`;
const fileUrl = (p) => api(`web/getFileByServerRelativePath(decodedUrl='${pathLiteral(p)}')`);
const folderUrl = (p) => api(`web/getFolderByServerRelativePath(decodedUrl='${pathLiteral(p)}')`);
async function upload(name, body) {
    const r = await wire(emu, `${folderUrl(DOCS)}/files/AddUsingPath(decodedurl='${pathLiteral(name)}',Overwrite=true)`, token, {
        method: "POST",
        headers: { "Content-Type": "application/json;charset=utf-8" },
        body,
    });
    if (r.status !== 200)
        throw new Error(`upload ${name}: ${r.status} ${r.text}`);
    return r.json;
}
void t.test("dialects: minimal (default), nometadata, verbose", async (t) => {
    const minimal = await wire(emu, fileUrl(`${DOCS}/Plan.txt`), token);
    t.equal(minimal.status, 200);
    t.match(minimal.headers.get("content-type"), /odata=minimalmetadata/);
    const m = minimal.json;
    t.match(m["odata.metadata"], new RegExp(`^${origin}${WEB}/_api/\\$metadata#SP\\.ApiData\\.Files12/@Element$`));
    t.equal(m["odata.type"], "SP.File");
    t.equal(m["odata.id"], `${origin}${WEB}/_api/Web/GetFileByServerRelativePath(decodedurl='${DOCS}/Plan.txt')`);
    t.equal(m["odata.editLink"], `Web/GetFileByServerRelativePath(decodedurl='${DOCS.replace(/ /g, "%20")}/Plan.txt')`);
    t.type(m.Length, "string", "Edm.Int64 as a string");
    t.type(m.MajorVersion, "number", "Int32 as a number");
    t.match(m.TimeLastModified, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/, "seconds precision, Z");
    t.match(m.ETag, /^"\{[0-9A-F-]{36}\},\d+"$/);
    t.equal(m.UniqueId, String(m.UniqueId).toLowerCase());
    t.equal(m.UIVersion, m.MajorVersion * 512 + m.MinorVersion);
    t.notOk("Author" in m, "navigation properties absent unless expanded");
    t.equal(minimal.headers.get("etag"), m.ETag, "ETag header on file entities");
    t.ok(minimal.headers.get("sprequestguid"), "SPRequestGuid header");
    t.ok(minimal.headers.get("request-id"));
    t.ok(minimal.headers.get("x-sharepointhealthscore"));
    const nometa = await wire(emu, fileUrl(`${DOCS}/Plan.txt`), token, { headers: { Accept: "application/json;odata=nometadata" } });
    const n = nometa.json;
    t.same(Object.keys(n).filter((k) => k.startsWith("odata.")), [], "no odata annotations");
    t.equal(n.Name, "Plan.txt");
    const verbose = await wire(emu, fileUrl(`${DOCS}/Plan.txt`), token, { headers: { Accept: "application/json;odata=verbose" } });
    t.match(verbose.headers.get("content-type"), /odata=verbose/);
    const d = verbose.json.d;
    t.match(d.__metadata, { type: "SP.File", uri: `${origin}${WEB}/_api/Web/GetFileByServerRelativePath(decodedurl='${DOCS.replace(/ /g, "%20")}/Plan.txt')` });
    t.match(d.Author, { __deferred: { uri: /\/Author$/ } }, "deferred navigation in verbose");
    const coll = await wire(emu, api("web/lists?$select=Title"), token, { headers: { Accept: "application/json;odata=verbose" } });
    t.ok(Array.isArray(coll.json.d.results), "verbose collections in d.results");
    const v4 = await wire(emu, fileUrl(`${DOCS}/Plan.txt`), token, { headers: { Accept: "application/json;odata=nometadata", "odata-version": "4.0" } });
    t.equal(v4.status, 406, "v3 nometadata with odata-version 4.0");
    const err = await wire(emu, fileUrl(`${DOCS}/missing.txt`), token, { headers: { Accept: "application/json;odata=verbose" } });
    t.match(err.json, { error: { code: /^-2130575338, /, message: { lang: "en-US" } } }, "verbose errors under `error`");
});
void t.test("error bodies", async (t) => {
    const file = await wire(emu, fileUrl(`${DOCS}/missing.txt`), token);
    t.equal(file.status, 404);
    t.same(spError(file.json), { code: "-2130575338, Microsoft.SharePoint.SPException", message: `The file ${DOCS}/missing.txt does not exist.` });
    const byName = await wire(emu, `${folderUrl(DOCS)}/files('missing.txt')`, token);
    t.equal(byName.status, 404);
    t.equal(spError(byName.json)?.code, "-2147024894, System.IO.FileNotFoundException");
    const item = await wire(emu, api("web/lists/getByTitle('Documents')/items(999999)"), token);
    t.equal(item.status, 404);
    t.equal(spError(item.json)?.message, "Item does not exist. It may have been deleted by another user.");
    const exists = await upload("dup.txt", "x");
    t.ok(exists.UniqueId);
    const dup = await wire(emu, `${folderUrl(DOCS)}/files/AddUsingPath(decodedurl='dup.txt',Overwrite=false)`, token, { method: "POST", body: "y" });
    t.equal(dup.status, 400);
    t.equal(spError(dup.json)?.code, "-2130575257, Microsoft.SharePoint.SPException");
    const outside = await wire(emu, fileUrl("/sites/finance/Shared Documents/x.txt"), token);
    t.equal(outside.status, 400, "path outside the web");
    t.equal(spError(outside.json)?.code, "-2130575312, Microsoft.SharePoint.SPException");
    const megan = await emu.token("contoso", "megan");
    const denied = await wire(emu, `${origin}/sites/finance/_api/web`, megan);
    t.equal(denied.status, 403);
    t.same(spError(denied.json), { code: "-2147024891, System.UnauthorizedAccessException", message: "Access denied." });
});
void t.test("$value: 200 full body with ETag, Range ignored; upload body not parsed as JSON", async (t) => {
    const body = '{"this is": not json';
    const info = await upload("raw body.json", body);
    t.equal(info.Length, String(Buffer.byteLength(body)));
    const full = await wire(emu, `${fileUrl(`${DOCS}/raw body.json`)}/$value`, token, { headers: { Range: "bytes=0-3" } });
    t.equal(full.status, 200, "REST $value does not honour Range");
    t.equal(full.text, body);
    t.equal(full.headers.get("content-range"), null);
    t.equal(full.headers.get("etag"), info.ETag);
    t.equal(full.headers.get("content-length"), String(Buffer.byteLength(body)));
});
void t.test("chunked upload on the wire: Int64 strings, verbose d.StartUpload, bad offsets", async (t) => {
    await upload("wire chunks.bin", "");
    const base = fileUrl(`${DOCS}/wire chunks.bin`);
    const id = "b782975e-1f2a-4c3d-8e9f-0a1b2c3d4e5f";
    const start = await wire(emu, `${base}/startUpload(uploadId=guid'${id}')`, token, { method: "POST", body: "0123456789" });
    t.match(start.json, { "odata.metadata": /\$metadata#Edm\.Int64$/, value: "10" });
    const cont = await wire(emu, `${base}/continueUpload(uploadId=guid'${id}',fileOffset=10)`, token, {
        method: "POST",
        body: "abcdefghij",
        headers: { Accept: "application/json;odata=verbose" },
    });
    t.same(cont.json, { d: { ContinueUpload: "20" } });
    const wrong = await wire(emu, `${base}/continueUpload(uploadId=guid'${id}',fileOffset=5)`, token, { method: "POST", body: "zz" });
    t.equal(wrong.status, 400, "wrong offset");
    t.ok(spError(wrong.json));
    const fin = await wire(emu, `${base}/finishUpload(uploadId=guid'${id}',fileOffset=20)`, token, { method: "POST", body: "" });
    t.equal(fin.status, 200);
    t.equal(fin.json.Length, "20");
    const unknown = await wire(emu, `${base}/continueUpload(uploadId=guid'${id}',fileOffset=20)`, token, { method: "POST", body: "zz" });
    t.equal(unknown.status, 400, "finished session is gone");
});
void t.test("Exists quirk and missing folders", async (t) => {
    const missing = `${DOCS}/no such folder`;
    const sel = await wire(emu, `${folderUrl(missing)}?$select=Exists`, token);
    t.equal(sel.status, 200);
    t.equal(sel.json.Exists, false);
    const plain = await wire(emu, folderUrl(missing), token);
    t.equal(plain.status, 404);
    t.same(spError(plain.json), { code: "-2147024894, System.IO.FileNotFoundException", message: "File Not Found." });
    const file = await wire(emu, `${fileUrl(`${DOCS}/no such file.txt`)}?$select=Exists`, token);
    t.equal(file.status, 404, "files have no Exists quirk");
    const sub = await wire(emu, `${folderUrl(missing)}/Folders`, token);
    t.equal(sub.status, 200);
    t.same(sub.json.value, []);
    const root = await wire(emu, `${folderUrl(DOCS)}/ListItemAllFields`, token);
    t.same(root.json, { "odata.null": true }, "a library root has no list item");
});
void t.test("doubled quotes, %23, %25 and %2F inside path literals", async (t) => {
    const name = "it's #1 100% done.txt";
    const info = await upload(name, "quoted");
    t.equal(info.Name, name);
    t.equal(info.ServerRelativeUrl, `${DOCS}/${name}`);
    const lit = pathLiteral(`${DOCS}/${name}`);
    t.match(lit, /%23/);
    t.match(lit, /%25/);
    t.match(lit, /''/);
    const back = await wire(emu, `${fileUrl(`${DOCS}/${name}`)}/$value`, token);
    t.equal(back.text, "quoted");
    // A client that escapes the quotes themselves (%27%27) and leaves slashes raw.
    const alt = `${origin}${WEB}/_api/Web/GetFileByServerRelativePath(DecodedUrl=%27${DOCS.replace(/ /g, "%20")}/it%27%27s%20%231%20100%25%20done.txt%27)/$value`;
    t.equal((await wire(emu, alt, token)).text, "quoted");
    // Parameter alias form.
    const aliased = `${origin}${WEB}/_api/web/getFileByServerRelativePath(decodedUrl=@p1)/$value?@p1=${encodeURIComponent(`'${DOCS}/it''s #1 100% done.txt'`)}`;
    t.equal((await wire(emu, aliased, token)).text, "quoted");
    // Case-insensitive names, Lists(guid'…') form, legacy files('name').
    const lists = (await wire(emu, api("web/lists?$select=Id,Title"), token)).json;
    const docsId = lists.value.find((l) => l.Title === "Documents")?.Id ?? "";
    const viaGuid = await wire(emu, api(`Web/Lists(guid'${docsId}')/RootFolder/Files('Plan.txt')?$select=Name`), token);
    t.equal(viaGuid.json.Name, "Plan.txt");
    const viaQuoted = await wire(emu, api(`WEB/LISTS('${docsId}')/ROOTFOLDER?$select=ServerRelativeUrl`), token);
    t.equal(viaQuoted.json.ServerRelativeUrl, DOCS);
});
void t.test("IF-Match forms on delete, recycle result", async (t) => {
    const a = await upload("etag a.txt", "a");
    const stale = `"{${String(a.UniqueId).toUpperCase()}},999"`;
    const r1 = await wire(emu, fileUrl(`${DOCS}/etag a.txt`), token, { method: "POST", headers: { "X-HTTP-Method": "DELETE", "IF-Match": stale } });
    t.equal(r1.status, 412);
    const otherGuid = `"{00000000-0000-0000-0000-000000000001},1"`;
    t.equal((await wire(emu, fileUrl(`${DOCS}/etag a.txt`), token, { method: "POST", headers: { "X-HTTP-Method": "DELETE", "IF-Match": otherGuid } })).status, 412);
    const ok = await wire(emu, fileUrl(`${DOCS}/etag a.txt`), token, { method: "POST", headers: { "X-HTTP-Method": "DELETE", "IF-Match": String(a.ETag) } });
    t.equal(ok.status, 200);
    t.equal(ok.text, "", "DELETE-tunnelled POST answers 200 with an empty body");
    await upload("etag b.txt", "b");
    const item = (await wire(emu, `${fileUrl(`${DOCS}/etag b.txt`)}/ListItemAllFields`, token)).json;
    t.match(item["odata.etag"], /^"\d+"$/, "item etag is a quoted counter");
    t.match(item["odata.editLink"], /^Web\/Lists\(guid'[0-9a-f-]{36}'\)\/Items\(\d+\)$/);
    t.match(item["odata.id"], /^[0-9a-f-]{36}$/, "item odata.id is a GUID string");
    const counter = String(item["odata.etag"]).replace(/"/g, "");
    const del = await wire(emu, fileUrl(`${DOCS}/etag b.txt`), token, { method: "POST", headers: { "X-HTTP-Method": "DELETE", "IF-Match": counter } });
    t.equal(del.status, 200, "bare counter form");
    await upload("etag c.txt", "c");
    const rec = await wire(emu, `${fileUrl(`${DOCS}/etag c.txt`)}/recycle`, token, { method: "POST" });
    t.match(rec.json, { "odata.metadata": /#Edm\.Guid$/, value: /^[0-9a-f-]{36}$/ });
});
void t.test("items nextLink shape and lists filter", async (t) => {
    const r = await wire(emu, api("web/lists/getByTitle('Documents')/items?$top=2&$select=Id"), token);
    const body = r.json;
    t.equal(body.value.length, 2);
    const last = body.value[1]?.Id;
    t.equal(body["odata.nextLink"], `${origin}${WEB}/_api/web/lists/getByTitle('Documents')/items?%24skiptoken=Paged%3dTRUE%26p_ID%3d${last}&%24top=2&%24select=Id`);
    const next = await wire(emu, body["odata.nextLink"], token);
    const ids = next.json.value.map((i) => i.Id);
    t.ok(ids.every((id) => id > (last ?? 0)), "the next page continues after p_ID");
    const libs = await wire(emu, api("web/lists?$filter=BaseTemplate+eq+101+and+Hidden+eq+false&$select=Title"), token);
    t.same((libs.json.value.map((l) => l.Title)).sort(), ["Campaigns", "Documents"]);
});
void t.test("GetChanges on the wire: bad tokens, time-based -1 tokens", async (t) => {
    const changes = (body) => wire(emu, api("web/lists/getByTitle('Campaigns')/getchanges"), token, { method: "POST", body: JSON.stringify(body), headers: { "Content-Type": "application/json" } });
    const lists = (await wire(emu, api("web/lists?$select=Id,Title"), token)).json;
    const id = lists.value.find((l) => l.Title === "Campaigns")?.Id ?? "";
    const bad = await changes({ query: { Add: true, Item: true, ChangeTokenStart: { StringValue: "not a token" } } });
    t.equal(bad.status, 400);
    t.ok(spError(bad.json));
    const foreign = await changes({ query: { Add: true, Item: true, ChangeTokenStart: { StringValue: `1;3;00000000-0000-0000-0000-000000000001;0;1` } } });
    t.equal(foreign.status, 400, "a token of another list");
    const added = await wire(emu, `${folderUrl(`${WEB}/Campaigns`)}/files/AddUsingPath(decodedurl='timed.txt',Overwrite=true)`, token, { method: "POST", body: "t" });
    const created = added.json.TimeCreated;
    const ticks = (ms) => (BigInt(ms) * 10000n + 621355968000000000n).toString();
    const since = await changes({ query: { Add: true, Item: true, ChangeTokenStart: { StringValue: `1;3;${id};${ticks(Date.parse(created))};-1` } } });
    t.equal(since.status, 200);
    const rows = since.json.value;
    t.ok(rows.some((c) => c.ServerRelativeUrl === `${WEB}/Campaigns/timed.txt` && c.ChangeType === 1), "changes since the token's time");
    t.match(rows[0]?.ChangeToken.StringValue, new RegExp(`^1;3;${id};\\d{18};\\d+$`));
    const later = await changes({ query: { Add: true, Item: true, ChangeTokenStart: { StringValue: `1;3;${id};${ticks(Date.parse(created) + 86_400_000)};-1` } } });
    t.same(later.json.value, [], "nothing after a future time");
});
void t.test("contextinfo, search GET, profile", async (t) => {
    const ci = await wire(emu, api("contextinfo"), token, { method: "POST" });
    t.match(ci.json, { FormDigestValue: /^0x[0-9A-F]+,/, FormDigestTimeoutSeconds: 1800, WebFullUrl: `${origin}${WEB}` });
    const q = await wire(emu, `${origin}/_api/search/query?querytext='contentclass:STS_List_DocumentLibrary'&rowlimit=2&startrow=0&selectproperties='Title,Path'`, token);
    const rel = q.json.PrimaryQueryResult.RelevantResults;
    t.equal(rel.RowCount, 2);
    t.ok(rel.TotalRows > 2);
    t.match(rel.Table.Rows[0]?.Cells.find((c) => c.Key === "Path")?.Value, /\/Forms\/AllItems\.aspx$/);
    const me = await wire(emu, `${origin}/_api/SP.UserProfiles.PeopleManager/GetMyProperties`, token);
    t.match(me.json, { PersonalUrl: `${origin}/personal/adele_contoso_onmicrosoft_com/`, AccountName: "i:0#.f|membership|adele@contoso.onmicrosoft.com" });
});
void t.test("malformed and unknown input gets SharePoint-shaped errors", async (t) => {
    const cases = [
        ["unterminated literal", api(`web/getFolderByServerRelativePath(decodedUrl='${pathLiteral(DOCS)}`), 400],
        ["bad percent escape", api("web/getFolderByServerRelativePath(decodedUrl='%ZZ')"), 400],
        ["unknown segment", api("web/NoSuchThing"), 404],
        ["unknown function on a file", `${fileUrl(`${DOCS}/Plan.txt`)}/frobnicate()`, 404],
        ["text after a literal", api("web/getFolderByServerRelativePath(decodedUrl='x'junk)"), 400],
        ["bad $top", api("web/lists?$top=abc"), 400],
        ["bad $filter", api("web/lists?$filter=Title+eq"), 400],
        ["missing alias", api("web/getFileByServerRelativePath(decodedUrl=@nope)"), 400],
    ];
    for (const [what, url, status] of cases) {
        const r = await wire(emu, url, token);
        t.equal(r.status, status, what);
        t.ok(spError(r.json), `${what}: odata.error body`);
    }
    const badJson = await wire(emu, api("web/lists/getByTitle('Documents')/getchanges"), token, { method: "POST", body: "{nope", headers: { "Content-Type": "application/json" } });
    t.equal(badJson.status, 400);
    t.ok(spError(badJson.json));
    const badMethod = await wire(emu, fileUrl(`${DOCS}/Plan.txt`), token, { method: "POST", headers: { "X-HTTP-Method": "MERGE" }, body: "{}" });
    t.ok(badMethod.status >= 400 && badMethod.status < 500, "MERGE on a file is refused");
    t.ok(spError(badMethod.json));
    const ok = await wire(emu, api("web?$select=Title"), token);
    t.equal(ok.status, 200, "still serving after bad input");
});
void t.test("app-only certificate principal reaches every site", async (t) => {
    const contoso = emu.tenant("contoso");
    const { certPem, keyPem, thumbprintSha256 } = await selfSignedCertificate();
    const clientId = randomUUID();
    await emu.adminPost("/apps", { tenant: "contoso", clientId, certificatePem: certPem });
    const app = new ConfidentialClientApplication({
        auth: { clientId, authority: `${emu.authority}/${contoso.tenantId}`, knownAuthorities: [new URL(emu.authority).host], clientCertificate: { thumbprintSha256, privateKey: keyPem } },
    });
    const result = await app.acquireTokenByClientCredential({ scopes: [`${origin}/.default`] });
    const appToken = result?.accessToken ?? "";
    for (const site of ["/sites/finance", "/sites/marketing", "/teams/engineering"]) {
        const r = await wire(emu, `${origin}${site}/_api/web?$select=ServerRelativeUrl`, appToken);
        t.equal(r.status, 200, site);
    }
    const me = await wire(emu, `${origin}/sites/finance/_api/web/currentuser`, appToken);
    t.same(me.json, { "odata.null": true }, "no current user for an app");
    const up = await wire(emu, `${origin}/sites/finance/_api/web/getFolderByServerRelativePath(decodedUrl='${pathLiteral("/sites/finance/Shared Documents")}')/files/AddUsingPath(decodedurl='by app.txt',Overwrite=true)?$select=Name,Author/Title&$expand=Author`, appToken, { method: "POST", body: "app" });
    t.equal(up.status, 200);
    t.match(up.json, { Name: "by app.txt", Author: { Title: "SharePoint App" } });
    const q = await wire(emu, `${origin}/_api/search/query?querytext='contentclass:STS_List_DocumentLibrary'&rowlimit=500`, appToken);
    const paths = q.json.PrimaryQueryResult.RelevantResults.Table.Rows.map((r) => r.Cells.find((c) => c.Key === "Path")?.Value ?? "");
    t.ok(paths.some((p) => p.includes("/personal/")), "an app sees OneDrive libraries too");
    t.ok(paths.some((p) => p.includes("/sites/finance/")));
});
//# sourceMappingURL=spo-wire.test.js.map