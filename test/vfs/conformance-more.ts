/**
 * More of the mount conformance suite (the part test/mount/conformance.ts does not have yet):
 * functions that take a folder inside a mount and run from a process other than the one serving
 * it. They hold for any MountFileSystem with POSIX-like semantics; the tenant mount runs them in
 * conformance.test.ts (and throttled in conformance-throttled.test.ts).
 */
import { createHash, randomBytes } from "node:crypto";
import { promises as fsp } from "node:fs";
import { join } from "node:path";
import type { Test } from "tap";
import { run } from "../mount/helpers.js";

type T = Pick<Test, "equal" | "same" | "ok" | "not" | "rejects" | "comment">;

/** renameat2 through ctypes (Node has no binding for its flags): prints OK or the errno name. */
const RENAMEAT2 = `
import ctypes, errno, sys
libc = ctypes.CDLL(None, use_errno=True)
r = libc.renameat2(-100, sys.argv[1].encode(), -100, sys.argv[2].encode(), int(sys.argv[3]))
print("OK" if r == 0 else errno.errorcode[ctypes.get_errno()])
`;

/** Unicode, spaces and punctuation SharePoint stores: the names `cp -r` and `tar x` must keep. */
export const UNICODE_NAMES = ["日本語のファイル.txt", "Résumé – final.txt", "Ωmega & ünïcode (2).md", "emoji 🎉 party.txt", "#hash %percent.txt", "spaced name.txt"];

/** A small tree with unicode names, nested folders, an empty file and a 1.5 MiB binary. */
export async function makeUnicodeTree(dir: string): Promise<void> {
  await fsp.mkdir(join(dir, "Ordner Ä", "子フォルダ", "deeper"), { recursive: true });
  await fsp.mkdir(join(dir, "empty folder"), { recursive: true });
  for (const [i, name] of UNICODE_NAMES.entries()) {
    await fsp.writeFile(join(dir, name), `content ${i} of ${name}\n`);
    await fsp.writeFile(join(dir, "Ordner Ä", name), `nested ${i}\n`);
  }
  await fsp.writeFile(join(dir, "Ordner Ä", "子フォルダ", "deeper", "leer.txt"), "");
  await fsp.writeFile(join(dir, "Ordner Ä", "子フォルダ", "binary.bin"), randomBytes(1536 * 1024 + 17));
}

/** cp -r and tar x of a unicode tree into the mount, each compared with diff -r; tar c back out. */
export async function copyAndTarUnicodeTree(t: T, root: string, scratch: string): Promise<void> {
  const src = join(scratch, "unicode-src");
  await makeUnicodeTree(src);
  const cp = await run("cp", ["-r", src, join(root, "copied")]);
  t.equal(cp.code, 0, `cp -r: ${cp.stderr}`);
  const d1 = await run("diff", ["-r", src, join(root, "copied")]);
  t.equal(d1.code, 0, `cp -r result differs: ${d1.stdout}${d1.stderr}`);

  const archive = join(scratch, "tree.tar");
  t.equal((await run("tar", ["-cf", archive, "-C", src, "."])).code, 0, "tar c of the source");
  await fsp.mkdir(join(root, "untarred"));
  const x = await run("tar", ["-xf", archive, "-C", join(root, "untarred")]);
  t.equal(x.code, 0, `tar x: ${x.stderr}`);
  const d2 = await run("diff", ["-r", src, join(root, "untarred")]);
  t.equal(d2.code, 0, `tar x result differs: ${d2.stdout}${d2.stderr}`);

  const out = join(scratch, "tar-back");
  await fsp.mkdir(out);
  const c = await run("bash", ["-c", 'tar -cf - -C "$1" . | tar -xf - -C "$2"', "tar", join(root, "untarred"), out]);
  t.equal(c.code, 0, `tar c out of the mount: ${c.stderr}`);
  const d3 = await run("diff", ["-r", src, out]);
  t.equal(d3.code, 0, `tar c result differs: ${d3.stdout}${d3.stderr}`);
  t.same((await fsp.readdir(join(root, "copied"))).sort(), (await fsp.readdir(src)).sort(), "readdir lists every name exactly");
}

