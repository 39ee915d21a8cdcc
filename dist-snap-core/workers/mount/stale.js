/**
 * Preparing a mount point: a FUSE mount left by a crashed process answers every call with
 * ENOTCONN ("Transport endpoint is not connected"); it is detached here before the new mount.
 * /proc/self/mountinfo is read first so this never stats a live mount of our own process (that
 * would deadlock: the JS thread would wait on a request only it can answer).
 */
import { execFile } from "node:child_process";
import { promises as fsp } from "node:fs";
import { isAbsolute, resolve } from "node:path";
import { promisify } from "node:util";
import { KonnektError } from "../errors.js";
const run = promisify(execFile);
/** How long a live-looking FUSE mount may take to answer stat before we call it hung. */
const PROBE_TIMEOUT_MS = 5_000;
/** Mount points are octal-escaped in mountinfo (`\040` for a space). */
function unescape(s) {
    return s.replace(/\\([0-7]{3})/g, (_m, o) => String.fromCharCode(parseInt(o, 8)));
}
export async function readMountInfo() {
    const text = await fsp.readFile("/proc/self/mountinfo", "utf8");
    const out = [];
    for (const line of text.split("\n")) {
        const parts = line.split(" ");
        const sep = parts.indexOf("-");
        if (sep < 0 || parts.length < sep + 3)
            continue;
        out.push({ mountpoint: unescape(parts[4] ?? ""), fstype: parts[sep + 1] ?? "", source: unescape(parts[sep + 2] ?? "") });
    }
    return out;
}
export async function findMount(mountpoint) {
    const all = await readMountInfo();
    // The last entry is the one on top when several are stacked.
    return all.filter((m) => m.mountpoint === mountpoint).pop();
}
async function probe(path) {
    let timer;
    const timeout = new Promise((res) => {
        timer = setTimeout(() => res("hung"), PROBE_TIMEOUT_MS);
    });
    // statfs always reaches the server (a stat of the root may be answered from cached attributes).
    const stat = fsp.statfs(path).then(() => "live", (err) => (err.code === "ENOTCONN" || err.code === "ECONNABORTED" ? "stale" : "live"));
    try {
        return await Promise.race([stat, timeout]);
    }
    finally {
        clearTimeout(timer);
    }
}
/** Lazily detaches a FUSE mount (fusermount3 works for root and for the mount's owner). */
export async function detach(mountpoint) {
    try {
        await run("fusermount3", ["-u", "-z", mountpoint]);
    }
    catch (err) {
        if (process.getuid?.() === 0)
            await run("umount", ["-l", mountpoint]);
        else
            throw new KonnektError("accessDenied", `cannot detach the stale mount at ${mountpoint}`, { mountpoint }, { cause: err });
    }
}
/**
 * Makes `root` ready to mount on: absolute, a directory (created if missing), not a live mount,
 * stale FUSE mounts detached, and empty. Returns true when a stale mount was cleaned.
 */
export async function prepareMountpoint(root, ownMounts) {
    if (!isAbsolute(root))
        throw new KonnektError("invalidArgument", "the mount point must be an absolute path", { root });
    const mountpoint = resolve(root);
    if (ownMounts.has(mountpoint))
        throw new KonnektError("alreadyExists", `${mountpoint} is already mounted by this process`, { mountpoint });
    let cleaned = false;
    const existing = await findMount(mountpoint);
    if (existing && existing.fstype.startsWith("fuse")) {
        const state = await probe(mountpoint);
        if (state === "live")
            throw new KonnektError("alreadyExists", `${mountpoint} is already a mounted file system (${existing.fstype})`, { mountpoint });
        if (state === "hung")
            throw new KonnektError("timeout", `the file system mounted at ${mountpoint} does not answer`, { mountpoint });
        await detach(mountpoint);
        cleaned = true;
    }
    try {
        const st = await fsp.stat(mountpoint);
        if (!st.isDirectory())
            throw new KonnektError("notADirectory", `${mountpoint} is not a directory`, { mountpoint });
    }
    catch (err) {
        if (err.code !== "ENOENT")
            throw err;
        await fsp.mkdir(mountpoint, { recursive: true, mode: 0o700 });
    }
    const names = await fsp.readdir(mountpoint);
    if (names.length > 0) {
        throw new KonnektError("notEmpty", `the mount point ${mountpoint} is not empty (${names.length} entries); choose an empty directory`, { mountpoint });
    }
    return cleaned;
}
//# sourceMappingURL=stale.js.map