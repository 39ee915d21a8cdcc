/**
 * The plain-file token cache: a 0600 file in the tenant's state directory (0700). Used where the
 * cache cannot be encrypted at rest (no DPAPI, no Secret Service), and the tenant status says so
 * (`tokenStore: "file"`). Written through a temp file and a rename, so a crash never leaves half a
 * cache.
 */
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

/** Where a token cache is kept: load, save and delete the serialized MSAL cache. */
export interface CachePersistence {
  load(): Promise<string | null>;
  save(contents: string): Promise<void>;
  delete(): Promise<void>;
}

export const PLAIN_CACHE_FILE = "msal-cache.json";

export class FilePersistence0600 implements CachePersistence {
  constructor(readonly path: string) {}

  load(): Promise<string | null> {
    try {
      return Promise.resolve(readFileSync(this.path, "utf8"));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return Promise.resolve(null);
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
  }

  save(contents: string): Promise<void> {
    mkdirSync(dirname(this.path), { recursive: true, mode: 0o700 });
    const tmp = `${this.path}.${process.pid}.tmp`;
    writeFileSync(tmp, contents, { mode: 0o600 });
    renameSync(tmp, this.path);
    return Promise.resolve();
  }

  delete(): Promise<void> {
    rmSync(this.path, { force: true });
    return Promise.resolve();
  }
}
