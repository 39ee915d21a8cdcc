/**
 * Names the write path treats specially.
 *
 * Local-only names: Office and LibreOffice lock and temp files live next to the document while it is
 * open. Uploading them would show co-authors phantom files and churn versions, so they stay in the
 * local staging area and are never journalled for upload (ARCHITECTURE "Writes").
 *   `~$report.docx`   Word/Excel/PowerPoint owner lock file
 *   `~WRL0001.tmp`    Office temp saves (`~*.tmp`)
 *   `.~lock.report.odt#`  LibreOffice lock file
 *
 * Conflict copies: when the server's file moved on since the edit began (412), the local version
 * is uploaded beside it as
 *   `<stem> (conflict <who> <yyyy-mm-dd hh-mm>)<ext>`   e.g. `plan (conflict adele 2026-11-27 14-05).docx`
 * `who` is the user's short name (or the host when there is none), the time is UTC, and the service
 * appends ` 1`, ` 2`, … if that name is taken too. The extension stays last so the file still opens
 * in its application.
 */

const LOCAL_ONLY: RegExp[] = [/^~\$/, /^~.*\.tmp$/i, /^\.~lock\..*#$/];

export function isLocalOnlyName(name: string): boolean {
  return LOCAL_ONLY.some((re) => re.test(name));
}

function two(n: number): string {
  return String(n).padStart(2, "0");
}

/** Characters SharePoint refuses in names (ARCHITECTURE "The namespace") are dropped from `who`. */
function cleanWho(who: string): string {
  const cleaned = who.replace(/["*:<>?/\\|#%~]/g, "").replace(/\s+/g, " ").trim();
  return cleaned === "" ? "unknown" : cleaned.slice(0, 40);
}

export function conflictCopyName(name: string, who: string, when: Date): string {
  const dot = name.lastIndexOf(".");
  const stem = dot > 0 ? name.slice(0, dot) : name;
  const ext = dot > 0 ? name.slice(dot) : "";
  const stamp = `${when.getUTCFullYear()}-${two(when.getUTCMonth() + 1)}-${two(when.getUTCDate())} ${two(when.getUTCHours())}-${two(when.getUTCMinutes())}`;
  return `${stem} (conflict ${cleanWho(who)} ${stamp})${ext}`;
}

/** The most names `<stem> 1<ext>` … a search for a renamed upload tries (the service's own range is far smaller in practice). */
export const MAX_SERVICE_RENAMES = 100;

/**
 * The name the service gives an upload with conflict behaviour `rename` when `name` and the `n - 1`
 * names before this one are taken: `<stem> <n><ext>` (`Plan (conflict adele …) 1.docx`), the
 * extension kept last — SharePoint's and the emulator's rule (emulator/graph/upload.ts `freeName`).
 */
export function serviceRename(name: string, n: number): string {
  const dot = name.lastIndexOf(".");
  const stem = dot > 0 ? name.slice(0, dot) : name;
  const ext = dot > 0 ? name.slice(dot) : "";
  return `${stem} ${n}${ext}`;
}
