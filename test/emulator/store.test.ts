/**
 * The emulator store directly (openStore in temp dirs): seed shape, path lookups, writes with their
 * change log and etags, versions, check-out, shared locks, chunked upload staging, persistence.
 */
import { Readable } from "node:stream";
import t from "tap";
import { openStore, syntheticBytes } from "../../emulator/store/index.js";
import { quickXorHash } from "../../emulator/store/quickxor.js";
import { ChangeType } from "../../emulator/store/types.js";
import { code, codeAsync, config, must, open, read, tempDir, user } from "./store-helpers.js";

const MDOCS = "/sites/marketing/Shared Documents";

void t.test("demo seed shape", async (t) => {
  const s = open(t, "demo");
  const tenants = s.tenants();
  t.same(tenants.map((x) => x.name), ["contoso", "fabrikam"]);
  t.equal(tenants[0]!.tenantId, "6a1e8a3c-2b4d-4f5e-9a7b-0c1d2e3f4a5b");
  t.same(tenants[0]!.users.map((u) => u.displayName), ["Adele Vance", "Megan Bowen", "Nestor Wilke"]);
  t.equal(tenants[0]!.users[0]!.loginName, "i:0#.f|membership|adele@contoso.onmicrosoft.com");
  t.same(tenants[1]!.users.map((u) => u.upn), ["alex@fabrikam.onmicrosoft.com", "adele@fabrikam.onmicrosoft.com"]);

  const sites = s.sites("contoso").map((x) => x.serverRelativeUrl);
  t.same(sites, ["/", "/sites/marketing", "/sites/finance", "/teams/engineering", "/personal/adele_contoso_onmicrosoft_com"]);
  const adele = user(s, "contoso", "adele");
  const megan = user(s, "contoso", "megan");
  const nestor = user(s, "contoso", "nestor");
  const marketing = s.siteForPath("contoso", "/sites/marketing/Shared Documents/Plan.txt")!;
  t.equal(marketing.title, "Marketing");
  t.ok(s.canAccess(marketing, adele) && s.canAccess(marketing, megan));
  t.notOk(s.canAccess(marketing, nestor), "nestor is not a marketing member");
  t.equal(s.siteForPath("contoso", "/Shared Documents/Welcome.txt")!.serverRelativeUrl, "/");
  t.equal(s.siteForPath("contoso", "/sites/unknown/x")!.serverRelativeUrl, "/", "unknown site paths fall back to the root site");

  const lists = s.lists(marketing.id);
  t.same(lists.map((l) => l.title).sort(), ["Campaigns", "Documents", "Site Pages", "Style Library"]);
  const docs = lists.find((l) => l.title === "Documents")!;
  t.equal(docs.rootFolderUrl, "/sites/marketing/Shared Documents");
  t.equal(docs.entityTypeName, "Shared_x0020_Documents");
  t.ok(docs.enableVersioning);
  t.equal(lists.find((l) => l.title === "Style Library")!.hidden, true);
  t.equal(lists.find((l) => l.title === "Site Pages")!.baseTemplate, 119);
  t.equal(s.listByDriveId(docs.driveId)!.id, docs.id, "drive id round-trips");
  t.match(docs.driveId, /^b![A-Za-z0-9_-]{43}$/);
  t.equal(s.listForPath(marketing.id, `${MDOCS}/2026/Q1`)!.id, docs.id);
  t.equal(s.rootFolder(docs.id).serverRelativeUrl, MDOCS);
  t.equal(s.rootFolder(docs.id).id, 0);

  const finance = s.siteForPath("contoso", "/sites/finance")!;
  t.ok(s.lists(finance.id).some((l) => l.rootFolderUrl === "/sites/finance/Reports 2026"));

  // Nested folders, versions, check-out, synthetic file.
  t.ok(must(s, "contoso", `${MDOCS}/2026/Q1/Campaign Assets/Images/readme.txt`));
  const plan = must(s, "contoso", `${MDOCS}/Plan.txt`);
  t.equal(plan.majorVersion, 3);
  t.same(s.versions(plan.uniqueId).map((v) => v.label), ["1.0", "2.0"]);
  t.equal((await read(s.content(plan.uniqueId))).toString(), "Marketing plan, final: budget and timeline agreed.\n");
  t.equal((await read(s.content(plan.uniqueId, 512))).toString(), "Marketing plan, draft 1.\n");
  t.equal(must(s, "contoso", `${MDOCS}/Checked Out Draft.docx`).checkedOutById, megan);
  const video = must(s, "contoso", `${MDOCS}/Launch Video.mp4`);
  t.ok(video.size >= 5 * 1024 * 1024);
  t.same(await read(s.content(video.uniqueId), 1000, 1999), syntheticBytes(video.uniqueId, 1000, 2000));
  const docx = await read(s.content(must(s, "contoso", `${MDOCS}/Brand Guidelines.docx`).uniqueId));
  t.equal(docx.subarray(0, 2).toString(), "PK", "Office documents are zip packages");

  const od = s.personalSite("contoso", adele);
  t.equal(od.serverRelativeUrl, "/personal/adele_contoso_onmicrosoft_com");
  t.equal(od.ownerId, adele);
  const odDocs = s.lists(od.id)[0]!;
  t.equal(odDocs.baseTemplate, 700);
  t.equal(odDocs.title, "Documents");
  t.ok(must(s, "contoso", "/personal/adele_contoso_onmicrosoft_com/Documents/Notes.txt"));
  const megOd = s.personalSite("contoso", megan);
  t.equal(megOd.serverRelativeUrl, "/personal/megan_contoso_onmicrosoft_com", "created on first use");
  t.equal(s.personalSite("contoso", megan).id, megOd.id, "and stable afterwards");
  t.notOk(s.canAccess(megOd, adele));

  const fab = s.sites("fabrikam").map((x) => x.serverRelativeUrl);
  t.same(fab, ["/", "/sites/projects"]);
});

