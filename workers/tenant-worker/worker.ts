/**
 * TenantWorker: one tenant's control-plane methods, answered in the tenant's own process (the one
 * that owns its mounts and cache). The daemon forwards tenant-scoped requests here verbatim; paths
 * arrive as namespace paths (`contoso/Marketing/Documents/x`) or as absolute local paths under one
 * of this worker's mounts.
 *
 * Start-up after a crash or restart needs nobody: the token cache, journal and persisted drives are
 * in the state dir, so `boot()` signs in silently, remounts and finishes pending uploads.
 */
import { X509Certificate } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync, renameSync } from "node:fs";
import { join, relative, resolve, sep } from "node:path";
import type { CacheStats, Drive, ItemInfo, Library, SharingLink, Tenant, Upload, Version } from "../../rpc-schema/generated/methods.js";
import { KonnektError, toKonnektError } from "../errors.js";
import { ItemReader } from "../content/item-reader.js";
import type { Mount } from "../mount/mount.js";
import type { Entry } from "../tenant/session.js";
import { TenantRuntime } from "../tenant-runtime.js";
import { contentKey } from "../vfs/content-router.js";
import type { WorkerOptions } from "./options.js";

export type Notify = (method: string, params: Record<string, unknown>) => void;

interface DriveRecord {
  id: string;
  name: string;
  /** Namespace subtree inside the tenant ("" for the whole tenant). */
  subtree: string;
  mountPoint: string;
  persist: boolean;
}

interface SignInParams {
  signInMode?: "interactive" | "deviceCode" | "certificate";
  clientId?: string;
  certificatePath?: string;
  certificateThumbprint?: string;
}

const PIN_PROGRESS_EVERY_BYTES = 8 * 1024 * 1024;

export class TenantWorker {
  readonly rt: TenantRuntime;
  private state: Tenant["state"] = "starting";
  private lastError?: KonnektError;
  private readonly drives = new Map<string, { record: DriveRecord; mount?: Mount<unknown> }>();
  private starting?: Promise<void>;

  constructor(
    private readonly o: WorkerOptions,
    private readonly notify: Notify,
  ) {
    this.rt = new TenantRuntime({
      tenant: o.tenant,
      tenantId: o.tenantId,
      authorityHost: o.authorityHost,
      clientId: o.clientId,
      rootUrl: o.url,
      stateDir: o.stateDir,
      cacheDir: o.cacheDir,
      cacheCapBytes: o.cacheCapBytes,
      ...(process.env.NODE_EXTRA_CA_CERTS ? { ca: readFileSync(process.env.NODE_EXTRA_CA_CERTS, "utf8") } : {}),
      discovery: {
        ...(o.discovery?.query ? { query: o.discovery.query } : {}),
        scope: { include: o.discovery?.include ?? [], exclude: o.discovery?.exclude ?? [] },
      },
      ...(o.discoveryIntervalMs !== undefined ? { discoveryIntervalMs: o.discoveryIntervalMs } : {}),
      ...(o.pollIntervalMs !== undefined ? { pollIntervalMs: o.pollIntervalMs } : {}),
      ...(o.uploadConcurrency !== undefined ? { uploadConcurrency: o.uploadConcurrency } : {}),
    });
    this.rt.engine.on("status", (s: { state: string; reason?: string }) => {
      if (s.state === "needs-sign-in") {
        this.state = "needsSignIn";
        this.notify("tenant.needsSignIn", { tenant: o.tenant, reason: "expired", message: `Sign in to ${o.tenant} again: ${s.reason ?? "the sign-in expired"}.` });
      }
    });
    this.rt.queue.on("conflict", (e) => this.notify("item.conflict", { tenant: o.tenant, path: e.name, conflictCopy: e.copyName }));
  }

  /** Silent start from the persisted state; a tenant without a usable sign-in waits for tenant.connect. */
  async boot(): Promise<void> {
    try {
      if (this.o.certificate) this.useCertificate({ clientId: this.o.certificate.clientId, certificatePath: this.o.certificate.path });
      else if (!(await this.rt.engine.auth.restore())) {
        this.state = "needsSignIn";
        return;
      }
      await this.startRuntime();
    } catch (err) {
      this.fail(err);
    }
  }

  // --- tenant.* ---