/**
 * Concurrent readers and writers: separate processes write distinct files while others read one
 * file; then two writers share one file at distinct offsets (one descriptor each) and the result
 * holds both; finally readers see whole versions while a writer replaces a file by rename.
 */
export async function concurrentReadersWriters(t: T, root: string): Promise<void> {
  const shared = randomBytes(2 * 1024 * 1024 + 5);
  await fsp.writeFile(join(root, "shared.bin"), shared);
  const writers = Array.from({ length: 6 }, (_, i) => run("dd", ["if=/dev/urandom", `of=${join(root, `w${i}.bin`)}`, "bs=64k", `count=${4 + i}`, "status=none"]));
  const readers = Array.from({ length: 4 }, () => run("sha256sum", [join(root, "shared.bin")]));
  const [w, r] = await Promise.all([Promise.all(writers), Promise.all(readers)]);
  t.ok(
    w.every((x) => x.code === 0),
    `every writer succeeded: ${w.map((x) => x.stderr).join("")}`,
  );
  const want = shaOf(shared);
  t.same(
    r.map((x) => x.stdout.split(" ")[0]),
    Array.from({ length: 4 }, () => want),
    "every reader saw the whole file",
  );
  for (let i = 0; i < 6; i++) t.equal((await fsp.stat(join(root, `w${i}.bin`))).size, (4 + i) * 65536, `w${i}.bin has its size`);

  // Two descriptors (as two processes would have) writing disjoint ranges of one file.
  const one = join(root, "two-writers.bin");
  await fsp.writeFile(one, Buffer.alloc(256 * 1024, 0x2e));
  const a = await fsp.open(one, "r+");
  const b = await fsp.open(one, "r+");
  const pa = randomBytes(100_000);
  const pb = randomBytes(100_000);
  await Promise.all([a.write(pa, 0, pa.length, 0), b.write(pb, 0, pb.length, 150_000)]);
  await Promise.all([a.close(), b.close()]);
  const expect = Buffer.alloc(256 * 1024, 0x2e);
  pa.copy(expect, 0);
  pb.copy(expect, 150_000);
  t.ok((await fsp.readFile(one)).equals(expect), "both writers' bytes are in the file");
  t.equal((await fsp.stat(one)).size, 256 * 1024 + 0, "size unchanged by in-range writes");

  // A file replaced by rename while readers read it: each read sees one whole version.
  const v1 = Buffer.alloc(300_000, 1);
  const v2 = Buffer.alloc(300_000, 2);
  await fsp.writeFile(join(root, "swap.bin"), v1);
  const reads = Array.from({ length: 4 }, () => fsp.readFile(join(root, "swap.bin")));
  await fsp.writeFile(join(root, "swap.tmp"), v2);
  await fsp.rename(join(root, "swap.tmp"), join(root, "swap.bin"));
  for (const got of await Promise.all(reads)) t.ok(got.equals(v1) || got.equals(v2), "a reader saw a whole version");
  t.ok((await fsp.readFile(join(root, "swap.bin"))).equals(v2), "the new version after the rename");
}

function shaOf(b: Buffer): string {
  return createHash("sha256").update(b).digest("hex");
}

