/**
 * Where a tenant's MSAL token cache lives, encrypted at rest where the platform allows it:
 * - Windows: a file encrypted with DPAPI for the current user (@azure/msal-node-extensions);
 * - Linux: the Secret Service (GNOME Keyring, KWallet…) over D-Bus through libsecret (keytar,
 *   loaded by @azure/msal-node-extensions);
 * - otherwise a 0600 file: no Secret Service on the session bus (CI, most headless and VDI
 *   images), a locked keyring with nobody to unlock it, the native bindings missing, macOS, or
 *   the configuration asks for the file.
 * The tenant status says which (`tokenStore`), and why the file was chosen.
 *
 * The choice is made on first use by a probe: write a random value under a probe entry of its
 * own, read it back, delete it. (The extension's own check writes one fixed entry shared by every
 * process, so two tenant workers starting together can fail each other's check.) Every call to the
 * keyring has a deadline, because a Secret Service that wants to prompt can wait forever.
 *
 * One tenant worker process owns a tenant's cache, so there is no cross-process lock. A plain
 * cache left by an earlier run is moved into the encrypted store and the file is deleted.
 */
import type { ICachePlugin, TokenCacheContext } from "@azure/msal-node";
import { createHash, randomUUID } from "node:crypto";
import { mkdirSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { FilePersistence0600, PLAIN_CACHE_FILE, type CachePersistence } from "./cache-file.js";
import { loadMsalExtensions } from "./msal-extensions.js";

export type TokenStoreKind = "dpapi" | "libsecret" | "file";
/** `auto`: encrypted where possible, else the file; `file`: always the 0600 file. */
export type TokenStorePreference = "auto" | "file";

export interface TokenStoreInfo {
  kind: TokenStoreKind;
  /** Why the cache is a plain file (absent when it is encrypted). */
  fallbackReason?: string;
}

export interface TokenStoreOptions {
  stateDir: string;
  tenant: string;
  prefer?: TokenStorePreference;
  /** Deadline of each keyring / DPAPI call (default 10 s). */
  timeoutMs?: number;
  /** For tests of other platforms' decisions; `process.platform` by default. */
  platform?: NodeJS.Platform;
}

/** The Secret Service "service" attribute of Konnekt's entries (what a keyring manager shows). */
export const KEYRING_SERVICE = "Konnekt token cache";
export const DPAPI_CACHE_FILE = "msal-cache.dpapi";
/** With libsecret the extension keeps an empty marker file next to the keyring entry (its mtime). */
export const KEYRING_MARKER_FILE = "msal-cache.keyring";
const DEFAULT_TIMEOUT_MS = 10_000;

/** The keyring account of one tenant's cache: the tenant name plus a hash of its state directory. */
export function keyringAccount(tenant: string, stateDir: string): string {
  return `${tenant}:${createHash("sha256").update(resolve(stateDir)).digest("hex").slice(0, 16)}`;
}

function firstLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split("\n")[0]!.replace(/\s+/g, " ").trim();
}

function withDeadline<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
    timer.unref();
  });
  return Promise.race([p, deadline]).finally(() => clearTimeout(timer));
}

interface SecretPersistence {
  load(): Promise<string | null>;
  save(contents: string): Promise<void>;
  delete(): Promise<boolean>;
}

/** An encrypted persistence with a deadline on every call. */
function bounded(p: SecretPersistence, ms: number, what: string): CachePersistence {
  return {
    load: () => withDeadline(p.load(), ms, what),
    save: (c) => withDeadline(p.save(c), ms, what),
    delete: async () => {
      await withDeadline(p.delete(), ms, what);
    },
  };
}

interface Selected {
  info: TokenStoreInfo;
  persistence: CachePersistence;
}

async function selectStore(o: TokenStoreOptions): Promise<Selected> {
  const file = new FilePersistence0600(join(o.stateDir, PLAIN_CACHE_FILE));
  const fallback = (reason: string): Selected => ({ info: { kind: "file", fallbackReason: reason }, persistence: file });
  if ((o.prefer ?? "auto") === "file") return fallback("the configuration asks for a file");
  const platform = o.platform ?? process.platform;
  const kind: TokenStoreKind | undefined = platform === "win32" ? "dpapi" : platform === "linux" ? "libsecret" : undefined;
  if (!kind) return fallback(`no encrypted token store is supported on ${platform}`);
  const ext = loadMsalExtensions();
  if ("error" in ext) return fallback(ext.error);
  const { FilePersistenceWithDataProtection, DataProtectionScope, LibSecretPersistence } = ext.mod;
  const what = kind === "dpapi" ? "DPAPI" : "the Secret Service";
  const ms = o.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const open = (path: string, account: string): Promise<SecretPersistence> =>
    kind === "dpapi" ? FilePersistenceWithDataProtection.create(path, DataProtectionScope.CurrentUser) : LibSecretPersistence.create(path, KEYRING_SERVICE, account);

  const probeId = randomUUID();
  const probePath = join(o.stateDir, `.token-store-probe-${probeId}`);
  try {
    mkdirSync(o.stateDir, { recursive: true, mode: 0o700 });
    await withDeadline(
      (async () => {
        const probe = await open(probePath, `probe:${probeId}`);
        await probe.save(probeId);
        const back = await probe.load();
        await probe.delete();
        if (back !== probeId) throw new Error("a value written could not be read back");
      })(),
      ms,
      what,
    );
    const secret = bounded(await withDeadline(open(join(o.stateDir, kind === "dpapi" ? DPAPI_CACHE_FILE : KEYRING_MARKER_FILE), keyringAccount(o.tenant, o.stateDir)), ms, what), ms, what);
    // A plain cache from an earlier run (or from a session without a keyring) moves in once.
    const plain = await file.load().catch(() => null);
    if (plain !== null) {
      if ((await secret.load()) === null) await secret.save(plain);
      await file.delete();
    }
    return { info: { kind }, persistence: secret };
  } catch (err) {
    return fallback(`${what} is not usable: ${firstLine(err)}`);
  } finally {
    rmSync(probePath, { force: true });
  }
}

/** The MSAL cache plugin of one tenant over the store chosen on first use. */
export class TokenCachePlugin implements ICachePlugin {
  private selected?: Promise<Selected>;
  private known?: TokenStoreInfo;

  constructor(private readonly opts: TokenStoreOptions) {}

  /** The store in use, choosing it now if that has not happened yet. */
  async ready(): Promise<TokenStoreInfo> {
    return (await this.select()).info;
  }

  /** The store in use, if it has been chosen. */
  info(): TokenStoreInfo | undefined {
    return this.known;
  }

  async beforeCacheAccess(ctx: TokenCacheContext): Promise<void> {
    const { persistence } = await this.select();
    const text = await persistence.load();
    if (text === null || text === "") return;
    try {
      ctx.tokenCache.deserialize(text);
    } catch {
      // A cache that cannot be read is discarded: the user signs in again.
      await persistence.delete();
    }
  }

  async afterCacheAccess(ctx: TokenCacheContext): Promise<void> {
    if (!ctx.cacheHasChanged) return;
    const { persistence } = await this.select();
    await persistence.save(ctx.tokenCache.serialize());
  }

  /** Deletes the cache wherever it is (sign-out). */
  async clear(): Promise<void> {
    const { persistence } = await this.select();
    await persistence.delete();
    rmSync(join(this.opts.stateDir, PLAIN_CACHE_FILE), { force: true });
  }

  private select(): Promise<Selected> {
    this.selected ??= selectStore(this.opts).then((s) => {
      this.known = s.info;
      return s;
    });
    return this.selected;
  }
}
