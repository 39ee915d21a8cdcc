/** The package version, read once from package.json (dist/daemon/version.js → ../../package.json). */
import { readFileSync } from "node:fs";

let cached: string | undefined;

export function konnektVersion(): string {
  if (cached === undefined) {
    const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version?: unknown };
    cached = typeof pkg.version === "string" ? pkg.version : "0.0.0";
  }
  return cached;
}
