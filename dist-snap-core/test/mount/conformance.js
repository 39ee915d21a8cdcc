/**
 * The mount conformance suite: functions that take a mount root and run from a process other
 * than the one serving it (rclone vfstest habit). conformance.test.ts runs them against the
 * memory fixture; the tenant engine's mount runs the same functions against the emulator.
 */
import { randomBytes } from "node:crypto";
import { promises as fsp } from "node:fs";
import { join } from "node:path";
import { run } from "./helpers.js";
/** A deterministic PRNG so a failing random run can be replayed from its seed. */
function mulberry32(seed) {
    let a = seed >>> 0;
    return () => {
        a = (a + 0x6d2b79f5) >>> 0;
        let r = Math.imul(a ^ (a >>> 15), 1 | a);
        r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r;
        return ((r ^ (r >>> 14)) >>> 0) / 4294967296;
    };
}
/** git init/add/commit inside the mount and a clone out of it (git falls back from link() to rename()). */
export async function gitRoundTrip(t, root, scratch, source) {
    const repo = join(root, "repo");
    await fsp.mkdir(repo);
    const env = ["-c", "user.email=test@example.invalid", "-c", "user.name=test", "-c", "init.defaultBranch=main"];
    t.equal((await run("git", [...env, "init", "-q", repo])).code, 0, "git init");
    const cp = await run("cp", ["-r", source, join(repo, "src")]);
    t.equal(cp.code, 0, cp.stderr);
    t.equal((await run("git", [...env, "-C", repo, "add", "-A"])).code, 0, "git add");
    const commit = await run("git", [...env, "-C", repo, "commit", "-qm", "first"]);
    t.equal(commit.code, 0, commit.stderr);
    const status = await run("git", ["-C", repo, "status", "--porcelain"]);
    t.equal(status.stdout, "", "clean work tree after commit");
    const fsck = await run("git", ["-C", repo, "fsck", "--strict"]);
    t.equal(fsck.code, 0, fsck.stderr);
    const clone = await run("git", ["clone", "-q", repo, join(scratch, "clone")]);
    t.equal(clone.code, 0, clone.stderr);
    const diff = await run("diff", ["-r", source, join(scratch, "clone", "src")]);
    t.equal(diff.code, 0, diff.stdout);
}
/** rsync into the mount and back out, checked by content. */
export async function rsyncRoundTrip(t, root, scratch, source) {
    const into = await run("rsync", ["-a", `${source}/`, join(root, "rsynced/")]);
    t.equal(into.code, 0, into.stderr);
    const back = await run("rsync", ["-a", "--checksum", join(root, "rsynced/"), join(scratch, "rsync-back/")]);
    t.equal(back.code, 0, back.stderr);
    const diff = await run("diff", ["-r", source, join(scratch, "rsync-back")]);
    t.equal(diff.code, 0, diff.stdout);
    // A second run transfers nothing new and still succeeds.
    const again = await run("rsync", ["-a", `${source}/`, join(root, "rsynced/")]);
    t.equal(again.code, 0, again.stderr);
}
/** The LibreOffice/vim save: lock file, write a temp file, fsync, rename over the original. */
export async function saveViaRename(t, root) {
    const doc = join(root, "Report.odt");
    await fsp.writeFile(doc, "version 1");
    for (let v = 2; v <= 4; v++) {
        const lock = join(root, ".~lock.Report.odt#");
        await fsp.writeFile(lock, "user,host", { flag: "wx" });
        const tmp = join(root, `lu${v}.tmp`);
        const fh = await fsp.open(tmp, "w");
        await fh.writeFile(`version ${v}`);
        await fh.sync();
        await fh.close();
        await fsp.rename(tmp, doc);
        await fsp.unlink(lock);
        t.equal(await fsp.readFile(doc, "utf8"), `version ${v}`);
    }
    t.same((await fsp.readdir(root)).filter((n) => n.includes("Report") || n.endsWith(".tmp")), ["Report.odt"]);
}
/**
 * fsx-style integrity run: random writes, truncates, reads and reopen cycles on a few files,
 * each read checked against an in-memory model. The seed is in every message.
 */
export async function randomIntegrity(t, root, seed, ops = 400) {
    const rnd = mulberry32(seed);
    const pick = (n) => Math.floor(rnd() * n);
    const names = ["f0.bin", "f1.bin", "f2.bin"];
    const model = new Map(names.map((n) => [n, Buffer.alloc(0)]));
    const handles = new Map();
    for (const n of names)
        handles.set(n, await fsp.open(join(root, n), "w+"));
    let mismatches = 0;
    try {
        for (let i = 0; i < ops; i++) {
            const name = names[pick(names.length)] ?? "f0.bin";
            const fh = handles.get(name);
            const cur = model.get(name) ?? Buffer.alloc(0);
            if (!fh)
                continue;
            const kind = pick(10);
            if (kind < 4) {
                const off = pick(cur.length + 70_000);
                const data = randomBytes(1 + pick(65_536));
                await fh.write(data, 0, data.length, off);
                const next = Buffer.alloc(Math.max(cur.length, off + data.length));
                cur.copy(next);
                data.copy(next, off);
                model.set(name, next);
            }
            else if (kind < 6) {
                const size = pick(cur.length + 100_000);
                await fh.truncate(size);
                const next = Buffer.alloc(size);
                cur.copy(next, 0, 0, Math.min(size, cur.length));
                model.set(name, next);
            }
            else if (kind < 9) {
                const off = pick(cur.length + 10);
                const len = 1 + pick(200_000);
                const buf = Buffer.alloc(len);
                const { bytesRead } = await fh.read(buf, 0, len, off);
                const want = cur.subarray(Math.min(off, cur.length), Math.min(off + len, cur.length));
                if (!buf.subarray(0, bytesRead).equals(want))
                    mismatches++;
            }
            else {
                await fh.close();
                handles.set(name, await fsp.open(join(root, name), "r+"));
            }
        }
    }
    finally {
        for (const fh of handles.values())
            await fh.close();
    }
    t.equal(mismatches, 0, `reads matched the model (seed ${seed})`);
    for (const n of names) {
        const got = await fsp.readFile(join(root, n));
        t.ok(got.equals(model.get(n) ?? Buffer.alloc(0)), `${n} matches the model after close (seed ${seed})`);
    }
}
//# sourceMappingURL=conformance.js.map