  async connect(p: SignInParams, signal: AbortSignal): Promise<Tenant> {
    const mode = p.signInMode ?? "interactive";
    if (mode === "certificate") {
      if (!p.clientId || !p.certificatePath) throw new KonnektError("invalidArgument", "Certificate sign-in needs clientId and certificatePath.");
      this.useCertificate({ clientId: p.clientId, certificatePath: p.certificatePath });
    } else if (!(this.state === "connected" && this.rt.engine.auth.status().state === "signed-in")) {
      const resource = new URL(this.o.url).origin;
      this.state = "needsSignIn";
      if (mode === "deviceCode") {
        await this.rt.engine.auth.signInWithDeviceCode(
          resource,
          (prompt) =>
            this.notify("tenant.needsSignIn", {
              tenant: this.o.tenant,
              reason: "connect",
              message: prompt.message,
              deviceCode: { userCode: prompt.userCode, verificationUri: prompt.verificationUri, expiresAt: new Date(Date.now() + prompt.expiresInSeconds * 1000).toISOString() },
            }),
          signal,
        );
      } else {
        await this.rt.engine.auth.signInInteractive(resource, async (url) => {
          this.notify("tenant.needsSignIn", { tenant: this.o.tenant, reason: "connect", message: `Open ${url} to sign in to ${this.o.tenant}.`, browserUrl: url });
          await openInBrowser(url);
        });
      }
    }
    await this.startRuntime();
    return this.status();
  }

  status(): Tenant {
    const auth = this.rt.engine.auth.status();
    const tokenStore = this.rt.engine.auth.tokenStoreInfo();
    return {
      name: this.o.tenant,
      url: this.o.url,
      state: this.state,
      tenantId: this.o.tenantId,
      workerPid: process.pid,
      ...(tokenStore ? { tokenStore: tokenStore.kind } : {}),
      libraries: this.rt.engine.session.libraries().length,
      pendingUploads: this.rt.queue.status().pending,
      ...(auth.state === "signed-in" && auth.username ? { account: auth.username } : {}),
      ...(this.lastError ? { lastError: { code: this.lastError.code, message: this.lastError.message } } : {}),
    };
  }

  async signOut(): Promise<void> {
    await this.rt.engine.auth.signOut();
  }

  // --- library.* ---

  libraries(site?: string): Library[] {
    return this.rt.engine.session
      .libraries()
      .filter((l) => site === undefined || l.siteName.toLowerCase() === site.toLowerCase() || l.webUrl.toLowerCase() === site.toLowerCase())
      .map((l) => ({
        tenant: this.o.tenant,
        site: l.siteName,
        library: l.libraryName,
        siteUrl: l.webUrl,
        webUrl: `${new URL(l.webUrl).origin}${encodeURI(l.rootFolderUrl)}`,
        path: `${this.o.tenant}/${l.siteName}/${l.libraryName}`,
        localPath: join(this.rootMountPoint(), l.siteName, l.libraryName),
        isPersonalSite: l.kind === "onedrive",
      }));
  }

  async refresh(signal: AbortSignal): Promise<number> {
    return (await this.rt.engine.discover(signal)).length;
  }

  // --- drive.* ---

  async mountDrive(p: { path: string; mountPoint?: string; name?: string; persist?: boolean }, signal: AbortSignal): Promise<Drive> {
    const subtree = this.namespacePath(p.path);
    const entry = await this.rt.engine.session.resolve(subtree, signal);
    if (entry.kind === "file") throw new KonnektError("notADirectory", `${p.path} is a file; a drive maps a folder.`);
    const name = p.name ?? (entry.name || this.o.tenant);
    const mountPoint = resolve(p.mountPoint ?? join(`${this.o.mountRoot}-drives`, name));
    for (const d of this.drives.values()) if (d.record.mountPoint === mountPoint) throw new KonnektError("alreadyExists", `${mountPoint} is already a drive.`);
    const record: DriveRecord = { id: `${this.o.tenant}:${mountPoint}`, name, subtree: entry.path, mountPoint, persist: p.persist ?? false };
    await this.attach(record);
    this.saveDrives();
    return this.driveOf(record);
  }

  async unmountDrive(id: string): Promise<boolean> {
    const d = [...this.drives.values()].find((x) => x.record.id === id || x.record.mountPoint === id || x.record.name === id);
    if (!d) return false;
    this.drives.delete(d.record.id);
    await d.mount?.close();
    this.saveDrives();
    return true;
  }

  driveList(): Drive[] {
    const root: Drive = { id: `${this.o.tenant}:root`, name: this.o.tenant, tenant: this.o.tenant, path: "", mountPoint: this.rootMountPoint(), state: this.rt.mountpoints().includes(this.rootMountPoint()) ? "mounted" : "unmounted", persist: true };
    return [root, ...[...this.drives.values()].map((d) => this.driveOf(d.record))];
  }

