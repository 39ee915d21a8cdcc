/**
 * The emulator's store: tenants, users, sites, libraries, items, versions, changes and content.
 * Both the SharePoint REST part and the Graph drive part read and write through this interface,
 * so the two APIs always show the same state (as on the real service).
 *
 * Conventions:
 * - GUIDs are lowercase without braces. `uniqueId` of an item is SP.File/SP.Folder `UniqueId` and
 *   the Graph item id's source; `id` is the list item id (Int32, `Items(5)`).
 * - Server-relative paths are decoded (`/sites/dev/Shared Documents/a b#%.txt`), no trailing slash
 *   except the root site's "/".
 * - Name comparisons are case-insensitive (SharePoint is), case is preserved.
 * - `etag` counter (the `n` of `"{GUID},n"`) moves on any change of the item (content, rename,
 *   move, check-out state); `contentVersion` (the `m` of ContentTag) only when content changes.
 * - Every mutation appends change-log entries to its list (see `ChangeRecord`) in one transaction.
 * - Methods are synchronous (SQLite); content is streamed.
 * - Failures throw `StoreError` with a code the API parts map to the real status and body.
 */
import type { Readable } from "node:stream";

export type StoreErrorCode =
  | "notFound"
  | "alreadyExists"
  | "accessDenied"
  | "etagMismatch" // If-Match failed: 412
  | "checkedOut" // checked out by someone else
  | "notCheckedOut"
  | "locked" // shared (co-authoring) lock: 423
  | "notEmpty"
  | "invalidName"
  | "invalidArgument"
  | "thresholdExceeded" // list view threshold: 500 SPQueryThrottledException
  | "changeTokenExpired"
  | "uploadSession" // unknown upload id or wrong offset
  | "quotaExceeded";

export class StoreError extends Error {
  constructor(readonly code: StoreErrorCode, message: string, readonly detail: Record<string, unknown> = {}) {
    super(message);
    this.name = "StoreError";
  }
}

export interface UserRecord {
  id: string; // object id (oid)
  tenant: string;
  upn: string; // adele@contoso.onmicrosoft.com
  displayName: string;
  /** `i:0#.f|membership|<upn>` */
  loginName: string;
}

export interface TenantRecord {
  name: string; // contoso
  tenantId: string;
  displayName: string;
  users: UserRecord[];
}

export type SiteKind = "root" | "sites" | "teams" | "personal";

export interface SiteRecord {
  id: string; // SP.Site Id
  webId: string; // SP.Web Id (one web per site in the emulator)
  tenant: string;
  kind: SiteKind;
  serverRelativeUrl: string; // "/", "/sites/marketing", "/personal/adele_contoso_onmicrosoft_com"
  title: string;
  description: string;
  webTemplate: string; // STS, GROUP, SPSPERS
  created: string; // ISO, seconds precision, Z
  /** User ids who can reach the site; a personal site has only its owner. */
  memberIds: string[];
  ownerId?: string;
}

export interface ListRecord {
  id: string;
  siteId: string;
  title: string; // "Documents"
  /** Server-relative URL of the root folder: "/sites/dev/Shared Documents". */
  rootFolderUrl: string;
  rootFolderId: string; // UniqueId of the root folder (it has no list item)
  baseTemplate: number; // 101 document library, 700 OneDrive library, 119 site pages
  hidden: boolean;
  enableVersioning: boolean;
  enableMinorVersions: boolean;
  forceCheckout: boolean;
  created: string;
  /** Graph drive id (`b!…`) for the same library. */
  driveId: string;
  entityTypeName: string; // Shared_x0020_Documents
}

export interface LockRecord {
  userId: string;
  kind: "shared" | "exclusive";
  expires: string; // ISO
}

export interface ItemRecord {
  uniqueId: string;
  listId: string;
  siteId: string;
  id: number; // list item id; 0 for a library root folder
  parentId: string | null; // UniqueId of the parent folder; null for a library root folder
  name: string;
  serverRelativeUrl: string;
  isFolder: boolean;
  size: number; // bytes; 0 for folders
  childCount: number; // folders: direct children
  created: string;
  modified: string;
  authorId: string;
  editorId: string;
  etag: number; // n in "{GUID},n"
  contentVersion: number; // m in ContentTag
  majorVersion: number;
  minorVersion: number;
  checkInComment: string;
  checkedOutById?: string;
  lock?: LockRecord;
  /** SHA-1 or quickXorHash of content, when known (Graph `file.hashes`). */
  quickXorHash?: string;
}