void t.test("empty seed", (t) => {
  const s = open(t, "empty");
  t.same(s.tenants().map((x) => [x.name, x.users.length]), [["contoso", 1]]);
  const sites = s.sites("contoso");
  t.equal(sites.length, 1);
  const lists = s.lists(sites[0]!.id);
  t.same(lists.map((l) => [l.title, l.rootFolderUrl]), [["Documents", "/Shared Documents"]]);
  t.equal(s.itemCount(lists[0]!.id), 0);
  t.same(s.children(lists[0]!.rootFolderId, { limit: 10 }).items, []);
  t.end();
});

void t.test("path lookups: unicode, # and %, case-insensitivity", (t) => {
  const s = open(t, "demo");
  for (const name of ["Ümlaut Übersicht.docx", "日本語のファイル.txt", "emoji 🎉.txt", "Budget #1 100%.xlsx"]) {
    const it = must(s, "contoso", `${MDOCS}/${name}`);
    t.equal(it.name, name);
    t.equal(it.serverRelativeUrl, `${MDOCS}/${name}`);
    t.equal(s.itemByUniqueId(it.uniqueId)!.serverRelativeUrl, it.serverRelativeUrl);
    t.equal(s.itemByListItemId(it.listId, it.id)!.uniqueId, it.uniqueId);
  }
  t.equal(must(s, "contoso", "/SITES/Marketing/shared documents/ümlaut übersicht.DOCX").name, "Ümlaut Übersicht.docx");
  t.equal(must(s, "contoso", "/sites/marketing/Shared Documents/budget #1 100%.XLSX/").name, "Budget #1 100%.xlsx", "trailing slash tolerated");
  t.equal(s.itemByPath("contoso", `${MDOCS}/missing.txt`), undefined);
  t.equal(s.itemByPath("fabrikam", `${MDOCS}/Plan.txt`), undefined, "tenants are separate");
  t.equal(s.itemByUniqueId("00000000-0000-0000-0000-000000000000"), undefined);
  t.end();
});

