/** Defaults for the SharePoint REST choices spo-protocol.md leaves UNSURE (EmulatorConfig.spo overrides). */
import type { EmulatorConfig, SpoOptions } from "../http/types.js";

export const DEFAULT_SPO_OPTIONS: Readonly<SpoOptions> = Object.freeze({
  checkedOutStatus: 423,
  notCheckedOutStatus: 400,
  emitFormsFolder: true,
  missingFolderChildren: "empty",
  expiredChangeToken: "error",
  expiredChangeTokenStatus: 400,
  quoteItemEtag: true,
  searchRowLimitCap: 500,
  itemsDefaultTop: 100,
  changesFetchLimit: 1000,
});

export function spoOptions(config: EmulatorConfig): SpoOptions {
  return { ...DEFAULT_SPO_OPTIONS, ...(config.spo ?? {}) };
}

const status = (v: unknown): boolean => typeof v === "number" && Number.isInteger(v) && v >= 400 && v <= 599;
const positive = (v: unknown): boolean => typeof v === "number" && Number.isInteger(v) && v > 0;
const bool = (v: unknown): boolean => typeof v === "boolean";

const SPO_CHECKS: Record<keyof SpoOptions, [(v: unknown) => boolean, string]> = {
  checkedOutStatus: [status, "an HTTP error status (400-599)"],
  notCheckedOutStatus: [status, "an HTTP error status (400-599)"],
  emitFormsFolder: [bool, "a boolean"],
  missingFolderChildren: [(v) => v === "empty" || v === "notFound", '"empty" or "notFound"'],
  expiredChangeToken: [(v) => v === "error" || v === "empty", '"error" or "empty"'],
  expiredChangeTokenStatus: [status, "an HTTP error status (400-599)"],
  quoteItemEtag: [bool, "a boolean"],
  searchRowLimitCap: [positive, "a positive integer"],
  itemsDefaultTop: [positive, "a positive integer"],
  changesFetchLimit: [positive, "a positive integer"],
};

/** Why `config.spo` is not acceptable (an unknown key or a bad value), or undefined when it is. */
export function spoOptionsProblem(value: Record<string, unknown>): string | undefined {
  for (const [key, v] of Object.entries(value)) {
    const check = (SPO_CHECKS as Record<string, [(v: unknown) => boolean, string] | undefined>)[key];
    if (!check) return `unknown config key 'spo.${key}' (known: ${Object.keys(SPO_CHECKS).join(", ")})`;
    if (!check[0](v)) return `config key 'spo.${key}' must be ${check[1]}, got ${JSON.stringify(v)}`;
  }
  return undefined;
}
