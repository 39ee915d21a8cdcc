/**
 * Include/exclude rules for discovery. A rule is a glob over `<site>/<library>` names (`*` any run
 * of characters, `?` one) or over the library's absolute URL when it starts with `https://`.
 * Excludes win over includes; no includes means everything.
 */
export interface ScopeRules {
  include?: string[];
  exclude?: string[];
}

interface Scoped {
  siteName: string;
  libraryName: string;
  key: string;
}

function globToRegExp(glob: string): RegExp {
  const body = glob.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".");
  return new RegExp(`^${body}$`, "i");
}

function matchesRule(lib: Scoped, rule: string): boolean {
  const subject = /^https?:\/\//i.test(rule) ? lib.key : `${lib.siteName}/${lib.libraryName}`;
  return globToRegExp(rule.replace(/\/+$/, "")).test(subject);
}

export function matchesScope(lib: Scoped, rules: ScopeRules | undefined): boolean {
  if (!rules) return true;
  if ((rules.exclude ?? []).some((r) => matchesRule(lib, r))) return false;
  const inc = rules.include ?? [];
  return inc.length === 0 || inc.some((r) => matchesRule(lib, r));
}