void t.test("writes: create, put, replace, rename, move, copy, delete with changes and etags", async (t) => {
  const s = open(t, "demo");
  const adele = user(s, "contoso", "adele");
  const docs = s.listForPath(s.siteForPath("contoso", MDOCS)!.id, MDOCS)!;
  const root = s.rootFolder(docs.id);
  const start = s.currentChange(docs.id);
  const countBefore = s.itemCount(docs.id);

  const folder = s.createFolder(root.uniqueId, "Work", { userId: adele });
  t.equal(folder.serverRelativeUrl, `${MDOCS}/Work`);
  t.equal(await codeAsync(Promise.resolve().then(() => s.createFolder(root.uniqueId, "work", { userId: adele }))), "alreadyExists", "names are unique case-insensitively");
  t.equal(s.rootFolder(docs.id).childCount, root.childCount + 1);

  const a = await s.putFile(folder.uniqueId, "a b#%.txt", Readable.from([Buffer.from("one")]), { userId: adele });
  t.equal(a.size, 3);
  t.equal(a.quickXorHash, quickXorHash(Buffer.from("one")), "the content hash is kept");
  t.equal(a.etag, 1);
  t.equal(a.majorVersion, 1);
  t.equal(await codeAsync(s.putFile(folder.uniqueId, "A B#%.TXT", Readable.from([Buffer.from("x")]), { userId: adele })), "alreadyExists");
  const a2 = await s.putFile(folder.uniqueId, "A B#%.TXT", Readable.from([Buffer.from("two!")]), { userId: adele, overwrite: true });
  t.equal(a2.uniqueId, a.uniqueId, "overwrite keeps the item");
  t.equal(a2.name, "a b#%.txt", "and its name's case");
  t.ok(a2.etag > a.etag && a2.contentVersion > a.contentVersion);
  t.equal(a2.majorVersion, 2, "versioned library: a new major version per content change");
  t.equal(await codeAsync(s.replaceContent(a.uniqueId, Readable.from([Buffer.from("zzz")]), { userId: adele, ifMatch: a.etag })), "etagMismatch");
  const a3 = await s.replaceContent(a.uniqueId, Readable.from([Buffer.from("three")]), { userId: adele, ifMatch: a2.etag });
  t.equal((await read(s.content(a.uniqueId))).toString(), "three");
  t.same(s.versions(a.uniqueId).map((v) => [v.label, v.versionId, v.size]), [["1.0", 512, 3], ["2.0", 1024, 4]]);

  const renamed = s.move(a.uniqueId, { name: "renamed.txt" }, { userId: adele });
  t.equal(renamed.serverRelativeUrl, `${MDOCS}/Work/renamed.txt`);
  t.ok(renamed.etag > a3.etag, "rename moves the etag");
  t.equal(renamed.contentVersion, a3.contentVersion, "but not the content version");

  const sub = s.createFolder(folder.uniqueId, "Sub", { userId: adele });
  const deep = s.createFolder(sub.uniqueId, "Deep", { userId: adele });
  const inDeep = await s.putFile(deep.uniqueId, "x.txt", Readable.from([Buffer.from("x")]), { userId: adele });
  const movedFolder = s.move(sub.uniqueId, { parentId: root.uniqueId, name: "Moved Sub" }, { userId: adele });
  t.equal(movedFolder.uniqueId, sub.uniqueId, "move keeps the UniqueId");
  t.equal(s.itemByUniqueId(inDeep.uniqueId)!.serverRelativeUrl, `${MDOCS}/Moved Sub/Deep/x.txt`, "descendants follow");
  t.ok(must(s, "contoso", `${MDOCS}/moved sub/deep/X.TXT`));
  t.equal(s.itemByPath("contoso", `${MDOCS}/Work/Sub/Deep/x.txt`), undefined);
  t.equal(code(() => s.move(movedFolder.uniqueId, { parentId: deep.uniqueId }, { userId: adele })), "invalidArgument", "no move into itself");

  // Cross-library move (Documents → Campaigns) keeps ids and re-homes the subtree.
  const campaigns = s.lists(docs.siteId).find((l) => l.title === "Campaigns")!;
  const campaignsBefore = s.itemCount(campaigns.id);
  const crossed = s.move(movedFolder.uniqueId, { parentId: campaigns.rootFolderId }, { userId: adele });
  t.equal(crossed.listId, campaigns.id);
  t.equal(s.itemByUniqueId(inDeep.uniqueId)!.listId, campaigns.id);
  t.equal(s.itemCount(campaigns.id), campaignsBefore + 3);

  const copied = s.copy(renamed.uniqueId, { parentId: root.uniqueId }, { userId: adele });
  t.not(copied.uniqueId, renamed.uniqueId);
  t.equal((await read(s.content(copied.uniqueId))).toString(), "three");
  const keepBoth = s.copy(renamed.uniqueId, { parentId: root.uniqueId }, { userId: adele, keepBoth: true });
  t.equal(keepBoth.name, "renamed 1.txt");
  t.equal(code(() => s.copy(renamed.uniqueId, { parentId: root.uniqueId }, { userId: adele })), "alreadyExists");

  s.delete(copied.uniqueId, { userId: adele });
  t.equal(s.itemByUniqueId(copied.uniqueId), undefined);
  t.equal(code(() => s.delete(copied.uniqueId, { userId: adele })), "notFound");
  t.equal(code(() => s.delete(root.uniqueId, { userId: adele })), "invalidArgument", "library roots stay");

  const changes = s.changesSince(docs.id, start, 1000);
  t.ok(changes.length > 0);
  t.same(
    changes.map((c) => c.changeNumber),
    changes.map((_, i) => start + i + 1),
    "change numbers are contiguous and increasing",
  );
  const kinds = (uid: string): number[] => changes.filter((c) => c.uniqueId === uid).map((c) => c.changeType);
  t.same(kinds(a.uniqueId), [ChangeType.Add, ChangeType.Update, ChangeType.Update, ChangeType.Rename]);
  t.same(kinds(sub.uniqueId), [ChangeType.Add, ChangeType.MoveAway, ChangeType.MoveInto, ChangeType.MoveAway]);
  t.same(kinds(copied.uniqueId), [ChangeType.Add, ChangeType.DeleteObject]);
  const moveAway = changes.find((c) => c.uniqueId === sub.uniqueId && c.changeType === ChangeType.MoveAway)!;
  t.equal(moveAway.serverRelativeUrl, `${MDOCS}/Work/Sub`, "MoveAway carries the old path");
  t.ok(s.changesSince(campaigns.id, 0, 1000).some((c) => c.uniqueId === inDeep.uniqueId && c.changeType === ChangeType.MoveInto));
  t.equal(s.changesSince(docs.id, start, 2).length, 2, "limit honoured");
  t.same(s.changesSince(docs.id, s.currentChange(docs.id), 10), []);
  t.equal(s.itemCount(docs.id), countBefore + 3, "Work, renamed.txt, renamed 1.txt");

  // Invalid names and path length.
  for (const bad of ["a:b", "x?", "CON", "nul", "LPT1", "com0", ".lock", "desktop.ini", "my_vti_file", " lead", "trail ", "~$temp.docx", "a|b", 'q"t', "a<b", "a>b", "a*b", "a\\b", "a/b"]) {
    t.equal(code(() => s.createFolder(root.uniqueId, bad, { userId: adele })), "invalidName", `refuses ${JSON.stringify(bad)}`);
  }
  t.equal(code(() => s.createFolder(root.uniqueId, "Forms", { userId: adele })), "invalidName", "forms at a library root");
  t.ok(s.createFolder(folder.uniqueId, "Forms", { userId: adele }), "forms below the root is fine");
  t.equal(code(() => s.createFolder(root.uniqueId, "~folder", { userId: adele })), "invalidName");
  t.equal(code(() => s.createFolder(root.uniqueId, "x".repeat(400 - MDOCS.length), { userId: adele })), "invalidName", "path over 400 characters");
  t.ok(s.createFolder(root.uniqueId, "x".repeat(399 - MDOCS.length), { userId: adele }), "exactly 400 is allowed");
  t.equal(code(() => s.move(renamed.uniqueId, { name: "bad:name" }, { userId: adele })), "invalidName");
});

