import t from "tap";
import { emulatorForTenants, signedInEngine, tempDir } from "./helpers.js";
void t.test("the large seed's 100,000-item folder lists completely and is then served from the store", async (t) => {
    const emu = await emulatorForTenants({ seed: "large" });
    t.teardown(() => emu.stop());
    const d = tempDir("large");
    t.teardown(() => d.remove());
    // A long TTL: on a loaded machine the 100,000-item listing can outlast the default TTL.
    const engine = await signedInEngine(emu, "contoso", "adele", d.path, { discovery: { scope: { include: ["Archive/Archive"] }, includeOneDrive: false }, session: { listingTtlMs: 3_600_000 } });
    t.teardown(() => engine.close());
    const libs = await engine.start();
    t.same(libs.map((l) => `${l.siteName}/${l.libraryName}`), ["Archive/Archive"]);
    const top = (await engine.session.list("/Archive/Archive")).map((e) => e.name);
    t.ok(top.includes("Big") && top.includes("Part 9"));
    const entries = await engine.session.list("/Archive/Archive/Big");
    t.equal(entries.length, 100_000, "all 100,000 children");
    t.equal(new Set(entries.map((e) => e.name)).size, 100_000, "no duplicates across pages");
    t.equal(entries[0].name, "file-000001.bin");
    t.equal(entries[99_999].name, "file-100000.bin");
    // The listing is fresh: a lookup in it needs no request.
    const since = await emu.lastRequest();
    const e = await engine.session.resolve("/Archive/Archive/Big/file-054321.bin");
    t.equal(e.kind, "file");
    t.ok(e.size > 0);
    const after = (await emu.requests({ tenant: "contoso", since })).length;
    t.equal(after, 0, "served from the store");
});
//# sourceMappingURL=large.test.js.map