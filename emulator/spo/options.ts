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