void t.test("recycle bin and restore", async (t) => {
  const s = open(t, "demo");
  const adele = user(s, "contoso", "adele");
  const folder = must(s, "contoso", `${MDOCS}/2026`);
  const file = must(s, "contoso", `${MDOCS}/2026/Q2/notes.txt`);
  const docs = s.listById(folder.listId)!;
  const before = s.itemCount(docs.id);
  const start = s.currentChange(docs.id);
  const rid = s.recycle(folder.uniqueId, { userId: adele });
  t.equal(s.itemByPath("contoso", `${MDOCS}/2026/Q2/notes.txt`), undefined);
  t.equal(s.itemByUniqueId(file.uniqueId), undefined);
  t.ok(s.itemCount(docs.id) < before);
  const bin = s.recycleBin(docs.siteId);
  t.equal(bin[0]!.id, rid);
  t.equal(bin[0]!.title, "2026");
  t.equal(bin[0]!.dirName, "sites/marketing/Shared Documents");
  const deletes = s.changesSince(docs.id, start, 100).filter((c) => c.changeType === ChangeType.DeleteObject);
  t.ok(deletes.some((c) => c.uniqueId === folder.uniqueId) && deletes.some((c) => c.uniqueId === file.uniqueId), "DeleteObject for the item and descendants");

  const mark = s.currentChange(docs.id);
  const restored = s.restoreFromRecycleBin(rid, adele);
  t.equal(restored.uniqueId, folder.uniqueId);
  t.equal(must(s, "contoso", `${MDOCS}/2026/Q2/notes.txt`).uniqueId, file.uniqueId);
  t.equal(s.itemCount(docs.id), before);
  t.same(s.recycleBin(docs.siteId), []);
  const restores = s.changesSince(docs.id, mark, 100);
  t.ok(restores.every((c) => c.changeType === ChangeType.Restore) && restores.some((c) => c.uniqueId === file.uniqueId));
  t.equal(code(() => s.restoreFromRecycleBin(rid, adele)), "notFound");

  // Restoring into a name that was taken meanwhile fails; a missing parent is recreated.
  const f2 = must(s, "contoso", `${MDOCS}/2026/Q2/notes.txt`);
  const r2 = s.recycle(f2.uniqueId, { userId: adele });
  await s.putFile(must(s, "contoso", `${MDOCS}/2026/Q2`).uniqueId, "notes.txt", Readable.from([Buffer.from("new")]), { userId: adele });
  t.equal(code(() => s.restoreFromRecycleBin(r2, adele)), "alreadyExists");
  s.delete(must(s, "contoso", `${MDOCS}/2026/Q2`).uniqueId, { userId: adele });
  t.equal(s.restoreFromRecycleBin(r2, adele).serverRelativeUrl, `${MDOCS}/2026/Q2/notes.txt`);
});