/** rename of a folder with contents (same parent and into another folder); old names vanish. */
export async function renameFolderWithContents(t: T, root: string): Promise<void> {
  await fsp.mkdir(join(root, "proj", "src", "lib"), { recursive: true });
  await fsp.writeFile(join(root, "proj", "README.md"), "readme\n");
  await fsp.writeFile(join(root, "proj", "src", "main.c"), "int main(void) { return 0; }\n");
  await fsp.writeFile(join(root, "proj", "src", "lib", "util.c"), "/* util */\n");
  await fsp.rename(join(root, "proj"), join(root, "project"));
  await t.rejects(fsp.stat(join(root, "proj")), { code: "ENOENT" }, "old folder name is gone");
  t.equal(await fsp.readFile(join(root, "project", "src", "lib", "util.c"), "utf8"), "/* util */\n");
  t.same((await fsp.readdir(join(root, "project"))).sort(), ["README.md", "src"]);
  await fsp.mkdir(join(root, "archive"));
  await fsp.rename(join(root, "project"), join(root, "archive", "project 2026"));
  t.same((await fsp.readdir(root)).filter((n) => n.startsWith("proj")), [], "moved out of the folder");
  t.equal(await fsp.readFile(join(root, "archive", "project 2026", "src", "main.c"), "utf8"), "int main(void) { return 0; }\n");
  t.equal(await fsp.readFile(join(root, "archive", "project 2026", "README.md"), "utf8"), "readme\n");
  // A file written inside the moved folder lands inside it.
  await fsp.writeFile(join(root, "archive", "project 2026", "src", "new.c"), "/* new */\n");
  t.same((await fsp.readdir(join(root, "archive", "project 2026", "src"))).sort(), ["lib", "main.c", "new.c"]);
}

/**
 * truncate/extend by path (no descriptor) and by descriptor, sizes right at once, contents
 * zero-filled on extend; `settle` (e.g. wait for the upload) runs between phases so a remote
 * copy is truncated too, not only a working copy.
 */
export async function truncateExtend(t: T, root: string, settle: () => Promise<void> = () => Promise.resolve()): Promise<void> {
  const f = join(root, "trunc.bin");
  const body = randomBytes(200_000);
  await fsp.writeFile(f, body);
  t.equal((await fsp.stat(f)).size, 200_000, "size right for the writer");
  await settle();
  t.equal((await fsp.stat(f)).size, 200_000, "size right after upload");
  await fsp.truncate(f, 50_000);
  t.equal((await fsp.stat(f)).size, 50_000, "truncate(2) shrinks at once");
  t.ok((await fsp.readFile(f)).equals(body.subarray(0, 50_000)), "shrunk content is the prefix");
  await settle();
  t.ok((await fsp.readFile(f)).equals(body.subarray(0, 50_000)), "shrunk content after upload");
  await fsp.truncate(f, 120_000);
  t.equal((await fsp.stat(f)).size, 120_000, "truncate(2) extends at once");
  const ext = await fsp.readFile(f);
  t.ok(ext.subarray(0, 50_000).equals(body.subarray(0, 50_000)) && ext.subarray(50_000).equals(Buffer.alloc(70_000)), "extension reads as zeros");
  await settle();
  const fh = await fsp.open(f, "r+");
  await fh.truncate(10);
  t.equal((await fh.stat()).size, 10, "ftruncate: fstat at once");
  t.equal((await fsp.stat(f)).size, 10, "ftruncate: stat by path at once");
  await fh.write(Buffer.from("tail"), 0, 4, 1000);
  await fh.close();
  const after = await fsp.readFile(f);
  t.equal(after.length, 1004, "write past the end extends");
  t.ok(after.subarray(0, 10).equals(body.subarray(0, 10)) && after.subarray(10, 1000).equals(Buffer.alloc(990)) && after.subarray(1000).toString() === "tail", "hole reads as zeros");
  await settle();
  t.equal((await fsp.stat(f)).size, 1004, "size right after the upload");
  t.ok((await fsp.readFile(f)).equals(after), "content right after the upload");
  // truncate to zero by path, then O_TRUNC open of an uploaded file.
  await fsp.truncate(f, 0);
  t.equal((await fsp.stat(f)).size, 0);
  await fsp.writeFile(f, "again");
  t.equal(await fsp.readFile(f, "utf8"), "again");
}

