/**
 * `GET …/root/delta`: the first enumeration (paged, parents before children, ends in a deltaLink),
 * incremental pages after adds, renames, moves and deletes, `token=latest`, and 410 Gone with a
 * restart Location after the change log behind a token was dropped (through the store while the
 * emulator is stopped; delta tokens survive a restart).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import t from "tap";
import { resolveConfig } from "../../emulator/config.js";
import { graphItemId } from "../../emulator/graph/ids.js";
import { openStore } from "../../emulator/store/index.js";
import { startEmulator } from "../helpers/emulator.js";
import { GraphClient } from "./graph-client.js";
/** Follows nextLinks to the deltaLink; returns every item and the deltaLink. */
async function drain(client, url) {
    const items = [];
    let next = url;
    let pages = 0;
    while (next) {
        const page = await client.get(next);
        items.push(...page.value);
        pages++;
        if (page["@odata.deltaLink"])
            return { items, deltaLink: page["@odata.deltaLink"], pages };
        next = page["@odata.nextLink"];
    }
    throw new Error("delta ended without a deltaLink");
}
void t.test("delta on a library", async (t) => {
    const emu = await startEmulator({ seed: "demo" });
    t.teardown(() => emu.stop());
    const origin = emu.tenant("contoso").sharePointUrl;
    const adele = new GraphClient(emu, origin, await emu.token("contoso", "adele"));
    const drive = await adele.get("/sites/marketing/_api/v2.0/drive");
    const base = `/_api/v2.0/drives/${drive.id}`;
    // The whole tree through children, for comparison.
    const tree = new Map();
    const walk = async (id) => {
        const { items } = await adele.all(`${base}/items/${id}/children`);
        for (const item of items) {
            tree.set(item.id, item);
            if (item.folder)
                await walk(item.id);
        }
    };
    const root = await adele.get(`${base}/root`);
    await walk(root.id);
    const full = await drain(adele, `${base}/root/delta?$top=4`);
    t.ok(full.pages > 3, `the first enumeration is paged (${full.pages} pages)`);
    t.equal(full.items[0]?.id, root.id, "the root comes first");
    const seen = new Set([root.id]);
    let parentsFirst = true;
    for (const item of full.items.slice(1)) {
        if (!item.parentReference.id || !seen.has(item.parentReference.id))
            parentsFirst = false;
        seen.add(item.id);
    }
    t.ok(parentsFirst, "every item comes after its parent");
    t.equal(full.items.length, tree.size + 1, "root + every item, once");
    t.same(new Set(full.items.slice(1).map((i) => i.id)), new Set(tree.keys()));
    t.notOk(full.items.some((i) => i.parentReference.path), "delta items carry no parentReference.path");
    t.match(full.deltaLink, /^https:\/\/127\.0\.0\.1:\d+\/_api\/v2\.0\/drives\/.+\/root\/delta\?.*token=/);
    const quiet = await adele.get(full.deltaLink);
    t.same(quiet.value, [], "no changes, no items");
    t.ok(quiet["@odata.deltaLink"]);
    // Changes: a new folder with a file, a rename, a move and a delete.
    const folder = await adele.raw("POST", `${base}/root/children`, { body: { name: "Delta Folder", folder: {} } });
    const file = await adele.raw("PUT", `${base}/items/${folder.body.id}:/new.txt:/content`, { body: Buffer.from("new") });
    const notes = await adele.get(`${base}/root:/2026/Q2/notes.txt:`);
    await adele.raw("PATCH", `${base}/items/${notes.id}`, { body: { name: "renamed notes.txt" } });
    const banner = await adele.get(`${base}/root:/2026/Q1/Campaign%20Assets/Banner%20Text.txt:`);
    await adele.raw("PATCH", `${base}/items/${banner.id}`, { body: { parentReference: { id: folder.body.id } } });
    const emoji = await adele.get(`${base}/root:/emoji%20%F0%9F%8E%89.txt:`);
    t.equal((await adele.raw("DELETE", `${base}/items/${emoji.id}`)).status, 204);
    // One page (the default size): within a page each item appears once, as it is now.
    const onePage = new URL(full.deltaLink);
    onePage.searchParams.delete("$top");
    // A change through SharePoint REST shows up in the same feed.
    const restAdd = await adele.raw("POST", `/sites/marketing/_api/web/GetFolderByServerRelativePath(decodedUrl='${encodeURIComponent("/sites/marketing/Shared Documents")}')/Files/AddUsingPath(decodedUrl='from-rest.txt',overwrite=true)`, { body: Buffer.from("added through REST"), headers: { Accept: "application/json" } });
    t.equal(restAdd.status, 200, "REST upload");
    const inc = await drain(adele, onePage.href);
    t.equal(inc.pages, 1);
    const byId = new Map(inc.items.map((i) => [i.id, i]));
    t.ok(byId.has(folder.body.id), "the new folder");
    t.equal(byId.get(file.body.id)?.name, "new.txt", "the new file");
    const ids = inc.items.map((i) => i.id);
    t.ok(ids.indexOf(folder.body.id) < ids.indexOf(file.body.id), "the new folder before its new child");
    t.equal(byId.get(notes.id)?.name, "renamed notes.txt", "a rename shows the new name");
    t.equal(byId.get(banner.id)?.parentReference.id, folder.body.id, "a move shows the new parent");
    t.same(byId.get(emoji.id)?.deleted, { state: "deleted" }, "a delete has the deleted facet");
    t.equal(byId.get(graphItemId(restAdd.body.UniqueId))?.name, "from-rest.txt", "a file added through REST");
    t.equal(new Set(ids).size, ids.length, `each item once: ${inc.items.map((i) => i.name).join(", ")}`);
    const small = new URL(full.deltaLink);
    small.searchParams.set("$top", "2");
    const paged = await drain(adele, small.href);
    t.ok(paged.pages >= 3, "incremental changes page too");
    t.same(new Set(paged.items.map((i) => i.id)), new Set(ids), "the same changes, in pages (an item may repeat across pages, as Graph allows)");
    const latest = await adele.get(`${base}/root/delta?token=latest`);
    t.same(latest.value, [], "token=latest returns no items");
    const latestLink = latest["@odata.deltaLink"];
    t.ok(latestLink);
    await adele.raw("PUT", `${base}/items/${folder.body.id}:/after-latest.txt:/content`, { body: Buffer.from("x") });
    const afterLatest = await drain(adele, latestLink);
    t.same(afterLatest.items.map((i) => i.name), ["after-latest.txt"], "only changes after token=latest");
    const bad = await adele.raw("GET", `${base}/root/delta?token=garbage`);
    t.equal(bad.status, 400, "a malformed token");
    const sub = await adele.raw("GET", `${base}/items/${folder.body.id}/delta`);
    t.equal(sub.status, 400, "delta below the root is not supported on SharePoint");
});
void t.test("delta token expiry answers 410 with a restart Location", async (t) => {
    const dataDir = mkdtempSync(join(tmpdir(), "konnekt-graph-delta-"));
    t.teardown(() => rmSync(dataDir, { recursive: true, force: true }));
    let emu = await startEmulator({ seed: "demo", dataDir });
    t.teardown(() => emu.stop());
    const origin = emu.tenant("contoso").sharePointUrl;
    const adele = new GraphClient(emu, origin, await emu.token("contoso", "adele"));
    const drive = await adele.get("/sites/finance/_api/v2.0/drive");
    const base = `/_api/v2.0/drives/${drive.id}`;
    const full = await drain(adele, `${base}/root/delta`);
    await adele.raw("PUT", `${base}/root:/one.txt:/content`, { body: Buffer.from("1") });
    await emu.stop();
    const store = openStore({ dataDir, seed: "demo", config: resolveConfig() });
    const list = store.listByDriveId(drive.id);
    t.ok(list, "the library is in the store");
    store.expireChanges(list.id);
    store.close();
    emu = await startEmulator({ seed: "demo", dataDir });
    t.equal(emu.tenant("contoso").sharePointUrl, origin, "the restarted emulator keeps its origin");
    const client = new GraphClient(emu, origin, await emu.token("contoso", "adele"));
    const gone = await client.raw("GET", full.deltaLink);
    t.equal(gone.status, 410);
    t.equal(gone.body.error.code, "resyncChangesApplyDifferences");
    const location = gone.headers.get("location");
    t.equal(location, `${origin}${base}/root/delta`, "Location restarts the enumeration");
    const again = await drain(client, location);
    t.ok(again.items.some((i) => i.name === "one.txt"), "a fresh enumeration works");
    const after = await client.get(again.deltaLink);
    t.same(after.value, [], "and its deltaLink is valid");
});
//# sourceMappingURL=graph-delta.test.js.map