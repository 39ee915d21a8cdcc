/**
 * Uploads through the drive API: simple PUT (4 MiB limit, conflicts, If-Match) and upload sessions
 * (320 KiB-multiple fragments, 416 on overlap, status and resume after an interrupted fragment,
 * cancel, deferCommit, conflict behaviours).
 */
import { request } from "node:https";
import t from "tap";
import { startEmulator } from "../helpers/emulator.js";
import { GraphClient } from "./graph-client.js";
const KiB320 = 327_680;
function pattern(size, seed) {
    const b = Buffer.alloc(size);
    for (let i = 0; i < size; i++)
        b[i] = (i * 31 + seed * 7 + (i >>> 8)) & 0xff;
    return b;
}
/**
 * Sends a fragment's headers and the first `sendBytes` bytes of its body, then destroys the socket:
 * the server sees a fragment cut off mid-body, as after a dropped connection.
 */
function interruptedPut(emu, url, range, length, partial) {
    return new Promise((resolve) => {
        const req = request(url, { method: "PUT", ca: emu.caPem, headers: { "Content-Range": range, "Content-Length": String(length) } });
        req.on("error", () => resolve());
        req.on("response", (res) => {
            res.resume();
            resolve();
        });
        req.write(partial, () => {
            // Give the bytes to the socket, then cut the connection.
            setImmediate(() => {
                req.destroy();
                resolve();
            });
        });
    });
}
void t.test("uploads through the drive API", async (t) => {
    const emu = await startEmulator({ seed: "demo" });
    t.teardown(() => emu.stop());
    const origin = emu.tenant("contoso").sharePointUrl;
    const adele = new GraphClient(emu, origin, await emu.token("contoso", "adele"));
    const drive = await adele.get("/sites/marketing/_api/v2.0/drive");
    const base = `/_api/v2.0/drives/${drive.id}`;
    const folder = await adele.raw("POST", `${base}/root/children`, { body: { name: "Uploads", folder: {} } });
    t.equal(folder.status, 201);
    const parent = folder.body.id;
    const download = async (item) => {
        const fresh = await adele.get(`${base}/items/${item.id}`);
        return (await adele.raw("GET", fresh["@content.downloadUrl"], { auth: false })).buffer;
    };
    await t.test("simple PUT: create, replace, conflicts, If-Match, size limit", async (t) => {
        const body = pattern(1000, 1);
        const created = await adele.raw("PUT", `${base}/items/${parent}:/small.bin:/content`, { body });
        t.equal(created.status, 201);
        t.equal(created.body.size, 1000);
        t.ok((await download(created.body)).equals(body));
        const replaced = await adele.raw("PUT", `${base}/items/${parent}:/small.bin:/content`, { body: pattern(10, 2) });
        t.equal(replaced.status, 200, "default conflict behaviour replaces");
        t.equal(replaced.body.id, created.body.id);
        const fail = await adele.raw("PUT", `${base}/items/${parent}:/small.bin:/content?@microsoft.graph.conflictBehavior=fail`, { body: pattern(10, 3) });
        t.equal(fail.status, 409);
        t.equal(fail.body.error.code, "nameAlreadyExists");
        const renamed = await adele.raw("PUT", `${base}/items/${parent}:/small.bin:/content?@microsoft.graph.conflictBehavior=rename`, { body: pattern(10, 3) });
        t.equal(renamed.status, 201);
        t.equal(renamed.body.name, "small 1.bin");
        const stale = await adele.raw("PUT", `${base}/items/${created.body.id}/content`, { body: pattern(5, 4), headers: { "If-Match": created.body.eTag } });
        t.equal(stale.status, 412, "If-Match with the eTag before the replace");
        t.equal(stale.body.error.code, "resourceModified");
        const current = await adele.raw("PUT", `${base}/items/${created.body.id}/content`, { body: pattern(5, 4), headers: { "If-Match": replaced.body.eTag } });
        t.equal(current.status, 200, "If-Match with the current eTag");
        const byPath = await adele.raw("PUT", `${base}/root:/Uploads/nested%20name.txt:/content`, { body: Buffer.from("hi") });
        t.equal(byPath.status, 201, "root:/path:/content");
        t.equal(byPath.body.parentReference.id, parent);
        const tooBig = await adele.raw("PUT", `${base}/items/${parent}:/big.bin:/content`, { body: Buffer.alloc(4 * 1024 * 1024 + 1) });
        t.equal(tooBig.status, 413, "more than 4 MiB needs an upload session");
        const noParent = await adele.raw("PUT", `${base}/root:/No%20Such%20Folder/x.txt:/content`, { body: Buffer.from("x") });
        t.equal(noParent.status, 404);
    });
    await t.test("upload session: fragments, refusals, interruption and resume", async (t) => {
        const total = 3 * KiB320 + 12_345;
        const data = pattern(total, 5);
        const created = await adele.raw("POST", `${base}/items/${parent}:/session.bin:/createUploadSession`, {
            body: { item: { "@microsoft.graph.conflictBehavior": "fail" } },
        });
        t.equal(created.status, 200);
        t.same(created.body.nextExpectedRanges, ["0-"]);
        t.ok(Date.parse(created.body.expirationDateTime) > Date.now());
        const url = created.body.uploadUrl;
        t.ok(url.startsWith(`${origin}/`), "the upload URL is on the tenant origin");
        const put = (start, end, opts = {}) => adele.raw("PUT", url, {
            auth: opts.auth ?? false,
            body: data.subarray(start, end + 1),
            headers: { "Content-Range": `bytes ${start}-${end}/${total}` },
        });
        const first = await put(0, KiB320 - 1);
        t.equal(first.status, 202, "no Authorization header on fragment PUTs");
        t.same(first.body.nextExpectedRanges, [`${KiB320}-${total - 1}`]);
        const odd = await put(KiB320, KiB320 + 100_000 - 1);
        t.equal(odd.status, 400, "a fragment that is not a multiple of 320 KiB (and not the last) is refused");
        t.equal(odd.body.error.code, "invalidRange");
        const overlap = await put(0, KiB320 - 1);
        t.equal(overlap.status, 416, "re-sending received bytes");
        t.equal(overlap.body.error.code, "invalidRange");
        t.same(overlap.body.nextExpectedRanges, [`${KiB320}-${total - 1}`]);
        const gap = await put(2 * KiB320, 3 * KiB320 - 1);
        t.equal(gap.status, 416, "skipping ahead");
        const noRange = await adele.raw("PUT", url, { auth: false, body: data.subarray(0, 10) });
        t.equal(noRange.status, 400, "Content-Range is required");
        // A fragment cut off mid-body: nothing of it is kept, status says where to resume.
        await interruptedPut(emu, url, `bytes ${KiB320}-${2 * KiB320 - 1}/${total}`, KiB320, data.subarray(KiB320, KiB320 + 100_000));
        const status = await adele.raw("GET", url, { auth: false });
        t.equal(status.status, 200);
        t.same(status.body.nextExpectedRanges, [`${KiB320}-${total - 1}`], "resume from the last complete fragment");
        // The server may still be noticing the dropped connection: retry while it answers "busy".
        const deadline = Date.now() + 20_000;
        let second = await put(KiB320, 3 * KiB320 - 1);
        while (second.status === 409 && Date.now() < deadline) {
            await new Promise((r) => setTimeout(r, 50));
            second = await put(KiB320, 3 * KiB320 - 1);
        }
        t.equal(second.status, 202, "two 320 KiB units in one fragment");
        t.same(second.body.nextExpectedRanges, [`${3 * KiB320}-${total - 1}`]);
        const wrongTotal = await adele.raw("PUT", url, { auth: false, body: data.subarray(3 * KiB320), headers: { "Content-Range": `bytes ${3 * KiB320}-${total - 1}/${total + 1}` } });
        t.equal(wrongTotal.status, 400, "the total cannot change");
        const last = await put(3 * KiB320, total - 1);
        t.equal(last.status, 201, "the last fragment (any size) completes the file");
        t.equal(last.body.name, "session.bin");
        t.equal(last.body.size, total);
        t.ok((await download(last.body)).equals(data), "content is what was uploaded");
        const after = await adele.raw("GET", url, { auth: false });
        t.equal(after.status, 404, "a completed session is gone");
        const again = await adele.raw("POST", `${base}/items/${parent}:/session.bin:/createUploadSession`, { body: { item: { "@microsoft.graph.conflictBehavior": "fail" } } });
        t.equal(again.status, 409, "conflictBehavior fail on an existing name");
        t.equal(again.body.error.code, "nameAlreadyExists");
    });
    await t.test("upload session: replace an existing file with If-Match, cancel, deferCommit", async (t) => {
        const existing = await adele.raw("PUT", `${base}/items/${parent}:/replace-me.bin:/content`, { body: pattern(100, 6) });
        const stale = await adele.raw("POST", `${base}/items/${existing.body.id}/createUploadSession`, { headers: { "If-Match": '"{00000000-0000-0000-0000-000000000000},1"' } });
        t.equal(stale.status, 412, "If-Match that does not match");
        const s = await adele.raw("POST", `${base}/items/${existing.body.id}/createUploadSession`, { headers: { "If-Match": existing.body.eTag } });
        t.equal(s.status, 200);
        const data = pattern(KiB320 + 5, 7);
        const r1 = await adele.raw("PUT", s.body.uploadUrl, { auth: false, body: data.subarray(0, KiB320), headers: { "Content-Range": `bytes 0-${KiB320 - 1}/${data.length}` } });
        t.equal(r1.status, 202);
        const r2 = await adele.raw("PUT", s.body.uploadUrl, { auth: false, body: data.subarray(KiB320), headers: { "Content-Range": `bytes ${KiB320}-${data.length - 1}/${data.length}` } });
        t.equal(r2.status, 200, "replacing an existing file answers 200");
        t.equal(r2.body.id, existing.body.id);
        t.ok((await download(r2.body)).equals(data));
        const c = await adele.raw("POST", `${base}/items/${parent}:/cancelled.bin:/createUploadSession`, { body: {} });
        const c1 = await adele.raw("PUT", c.body.uploadUrl, { auth: false, body: pattern(KiB320, 8), headers: { "Content-Range": `bytes 0-${KiB320 - 1}/${2 * KiB320}` } });
        t.equal(c1.status, 202);
        const del = await adele.raw("DELETE", c.body.uploadUrl, { auth: false });
        t.equal(del.status, 204, "DELETE cancels");
        const gone = await adele.raw("GET", c.body.uploadUrl, { auth: false });
        t.equal(gone.status, 404);
        t.equal(gone.body.error.code, "itemNotFound");
        const notCreated = await adele.raw("GET", `${base}/items/${parent}:/cancelled.bin:`);
        t.equal(notCreated.status, 404, "nothing was committed");
        const d = await adele.raw("POST", `${base}/items/${parent}:/deferred.bin:/createUploadSession`, { body: { deferCommit: true } });
        const d1 = await adele.raw("PUT", d.body.uploadUrl, { auth: false, body: pattern(50, 9), headers: { "Content-Range": "bytes 0-49/50" } });
        t.equal(d1.status, 202, "deferCommit: all bytes received, not committed yet");
        t.same(d1.body.nextExpectedRanges, []);
        t.equal((await adele.raw("GET", `${base}/items/${parent}:/deferred.bin:`)).status, 404);
        const commit = await adele.raw("POST", d.body.uploadUrl, { auth: false });
        t.equal(commit.status, 201, "an empty POST to the upload URL commits");
        t.equal(commit.body.size, 50);
        const forged = new URL(s.body.uploadUrl);
        forged.searchParams.set("tempauth", "v1.e30.AAAA");
        t.equal((await adele.raw("GET", forged.href, { auth: false })).status, 401, "the upload URL's tempauth is checked");
    });
});
//# sourceMappingURL=graph-upload.test.js.map