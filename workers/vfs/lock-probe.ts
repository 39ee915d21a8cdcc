/**
 * Who holds a file: its check-out and its co-authoring lock, read from SharePoint REST.
 *
 * Drive items do not carry this: a check-out shows only as `publication.level = "checkout"`
 * (without the user) and a co-authoring lock not at all (spo-protocol.md A.9, A.17), and the
 * metadata store keeps neither. So the mount asks SP.File for its `CheckedOutByUser` and
 * `LockedByUser` (one request, both expanded) when it needs to know: before a write open and for
 * the holder xattrs. The answer is reused per ETag for a short time (LockCache below).
 */
import type { LibraryInfo } from "../tenant/discovery/discover.js";
import type { TenantRequestInit } from "../tenant/http.js";

/** What a holder looks like to a user: `Megan Bowen <megan@contoso.com>`. */
export interface LockState {
  /** The user holding the check-out, when the file is checked out. */
  checkedOutTo?: string;
  /** Whether that user is the signed-in one (then writes are theirs to make). */
  checkedOutToMe: boolean;
  /** The user holding a co-authoring (shared or exclusive) lock, while it lasts. */
  lockedBy?: string;
}

export const NOT_LOCKED: LockState = { checkedOutToMe: false };

/** The part of TenantHttp this needs (JSON with the tenant's token, retries and budget). */
export interface JsonClient {
  json<T>(url: string, init?: TenantRequestInit): Promise<T>;
}

export interface LockSource {
  state(lib: LibraryInfo, uniqueId: string, signal: AbortSignal): Promise<LockState>;
}

interface SpUser {
  LoginName?: string;
  Title?: string;
  Email?: string;
}

interface SpFileLocks {
  CheckOutType?: number;
  CheckedOutByUser?: SpUser | null;
  LockedByUser?: SpUser | null;
}

const USER_FIELDS = ["Title", "Email", "LoginName"];
const SELECT = ["CheckOutType", ...USER_FIELDS.map((f) => `CheckedOutByUser/${f}`), ...USER_FIELDS.map((f) => `LockedByUser/${f}`)].join(",");

function display(u: SpUser | null | undefined): string | undefined {
  if (!u || (!u.Title && !u.Email && !u.LoginName)) return undefined;
  if (u.Title && u.Email) return `${u.Title} <${u.Email}>`;
  return u.Title || u.Email || u.LoginName;
}

export class RestLockSource implements LockSource {
  /** The signed-in user's login name per web (a check-out by them is not someone else's). */
  private readonly me = new Map<string, Promise<string | undefined>>();

  constructor(private readonly http: JsonClient) {}

  async state(lib: LibraryInfo, uniqueId: string, signal: AbortSignal): Promise<LockState> {
    const url = `${lib.webUrl}/_api/web/GetFileById('${uniqueId}')?$select=${SELECT}&$expand=CheckedOutByUser,LockedByUser`;
    const [j, me] = await Promise.all([this.http.json<SpFileLocks>(url, { signal, context: "Reading who holds a file" }), this.currentUser(lib.webUrl, signal)]);
    const checkedOutTo = display(j.CheckedOutByUser);
    const lockedBy = display(j.LockedByUser);
    const login = j.CheckedOutByUser?.LoginName?.toLowerCase();
    return {
      ...(checkedOutTo !== undefined ? { checkedOutTo } : {}),
      checkedOutToMe: checkedOutTo !== undefined && login !== undefined && login === me,
      ...(lockedBy !== undefined ? { lockedBy } : {}),
    };
  }

  private currentUser(webUrl: string, signal: AbortSignal): Promise<string | undefined> {
    let p = this.me.get(webUrl);
    if (!p) {
      p = this.http
        .json<SpUser>(`${webUrl}/_api/web/currentuser?$select=LoginName`, { signal, context: "Reading the signed-in user" })
        .then((u) => u.LoginName?.toLowerCase());
      // A failure is not remembered: the next probe asks again.
      p.catch(() => this.me.delete(webUrl));
      this.me.set(webUrl, p);
    }
    return p;
  }
}

