/**
 * The content engine's DownloadSource and UploadTarget for a whole tenant: one GraphDrive per
 * library, chosen by the key. Keys are `<driveId>/<driveItemId>` for items and parents, so a key
 * names its library and needs no lookup.
 */
import { KonnektError } from "../errors.js";
import { DEFAULT_RETRY_POLICY, shouldRetry, sleep } from "../retry.js";
import { GraphDrive } from "../content/graph-drive.js";
import type { DownloadInfo, DownloadSource, FragmentResult, RemoteContent, UploadAddress, UploadedItem, UploadOptions, UploadTarget } from "../content/types.js";
import type { LibraryInfo } from "../tenant/discovery/discover.js";
import type { TokenProvider } from "../tenant/http.js";

export function contentKey(driveId: string, itemId: string): string {
  return `${driveId}/${itemId}`;
}

function splitKey(key: string): { driveId: string; itemId: string } {
  const i = key.lastIndexOf("/");
  if (i <= 0) throw new KonnektError("invalidArgument", `Not a content key: ${key}`);
  return { driveId: key.slice(0, i), itemId: key.slice(i + 1) };
}

export class ContentRouter implements DownloadSource, UploadTarget {
  private readonly drives = new Map<string, GraphDrive>();

  constructor(
    private readonly libraries: () => LibraryInfo[],
    private readonly tokens: TokenProvider,
    private readonly ca?: string,
  ) {}

  private drive(driveId: string): GraphDrive {
    let d = this.drives.get(driveId);
    if (!d) {
      const lib = this.libraries().find((l) => l.driveId === driveId);
      if (!lib) throw new KonnektError("notFound", "The library of this item is no longer available.", { driveId });
      const origin = new URL(lib.webUrl).origin;
      d = new GraphDrive({
        siteUrl: lib.webUrl,
        driveId,
        token: (signal) => this.tokens.getToken(origin, { signal }),
        ...(this.ca !== undefined ? { ca: this.ca } : {}),
      });
      this.drives.set(driveId, d);
    }
    return d;
  }

  private route(addr: UploadAddress): { drive: GraphDrive; addr: UploadAddress } {
    const parent = splitKey(addr.parentKey);
    return {
      drive: this.drive(parent.driveId),
      addr: { parentKey: parent.itemId, name: addr.name, ...(addr.itemKey !== undefined ? { itemKey: splitKey(addr.itemKey).itemId } : {}) },
    };
  }

  private rekey(driveId: string, item: UploadedItem): UploadedItem {
    return { ...item, itemKey: contentKey(driveId, item.itemKey) };
  }

  /**
   * Always asks the service (GraphDrive keeps no URL cache), so a refresh is implied. GraphDrive
   * makes one attempt; a read must not fail on one throttled answer, so this retries what
   * shouldRetry retries (429/503/504 honouring Retry-After, 5xx, network errors).
   */
  async getDownloadUrl(itemKey: string, signal: AbortSignal): Promise<DownloadInfo> {
    const { driveId, itemId } = splitKey(itemKey);
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.drive(driveId).getDownloadUrl(itemId, signal);
      } catch (err) {
        const status = err instanceof KonnektError && typeof err.data.status === "number" ? err.data.status : undefined;
        const ra = err instanceof KonnektError && typeof err.data.retryAfterSeconds === "number" ? { "retry-after": String(err.data.retryAfterSeconds) } : undefined;
        const failure = status !== undefined ? { status, ...(ra ? { headers: ra } : {}) } : { error: (err as { cause?: unknown }).cause ?? err };
        const d = shouldRetry(failure, attempt, DEFAULT_RETRY_POLICY, signal);
        if (!d.retry) throw err;
        await sleep(d.delayMs, signal);
      }
    }
  }

  async putSmall(addr: UploadAddress, body: Buffer, opts: UploadOptions, signal: AbortSignal): Promise<UploadedItem> {
    const r = this.route(addr);
    return this.rekey(splitKey(addr.parentKey).driveId, await r.drive.putSmall(r.addr, body, opts, signal));
  }

  createSession(addr: UploadAddress, size: number, opts: UploadOptions, signal: AbortSignal): Promise<{ uploadUrl: string; expiresAt?: number }> {
    const r = this.route(addr);
    return r.drive.createSession(r.addr, size, opts, signal);
  }

  async putFragment(uploadUrl: string, start: number, bytes: Buffer, total: number, signal: AbortSignal): Promise<FragmentResult> {
    // Upload URLs are pre-authenticated and absolute: any drive of the tenant can send them.
    const driveId = this.driveOfUploadUrl(uploadUrl);
    const r = await this.drive(driveId).putFragment(uploadUrl, start, bytes, total, signal);
    return r.done ? { done: true, item: this.rekey(driveId, r.item) } : r;
  }

  /** What the library holds at an address, so a commit that landed before a crash is recognised by its hash. */
  async remoteContent(addr: UploadAddress, signal: AbortSignal): Promise<RemoteContent | undefined> {
    const r = this.route(addr);
    const got = await r.drive.remoteContent(r.addr, signal);
    return got && { ...got, item: this.rekey(splitKey(addr.parentKey).driveId, got.item) };
  }

  sessionStatus(uploadUrl: string, signal: AbortSignal): Promise<{ nextExpected: number } | undefined> {
    return this.drive(this.driveOfUploadUrl(uploadUrl)).sessionStatus(uploadUrl, signal);
  }

  cancelSession(uploadUrl: string, signal: AbortSignal): Promise<void> {
    return this.drive(this.driveOfUploadUrl(uploadUrl)).cancelSession(uploadUrl, signal);
  }

  /** Sessions are created per library; the journal keeps only the URL, so the first library of the same origin serves it. */
  private driveOfUploadUrl(uploadUrl: string): string {
    const origin = new URL(uploadUrl).origin;
    const lib = this.libraries().find((l) => new URL(l.webUrl).origin === origin);
    if (!lib) throw new KonnektError("notFound", "No library of this tenant serves this upload URL.");
    return lib.driveId;
  }
}