void t.test("versions and restore", async (t) => {
  const s = open(t, "demo");
  const adele = user(s, "contoso", "adele");
  const plan = must(s, "contoso", `${MDOCS}/Plan.txt`);
  const restored = s.restoreVersion(plan.uniqueId, "1.0", { userId: adele });
  t.equal(restored.majorVersion, 4, "restore makes a new current version");
  t.equal((await read(s.content(plan.uniqueId))).toString(), "Marketing plan, draft 1.\n");
  t.same(s.versions(plan.uniqueId).map((v) => v.label), ["1.0", "2.0", "3.0"]);
  t.equal((await read(s.content(plan.uniqueId, 3 * 512))).toString(), "Marketing plan, final: budget and timeline agreed.\n");
  t.equal(code(() => s.restoreVersion(plan.uniqueId, "9.0", { userId: adele })), "notFound");
  s.deleteVersion(plan.uniqueId, 1024, adele);
  t.same(s.versions(plan.uniqueId).map((v) => v.label), ["1.0", "3.0"]);
  t.throws(() => s.content(plan.uniqueId, 1024));

  // Non-versioned library: content changes keep 1.0 and no history.
  const site = s.siteForPath("contoso", "/")!;
  const lib = s.createList(site.id, "Plain", "Plain", { enableVersioning: false });
  const f = await s.putFile(lib.rootFolderId, "p.txt", Readable.from([Buffer.from("1")]), { userId: adele });
  const f2 = await s.replaceContent(f.uniqueId, Readable.from([Buffer.from("2")]), { userId: adele });
  t.equal(f2.majorVersion, 1);
  t.same(s.versions(f.uniqueId), []);
});