export interface VersionRecord {
  /** 512 * major + minor, as SharePoint's version ID. */
  versionId: number;
  label: string; // "1.0"
  size: number;
  created: string;
  createdById: string;
  checkInComment: string;
}

export const ChangeType = {
  Add: 1,
  Update: 2,
  DeleteObject: 3,
  Rename: 4,
  MoveAway: 5,
  MoveInto: 6,
  Restore: 7,
} as const;
export type ChangeTypeValue = (typeof ChangeType)[keyof typeof ChangeType];

export interface ChangeRecord {
  /** Monotonic per list; the `<n>` of a change token `1;3;<listId>;<ticks>;<n>`. */
  changeNumber: number;
  changeType: ChangeTypeValue;
  time: string;
  listId: string;
  siteId: string;
  webId: string;
  itemId: number;
  uniqueId: string;
  parentId: string | null;
  serverRelativeUrl: string;
  isFolder: boolean;
}

export interface SharingLinkRecord {
  shareId: string;
  uniqueId: string;
  kind: number; // SharingLinkKind
  scope: "anonymous" | "organization" | "users";
  type: "view" | "edit";
  url: string;
  createdById: string;
  expiration?: string;
}

export interface RecycleBinRecord {
  id: string;
  uniqueId: string;
  title: string;
  dirName: string;
  deletedById: string;
  deleted: string;
}

/** A readable view of an item's content (current or a version). */
export interface ContentHandle {
  size: number;
  /** Stream bytes [start, end] inclusive; the whole content by default. */
  open(start?: number, end?: number): Readable;
}

export interface ChildrenPage {
  items: ItemRecord[];
  /** Opaque cursor for the next page; undefined on the last page. */
  next?: string;
}

export interface WriteOptions {
  userId: string;
  /** Require the current etag to match (the number n); undefined = unconditional. */
  ifMatch?: number;
  overwrite?: boolean;
  /** Bypass shared locks (Prefer: bypass-shared-lock / ShouldBypassSharedLocks). */
  bypassSharedLock?: boolean;
}

export interface EmulatorStore {
  // --- directory ---
  tenants(): TenantRecord[];
  tenant(name: string): TenantRecord | undefined;
  userByUpn(tenant: string, upn: string): UserRecord | undefined;
  userById(tenant: string, id: string): UserRecord | undefined;
  sites(tenant: string): SiteRecord[];
  /** The site whose URL is the longest prefix of `serverRelativePath`. */
  siteForPath(tenant: string, serverRelativePath: string): SiteRecord | undefined;
  siteById(tenant: string, siteId: string): SiteRecord | undefined;
  /** The user's OneDrive site, created on first use like the real service's provisioning. */
  personalSite(tenant: string, userId: string): SiteRecord;
  canAccess(site: SiteRecord, userId: string): boolean;
  addSiteMember(siteId: string, userId: string): void;

  // --- libraries ---
  lists(siteId: string): ListRecord[];
  listById(listId: string): ListRecord | undefined;
  listByDriveId(driveId: string): ListRecord | undefined;
  /** The library whose root folder contains this path (or is it). */
  listForPath(siteId: string, serverRelativePath: string): ListRecord | undefined;
  createList(siteId: string, title: string, urlName: string, opts?: Partial<Pick<ListRecord, "baseTemplate" | "hidden" | "enableVersioning" | "forceCheckout">>): ListRecord;
  /** Items in the library (files and folders, not the root). */
  itemCount(listId: string): number;