  // --- item.* ---

  async itemInfo(path: string, signal: AbortSignal): Promise<ItemInfo> {
    let e: Entry;
    try {
      e = await this.entry(path, signal);
    } catch (err) {
      const pending = toKonnektError(err).code === "notFound" ? await this.pendingInfo(path, signal) : undefined;
      if (pending) return pending;
      throw err;
    }
    const info: ItemInfo = {
      path: `${this.o.tenant}${e.path === "/" ? "" : e.path}`,
      name: e.name,
      isFolder: e.kind !== "file",
      tenant: this.o.tenant,
      webUrl: e.webUrl ?? "",
      ...(e.library ? { site: e.library.siteName, library: e.library.libraryName } : {}),
      ...(e.uniqueId ? { uniqueId: e.uniqueId } : {}),
      ...(e.etag ? { etag: e.etag } : {}),
      ...(e.kind === "file" ? { size: e.size } : {}),
      ...(e.mtimeMs ? { modified: new Date(e.mtimeMs).toISOString() } : {}),
      ...(e.ctimeMs ? { created: new Date(e.ctimeMs).toISOString() } : {}),
    };
    if (e.kind === "file" && e.uniqueId && e.library) {
      const f = await this.rt.engine.http.json<{
        ServerRelativeUrl: string;
        UIVersionLabel?: string;
        CheckOutType?: number;
        ModifiedBy?: { Title?: string };
        CheckedOutByUser?: { Title?: string } | null;
      }>(`${e.library.webUrl}/_api/web/GetFileById('${e.uniqueId}')?$select=ServerRelativeUrl,UIVersionLabel,CheckOutType,ModifiedBy/Title,CheckedOutByUser/Title&$expand=ModifiedBy,CheckedOutByUser`, { signal, context: `Reading ${e.name}` });
      info.serverRelativeUrl = f.ServerRelativeUrl;
      if (f.UIVersionLabel) info.version = f.UIVersionLabel;
      if (f.ModifiedBy?.Title) info.modifiedBy = f.ModifiedBy.Title;
      info.checkedOutBy = f.CheckOutType !== undefined && f.CheckOutType !== 2 ? (f.CheckedOutByUser?.Title ?? "someone") : null;
      info.cachedBytes = this.rt.cache.cachedBytes(e.uniqueId);
      info.pinned = this.rt.cache.isPinned(e.uniqueId);
      info.pendingUpload = this.rt.queue.status().entries.some((u) => u.name.toLowerCase() === e.name.toLowerCase());
    }
    return info;
  }

  /** A file written through a mount and not uploaded yet: known locally only. */
  private async pendingInfo(path: string, signal: AbortSignal): Promise<ItemInfo | undefined> {
    const ns = this.namespacePath(path);
    const cut = ns.lastIndexOf("/");
    const name = ns.slice(cut + 1);
    const parent = await this.rt.engine.session.resolve(ns.slice(0, cut) || "/", signal).catch(() => undefined);
    const f = parent?.uniqueId ? this.rt.fs.pendingFile(parent.uniqueId, name) : undefined;
    if (!f || !parent) return undefined;
    return {
      path: `${this.o.tenant}${ns}`,
      name,
      isFolder: false,
      tenant: this.o.tenant,
      webUrl: "",
      size: f.size,
      modified: new Date(f.mtimeMs).toISOString(),
      created: new Date(f.ctimeMs).toISOString(),
      ...(parent.library ? { site: parent.library.siteName, library: parent.library.libraryName } : {}),
      pendingUpload: true,
    };
  }

  async webUrl(path: string, signal: AbortSignal): Promise<string> {
    const e = await this.entry(path, signal);
    if (!e.webUrl) throw new KonnektError("notSupported", `${path} has no web address.`);
    return e.webUrl;
  }

