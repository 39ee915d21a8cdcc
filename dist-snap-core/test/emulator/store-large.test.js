/**
 * The large seed's lazily generated library: 1,000,000 items, a folder of 100,000 children paged
 * by cursor, lookups of generated items, synthetic content, and writes that materialise them.
 */
import { Readable } from "node:stream";
import t from "tap";
import { syntheticBytes } from "../../emulator/store/index.js";
import { ChangeType } from "../../emulator/store/types.js";
import { code, codeAsync, must, open, read, user } from "./store-helpers.js";
const ARCHIVE = "/sites/archive/Archive";
const BIG = `${ARCHIVE}/Big`;
function name(i) {
    return `file-${String(i).padStart(6, "0")}.bin`;
}
void t.test("large seed: shape, paging, lookups, content", async (t) => {
    const s = open(t, "large");
    const big = must(s, "contoso", BIG);
    t.equal(big.childCount, 100_000);
    t.equal(s.itemCount(big.listId), 1_000_000);
    t.ok(must(s, "contoso", "/sites/marketing/Shared Documents/Plan.txt"), "the demo content is there too");
    // Walk every page of 5000.
    let after;
    let total = 0;
    let pages = 0;
    let prev = "";
    let middleCursor;
    const seen = new Set();
    do {
        const page = s.children(big.uniqueId, after ? { limit: 5000, after } : { limit: 5000 });
        pages += 1;
        for (const it of page.items) {
            if (it.name <= prev)
                t.fail(`order broken at ${it.name}`);
            prev = it.name;
            seen.add(it.uniqueId);
        }
        total += page.items.length;
        if (pages === 10)
            middleCursor = page.next;
        after = page.next;
    } while (after);
    t.equal(total, 100_000);
    t.equal(seen.size, 100_000, "unique ids");
    t.equal(pages, 20);
    t.equal(prev, name(100_000));
    const first = s.children(big.uniqueId, { limit: 3 });
    t.same(first.items.map((i) => i.name), [name(1), name(2), name(3)]);
    t.ok(first.next);
    const middle = s.children(big.uniqueId, { limit: 2, after: middleCursor });
    t.same(middle.items.map((i) => i.name), [name(50_001), name(50_002)], "a middle cursor resumes exactly");
    const last = s.children(big.uniqueId, { limit: 5, after: s.children(big.uniqueId, { limit: 99_998 }).next });
    t.same(last.items.map((i) => i.name), [name(99_999), name(100_000)]);
    t.equal(last.next, undefined, "last page has no cursor");
    t.same(s.children(big.uniqueId, { limit: 10, kind: "folders" }).items, []);
    t.equal(s.children(big.uniqueId, { limit: 10, kind: "files" }).items.length, 10);
    // Lookups by path (case-insensitive), UniqueId and list item id agree.
    const g = must(s, "contoso", `${BIG.toUpperCase().replace("SITES", "sites")}/FILE-012345.BIN`);
    t.equal(g.name, name(12_345));
    t.equal(g.serverRelativeUrl, `${BIG}/${name(12_345)}`);
    t.equal(g.parentId, big.uniqueId);
    t.equal(g.isFolder, false);
    t.same(s.itemByUniqueId(g.uniqueId), g);
    t.same(s.itemByListItemId(g.listId, g.id), g);
    t.equal(s.itemByPath("contoso", `${BIG}/file-100001.bin`), undefined);
    t.equal(s.itemByPath("contoso", `${BIG}/file-0000001.bin`), undefined);
    t.equal(s.itemByPath("contoso", `${ARCHIVE}/Part 9/item-099990.dat`).name, "item-099990.dat");
    t.equal(s.itemByPath("contoso", `${ARCHIVE}/Part 9/item-099991.dat`), undefined);
    // Synthetic content at arbitrary ranges (across AES blocks and stream chunks).
    const sizable = s.children(big.uniqueId, { limit: 400 }).items.reduce((a, b) => (b.size > a.size ? b : a));
    t.ok(sizable.size > 1024 * 1024, "some generated files are over 1 MiB");
    const h = s.content(sizable.uniqueId);
    t.equal(h.size, sizable.size);
    for (const [a, b] of [
        [0, 0],
        [0, 15],
        [7, 40],
        [262_140, 262_150],
        [100_003, 700_001],
        [sizable.size - 17, sizable.size - 1],
    ]) {
        t.same(await read(h, a, b), syntheticBytes(sizable.uniqueId, a, b + 1), `bytes ${a}-${b}`);
    }
    t.equal((await read(h)).length, sizable.size);
    // List items past the threshold, by id.
    const items = s.listItems(big.listId, { limit: 3, afterId: g.id });
    t.same(items.map((i) => i.id), [g.id + 1, g.id + 2, g.id + 3]);
});
void t.test("large seed: writes materialise generated items", async (t) => {
    const s = open(t, "large");
    const adele = user(s, "contoso", "adele");
    const big = must(s, "contoso", BIG);
    const listId = big.listId;
    const start = s.currentChange(listId);
    const target = must(s, "contoso", `${BIG}/${name(500)}`);
    t.equal(await codeAsync(s.putFile(big.uniqueId, name(500).toUpperCase(), Readable.from([Buffer.from("x")]), { userId: adele })), "alreadyExists");
    const replaced = await s.replaceContent(target.uniqueId, Readable.from([Buffer.from("real bytes now")]), { userId: adele, ifMatch: target.etag });
    t.equal(replaced.uniqueId, target.uniqueId);
    t.equal(replaced.id, target.id);
    t.ok(replaced.etag > target.etag);
    t.equal(replaced.majorVersion, 2);
    t.equal((await read(s.content(target.uniqueId))).toString(), "real bytes now");
    t.same(await read(s.content(target.uniqueId, 512)), syntheticBytes(target.uniqueId, 0, target.size), "the generated bytes became version 1.0");
    t.equal(s.itemByPath("contoso", `${BIG}/${name(500)}`).size, 14);
    let page = s.children(big.uniqueId, { limit: 3, after: s.children(big.uniqueId, { limit: 498 }).next });
    t.same(page.items.map((i) => [i.name, i.size]), [[name(499), page.items[0].size], [name(500), 14], [name(501), page.items[2].size]], "materialised item in its place, once");
    t.equal(s.itemByUniqueId(big.uniqueId).childCount, 100_000);
    t.equal(s.itemCount(listId), 1_000_000);
    // A new real file sorts among generated names; deletes leave a gap.
    await s.putFile(big.uniqueId, "file-000700a.bin", Readable.from([Buffer.from("between")]), { userId: adele });
    page = s.children(big.uniqueId, { limit: 3, after: s.children(big.uniqueId, { limit: 699 }).next });
    t.same(page.items.map((i) => i.name), [name(700), "file-000700a.bin", name(701)]);
    const doomed = must(s, "contoso", `${BIG}/${name(800)}`);
    s.delete(doomed.uniqueId, { userId: adele });
    t.equal(s.itemByPath("contoso", doomed.serverRelativeUrl), undefined);
    t.equal(s.itemByUniqueId(doomed.uniqueId), undefined);
    t.equal(s.itemByListItemId(listId, doomed.id), undefined);
    page = s.children(big.uniqueId, { limit: 2, after: s.children(big.uniqueId, { limit: 800 }).next });
    t.same(page.items.map((i) => i.name), [name(801), name(802)], "the deleted name is skipped (after the extra real file)");
    t.equal(s.itemByUniqueId(big.uniqueId).childCount, 100_000, "+1 real file, -1 deleted");
    t.equal(s.itemCount(listId), 1_000_000);
    // Rename and check-out materialise too; the generator no longer produces the old name.
    const ren = s.move(must(s, "contoso", `${BIG}/${name(900)}`).uniqueId, { name: "renamed.bin" }, { userId: adele });
    t.equal(ren.serverRelativeUrl, `${BIG}/renamed.bin`);
    t.equal(s.itemByPath("contoso", `${BIG}/${name(900)}`), undefined);
    t.same(await read(s.content(ren.uniqueId), 0, 99), syntheticBytes(ren.uniqueId, 0, 100), "content unchanged by rename");
    const co = s.checkOut(must(s, "contoso", `${BIG}/${name(901)}`).uniqueId, adele);
    t.equal(co.checkedOutById, adele);
    t.equal(code(() => s.delete(co.uniqueId, { userId: user(s, "contoso", "megan") })), "checkedOut");
    const changes = s.changesSince(listId, start, 100);
    t.ok(changes.some((c) => c.uniqueId === target.uniqueId && c.changeType === ChangeType.Update));
    t.ok(changes.some((c) => c.uniqueId === doomed.uniqueId && c.changeType === ChangeType.DeleteObject));
    t.ok(changes.some((c) => c.uniqueId === ren.uniqueId && c.changeType === ChangeType.Rename));
    // Moving the generated folder: generated children follow the new path.
    const part1 = must(s, "contoso", `${ARCHIVE}/Part 1`);
    const movedBig = s.move(big.uniqueId, { parentId: part1.uniqueId }, { userId: adele });
    t.equal(movedBig.serverRelativeUrl, `${ARCHIVE}/Part 1/Big`);
    const moved = must(s, "contoso", `${ARCHIVE}/Part 1/Big/${name(42)}`);
    t.equal(s.itemByUniqueId(moved.uniqueId).serverRelativeUrl, `${ARCHIVE}/Part 1/Big/${name(42)}`);
    t.equal(s.itemByUniqueId(replaced.uniqueId).serverRelativeUrl, `${ARCHIVE}/Part 1/Big/${name(500)}`, "materialised rows follow too");
});
void t.test("large seed: recycle and copy of a generated folder", async (t) => {
    const s = open(t, "large");
    const adele = user(s, "contoso", "adele");
    const part9 = must(s, "contoso", `${ARCHIVE}/Part 9`);
    const inside = must(s, "contoso", `${ARCHIVE}/Part 9/item-000010.dat`);
    const start = s.currentChange(part9.listId);
    const rid = s.recycle(part9.uniqueId, { userId: adele });
    t.equal(s.itemCount(part9.listId), 1_000_000 - 99_991);
    t.equal(s.itemByUniqueId(inside.uniqueId), undefined);
    t.equal(s.itemByPath("contoso", inside.serverRelativeUrl), undefined);
    t.equal(s.changesSince(part9.listId, start, 200_000).length, 99_991, "DeleteObject for the folder and each generated child");
    s.restoreFromRecycleBin(rid, adele);
    t.equal(s.itemCount(part9.listId), 1_000_000);
    t.same(s.itemByUniqueId(inside.uniqueId), inside);
    // A copy of a small generated folder: new ids, same names and bytes.
    const site = s.siteForPath("contoso", ARCHIVE);
    const small = s.createList(site.id, "Small", "Small");
    const gen = s.addGeneratedFolder(small.rootFolderId, "Gen", { count: 5, namePrefix: "g-", pad: 2, ext: ".bin", uidPrefix: "11111111-2222-5333-8444-", userId: adele });
    const copy = s.copy(gen.uniqueId, { parentId: small.rootFolderId, name: "Gen Copy" }, { userId: adele });
    const orig = s.children(gen.uniqueId, { limit: 10 }).items;
    const copied = s.children(copy.uniqueId, { limit: 10 }).items;
    t.same(copied.map((i) => i.name), orig.map((i) => i.name));
    t.equal(copy.childCount, 5);
    t.equal(s.itemCount(small.id), 12);
    t.not(copied[0].uniqueId, orig[0].uniqueId);
    t.same(await read(s.content(copied[0].uniqueId)), await read(s.content(orig[0].uniqueId)));
    const ids = new Set(s.listItems(small.id, { limit: 100 }).map((i) => i.id));
    t.equal(ids.size, 12, "every item has its own list item id");
    // Moving a generated folder to another library re-homes its generated children too.
    const other = s.createList(site.id, "Other", "Other");
    const child = s.children(gen.uniqueId, { limit: 1 }).items[0];
    const moved = s.move(gen.uniqueId, { parentId: other.rootFolderId }, { userId: adele });
    t.equal(moved.listId, other.id);
    t.equal(s.itemCount(small.id), 6);
    t.equal(s.itemCount(other.id), 6);
    const after = s.itemByUniqueId(child.uniqueId);
    t.equal(after.listId, other.id, "same UniqueId, new library");
    t.equal(after.serverRelativeUrl, "/sites/archive/Other/Gen/g-01.bin");
    t.same(s.itemByListItemId(other.id, after.id), after);
    t.equal(s.listItems(other.id, { limit: 100 }).length, 6);
    t.ok(s.changesSince(other.id, 0, 100).some((c) => c.uniqueId === child.uniqueId && c.changeType === ChangeType.MoveInto));
    t.ok(s.changesSince(small.id, 0, 100).some((c) => c.uniqueId === child.uniqueId && c.changeType === ChangeType.MoveAway));
});
//# sourceMappingURL=store-large.test.js.map