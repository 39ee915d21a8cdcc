/**
 * Children paging on the large seed: the 100,000-child folder pages through `@odata.nextLink`
 * (far past the list view threshold, without the 5000-item error), without duplicates or gaps,
 * and ranged reads of a generated file equal its synthetic content.
 */
import t from "tap";
import { syntheticBytes } from "../../emulator/store/content.js";
import { uniqueIdFromGraphItemId } from "../../emulator/graph/ids.js";
import { startEmulator } from "../helpers/emulator.js";
import { GraphClient } from "./graph-client.js";
const BIG_CHILDREN = 100_000;
void t.test("the 100,000-child folder pages past the list view threshold", async (t) => {
    const emu = await startEmulator({ seed: "large", readyTimeoutMs: 120_000 });
    t.teardown(() => emu.stop());
    const origin = emu.tenant("contoso").sharePointUrl;
    const adele = new GraphClient(emu, origin, await emu.token("contoso", "adele"));
    const drive = await adele.get("/sites/archive/_api/v2.0/drive");
    const base = `/_api/v2.0/drives/${drive.id}`;
    const big = await adele.get(`${base}/root:/Big:`);
    t.equal(big.folder?.childCount, BIG_CHILDREN);
    // Default page size, then three nextLinks.
    const seen = new Set();
    const names = [];
    let page = await adele.get(`${base}/items/${big.id}/children`);
    t.equal(page.value.length, 200, "default page size");
    for (let i = 0; i < 4; i++) {
        for (const item of page.value) {
            seen.add(item.id);
            names.push(item.name);
        }
        if (i < 3) {
            t.ok(page["@odata.nextLink"], `page ${i + 1} has a nextLink`);
            page = await adele.get(page["@odata.nextLink"]);
        }
    }
    t.equal(seen.size, 800, "four pages, no duplicates");
    t.same(names.slice(0, 3), ["file-000001.bin", "file-000002.bin", "file-000003.bin"]);
    t.equal(names[799], "file-000800.bin", "no gaps between pages");
    // The whole folder in $top=1000 pages, ids only.
    let next = `${base}/items/${big.id}/children?$top=1000&$select=id,name`;
    let count = 0;
    let pages = 0;
    let lastName = "";
    let ordered = true;
    while (next) {
        const p = await adele.get(next);
        pages++;
        for (const item of p.value) {
            if (item.name <= lastName)
                ordered = false;
            lastName = item.name;
        }
        count += p.value.length;
        next = p["@odata.nextLink"];
    }
    t.equal(count, BIG_CHILDREN, "every child, once");
    t.equal(pages, BIG_CHILDREN / 1000);
    t.ok(ordered, "in name order across pages");
    t.equal(lastName, "file-100000.bin");
    const capped = await adele.get(`${base}/items/${big.id}/children?$top=5000&$select=id`);
    t.equal(capped.value.length, 1000, "$top is capped at 1000");
    // A generated file's content by range.
    const one = await adele.get(`${base}/root:/Big/file-000042.bin:`);
    const uid = uniqueIdFromGraphItemId(one.id);
    t.ok(one.size > 0);
    const end = Math.min(one.size, 5000) - 1;
    const part = await adele.raw("GET", one["@content.downloadUrl"], { auth: false, headers: { Range: `bytes=10-${end}` } });
    t.equal(part.status, 206);
    t.ok(part.buffer.equals(syntheticBytes(uid, 10, end + 1)), "bytes equal the synthetic content");
});
//# sourceMappingURL=graph-large.test.js.map