/** Fresh files are listed at once with their sizes, before and after the upload. */
export async function freshListing(t: T, root: string, settle: () => Promise<void> = () => Promise.resolve()): Promise<void> {
  await fsp.mkdir(join(root, "fresh"));
  const names = Array.from({ length: 12 }, (_, i) => `file ${i}.txt`);
  for (const [i, n] of names.entries()) await fsp.writeFile(join(root, "fresh", n), "x".repeat(i * 100));
  const listed = async (): Promise<Record<string, number>> => {
    const out: Record<string, number> = {};
    for (const e of await fsp.readdir(join(root, "fresh"), { withFileTypes: true })) out[e.name] = (await fsp.stat(join(root, "fresh", e.name))).size;
    return out;
  };
  const want = Object.fromEntries(names.map((n, i) => [n, i * 100]));
  t.same(await listed(), want, "listed at once with sizes");
  const ls = await run("ls", ["-l", join(root, "fresh")]);
  t.equal(ls.stdout.split("\n").filter((l) => l.includes("file ")).length, names.length, "ls -l shows every file");
  await settle();
  t.same(await listed(), want, "listed after the upload with the same sizes");
  await fsp.appendFile(join(root, "fresh", "file 3.txt"), "more");
  t.equal((await fsp.stat(join(root, "fresh", "file 3.txt"))).size, 304, "size after append at once");
  await settle();
  t.equal((await fsp.stat(join(root, "fresh", "file 3.txt"))).size, 304, "size after append and upload");
}

/** rmdir semantics: ENOTEMPTY with a fresh (not yet uploaded) file inside; works once empty. */
export async function rmdirSemantics(t: T, root: string): Promise<void> {
  await fsp.mkdir(join(root, "d"));
  await fsp.writeFile(join(root, "d", "x.txt"), "x");
  await t.rejects(fsp.rmdir(join(root, "d")), { code: "ENOTEMPTY" }, "a folder holding a fresh file is not empty");
  await fsp.unlink(join(root, "d", "x.txt"));
  await fsp.rmdir(join(root, "d"));
  await t.rejects(fsp.stat(join(root, "d")), { code: "ENOENT" });
  await fsp.mkdir(join(root, "d"));
  t.ok((await fsp.stat(join(root, "d"))).isDirectory(), "the name is usable again");
  await fsp.rm(join(root, "d"), { recursive: true });
}

/** Renames over existing files, both fresh and uploaded; RENAME_NOREPLACE / RENAME_EXCHANGE. */
export async function renameOver(t: T, root: string, settle: () => Promise<void> = () => Promise.resolve()): Promise<void> {
  await fsp.writeFile(join(root, "a.txt"), "A");
  await fsp.writeFile(join(root, "b.txt"), "B");
  await fsp.rename(join(root, "a.txt"), join(root, "b.txt"));
  t.equal(await fsp.readFile(join(root, "b.txt"), "utf8"), "A", "fresh over fresh");
  await t.rejects(fsp.stat(join(root, "a.txt")), { code: "ENOENT" });
  await settle();
  await fsp.writeFile(join(root, "c.txt"), "C");
  await fsp.rename(join(root, "c.txt"), join(root, "b.txt"));
  t.equal(await fsp.readFile(join(root, "b.txt"), "utf8"), "C", "fresh over uploaded");
  await settle();
  t.equal(await fsp.readFile(join(root, "b.txt"), "utf8"), "C", "still after the upload");
  t.same((await fsp.readdir(root)).filter((n) => /^[abc]\.txt$/.test(n)), ["b.txt"]);
  // git's lock-file dance: O_EXCL lock, write, rename over the file, many times in a row.
  for (let i = 0; i < 5; i++) {
    const lock = await fsp.open(join(root, "index.lock"), "wx");
    await lock.writeFile(`index ${i}`);
    await lock.close();
    await fsp.rename(join(root, "index.lock"), join(root, "index"));
    t.equal(await fsp.readFile(join(root, "index"), "utf8"), `index ${i}`);
  }
  await t.rejects(fsp.stat(join(root, "index.lock")), { code: "ENOENT" }, "no lock left");
  // rename flags
  await fsp.writeFile(join(root, "n1.txt"), "1");
  await fsp.writeFile(join(root, "n2.txt"), "2");
  const py = await run("python3", ["-c", RENAMEAT2, join(root, "n1.txt"), join(root, "n2.txt"), "1"]);
  if (!/^[A-Z]+\n$/.test(py.stdout)) {
    t.comment(`python3 unavailable (${py.stderr.trim()}): rename flags not checked`);
    return;
  }
  t.equal(py.stdout.trim(), "EEXIST", "RENAME_NOREPLACE refuses an existing target");
  t.equal(await fsp.readFile(join(root, "n2.txt"), "utf8"), "2");
  t.equal((await run("python3", ["-c", RENAMEAT2, join(root, "n1.txt"), join(root, "n2.txt"), "2"])).stdout.trim(), "EINVAL", "RENAME_EXCHANGE is not supported");
  t.equal((await run("python3", ["-c", RENAMEAT2, join(root, "n1.txt"), join(root, "n3.txt"), "1"])).stdout.trim(), "OK");
  t.equal(await fsp.readFile(join(root, "n3.txt"), "utf8"), "1");
  // A folder cannot replace a file nor a file a non-empty folder.
  await fsp.mkdir(join(root, "dir1"));
  await fsp.writeFile(join(root, "dir1", "in.txt"), "in");
  await t.rejects(fsp.rename(join(root, "n3.txt"), join(root, "dir1")), { code: "EISDIR" });
  await t.rejects(fsp.rename(join(root, "dir1"), join(root, "n3.txt")), { code: "ENOTDIR" });
}

