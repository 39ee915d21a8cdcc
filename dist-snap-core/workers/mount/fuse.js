/**
 * Typed face of the native FUSE3 shim (native/src). The addon knows nothing about items, inodes
 * or errors: it hands each kernel request to one dispatcher as a plain `FuseRequest` and takes the
 * answer through a `reply*` call naming the request id. Options are validated here, before they
 * reach libfuse, so a bad value is a clear KonnektError instead of a libfuse usage message.
 *
 * `KONNEKT_FUSE_ADDON` selects another build of the addon (the ASan build in tests).
 */
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { KonnektError } from "../errors.js";
/** Default loop threads: handlers never block (they only queue), so a few suffice. */
const DEFAULT_THREADS = 2;
let cached;
export function addonPath() {
    const override = process.env.KONNEKT_FUSE_ADDON;
    if (override)
        return override;
    return fileURLToPath(new URL("../../../native/build/Release/konnekt_fuse.node", import.meta.url));
}
export function loadAddon() {
    if (cached)
        return cached;
    const path = addonPath();
    if (!existsSync(path)) {
        throw new KonnektError("notSupported", "The FUSE addon is not built: run `npm run build` (needs libfuse3-dev).", { path });
    }
    const require = createRequire(import.meta.url);
    cached = require(path);
    return cached;
}
/** The libfuse argv for fuse_session_new, built from validated options only. */
export function fuseArgs(opts) {
    const subtype = opts.subtype ?? "konnekt";
    if (!/^[A-Za-z0-9_.-]{1,32}$/.test(subtype)) {
        throw new KonnektError("invalidArgument", "subtype must be 1–32 letters, digits, '.', '_' or '-'.", { subtype });
    }
    // default_permissions: the kernel checks mode bits, so the adapter never reimplements access(2).
    // No max_read: libfuse 3.14 already negotiates 1 MiB requests (max_pages 256), and a max_read
    // here would also have to be repeated in init().
    const o = [`fsname=konnekt`, `subtype=${subtype}`, "default_permissions"];
    if (opts.allowOther)
        o.push("allow_other");
    if (opts.readOnly)
        o.push("ro");
    return ["-o", o.join(",")];
}
export function validateThreads(threads) {
    const n = threads ?? DEFAULT_THREADS;
    if (!Number.isInteger(n) || n < 1 || n > 16) {
        throw new KonnektError("invalidArgument", "threads must be an integer from 1 to 16.", { threads });
    }
    return n;
}
/** Mounts and starts the loop threads; the dispatcher receives every request on the JS thread. */
export function openSession(opts, dispatch) {
    const args = fuseArgs(opts);
    const threads = validateThreads(opts.threads);
    const addon = loadAddon();
    const session = new addon.Session();
    try {
        session.mount({ mountpoint: opts.mountpoint, args, threads, splice: opts.splice ?? true }, dispatch);
    }
    catch (err) {
        throw new KonnektError("internal", err instanceof Error ? err.message : String(err), { mountpoint: opts.mountpoint }, { cause: err });
    }
    return session;
}
//# sourceMappingURL=fuse.js.map