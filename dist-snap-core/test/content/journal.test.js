import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import t from "tap";
import { UploadJournal } from "../../workers/content/upload/journal.js";
function stateDir(t) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "konnekt-journal-test-"));
    t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
    return dir;
}
void t.test("a commit is a durable row plus a staging file; reopening keeps it", (t) => {
    const dir = stateDir(t);
    const j = UploadJournal.open({ stateDir: dir });
    const r = j.commitBytes({ parentKey: "root", name: "a.txt" }, '"{X},1"', Buffer.from("abc"));
    t.equal(r.localOnly, false);
    j.close();
    const again = UploadJournal.open({ stateDir: dir });
    const [e] = again.pending();
    t.equal(e?.name, "a.txt");
    t.equal(e?.baseEtag, '"{X},1"');
    t.equal(e?.size, 3);
    t.equal(fs.readFileSync(e?.stagingPath ?? "").toString(), "abc");
    again.close();
    t.end();
});
void t.test("staging files without a row (a crash before the commit point) are removed on open", (t) => {
    const dir = stateDir(t);
    UploadJournal.open({ stateDir: dir }).close();
    fs.writeFileSync(path.join(dir, "staging", "orphan.bin.part"), "half");
    fs.writeFileSync(path.join(dir, "staging", "orphan2.bin"), "whole but unjournalled");
    const j = UploadJournal.open({ stateDir: dir });
    t.same(fs.readdirSync(path.join(dir, "staging")), []);
    t.same(j.pending(), []);
    j.close();
    t.end();
});
void t.test("commitFile copies the source and hashes it; local-only names are not journalled", (t) => {
    const dir = stateDir(t);
    const src = path.join(dir, "src.bin");
    fs.writeFileSync(src, Buffer.alloc(3 * 1024 * 1024 + 5, 7));
    const j = UploadJournal.open({ stateDir: dir });
    const r = j.commitFile({ parentKey: "p", name: "big.bin" }, undefined, src);
    t.ok(!r.localOnly && r.size === 3 * 1024 * 1024 + 5);
    t.same(j.commitFile({ parentKey: "p", name: "~$big.docx" }, undefined, src), { localOnly: true });
    t.equal(j.pending().length, 1);
    j.close();
    t.end();
});
//# sourceMappingURL=journal.test.js.map