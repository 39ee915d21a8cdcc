// The list view threshold (spo-protocol.md A.20) on the large seed's million-item library, and the
// configurable choices where the protocol notes are UNSURE (EmulatorConfig.spo).
import t from "tap";
import "@pnp/sp/webs/index.js";
import "@pnp/sp/lists/index.js";
import "@pnp/sp/folders/index.js";
import "@pnp/sp/files/index.js";
import "@pnp/sp/items/index.js";
import { startEmulator } from "../helpers/emulator.js";
import { pathLiteral, pnp, spError, wire } from "./spo-client.js";
const THROTTLED = "-2147024860, Microsoft.SharePoint.SPQueryThrottledException";
void t.test("large library: folder listings throttled, ID-ordered item paging allowed", async (t) => {
    const emu = await startEmulator({ seed: "large" });
    t.teardown(() => emu.stop());
    const origin = emu.tenant("contoso").sharePointUrl;
    const token = await emu.token("contoso", "adele");
    const api = (rest) => `${origin}/sites/archive/_api/${rest}`;
    const folder = (p) => api(`web/getFolderByServerRelativePath(decodedUrl='${pathLiteral(p)}')`);
    const big = await wire(emu, `${folder("/sites/archive/Archive/Big")}/files?$select=Name&$top=10`, token);
    t.equal(big.status, 500, "a folder of 100,000 children exceeds the threshold even with $top");
    t.same(spError(big.json), { code: THROTTLED, message: "The attempted operation is prohibited because it exceeds the list view threshold." });
    t.equal((await wire(emu, `${folder("/sites/archive/Archive/Big")}/folders`, token)).status, 500);
    const meta = await wire(emu, `${folder("/sites/archive/Archive/Big")}?$select=ItemCount,Name`, token);
    t.equal(meta.json.ItemCount, 100000, "folder metadata itself is fine");
    const root = await wire(emu, `${folder("/sites/archive/Archive")}/folders?$select=Name`, token);
    t.equal(root.status, 200, "the root has only a few children");
    const items = (q) => api(`web/lists/getByTitle('Archive')/items?${q}`);
    const page = await wire(emu, items("$top=5000&$select=Id"), token);
    t.equal(page.status, 200, "ID-ordered paging within the threshold is index-backed");
    const body = page.json;
    t.equal(body.value.length, 5000);
    t.match(body["odata.nextLink"], /%24skiptoken=Paged%3dTRUE%26p_ID%3d\d+&%24top=5000/);
    const next = await wire(emu, body["odata.nextLink"], token);
    t.equal(next.status, 200);
    const firstNext = next.json.value[0]?.Id ?? 0;
    t.ok(firstNext > (body.value[4999]?.Id ?? Infinity), "next page continues after p_ID");
    for (const [what, q] of [
        ["$top above the threshold", "$top=5001"],
        ["filter on a non-indexed column", "$filter=FSObjType+eq+0&$top=10"],
        ["order by a non-indexed column", "$orderby=Modified+desc&$top=10"],
    ]) {
        const r = await wire(emu, items(q), token);
        t.equal(r.status, 500, what);
        t.equal(spError(r.json)?.code, THROTTLED, what);
    }
    const byId = await wire(emu, items("$filter=ID+gt+999990&$top=3&$select=Id"), token);
    t.equal(byId.status, 200, "a filter on ID is index-backed");
    t.ok(byId.json.value.every((i) => i.Id > 999990));
    // PnPjs sees the same error as an HttpRequestError with status 500 (not retried).
    const sp = pnp(`${origin}/sites/archive`, token);
    const err = await sp.web
        .getFolderByServerRelativePath("/sites/archive/Archive/Big")
        .files()
        .then(() => undefined, (e) => e);
    t.equal(err?.status, 500);
});
void t.test("configurable UNSURE choices", async (t) => {
    const emu = await startEmulator({
        seed: "demo",
        config: { listViewThreshold: 3, maxUploadBytes: 1024, spo: { emitFormsFolder: false, missingFolderChildren: "notFound", quoteItemEtag: false, itemsDefaultTop: 2 } },
    });
    t.teardown(() => emu.stop());
    const origin = emu.tenant("contoso").sharePointUrl;
    const token = await emu.token("contoso", "adele");
    const api = (rest) => `${origin}/sites/marketing/_api/${rest}`;
    const docs = "/sites/marketing/Shared Documents";
    const folder = (p) => api(`web/getFolderByServerRelativePath(decodedUrl='${pathLiteral(p)}')`);
    t.equal((await wire(emu, `${folder(docs)}/files`, token)).status, 500, "threshold of 3 applies to the library root");
    const q2 = await wire(emu, `${folder(`${docs}/2026`)}/folders?$select=Name`, token);
    t.same(q2.json.value.map((f) => f.Name).sort(), ["Q1", "Q2"]);
    const small = await wire(emu, `${folder("/sites/marketing/Campaigns")}/folders?$select=Name`, token);
    t.notOk(small.json.value.some((f) => f.Name === "Forms"), "Forms hidden when configured");
    t.equal((await wire(emu, `${folder(`${docs}/missing`)}/folders`, token)).status, 404, "missing folder children → 404 when configured");
    const items = await wire(emu, api("web/lists/getByTitle('Campaigns')/items?$select=Id"), token);
    const body = items.json;
    t.equal(body.value.length, 2, "default page size from config");
    t.match(body["odata.nextLink"], /%24top=2/);
    t.match(body.value[0]?.["odata.etag"], /^\d+$/, "bare item etag when configured");
    const tooBig = await wire(emu, `${folder(docs)}/files/AddUsingPath(decodedurl='big.bin',Overwrite=true)`, token, { method: "POST", body: new Uint8Array(2048) });
    t.equal(tooBig.status, 413, "single-request upload limit");
    t.ok(spError(tooBig.json), "SharePoint-shaped body");
    const fits = await wire(emu, `${folder(docs)}/files/AddUsingPath(decodedurl='small.bin',Overwrite=true)`, token, { method: "POST", body: new Uint8Array(1000) });
    t.equal(fits.status, 200);
});
//# sourceMappingURL=spo-threshold.test.js.map