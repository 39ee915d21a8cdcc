import t from "tap";
import { nameLibraries } from "../../workers/tenant/discovery/discover.js";
import { emulatorForTenants, signedInEngine, tempDir } from "./helpers.js";
void t.test("discovery finds every library the user can reach, and only those", async (t) => {
    const emu = await emulatorForTenants();
    t.teardown(() => emu.stop());
    const d1 = tempDir("disc-adele");
    const d2 = tempDir("disc-megan");
    t.teardown(() => (d1.remove(), d2.remove()));
    const adele = await signedInEngine(emu, "contoso", "adele", d1.path);
    t.teardown(() => adele.close());
    const libs = await adele.discover();
    const names = libs.map((l) => `${l.siteName}/${l.libraryName}`).sort();
    t.same(names, [
        "Contoso/Documents",
        "Engineering/Documents",
        "Finance/Documents",
        "Finance/Reports 2026",
        "Marketing/Campaigns",
        "Marketing/Documents",
        "OneDrive/Documents",
    ]);
    t.notOk(names.some((n) => /Style Library|Site Pages/.test(n)), "hidden libraries and pages are not shown");
    const od = libs.find((l) => l.kind === "onedrive");
    t.match(od.webUrl, /\/personal\/adele_contoso_onmicrosoft_com$/);
    const megan = await signedInEngine(emu, "contoso", "megan", d2.path);
    t.teardown(() => megan.close());
    const meganSites = new Set((await megan.discover()).map((l) => l.siteName));
    t.notOk(meganSites.has("Finance"), "megan is not a member of Finance");
    t.ok(meganSites.has("Marketing"));
});
void t.test("scope rules include and exclude libraries", async (t) => {
    const emu = await emulatorForTenants();
    t.teardown(() => emu.stop());
    const d = tempDir("disc-scope");
    t.teardown(() => d.remove());
    const engine = await signedInEngine(emu, "contoso", "adele", d.path, {
        discovery: { scope: { include: ["Marketing/*", "Finance/*"], exclude: ["*/Reports*"] }, includeOneDrive: false },
    });
    t.teardown(() => engine.close());
    const names = (await engine.discover()).map((l) => `${l.siteName}/${l.libraryName}`).sort();
    t.same(names, ["Finance/Documents", "Marketing/Campaigns", "Marketing/Documents"]);
});
void t.test("names: two sites with one title are told apart, and names stay stable", (t) => {
    const base = {
        webId: "w",
        listId: "l",
        driveId: "d",
        kind: "site",
        baseTemplate: 101,
        title: "Documents",
    };
    const raw = [
        { ...base, key: "https://x/sites/a/shared documents", siteTitle: "Projects", webUrl: "https://x/sites/a", webServerRelativeUrl: "/sites/a", rootFolderUrl: "/sites/a/Shared Documents" },
        { ...base, key: "https://x/sites/b/shared documents", siteTitle: "Projects", webUrl: "https://x/sites/b", webServerRelativeUrl: "/sites/b", rootFolderUrl: "/sites/b/Shared Documents" },
        { ...base, key: "https://x/sites/c/shared documents", siteTitle: "A: B / C?", webUrl: "https://x/sites/c", webServerRelativeUrl: "/sites/c", rootFolderUrl: "/sites/c/Shared Documents" },
    ];
    const named = nameLibraries(raw, {});
    const sites = named.map((l) => l.siteName).sort();
    t.same(sites, ["A- B - C-", "Projects (a)", "Projects (b)"]);
    // Order of input does not change names.
    t.same(nameLibraries([...raw].reverse(), {}).map((l) => l.siteName).sort(), sites);
    // A site that existed before keeps its name when a namesake appears.
    const previous = new Map([["https://x/sites/a", "Projects"]]);
    const later = nameLibraries(raw, { previousNames: previous });
    t.equal(later.find((l) => l.webUrl === "https://x/sites/a").siteName, "Projects");
    t.equal(later.find((l) => l.webUrl === "https://x/sites/b").siteName, "Projects (b)");
    t.end();
});
//# sourceMappingURL=discovery.test.js.map