void t.test("check-out rules", async (t) => {
  const s = open(t, "demo");
  const adele = user(s, "contoso", "adele");
  const megan = user(s, "contoso", "megan");
  const draft = must(s, "contoso", `${MDOCS}/Checked Out Draft.docx`);
  t.equal(await codeAsync(s.replaceContent(draft.uniqueId, Readable.from([Buffer.from("x")]), { userId: adele })), "checkedOut");
  t.equal(code(() => s.delete(draft.uniqueId, { userId: adele })), "checkedOut");
  t.equal(code(() => s.move(draft.uniqueId, { name: "y.docx" }, { userId: adele })), "checkedOut");
  t.equal(code(() => s.checkOut(draft.uniqueId, adele)), "checkedOut");
  t.equal(code(() => s.checkIn(draft.uniqueId, adele, "", 1)), "checkedOut");
  t.equal(code(() => s.delete(must(s, "contoso", MDOCS).uniqueId, { userId: adele })), "invalidArgument");

  // The owner edits: one pending version however many saves, settled by check-in.
  const e1 = await s.replaceContent(draft.uniqueId, Readable.from([Buffer.from("edit 1")]), { userId: megan });
  const e2 = await s.replaceContent(draft.uniqueId, Readable.from([Buffer.from("edit 2")]), { userId: megan });
  t.equal(e1.majorVersion, 2);
  t.equal(e2.majorVersion, 2, "saves while checked out share one version");
  const ci = s.checkIn(draft.uniqueId, megan, "done", 1);
  t.equal(ci.checkedOutById, undefined);
  t.equal(ci.checkInComment, "done");
  t.equal(ci.majorVersion, 2);
  t.same(s.versions(draft.uniqueId).map((v) => v.label), ["1.0"]);
  t.equal(code(() => s.checkIn(draft.uniqueId, megan, "", 1)), "notCheckedOut");

  // Undo check-out restores the content from before the check-out.
  const co = s.checkOut(draft.uniqueId, adele);
  t.equal(co.checkedOutById, adele);
  t.ok(co.etag > ci.etag, "check-out moves the etag");
  await s.replaceContent(draft.uniqueId, Readable.from([Buffer.from("scratch")]), { userId: adele });
  const undone = s.undoCheckOut(draft.uniqueId, adele);
  t.equal(undone.checkedOutById, undefined);
  t.equal(undone.majorVersion, 2);
  t.equal((await read(s.content(draft.uniqueId))).toString(), "edit 2");

  // Force-checkout libraries refuse edits without a check-out.
  const site = s.siteForPath("contoso", "/")!;
  const strict = s.createList(site.id, "Strict", "Strict", { forceCheckout: true });
  const f = await s.putFile(strict.rootFolderId, "s.txt", Readable.from([Buffer.from("1")]), { userId: adele });
  t.equal(await codeAsync(s.replaceContent(f.uniqueId, Readable.from([Buffer.from("2")]), { userId: adele })), "notCheckedOut");
  s.checkOut(f.uniqueId, adele);
  t.equal((await s.replaceContent(f.uniqueId, Readable.from([Buffer.from("2")]), { userId: adele })).size, 1);
});

void t.test("shared lock", async (t) => {
  const s = open(t, "demo");
  const adele = user(s, "contoso", "adele");
  const megan = user(s, "contoso", "megan");
  const f = must(s, "contoso", `${MDOCS}/Brand Guidelines.docx`);
  s.setLock(f.uniqueId, { userId: megan, kind: "shared", expires: new Date(Date.now() + 600_000).toISOString() });
  t.equal(s.itemByUniqueId(f.uniqueId)!.lock!.userId, megan);
  for (const who of [adele, megan]) {
    t.equal(await codeAsync(s.replaceContent(f.uniqueId, Readable.from([Buffer.from("x")]), { userId: who })), "locked");
    t.equal(code(() => s.delete(f.uniqueId, { userId: who })), "locked");
    t.equal(code(() => s.recycle(f.uniqueId, { userId: who })), "locked");
  }
  t.equal(code(() => s.delete(must(s, "contoso", MDOCS).uniqueId, { userId: adele })), "invalidArgument");
  t.equal(code(() => s.recycle(must(s, "contoso", `${MDOCS}`).uniqueId, { userId: adele })), "invalidArgument");
  const moved = s.move(f.uniqueId, { name: "Brand.docx" }, { userId: adele, bypassSharedLock: true });
  t.equal(moved.name, "Brand.docx", "bypassSharedLock gets through");
  s.setLock(f.uniqueId, { userId: megan, kind: "shared", expires: new Date(Date.now() - 1000).toISOString() });
  t.equal(s.itemByUniqueId(f.uniqueId)!.lock, undefined, "expired locks are gone");
  s.delete(f.uniqueId, { userId: adele });
});

