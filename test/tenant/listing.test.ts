import t from "tap";
import { emulatorForTenants, signedInEngine, tempDir } from "./helpers.js";

void t.test("a listing carries everything the store keeps, with the narrower page select", async (t) => {
  const emu = await emulatorForTenants();
  t.teardown(() => emu.stop());
  const d = tempDir("listing-fields");
  t.teardown(() => d.remove());
  const engine = await signedInEngine(emu, "contoso", "adele", d.path);
  t.teardown(() => engine.close());
  await engine.start();
  const entries = await engine.session.list("/Marketing/Documents");
  const plan = entries.find((e) => e.name === "Plan.txt")!;
  const folder = entries.find((e) => e.name === "2026")!;
  t.equal(entries.indexOf(folder) < entries.indexOf(plan), true, "folders first");
  // The full item as the drive API describes it on its own.
  for (const e of [plan, folder]) {
    const full = await engine.drives.item(e.library!.webUrl, e.library!.driveId, e.itemId!);
    t.match(
      e,
      {
        kind: full.folder ? "folder" : "file",
        size: full.folder ? 0 : full.size,
        mtimeMs: Date.parse(full.lastModifiedDateTime!),
        ctimeMs: Date.parse(full.createdDateTime!),
        etag: full.eTag,
        webUrl: full.webUrl,
      },
      `${e.name} as the item itself says`,
    );
    const row = engine.session.item(e.uniqueId!)!;
    t.match(row, { ctag: full.cTag, itemId: full.id, isFolder: full.folder !== undefined }, `${e.name} stored with its cTag and id`);
  }
  t.equal(engine.session.item(folder.uniqueId!)!.childCount, (await engine.drives.item(folder.library!.webUrl, folder.library!.driveId, folder.itemId!)).folder!.childCount);
});

void t.test("listing a folder again drops what was deleted remotely, with its subtree, and keeps the rest", async (t) => {
  const emu = await emulatorForTenants();
  t.teardown(() => emu.stop());
  const d = tempDir("listing-relist");
  t.teardown(() => d.remove());
  const engine = await signedInEngine(emu, "contoso", "adele", d.path, { session: { listingTtlMs: 3_600_000 } });
  t.teardown(() => engine.close());
  await engine.start();
  const s = engine.session;
  const before = (await s.list("/Marketing/Documents")).map((e) => e.name);
  const deep = await s.resolve("/Marketing/Documents/2026/Q1/Campaign Assets/Banner Text.txt");
  const plan = await s.resolve("/Marketing/Documents/Plan.txt");
  const folder2026 = await s.resolve("/Marketing/Documents/2026");

  // Deleted through plain REST, and no change poll: only a new listing can notice.
  const sp = emu.tenant("contoso").sharePointUrl;
  const token = await emu.token("contoso", "adele");
  const del = async (kind: "File" | "Folder", path: string): Promise<void> => {
    const res = await emu.fetch(`${sp}/sites/marketing/_api/web/get${kind}ByServerRelativePath(decodedUrl='${encodeURIComponent(`/sites/marketing/Shared Documents/${path}`)}')`, {
      method: "POST",
      headers: { Authorization: `Bearer ${token}`, Accept: "application/json", "X-HTTP-Method": "DELETE", "IF-MATCH": "*" },
    });
    t.equal(res.status, 200, `deleted ${path}`);
  };
  await del("File", "Plan.txt");
  await del("Folder", "2026");
  t.ok(s.item(plan.uniqueId!), "still known before the listing");

  const docs = await s.resolve("/Marketing/Documents");
  s.invalidateFolder(docs.uniqueId!);
  const after = (await s.list("/Marketing/Documents")).map((e) => e.name);
  t.same(after, before.filter((n) => n !== "Plan.txt" && n !== "2026"), "the rest, in the same order");
  t.equal(s.item(plan.uniqueId!), undefined, "the deleted file is forgotten");
  t.equal(s.item(folder2026.uniqueId!), undefined, "the deleted folder is forgotten");
  t.equal(s.item(deep.uniqueId!), undefined, "and so is everything under it");
  // Served from the store from now on, without the deleted names.
  const since = await emu.lastRequest();
  t.same((await s.list("/Marketing/Documents")).map((e) => e.name), after);
  t.equal((await emu.requests({ tenant: "contoso", since })).length, 0, "from the store");
});
