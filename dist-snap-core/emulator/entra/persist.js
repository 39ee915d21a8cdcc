/**
 * Durable Entra state in `<data>/entra/state.json`: refresh tokens (stored by hash, never in clear),
 * revocations, pending claims challenges and registered app credentials. Written atomically on each
 * change so a crash never leaves a half-written file.
 */
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
export function writeFileAtomic(file, data, mode = 0o600) {
    const tmp = `${file}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
    writeFileSync(tmp, data, { mode });
    renameSync(tmp, file);
}
function emptyState() {
    return { refreshTokens: {}, revokedBefore: {}, claimsBefore: {}, apps: [] };
}
export class StateFile {
    state;
    file;
    constructor(dir) {
        this.file = join(dir, "state.json");
        this.state = existsSync(this.file) ? StateFile.read(this.file) : emptyState();
    }
    static read(file) {
        try {
            const parsed = JSON.parse(readFileSync(file, "utf8"));
            return { ...emptyState(), ...parsed };
        }
        catch {
            // A damaged file costs sign-ins, not the emulator: start over like a fresh directory.
            return emptyState();
        }
    }
    save() {
        const now = Date.now();
        for (const [hash, rt] of Object.entries(this.state.refreshTokens)) {
            if (rt.expiresMs < now)
                delete this.state.refreshTokens[hash];
        }
        writeFileAtomic(this.file, JSON.stringify(this.state));
    }
}
//# sourceMappingURL=persist.js.map