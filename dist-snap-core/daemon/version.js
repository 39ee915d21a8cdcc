/** The package version, read once from package.json (dist/daemon/version.js → ../../package.json). */
import { readFileSync } from "node:fs";
let cached;
export function konnektVersion() {
    if (cached === undefined) {
        const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8"));
        cached = typeof pkg.version === "string" ? pkg.version : "0.0.0";
    }
    return cached;
}
//# sourceMappingURL=version.js.map