/** How long a probe answer is reused for xattrs while the item's ETag stays the same. */
export const LOCK_STATE_TTL_MS = 15_000;
/** The same for a write open: the refusal should rest on what SharePoint says now. */
export const WRITE_OPEN_MAX_AGE_MS = 5_000;

/** Whether a holder other than the signed-in user keeps others from writing. */
export function heldByOther(state: LockState): boolean {
  return state.lockedBy !== undefined || (state.checkedOutTo !== undefined && !state.checkedOutToMe);
}

/**
 * Probe answers per item, reused while the ETag the metadata store holds is unchanged and for at
 * most `ttlMs` (or a caller's shorter `maxAgeMs`). A check-out moves the ETag and shows in change
 * polling, so the next write open or getxattr after the poll asks again at once; a co-authoring
 * lock is not reported by change polling, so the age bound is what limits how late it is seen.
 *
 * `heldNow` answers from the last answer for the version without asking (file modes are built
 * synchronously, per listing entry); `onHeldChange` fires when an answer flips that.
 */
export class LockCache {
  private readonly entries = new Map<string, { etag: string; at: number; state: Promise<LockState>; settled?: LockState }>();
  /** The last settled answer per item, kept past the TTL: a mode should not flip back on its own. */
  private readonly lastHeld = new Map<string, { etag: string; held: boolean; at: number }>();

  constructor(
    private readonly source: LockSource,
    private readonly ttlMs = LOCK_STATE_TTL_MS,
    private readonly now: () => number = Date.now,
    private readonly onHeldChange?: (uniqueId: string) => void,
  ) {}

  get(lib: LibraryInfo, uniqueId: string, etag: string, signal: AbortSignal, maxAgeMs = this.ttlMs): Promise<LockState> {
    const hit = this.entries.get(uniqueId);
    if (hit && hit.etag === etag && this.now() - hit.at <= Math.min(maxAgeMs, this.ttlMs)) return hit.state;
    const state = this.source.state(lib, uniqueId, signal);
    const entry: { etag: string; at: number; state: Promise<LockState>; settled?: LockState } = { etag, at: this.now(), state };
    this.entries.set(uniqueId, entry);
    state.then(
      (v) => {
        entry.settled = v;
        this.settle(uniqueId, etag, heldByOther(v));
      },
      // Failures (offline, throttled) are not cached: the next caller asks again.
      () => {
        if (this.entries.get(uniqueId) === entry) this.entries.delete(uniqueId);
      },
    );
    if (this.entries.size > 10_000) this.entries.delete(this.entries.keys().next().value!);
    return state;
  }

  /** The answer already held for this version, without asking; undefined when none is fresh. */
  async known(uniqueId: string, etag: string): Promise<LockState | undefined> {
    const hit = this.entries.get(uniqueId);
    if (!hit || hit.etag !== etag || this.now() - hit.at > this.ttlMs) return undefined;
    return hit.state.catch(() => undefined);
  }

  /**
   * Whether the last answer for this version said someone else holds the file: "held", or "stale"
   * when that answer is older than the TTL (still held as far as anyone knows: the caller asks
   * again in the background). A co-authoring lock does not move the ETag, so only a newer answer
   * may say it ended; a check-out's end moves the ETag and so clears this at once.
   */
  heldNow(uniqueId: string, etag: string | undefined): "held" | "stale" | undefined {
    const last = this.lastHeld.get(uniqueId);
    if (last === undefined || last.etag !== etag || !last.held) return undefined;
    return this.now() - last.at > this.ttlMs ? "stale" : "held";
  }

  /** Forget an item's answer (this mount just changed it). */
  drop(uniqueId: string): void {
    this.entries.delete(uniqueId);
    if (this.lastHeld.delete(uniqueId)) this.onHeldChange?.(uniqueId);
  }

  private settle(uniqueId: string, etag: string, held: boolean): void {
    const before = this.lastHeld.get(uniqueId);
    this.lastHeld.set(uniqueId, { etag, held, at: this.now() });
    if (this.lastHeld.size > 10_000) this.lastHeld.delete(this.lastHeld.keys().next().value!);
    if ((before !== undefined && before.etag === etag && before.held) !== held) this.onHeldChange?.(uniqueId);
  }
}
