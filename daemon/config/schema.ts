/**
 * The configuration keys: one table with each key's JSON Schema, default and description.
 * Keys are flat and dotted (`discovery.include`), as in the config file and the policy file, so a
 * key names the same thing in the file, in `config.get`, in policy and in error messages.
 * Layering: machine policy > user config > default (docs/daemon.md#configuration).
 */
import { join } from "node:path";
import type { JsonSchema } from "../../rpc-schema/openrpc.js";
import type { DaemonPaths } from "../paths.js";

export interface ConfigKeyDefinition {
  description: string;
  schema: JsonSchema;
  default: (paths: DaemonPaths) => unknown;
}

const stringList: JsonSchema = { type: "array", items: { type: "string", minLength: 1 } };

const tenantEntry: JsonSchema = {
  type: "object",
  required: ["name", "url"],
  properties: {
    name: { type: "string", pattern: "^[a-z0-9][a-z0-9-]{0,62}$" },
    url: { type: "string", pattern: "^https://" },
    clientId: { type: "string" },
    tenantId: { type: "string" },
    signInMode: { type: "string", enum: ["interactive", "deviceCode", "certificate"] },
    autoConnect: { type: "boolean" },
    certificatePath: { type: "string" },
    "discovery.include": stringList,
    "discovery.exclude": stringList,
  },
  additionalProperties: false,
};

export const CONFIG_KEYS = {
  mountRoot: {
    description: "Directory where the namespace <tenant>/<site>/<library> is mounted.",
    schema: { type: "string", pattern: "^/" },
    default: (p) => join(p.home, "Konnekt"),
  },
  cacheDir: {
    description: "Directory of the content cache (never holds the upload journal).",
    schema: { type: "string", pattern: "^/" },
    default: (p) => p.cacheDir,
  },
  cacheSizeMiB: {
    description: "Upper bound of the content cache in MiB; pinned files and pending uploads count against it.",
    schema: { type: "integer", minimum: 64, maximum: 16 * 1024 * 1024 },
    default: () => 10240,
  },
  logLevel: {
    description: "Daemon log level.",
    schema: { type: "string", enum: ["fatal", "error", "warn", "info", "debug", "trace", "silent"] },
    default: () => "info",
  },
  tenants: {
    description: "Tenants to connect: [{name, url, clientId?, tenantId?, signInMode?, autoConnect?, discovery.include?, discovery.exclude?}].",
    schema: { type: "array", items: tenantEntry },
    default: () => [],
  },
  allowedTenants: {
    description: "Tenant ids or host names that may be connected; empty allows all (usually set by policy).",
    schema: stringList,
    default: () => [],
  },
  autoConnect: {
    description: "Connect the configured tenants when the daemon starts.",
    schema: { type: "boolean" },
    default: () => true,
  },
  authorityHost: {
    description: "Entra ID sign-in authority (host only); the emulator's authority when rehearsing against `konnekt emulator`.",
    schema: { type: "string", pattern: "^https://" },
    default: () => "https://login.microsoftonline.com",
  },
  pollSeconds: {
    description: "Seconds between change polls of each opened library.",
    schema: { type: "integer", minimum: 1, maximum: 3600 },
    default: () => 30,
  },
  clientId: {
    description: "Entra ID application (client) id used for sign-in; null uses the built-in default.",
    schema: { type: ["string", "null"] },
    default: () => null,
  },
  signInMode: {
    description: "Default sign-in flow for new tenants.",
    schema: { type: "string", enum: ["interactive", "deviceCode", "certificate"] },
    default: () => "interactive",
  },
  "discovery.include": {
    description: "Only libraries whose site URL or namespace path matches one of these globs are shown; empty shows all.",
    schema: stringList,
    default: () => [],
  },
  "discovery.exclude": {
    description: "Libraries whose site URL or namespace path matches one of these globs are hidden.",
    schema: stringList,
    default: () => [],
  },
  "discovery.query": {
    description: "KQL query used by search-based discovery.",
    schema: { type: "string" },
    default: () => "contentclass:STS_List_DocumentLibrary",
  },
  "discovery.refreshMinutes": {
    description: "Minutes between background discovery runs.",
    schema: { type: "integer", minimum: 5, maximum: 1440 },
    default: () => 60,
  },
  managedMappings: {
    description: "Drives mapped by the administrator: '<url>[|<name>[|<drive>[|<tenant>]]]' (KONNEKT syntax).",
    schema: stringList,
    default: () => [],
  },
  "uploads.maxConcurrent": {
    description: "Uploads running at once per tenant.",
    schema: { type: "integer", minimum: 1, maximum: 32 },
    default: () => 4,
  },
  "links.scope": {
    description: "Default scope of sharing links created by item.sharingLink.",
    schema: { type: "string", enum: ["anonymous", "organization", "users"] },
    default: () => "organization",
  },
} satisfies Record<string, ConfigKeyDefinition>;

export type ConfigKeyName = keyof typeof CONFIG_KEYS;

export function isConfigKey(key: string): key is ConfigKeyName {
  return Object.prototype.hasOwnProperty.call(CONFIG_KEYS, key);
}