void t.test("chunked upload staging", async (t) => {
  const s = open(t, "demo");
  const adele = user(s, "contoso", "adele");
  const root = must(s, "contoso", MDOCS);
  const target = { parentId: root.uniqueId, name: "chunked.bin" };
  const body = Buffer.alloc(1000);
  for (let i = 0; i < body.length; i++) body[i] = i % 251;
  t.equal(await codeAsync(s.appendUpload("u1", target, 10, Readable.from([body.subarray(0, 10)]), adele)), "uploadSession", "a new session starts at 0");
  t.equal(await s.appendUpload("u1", target, 0, Readable.from([body.subarray(0, 400)]), adele), 400);
  t.equal(await codeAsync(s.appendUpload("u1", target, 300, Readable.from([body.subarray(300, 500)]), adele)), "uploadSession", "overlap refused");
  t.equal(await codeAsync(s.appendUpload("u1", target, 500, Readable.from([body.subarray(500, 600)]), adele)), "uploadSession", "gap refused");
  t.equal(s.itemByPath("contoso", `${MDOCS}/chunked.bin`), undefined, "nothing visible before finish");
  t.equal(await s.appendUpload("u1", target, 400, Readable.from([body.subarray(400, 1000)]), adele), 1000);
  t.same(s.uploadState("u1"), { size: 1000, target, userId: adele });
  const done = await s.finishUpload("u1", { userId: adele });
  t.equal(done.size, 1000);
  t.same(await read(s.content(done.uniqueId)), body);
  t.equal(done.quickXorHash, quickXorHash(body));
  t.equal(s.uploadState("u1"), undefined);
  t.equal(await codeAsync(s.finishUpload("u1", { userId: adele })), "uploadSession");

  // Into an existing file, then cancelled: nothing changes.
  const before = s.itemByUniqueId(done.uniqueId)!;
  t.equal(await s.appendUpload("u2", { uniqueId: done.uniqueId }, 0, Readable.from([Buffer.from("abc")]), adele), 3);
  s.cancelUpload("u2");
  t.equal(s.uploadState("u2"), undefined);
  t.equal(s.itemByUniqueId(done.uniqueId)!.etag, before.etag);
  t.equal(await codeAsync(s.appendUpload("u2", { uniqueId: done.uniqueId }, 3, Readable.from([Buffer.from("d")]), adele)), "uploadSession");

  // Replace an existing file's content through a session.
  await s.appendUpload("u3", { uniqueId: done.uniqueId }, 0, Readable.from([Buffer.from("new ")]), adele);
  await s.appendUpload("u3", { uniqueId: done.uniqueId }, 4, Readable.from([Buffer.from("content")]), adele);
  const replaced = await s.finishUpload("u3", { userId: adele });
  t.equal(replaced.uniqueId, done.uniqueId);
  t.equal((await read(s.content(done.uniqueId))).toString(), "new content");
  t.equal(replaced.quickXorHash, quickXorHash(Buffer.from("new content")));
  t.equal(await codeAsync(s.appendUpload("../x", target, 0, Readable.from([Buffer.from("a")]), adele)), "uploadSession", "upload ids cannot escape");
});

void t.test("children paging order and cursors", (t) => {
  const s = open(t, "demo");
  const adele = user(s, "contoso", "adele");
  const root = must(s, "contoso", MDOCS);
  const all = s.children(root.uniqueId, { limit: 1000 });
  t.equal(all.next, undefined);
  const names = all.items.map((i) => i.name);
  const folders = all.items.filter((i) => i.isFolder).map((i) => i.name);
  t.same(names.slice(0, folders.length), folders, "folders first");
  const files = all.items.filter((i) => !i.isFolder).map((i) => i.name.toLowerCase());
  t.same(files, [...files].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b))), "then by name");
  const paged: string[] = [];
  let after: string | undefined;
  do {
    const page: ReturnType<typeof s.children> = s.children(root.uniqueId, after ? { limit: 3, after } : { limit: 3 });
    t.ok(page.items.length <= 3);
    paged.push(...page.items.map((i) => i.name));
    after = page.next;
  } while (after);
  t.same(paged, names, "pages concatenate to the full listing");
  t.same(s.children(root.uniqueId, { limit: 100, kind: "folders" }).items.map((i) => i.name), folders);
  t.equal(s.children(root.uniqueId, { limit: 100, kind: "files" }).items.length, files.length);
  t.equal(code(() => s.children(root.uniqueId, { limit: 1, after: "garbage" })), "invalidArgument");
  t.equal(code(() => s.children(must(s, "contoso", `${MDOCS}/Plan.txt`).uniqueId, { limit: 1 })), "invalidArgument");
  const items = s.listItems(root.listId, { limit: 5 });
  t.same(items.map((i) => i.id), [...items.map((i) => i.id)].sort((a, b) => a - b));
  t.ok(items.every((i) => i.id > 0), "the root folder is not a list item");
  const nextItems = s.listItems(root.listId, { limit: 5, afterId: items[4]!.id });
  t.ok(nextItems[0]!.id > items[4]!.id);
  void adele;
  t.end();
});

