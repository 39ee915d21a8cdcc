import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import Database from "better-sqlite3";
import t, { type Test } from "tap";
import { UploadJournal } from "../../workers/content/upload/journal.js";

function stateDir(t: Test): string {
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

void t.test("a journal written by the previous version (no acked_bytes column) is migrated with its rows", (t) => {
  const dir = stateDir(t);
  fs.mkdirSync(path.join(dir, "staging"));
  fs.writeFileSync(path.join(dir, "staging", "old.bin"), "from the old version");
  // The schema exactly as the previous version created it.
  const old = new Database(path.join(dir, "journal.db"));
  old.pragma("journal_mode = WAL");
  old.exec(`
    CREATE TABLE IF NOT EXISTS uploads (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      parent_key TEXT NOT NULL, name TEXT NOT NULL, item_key TEXT, base_etag TEXT,
      staging TEXT NOT NULL, size INTEGER NOT NULL, sha256 TEXT NOT NULL,
      conflict_name TEXT, upload_url TEXT,
      attempts INTEGER NOT NULL DEFAULT 0, lock_attempts INTEGER NOT NULL DEFAULT 0,
      last_error TEXT, next_attempt_at INTEGER NOT NULL DEFAULT 0, created_at INTEGER NOT NULL);
    CREATE INDEX IF NOT EXISTS uploads_target ON uploads (parent_key, name, id);
  `);
  old
    .prepare("INSERT INTO uploads (parent_key, name, staging, size, sha256, upload_url, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)")
    .run("root", "old.bin", "old.bin", 20, "ab", "https://upload.example/session", Date.now());
  old.close();

  const j = UploadJournal.open({ stateDir: dir });
  const [e] = j.pending();
  t.equal(e?.name, "old.bin", "the pending row survived the update");
  t.equal(e?.uploadUrl, "https://upload.example/session");
  t.equal(e?.ackedBytes, 0, "nothing journalled as acknowledged yet");
  t.equal(j.pendingBytes(), 20);
  t.ok(fs.existsSync(path.join(dir, "staging", "old.bin")), "its staging file is kept");
  j.setAckedBytes(e?.id ?? -1, 655_360);
  j.close();

  const again = UploadJournal.open({ stateDir: dir });
  t.equal(again.pending()[0]?.ackedBytes, 655_360, "the offset persists; reopening a migrated journal works");
  again.setUploadUrl(e?.id ?? -1, "https://upload.example/another");
  t.equal(again.pending()[0]?.ackedBytes, 0, "a new session starts from nothing acknowledged");
  again.setAckedBytes(e?.id ?? -1, 327_680);
  again.markConflict(e?.id ?? -1, "old (conflict x 2026-11-27 14-05).bin");
  t.equal(again.pending()[0]?.ackedBytes, 0, "nor does a conflict copy");
  again.close();
  t.end();
});

void t.test("readdress moves pending entries to a new address and rebases those based on the given ETag; discard drops entries", (t) => {
  const dir = stateDir(t);
  const j = UploadJournal.open({ stateDir: dir });
  const newFile = j.commitBytes({ parentKey: "p", name: "draft.txt" }, undefined, Buffer.from("one"));
  const newFile2 = j.commitBytes({ parentKey: "p", name: "draft.txt" }, undefined, Buffer.from("two"));
  const edit = j.commitBytes({ parentKey: "p", name: "Plan.txt", itemKey: "d/item1" }, '"{P},1"', Buffer.from("edit"));
  const older = j.commitBytes({ parentKey: "p", name: "Plan.txt", itemKey: "d/item1" }, '"{P},0"', Buffer.from("stale base"));
  if (newFile.localOnly || newFile2.localOnly || edit.localOnly || older.localOnly) throw new Error("journalled");
  j.setUploadUrl(newFile.id, "https://upload/session");

  // A rename of a new file: the address moves, nothing else; the session for the old address goes.
  t.same(j.readdress([newFile.id, newFile2.id], { parentKey: "q", name: "final.txt" }), [newFile.id, newFile2.id]);
  const moved = j.get(newFile.id);
  t.equal(moved?.parentKey, "q");
  t.equal(moved?.name, "final.txt");
  t.equal(moved?.originalName, "final.txt");
  t.equal(moved?.itemKey, undefined);
  t.equal(moved?.baseEtag, undefined);
  t.equal(moved?.uploadUrl, undefined, "a session opened for the old address is dropped");
  t.ok(j.hasOlderForTarget(j.get(newFile2.id)!), "the second save still waits for the first, under the new address");

  // A new file saved over an existing item: the entries become edits of it, based on its ETag.
  t.same(j.readdress([newFile.id, newFile2.id], { parentKey: "q", name: "Target.docx", itemKey: "d/item9" }, { from: undefined, to: '"{T},4"' }), [newFile.id, newFile2.id]);
  t.equal(j.get(newFile2.id)?.itemKey, "d/item9");
  t.equal(j.get(newFile2.id)?.baseEtag, '"{T},4"');

  // A rename of an edited item: entries based on the pre-move ETag move on, others keep theirs (a real conflict stays one).
  t.same(j.readdress([edit.id, older.id], { parentKey: "r", name: "Plan v2.txt", itemKey: "d/item1" }, { from: '"{P},1"', to: '"{P},2"' }), [edit.id, older.id]);
  t.equal(j.get(edit.id)?.baseEtag, '"{P},2"');
  t.equal(j.get(older.id)?.baseEtag, '"{P},0"');
  t.equal(j.get(edit.id)?.name, "Plan v2.txt");

  // A conflict copy keeps its own address.
  j.markConflict(older.id, "Plan (conflict x 2026-01-01 00-00).txt");
  t.same(j.readdress([older.id], { parentKey: "s", name: "other.txt" }), []);
  t.equal(j.get(older.id)?.parentKey, "r");

  // discard: rows and staging files go, pending bytes follow; unknown ids are ignored.
  const staging = j.get(newFile.id)!.stagingPath;
  const before = j.pendingBytes();
  t.same(j.discard([newFile.id, 999_999]), [newFile.id]);
  t.equal(j.get(newFile.id), undefined);
  t.notOk(fs.existsSync(staging), "its staging file is removed");
  t.equal(j.pendingBytes(), before - 3);
  j.close();
  const again = UploadJournal.open({ stateDir: dir });
  t.same(
    again.pending().map((e) => [e.id, e.name]),
    [
      [newFile2.id, "Target.docx"],
      [edit.id, "Plan v2.txt"],
      [older.id, "Plan (conflict x 2026-01-01 00-00).txt"],
    ],
    "the changes are durable",
  );
  again.close();
  t.end();
});
