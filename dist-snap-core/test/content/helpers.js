/**
 * Shared setup of the content engine's tests: a real emulator over HTTPS, a GraphDrive (the
 * DownloadSource/UploadTarget the tenant engine will provide) for one library, and temp cache/state
 * directories. Nothing here fakes the service.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { uniqueIdFromGraphItemId } from "../../emulator/graph/ids.js";
import { GraphDrive } from "../../workers/content/graph-drive.js";
import { startEmulator, fetchJson } from "../helpers/emulator.js";
export const MiB = 1024 * 1024;
export const TENANT = "contoso";
export async function contentEnv(t, opts = {}) {
    const emu = await startEmulator({ seed: opts.seed ?? "demo" });
    t.teardown(() => emu.stop());
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "konnekt-content-test-"));
    t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
    let cached;
    const token = async () => (cached ??= await emu.token(TENANT, "adele"));
    const siteUrl = `${emu.tenant(TENANT).sharePointUrl}${opts.site ?? "/sites/marketing"}`;
    const auth = async () => ({ Authorization: `Bearer ${await token()}` });
    const d = await fetchJson(emu, `${siteUrl}/_api/v2.0/drive`, { headers: await auth() });
    if (d.status !== 200)
        throw new Error(`drive: ${d.status} ${d.text}`);
    const driveId = d.body.id;
    const drive = new GraphDrive({ siteUrl, driveId, token: () => token(), ca: emu.caPem });
    return {
        emu,
        siteUrl,
        driveId,
        drive,
        token,
        dir,
        item: async (relPath) => {
            const r = await fetchJson(emu, `${siteUrl}/_api/v2.0/drives/${driveId}/root:/${relPath.split("/").map(encodeURIComponent).join("/")}`, { headers: await auth() });
            if (r.status !== 200)
                throw new Error(`item ${relPath}: ${r.status} ${r.text}`);
            const j = r.body;
            const uniqueId = uniqueIdFromGraphItemId(j.id);
            if (!uniqueId)
                throw new Error(`not a graph id: ${j.id}`);
            return { id: j.id, uniqueId, eTag: j.eTag, size: j.size };
        },
        download: async (itemId) => {
            const res = await emu.fetch(`${siteUrl}/_api/v2.0/drives/${driveId}/items/${itemId}/content`, { headers: await auth(), redirect: "follow" });
            if (res.status !== 200)
                throw new Error(`download: ${res.status}`);
            return Buffer.from(await res.arrayBuffer());
        },
        downloads: async (since) => (await emu.requests({ tenant: TENANT, since })).filter((r) => /\/_layouts\/15\/download\.aspx/i.test(r.path)),
    };
}
/** Deterministic pseudo-random bytes (content we upload and later compare). */
export function patternBytes(seed, length) {
    const out = Buffer.allocUnsafe(length);
    let x = seed >>> 0 || 1;
    for (let i = 0; i < length; i++) {
        x ^= x << 13;
        x ^= x >>> 17;
        x ^= x << 5;
        out[i] = x & 0xff;
    }
    return out;
}
/** Puts a file into the library root through an upload session (test setup, not the queue under test). */
export async function uploadFile(env, name, bytes) {
    const signal = AbortSignal.timeout(120_000);
    const { uploadUrl } = await env.drive.createSession({ parentKey: "root", name }, bytes.length, { onNameConflict: "replace" }, signal);
    const step = 32 * 327_680;
    for (let off = 0; off < bytes.length; off += step) {
        const r = await env.drive.putFragment(uploadUrl, off, bytes.subarray(off, Math.min(bytes.length, off + step)), bytes.length, signal);
        if (r.done)
            return { id: r.item.itemKey, eTag: r.item.etag };
    }
    throw new Error("upload did not complete");
}
//# sourceMappingURL=helpers.js.map