  // --- items ---
  itemByPath(tenant: string, serverRelativePath: string): ItemRecord | undefined;
  itemByUniqueId(uniqueId: string): ItemRecord | undefined;
  itemByListItemId(listId: string, id: number): ItemRecord | undefined;
  rootFolder(listId: string): ItemRecord;
  /**
   * Children of a folder ordered folders first, then by name (case-insensitive). `after` is the
   * cursor of a previous page. Does not enforce the list view threshold; callers do (REST does,
   * Graph does not).
   */
  children(folderId: string, opts: { after?: string; limit: number; kind?: "files" | "folders" | "all" }): ChildrenPage;
  /** Items of a list by list item id ascending (REST `/items` paging with p_ID). */
  listItems(listId: string, opts: { afterId?: number; limit: number }): ItemRecord[];

  createFolder(parentId: string, name: string, opts: WriteOptions): ItemRecord;
  /** Creates or replaces a file's content from a stream; resolves when fully stored. */
  putFile(parentId: string, name: string, content: Readable, opts: WriteOptions & { comment?: string }): Promise<ItemRecord>;
  /** Replace content of an existing file (PUT $value / Graph PUT content). */
  replaceContent(uniqueId: string, content: Readable, opts: WriteOptions): Promise<ItemRecord>;
  /** Rename and/or move within the tenant. `newParentId` defaults to the current parent. */
  move(uniqueId: string, dest: { parentId?: string; name?: string }, opts: WriteOptions & { keepBoth?: boolean }): ItemRecord;
  copy(uniqueId: string, dest: { parentId: string; name?: string }, opts: WriteOptions & { keepBoth?: boolean }): ItemRecord;
  /** Hard delete (recursive for folders). */
  delete(uniqueId: string, opts: WriteOptions): void;
  /** Move to the recycle bin; returns the recycle bin item id. */
  recycle(uniqueId: string, opts: WriteOptions): string;
  recycleBin(siteId: string): RecycleBinRecord[];
  restoreFromRecycleBin(recycleId: string, userId: string): ItemRecord;

  content(uniqueId: string, versionId?: number): ContentHandle;

  // --- versions ---
  versions(uniqueId: string): VersionRecord[];
  restoreVersion(uniqueId: string, label: string, opts: WriteOptions): ItemRecord;
  deleteVersion(uniqueId: string, versionId: number, userId: string): void;

  // --- check-out and locks ---
  checkOut(uniqueId: string, userId: string): ItemRecord;
  checkIn(uniqueId: string, userId: string, comment: string, type: 0 | 1 | 2): ItemRecord;
  undoCheckOut(uniqueId: string, userId: string): ItemRecord;
  /** Test/admin hook: a co-authoring (shared) lock as Office would hold it. */
  setLock(uniqueId: string, lock: LockRecord | undefined): void;

  // --- chunked uploads (REST StartUpload/ContinueUpload/FinishUpload; Graph upload sessions) ---
  /** Appends bytes at `offset` to a staged upload; returns the new total. Offsets must be contiguous. */
  appendUpload(uploadId: string, target: { uniqueId?: string; parentId?: string; name?: string }, offset: number, chunk: Readable, userId: string): Promise<number>;
  uploadState(uploadId: string): { size: number; target: { uniqueId?: string; parentId?: string; name?: string }; userId: string } | undefined;
  /** Commits the staged bytes as the new content (creating the file when the target names a parent). */
  finishUpload(uploadId: string, opts: WriteOptions): Promise<ItemRecord>;
  cancelUpload(uploadId: string): void;

  // --- changes ---
  /** Change number of the list's newest change (its current change token's `<n>`). */
  currentChange(listId: string): number;
  /** Changes with number > `after`, oldest first, at most `limit`. Throws changeTokenExpired when `after` is older than retention. */
  changesSince(listId: string, after: number, limit: number): ChangeRecord[];
  /** Admin/test hook: drops the list's change log through `through` (default: all) so older tokens expire. */
  expireChanges(listId: string, through?: number): void;
  /**
   * Admin/test hook: every change token issued for the list so far expires (even one taken at the
   * newest change), while tokens issued from now on work: the log is dropped and the change number
   * moves past it. Returns the new current change number.
   */
  expireChangeTokens(listId: string): number;

  // --- sharing ---
  createSharingLink(uniqueId: string, link: Omit<SharingLinkRecord, "shareId" | "url" | "uniqueId">, urlFor: (shareId: string) => string): { link: SharingLinkRecord; created: boolean };

  close(): void;
}
