// The conformance suite (conformance.ts) against the memory fixture.
import { promises as fsp } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import t from "tap";
import { gitRoundTrip, randomIntegrity, rsyncRoundTrip, saveViaRename } from "./conformance.js";
import { run, serve, tempDir } from "./helpers.js";
const workers = fileURLToPath(new URL("../../../workers", import.meta.url));
void t.test("git init/add/commit inside the mount and clone out", async (t) => {
    const dir = tempDir(t);
    const s = await serve(t, { dir });
    await gitRoundTrip(t, s.mnt, dir, workers);
});
void t.test("rsync in and out", { skip: false }, async (t) => {
    if ((await run("rsync", ["--version"])).code !== 0) {
        t.comment("rsync not installed");
        return;
    }
    const dir = tempDir(t);
    const s = await serve(t, { dir });
    await rsyncRoundTrip(t, s.mnt, dir, workers);
});
void t.test("save via temp file and rename over the original", async (t) => {
    const s = await serve(t);
    await fsp.mkdir(join(s.mnt, "office"));
    await saveViaRename(t, join(s.mnt, "office"));
});
void t.test("random operations checked against a model", async (t) => {
    const s = await serve(t);
    await randomIntegrity(t, s.mnt, 20261127);
    await randomIntegrity(t, s.mnt, 4242);
});
//# sourceMappingURL=conformance.test.js.map