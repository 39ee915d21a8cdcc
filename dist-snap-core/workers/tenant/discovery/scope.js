function globToRegExp(glob) {
    const body = glob.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".");
    return new RegExp(`^${body}$`, "i");
}
function matchesRule(lib, rule) {
    const subject = /^https?:\/\//i.test(rule) ? lib.key : `${lib.siteName}/${lib.libraryName}`;
    return globToRegExp(rule.replace(/\/+$/, "")).test(subject);
}
export function matchesScope(lib, rules) {
    if (!rules)
        return true;
    if ((rules.exclude ?? []).some((r) => matchesRule(lib, r)))
        return false;
    const inc = rules.include ?? [];
    return inc.length === 0 || inc.some((r) => matchesRule(lib, r));
}
//# sourceMappingURL=scope.js.map