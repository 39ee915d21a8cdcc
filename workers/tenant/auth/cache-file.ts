/**
 * MSAL token cache persistence for one tenant. The architecture asks for encryption at rest
 * (DPAPI on Windows, libsecret on Linux through @azure/msal-node-extensions); where neither is
 * available (headless Linux without a Secret Service, as on CI and most VDI images) the cache is a
 * 0600 file in the user's state directory, and the tenant status says so (`cacheProtection`).
 */
import type { ICachePlugin, TokenCacheContext } from "@azure/msal-node";
import { mkdirSync, readFileSync, renameSync, writeFileSync, rmSync } from "node:fs";
import { dirname } from "node:path";

export type CacheProtection = "file-0600";

export class FileCachePlugin implements ICachePlugin {
  readonly protection: CacheProtection = "file-0600";

  constructor(private readonly path: string) {}

  beforeCacheAccess(ctx: TokenCacheContext): Promise<void> {
    try {
      ctx.tokenCache.deserialize(readFileSync(this.path, "utf8"));
    } catch (err) {
      // A missing file is a first sign-in; a corrupt one is discarded (the user signs in again).
      if ((err as NodeJS.ErrnoException).code !== "ENOENT") rmSync(this.path, { force: true });
    }
    return Promise.resolve();
  }

  afterCacheAccess(ctx: TokenCacheContext): Promise<void> {
    if (!ctx.cacheHasChanged) return Promise.resolve();
    mkdirSync(dirname(this.path), { recursive: true, mode: 0o700 });
    const tmp = `${this.path}.${process.pid}.tmp`;
    writeFileSync(tmp, ctx.tokenCache.serialize(), { mode: 0o600 });
    renameSync(tmp, this.path);
    return Promise.resolve();
  }

  clear(): void {
    rmSync(this.path, { force: true });
  }
}
