/**
 * The large seed: the demo seed plus /sites/archive whose "Archive" library holds 1,000,000 items,
 * generated lazily: "Big" has 100,000 files, "Part 1".."Part 9" hold the rest. Only the folders are
 * rows; their files come from generators (see store/generated.ts), so seeding takes milliseconds.
 */
import { stableGuid } from "../store/ids.js";
import { seedDemo } from "./demo.js";
import { userId } from "./tenants.js";
export const ARCHIVE_ITEMS = 1_000_000;
export const BIG_CHILDREN = 100_000;
export const TEN_THOUSAND = 10_000;
/** Part 1..8 hold 100,000 files each, Part 9 the remainder, so the library totals 1,000,000 items. */
const PART_COUNTS = [100_000, 100_000, 100_000, 100_000, 100_000, 100_000, 100_000, 100_000, 99_990];
export function largePrefix(folder) {
    return stableGuid("konnekt-large", folder).slice(0, 24);
}
export function seedLarge(store) {
    seedDemo(store);
    const adele = userId("contoso", "adele");
    const megan = userId("contoso", "megan");
    const site = store.createSite({ tenant: "contoso", kind: "sites", url: "/sites/archive", title: "Archive", description: "A million documents", memberIds: [adele, megan] });
    const archive = store.createList(site.id, "Archive", "Archive", { baseTemplate: 101, enableVersioning: true });
    store.addGeneratedFolder(archive.rootFolderId, "Big", { count: BIG_CHILDREN, namePrefix: "file-", pad: 6, ext: ".bin", uidPrefix: largePrefix("Big"), userId: adele });
    // A second library with one 10,000-item folder: the tenant-listing benchmark's subject.
    const records = store.createList(site.id, "Records", "Records", { baseTemplate: 101, enableVersioning: true });
    store.addGeneratedFolder(records.rootFolderId, "Ten Thousand", { count: TEN_THOUSAND, namePrefix: "record-", pad: 5, ext: ".txt", uidPrefix: largePrefix("Ten Thousand"), userId: megan });
    PART_COUNTS.forEach((count, i) => {
        store.addGeneratedFolder(archive.rootFolderId, `Part ${i + 1}`, { count, namePrefix: "item-", pad: 6, ext: ".dat", uidPrefix: largePrefix(`Part ${i + 1}`), userId: adele });
    });
}
//# sourceMappingURL=large.js.map