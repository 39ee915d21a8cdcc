/**
 * Opens the emulator's store in `<dataDir>/store/`, applying the seed when the data dir is new;
 * later opens continue from the stored state.
 */
import path from "node:path";
import type { EmulatorConfig } from "../http/types.js";
import { seedDemo } from "../seeds/demo.js";
import { seedEmpty } from "../seeds/empty.js";
import { seedLarge } from "../seeds/large.js";
import { SqliteStore, type ChangeRetention } from "./sqlite-store.js";
import type { EmulatorStore } from "./types.js";

export type SeedName = "demo" | "large" | "empty";

export interface OpenStoreOptions {
  dataDir: string;
  seed: SeedName;
  config: EmulatorConfig;
  /** Change-log retention (defaults: 60 days, 1,000,000 entries per list). */
  changeRetention?: Partial<ChangeRetention>;
}

/** The store with its seeding and test hooks (a superset of `EmulatorStore`). */
export type Store = SqliteStore;

export function openStore(opts: OpenStoreOptions): EmulatorStore & Store {
  const store = new SqliteStore({ dir: path.join(opts.dataDir, "store"), ...(opts.changeRetention ? { retention: opts.changeRetention } : {}) });
  try {
    if (store.isNew()) {
      store.transaction(() => {
        if (opts.seed === "demo") seedDemo(store);
        else if (opts.seed === "large") seedLarge(store);
        else seedEmpty(store);
        store.markSeeded(opts.seed);
      });
    }
  } catch (err) {
    store.close();
    throw err;
  }
  return store;
}

export { SqliteStore } from "./sqlite-store.js";
export { syntheticBytes } from "./content.js";
export { driveIdFor, decodeDriveId } from "./ids.js";
