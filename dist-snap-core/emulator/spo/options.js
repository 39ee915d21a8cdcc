export const DEFAULT_SPO_OPTIONS = Object.freeze({
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
export function spoOptions(config) {
    return { ...DEFAULT_SPO_OPTIONS, ...(config.spo ?? {}) };
}
//# sourceMappingURL=options.js.map