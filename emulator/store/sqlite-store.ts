/**
 * The emulator's store over SQLite (better-sqlite3, WAL) with content in blob files.
 *
 * Items live in `items` with a decoded path column (and its case-folded twin, uniquely indexed per
 * tenant), so a path lookup is one indexed query; moves rewrite descendants' paths. Recycled
 * items move to `recycled_items`. Generated folders (large seed) produce their children on the fly.
 */
import Database from "better-sqlite3";
import fs from "node:fs";
import path from "node:path";
import type { Readable } from "node:stream";
import { clearDir, emptyStream, ensureDir, hashFile, removeQuietly, streamToFile, syntheticStream } from "./content.js";
import { QuickXorHash, quickXorHash } from "./quickxor.js";
import {
  genContentKey,
  genFirstIndexAfter,
  genIndexOfName,
  genIndexOfUniqueId,
  genName,
  genSize,
  genUniqueId,
  type GenFolderRow,
} from "./generated.js";
import { decodeDriveId, driveIdFor, entityTypeName, newGuid } from "./ids.js";
import { assertPathLength, assertValidName, compareUtf8, fold, joinPath, normalisePath, numberedName, parentPath } from "./names.js";
import { ITEM_COLUMNS, SCHEMA } from "./schema.js";
import {
  ChangeType,
  StoreError,
  type ChangeRecord,
  type ChangeTypeValue,
  type ChildrenPage,
  type ContentHandle,
  type EmulatorStore,
  type ItemRecord,
  type ListRecord,
  type LockRecord,
  type RecycleBinRecord,
  type SharingLinkRecord,
  type SiteKind,
  type SiteRecord,
  type TenantRecord,
  type UserRecord,
  type VersionRecord,
  type WriteOptions,
} from "./types.js";

export interface ItemRow {
  unique_id: string;
  tenant: string;
  list_id: string;
  site_id: string;
  id: number;
  parent_id: string | null;
  name: string;
  name_lower: string;
  path: string;
  path_lower: string;
  is_file: number;
  size: number;
  child_count: number;
  created: string;
  modified: string;
  author_id: string;
  editor_id: string;
  etag: number;
  content_version: number;
  major: number;
  minor: number;
  check_in_comment: string;
  checked_out_by: string | null;
  co_dirty: number;
  lock_user: string | null;
  lock_kind: string | null;
  lock_expires: string | null;
  blob: string | null;
  synth_key: string | null;
  qxh: string | null;
}

/** Content being committed: a blob in the blob store, synthetic bytes, or nothing (empty). */
interface NewContent {
  blob: string | null;
  synthKey: string | null;
  size: number;
  qxh: string | null;
}

interface ListRow {
  id: string;
  site_id: string;
  title: string;
  url_name: string;
  root_folder_url: string;
  root_folder_id: string;
  base_template: number;
  hidden: number;
  enable_versioning: number;
  enable_minor_versions: number;
  force_checkout: number;
  created: string;
  drive_id: string;
  entity_type_name: string;
  next_item_id: number;
  last_change: number;
  trimmed_through: number;
  item_count: number;
}

interface SiteRow {
  id: string;
  web_id: string;
  tenant: string;
  kind: string;
  url: string;
  title: string;
  description: string;
  web_template: string;
  created: string;
  owner_id: string | null;
}

interface VersionRow {
  unique_id: string;
  version_id: number;
  label: string;
  size: number;
  created: string;
  created_by: string;
  comment: string;
  blob: string | null;
  synth_key: string | null;
  qxh: string | null;
  hidden: number;
}

interface ChangeRow {
  list_id: string;
  n: number;
  change_type: number;
  time: string;
  site_id: string;
  web_id: string;
  item_id: number;
  unique_id: string;
  parent_id: string | null;
  path: string;
  is_folder: number;
}

export interface ChangeRetention {
  /** Changes older than this are dropped (SharePoint keeps about 60 days). */
  maxAgeDays: number;
  /** At most this many changes are kept per list. */
  maxEntries: number;
}

export interface StoreOptions {
  dir: string;
  retention?: Partial<ChangeRetention>;
}

type Target = { uniqueId?: string; parentId?: string; name?: string };

const DEFAULT_RETENTION: ChangeRetention = { maxAgeDays: 60, maxEntries: 1_000_000 };
/** Replaced blobs are unlinked after a grace period so downloads already streaming them finish. */
const BLOB_GRACE_MS = 60_000;
/** Upload sessions untouched this long are dropped on open (Graph sessions expire after days too). */
const UPLOAD_IDLE_MS = 7 * 86_400_000;
const ITEM_COLS = ITEM_COLUMNS.join(", ");
const ITEM_PARAMS = ITEM_COLUMNS.map((c) => "@" + c).join(", ");

export function isoSeconds(d = new Date()): string {
  return d.toISOString().replace(/\.\d{3}Z$/, "Z");
}

function versionLabel(major: number, minor: number): string {
  return `${major}.${minor}`;
}

function encodeCursor(isFile: number, nameLower: string): string {
  return Buffer.from(JSON.stringify([isFile, nameLower]), "utf8").toString("base64url");
}

function decodeCursor(cursor: string): [number, string] {
  try {
    const v: unknown = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    if (Array.isArray(v) && v.length === 2) {
      const arr = v as unknown[];
      const f = arr[0];
      const n = arr[1];
      if ((f === 0 || f === 1) && typeof n === "string") return [f, n];
    }
  } catch {
    // fall through
  }
  throw new StoreError("invalidArgument", "The paging cursor is not valid.", { cursor });
}

export class SqliteStore implements EmulatorStore {
  readonly db: Database.Database;
  private readonly blobDir: string;
  private readonly tmpDir: string;
  private readonly uploadDir: string;
  private readonly retention: ChangeRetention;
  private readonly pendingUnlinks = new Map<string, NodeJS.Timeout>();
  private readonly busyUploads = new Set<string>();
  private readonly webIds = new Map<string, string>();
  private ordCounter = 0;
  private txDepth = 0;
  private readonly retireQueue: string[] = [];
  private closed = false;

  constructor(opts: StoreOptions) {
    ensureDir(opts.dir);
    this.blobDir = path.join(opts.dir, "blobs");
    this.tmpDir = path.join(opts.dir, "tmp");
    this.uploadDir = path.join(opts.dir, "uploads");
    for (const d of [this.blobDir, this.tmpDir, this.uploadDir]) ensureDir(d);
    clearDir(this.tmpDir);
    this.retention = { ...DEFAULT_RETENTION, ...opts.retention };
    this.db = new Database(path.join(opts.dir, "store.db"));
    this.db.pragma("journal_mode = WAL");
    this.db.pragma("synchronous = NORMAL");
    this.db.pragma("foreign_keys = OFF");
    this.db.exec(SCHEMA);
    const ord = this.sql("SELECT value FROM meta WHERE key = 'ord'").get() as { value: string } | undefined;
    this.ordCounter = ord ? Number(ord.value) : 0;
    this.trimAllChanges();
    this.sweep();
  }

  /**
   * Housekeeping on open: blobs no row references (left by a crash between a write and its commit,
   * or by a stop inside a blob's grace period) and upload sessions idle for over a week go.
   */
  private sweep(): void {
    const referenced = new Set<string>();
    for (const table of ["items", "recycled_items", "versions"]) {
      for (const r of this.sql(`SELECT blob FROM ${table} WHERE blob IS NOT NULL`).all() as { blob: string }[]) referenced.add(r.blob);
    }
    for (const name of fs.readdirSync(this.blobDir)) if (!referenced.has(name)) removeQuietly(path.join(this.blobDir, name));
    const cutoff = isoSeconds(new Date(Date.now() - UPLOAD_IDLE_MS));
    for (const u of this.sql("SELECT upload_id FROM uploads WHERE created < ?").all(cutoff) as { upload_id: string }[]) this.cancelUpload(u.upload_id);
    const sessions = new Set((this.sql("SELECT upload_id FROM uploads").all() as { upload_id: string }[]).map((u) => u.upload_id));
    for (const name of fs.readdirSync(this.uploadDir)) if (!sessions.has(name)) removeQuietly(path.join(this.uploadDir, name));
  }

  private readonly statements = new Map<string, Database.Statement>();

  /** Prepared statements are cached: bulk operations (change logs of generated folders) run them 100,000s of times. */
  private sql(source: string): Database.Statement {
    let st = this.statements.get(source);
    if (!st) {
      st = this.db.prepare(source);
      this.statements.set(source, st);
    }
    return st;
  }

  /** True when the database has never been seeded. */
  isNew(): boolean {
    return this.sql("SELECT value FROM meta WHERE key = 'seeded'").get() === undefined;
  }

  markSeeded(seed: string): void {
    this.sql("INSERT OR REPLACE INTO meta (key, value) VALUES ('seeded', ?)").run(seed);
  }

  /**
   * Runs `fn` in a transaction (a savepoint when nested). Blobs retired inside are only scheduled
   * for removal once the outermost transaction commits, so a rollback never loses content.
   */
  transaction<T>(fn: () => T): T {
    const outermost = this.txDepth === 0;
    this.txDepth += 1;
    try {
      const result = this.db.transaction(fn)();
      if (outermost) for (const blob of this.retireQueue.splice(0)) this.scheduleUnlink(blob);
      return result;
    } catch (err) {
      if (outermost) this.retireQueue.length = 0;
      throw err;
    } finally {
      this.txDepth -= 1;
    }
  }

  private nextOrd(): number {
    this.ordCounter += 1;
    this.sql("INSERT OR REPLACE INTO meta (key, value) VALUES ('ord', ?)").run(String(this.ordCounter));
    return this.ordCounter;
  }

  // ------------------------------------------------------------------ directory

  addTenant(t: { name: string; tenantId: string; displayName: string }): void {
    this.sql("INSERT INTO tenants (name, tenant_id, display_name, ord) VALUES (?, ?, ?, ?)").run(t.name, t.tenantId, t.displayName, this.nextOrd());
  }

  addUser(u: { id: string; tenant: string; upn: string; displayName: string }): UserRecord {
    this.sql("INSERT INTO users (id, tenant, upn, upn_lower, display_name, ord) VALUES (?, ?, ?, ?, ?, ?)")
      .run(u.id, u.tenant, u.upn, u.upn.toLowerCase(), u.displayName, this.nextOrd());
    return this.userById(u.tenant, u.id)!;
  }

