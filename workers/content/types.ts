/**
 * The content engine's view of the rest of the tenant worker: the narrow interfaces it consumes
 * (declared here, by the consumer, as rclone's vfscache declares what it needs of a backend) and
 * that the tenant engine implements on top of its SharePoint client, tokens and metadata.
 *
 * Layering: mount adapter → ItemReader / UploadJournal (this engine) → DownloadSource /
 * UploadTarget (tenant engine) → SharePoint. This engine never sees a bearer token: download URLs
 * and upload-session URLs are pre-authenticated (`tempauth`), and the requests that need
 * Authorization (getting a download URL, small PUTs, creating a session) go through the interfaces.
 */

/** A pre-authenticated download URL of an item's current content. */
export interface DownloadInfo {
  /** `…/_layouts/15/download.aspx?UniqueId=…&tempauth=…` (Graph `@content.downloadUrl`). */
  url: string;
  /** The item's ETag the URL serves; it keys the cached bytes. */
  etag: string;
  size: number;
  /** When the URL stops working, if known (epoch ms). The engine also refreshes on 401/403. */
  expiresAt?: number;
}

export interface DownloadSource {
  /**
   * The download URL of an item. `refresh` asks for a new one because the old one was refused
   * (tempauth expired): do not answer from a cache. A changed ETag in the answer tells the engine
   * the file changed.
   */
  getDownloadUrl(itemKey: string, signal: AbortSignal, opts?: { refresh?: boolean }): Promise<DownloadInfo>;
}

/** Where an upload goes: the item it replaces (if it existed when the edit began), else parent + name. */
export interface UploadAddress {
  /** The tenant engine's key of the parent folder (e.g. `<driveId>/<itemId>`). */
  parentKey: string;
  /** File name in the parent. */
  name: string;
  /** The tenant engine's key of the file being replaced; undefined for a new file. */
  itemKey?: string;
}

/** The service's answer once content is committed. */
export interface UploadedItem {
  itemKey: string;
  name: string;
  etag: string;
  size: number;
  /**
   * The driveItem's `cTag` (moves only when the content changes, unlike the ETag), when the service
   * gave one: the tenant engine's change detection compares it, so a consumer recording the
   * uploaded version should store it too.
   */
  cTag?: string;
}

/** What the service holds at an upload's address: enough to tell whether it is our content. */
export interface RemoteContent {
  item: UploadedItem;
  /** Graph `file.hashes`, whichever the service computed (SharePoint: quickXorHash). */
  hashes: { quickXorHash?: string; sha1Hash?: string; sha256Hash?: string };
}

/**
 * What to do when the name is taken by another item than the one addressed:
 * - "replace": overwrite it (a normal save);
 * - "rename": let the service pick a free name (`name 1.ext`), used for conflict copies.
 */
export type NameConflict = "replace" | "rename";

export interface UploadOptions {
  /** The ETag the edit was based on (`If-Match`); undefined for a new file. 412 → KonnektError `conflict`. */
  ifMatch?: string;
  onNameConflict: NameConflict;
}

export type FragmentResult = { done: false; nextExpected: number } | { done: true; item: UploadedItem };

/**
 * Uploads, as the tenant engine's SharePoint client performs them. Failures throw KonnektError with
 * the service's status in `data.status` and `data.retryAfterSeconds` when given: `conflict` (412),
 * `locked` (423), `throttled` (429/503), `offline` (network), `notFound` (expired session / gone
 * parent), others as errors.ts maps them. One attempt per call: the upload queue owns retries.
 */
export interface UploadTarget {
  /** One-request upload of a small file (Graph `PUT …/content`, ≤ 4 MiB). */
  putSmall(addr: UploadAddress, body: Buffer, opts: UploadOptions, signal: AbortSignal): Promise<UploadedItem>;
  /** `createUploadSession`: a pre-authenticated URL that takes the fragments. */
  createSession(addr: UploadAddress, size: number, opts: UploadOptions, signal: AbortSignal): Promise<{ uploadUrl: string; expiresAt?: number }>;
  /**
   * `PUT uploadUrl` with `Content-Range: bytes start-(start+len-1)/total`. Every fragment but the last
   * is a multiple of 327,680 bytes. A 416 (range already received) throws `invalidArgument` with
   * `data.nextExpected` when the service said where to continue.
   */
  putFragment(uploadUrl: string, start: number, bytes: Buffer, total: number, signal: AbortSignal): Promise<FragmentResult>;
  /** `GET uploadUrl`: where to continue; undefined when the session expired or is unknown. */
  sessionStatus(uploadUrl: string, signal: AbortSignal): Promise<{ nextExpected: number } | undefined>;
  /** `DELETE uploadUrl`; best effort. */
  cancelSession(uploadUrl: string, signal: AbortSignal): Promise<void>;
  /**
   * The file currently at an address (by `itemKey` when given, else parent + name), with its
   * hashes; undefined when nothing is there. The queue asks it after a 412, or when a journalled
   * session is gone, to recognise an upload that committed just before a crash (same content →
   * done, no conflict copy). Optional: without it those cases keep both versions, as before.
   */
  remoteContent?(addr: UploadAddress, signal: AbortSignal): Promise<RemoteContent | undefined>;
}
