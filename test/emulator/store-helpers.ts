/** Shared pieces of the store tests (openStore in temp dirs, error codes, content reads). */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Test } from "tap";
import type { EmulatorConfig } from "../../emulator/http/types.js";
import { openStore, type SeedName } from "../../emulator/store/index.js";
import { StoreError, type ContentHandle, type EmulatorStore, type ItemRecord } from "../../emulator/store/types.js";
export const config: EmulatorConfig = {
  accessTokenLifetimeSeconds: 3600,
  refreshTokenLifetimeSeconds: 90 * 86400,
  listViewThreshold: 5000,
  maxJsonBodyBytes: 2 * 1024 * 1024,
  maxUploadBytes: 2 * 1024 * 1024 * 1024,
  graphPageSize: 200,
  deviceCodeIntervalSeconds: 5,
  deviceCodeLifetimeSeconds: 900,
  searchIndexDelaySeconds: 0,
  invalidUrlStatus: 400,
};

export function tempDir(t: Test): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "konnekt-store-"));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export function open(t: Test, seed: SeedName, dataDir = tempDir(t)): ReturnType<typeof openStore> {
  const store = openStore({ dataDir, seed, config });
  t.teardown(() => store.close());
  return store;
}

export async function read(h: ContentHandle, start?: number, end?: number): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of h.open(start, end)) parts.push(c as Buffer);
  return Buffer.concat(parts);
}

export function code(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    if (err instanceof StoreError) return err.code;
    throw err;
  }
  return undefined;
}

export async function codeAsync(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
  } catch (err) {
    if (err instanceof StoreError) return err.code;
    throw err;
  }
  return undefined;
}

export function must(store: EmulatorStore, tenant: string, p: string): ItemRecord {
  const it = store.itemByPath(tenant, p);
  if (!it) throw new Error(`missing ${p}`);
  return it;
}

export function user(store: EmulatorStore, tenant: string, alias: string): string {
  const u = store.userByUpn(tenant, `${alias}@${tenant}.onmicrosoft.com`);
  if (!u) throw new Error(`missing user ${alias}`);
  return u.id;
}

