/**
 * The Graph-compatible drive API on a tenant's SharePoint origin (`/_api/v2.0`), over plain HTTPS
 * with the SharePoint token: drives, items, path addressing, children paging, the pre-authenticated
 * download URL (ranges, If-Range, If-Match, tempauth), createLink, access control, writes.
 */
import t from "tap";
import { syntheticBytes } from "../../emulator/store/content.js";
import { graphItemId, uniqueIdFromGraphItemId } from "../../emulator/graph/ids.js";
import { startEmulator } from "../helpers/emulator.js";
import { GraphClient, type DriveItem, type GraphError, type Page } from "./graph-client.js";

void t.test("graph item ids are reversible and checked", (t) => {
  const uid = "c559464a-03a3-4e34-b9de-a3b54188554a";
  const id = graphItemId(uid);
  t.match(id, /^01[A-Z2-7]{32}$/);
  t.equal(uniqueIdFromGraphItemId(id), uid);
  t.equal(graphItemId(`{${uid.toUpperCase()}}`), id, "braces and case do not matter");
  const tampered = id.slice(0, 10) + (id[10] === "A" ? "B" : "A") + id.slice(11);
  t.equal(uniqueIdFromGraphItemId(tampered), undefined, "a changed character fails the checksum");
  t.equal(uniqueIdFromGraphItemId("01ABC"), undefined);
  t.end();
});

