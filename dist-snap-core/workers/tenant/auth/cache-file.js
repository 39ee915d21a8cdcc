import { mkdirSync, readFileSync, renameSync, writeFileSync, rmSync } from "node:fs";
import { dirname } from "node:path";
export class FileCachePlugin {
    path;
    protection = "file-0600";
    constructor(path) {
        this.path = path;
    }
    beforeCacheAccess(ctx) {
        try {
            ctx.tokenCache.deserialize(readFileSync(this.path, "utf8"));
        }
        catch (err) {
            // A missing file is a first sign-in; a corrupt one is discarded (the user signs in again).
            if (err.code !== "ENOENT")
                rmSync(this.path, { force: true });
        }
        return Promise.resolve();
    }
    afterCacheAccess(ctx) {
        if (!ctx.cacheHasChanged)
            return Promise.resolve();
        mkdirSync(dirname(this.path), { recursive: true, mode: 0o700 });
        const tmp = `${this.path}.${process.pid}.tmp`;
        writeFileSync(tmp, ctx.tokenCache.serialize(), { mode: 0o600 });
        renameSync(tmp, this.path);
        return Promise.resolve();
    }
    clear() {
        rmSync(this.path, { force: true });
    }
}
//# sourceMappingURL=cache-file.js.map