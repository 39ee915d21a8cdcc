import t from "tap";
import { TenantEngine } from "../../workers/tenant/engine.js";
import { KonnektError } from "../../workers/errors.js";
import { emulatorForTenants, engineOptions, signedInEngine, signInWithDeviceCode, tempDir } from "./helpers.js";
void t.test("resolve and list through the namespace; remote changes show up within one poll", async (t) => {
    const emu = await emulatorForTenants();
    t.teardown(() => emu.stop());
    const d = tempDir("session");
    t.teardown(() => d.remove());
    const engine = await signedInEngine(emu, "contoso", "adele", d.path);
    t.teardown(() => engine.close());
    await engine.start();
    const s = engine.session;
    t.same((await s.list("/")).map((e) => e.name).sort(), ["Contoso", "Engineering", "Finance", "Marketing", "OneDrive"]);
    t.same((await s.list("/Marketing")).map((e) => e.name).sort(), ["Campaigns", "Documents"]);
    const docs = await s.list("/Marketing/Documents");
    const names = docs.map((e) => e.name);
    for (const n of ["Budget #1 100%.xlsx", "Ümlaut Übersicht.docx", "日本語のファイル.txt", "emoji 🎉.txt", "2026", "Plan.txt"])
        t.ok(names.includes(n), `lists ${n}`);
    const plan = await s.resolve("/marketing/documents/plan.txt");
    t.equal(plan.kind, "file", "lookups are case-insensitive");
    t.equal(plan.size, Buffer.byteLength("Marketing plan, final: budget and timeline agreed.\n"));
    t.match(plan.etag, /^"\{[0-9A-F-]{36}\},\d+"$/);
    const deep = await s.resolve("/Marketing/Documents/2026/Q1/Campaign Assets/Banner Text.txt");
    t.equal(deep.kind, "file");
    await t.rejects(s.resolve("/Marketing/Documents/nope.txt"), { code: "notFound" });
    await t.rejects(s.resolve("/Nowhere"), { code: "notFound" });
    await t.rejects(s.list("/Marketing/Documents/Plan.txt"), { code: "notADirectory" });
    // A change made by someone else through plain REST.
    const sp = emu.tenant("contoso").sharePointUrl;
    const token = await emu.token("contoso", "megan");
    const folder = encodeURIComponent("/sites/marketing/Shared Documents".replace(/'/g, "''"));
    const res = await emu.fetch(`${sp}/sites/marketing/_api/web/getFolderByServerRelativePath(decodedUrl='${folder}')/files/AddUsingPath(decodedurl='from-megan.txt',Overwrite=true)`, {
        method: "POST",
        headers: { Authorization: `Bearer ${token}`, Accept: "application/json" },
        body: "hello from megan\n",
    });
    t.equal(res.status, 200, "uploaded through REST");
    const events = [];
    engine.on("changed", (e) => events.push(e.path));
    const round = (await engine.pollOnce());
    t.ok(round.changed >= 1, "one poll sees the change");
    t.ok(events.includes("/Marketing/Documents/from-megan.txt"), "a changed event with the path");
    const added = await s.resolve("/Marketing/Documents/from-megan.txt");
    t.equal(added.size, 17);
    // Delete through REST: removed after one poll.
    const del = await emu.fetch(`${sp}/sites/marketing/_api/web/getFileByServerRelativePath(decodedUrl='${encodeURIComponent("/sites/marketing/Shared Documents/from-megan.txt")}')`, {
        method: "POST",
        headers: { Authorization: `Bearer ${token}`, Accept: "application/json", "X-HTTP-Method": "DELETE", "IF-MATCH": "*" },
    });
    t.equal(del.status, 200);
    const removed = [];
    engine.on("removed", (e) => removed.push(e.path));
    await engine.pollOnce();
    t.ok(removed.includes("/Marketing/Documents/from-megan.txt"));
    await t.rejects(s.resolve("/Marketing/Documents/from-megan.txt"), { code: "notFound" });
});
void t.test("after a restart a known folder lists from the store before any request", async (t) => {
    const emu = await emulatorForTenants();
    t.teardown(() => emu.stop());
    const d = tempDir("session-restart");
    t.teardown(() => d.remove());
    const first = await signedInEngine(emu, "contoso", "adele", d.path, { session: { listingTtlMs: 0 } });
    await first.start();
    const before = (await first.session.list("/Engineering/Documents/Specs")).map((e) => e.name);
    await first.close();
    const second = new TenantEngine(engineOptions(emu, "contoso", d.path, { session: { listingTtlMs: 3_600_000 } }));
    t.teardown(() => second.close());
    t.equal(await second.auth.restore(), true);
    await emu.setFaults("contoso", { offline: true });
    const after = (await second.session.list("/Engineering/Documents/Specs")).map((e) => e.name);
    t.same(after, before, "served from the store while SharePoint is unreachable");
    await emu.clearFaults("contoso");
});
void t.test("a folder above the list view threshold lists completely; a throttling storm completes", async (t) => {
    const emu = await emulatorForTenants({ config: { listViewThreshold: 100 } });
    t.teardown(() => emu.stop());
    const d = tempDir("session-big");
    t.teardown(() => d.remove());
    const engine = await signedInEngine(emu, "contoso", "adele", d.path);
    t.teardown(() => engine.close());
    await engine.start();
    // Create 250 files through the drive API (above the threshold of 100).
    const token = await emu.token("contoso", "adele");
    const lib = engine.session.libraries().find((l) => l.siteName === "Engineering");
    const root = (await (await emu.fetch(`${lib.webUrl}/_api/v2.0/drives/${lib.driveId}/root`, { headers: { Authorization: `Bearer ${token}` } })).json());
    const mk = await emu.fetch(`${lib.webUrl}/_api/v2.0/drives/${lib.driveId}/items/${root.id}/children`, {
        method: "POST",
        headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
        body: JSON.stringify({ name: "Many", folder: {} }),
    });
    t.equal(mk.status, 201);
    const folder = (await mk.json());
    for (let i = 0; i < 250; i++) {
        const r = await emu.fetch(`${lib.webUrl}/_api/v2.0/drives/${lib.driveId}/items/${folder.id}:/f${String(i).padStart(4, "0")}.txt:/content`, {
            method: "PUT",
            headers: { Authorization: `Bearer ${token}` },
            body: `file ${i}\n`,
        });
        if (r.status !== 201)
            t.fail(`upload ${i}: ${r.status}`);
    }
    await emu.setFaults("contoso", { throttleRate: 0.3, retryAfterSeconds: 1, seed: 7 });
    t.teardown(() => emu.clearFaults());
    const entries = await engine.session.list("/Engineering/Documents/Many");
    t.equal(entries.length, 250, "every child listed despite the threshold and 30 % throttling");
    t.equal(new Set(entries.map((e) => e.name)).size, 250);
    t.ok(engine.http.budget.stats().unitsInWindow <= 250, "within the request budget");
});
void t.test("a needs-sign-in tenant fails calls with a typed error instead of crashing", async (t) => {
    const emu = await emulatorForTenants();
    t.teardown(() => emu.stop());
    const d = tempDir("session-revoked");
    t.teardown(() => d.remove());
    const engine = new TenantEngine(engineOptions(emu, "contoso", d.path));
    t.teardown(() => engine.close());
    await t.rejects(engine.start(), { code: "notSignedIn" }, "not signed in yet");
    await signInWithDeviceCode(emu, engine, "adele");
    await engine.start();
    await emu.adminPost("/revoke", { tenant: "contoso", user: "adele" });
    const err = await engine.session.list("/Finance/Documents").catch((e) => e);
    t.ok(err instanceof KonnektError);
    t.equal(engine.auth.status().state, "needs-sign-in");
});
//# sourceMappingURL=session.test.js.map