void t.test("drive API on the demo seed", async (t) => {
  const emu = await startEmulator({ seed: "demo" });
  t.teardown(() => emu.stop());
  const origin = emu.tenant("contoso").sharePointUrl;
  const adele = new GraphClient(emu, origin, await emu.token("contoso", "adele"));
  const megan = new GraphClient(emu, origin, await emu.token("contoso", "megan"));

  const drives = await adele.get<Page<{ id: string; name: string; driveType: string; webUrl: string }>>("/sites/marketing/_api/v2.0/drives");
  const documents = drives.value.find((d) => d.name === "Documents");
  t.ok(documents, "marketing has a Documents drive");
  t.ok(drives.value.some((d) => d.name === "Campaigns"), "and the Campaigns library");
  const driveId = documents!.id;
  t.match(driveId, /^b!/);
  const base = `/_api/v2.0/drives/${driveId}`;

  await t.test("drive, root and default drive", async (t) => {
    const drive = await adele.get<{ id: string; driveType: string; webUrl: string }>(base);
    t.equal(drive.id, driveId);
    t.equal(drive.driveType, "documentLibrary");
    t.equal(drive.webUrl, `${origin}/sites/marketing/Shared%20Documents`);
    const viaSite = await adele.get<{ id: string }>("/sites/marketing/_api/v2.0/drive");
    t.equal(viaSite.id, driveId, "/<site>/_api/v2.0/drive is the site's Documents library");
    const root = await adele.get<DriveItem>(`${base}/root`);
    t.ok(root.root, "root facet");
    t.ok(root.folder, "root is a folder");
    t.equal(root.parentReference.driveId, driveId);
    const mine = await adele.get<{ id: string; driveType: string }>("/_api/v2.0/me/drive");
    t.equal(mine.driveType, "business", "/me/drive is the OneDrive library");
    const notes = await adele.get<DriveItem>(`/_api/v2.0/drives/${mine.id}/root:/Notes.txt:`);
    t.equal(notes.name, "Notes.txt");
  });

  await t.test("path addressing with unicode, spaces, # and %", async (t) => {
    const budget = await adele.get<DriveItem>(`${base}/root:/${encodeURIComponent("Budget #1 100%.xlsx")}:`);
    t.equal(budget.name, "Budget #1 100%.xlsx");
    t.match(budget.eTag, /^"\{[0-9A-F-]{36}\},\d+"$/);
    t.match(budget.cTag, /^"c:\{[0-9A-F-]{36}\},\d+"$/);
    t.equal(budget.file?.mimeType, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    const byId = await adele.get<DriveItem>(`${base}/items/${budget.id}`);
    t.equal(byId.eTag, budget.eTag, "same item by id");
    const deep = await adele.get<DriveItem>(`${base}/root:/2026/Q1/Campaign%20Assets/Banner%20Text.txt:`);
    t.equal(deep.name, "Banner Text.txt");
    t.equal(deep.parentReference.path, `/drives/${driveId}/root:/2026/Q1/Campaign%20Assets`);
    const q1 = await adele.get<DriveItem>(`${base}/root:/2026/Q1:`);
    const rel = await adele.get<DriveItem>(`${base}/items/${q1.id}:/Campaign%20Assets/Banner%20Text.txt:`);
    t.equal(rel.id, deep.id, "items/{id}:/relative:");
    const kids = await adele.get<Page<DriveItem>>(`${base}/root:/2026/Q1:/children`);
    t.same(kids.value.map((i) => i.name), ["Campaign Assets", "Q1 Summary.pptx"], "folders first, then files by name");
    const jp = await adele.get<DriveItem>(`${base}/root:/${encodeURIComponent("日本語のファイル.txt")}:`);
    t.equal(jp.size, Buffer.byteLength("これは日本語のテキストファイルです。\nマーケティング資料。\n"));
    const missing = await adele.raw<GraphError>("GET", `${base}/root:/nope.txt:`);
    t.equal(missing.status, 404);
    t.equal(missing.body.error.code, "itemNotFound");
    const badId = await adele.raw<GraphError>("GET", `${base}/items/01AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA`);
    t.equal(badId.status, 404);
  });

  await t.test("children paging with $top, $skiptoken and $select", async (t) => {
    const all = await adele.all<DriveItem>(`${base}/root/children?$top=3`);
    t.ok(all.pages >= 3, `several pages (${all.pages})`);
    const names = all.items.map((i) => i.name);
    t.equal(new Set(names).size, names.length, "no duplicates across pages");
    const whole = await adele.get<Page<DriveItem>>(`${base}/root/children`);
    t.same(names, whole.value.map((i) => i.name), "pages concatenate to the unpaged listing");
    t.notOk(whole["@odata.nextLink"]);
    const first = await adele.get<Page<DriveItem>>(`${base}/root/children?$top=2&$select=name,size`);
    t.match(first["@odata.nextLink"], /^https:\/\/127\.0\.0\.1:\d+\/_api\/v2\.0\/drives\/.+\/root\/children\?.*%24skiptoken=|^https:\/\/127\.0\.0\.1:\d+\/_api\/v2\.0\/drives\/.+\/root\/children\?.*\$skiptoken=/, "absolute nextLink with $skiptoken");
    t.same(Object.keys(first.value[0]!).sort(), ["id", "name", "size"], "$select keeps the named properties and id");
    const file = all.items.find((i) => i.file);
    t.ok(file?.["@content.downloadUrl"], "files carry @content.downloadUrl");
    t.equal(file?.["@content.downloadUrl"], file?.["@microsoft.graph.downloadUrl"]);
    const bad = await adele.raw<GraphError>("GET", `${base}/root/children?$top=abc`);
    t.equal(bad.status, 400);
    t.equal(bad.body.error.code, "invalidRequest");
  });

  await t.test("ranged downloads from the pre-authenticated URL", async (t) => {
    const video = await adele.get<DriveItem>(`${base}/root:/Launch%20Video.mp4:`);
    const uid = uniqueIdFromGraphItemId(video.id)!;
    const size = video.size;
    t.equal(size, 5.5 * 1024 * 1024);
    const url = video["@content.downloadUrl"]!;
    t.match(url, /\/sites\/marketing\/_layouts\/15\/download\.aspx\?UniqueId=[0-9a-f-]{36}&.*tempauth=/);

    const whole = await adele.raw("GET", url, { auth: false });
    t.equal(whole.status, 200, "no Authorization header needed");
    t.equal(whole.headers.get("accept-ranges"), "bytes");
    t.equal(whole.headers.get("content-length"), String(size));
    t.equal(whole.headers.get("etag"), video.eTag);
    t.ok(whole.buffer.equals(syntheticBytes(uid, 0, size)), "whole body equals the store content");

    const mid = await adele.raw("GET", url, { auth: false, headers: { Range: "bytes=1000000-1999999" } });
    t.equal(mid.status, 206);
    t.equal(mid.headers.get("content-range"), `bytes 1000000-1999999/${size}`);
    t.ok(mid.buffer.equals(syntheticBytes(uid, 1_000_000, 2_000_000)));

    const open = await adele.raw("GET", url, { auth: false, headers: { Range: `bytes=${size - 10}-` } });
    t.equal(open.status, 206);
    t.equal(open.headers.get("content-range"), `bytes ${size - 10}-${size - 1}/${size}`);
    t.ok(open.buffer.equals(syntheticBytes(uid, size - 10, size)));

    const suffix = await adele.raw("GET", url, { auth: false, headers: { Range: "bytes=-100" } });
    t.equal(suffix.status, 206);
    t.ok(suffix.buffer.equals(syntheticBytes(uid, size - 100, size)));

    const beyond = await adele.raw("GET", url, { auth: false, headers: { Range: `bytes=${size}-` } });
    t.equal(beyond.status, 416);
    t.equal(beyond.headers.get("content-range"), `bytes */${size}`);

    const multi = await adele.raw("GET", url, { auth: false, headers: { Range: "bytes=0-9,20-29" } });
    t.equal(multi.status, 200, "several ranges get the whole body");
    t.equal(multi.buffer.length, size);

    const ifRangeOk = await adele.raw("GET", url, { auth: false, headers: { Range: "bytes=0-9", "If-Range": video.eTag } });
    t.equal(ifRangeOk.status, 206, "If-Range with the current ETag honours the range");
    const ifRangeStale = await adele.raw("GET", url, { auth: false, headers: { Range: "bytes=0-9", "If-Range": `"{${uid.toUpperCase()}},999"` } });
    t.equal(ifRangeStale.status, 200, "a stale If-Range gets the whole body");
    t.equal(ifRangeStale.buffer.length, size);

    const head = await adele.raw("HEAD", url, { auth: false });
    t.equal(head.status, 200);
    t.equal(head.headers.get("content-length"), String(size));
  });

  await t.test("text file: ranges equal slices of the full body; If-Match after a change", async (t) => {
    const item = await adele.get<DriveItem>(`${base}/root:/2026/Q2/notes.txt:`);
    const url = item["@content.downloadUrl"]!;
    const full = (await adele.raw("GET", url, { auth: false })).buffer;
    t.equal(full.length, item.size);
    const part = await adele.raw("GET", url, { auth: false, headers: { Range: "bytes=3-12" } });
    t.equal(part.status, 206);
    t.ok(part.buffer.equals(full.subarray(3, 13)));

    const redirect = await adele.raw("GET", `${base}/items/${item.id}/content`);
    t.equal(redirect.status, 302, "/content redirects to the download URL");
    t.match(redirect.headers.get("location"), /download\.aspx\?UniqueId=/);

    const put = await adele.raw<DriveItem>("PUT", `${base}/items/${item.id}/content`, { body: Buffer.from("changed notes\n"), headers: { "Content-Type": "text/plain" } });
    t.equal(put.status, 200);
    t.not(put.body.eTag, item.eTag, "eTag moves with content");
    t.not(put.body.cTag, item.cTag, "cTag moves with content");
    const stale = await adele.raw<GraphError>("GET", url, { auth: false, headers: { "If-Match": item.eTag } });
    t.equal(stale.status, 412, "If-Match with the old ETag fails");
    t.equal(stale.body.error.code, "resourceModified");
    const fresh = await adele.raw("GET", url, { auth: false, headers: { "If-Match": put.body.eTag } });
    t.equal(fresh.status, 200);
    t.equal(fresh.buffer.toString(), "changed notes\n", "the old URL serves the current content");
  });

  await t.test("tempauth is required, checked and ends with the user's sessions", async (t) => {
    const item = await megan.get<DriveItem>(`${base}/root:/Brand%20Guidelines.docx:`);
    const url = new URL(item["@content.downloadUrl"]!);
    const ok = await megan.raw("GET", url.href, { auth: false });
    t.equal(ok.status, 200);
    const without = new URL(url.href);
    without.searchParams.delete("tempauth");
    t.equal((await megan.raw("GET", without.href, { auth: false })).status, 401, "no tempauth: 401");
    const forged = new URL(url.href);
    const token = forged.searchParams.get("tempauth")!;
    forged.searchParams.set("tempauth", token.slice(0, -2) + (token.endsWith("AA") ? "BB" : "AA"));
    t.equal((await megan.raw("GET", forged.href, { auth: false })).status, 401, "a forged signature: 401");
    const other = await megan.get<DriveItem>(`${base}/root:/emoji%20%F0%9F%8E%89.txt:`);
    const swapped = new URL(url.href);
    swapped.searchParams.set("UniqueId", uniqueIdFromGraphItemId(other.id)!);
    t.equal((await megan.raw("GET", swapped.href, { auth: false })).status, 401, "a tempauth names one item");

    await emu.adminPost("/revoke", { tenant: "contoso", user: "megan" });
    const revoked = await megan.raw("GET", url.href, { auth: false });
    t.equal(revoked.status, 401, "revoking the user ends their download URLs");
  });

  await t.test("access is limited to members of the library's site", async (t) => {
    const fin = await adele.get<{ id: string }>("/sites/finance/_api/v2.0/drive");
    const nestorView = await adele.get<Page<DriveItem>>(`/_api/v2.0/drives/${fin.id}/root/children`);
    t.ok(nestorView.value.length > 0, "adele (a member) lists finance");
    const megan2 = new GraphClient(emu, origin, await emu.token("contoso", "megan"));
    const denied = await megan2.raw<GraphError>("GET", `/_api/v2.0/drives/${fin.id}/root/children`);
    t.equal(denied.status, 403, "megan is not a member of finance");
    t.equal(denied.body.error.code, "accessDenied");
    const mine = await adele.get<{ id: string }>("/_api/v2.0/me/drive");
    const other = await megan2.raw<GraphError>("GET", `/_api/v2.0/drives/${mine.id}/root`);
    t.equal(other.status, 403, "another user's OneDrive");
    const noToken = await adele.raw<GraphError>("GET", `${base}/root`, { auth: false });
    t.equal(noToken.status, 401);
    t.match(noToken.headers.get("www-authenticate"), /^Bearer realm="/);
    const unknownDrive = await adele.raw<GraphError>("GET", "/_api/v2.0/drives/b!AAAA/root");
    t.equal(unknownDrive.status, 404);
    t.equal(unknownDrive.body.error.code, "itemNotFound");
  });

  await t.test("createLink answers 201 for a new link and 200 for the same one again", async (t) => {
    const item = await adele.get<DriveItem>(`${base}/root:/Brand%20Guidelines.docx:`);
    const first = await adele.raw<{ id: string; roles: string[]; link: { type: string; scope: string; webUrl: string } }>("POST", `${base}/items/${item.id}/createLink`, {
      body: { type: "view", scope: "organization" },
    });
    t.equal(first.status, 201);
    t.same(first.body.roles, ["read"]);
    t.equal(first.body.link.type, "view");
    t.equal(first.body.link.scope, "organization");
    t.match(first.body.link.webUrl, /^https:\/\/127\.0\.0\.1:\d+\/:u:\/s\/marketing\//);
    const again = await adele.raw<{ id: string; link: { webUrl: string } }>("POST", `${base}/items/${item.id}/createLink`, { body: { type: "view", scope: "organization" } });
    t.equal(again.status, 200);
    t.equal(again.body.id, first.body.id);
    t.equal(again.body.link.webUrl, first.body.link.webUrl);
    const edit = await adele.raw<{ roles: string[] }>("POST", `${base}/items/${item.id}/createLink`, { body: { type: "edit", scope: "anonymous" } });
    t.equal(edit.status, 201);
    t.same(edit.body.roles, ["write"]);
    const bad = await adele.raw<GraphError>("POST", `${base}/items/${item.id}/createLink`, { body: { type: "print" } });
    t.equal(bad.status, 400);
  });

  await t.test("create folder, rename, move and delete", async (t) => {
    const created = await adele.raw<DriveItem>("POST", `${base}/root/children`, { body: { name: "Graph Folder", folder: {} } });
    t.equal(created.status, 201);
    t.equal(created.body.folder?.childCount, 0);
    const dup = await adele.raw<GraphError>("POST", `${base}/root/children`, { body: { name: "graph folder", folder: {} } });
    t.equal(dup.status, 409, "names compare case-insensitively; default conflict behaviour is fail");
    t.equal(dup.body.error.code, "nameAlreadyExists");
    const renamedDup = await adele.raw<DriveItem>("POST", `${base}/root/children`, { body: { name: "Graph Folder", folder: {}, "@microsoft.graph.conflictBehavior": "rename" } });
    t.equal(renamedDup.status, 201);
    t.equal(renamedDup.body.name, "Graph Folder 1");

    const up = await adele.raw<DriveItem>("PUT", `${base}/items/${created.body.id}:/a.txt:/content`, { body: Buffer.from("a") });
    t.equal(up.status, 201);
    const renamed = await adele.raw<DriveItem>("PATCH", `${base}/items/${up.body.id}`, { body: { name: "b.txt" } });
    t.equal(renamed.status, 200);
    t.equal(renamed.body.name, "b.txt");
    t.equal(renamed.body.id, up.body.id, "a rename keeps the id");
    const moved = await adele.raw<DriveItem>("PATCH", `${base}/items/${up.body.id}`, { body: { parentReference: { id: renamedDup.body.id } } });
    t.equal(moved.status, 200);
    t.equal(moved.body.parentReference.id, renamedDup.body.id);
    const staleMove = await adele.raw<GraphError>("PATCH", `${base}/items/${up.body.id}`, { body: { name: "c.txt" }, headers: { "If-Match": up.body.eTag } });
    t.equal(staleMove.status, 412, "If-Match with an old eTag");
    const del = await adele.raw("DELETE", `${base}/items/${up.body.id}`);
    t.equal(del.status, 204);
    const gone = await adele.raw<GraphError>("GET", `${base}/items/${up.body.id}`);
    t.equal(gone.status, 404);
    const campaigns = drives.value.find((d) => d.name === "Campaigns")!;
    const traveller = await adele.raw<DriveItem>("PUT", `${base}/root:/traveller.txt:/content`, { body: Buffer.from("moving") });
    const across = await adele.raw<DriveItem>("PATCH", `${base}/items/${traveller.body.id}`, { body: { parentReference: { driveId: campaigns.id } } });
    t.equal(across.status, 200, "a move to another library of the site");
    t.equal(across.body.parentReference.driveId, campaigns.id);
    t.equal((await adele.raw("GET", `/_api/v2.0/drives/${campaigns.id}/root:/traveller.txt:`)).status, 200);
    t.equal((await adele.raw("GET", `${base}/root:/traveller.txt:`)).status, 404);
    const checkedOut = await adele.get<DriveItem>(`${base}/root:/Checked%20Out%20Draft.docx:`);
    const locked = await adele.raw<GraphError>("PUT", `${base}/items/${checkedOut.id}/content`, { body: Buffer.from("x") });
    t.equal(locked.status, 423, "a file checked out by someone else");
  });

  await t.test("the same item through SharePoint REST and Graph", async (t) => {
    const plan = await adele.get<DriveItem>(`${base}/root:/Plan.txt:`);
    const uid = uniqueIdFromGraphItemId(plan.id)!;
    const rest = await adele.raw<{ UniqueId: string; ETag: string; Length: string; Name: string; VroomItemID: string; VroomDriveID: string }>(
      "GET",
      `/sites/marketing/_api/web/GetFileById('${uid}')?$select=UniqueId,ETag,Length,Name,VroomItemID,VroomDriveID`,
      { headers: { Accept: "application/json" } },
    );
    t.equal(rest.status, 200);
    t.equal(rest.body.UniqueId, uid, "Graph id ↔ SP UniqueId");
    t.equal(rest.body.ETag, plan.eTag, "the same ETag text");
    t.equal(rest.body.Length, String(plan.size));
    t.equal(rest.body.VroomItemID, plan.id);
    t.equal(rest.body.VroomDriveID, driveId);
    const restBody = await adele.raw("GET", `/sites/marketing/_api/web/GetFileById('${uid}')/$value`);
    const graphBody = await adele.raw("GET", plan["@content.downloadUrl"]!, { auth: false });
    t.ok(restBody.buffer.equals(graphBody.buffer), "the same bytes");
    const put = await adele.raw<DriveItem>("PUT", `${base}/items/${plan.id}/content`, { body: Buffer.from("plan, rewritten through Graph\n") });
    const after = await adele.raw<{ ETag: string; Length: string }>("GET", `/sites/marketing/_api/web/GetFileById('${uid}')?$select=ETag,Length`, { headers: { Accept: "application/json" } });
    t.equal(after.body.ETag, put.body.eTag, "a Graph write moves the REST ETag");
    t.equal(after.body.Length, String(put.body.size));
  });

  await t.test("throttling answers 429 activityLimitReached with Retry-After", async (t) => {
    await emu.setFaults("contoso", { throttleRate: 1, retryAfterSeconds: 7 });
    const throttled = await adele.raw<GraphError>("GET", `${base}/root/children`);
    await emu.clearFaults("contoso");
    t.equal(throttled.status, 429);
    t.equal(throttled.body.error.code, "activityLimitReached");
    t.equal(throttled.headers.get("retry-after"), "7");
    t.equal((await adele.raw("GET", `${base}/root/children`)).status, 200, "served again once cleared");
  });

  await t.test("malformed input gets Graph-shaped errors", async (t) => {
    const badJson = await adele.raw<GraphError>("POST", `${base}/root/children`, { body: "{nope", headers: { "Content-Type": "application/json" } });
    t.equal(badJson.status, 400);
    t.equal(badJson.body.error.code, "invalidRequest");
    const unknown = await adele.raw<GraphError>("GET", `${base}/root/frobnicate`);
    t.equal(unknown.status, 400);
    t.equal(unknown.body.error.code, "invalidRequest");
    const method = await adele.raw<GraphError>("PUT", `${base}/root/children`, { body: "x" });
    t.ok(method.status === 405 || method.status === 400, `PUT on children refused (${method.status})`);
    t.ok(method.body.error.code);
  });
});

void t.test("download URLs expire with the token they were minted from", async (t) => {
  const emu = await startEmulator({ seed: "demo", config: { accessTokenLifetimeSeconds: 2 } });
  t.teardown(() => emu.stop());
  const adele = new GraphClient(emu, emu.tenant("contoso").sharePointUrl, await emu.token("contoso", "adele"));
  const item = await adele.get<DriveItem>("/sites/marketing/_api/v2.0/drive/root:/Plan.txt:");
  const url = item["@content.downloadUrl"]!;
  t.equal((await adele.raw("GET", url, { auth: false })).status, 200, "valid at first");
  const deadline = Date.now() + 60_000;
  let status = 200;
  while (status === 200 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 250));
    status = (await adele.raw("GET", url, { auth: false })).status;
  }
  t.equal(status, 401, "401 once expired");
});