  private toUser(r: { id: string; tenant: string; upn: string; display_name: string }): UserRecord {
    return { id: r.id, tenant: r.tenant, upn: r.upn, displayName: r.display_name, loginName: `i:0#.f|membership|${r.upn}` };
  }

  tenants(): TenantRecord[] {
    const rows = this.sql("SELECT name FROM tenants ORDER BY ord").all() as { name: string }[];
    return rows.map((r) => this.tenant(r.name)!);
  }

  tenant(name: string): TenantRecord | undefined {
    const t = this.sql("SELECT name, tenant_id, display_name FROM tenants WHERE name = ?").get(name) as
      | { name: string; tenant_id: string; display_name: string }
      | undefined;
    if (!t) return undefined;
    const users = (this.sql("SELECT * FROM users WHERE tenant = ? ORDER BY ord").all(name) as { id: string; tenant: string; upn: string; display_name: string }[]).map((u) =>
      this.toUser(u),
    );
    return { name: t.name, tenantId: t.tenant_id, displayName: t.display_name, users };
  }

  userByUpn(tenant: string, upn: string): UserRecord | undefined {
    const r = this.sql("SELECT * FROM users WHERE tenant = ? AND upn_lower = ?").get(tenant, upn.toLowerCase()) as
      | { id: string; tenant: string; upn: string; display_name: string }
      | undefined;
    return r ? this.toUser(r) : undefined;
  }

  userById(tenant: string, id: string): UserRecord | undefined {
    const r = this.sql("SELECT * FROM users WHERE tenant = ? AND id = ?").get(tenant, id) as
      | { id: string; tenant: string; upn: string; display_name: string }
      | undefined;
    return r ? this.toUser(r) : undefined;
  }

  private toSite(r: SiteRow): SiteRecord {
    const members = (this.sql("SELECT user_id FROM site_members WHERE site_id = ? ORDER BY ord").all(r.id) as { user_id: string }[]).map((m) => m.user_id);
    const s: SiteRecord = {
      id: r.id,
      webId: r.web_id,
      tenant: r.tenant,
      kind: r.kind as SiteKind,
      serverRelativeUrl: r.url,
      title: r.title,
      description: r.description,
      webTemplate: r.web_template,
      created: r.created,
      memberIds: members,
    };
    if (r.owner_id) s.ownerId = r.owner_id;
    return s;
  }