/**
 * What SharePoint cannot store, answered with the right errno: symlinks and hard links EPERM,
 * special files EPERM, chown to another user EPERM, setxattr ENOTSUP, invalid names EINVAL,
 * and the usual namespace errors. chmod is accepted and not stored (tar, cp -p and rsync -a need
 * it to succeed; SharePoint has no mode bits), which the last check pins down.
 */
export async function unsupportedErrno(t: T, root: string): Promise<void> {
  await fsp.writeFile(join(root, "plain.txt"), "plain");
  await fsp.mkdir(join(root, "sub"));
  await fsp.writeFile(join(root, "sub", "inside.txt"), "x");
  await t.rejects(fsp.symlink("plain.txt", join(root, "link")), { code: "EPERM" }, "symlink");
  await t.rejects(fsp.link(join(root, "plain.txt"), join(root, "hard")), { code: "EPERM" }, "hard link");
  const fifo = await run("mkfifo", [join(root, "fifo")]);
  t.not(fifo.code, 0, "mkfifo refused");
  t.ok(/Operation not permitted/.test(fifo.stderr), `mkfifo: EPERM (${fifo.stderr.trim()})`);
  const chown = await run("chown", ["12345", join(root, "plain.txt")]);
  t.not(chown.code, 0, "chown to another user refused");
  const xattr = await run("python3", ["-c", "import os,sys\ntry:\n os.setxattr(sys.argv[1],'user.x',b'1')\n print(0)\nexcept OSError as e:\n print(e.errno)", join(root, "plain.txt")]);
  t.equal(xattr.stdout.trim(), "95", "setxattr answers ENOTSUP");
  await t.rejects(fsp.writeFile(join(root, "bad:name.txt"), "x"), { code: "EINVAL" }, "invalid name");
  await t.rejects(fsp.mkdir(join(root, "bad|dir")), { code: "EINVAL" }, "invalid folder name");
  await t.rejects(fsp.writeFile(join(root, "x".repeat(256)), "x"), { code: "ENAMETOOLONG" });
  await t.rejects(fsp.mkdir(join(root, "sub")), { code: "EEXIST" });
  await t.rejects(fsp.open(join(root, "plain.txt"), "wx"), { code: "EEXIST" });
  await t.rejects(fsp.rmdir(join(root, "sub")), { code: "ENOTEMPTY" });
  await t.rejects(fsp.rmdir(join(root, "plain.txt")), { code: "ENOTDIR" });
  await t.rejects(fsp.unlink(join(root, "sub")), { code: "EISDIR" });
  await t.rejects(fsp.stat(join(root, "plain.txt", "child")), { code: "ENOTDIR" });
  await t.rejects(fsp.readFile(join(root, "missing.txt")), { code: "ENOENT" });
  await fsp.chmod(join(root, "plain.txt"), 0o600);
  t.equal((await fsp.stat(join(root, "plain.txt"))).mode & 0o777, 0o644, "chmod accepted, mode bits not stored");
  t.equal(await fsp.readFile(join(root, "plain.txt"), "utf8"), "plain");
}
