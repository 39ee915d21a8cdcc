/**
 * Opens the emulator's store in `<dataDir>/store/`, applying the seed when the data dir is new;
 * later opens continue from the stored state.
 */
import path from "node:path";
import { seedDemo } from "../seeds/demo.js";
import { seedEmpty } from "../seeds/empty.js";
import { seedLarge } from "../seeds/large.js";
import { SqliteStore } from "./sqlite-store.js";
export function openStore(opts) {
    const store = new SqliteStore({ dir: path.join(opts.dataDir, "store"), ...(opts.changeRetention ? { retention: opts.changeRetention } : {}) });
    try {
        if (store.isNew()) {
            store.transaction(() => {
                if (opts.seed === "demo")
                    seedDemo(store);
                else if (opts.seed === "large")
                    seedLarge(store);
                else
                    seedEmpty(store);
                store.markSeeded(opts.seed);
            });
        }
    }
    catch (err) {
        store.close();
        throw err;
    }
    return store;
}
export { SqliteStore } from "./sqlite-store.js";
export { syntheticBytes } from "./content.js";
export { driveIdFor, decodeDriveId } from "./ids.js";
//# sourceMappingURL=index.js.map