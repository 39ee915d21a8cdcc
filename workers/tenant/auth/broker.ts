/**
 * The WAM broker (Windows Web Account Manager) through @azure/msal-node-extensions'
 * NativeBrokerPlugin: single sign-on with the account Windows is signed in with, which is what
 * VDI users expect. It sits behind the same TenantAuth interface; MSAL routes interactive and
 * silent requests to it when it is present and available. Elsewhere (Linux, macOS, the runtime
 * missing) it reports why it is unavailable and the ordinary flows are used.
 */
import type { INativeBrokerPlugin } from "@azure/msal-node";
import { loadMsalExtensions } from "./msal-extensions.js";

export interface BrokerInfo {
  available: boolean;
  /** Why the broker is not used. */
  reason?: string;
}

export function nativeBroker(enabled: boolean, platform: NodeJS.Platform = process.platform): { plugin?: INativeBrokerPlugin; info: BrokerInfo } {
  if (!enabled) return { info: { available: false, reason: "the broker is not enabled in the configuration" } };
  if (platform !== "win32") return { info: { available: false, reason: "the WAM broker exists on Windows only" } };
  const ext = loadMsalExtensions();
  if ("error" in ext) return { info: { available: false, reason: ext.error } };
  const plugin = new ext.mod.NativeBrokerPlugin();
  if (!plugin.isBrokerAvailable) return { info: { available: false, reason: "the WAM broker runtime could not be started" } };
  return { plugin, info: { available: true } };
}