  async sharingLink(p: { path: string; scope?: SharingLink["scope"]; type?: "view" | "edit"; expires?: string }, signal: AbortSignal): Promise<SharingLink> {
    const e = await this.itemEntry(p.path, signal);
    const scope = p.scope ?? "organization";
    const type = p.type ?? "view";
    const res = await this.rt.engine.http.fetch(`${e.library!.webUrl}/_api/v2.0/drives/${e.library!.driveId}/items/${e.itemId}/createLink`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify({ type, scope, ...(p.expires ? { expirationDateTime: p.expires } : {}) }),
      signal,
      context: `Creating a sharing link for ${e.name}`,
    });
    const j = (await res.json()) as { link?: { webUrl?: string; scope?: string; type?: string }; expirationDateTime?: string };
    if (!j.link?.webUrl) throw new KonnektError("serviceError", "SharePoint returned no link.");
    return { url: j.link.webUrl, scope, type, ...(j.expirationDateTime ? { expires: j.expirationDateTime } : {}) };
  }

  async versions(path: string, signal: AbortSignal): Promise<Version[]> {
    const e = await this.itemEntry(path, signal);
    if (e.kind !== "file") throw new KonnektError("isADirectory", `${path} is a folder; folders have no versions.`);
    const base = `${e.library!.webUrl}/_api/web/GetFileById('${e.uniqueId}')`;
    const [file, history] = await Promise.all([
      this.rt.engine.http.json<{ UIVersionLabel: string; TimeLastModified: string; Length: string; CheckInComment?: string; ModifiedBy?: { Title?: string } }>(
        `${base}?$select=UIVersionLabel,TimeLastModified,Length,CheckInComment,ModifiedBy/Title&$expand=ModifiedBy`,
        { signal, context: `Reading ${e.name}` },
      ),
      this.rt.engine.http.json<{ value: { VersionLabel: string; Created: string; Size?: number; Length?: string; CheckInComment?: string; CreatedBy?: { Title?: string } }[] }>(`${base}/versions`, {
        signal,
        context: `Listing the versions of ${e.name}`,
      }),
    ]);
    const out: Version[] = history.value.map((v) => ({
      label: v.VersionLabel,
      created: v.Created,
      isCurrent: false,
      ...(v.Size !== undefined ? { size: v.Size } : v.Length !== undefined ? { size: Number(v.Length) } : {}),
      ...(v.CheckInComment ? { comment: v.CheckInComment } : {}),
      ...(v.CreatedBy?.Title ? { createdBy: v.CreatedBy.Title } : {}),
    }));
    out.push({
      label: file.UIVersionLabel,
      created: file.TimeLastModified,
      isCurrent: true,
      size: Number(file.Length),
      ...(file.CheckInComment ? { comment: file.CheckInComment } : {}),
      ...(file.ModifiedBy?.Title ? { createdBy: file.ModifiedBy.Title } : {}),
    });
    return out;
  }

  async restoreVersion(path: string, label: string, signal: AbortSignal): Promise<ItemInfo> {
    const e = await this.itemEntry(path, signal);
    const res = await this.rt.engine.http.fetch(`${e.library!.webUrl}/_api/web/GetFileById('${e.uniqueId}')/versions/restoreByLabel(versionlabel='${encodeURIComponent(label.replace(/'/g, "''"))}')`, {
      method: "POST",
      headers: { Accept: "application/json" },
      signal,
      context: `Restoring version ${label} of ${e.name}`,
    });
    await res.body?.cancel();
    this.rt.cache.invalidate(e.uniqueId!);
    // The folder listing now has an old ETag and size: list it again.
    const row = this.rt.engine.session.item(e.uniqueId!);
    if (row?.parentId) this.rt.engine.session.invalidateFolder(row.parentId);
    await this.rt.engine.session.list(e.path.split("/").slice(0, -1).join("/") || "/", signal);
    return this.itemInfo(path, signal);
  }

  // --- cache.* ---

  cacheStats(): CacheStats {
    const s = this.rt.cache.stats();
    return { usedBytes: s.usedBytes, capBytes: s.capBytes, pinnedBytes: this.rt.cache.pinnedBytes(), files: s.items, hits: s.hits, misses: s.misses, evictions: s.evictions, location: join(this.o.cacheDir, "content") };
  }

  async pin(p: { path: string; recursive?: boolean; progressToken?: string | number }, signal: AbortSignal): Promise<{ files: number; bytes: number }> {
    const files = await this.filesUnder(await this.entry(p.path, signal), p.recursive ?? true, signal);
    const total = files.reduce((n, f) => n + f.size, 0);
    let done = 0;
    let lastReport = 0;
    const report = (): void => {
      if (p.progressToken === undefined) return;
      this.notify("progress", { token: p.progressToken, message: `Pinning ${files.length} files`, done, total });
    };
    for (const f of files) {
      this.rt.cache.pin(f.uniqueId!);
      const reader = await ItemReader.open(
        { cache: this.rt.cache, source: this.rt.router, fetcher: this.rt.fetcher, uniqueId: f.uniqueId!, itemKey: contentKey(f.library!.driveId, f.itemId!), ...(this.rt.opts.ca ? { ca: this.rt.opts.ca } : {}) },
        signal,
      );
      const base = done;
      try {
        await reader.prefetch(0, reader.size, signal, (d) => {
          done = base + d;
          if (done - lastReport >= PIN_PROGRESS_EVERY_BYTES) {
            lastReport = done;
            report();
          }
        });
      } finally {
        await reader.close();
      }
      done = base + f.size;
    }
    report();
    return { files: files.length, bytes: total };
  }

  async unpin(p: { path: string; recursive?: boolean }, signal: AbortSignal): Promise<void> {
    for (const f of await this.filesUnder(await this.entry(p.path, signal), p.recursive ?? true, signal)) this.rt.cache.unpin(f.uniqueId!);
  }

  clearCache(includePinned: boolean): { files: number; bytes: number } {
    return this.rt.cache.clear(includePinned);
  }

  // --- upload.* ---

  uploads(): Upload[] {
    return this.rt.journal.pending().map((u) => {
      // The journal addresses the parent by drive item id; the namespace path is what users know.
      const parentItemId = u.parentKey.slice(u.parentKey.lastIndexOf("/") + 1);
      const parent = this.rt.engine.store.itemByDriveId(parentItemId);
      const parentPath = parent ? this.rt.engine.session.pathOf(parent.uniqueId) : undefined;
      return {
        id: `${this.o.tenant}:${u.id}`,
        tenant: this.o.tenant,
        path: `${this.o.tenant}${parentPath ?? ""}/${u.name}`,
        state: u.conflictName ? "conflict" : this.rt.queue.isActive(u.id) || (!u.lastError && u.attempts > 0) ? "uploading" : u.lastError ? "retrying" : "queued",
        size: u.size,
        uploadedBytes: this.rt.queue.uploadedBytes(u.id),
        attempts: u.attempts,
        queuedAt: new Date(u.createdAt).toISOString(),
        ...(u.lastError ? { lastError: { code: "serviceError", message: u.lastError } } : {}),
      };
    });
  }

  /**
   * Files open for writing with unsaved changes (upload.list `open`): not journalled yet, so not
   * in `uploads()`, but their bytes already count against the write budget.
   */
  openWrites(): { files: number; bytes: number } {
    const s = this.rt.queue.status();
    return { files: s.openFiles, bytes: s.openBytes };
  }

  async waitUploads(timeoutMs: number | undefined, signal: AbortSignal): Promise<{ completed: number; failed: number }> {
    const before = this.rt.queue.status().pending;
    const wait = timeoutMs !== undefined ? AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]) : signal;
    try {
      await this.rt.queue.waitIdle(wait);
    } catch (err) {
      if (signal.aborted) throw err;
      const left = this.rt.queue.status().pending;
      throw new KonnektError("timeout", `${left} upload(s) of ${this.o.tenant} still pending after ${timeoutMs} ms; they stay journalled and continue later.`, {
        tenant: this.o.tenant,
        pending: left,
      });
    }
    // Entries leave the journal only when uploaded (failures keep retrying), so none failed here.
    return { completed: before, failed: 0 };
  }

  async close(timeoutMs: number): Promise<void> {
    await this.rt.close(timeoutMs);
  }

  // --- internals ---

  private async startRuntime(): Promise<void> {
    // boot() and connect() may both get here: they share one start, and both wait for discovery.
    this.starting ??= this.startOnce().catch((err: unknown) => {
      this.starting = undefined;
      throw err;
    });
    await this.starting;
    this.state = "connected";
  }

  private async startOnce(): Promise<void> {
    this.lastError = undefined;
    await this.rt.start();
    ensureMountpoint(this.rootMountPoint());
    await this.rt.mount(this.rootMountPoint());
    for (const record of this.loadDrives()) {
      await this.attach(record).catch((err: unknown) => (this.lastError = toKonnektError(err)));
    }
  }

  private useCertificate(c: { clientId: string; certificatePath: string }): void {
    const pem = readFileSync(c.certificatePath, "utf8");
    const cert = new X509Certificate(pem);
    this.rt.engine.auth.useCertificate({ clientId: c.clientId, thumbprintSha256: cert.fingerprint256.replace(/:/g, "").toLowerCase(), privateKey: pem });
  }

  private async attach(record: DriveRecord): Promise<void> {
    ensureMountpoint(record.mountPoint);
    const mount = await this.rt.mount(record.mountPoint, record.subtree ? { subtree: record.subtree } : {});
    this.drives.set(record.id, { record, mount });
  }

  private driveOf(r: DriveRecord): Drive {
    const mounted = this.rt.mountpoints().includes(r.mountPoint);
    return { id: r.id, name: r.name, tenant: this.o.tenant, path: `${this.o.tenant}${r.subtree}`, mountPoint: r.mountPoint, state: mounted ? "mounted" : "unmounted", persist: r.persist };
  }

  private drivesFile(): string {
    return join(this.o.stateDir, "drives.json");
  }

  private loadDrives(): DriveRecord[] {
    try {
      return JSON.parse(readFileSync(this.drivesFile(), "utf8")) as DriveRecord[];
    } catch {
      return [];
    }
  }

  /** Persisted drives come back at the next start; the others live as long as this worker. */
  private saveDrives(): void {
    const tmp = `${this.drivesFile()}.tmp`;
    writeFileSync(tmp, JSON.stringify([...this.drives.values()].map((d) => d.record).filter((r) => r.persist)), { mode: 0o600 });
    renameSync(tmp, this.drivesFile());
  }

  private rootMountPoint(): string {
    return join(this.o.mountRoot, this.o.tenant);
  }

  /** `contoso/Marketing/x`, `/Marketing/x` or a local path under one of our mounts → `/Marketing/x`. */
  namespacePath(path: string): string {
    if (path.startsWith("/") && !path.startsWith(`/${this.o.tenant}/`) && path !== `/${this.o.tenant}`) {
      const mounts: { mountPoint: string; subtree: string }[] = [
        { mountPoint: this.rootMountPoint(), subtree: "" },
        ...[...this.drives.values()].map((d) => ({ mountPoint: d.record.mountPoint, subtree: d.record.subtree })),
      ];
      const abs = resolve(path);
      for (const m of mounts) {
        const rel = relative(m.mountPoint, abs);
        if (rel === "" || (!rel.startsWith("..") && !rel.startsWith(sep) && rel !== abs)) {
          return `${m.subtree}/${rel.split(sep).join("/")}`.replace(/\/+$/, "") || "/";
        }
      }
      throw new KonnektError("notFound", `${path} is not under a Konnekt mount of ${this.o.tenant}.`);
    }
    const parts = path.split("/").filter(Boolean);
    if (parts[0]?.toLowerCase() === this.o.tenant) parts.shift();
    return `/${parts.join("/")}`;
  }

  private entry(path: string, signal: AbortSignal): Promise<Entry> {
    return this.rt.engine.session.resolve(this.namespacePath(path), signal);
  }

  private async itemEntry(path: string, signal: AbortSignal): Promise<Entry> {
    const e = await this.entry(path, signal);
    if (!e.uniqueId || !e.library || !e.itemId) throw new KonnektError("notSupported", `${path} is a site or the tenant, not a file or folder.`);
    return e;
  }

  /** The file itself, or a folder's files (and, recursively, its subfolders' files). */
  private async filesUnder(e: Entry, recursive: boolean, signal: AbortSignal): Promise<Entry[]> {
    if (e.kind === "file") return [e];
    if (!e.uniqueId) throw new KonnektError("invalidArgument", `${e.path} is a site or the tenant: pin a library or folder.`);
    const out: Entry[] = [];
    for (const child of await this.rt.engine.session.list(e.path, signal)) {
      if (child.kind === "file") out.push(child);
      else if (recursive) out.push(...(await this.filesUnder(child, true, signal)));
    }
    return out;
  }

  private fail(err: unknown): void {
    this.lastError = toKonnektError(err);
    // stderr lands in the daemon log (one line per worker output line).
    process.stderr.write(`start of ${this.o.tenant} failed: ${this.lastError.code}: ${this.lastError.message}\n`);
    this.state = this.lastError.code === "notSignedIn" || this.lastError.code === "claimsChallenge" ? "needsSignIn" : "failed";
  }
}

/** Creates a mount point; one left behind by a crashed worker (ENOTCONN) is cleaned by mount(). */
function ensureMountpoint(path: string): void {
  try {
    mkdirSync(path, { recursive: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOTCONN" && (err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
  }
}

async function openInBrowser(url: string): Promise<void> {
  const { spawn } = await import("node:child_process");
  try {
    const child = spawn(process.platform === "win32" ? "explorer.exe" : "xdg-open", [url], { stdio: "ignore", detached: true });
    child.on("error", () => undefined);
    child.unref();
  } catch {
    // No browser here (SSH, VDI without one): the notification carries the URL.
  }
}
