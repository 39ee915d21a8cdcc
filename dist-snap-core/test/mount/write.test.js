// Writing through a real FUSE mount served by another process: create, write, truncate, rename,
// unlink, mkdir/rmdir, and the tools people use (cp -r, tar, mv, dd, touch, chmod).
import { promises as fsp } from "node:fs";
import { join } from "node:path";
import t from "tap";
import { run, serve, tempDir } from "./helpers.js";
/** A local tree with unicode and space names, used as the source of copies. */
async function makeTree(dir) {
    const src = join(dir, "src");
    await fsp.mkdir(join(src, "Ordner mit Leerzeichen", "子目录"), { recursive: true });
    await fsp.mkdir(join(src, "empty dir"), { recursive: true });
    await fsp.writeFile(join(src, "a.txt"), "alpha\n");
    await fsp.writeFile(join(src, "Ordner mit Leerzeichen", "Grüße.txt"), "hallo\n");
    await fsp.writeFile(join(src, "Ordner mit Leerzeichen", "子目录", "データ.bin"), Buffer.alloc(300_000, 7));
    await fsp.writeFile(join(src, "emoji 🎉.md"), "party\n");
    return src;
}
void t.test("create, write, append, read back", async (t) => {
    const s = await serve(t);
    const p = join(s.mnt, "new.txt");
    await fsp.writeFile(p, "first line\n");
    t.equal(await fsp.readFile(p, "utf8"), "first line\n");
    await fsp.appendFile(p, "second line\n");
    t.equal(await fsp.readFile(p, "utf8"), "first line\nsecond line\n");
    const sh = await run("sh", ["-c", `echo third >> "${p}"`]);
    t.equal(sh.code, 0, sh.stderr);
    t.equal(await fsp.readFile(p, "utf8"), "first line\nsecond line\nthird\n");
    await fsp.writeFile(p, "replaced");
    t.equal(await fsp.readFile(p, "utf8"), "replaced");
    t.equal((await fsp.stat(p)).size, 8);
    // Positional writes through one descriptor, including a hole.
    const fh = await fsp.open(join(s.mnt, "pos.bin"), "w+");
    try {
        await fh.write(Buffer.from("XY"), 0, 2, 10);
        await fh.write(Buffer.from("ab"), 0, 2, 0);
        await fh.sync();
    }
    finally {
        await fh.close();
    }
    t.same(await fsp.readFile(join(s.mnt, "pos.bin")), Buffer.concat([Buffer.from("ab"), Buffer.alloc(8), Buffer.from("XY")]));
});
void t.test("truncate and extend, dd into the middle, times and modes", async (t) => {
    const s = await serve(t);
    const p = join(s.mnt, "t.bin");
    await fsp.writeFile(p, "0123456789");
    await fsp.truncate(p, 4);
    t.equal(await fsp.readFile(p, "utf8"), "0123");
    const ext = await run("truncate", ["-s", "8", p]);
    t.equal(ext.code, 0, ext.stderr);
    t.same(await fsp.readFile(p), Buffer.concat([Buffer.from("0123"), Buffer.alloc(4)]));
    const dd = await run("sh", ["-c", `printf 'ZZ' | dd of="${p}" bs=1 seek=5 conv=notrunc 2>/dev/null`]);
    t.equal(dd.code, 0, dd.stderr);
    t.same(await fsp.readFile(p), Buffer.from([0x30, 0x31, 0x32, 0x33, 0, 0x5a, 0x5a, 0]));
    const touch = await run("touch", ["-m", "-d", "2001-02-03T04:05:06Z", p]);
    t.equal(touch.code, 0, touch.stderr);
    t.equal((await fsp.stat(p)).mtime.toISOString(), "2001-02-03T04:05:06.000Z");
    await fsp.chmod(p, 0o600);
    t.equal((await fsp.stat(p)).mode & 0o777, 0o600);
    // O_TRUNC on open empties the file.
    await fsp.writeFile(p, "");
    t.equal((await fsp.stat(p)).size, 0);
});
void t.test("mkdir, rename files and folders, unlink, rmdir", async (t) => {
    const s = await serve(t);
    await fsp.mkdir(join(s.mnt, "x/y/z"), { recursive: true });
    await fsp.writeFile(join(s.mnt, "x/y/z/f.txt"), "f");
    await fsp.writeFile(join(s.mnt, "x/g.txt"), "g");
    await fsp.rename(join(s.mnt, "x/g.txt"), join(s.mnt, "x/y/h.txt"));
    t.equal(await fsp.readFile(join(s.mnt, "x/y/h.txt"), "utf8"), "g");
    await t.rejects(fsp.stat(join(s.mnt, "x/g.txt")), { code: "ENOENT" });
    // A folder with contents moves as a whole.
    const mv = await run("mv", [join(s.mnt, "x/y"), join(s.mnt, "moved dir")]);
    t.equal(mv.code, 0, mv.stderr);
    t.equal(await fsp.readFile(join(s.mnt, "moved dir/z/f.txt"), "utf8"), "f");
    t.same(await fsp.readdir(join(s.mnt, "x")), []);
    // Rename over an existing file replaces it (the editor "save via temp file" pattern).
    await fsp.writeFile(join(s.mnt, "doc.txt"), "old");
    await fsp.writeFile(join(s.mnt, ".doc.txt.tmp"), "new");
    await fsp.rename(join(s.mnt, ".doc.txt.tmp"), join(s.mnt, "doc.txt"));
    t.equal(await fsp.readFile(join(s.mnt, "doc.txt"), "utf8"), "new");
    t.notOk((await fsp.readdir(s.mnt)).includes(".doc.txt.tmp"));
    await fsp.unlink(join(s.mnt, "doc.txt"));
    await t.rejects(fsp.stat(join(s.mnt, "doc.txt")), { code: "ENOENT" });
    await fsp.rmdir(join(s.mnt, "x"));
    const rm = await run("rm", ["-r", join(s.mnt, "moved dir")]);
    t.equal(rm.code, 0, rm.stderr);
    t.notOk((await fsp.readdir(s.mnt)).includes("moved dir"));
});
void t.test("cp -r and tar of a tree with unicode names, compared with diff -r", async (t) => {
    const dir = tempDir(t);
    const src = await makeTree(dir);
    const s = await serve(t, { dir });
    const cp = await run("cp", ["-r", src, join(s.mnt, "copied")]);
    t.equal(cp.code, 0, cp.stderr);
    const diff1 = await run("diff", ["-r", src, join(s.mnt, "copied")]);
    t.equal(diff1.code, 0, diff1.stdout + diff1.stderr);
    await fsp.mkdir(join(s.mnt, "untarred"));
    const tarIn = await run("sh", ["-c", `tar -C "${src}" -cf - . | tar -C "${join(s.mnt, "untarred")}" -xf -`]);
    t.equal(tarIn.code, 0, tarIn.stderr);
    const diff2 = await run("diff", ["-r", src, join(s.mnt, "untarred")]);
    t.equal(diff2.code, 0, diff2.stdout + diff2.stderr);
    const back = join(dir, "back");
    await fsp.mkdir(back);
    const tarOut = await run("sh", ["-c", `tar -C "${join(s.mnt, "untarred")}" -cf - . | tar -C "${back}" -xf -`]);
    t.equal(tarOut.code, 0, tarOut.stderr);
    const diff3 = await run("diff", ["-r", src, back]);
    t.equal(diff3.code, 0, diff3.stdout + diff3.stderr);
});
//# sourceMappingURL=write.test.js.map