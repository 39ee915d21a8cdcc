// SharePoint REST through the real @pnp/sp v4 client: every endpoint family a file-system client
// uses, against the emulator with the demo seed (spo-protocol.md section A).
import t from "tap";
import "@pnp/sp/webs/index.js";
import "@pnp/sp/lists/index.js";
import "@pnp/sp/folders/index.js";
import "@pnp/sp/files/index.js";
import "@pnp/sp/items/index.js";
import "@pnp/sp/search/index.js";
import "@pnp/sp/sharing/index.js";
import "@pnp/sp/profiles/index.js";
import "@pnp/sp/site-users/web.js";
import { CheckinType } from "@pnp/sp/files/index.js";
import { SharingLinkKind } from "@pnp/sp/sharing/index.js";
import { startEmulator } from "../helpers/emulator.js";
import { pnp } from "./spo-client.js";
let emu;
let origin;
let sp; // adele on /sites/marketing
const DOCS = "/sites/marketing/Shared Documents";
t.before(async () => {
    emu = await startEmulator({ seed: "demo" });
    origin = emu.tenant("contoso").sharePointUrl;
    sp = pnp(`${origin}/sites/marketing`, await emu.token("contoso", "adele"));
});
t.teardown(() => emu?.stop());
async function status(p) {
    try {
        await p;
        return undefined;
    }
    catch (err) {
        return err.status;
    }
}
void t.test("web, lists, root folders", async (t) => {
    const web = await sp.web.select("Id", "Title", "Url", "ServerRelativeUrl", "CurrentChangeToken")();
    t.equal(web.Title, "Marketing");
    t.equal(web.ServerRelativeUrl, "/sites/marketing");
    t.equal(web.Url, `${origin}/sites/marketing`);
    t.match(web.CurrentChangeToken.StringValue, /^1;2;[0-9a-f-]{36};\d{18};\d+$/);
    const libs = await sp.web.lists.filter("BaseTemplate eq 101 and Hidden eq false").select("Id", "Title", "RootFolder/ServerRelativeUrl").expand("RootFolder")();
    const titles = libs.map((l) => l.Title).sort();
    t.same(titles, ["Campaigns", "Documents"]);
    const docs = libs.find((l) => l.Title === "Documents");
    t.equal(docs?.RootFolder.ServerRelativeUrl, DOCS, "Title Documents, URL Shared Documents");
    const byId = await sp.web.lists.getById(docs?.Id ?? "").select("Title", "ItemCount", "CurrentChangeToken", "EntityTypeName")();
    t.equal(byId.Title, "Documents");
    t.equal(byId.EntityTypeName, "Shared_x0020_Documents");
    t.ok(byId.ItemCount > 5);
    t.match(byId.CurrentChangeToken.StringValue, new RegExp(`^1;3;${docs?.Id};\\d+;\\d+$`));
    const byTitle = await sp.web.lists.getByTitle("Campaigns").rootFolder.select("ServerRelativeUrl", "Name")();
    t.equal(byTitle.ServerRelativeUrl, "/sites/marketing/Campaigns");
    t.equal(await status(sp.web.lists.getByTitle("No such list")()), 404);
    const infos = await sp.web.getFolderByServerRelativePath(`${DOCS}/2026`).getParentInfos();
    t.equal(infos.ParentList.RootFolderServerRelativeUrl, DOCS, "nested $expand through ListItemAllFields/ParentList/RootFolder");
    t.equal(infos.ParentWeb.Url, `${origin}/sites/marketing`);
    t.equal((await sp.web.getList(DOCS).select("Title")()).Title, "Documents");
    t.equal((await sp.web.getFileByUrl(`${origin}${DOCS}/Plan.txt`).select("Name")()).Name, "Plan.txt");
    const me = await sp.web.currentUser();
    t.equal(me.UserPrincipalName, "adele@contoso.onmicrosoft.com");
    t.equal(me.Title, "Adele Vance");
});
void t.test("folders: list, create, exists, item fields, delete, recycle", async (t) => {
    const root = sp.web.getFolderByServerRelativePath(DOCS);
    const folders = await root.folders.select("Name", "ServerRelativeUrl", "ItemCount")();
    const names = folders.map((f) => f.Name);
    t.ok(names.includes("2026"), "subfolder listed");
    t.ok(names.includes("Forms"), "library root shows the Forms system folder like the service");
    const files = await root.files.select("Name", "Length", "ETag", "UniqueId")();
    const budget = files.find((f) => f.Name === "Budget #1 100%.xlsx");
    t.ok(budget, "names with # and % listed");
    t.type(budget?.Length, "string", "Int64 Length is a string");
    t.match(budget?.ETag, /^"\{[0-9A-F-]{36}\},\d+"$/);
    const created = await root.folders.addUsingPath("pnp folder", false);
    t.equal(created.ServerRelativeUrl, `${DOCS}/pnp folder`);
    const sub = sp.web.getFolderByServerRelativePath(`${DOCS}/pnp folder`);
    await sub.addSubFolderUsingPath("child 'quoted'");
    t.equal(await sp.web.getFolderByServerRelativePath(`${DOCS}/pnp folder/child 'quoted'`).select("Exists")().then((f) => f.Exists), true);
    t.equal(await sp.web.getFolderByServerRelativePath(`${DOCS}/pnp folder/missing`).select("Exists")().then((f) => f.Exists), false, "Exists quirk");
    t.equal(await status(sp.web.folders.addUsingPath(`${DOCS}/pnp folder`)), 400, "existing folder without overwrite");
    const item = await sub.listItemAllFields.select("Id", "FileLeafRef", "FileRef")();
    t.equal(item.FileLeafRef, "pnp folder");
    t.equal(item.FileRef, `${DOCS}/pnp folder`);
    await t.rejects(root.getItem(), "library root has no list item (odata.null)");
    await sp.web.folders.addUsingPath(`${DOCS}/to recycle`);
    const recycleId = await sp.web.getFolderByServerRelativePath(`${DOCS}/to recycle`).recycle();
    t.match(recycleId, /^[0-9a-f-]{36}$/);
    t.equal(await sp.web.getFolderByServerRelativePath(`${DOCS}/to recycle`).select("Exists")().then((f) => f.Exists), false);
    await sp.web.getFolderByServerRelativePath(`${DOCS}/pnp folder`).delete();
    t.equal(await status(sp.web.getFolderByServerRelativePath(`${DOCS}/pnp folder`)()), 404);
});
void t.test("files: add, read, overwrite, exists, delete with etag", async (t) => {
    const folder = sp.web.getFolderByServerRelativePath(DOCS);
    const info = await folder.files.addUsingPath("pnp a#b%c's.txt", "hello world", { Overwrite: false });
    t.equal(info.Name, "pnp a#b%c's.txt");
    t.equal(info.Length, "11");
    const file = sp.web.getFileByServerRelativePath(`${DOCS}/pnp a#b%c's.txt`);
    t.equal(await file.getText(), "hello world");
    t.equal(await status(folder.files.addUsingPath("pnp a#b%c's.txt", "again", { Overwrite: false })), 400, "exists without overwrite");
    await folder.files.addUsingPath("pnp a#b%c's.txt", "overwritten", { Overwrite: true });
    t.equal(await file.getText(), "overwritten");
    await file.setContent("set content");
    t.equal(await file.getText(), "set content");
    const byId = await sp.web.getFileById(info.UniqueId).select("Name")();
    t.equal(byId.Name, "pnp a#b%c's.txt");
    t.equal(await file.exists(), true);
    t.equal(await sp.web.getFileByServerRelativePath(`${DOCS}/nope.txt`).exists(), false);
    const cur = await file.select("ETag")();
    await folder.files.addUsingPath("pnp a#b%c's.txt", "newer", { Overwrite: true });
    t.equal(await status(file.delete(cur.ETag)), 412, "stale ETag refused");
    await file.delete();
    t.equal(await file.exists(), false);
});
void t.test("chunked upload: addChunked and setContentChunked", async (t) => {
    const size = 3 * 1024 * 1024 + 12345;
    const bytes = new Uint8Array(size);
    for (let i = 0; i < size; i++)
        bytes[i] = (i * 7 + (i >> 9)) & 0xff;
    const folder = sp.web.getFolderByServerRelativePath(DOCS);
    const stages = [];
    const info = await folder.files.addChunked("chunked.bin", new Blob([bytes]), { chunkSize: 512 * 1024, progress: (d) => stages.push(d.stage), Overwrite: true });
    t.equal(info.Length, String(size));
    t.ok(stages.filter((s) => s === "continue").length >= 5, "several continueUpload calls");
    const back = new Uint8Array(await sp.web.getFileByServerRelativePath(`${DOCS}/chunked.bin`).getBuffer());
    t.equal(back.length, size);
    t.ok(Buffer.from(back).equals(Buffer.from(bytes)), "content round-trips");
    // Exact multiple of the chunk size: the last call is a finishUpload with an empty body.
    const exact = new Uint8Array(1024 * 1024).fill(65);
    const after = await sp.web.getFileByServerRelativePath(`${DOCS}/chunked.bin`).setContentChunked(new Blob([exact]), { chunkSize: 256 * 1024 });
    t.equal(after.Length, String(exact.length));
    // Smaller than one chunk: startUpload with everything, then finishUpload empty.
    const small = await sp.web.getFileByServerRelativePath(`${DOCS}/chunked.bin`).setContentChunked(new Blob(["tiny"]), { chunkSize: 256 * 1024 });
    t.equal(small.Length, "4");
    t.equal(await sp.web.getFileByServerRelativePath(`${DOCS}/chunked.bin`).getText(), "tiny");
});
void t.test("move, copy, rename", async (t) => {
    const folder = sp.web.getFolderByServerRelativePath(DOCS);
    await folder.files.addUsingPath("move me.txt", "payload", { Overwrite: true });
    await sp.web.folders.addUsingPath(`${DOCS}/dest`);
    await sp.web.getFileByServerRelativePath(`${DOCS}/move me.txt`).moveByPath(`${DOCS}/dest/moved.txt`, false);
    t.equal(await sp.web.getFileByServerRelativePath(`${DOCS}/move me.txt`).exists(), false);
    t.equal(await sp.web.getFileByServerRelativePath(`${DOCS}/dest/moved.txt`).getText(), "payload");
    await sp.web.getFileByServerRelativePath(`${DOCS}/dest/moved.txt`).copyByPath(`${DOCS}/copied.txt`, true);
    t.equal(await sp.web.getFileByServerRelativePath(`${DOCS}/copied.txt`).getText(), "payload");
    t.equal(await status(sp.web.getFileByServerRelativePath(`${DOCS}/dest/moved.txt`).copyByPath(`${DOCS}/copied.txt`, false)), 400, "no overwrite onto an existing file");
    const item = await sp.web.getFileByServerRelativePath(`${DOCS}/copied.txt`).getItem();
    const res = await item.validateUpdateListItem([{ FieldName: "FileLeafRef", FieldValue: "renamed.txt" }]);
    t.equal(res[0]?.HasException, false);
    t.equal(await sp.web.getFileByServerRelativePath(`${DOCS}/renamed.txt`).getText(), "payload");
    await sp.web.getFolderByServerRelativePath(`${DOCS}/dest`).moveByPath(`${DOCS}/dest2`);
    t.equal(await sp.web.getFileByServerRelativePath(`${DOCS}/dest2/moved.txt`).getText(), "payload");
    await sp.web.getFolderByServerRelativePath(`${DOCS}/dest2`).copyByPath(`${DOCS}/dest3`);
    t.equal(await sp.web.getFileByServerRelativePath(`${DOCS}/dest3/moved.txt`).getText(), "payload");
});
void t.test("versions and restore, check-out and check-in", async (t) => {
    const file = sp.web.getFileByServerRelativePath(`${DOCS}/Plan.txt`);
    const before = await file.select("UIVersionLabel", "MajorVersion")();
    const versions = await file.versions();
    t.ok(versions.length >= 2, "history kept");
    const first = versions[0];
    t.equal(first?.VersionLabel, "1.0");
    t.type(first?.Length, "string");
    t.type(first?.Size, "number");
    const old = await file.versions.getById(first?.ID ?? 512).getText();
    t.equal(old, "Marketing plan, draft 1.\n");
    await file.versions.restoreByLabel("1.0");
    t.equal(await file.getText(), "Marketing plan, draft 1.\n");
    const after = await file.select("MajorVersion")();
    t.equal(after.MajorVersion, before.MajorVersion + 1, "restore creates a new version");
    await file.checkout();
    t.equal((await file.select("CheckOutType")()).CheckOutType, 0);
    const holder = await file.select("CheckedOutByUser/UserPrincipalName").expand("CheckedOutByUser")();
    t.equal(holder.CheckedOutByUser.UserPrincipalName, "adele@contoso.onmicrosoft.com");
    await file.checkin("it's done", CheckinType.Major);
    const checkedIn = await file.select("CheckOutType", "CheckInComment")();
    t.equal(checkedIn.CheckOutType, 2);
    t.equal(checkedIn.CheckInComment, "it's done");
    t.equal(await file.getLockedByUser(), null);
    // Megan's draft is checked out to her: Adele cannot overwrite it.
    const draft = sp.web.getFileByServerRelativePath(`${DOCS}/Checked Out Draft.docx`);
    t.equal(await status(draft.setContent("x")), 423);
});
void t.test("getChanges after a token: adds, updates, deletes", async (t) => {
    const list = sp.web.lists.getByTitle("Documents");
    const { CurrentChangeToken } = await list.select("CurrentChangeToken")();
    const folder = sp.web.getFolderByServerRelativePath(DOCS);
    await folder.files.addUsingPath("changes.txt", "v1", { Overwrite: true });
    await sp.web.getFileByServerRelativePath(`${DOCS}/changes.txt`).setContent("v2");
    await sp.web.getFileByServerRelativePath(`${DOCS}/changes.txt`).delete();
    const changes = (await list.getChanges({ Add: true, Update: true, DeleteObject: true, Item: true, ChangeTokenStart: CurrentChangeToken }));
    const types = changes.map((c) => c.ChangeType);
    t.same(types, [1, 2, 3]);
    const last = changes[changes.length - 1];
    t.equal(last.ServerRelativeUrl, `${DOCS}/changes.txt`);
    const none = (await list.getChanges({ Add: true, Update: true, DeleteObject: true, Item: true, ChangeTokenStart: last.ChangeToken }));
    t.same(none, [], "nothing after the last token");
    const webToken = (await sp.web.select("CurrentChangeToken")()).CurrentChangeToken;
    await sp.web.lists.getByTitle("Campaigns").rootFolder.files.addUsingPath("web change.txt", "x", { Overwrite: true });
    const webChanges = (await sp.web.getChanges({ Add: true, Item: true, ChangeTokenStart: webToken }));
    t.same(webChanges.map((c) => c.ServerRelativeUrl), ["/sites/marketing/Campaigns/web change.txt"]);
});
void t.test("item paging with nextLink via for await", async (t) => {
    const list = sp.web.lists.getByTitle("Documents");
    const { ItemCount } = await list.select("ItemCount")();
    const ids = [];
    let pages = 0;
    for await (const page of list.items.top(4).select("Id", "FileLeafRef")) {
        pages++;
        t.ok(page.length <= 4);
        ids.push(...page.map((i) => i.Id));
    }
    t.equal(ids.length, ItemCount, "every item once");
    t.equal(new Set(ids).size, ids.length);
    t.same(ids, [...ids].sort((a, b) => a - b), "ordered by ID");
    t.equal(pages, Math.ceil(ItemCount / 4));
});
void t.test("search, sharing link, profile", async (t) => {
    const results = await sp.search({ Querytext: "contentclass:STS_List_DocumentLibrary", SelectProperties: ["Title", "Path", "SPWebUrl"], RowLimit: 500, TrimDuplicates: false });
    const paths = results.PrimarySearchResults.map((r) => r.Path ?? "");
    t.ok(paths.includes(`${origin}/sites/marketing/Shared Documents/Forms/AllItems.aspx`));
    t.ok(paths.includes(`${origin}/sites/finance/Shared Documents/Forms/AllItems.aspx`), "adele is a finance member");
    t.equal(results.TotalRows, paths.length);
    const megan = pnp(`${origin}/sites/marketing`, await emu.token("contoso", "megan"));
    const meganResults = await megan.search({ Querytext: "contentclass:STS_List_DocumentLibrary", SelectProperties: ["Path"], RowLimit: 500 });
    const meganPaths = meganResults.PrimarySearchResults.map((r) => r.Path ?? "");
    t.notOk(meganPaths.some((p) => p.includes("/sites/finance/")), "security-trimmed");
    const page2 = await megan.search({ Querytext: "contentclass:STS_List_DocumentLibrary", SelectProperties: ["Path"], RowLimit: 1, StartRow: 1 });
    t.equal(page2.PrimarySearchResults.length, 1);
    t.equal(page2.PrimarySearchResults[0]?.Path, meganPaths[1]);
    const link = await sp.web.getFileByServerRelativePath(`${DOCS}/Brand Guidelines.docx`).getShareLink(SharingLinkKind.OrganizationView);
    t.equal(link.sharingLinkInfo.LinkKind, SharingLinkKind.OrganizationView);
    t.match(link.sharingLinkInfo.Url, new RegExp(`^${origin}/:w:/s/marketing/`));
    t.equal(link.sharingLinkInfo.IsEditLink, false);
    const props = await sp.profiles.myProperties();
    t.equal(props.PersonalUrl, `${origin}/personal/adele_contoso_onmicrosoft_com/`);
});
void t.test("access: 403 off-membership, throttling retried by PnPjs", async (t) => {
    const megan = pnp(`${origin}/sites/finance`, await emu.token("contoso", "megan"));
    t.equal(await status(megan.web()), 403, "megan is not a finance member");
    await emu.setFaults("contoso", { throttleNext: 1, retryAfterSeconds: 1 });
    t.teardown(() => emu.clearFaults("contoso"));
    const since = await emu.lastRequest();
    const web = await sp.web.select("Title")();
    t.equal(web.Title, "Marketing", "succeeds after the 429");
    const log = await emu.requests({ tenant: "contoso", since });
    t.ok(log.some((r) => r.status === 429), "a 429 was served and retried");
});
//# sourceMappingURL=spo-pnp.test.js.map