  createSite(s: { tenant: string; kind: SiteKind; url: string; title: string; description?: string; webTemplate?: string; memberIds: string[]; ownerId?: string; id?: string; webId?: string }): SiteRecord {
    const id = s.id ?? newGuid();
    const webId = s.webId ?? newGuid();
    const url = normalisePath(s.url);
    this.transaction(() => {
      this.sql("INSERT INTO sites (id, web_id, tenant, kind, url, url_lower, title, description, web_template, created, owner_id, ord) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
        .run(id, webId, s.tenant, s.kind, url, fold(url), s.title, s.description ?? "", s.webTemplate ?? "STS", isoSeconds(), s.ownerId ?? null, this.nextOrd());
      for (const m of s.memberIds) this.addSiteMember(id, m);
    });
    return this.siteById(s.tenant, id)!;
  }

  sites(tenant: string): SiteRecord[] {
    return (this.sql("SELECT * FROM sites WHERE tenant = ? ORDER BY ord").all(tenant) as SiteRow[]).map((r) => this.toSite(r));
  }

  siteForPath(tenant: string, serverRelativePath: string): SiteRecord | undefined {
    const p = normalisePath(serverRelativePath);
    const segs = p.split("/");
    if (segs.length >= 3 && segs[2] !== "" && /^(sites|teams|personal)$/i.test(segs[1] ?? "")) {
      const r = this.sql("SELECT * FROM sites WHERE tenant = ? AND url_lower = ?").get(tenant, fold(`/${segs[1]}/${segs[2]}`)) as SiteRow | undefined;
      if (r) return this.toSite(r);
    }
    const root = this.sql("SELECT * FROM sites WHERE tenant = ? AND url = '/'").get(tenant) as SiteRow | undefined;
    return root ? this.toSite(root) : undefined;
  }

  siteById(tenant: string, siteId: string): SiteRecord | undefined {
    const r = this.sql("SELECT * FROM sites WHERE tenant = ? AND id = ?").get(tenant, siteId) as SiteRow | undefined;
    return r ? this.toSite(r) : undefined;
  }

  private siteRow(siteId: string): SiteRow {
    const r = this.sql("SELECT * FROM sites WHERE id = ?").get(siteId) as SiteRow | undefined;
    if (!r) throw new StoreError("notFound", "Site not found.", { siteId });
    return r;
  }

  personalSite(tenant: string, userId: string): SiteRecord {
    const existing = this.sql("SELECT * FROM sites WHERE tenant = ? AND kind = 'personal' AND owner_id = ?").get(tenant, userId) as SiteRow | undefined;
    if (existing) return this.toSite(existing);
    const user = this.userById(tenant, userId);
    if (!user) throw new StoreError("notFound", "User not found.", { tenant, userId });
    return this.transaction(() => {
      const site = this.createSite({
        tenant,
        kind: "personal",
        url: `/personal/${user.upn.toLowerCase().replace(/[.@]/g, "_")}`,
        title: user.displayName,
        webTemplate: "SPSPERS",
        memberIds: [userId],
        ownerId: userId,
      });
      this.createList(site.id, "Documents", "Documents", { baseTemplate: 700, enableVersioning: true });
      return site;
    });
  }

  canAccess(site: SiteRecord, userId: string): boolean {
    return site.ownerId === userId || site.memberIds.includes(userId);
  }

  addSiteMember(siteId: string, userId: string): void {
    this.sql("INSERT OR IGNORE INTO site_members (site_id, user_id, ord) VALUES (?, ?, ?)").run(siteId, userId, this.nextOrd());
  }

  // ------------------------------------------------------------------ lists

  private toList(r: ListRow): ListRecord {
    return {
      id: r.id,
      siteId: r.site_id,
      title: r.title,
      rootFolderUrl: r.root_folder_url,
      rootFolderId: r.root_folder_id,
      baseTemplate: r.base_template,
      hidden: r.hidden === 1,
      enableVersioning: r.enable_versioning === 1,
      enableMinorVersions: r.enable_minor_versions === 1,
      forceCheckout: r.force_checkout === 1,
      created: r.created,
      driveId: r.drive_id,
      entityTypeName: r.entity_type_name,
    };
  }

  private listRow(listId: string): ListRow {
    const r = this.sql("SELECT * FROM lists WHERE id = ?").get(listId) as ListRow | undefined;
    if (!r) throw new StoreError("notFound", "List does not exist.", { listId });
    return r;
  }

  lists(siteId: string): ListRecord[] {
    return (this.sql("SELECT * FROM lists WHERE site_id = ? ORDER BY ord").all(siteId) as ListRow[]).map((r) => this.toList(r));
  }

  listById(listId: string): ListRecord | undefined {
    const r = this.sql("SELECT * FROM lists WHERE id = ?").get(listId) as ListRow | undefined;
    return r ? this.toList(r) : undefined;
  }

  listByDriveId(driveId: string): ListRecord | undefined {
    const d = decodeDriveId(driveId);
    if (!d) return undefined;
    const r = this.sql("SELECT * FROM lists WHERE id = ? AND site_id = ?").get(d.listId, d.siteId) as ListRow | undefined;
    return r ? this.toList(r) : undefined;
  }

  listForPath(siteId: string, serverRelativePath: string): ListRecord | undefined {
    const p = fold(normalisePath(serverRelativePath));
    const rows = this.sql("SELECT * FROM lists WHERE site_id = ?").all(siteId) as ListRow[];
    let best: ListRow | undefined;
    for (const r of rows) {
      const root = fold(r.root_folder_url);
      if ((p === root || p.startsWith(root + "/")) && (!best || root.length > best.root_folder_url.length)) best = r;
    }
    return best ? this.toList(best) : undefined;
  }

  createList(
    siteId: string,
    title: string,
    urlName: string,
    opts: Partial<Pick<ListRecord, "baseTemplate" | "hidden" | "enableVersioning" | "forceCheckout">> & { id?: string; enableMinorVersions?: boolean } = {},
  ): ListRecord {
    const site = this.siteRow(siteId);
    assertValidName(urlName, { isFolder: true, atLibraryRoot: false });
    const id = opts.id ?? newGuid();
    const rootUrl = joinPath(site.url, urlName);
    const now = isoSeconds();
    return this.transaction(() => {
      for (const l of this.lists(siteId)) {
        if (fold(l.title) === fold(title) || fold(l.rootFolderUrl) === fold(rootUrl)) {
          throw new StoreError("alreadyExists", `A list, survey, discussion board, or document library with the specified title already exists in this Web site.`, { title });
        }
      }
      if (this.rowByPath(site.tenant, rootUrl)) throw new StoreError("alreadyExists", "A file or folder with that name already exists.", { path: rootUrl });
      const rootId = newGuid();
      this.sql(
          `INSERT INTO lists (id, site_id, title, url_name, root_folder_url, root_folder_id, base_template, hidden, enable_versioning,
           enable_minor_versions, force_checkout, created, drive_id, entity_type_name, ord) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          id,
          siteId,
          title,
          urlName,
          rootUrl,
          rootId,
          opts.baseTemplate ?? 101,
          opts.hidden ? 1 : 0,
          opts.enableVersioning ?? true ? 1 : 0,
          opts.enableMinorVersions ? 1 : 0,
          opts.forceCheckout ? 1 : 0,
          now,
          driveIdFor(siteId, id),
          entityTypeName(urlName),
          this.nextOrd(),
        );
      this.insertRow({
        unique_id: rootId,
        tenant: site.tenant,
        list_id: id,
        site_id: siteId,
        id: 0,
        parent_id: null,
        name: urlName,
        name_lower: fold(urlName),
        path: rootUrl,
        path_lower: fold(rootUrl),
        is_file: 0,
        size: 0,
        child_count: 0,
        created: now,
        modified: now,
        author_id: site.owner_id ?? "",
        editor_id: site.owner_id ?? "",
        etag: 1,
        content_version: 0,
        major: 1,
        minor: 0,
        check_in_comment: "",
        checked_out_by: null,
        co_dirty: 0,
        lock_user: null,
        lock_kind: null,
        lock_expires: null,
        blob: null,
        synth_key: null,
        qxh: null,
      });
      return this.listById(id)!;
    });
  }

  itemCount(listId: string): number {
    return this.listRow(listId).item_count;
  }

  // ------------------------------------------------------------------ row access

  private insertRow(r: ItemRow, table = "items"): void {
    this.sql(`INSERT INTO ${table} (${ITEM_COLS}) VALUES (${ITEM_PARAMS})`).run(r);
  }

  private realRow(uniqueId: string): ItemRow | undefined {
    return this.sql("SELECT * FROM items WHERE unique_id = ?").get(uniqueId) as ItemRow | undefined;
  }

  private genFolder(folderId: string): GenFolderRow | undefined {
    return this.sql("SELECT * FROM gen_folders WHERE folder_id = ?").get(folderId) as GenFolderRow | undefined;
  }

  private isOverridden(folderId: string, idx: number): boolean {
    return this.sql("SELECT 1 FROM gen_overrides WHERE folder_id = ? AND idx = ?").get(folderId, idx) !== undefined;
  }

  private genRow(g: GenFolderRow, folder: ItemRow, i: number): ItemRow {
    const name = genName(g, i);
    const p = joinPath(folder.path, name);
    return {
      unique_id: genUniqueId(g, i),
      tenant: folder.tenant,
      list_id: folder.list_id,
      site_id: folder.site_id,
      id: g.id_base + i,
      parent_id: folder.unique_id,
      name,
      name_lower: fold(name),
      path: p,
      path_lower: fold(p),
      is_file: 1,
      size: genSize(g, i),
      child_count: 0,
      created: g.created,
      modified: g.created,
      author_id: g.author_id,
      editor_id: g.author_id,
      etag: 1,
      content_version: 1,
      major: 1,
      minor: 0,
      check_in_comment: "",
      checked_out_by: null,
      co_dirty: 0,
      lock_user: null,
      lock_kind: null,
      lock_expires: null,
      blob: null,
      synth_key: genContentKey(g, i),
      qxh: null,
    };
  }

  /** A live item by UniqueId: a real row or a generated one. */
  private findRow(uniqueId: string): ItemRow | undefined {
    const id = uniqueId.toLowerCase();
    const real = this.realRow(id);
    if (real) return real;
    if (id.length !== 36) return undefined;
    const g = this.sql("SELECT * FROM gen_folders WHERE uid_prefix = ?").get(id.slice(0, 24)) as GenFolderRow | undefined;
    if (!g) return undefined;
    const i = genIndexOfUniqueId(g, id);
    if (i === undefined || this.isOverridden(g.folder_id, i)) return undefined;
    const folder = this.realRow(g.folder_id);
    return folder ? this.genRow(g, folder, i) : undefined;
  }

  private mustRow(uniqueId: string): ItemRow {
    const r = this.findRow(uniqueId);
    if (!r) throw new StoreError("notFound", "File Not Found.", { uniqueId });
    return r;
  }

  private childByName(parent: ItemRow, name: string): ItemRow | undefined {
    const p = fold(joinPath(parent.path, name));
    const real = this.sql("SELECT * FROM items WHERE tenant = ? AND path_lower = ?").get(parent.tenant, p) as ItemRow | undefined;
    if (real) return real;
    const g = this.genFolder(parent.unique_id);
    if (!g) return undefined;
    const i = genIndexOfName(g, name);
    if (i === undefined || this.isOverridden(g.folder_id, i)) return undefined;
    return this.genRow(g, parent, i);
  }

  private rowByPath(tenant: string, serverRelativePath: string): ItemRow | undefined {
    const p = normalisePath(serverRelativePath);
    const real = this.sql("SELECT * FROM items WHERE tenant = ? AND path_lower = ?").get(tenant, fold(p)) as ItemRow | undefined;
    if (real) return real;
    const parent = this.sql("SELECT * FROM items WHERE tenant = ? AND path_lower = ?").get(tenant, fold(parentPath(p))) as ItemRow | undefined;
    if (!parent || parent.is_file) return undefined;
    const g = this.genFolder(parent.unique_id);
    if (!g) return undefined;
    const i = genIndexOfName(g, p.slice(p.lastIndexOf("/") + 1));
    if (i === undefined || this.isOverridden(g.folder_id, i)) return undefined;
    return this.genRow(g, parent, i);
  }

  /** Turns a generated item into a real row (before any write to it); real rows pass through. */
  private materialise(r: ItemRow): ItemRow {
    if (this.realRow(r.unique_id)) return r;
    const g = this.genFolder(r.parent_id ?? "");
    if (!g) return r;
    const i = genIndexOfUniqueId(g, r.unique_id);
    if (i === undefined) return r;
    this.sql("INSERT OR IGNORE INTO gen_overrides (folder_id, idx) VALUES (?, ?)").run(g.folder_id, i);
    this.insertRow(r);
    return r;
  }

  private rowForWrite(uniqueId: string): ItemRow {
    return this.materialise(this.mustRow(uniqueId));
  }

  private folderRow(uniqueId: string): ItemRow {
    const r = this.mustRow(uniqueId);
    if (r.is_file) throw new StoreError("invalidArgument", "The target is not a folder.", { uniqueId });
    return r;
  }

  private lockActive(r: ItemRow): boolean {
    return !!r.lock_user && !!r.lock_expires && Date.parse(r.lock_expires) > Date.now();
  }

  private toItem(r: ItemRow): ItemRecord {
    const it: ItemRecord = {
      uniqueId: r.unique_id,
      listId: r.list_id,
      siteId: r.site_id,
      id: r.id,
      parentId: r.parent_id,
      name: r.name,
      serverRelativeUrl: r.path,
      isFolder: r.is_file === 0,
      size: r.size,
      childCount: r.child_count,
      created: r.created,
      modified: r.modified,
      authorId: r.author_id,
      editorId: r.editor_id,
      etag: r.etag,
      contentVersion: r.content_version,
      majorVersion: r.major,
      minorVersion: r.minor,
      checkInComment: r.check_in_comment,
    };
    if (r.checked_out_by) it.checkedOutById = r.checked_out_by;
    if (r.qxh) it.quickXorHash = r.qxh;
    if (this.lockActive(r)) it.lock = { userId: r.lock_user!, kind: r.lock_kind === "exclusive" ? "exclusive" : "shared", expires: r.lock_expires! };
    return it;
  }

  private assertWritable(r: ItemRow, opts: WriteOptions, what: { content?: boolean } = {}): void {
    if (opts.ifMatch !== undefined && opts.ifMatch !== r.etag) {
      throw new StoreError("etagMismatch", "The file has been modified since it was last retrieved.", { expected: opts.ifMatch, actual: r.etag });
    }
    if (r.checked_out_by && r.checked_out_by !== opts.userId) {
      throw new StoreError("checkedOut", `The file "${r.path}" is checked out for editing by another user.`, { checkedOutById: r.checked_out_by, path: r.path });
    }
    if (this.lockActive(r) && !opts.bypassSharedLock) {
      const kind = r.lock_kind === "exclusive" ? "exclusive" : "shared";
      throw new StoreError("locked", `The file "${r.path}" is locked for ${kind} use by ${r.lock_user}.`, { lockedById: r.lock_user, path: r.path, kind });
    }
    if (what.content && r.is_file && !r.checked_out_by) {
      const list = this.listRow(r.list_id);
      if (list.force_checkout) throw new StoreError("notCheckedOut", `The file "${r.path}" must be checked out before it can be modified.`, { path: r.path });
    }
  }

  /** Refuses a recursive operation when a descendant is checked out by someone else or locked. */
  private assertSubtreeWritable(r: ItemRow, opts: WriteOptions): void {
    if (r.is_file) return;
    for (const d of this.descendants(r)) this.assertWritable(d, { userId: opts.userId, ...(opts.bypassSharedLock ? { bypassSharedLock: true } : {}) });
  }

  /** Real rows under a folder (any depth), parents before children. */
  private descendants(r: ItemRow): ItemRow[] {
    const lo = r.path_lower + "/";
    const hi = r.path_lower + "0";
    const rows = this.sql("SELECT * FROM items WHERE tenant = ? AND path_lower > ? AND path_lower < ?").all(r.tenant, lo, hi) as ItemRow[];
    return rows.sort((a, b) => a.path.split("/").length - b.path.split("/").length);
  }

  /** Generated (not overridden) items under the given folders, for change logging. */
  private *generatedUnder(folders: ItemRow[]): Generator<ItemRow> {
    for (const f of folders) {
      const g = this.genFolder(f.unique_id);
      if (!g) continue;
      const skip = this.overrideSet(g.folder_id);
      for (let i = 0; i < g.count; i++) if (!skip.has(i)) yield this.genRow(g, f, i);
    }
  }

  private overrideSet(folderId: string): Set<number> {
    return new Set((this.sql("SELECT idx FROM gen_overrides WHERE folder_id = ?").all(folderId) as { idx: number }[]).map((r) => r.idx));
  }

  private genActiveCount(g: GenFolderRow): number {
    const o = this.sql("SELECT COUNT(*) AS c FROM gen_overrides WHERE folder_id = ?").get(g.folder_id) as { c: number };
    return g.count - o.c;
  }

  // ------------------------------------------------------------------ changes

  private webIdOf(siteId: string): string {
    let w = this.webIds.get(siteId);
    if (!w) {
      w = this.siteRow(siteId).web_id;
      this.webIds.set(siteId, w);
    }
    return w;
  }

  private logChange(type: ChangeTypeValue, r: ItemRow): void {
    this.logChanges(type, [r]);
  }

  /** Appends one change per row, reserving the change numbers in batches (generated folders log 100,000s). */
  private logChanges(type: ChangeTypeValue, rows: Iterable<ItemRow>): void {
    const insert = this.sql(
      `INSERT INTO changes (list_id, n, change_type, time, site_id, web_id, item_id, unique_id, parent_id, path, is_folder)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const time = new Date().toISOString();
    let batch: ItemRow[] = [];
    const flush = (): void => {
      const byList = new Map<string, ItemRow[]>();
      for (const r of batch) {
        const l = byList.get(r.list_id);
        if (l) l.push(r);
        else byList.set(r.list_id, [r]);
      }
      for (const [listId, list] of byList) {
        const last = (this.sql("UPDATE lists SET last_change = last_change + ? WHERE id = ? RETURNING last_change").get(list.length, listId) as { last_change: number }).last_change;
        let n = last - list.length;
        for (const r of list) {
          n += 1;
          insert.run(listId, n, type, time, r.site_id, this.webIdOf(r.site_id), r.id, r.unique_id, r.parent_id, r.path, r.is_file ? 0 : 1);
        }
        if (Math.floor(last / 1000) !== Math.floor((last - list.length) / 1000)) this.trimChanges(listId, false);
      }
      batch = [];
    };
    for (const r of rows) {
      batch.push(r);
      if (batch.length >= 10_000) flush();
    }
    if (batch.length) flush();
  }

  /** Drops changes beyond the retention; the age rule scans the log, so it runs on open only. */
  private trimChanges(listId: string, byAgeToo: boolean): void {
    const list = this.listRow(listId);
    const cutoff = new Date(Date.now() - this.retention.maxAgeDays * 86_400_000).toISOString();
    const byAge = byAgeToo ? (this.sql("SELECT MAX(n) AS n FROM changes WHERE list_id = ? AND time < ?").get(listId, cutoff) as { n: number | null }) : { n: null };
    const byCount = list.last_change - this.retention.maxEntries;
    const through = Math.max(byAge.n ?? 0, byCount, list.trimmed_through);
    if (through > list.trimmed_through) this.expireChanges(listId, through);
  }

  private trimAllChanges(): void {
    for (const l of this.sql("SELECT id FROM lists").all() as { id: string }[]) this.trimChanges(l.id, true);
  }

  currentChange(listId: string): number {
    return this.listRow(listId).last_change;
  }

  changesSince(listId: string, after: number, limit: number): ChangeRecord[] {
    const list = this.listRow(listId);
    if (after < list.trimmed_through) {
      throw new StoreError("changeTokenExpired", "The change token has expired.", { listId, after, oldest: list.trimmed_through });
    }
    const rows = this.sql("SELECT * FROM changes WHERE list_id = ? AND n > ? ORDER BY n LIMIT ?").all(listId, after, Math.max(0, limit)) as ChangeRow[];
    return rows.map((c) => ({
      changeNumber: c.n,
      changeType: c.change_type as ChangeTypeValue,
      time: c.time,
      listId: c.list_id,
      siteId: c.site_id,
      webId: c.web_id,
      itemId: c.item_id,
      uniqueId: c.unique_id,
      parentId: c.parent_id,
      serverRelativeUrl: c.path,
      isFolder: c.is_folder === 1,
    }));
  }

  /** Test/admin hook: drops the list's change log through `through` (default: all), so older tokens expire. */
  expireChanges(listId: string, through?: number): void {
    const list = this.listRow(listId);
    const t = Math.min(through ?? list.last_change, list.last_change);
    this.transaction(() => {
      this.sql("DELETE FROM changes WHERE list_id = ? AND n <= ?").run(listId, t);
      this.sql("UPDATE lists SET trimmed_through = MAX(trimmed_through, ?) WHERE id = ?").run(t, listId);
    });
  }

  expireChangeTokens(listId: string): number {
    this.listRow(listId);
    return this.transaction(() => {
      // Change numbers need not be contiguous: skipping one puts every issued token before the log.
      const last = (this.sql("UPDATE lists SET last_change = last_change + 1 WHERE id = ? RETURNING last_change").get(listId) as { last_change: number }).last_change;
      this.sql("DELETE FROM changes WHERE list_id = ? AND n <= ?").run(listId, last);
      this.sql("UPDATE lists SET trimmed_through = MAX(trimmed_through, ?) WHERE id = ?").run(last, listId);
      return last;
    });
  }

  // ------------------------------------------------------------------ reads

  itemByPath(tenant: string, serverRelativePath: string): ItemRecord | undefined {
    const r = this.rowByPath(tenant, serverRelativePath);
    return r ? this.toItem(r) : undefined;
  }

  itemByUniqueId(uniqueId: string): ItemRecord | undefined {
    const r = this.findRow(uniqueId);
    return r ? this.toItem(r) : undefined;
  }

  itemByListItemId(listId: string, id: number): ItemRecord | undefined {
    if (!Number.isInteger(id) || id <= 0) return undefined;
    const real = this.sql("SELECT * FROM items WHERE list_id = ? AND id = ?").get(listId, id) as ItemRow | undefined;
    if (real) return this.toItem(real);
    const g = this.sql("SELECT * FROM gen_folders WHERE list_id = ? AND id_base <= ? AND id_base + count > ?").get(listId, id, id) as GenFolderRow | undefined;
    if (!g) return undefined;
    const i = id - g.id_base;
    if (this.isOverridden(g.folder_id, i)) return undefined;
    const folder = this.realRow(g.folder_id);
    return folder ? this.toItem(this.genRow(g, folder, i)) : undefined;
  }

  rootFolder(listId: string): ItemRecord {
    const list = this.listRow(listId);
    return this.toItem(this.mustRow(list.root_folder_id));
  }

  children(folderId: string, opts: { after?: string; limit: number; kind?: "files" | "folders" | "all" }): ChildrenPage {
    const folder = this.folderRow(folderId);
    const limit = Math.max(0, Math.floor(opts.limit));
    const kind = opts.kind ?? "all";
    const [afterFile, afterName] = opts.after ? decodeCursor(opts.after) : [-1, ""];
    const kindSql = kind === "files" ? " AND is_file = 1" : kind === "folders" ? " AND is_file = 0" : "";
    const real = (
      afterFile < 0
        ? this.sql(`SELECT * FROM items WHERE parent_id = ?${kindSql} ORDER BY is_file, name_lower LIMIT ?`).all(folder.unique_id, limit + 1)
        : this.sql(`SELECT * FROM items WHERE parent_id = ?${kindSql} AND (is_file, name_lower) > (?, ?) ORDER BY is_file, name_lower LIMIT ?`)
            .all(folder.unique_id, afterFile, afterName, limit + 1)
    ) as ItemRow[];
    const merged: ItemRow[] = [];
    const g = kind === "folders" ? undefined : this.genFolder(folder.unique_id);
    if (!g) {
      merged.push(...real);
    } else {
      // Generated children are all files: merge them with real rows in (is_file, name) order.
      let i = afterFile < 1 ? 0 : genFirstIndexAfter(g, afterName);
      const skip = this.overrideSet(g.folder_id);
      let k = 0;
      while (merged.length < limit + 1) {
        while (i < g.count && skip.has(i)) i++;
        const genCand = i < g.count ? this.genRow(g, folder, i) : undefined;
        const realCand = real[k];
        if (!genCand && !realCand) break;
        const takeReal =
          realCand !== undefined && (genCand === undefined || realCand.is_file < 1 || compareUtf8(realCand.name_lower, genCand.name_lower) < 0);
        if (takeReal) {
          merged.push(realCand);
          k++;
        } else {
          merged.push(genCand!);
          i++;
        }
      }
    }
    const page = merged.slice(0, limit);
    const last = page[page.length - 1];
    const result: ChildrenPage = { items: page.map((r) => this.toItem(r)) };
    if (merged.length > limit && last) result.next = encodeCursor(last.is_file, last.name_lower);
    return result;
  }

  listItems(listId: string, opts: { afterId?: number; limit: number }): ItemRecord[] {
    const after = opts.afterId ?? 0;
    const limit = Math.max(0, Math.floor(opts.limit));
    const real = this.sql("SELECT * FROM items WHERE list_id = ? AND id > ? ORDER BY id LIMIT ?").all(listId, after, limit) as ItemRow[];
    const gens = this.sql("SELECT * FROM gen_folders WHERE list_id = ? AND id_base + count - 1 > ? ORDER BY id_base").all(listId, after) as GenFolderRow[];
    const generated: ItemRow[] = [];
    for (const g of gens) {
      if (generated.length >= limit) break;
      const folder = this.realRow(g.folder_id);
      if (!folder) continue;
      const skip = this.overrideSet(g.folder_id);
      for (let i = Math.max(0, after + 1 - g.id_base); i < g.count && generated.length < limit; i++) {
        if (!skip.has(i)) generated.push(this.genRow(g, folder, i));
      }
    }
    return [...real, ...generated]
      .sort((a, b) => a.id - b.id)
      .slice(0, limit)
      .map((r) => this.toItem(r));
  }

  // ------------------------------------------------------------------ content

  private blobPath(blob: string): string {
    return path.join(this.blobDir, blob);
  }

  /** Marks a blob no longer referenced; it goes after the transaction commits and a grace period. */
  private retireBlob(blob: string | null): void {
    if (blob) this.retireQueue.push(blob);
  }

  /** Removes a blob after a grace period, so downloads already streaming it finish. */
  private scheduleUnlink(blob: string): void {
    const file = this.blobPath(blob);
    const timer = setTimeout(() => {
      this.pendingUnlinks.delete(file);
      removeQuietly(file);
    }, BLOB_GRACE_MS);
    timer.unref();
    this.pendingUnlinks.set(file, timer);
  }

  private handleFor(size: number, blob: string | null, synthKey: string | null): ContentHandle {
    return {
      size,
      open: (start = 0, end = size - 1): Readable => {
        const s = Math.max(0, start);
        const e = Math.min(end, size - 1);
        if (size === 0 || e < s) return emptyStream();
        if (blob) return fs.createReadStream(this.blobPath(blob), { start: s, end: e });
        if (synthKey) return syntheticStream(synthKey, s, e);
        return emptyStream();
      },
    };
  }

  content(uniqueId: string, versionId?: number): ContentHandle {
    const r = this.mustRow(uniqueId);
    if (!r.is_file) throw new StoreError("invalidArgument", "A folder has no content.", { uniqueId });
    if (versionId === undefined || versionId === 512 * r.major + r.minor) return this.handleFor(r.size, r.blob, r.synth_key);
    const v = this.sql("SELECT * FROM versions WHERE unique_id = ? AND version_id = ? AND hidden = 0").get(r.unique_id, versionId) as VersionRow | undefined;
    if (!v) throw new StoreError("notFound", "Version not found.", { uniqueId, versionId });
    return this.handleFor(v.size, v.blob, v.synth_key);
  }

  /** Streams `content` into a temp file; the caller renames it into the blob store. */
  private async stage(content: Readable): Promise<{ file: string; size: number; qxh: string }> {
    const file = path.join(this.tmpDir, newGuid());
    try {
      const hash = new QuickXorHash();
      const size = await streamToFile(content, file, "wx", undefined, hash);
      return { file, size, qxh: hash.digest() };
    } catch (err) {
      removeQuietly(file);
      throw err;
    }
  }

  private adoptFile(file: string): string {
    const blob = newGuid();
    fs.renameSync(file, this.blobPath(blob));
    return blob;
  }

  private copyBlob(blob: string): string {
    const copy = newGuid();
    fs.copyFileSync(this.blobPath(blob), this.blobPath(copy), fs.constants.COPYFILE_FICLONE);
    return copy;
  }

  // ------------------------------------------------------------------ writes

  private newItemRow(parent: ItemRow, name: string, isFile: boolean, userId: string, content?: NewContent, times?: { created?: string; modified?: string }): ItemRow {
    const list = this.listRow(parent.list_id);
    const id = (this.sql("UPDATE lists SET next_item_id = next_item_id + 1 WHERE id = ? RETURNING next_item_id").get(list.id) as { next_item_id: number }).next_item_id - 1;
    const p = joinPath(parent.path, name);
    const now = isoSeconds();
    return {
      unique_id: newGuid(),
      tenant: parent.tenant,
      list_id: parent.list_id,
      site_id: parent.site_id,
      id,
      parent_id: parent.unique_id,
      name,
      name_lower: fold(name),
      path: p,
      path_lower: fold(p),
      is_file: isFile ? 1 : 0,
      size: content?.size ?? 0,
      child_count: 0,
      created: times?.created ?? now,
      modified: times?.modified ?? times?.created ?? now,
      author_id: userId,
      editor_id: userId,
      etag: 1,
      content_version: isFile ? 1 : 0,
      major: 1,
      minor: 0,
      check_in_comment: "",
      checked_out_by: null,
      co_dirty: 0,
      lock_user: null,
      lock_kind: null,
      lock_expires: null,
      blob: content?.blob ?? null,
      synth_key: content?.synthKey ?? null,
      qxh: content?.qxh ?? null,
    };
  }

  private addChild(parent: ItemRow, row: ItemRow): void {
    this.insertRow(row);
    this.sql("UPDATE items SET child_count = child_count + 1 WHERE unique_id = ?").run(parent.unique_id);
    this.sql("UPDATE lists SET item_count = item_count + 1 WHERE id = ?").run(row.list_id);
    this.logChange(ChangeType.Add, row);
  }

  private checkNewName(parent: ItemRow, name: string, isFolder: boolean): void {
    assertValidName(name, { isFolder, atLibraryRoot: parent.parent_id === null });
    assertPathLength(joinPath(parent.path, name));
  }

  createFolder(parentId: string, name: string, opts: WriteOptions): ItemRecord {
    return this.transaction(() => {
      const parent = this.folderRow(parentId);
      this.checkNewName(parent, name, true);
      const existing = this.childByName(parent, name);
      if (existing) {
        if (!existing.is_file && opts.overwrite) return this.toItem(existing);
        throw new StoreError("alreadyExists", `A file or folder with the name ${existing.path} already exists.`, { path: existing.path, isFolder: !existing.is_file });
      }
      const row = this.newItemRow(parent, name, false, opts.userId);
      this.addChild(parent, row);
      return this.toItem(row);
    });
  }

  /** Ensures a folder path below a library root exists (used by restore), creating what is missing. */
  private ensureFolderPath(tenant: string, folderPath: string, userId: string): ItemRow {
    const existing = this.rowByPath(tenant, folderPath);
    if (existing) {
      if (existing.is_file) throw new StoreError("alreadyExists", "A file exists where a folder is needed.", { path: folderPath });
      return existing;
    }
    const parent = this.ensureFolderPath(tenant, parentPath(folderPath), userId);
    const name = folderPath.slice(folderPath.lastIndexOf("/") + 1);
    const row = this.newItemRow(parent, name, false, userId);
    this.addChild(parent, row);
    return row;
  }

  private pushVersion(r: ItemRow, hidden: boolean): void {
    const old = this.sql("SELECT blob FROM versions WHERE unique_id = ? AND version_id = ?").get(r.unique_id, 512 * r.major + r.minor) as { blob: string | null } | undefined;
    if (old) this.retireBlob(old.blob);
    this.sql(
        `INSERT OR REPLACE INTO versions (unique_id, version_id, label, size, created, created_by, comment, blob, synth_key, qxh, hidden)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(r.unique_id, 512 * r.major + r.minor, versionLabel(r.major, r.minor), r.size, r.modified, r.editor_id, r.check_in_comment, r.blob, r.synth_key, r.qxh, hidden ? 1 : 0);
  }

  /** Replaces an existing file's content (the blob is already in the blob store); versions as the list says. */
  private applyContent(r: ItemRow, content: NewContent, userId: string, comment?: string): ItemRow {
    const list = this.listRow(r.list_id);
    const versioning = list.enable_versioning === 1;
    let major = r.major;
    let minor = r.minor;
    let coDirty = r.co_dirty;
    if (r.checked_out_by) {
      // Saves while checked out overwrite one pending version; check-in or undo settles it.
      if (!r.co_dirty) {
        this.pushVersion(r, !versioning);
        if (versioning) {
          major += 1;
          minor = 0;
        }
        coDirty = 1;
      } else this.retireBlob(r.blob);
    } else if (versioning) {
      this.pushVersion(r, false);
      major += 1;
      minor = 0;
    } else this.retireBlob(r.blob);
    this.sql(
        `UPDATE items SET blob = ?, synth_key = ?, qxh = ?, size = ?, modified = ?, editor_id = ?, etag = etag + 1, content_version = content_version + 1,
         major = ?, minor = ?, co_dirty = ?, check_in_comment = ? WHERE unique_id = ?`,
      )
      .run(content.blob, content.synthKey, content.qxh, content.size, isoSeconds(), userId, major, minor, coDirty, comment ?? r.check_in_comment, r.unique_id);
    const updated = this.realRow(r.unique_id)!;
    this.logChange(ChangeType.Update, updated);
    return updated;
  }

  /** Creates or overwrites `name` under `parent` with content already in the blob store. */
  private commitFile(parentId: string, name: string, content: NewContent, opts: WriteOptions & { comment?: string }, times?: { created?: string; modified?: string }): ItemRow {
    const parent = this.folderRow(parentId);
    this.checkNewName(parent, name, false);
    const existing = this.childByName(parent, name);
    if (existing) {
      if (!existing.is_file) throw new StoreError("alreadyExists", `A folder with the name ${existing.path} already exists.`, { path: existing.path, isFolder: true });
      if (!opts.overwrite) throw new StoreError("alreadyExists", `A file with the name ${existing.path} already exists.`, { path: existing.path, isFolder: false });
      this.assertWritable(existing, opts, { content: true });
      return this.applyContent(this.materialise(existing), content, opts.userId, opts.comment);
    }
    if (opts.ifMatch !== undefined) throw new StoreError("etagMismatch", "The file does not exist.", { expected: opts.ifMatch });
    const row = this.newItemRow(parent, name, true, opts.userId, content, times);
    if (opts.comment) row.check_in_comment = opts.comment;
    this.addChild(parent, row);
    return row;
  }

  private precheckPut(parentId: string, name: string, opts: WriteOptions): void {
    const parent = this.folderRow(parentId);
    this.checkNewName(parent, name, false);
    const existing = this.childByName(parent, name);
    if (existing) {
      if (!existing.is_file || !opts.overwrite) {
        throw new StoreError("alreadyExists", `A file or folder with the name ${existing.path} already exists.`, { path: existing.path, isFolder: !existing.is_file });
      }
      this.assertWritable(existing, opts, { content: true });
    } else if (opts.ifMatch !== undefined) throw new StoreError("etagMismatch", "The file does not exist.", { expected: opts.ifMatch });
  }

  private commitStaged<T>(file: string, size: number, qxh: string, commit: (content: NewContent) => T): T {
    const blob = size > 0 ? this.adoptFile(file) : null;
    if (!blob) removeQuietly(file);
    try {
      return this.transaction(() => commit({ blob, synthKey: null, size, qxh }));
    } catch (err) {
      if (blob) removeQuietly(this.blobPath(blob));
      throw err;
    }
  }

  async putFile(parentId: string, name: string, content: Readable, opts: WriteOptions & { comment?: string }): Promise<ItemRecord> {
    this.precheckPut(parentId, name, opts);
    const staged = await this.stage(content);
    return this.toItem(this.commitStaged(staged.file, staged.size, staged.qxh, (c) => this.commitFile(parentId, name, c, opts)));
  }

  /** Seeds and tests: a file from bytes in memory, written synchronously. */
  putBytes(parentId: string, name: string, data: Buffer, opts: WriteOptions & { comment?: string; created?: string; modified?: string }): ItemRecord {
    const file = path.join(this.tmpDir, newGuid());
    fs.writeFileSync(file, data);
    const times: { created?: string; modified?: string } = {};
    if (opts.created) times.created = opts.created;
    if (opts.modified) times.modified = opts.modified;
    return this.toItem(this.commitStaged(file, data.length, quickXorHash(data), (c) => this.commitFile(parentId, name, c, opts, times)));
  }

  /** Seeds: a file whose content is synthetic (keyed by its own UniqueId) of `size` bytes. */
  putSynthetic(parentId: string, name: string, size: number, opts: WriteOptions): ItemRecord {
    return this.transaction(() => {
      const r = this.commitFile(parentId, name, { blob: null, synthKey: null, size, qxh: null }, opts);
      this.sql("UPDATE items SET synth_key = unique_id WHERE unique_id = ?").run(r.unique_id);
      return this.toItem(this.realRow(r.unique_id)!);
    });
  }

  async replaceContent(uniqueId: string, content: Readable, opts: WriteOptions): Promise<ItemRecord> {
    const pre = this.mustRow(uniqueId);
    if (!pre.is_file) throw new StoreError("invalidArgument", "A folder has no content.", { uniqueId });
    this.assertWritable(pre, opts, { content: true });
    const staged = await this.stage(content);
    return this.toItem(
      this.commitStaged(staged.file, staged.size, staged.qxh, (c) => {
        const r = this.mustRow(uniqueId);
        this.assertWritable(r, opts, { content: true });
        return this.applyContent(this.materialise(r), c, opts.userId);
      }),
    );
  }

  /** A free name for a keep-both conflict: "name 1.ext", "name 2.ext", … */
  private freeName(parent: ItemRow, name: string, isFolder: boolean): string {
    for (let n = 1; ; n++) {
      const candidate = numberedName(name, n, isFolder);
      if (!this.childByName(parent, candidate)) return candidate;
    }
  }

  /** Resolves a destination name conflict: returns the name to use (and may remove an overwritten file). */
  private resolveConflict(parent: ItemRow, name: string, isFolder: boolean, self: string | undefined, opts: WriteOptions & { keepBoth?: boolean }): string {
    const existing = this.childByName(parent, name);
    if (!existing || existing.unique_id === self) return name;
    if (opts.keepBoth) return this.freeName(parent, name, isFolder);
    if (opts.overwrite && existing.is_file && !isFolder) {
      this.assertWritable(existing, opts);
      this.removeSubtree(this.materialise(existing), "delete", opts.userId);
      return name;
    }
    throw new StoreError("alreadyExists", `A file or folder with the name ${existing.path} already exists.`, { path: existing.path, isFolder: !existing.is_file });
  }

  move(uniqueId: string, dest: { parentId?: string; name?: string }, opts: WriteOptions & { keepBoth?: boolean }): ItemRecord {
    return this.transaction(() => {
      const r = this.rowForWrite(uniqueId);
      if (r.parent_id === null) throw new StoreError("invalidArgument", "A library's root folder cannot be moved.", { uniqueId });
      this.assertWritable(r, opts);
      this.assertSubtreeWritable(r, opts);
      const oldParent = this.folderRow(r.parent_id);
      const newParent = dest.parentId ? this.folderRow(dest.parentId) : oldParent;
      if (newParent.tenant !== r.tenant) throw new StoreError("invalidArgument", "Cannot move across tenants.", {});
      if (newParent.path_lower === r.path_lower || newParent.path_lower.startsWith(r.path_lower + "/")) {
        throw new StoreError("invalidArgument", "Cannot move a folder into itself.", { path: r.path });
      }
      let name = dest.name ?? r.name;
      if (newParent.unique_id === oldParent.unique_id && name === r.name) return this.toItem(r);
      this.checkNewName(newParent, name, !r.is_file);
      name = this.resolveConflict(newParent, name, !r.is_file, r.unique_id, opts);
      const newPath = joinPath(newParent.path, name);
      assertPathLength(newPath);
      const crossList = newParent.list_id !== r.list_id;
      const subtree = r.is_file ? [] : this.descendants(r);
      const genFolders = [r, ...subtree].filter((f) => !f.is_file && this.genFolder(f.unique_id));
      if (crossList) {
        this.logChanges(ChangeType.MoveAway, [r, ...subtree].reverse());
        this.logChanges(ChangeType.MoveAway, this.generatedUnder(genFolders));
      } else if (newParent.unique_id !== oldParent.unique_id) {
        this.logChange(ChangeType.MoveAway, r);
      }
      const oldPath = r.path;
      this.sql("UPDATE items SET name = ?, name_lower = ?, path = ?, path_lower = ?, parent_id = ?, etag = etag + 1 WHERE unique_id = ?")
        .run(name, fold(name), newPath, fold(newPath), newParent.unique_id, r.unique_id);
      const setPath = this.sql("UPDATE items SET path = ?, path_lower = ? WHERE unique_id = ?");
      for (const d of subtree) {
        const p = newPath + d.path.slice(oldPath.length);
        setPath.run(p, fold(p), d.unique_id);
      }
      if (newParent.unique_id !== oldParent.unique_id) {
        this.sql("UPDATE items SET child_count = child_count - 1 WHERE unique_id = ?").run(oldParent.unique_id);
        this.sql("UPDATE items SET child_count = child_count + 1 WHERE unique_id = ?").run(newParent.unique_id);
      }
      if (crossList) this.reassignList([r, ...subtree], genFolders, newParent);
      const moved = this.realRow(r.unique_id)!;
      if (crossList) {
        const all = [moved, ...subtree.map((d) => this.realRow(d.unique_id)!)];
        this.logChanges(ChangeType.MoveInto, all);
        this.logChanges(ChangeType.MoveInto, this.generatedUnder(genFolders.map((f) => this.realRow(f.unique_id)!)));
      } else if (newParent.unique_id !== oldParent.unique_id) {
        this.logChange(ChangeType.MoveInto, moved);
      } else {
        this.logChange(ChangeType.Rename, moved);
      }
      return this.toItem(moved);
    });
  }

  /** After a cross-library move: new list, site and list item ids for the moved rows and generated ranges. */
  private reassignList(rows: ItemRow[], genFolders: ItemRow[], newParent: ItemRow): void {
    const oldList = rows[0]!.list_id;
    let moved = 0;
    const setList = this.sql("UPDATE items SET list_id = ?, site_id = ?, id = ? WHERE unique_id = ?");
    for (const d of rows) {
      const id = (this.sql("UPDATE lists SET next_item_id = next_item_id + 1 WHERE id = ? RETURNING next_item_id").get(newParent.list_id) as { next_item_id: number }).next_item_id - 1;
      setList.run(newParent.list_id, newParent.site_id, id, d.unique_id);
      moved += 1;
    }
    for (const f of genFolders) {
      const g = this.genFolder(f.unique_id)!;
      const base = (this.sql("UPDATE lists SET next_item_id = next_item_id + ? WHERE id = ? RETURNING next_item_id").get(g.count, newParent.list_id) as { next_item_id: number }).next_item_id - g.count;
      this.sql("UPDATE gen_folders SET list_id = ?, id_base = ? WHERE folder_id = ?").run(newParent.list_id, base, g.folder_id);
      moved += this.genActiveCount(g);
    }
    this.sql("UPDATE lists SET item_count = item_count - ? WHERE id = ?").run(moved, oldList);
    this.sql("UPDATE lists SET item_count = item_count + ? WHERE id = ?").run(moved, newParent.list_id);
  }

  copy(uniqueId: string, dest: { parentId: string; name?: string }, opts: WriteOptions & { keepBoth?: boolean }): ItemRecord {
    return this.transaction(() => {
      const src = this.mustRow(uniqueId);
      if (src.parent_id === null) throw new StoreError("invalidArgument", "A library's root folder cannot be copied.", { uniqueId });
      const newParent = this.folderRow(dest.parentId);
      if (newParent.tenant !== src.tenant) throw new StoreError("invalidArgument", "Cannot copy across tenants.", {});
      if (!src.is_file && (newParent.path_lower === src.path_lower || newParent.path_lower.startsWith(src.path_lower + "/"))) {
        throw new StoreError("invalidArgument", "Cannot copy a folder into itself.", { path: src.path });
      }
      let name = dest.name ?? src.name;
      this.checkNewName(newParent, name, !src.is_file);
      name = this.resolveConflict(newParent, name, !src.is_file, undefined, opts);
      assertPathLength(joinPath(newParent.path, name));
      const top = this.copyOne(src, newParent, name, opts.userId);
      if (!src.is_file) {
        const idMap = new Map<string, ItemRow>([[src.unique_id, top]]);
        this.copyGenerated(src, top, opts.userId);
        for (const d of this.descendants(src)) {
          const parentCopy = idMap.get(d.parent_id ?? "");
          if (!parentCopy) continue;
          const c = this.copyOne(d, parentCopy, d.name, opts.userId);
          idMap.set(d.unique_id, c);
          if (!d.is_file) this.copyGenerated(d, c, opts.userId);
        }
      }
      return this.toItem(this.realRow(top.unique_id)!);
    });
  }

  private copyOne(src: ItemRow, parent: ItemRow, name: string, userId: string): ItemRow {
    const content = src.is_file ? { blob: src.blob ? this.copyBlob(src.blob) : null, synthKey: src.synth_key, size: src.size, qxh: src.qxh } : undefined;
    const row = this.newItemRow(parent, name, src.is_file === 1, userId, content);
    this.addChild(parent, row);
    return row;
  }

  /** A copied generated folder gets its own generator (new ids) producing the same names and bytes. */
  private copyGenerated(src: ItemRow, copy: ItemRow, userId: string): void {
    const g = this.genFolder(src.unique_id);
    if (!g) return;
    const base = (this.sql("UPDATE lists SET next_item_id = next_item_id + ? WHERE id = ? RETURNING next_item_id").get(g.count, copy.list_id) as { next_item_id: number }).next_item_id - g.count;
    const ng: GenFolderRow = { ...g, folder_id: copy.unique_id, list_id: copy.list_id, uid_prefix: newGuid().slice(0, 24), id_base: base, created: isoSeconds(), author_id: userId };
    this.insertGen(ng);
    this.sql("INSERT INTO gen_overrides (folder_id, idx) SELECT ?, idx FROM gen_overrides WHERE folder_id = ?").run(ng.folder_id, g.folder_id);
    const active = this.genActiveCount(ng);
    this.sql("UPDATE items SET child_count = child_count + ? WHERE unique_id = ?").run(active, copy.unique_id);
    this.sql("UPDATE lists SET item_count = item_count + ? WHERE id = ?").run(active, copy.list_id);
    this.logChanges(ChangeType.Add, this.generatedUnder([this.realRow(copy.unique_id)!]));
  }

  private insertGen(g: GenFolderRow): void {
    this.sql(
        `INSERT INTO gen_folders (folder_id, list_id, uid_prefix, id_base, count, name_prefix, pad, ext, content_prefix, created, author_id)
         VALUES (@folder_id, @list_id, @uid_prefix, @id_base, @count, @name_prefix, @pad, @ext, @content_prefix, @created, @author_id)`,
      )
      .run(g);
  }

  /**
   * Seeds: a folder whose `count` files are generated on demand (names `<prefix><index padded><ext>`,
   * synthetic content, UniqueIds starting with `uidPrefix`).
   */
  addGeneratedFolder(parentId: string, name: string, spec: { count: number; namePrefix: string; pad: number; ext: string; uidPrefix: string; userId: string }): ItemRecord {
    return this.transaction(() => {
      const folder = this.folderRow(this.createFolder(parentId, name, { userId: spec.userId }).uniqueId);
      const base = (this.sql("UPDATE lists SET next_item_id = next_item_id + ? WHERE id = ? RETURNING next_item_id").get(spec.count, folder.list_id) as { next_item_id: number }).next_item_id - spec.count;
      this.insertGen({
        folder_id: folder.unique_id,
        list_id: folder.list_id,
        uid_prefix: spec.uidPrefix,
        id_base: base,
        count: spec.count,
        name_prefix: spec.namePrefix,
        pad: spec.pad,
        ext: spec.ext,
        content_prefix: spec.uidPrefix,
        created: folder.created,
        author_id: spec.userId,
      });
      this.sql("UPDATE items SET child_count = child_count + ? WHERE unique_id = ?").run(spec.count, folder.unique_id);
      this.sql("UPDATE lists SET item_count = item_count + ? WHERE id = ?").run(spec.count, folder.list_id);
      return this.toItem(this.realRow(folder.unique_id)!);
    });
  }

  /**
   * Removes an item and its subtree from `items`: hard delete (rows, versions, blobs, generators go)
   * or recycle (rows move to `recycled_items` under `recycleId`). Logs DeleteObject for each item.
   */
  private removeSubtree(r: ItemRow, mode: "delete" | "recycle", _userId: string, recycleId?: string): void {
    const subtree = r.is_file ? [] : this.descendants(r);
    const all = [r, ...subtree];
    const genFolders = all.filter((f) => !f.is_file && this.genFolder(f.unique_id));
    this.logChanges(ChangeType.DeleteObject, all);
    const generated = genFolders.reduce((sum, f) => sum + this.genActiveCount(this.genFolder(f.unique_id)!), 0);
    this.logChanges(ChangeType.DeleteObject, this.generatedUnder(genFolders));
    const removed = all.length + generated;
    for (const d of all) {
      if (mode === "recycle") {
        this.sql(`INSERT INTO recycled_items (${ITEM_COLS}, recycle_id) SELECT ${ITEM_COLS}, ? FROM items WHERE unique_id = ?`).run(recycleId, d.unique_id);
      } else {
        this.retireBlob(d.blob);
        for (const v of this.sql("SELECT blob FROM versions WHERE unique_id = ?").all(d.unique_id) as { blob: string | null }[]) this.retireBlob(v.blob);
        this.sql("DELETE FROM versions WHERE unique_id = ?").run(d.unique_id);
        this.sql("DELETE FROM sharing_links WHERE unique_id = ?").run(d.unique_id);
        this.sql("DELETE FROM gen_folders WHERE folder_id = ?").run(d.unique_id);
        this.sql("DELETE FROM gen_overrides WHERE folder_id = ?").run(d.unique_id);
      }
      this.sql("DELETE FROM items WHERE unique_id = ?").run(d.unique_id);
    }
    this.sql("UPDATE items SET child_count = child_count - 1 WHERE unique_id = ?").run(r.parent_id);
    // Generated folders recycled with their parent keep producing their children on restore; count them as gone meanwhile.
    this.sql("UPDATE lists SET item_count = item_count - ? WHERE id = ?").run(removed, r.list_id);
  }

  delete(uniqueId: string, opts: WriteOptions): void {
    this.transaction(() => {
      const r = this.rowForWrite(uniqueId);
      if (r.parent_id === null) throw new StoreError("invalidArgument", "A library's root folder cannot be deleted.", { uniqueId });
      this.assertWritable(r, opts);
      this.assertSubtreeWritable(r, opts);
      this.removeSubtree(r, "delete", opts.userId);
    });
  }

  recycle(uniqueId: string, opts: WriteOptions): string {
    return this.transaction(() => {
      const r = this.rowForWrite(uniqueId);
      if (r.parent_id === null) throw new StoreError("invalidArgument", "A library's root folder cannot be recycled.", { uniqueId });
      this.assertWritable(r, opts);
      this.assertSubtreeWritable(r, opts);
      const recycleId = newGuid();
      this.sql("INSERT INTO recycle_bin (id, site_id, list_id, unique_id, title, dir_name, deleted_by, deleted, seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")
        .run(recycleId, r.site_id, r.list_id, r.unique_id, r.name, parentPath(r.path).replace(/^\//, ""), opts.userId, isoSeconds(), this.nextOrd());
      this.removeSubtree(r, "recycle", opts.userId, recycleId);
      return recycleId;
    });
  }

  recycleBin(siteId: string): RecycleBinRecord[] {
    const rows = this.sql("SELECT * FROM recycle_bin WHERE site_id = ? ORDER BY seq DESC").all(siteId) as {
      id: string;
      unique_id: string;
      title: string;
      dir_name: string;
      deleted_by: string;
      deleted: string;
    }[];
    return rows.map((r) => ({ id: r.id, uniqueId: r.unique_id, title: r.title, dirName: r.dir_name, deletedById: r.deleted_by, deleted: r.deleted }));
  }

  restoreFromRecycleBin(recycleId: string, userId: string): ItemRecord {
    return this.transaction(() => {
      const rb = this.sql("SELECT * FROM recycle_bin WHERE id = ?").get(recycleId) as { unique_id: string; list_id: string } | undefined;
      if (!rb) throw new StoreError("notFound", "Item does not exist. It may have been deleted by another user.", { recycleId });
      const top = this.sql("SELECT * FROM recycled_items WHERE unique_id = ?").get(rb.unique_id) as ItemRow | undefined;
      if (!top) throw new StoreError("notFound", "Item does not exist.", { recycleId });
      const parent = this.realRow(top.parent_id ?? "") ?? this.ensureFolderPath(top.tenant, parentPath(top.path), userId);
      if (parent.path !== parentPath(top.path)) {
        throw new StoreError("notFound", "The original location no longer exists.", { path: top.path });
      }
      const clash = this.childByName(parent, top.name);
      if (clash) throw new StoreError("alreadyExists", `A file or folder with the name ${clash.path} already exists.`, { path: clash.path, isFolder: !clash.is_file });
      this.sql(`INSERT INTO items (${ITEM_COLS}) SELECT ${ITEM_COLS} FROM recycled_items WHERE recycle_id = ?`).run(recycleId);
      this.sql("DELETE FROM recycled_items WHERE recycle_id = ?").run(recycleId);
      this.sql("DELETE FROM recycle_bin WHERE id = ?").run(recycleId);
      this.sql("UPDATE items SET parent_id = ? WHERE unique_id = ?").run(parent.unique_id, top.unique_id);
      this.sql("UPDATE items SET child_count = child_count + 1 WHERE unique_id = ?").run(parent.unique_id);
      const restored = this.realRow(top.unique_id)!;
      const all = [restored, ...(restored.is_file ? [] : this.descendants(restored))];
      const genFolders = all.filter((f) => !f.is_file && this.genFolder(f.unique_id));
      const count = all.length + genFolders.reduce((sum, f) => sum + this.genActiveCount(this.genFolder(f.unique_id)!), 0);
      this.logChanges(ChangeType.Restore, all);
      this.logChanges(ChangeType.Restore, this.generatedUnder(genFolders));
      this.sql("UPDATE lists SET item_count = item_count + ? WHERE id = ?").run(count, restored.list_id);
      return this.toItem(restored);
    });
  }

  /** Empties the recycle bin entry for good (second-stage delete). */
  purgeRecycleBinItem(recycleId: string): void {
    this.transaction(() => {
      const rows = this.sql("SELECT unique_id, blob FROM recycled_items WHERE recycle_id = ?").all(recycleId) as { unique_id: string; blob: string | null }[];
      for (const r of rows) {
        this.retireBlob(r.blob);
        for (const v of this.sql("SELECT blob FROM versions WHERE unique_id = ?").all(r.unique_id) as { blob: string | null }[]) this.retireBlob(v.blob);
        this.sql("DELETE FROM versions WHERE unique_id = ?").run(r.unique_id);
        this.sql("DELETE FROM gen_folders WHERE folder_id = ?").run(r.unique_id);
        this.sql("DELETE FROM gen_overrides WHERE folder_id = ?").run(r.unique_id);
      }
      this.sql("DELETE FROM recycled_items WHERE recycle_id = ?").run(recycleId);
      this.sql("DELETE FROM recycle_bin WHERE id = ?").run(recycleId);
    });
  }

  // ------------------------------------------------------------------ versions

  versions(uniqueId: string): VersionRecord[] {
    const r = this.mustRow(uniqueId);
    const rows = this.sql("SELECT * FROM versions WHERE unique_id = ? AND hidden = 0 ORDER BY version_id").all(r.unique_id) as VersionRow[];
    return rows.map((v) => ({ versionId: v.version_id, label: v.label, size: v.size, created: v.created, createdById: v.created_by, checkInComment: v.comment }));
  }

  restoreVersion(uniqueId: string, label: string, opts: WriteOptions): ItemRecord {
    return this.transaction(() => {
      const r = this.rowForWrite(uniqueId);
      this.assertWritable(r, opts, { content: true });
      const v = this.sql("SELECT * FROM versions WHERE unique_id = ? AND label = ? AND hidden = 0").get(r.unique_id, label) as VersionRow | undefined;
      if (!v) throw new StoreError("notFound", `Version ${label} not found.`, { uniqueId, label });
      const blob = v.blob ? this.copyBlob(v.blob) : null;
      return this.toItem(this.applyContent(r, { blob, synthKey: v.synth_key, size: v.size, qxh: v.qxh }, opts.userId));
    });
  }

  deleteVersion(uniqueId: string, versionId: number, userId: string): void {
    this.transaction(() => {
      const r = this.rowForWrite(uniqueId);
      this.assertWritable(r, { userId });
      const v = this.sql("SELECT * FROM versions WHERE unique_id = ? AND version_id = ? AND hidden = 0").get(r.unique_id, versionId) as VersionRow | undefined;
      if (!v) throw new StoreError("notFound", "Version not found.", { uniqueId, versionId });
      this.retireBlob(v.blob);
      this.sql("DELETE FROM versions WHERE unique_id = ? AND version_id = ?").run(r.unique_id, versionId);
    });
  }

  // ------------------------------------------------------------------ check-out and locks

  checkOut(uniqueId: string, userId: string): ItemRecord {
    return this.transaction(() => {
      const r = this.rowForWrite(uniqueId);
      if (!r.is_file) throw new StoreError("invalidArgument", "Only files can be checked out.", { uniqueId });
      if (r.checked_out_by && r.checked_out_by !== userId) {
        throw new StoreError("checkedOut", `The file "${r.path}" is checked out for editing by another user.`, { checkedOutById: r.checked_out_by, path: r.path });
      }
      if (r.checked_out_by === userId) return this.toItem(r);
      this.sql("UPDATE items SET checked_out_by = ?, co_dirty = 0, etag = etag + 1 WHERE unique_id = ?").run(userId, r.unique_id);
      const u = this.realRow(r.unique_id)!;
      this.logChange(ChangeType.Update, u);
      return this.toItem(u);
    });
  }

  private assertCheckedOutBy(r: ItemRow, userId: string): void {
    if (!r.checked_out_by) throw new StoreError("notCheckedOut", `The file "${r.path}" is not checked out.`, { path: r.path });
    if (r.checked_out_by !== userId) {
      throw new StoreError("checkedOut", `The file "${r.path}" is checked out for editing by another user.`, { checkedOutById: r.checked_out_by, path: r.path });
    }
  }

  checkIn(uniqueId: string, userId: string, comment: string, type: 0 | 1 | 2): ItemRecord {
    return this.transaction(() => {
      const r = this.rowForWrite(uniqueId);
      this.assertCheckedOutBy(r, userId);
      const list = this.listRow(r.list_id);
      let major = r.major;
      let minor = r.minor;
      if (r.co_dirty && type === 0 && list.enable_versioning && list.enable_minor_versions) {
        // A minor check-in publishes the pending edit as a minor version of the previous major.
        major = r.major - 1;
        minor = this.nextMinor(r.unique_id, major);
      }
      if (type === 2 && r.co_dirty) {
        // Overwrite: replace the last version instead of adding one.
        const prev = this.sql("SELECT * FROM versions WHERE unique_id = ? ORDER BY version_id DESC LIMIT 1").get(r.unique_id) as VersionRow | undefined;
        if (prev) {
          this.retireBlob(prev.blob);
          this.sql("DELETE FROM versions WHERE unique_id = ? AND version_id = ?").run(r.unique_id, prev.version_id);
          if (list.enable_versioning) {
            major = Math.floor(prev.version_id / 512);
            minor = prev.version_id % 512;
          }
        }
      }
      for (const v of this.sql("SELECT blob FROM versions WHERE unique_id = ? AND hidden = 1").all(r.unique_id) as { blob: string | null }[]) this.retireBlob(v.blob);
      this.sql("DELETE FROM versions WHERE unique_id = ? AND hidden = 1").run(r.unique_id);
      this.sql("UPDATE items SET checked_out_by = NULL, co_dirty = 0, check_in_comment = ?, major = ?, minor = ?, etag = etag + 1, modified = ?, editor_id = ? WHERE unique_id = ?")
        .run(comment, major, minor, isoSeconds(), userId, r.unique_id);
      const u = this.realRow(r.unique_id)!;
      this.logChange(ChangeType.Update, u);
      return this.toItem(u);
    });
  }

  private nextMinor(uniqueId: string, major: number): number {
    const row = this.sql("SELECT MAX(version_id) AS v FROM versions WHERE unique_id = ? AND version_id >= ? AND version_id < ?").get(uniqueId, 512 * major, 512 * (major + 1)) as { v: number | null };
    return row.v === null ? 1 : (row.v % 512) + 1;
  }

  undoCheckOut(uniqueId: string, userId: string): ItemRecord {
    return this.transaction(() => {
      const r = this.rowForWrite(uniqueId);
      this.assertCheckedOutBy(r, userId);
      if (r.co_dirty) {
        const prev = this.sql("SELECT * FROM versions WHERE unique_id = ? ORDER BY version_id DESC LIMIT 1").get(r.unique_id) as VersionRow | undefined;
        if (prev) {
          this.retireBlob(r.blob);
          this.sql("DELETE FROM versions WHERE unique_id = ? AND version_id = ?").run(r.unique_id, prev.version_id);
          this.sql(
              "UPDATE items SET blob = ?, synth_key = ?, qxh = ?, size = ?, major = ?, minor = ?, modified = ?, editor_id = ?, content_version = content_version + 1 WHERE unique_id = ?",
            )
            .run(prev.blob, prev.synth_key, prev.qxh, prev.size, Math.floor(prev.version_id / 512), prev.version_id % 512, prev.created, prev.created_by, r.unique_id);
        }
      }
      this.sql("UPDATE items SET checked_out_by = NULL, co_dirty = 0, etag = etag + 1 WHERE unique_id = ?").run(r.unique_id);
      const u = this.realRow(r.unique_id)!;
      this.logChange(ChangeType.Update, u);
      return this.toItem(u);
    });
  }

  setLock(uniqueId: string, lock: LockRecord | undefined): void {
    this.transaction(() => {
      const r = this.rowForWrite(uniqueId);
      this.sql("UPDATE items SET lock_user = ?, lock_kind = ?, lock_expires = ?, etag = etag + 1 WHERE unique_id = ?")
        .run(lock?.userId ?? null, lock?.kind ?? null, lock?.expires ?? null, r.unique_id);
    });
  }

  // ------------------------------------------------------------------ chunked uploads

  private uploadFile(uploadId: string): string {
    if (!/^[A-Za-z0-9-]{1,100}$/.test(uploadId)) throw new StoreError("uploadSession", "The upload id is not valid.", { uploadId });
    return path.join(this.uploadDir, uploadId);
  }

  async appendUpload(uploadId: string, target: Target, offset: number, chunk: Readable, userId: string): Promise<number> {
    const file = this.uploadFile(uploadId);
    if (this.busyUploads.has(uploadId)) throw new StoreError("uploadSession", "Another fragment of this upload is in progress.", { uploadId });
    const state = this.uploadState(uploadId);
    if (state) {
      if (offset !== state.size && offset !== 0) {
        throw new StoreError("uploadSession", `The fragment offset ${offset} does not match the expected offset ${state.size}.`, { uploadId, expected: state.size, offset });
      }
    } else {
      if (offset !== 0) throw new StoreError("uploadSession", "The upload session does not exist.", { uploadId, expected: 0, offset });
      if (target.uniqueId) {
        const r = this.mustRow(target.uniqueId);
        if (!r.is_file) throw new StoreError("invalidArgument", "The target is not a file.", { uniqueId: target.uniqueId });
      } else if (target.parentId && target.name !== undefined) {
        const parent = this.folderRow(target.parentId);
        this.checkNewName(parent, target.name, false);
      } else throw new StoreError("invalidArgument", "The upload target is incomplete.", { target });
      this.sql("INSERT INTO uploads (upload_id, target, user_id, size, created) VALUES (?, ?, ?, 0, ?)").run(uploadId, JSON.stringify(target), userId, isoSeconds());
      fs.writeFileSync(file, Buffer.alloc(0));
    }
    this.busyUploads.add(uploadId);
    try {
      // A retried fragment or a restart at 0 overwrites what was staged from that offset on.
      fs.truncateSync(file, offset);
      const written = await streamToFile(chunk, file, "r+", offset);
      const size = offset + written;
      this.sql("UPDATE uploads SET size = ?, created = ? WHERE upload_id = ?").run(size, isoSeconds(), uploadId);
      return size;
    } catch (err) {
      if (!this.uploadState(uploadId)) removeQuietly(file);
      else fs.truncateSync(file, this.uploadState(uploadId)!.size);
      throw err;
    } finally {
      this.busyUploads.delete(uploadId);
    }
  }

  uploadState(uploadId: string): { size: number; target: Target; userId: string } | undefined {
    const r = this.sql("SELECT * FROM uploads WHERE upload_id = ?").get(uploadId) as { size: number; target: string; user_id: string } | undefined;
    return r ? { size: r.size, target: JSON.parse(r.target) as Target, userId: r.user_id } : undefined;
  }

  async finishUpload(uploadId: string, opts: WriteOptions): Promise<ItemRecord> {
    const state = this.uploadState(uploadId);
    if (!state) throw new StoreError("uploadSession", "The upload session does not exist.", { uploadId });
    if (this.busyUploads.has(uploadId)) throw new StoreError("uploadSession", "A fragment of this upload is in progress.", { uploadId });
    const file = this.uploadFile(uploadId);
    const t = state.target;
    const precheck = (): void => {
      if (t.uniqueId) this.assertWritable(this.mustRow(t.uniqueId), opts, { content: true });
      else this.precheckPut(t.parentId!, t.name!, opts);
    };
    precheck();
    this.busyUploads.add(uploadId);
    let qxh: string;
    try {
      qxh = await hashFile(file);
    } finally {
      this.busyUploads.delete(uploadId);
    }
    // Checked again: the hash took a while and the target may have changed meanwhile.
    precheck();
    if (!this.uploadState(uploadId)) throw new StoreError("uploadSession", "The upload session does not exist.", { uploadId });
    const staged = path.join(this.tmpDir, newGuid());
    fs.renameSync(file, staged);
    const result = this.commitStaged(staged, state.size, qxh, (c) => {
      this.sql("DELETE FROM uploads WHERE upload_id = ?").run(uploadId);
      if (t.uniqueId) {
        const row = this.mustRow(t.uniqueId);
        this.assertWritable(row, opts, { content: true });
        return this.applyContent(this.materialise(row), c, opts.userId);
      }
      return this.commitFile(t.parentId!, t.name!, c, opts);
    });
    return this.toItem(result);
  }

  cancelUpload(uploadId: string): void {
    const file = this.uploadFile(uploadId);
    this.sql("DELETE FROM uploads WHERE upload_id = ?").run(uploadId);
    removeQuietly(file);
  }

  // ------------------------------------------------------------------ sharing

  createSharingLink(
    uniqueId: string,
    link: Omit<SharingLinkRecord, "shareId" | "url" | "uniqueId">,
    urlFor: (shareId: string) => string,
  ): { link: SharingLinkRecord; created: boolean } {
    return this.transaction(() => {
      const r = this.rowForWrite(uniqueId);
      const existing = this.sql("SELECT * FROM sharing_links WHERE unique_id = ? AND kind = ? AND scope = ? AND type = ? AND scope != 'users'")
        .get(r.unique_id, link.kind, link.scope, link.type) as
        | { share_id: string; unique_id: string; kind: number; scope: string; type: string; url: string; created_by: string; expiration: string | null }
        | undefined;
      if (existing) {
        const rec: SharingLinkRecord = {
          shareId: existing.share_id,
          uniqueId: existing.unique_id,
          kind: existing.kind,
          scope: existing.scope as SharingLinkRecord["scope"],
          type: existing.type as SharingLinkRecord["type"],
          url: existing.url,
          createdById: existing.created_by,
        };
        if (existing.expiration) rec.expiration = existing.expiration;
        return { link: rec, created: false };
      }
      const shareId = newGuid();
      const url = urlFor(shareId);
      this.sql("INSERT INTO sharing_links (share_id, unique_id, kind, scope, type, url, created_by, expiration) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
        .run(shareId, r.unique_id, link.kind, link.scope, link.type, url, link.createdById, link.expiration ?? null);
      const rec: SharingLinkRecord = { ...link, shareId, url, uniqueId: r.unique_id };
      return { link: rec, created: true };
    });
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const [file, timer] of this.pendingUnlinks) {
      clearTimeout(timer);
      removeQuietly(file);
    }
    this.pendingUnlinks.clear();
    this.db.close();
  }
}
