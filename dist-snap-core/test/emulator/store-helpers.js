/** Shared pieces of the store tests (openStore in temp dirs, error codes, content reads). */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { openStore } from "../../emulator/store/index.js";
import { StoreError } from "../../emulator/store/types.js";
export const config = {
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
export function tempDir(t) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "konnekt-store-"));
    t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
    return dir;
}
export function open(t, seed, dataDir = tempDir(t)) {
    const store = openStore({ dataDir, seed, config });
    t.teardown(() => store.close());
    return store;
}
export async function read(h, start, end) {
    const parts = [];
    for await (const c of h.open(start, end))
        parts.push(c);
    return Buffer.concat(parts);
}
export function code(fn) {
    try {
        fn();
    }
    catch (err) {
        if (err instanceof StoreError)
            return err.code;
        throw err;
    }
    return undefined;
}
export async function codeAsync(p) {
    try {
        await p;
    }
    catch (err) {
        if (err instanceof StoreError)
            return err.code;
        throw err;
    }
    return undefined;
}
export function must(store, tenant, p) {
    const it = store.itemByPath(tenant, p);
    if (!it)
        throw new Error(`missing ${p}`);
    return it;
}
export function user(store, tenant, alias) {
    const u = store.userByUpn(tenant, `${alias}@${tenant}.onmicrosoft.com`);
    if (!u)
        throw new Error(`missing user ${alias}`);
    return u.id;
}
//# sourceMappingURL=store-helpers.js.map