void t.test("persistence across reopen and change retention", async (t) => {
  const dir = tempDir(t);
  let s = openStore({ dataDir: dir, seed: "demo", config });
  const adele = user(s, "contoso", "adele");
  const root = must(s, "contoso", MDOCS);
  const f = await s.putFile(root.uniqueId, "persist.txt", Readable.from([Buffer.from("kept")]), { userId: adele });
  await s.appendUpload("pending", { parentId: root.uniqueId, name: "later.bin" }, 0, Readable.from([Buffer.from("half")]), adele);
  const siteIds = s.sites("contoso").map((x) => x.id);
  const change = s.currentChange(f.listId);
  s.close();

  s = openStore({ dataDir: dir, seed: "empty", config });
  t.teardown(() => s.close());
  t.same(s.sites("contoso").map((x) => x.id), siteIds, "same ids; the seed is not applied again");
  t.equal(s.itemByPath("contoso", `${MDOCS}/persist.txt`)!.uniqueId, f.uniqueId);
  t.equal((await read(s.content(f.uniqueId))).toString(), "kept");
  t.equal(s.currentChange(f.listId), change);
  t.equal(s.uploadState("pending")!.size, 4, "upload sessions survive a restart");
  t.equal(await s.appendUpload("pending", { parentId: root.uniqueId, name: "later.bin" }, 4, Readable.from([Buffer.from("+rest")]), adele), 9);
  t.equal((await read(s.content((await s.finishUpload("pending", { userId: adele })).uniqueId))).toString(), "half+rest");

  // Retention: an explicit expiry, then a token older than it fails.
  const mid = s.currentChange(f.listId);
  s.move(f.uniqueId, { name: "persist2.txt" }, { userId: adele });
  s.expireChanges(f.listId, mid + 1);
  t.equal(code(() => s.changesSince(f.listId, mid, 10)), "changeTokenExpired");
  t.same(s.changesSince(f.listId, mid + 1, 10).map((c) => c.changeType), []);
  s.move(f.uniqueId, { name: "persist3.txt" }, { userId: adele });
  s.move(f.uniqueId, { name: "persist4.txt" }, { userId: adele });
  s.close();

  // A retention of N entries drops older ones on open.
  const s2 = openStore({ dataDir: dir, seed: "demo", config, changeRetention: { maxEntries: 1 } });
  t.teardown(() => s2.close());
  t.equal(code(() => s2.changesSince(f.listId, 0, 10)), "changeTokenExpired");
  t.equal(s2.changesSince(f.listId, s2.currentChange(f.listId) - 1, 10).length, 1);
});

void t.test("sharing links are reused per kind", (t) => {
  const s = open(t, "demo");
  const adele = user(s, "contoso", "adele");
  const f = must(s, "contoso", `${MDOCS}/Plan.txt`);
  const a = s.createSharingLink(f.uniqueId, { kind: 2, scope: "organization", type: "view", createdById: adele }, (id) => `https://x/:t:/s/marketing/${id}`);
  t.ok(a.created);
  t.equal(a.link.url, `https://x/:t:/s/marketing/${a.link.shareId}`);
  const b = s.createSharingLink(f.uniqueId, { kind: 2, scope: "organization", type: "view", createdById: adele }, (id) => id);
  t.notOk(b.created);
  t.equal(b.link.shareId, a.link.shareId);
  const c = s.createSharingLink(f.uniqueId, { kind: 3, scope: "organization", type: "edit", createdById: adele }, (id) => id);
  t.ok(c.created);
  t.end();
});
