/** SQLite schema of the store (one database file; content lives in blob files beside it). */
/** Columns shared by live items and recycled items, in insertion order. */
export const ITEM_COLUMNS = [
    "unique_id", "tenant", "list_id", "site_id", "id", "parent_id", "name", "name_lower", "path", "path_lower",
    "is_file", "size", "child_count", "created", "modified", "author_id", "editor_id", "etag", "content_version",
    "major", "minor", "check_in_comment", "checked_out_by", "co_dirty", "lock_user", "lock_kind", "lock_expires",
    "blob", "synth_key", "qxh",
];
const ITEM_DDL = `
  unique_id TEXT NOT NULL,
  tenant TEXT NOT NULL,
  list_id TEXT NOT NULL,
  site_id TEXT NOT NULL,
  id INTEGER NOT NULL,
  parent_id TEXT,
  name TEXT NOT NULL,
  name_lower TEXT NOT NULL,
  path TEXT NOT NULL,
  path_lower TEXT NOT NULL,
  is_file INTEGER NOT NULL,
  size INTEGER NOT NULL DEFAULT 0,
  child_count INTEGER NOT NULL DEFAULT 0,
  created TEXT NOT NULL,
  modified TEXT NOT NULL,
  author_id TEXT NOT NULL,
  editor_id TEXT NOT NULL,
  etag INTEGER NOT NULL DEFAULT 1,
  content_version INTEGER NOT NULL DEFAULT 1,
  major INTEGER NOT NULL DEFAULT 1,
  minor INTEGER NOT NULL DEFAULT 0,
  check_in_comment TEXT NOT NULL DEFAULT '',
  checked_out_by TEXT,
  co_dirty INTEGER NOT NULL DEFAULT 0,
  lock_user TEXT,
  lock_kind TEXT,
  lock_expires TEXT,
  blob TEXT,
  synth_key TEXT,
  qxh TEXT`;
export const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS tenants (name TEXT PRIMARY KEY, tenant_id TEXT NOT NULL UNIQUE, display_name TEXT NOT NULL, ord INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS users (
  id TEXT PRIMARY KEY, tenant TEXT NOT NULL, upn TEXT NOT NULL, upn_lower TEXT NOT NULL, display_name TEXT NOT NULL, ord INTEGER NOT NULL,
  UNIQUE (tenant, upn_lower));
CREATE TABLE IF NOT EXISTS sites (
  id TEXT PRIMARY KEY, web_id TEXT NOT NULL, tenant TEXT NOT NULL, kind TEXT NOT NULL, url TEXT NOT NULL, url_lower TEXT NOT NULL,
  title TEXT NOT NULL, description TEXT NOT NULL, web_template TEXT NOT NULL, created TEXT NOT NULL, owner_id TEXT, ord INTEGER NOT NULL,
  UNIQUE (tenant, url_lower));
CREATE TABLE IF NOT EXISTS site_members (site_id TEXT NOT NULL, user_id TEXT NOT NULL, ord INTEGER NOT NULL, PRIMARY KEY (site_id, user_id));
CREATE TABLE IF NOT EXISTS lists (
  id TEXT PRIMARY KEY, site_id TEXT NOT NULL, title TEXT NOT NULL, url_name TEXT NOT NULL, root_folder_url TEXT NOT NULL,
  root_folder_id TEXT NOT NULL, base_template INTEGER NOT NULL, hidden INTEGER NOT NULL, enable_versioning INTEGER NOT NULL,
  enable_minor_versions INTEGER NOT NULL, force_checkout INTEGER NOT NULL, created TEXT NOT NULL, drive_id TEXT NOT NULL UNIQUE,
  entity_type_name TEXT NOT NULL, next_item_id INTEGER NOT NULL DEFAULT 1, last_change INTEGER NOT NULL DEFAULT 0,
  trimmed_through INTEGER NOT NULL DEFAULT 0, item_count INTEGER NOT NULL DEFAULT 0, ord INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS lists_site ON lists (site_id, ord);
CREATE TABLE IF NOT EXISTS items (${ITEM_DDL}, PRIMARY KEY (unique_id));
CREATE UNIQUE INDEX IF NOT EXISTS items_path ON items (tenant, path_lower);
CREATE INDEX IF NOT EXISTS items_children ON items (parent_id, is_file, name_lower);
CREATE INDEX IF NOT EXISTS items_listid ON items (list_id, id);
CREATE TABLE IF NOT EXISTS recycled_items (${ITEM_DDL}, recycle_id TEXT NOT NULL, PRIMARY KEY (unique_id));
CREATE INDEX IF NOT EXISTS recycled_by_bin ON recycled_items (recycle_id);
CREATE TABLE IF NOT EXISTS recycle_bin (
  id TEXT PRIMARY KEY, site_id TEXT NOT NULL, list_id TEXT NOT NULL, unique_id TEXT NOT NULL, title TEXT NOT NULL,
  dir_name TEXT NOT NULL, deleted_by TEXT NOT NULL, deleted TEXT NOT NULL, seq INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS recycle_bin_site ON recycle_bin (site_id, seq);
CREATE TABLE IF NOT EXISTS versions (
  unique_id TEXT NOT NULL, version_id INTEGER NOT NULL, label TEXT NOT NULL, size INTEGER NOT NULL, created TEXT NOT NULL,
  created_by TEXT NOT NULL, comment TEXT NOT NULL, blob TEXT, synth_key TEXT, qxh TEXT, hidden INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (unique_id, version_id));
CREATE TABLE IF NOT EXISTS changes (
  list_id TEXT NOT NULL, n INTEGER NOT NULL, change_type INTEGER NOT NULL, time TEXT NOT NULL, site_id TEXT NOT NULL,
  web_id TEXT NOT NULL, item_id INTEGER NOT NULL, unique_id TEXT NOT NULL, parent_id TEXT, path TEXT NOT NULL,
  is_folder INTEGER NOT NULL, PRIMARY KEY (list_id, n));
CREATE TABLE IF NOT EXISTS gen_folders (
  folder_id TEXT PRIMARY KEY, list_id TEXT NOT NULL, uid_prefix TEXT NOT NULL UNIQUE, id_base INTEGER NOT NULL,
  count INTEGER NOT NULL, name_prefix TEXT NOT NULL, pad INTEGER NOT NULL, ext TEXT NOT NULL, content_prefix TEXT NOT NULL,
  created TEXT NOT NULL, author_id TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS gen_folders_list ON gen_folders (list_id, id_base);
CREATE TABLE IF NOT EXISTS gen_overrides (folder_id TEXT NOT NULL, idx INTEGER NOT NULL, PRIMARY KEY (folder_id, idx));
CREATE TABLE IF NOT EXISTS uploads (
  upload_id TEXT PRIMARY KEY, target TEXT NOT NULL, user_id TEXT NOT NULL, size INTEGER NOT NULL, created TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS sharing_links (
  share_id TEXT PRIMARY KEY, unique_id TEXT NOT NULL, kind INTEGER NOT NULL, scope TEXT NOT NULL, type TEXT NOT NULL,
  url TEXT NOT NULL, created_by TEXT NOT NULL, expiration TEXT);
CREATE INDEX IF NOT EXISTS sharing_links_item ON sharing_links (unique_id);
`;
//# sourceMappingURL=schema.js.map