/**
 * Emulator settings: defaults that follow the real service, overridable with `--config '<json>'`.
 * Overrides are validated strictly: a typo in a test's config must fail loudly, not be ignored.
 */
import type { EmulatorConfig, FaultSettings } from "./http/types.js";
import { spoOptionsProblem } from "./spo/options.js";

export const DEFAULT_CONFIG: Readonly<EmulatorConfig> = Object.freeze({
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
});

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}

type Check = (v: unknown) => boolean;
const positiveInt: Check = (v) => typeof v === "number" && Number.isInteger(v) && v > 0;
const nonNegative: Check = (v) => typeof v === "number" && Number.isFinite(v) && v >= 0;

const CONFIG_CHECKS: Record<keyof EmulatorConfig, [Check, string]> = {
  accessTokenLifetimeSeconds: [positiveInt, "a positive integer"],
  refreshTokenLifetimeSeconds: [positiveInt, "a positive integer"],
  listViewThreshold: [positiveInt, "a positive integer"],
  maxJsonBodyBytes: [positiveInt, "a positive integer"],
  maxUploadBytes: [positiveInt, "a positive integer"],
  graphPageSize: [positiveInt, "a positive integer"],
  deviceCodeIntervalSeconds: [nonNegative, "a number >= 0"],
  deviceCodeLifetimeSeconds: [positiveInt, "a positive integer"],
  searchIndexDelaySeconds: [nonNegative, "a number >= 0"],
  invalidUrlStatus: [(v) => v === 400 || v === 500, "400 or 500"],
  testAutoApproveUser: [(v) => typeof v === "string" && v.length > 0, "a non-empty string"],
  // Its keys are checked by spoOptionsProblem (emulator/spo/options.ts).
  spo: [(v) => typeof v === "object" && v !== null && !Array.isArray(v), "an object"],
};

function parseObject(text: string, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`${what} is not valid JSON: ${(err as Error).message}`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new ConfigError(`${what} must be a JSON object`);
  return value as Record<string, unknown>;
}

/** Defaults merged with an override (a JSON text or an object); throws ConfigError on any unknown key or bad value. */
export function resolveConfig(override?: string | Record<string, unknown>): EmulatorConfig {
  const obj = typeof override === "string" ? parseObject(override, "--config") : (override ?? {});
  const config: EmulatorConfig = { ...DEFAULT_CONFIG };
  for (const [key, value] of Object.entries(obj)) {
    const check = (CONFIG_CHECKS as Record<string, [Check, string] | undefined>)[key];
    if (!check) throw new ConfigError(`unknown config key '${key}' (known: ${Object.keys(CONFIG_CHECKS).join(", ")})`);
    if (value === undefined) continue;
    if (!check[0](value)) throw new ConfigError(`config key '${key}' must be ${check[1]}, got ${JSON.stringify(value)}`);
    if (key === "spo") {
      const problem = spoOptionsProblem(value as Record<string, unknown>);
      if (problem) throw new ConfigError(problem);
    }
    (config as unknown as Record<string, unknown>)[key] = value;
  }
  return config;
}

const rate: Check = (v) => typeof v === "number" && v >= 0 && v <= 1;
const count: Check = (v) => typeof v === "number" && Number.isInteger(v) && v >= 0;

const FAULT_CHECKS: Record<keyof FaultSettings, [Check, string]> = {
  throttleRate: [rate, "a number in 0..1"],
  throttleStatus: [(v) => v === 429 || v === 503, "429 or 503"],
  retryAfterSeconds: [count, "an integer >= 0"],
  latencyMs: [nonNegative, "a number >= 0"],
  bytesPerSecond: [(v) => v === 0 || positiveInt(v), "a positive integer (0 = no cap)"],
  resetRate: [rate, "a number in 0..1"],
  offline: [(v) => typeof v === "boolean", "a boolean"],
  throttleNext: [count, "an integer >= 0"],
  resetNext: [count, "an integer >= 0"],
  resetAfterBytes: [count, "an integer >= 0"],
  seed: [(v) => typeof v === "number" && Number.isInteger(v), "an integer"],
};

/** Validates fault settings (admin `POST /admin/faults`, `--faults`); `extraKeys` are allowed and ignored (e.g. "tenant"). */
export function validateFaults(obj: unknown, extraKeys: string[] = []): FaultSettings {
  if (typeof obj !== "object" || obj === null || Array.isArray(obj)) throw new ConfigError("fault settings must be a JSON object");
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(obj)) {
    if (extraKeys.includes(key)) continue;
    const check = (FAULT_CHECKS as Record<string, [Check, string] | undefined>)[key];
    if (!check) throw new ConfigError(`unknown fault setting '${key}' (known: ${Object.keys(FAULT_CHECKS).join(", ")})`);
    if (value === undefined || value === null) continue;
    if (!check[0](value)) throw new ConfigError(`fault setting '${key}' must be ${check[1]}, got ${JSON.stringify(value)}`);
    out[key] = value;
  }
  return out;
}

/** `--faults '{"contoso":{…},"fabrikam":{…}}'`: settings per tenant name. */
export function parseFaultsFlag(text: string): Record<string, FaultSettings> {
  const obj = parseObject(text, "--faults");
  const out: Record<string, FaultSettings> = {};
  for (const [tenant, settings] of Object.entries(obj)) {
    try {
      out[tenant] = validateFaults(settings);
    } catch (err) {
      throw new ConfigError(`--faults for '${tenant}': ${(err as Error).message}`);
    }
  }
  return out;
}
