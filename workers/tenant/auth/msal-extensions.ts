/**
 * Loads @azure/msal-node-extensions once, on demand. Its entry point pulls in keytar (a native
 * binding to libsecret) and @azure/msal-node-runtime (the WAM broker); either may fail to load on a
 * machine without those libraries, and that must only turn the encrypted token store and the
 * broker off, never stop the tenant from signing in. Loaded synchronously because the broker has
 * to be known when the MSAL client is built.
 */
import { createRequire } from "node:module";

export type MsalExtensions = typeof import("@azure/msal-node-extensions");

let loaded: { mod: MsalExtensions } | { error: string } | undefined;

export function loadMsalExtensions(): { mod: MsalExtensions } | { error: string } {
  if (!loaded) {
    try {
      loaded = { mod: createRequire(import.meta.url)("@azure/msal-node-extensions") as MsalExtensions };
    } catch (err) {
      loaded = { error: `@azure/msal-node-extensions could not be loaded (${(err instanceof Error ? err.message : String(err)).split("\n")[0]})` };
    }
  }
  return loaded;
}
