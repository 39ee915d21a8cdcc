/**
 * One tenant, fully assembled: the tenant engine (sign-in, discovery, metadata, change polling),
 * the content engine (cache, ranged reads, journalled uploads) and the tenant's mounts. The tenant
 * worker process hosts one of these; tests and the demo can host one in-process.
 *
 * Remote changes flow from change polling to the cache (stale bytes dropped) and to every mount
 * (the kernel's cached pages and names dropped). Lifecycle: `close()` unmounts, lets uploads drain
 * for `drainMs`, then closes everything (what did not upload stays journalled for the next start);
 * `destroy()` stops at once. Both idempotent.
 */
import { join } from "node:path";
import { ContentCache } from "./content/content-cache.js";
import { InlineRangeFetcher, PiscinaRangeFetcher, type RangeFetcher } from "./content/range-fetcher.js";
import { UploadJournal } from "./content/upload/journal.js";
import { UploadQueue } from "./content/upload/upload-queue.js";
import { mount, type Mount, type MountOptions } from "./mount/mount.js";
import { TenantEngine, type TenantEngineOptions } from "./tenant/engine.js";
import { DriveWrites } from "./tenant/drive-api.js";
import type { ChangeEvent } from "./tenant/session.js";
import { ContentRouter } from "./vfs/content-router.js";
import { RestLockSource } from "./vfs/lock-probe.js";
import { subtreeView } from "./vfs/subtree.js";
import { TenantFileSystem } from "./vfs/tenant-fs.js";

export interface TenantRuntimeOptions extends TenantEngineOptions {
  /** `$XDG_CACHE_HOME/konnekt/<tenant>`: content cache (may be wiped at any time). */
  cacheDir: string;
  cacheCapBytes: number;
  /** Extra CA (PEM) for download and upload URLs; the emulator's in tests and the demo. */
  ca?: string;
  /** Range fetches on piscina threads (default) or inline. */
  fetcher?: "piscina" | "inline";
  /** Uploads in flight at once. */
  uploadConcurrency?: number;
}

export const DEFAULT_UPLOAD_DRAIN_MS = 10_000;

export interface TenantMountOptions extends MountOptions {
  /**
   * Mount only this folder (`/<site>/<library>` or deeper, tenant-relative): a drive. Items are
   * shared with the tenant's other mounts, so a write through one shows through the others.
   */
  subtree?: string;
}

export class TenantRuntime {
  readonly engine: TenantEngine;
  readonly cache: ContentCache;
  readonly fetcher: RangeFetcher;
  readonly router: ContentRouter;
  readonly journal: UploadJournal;
  readonly queue: UploadQueue;
  readonly fs: TenantFileSystem;
  private readonly mounts = new Map<string, Mount<unknown>>();
  private closing?: Promise<void>;

  constructor(readonly opts: TenantRuntimeOptions) {
    this.engine = new TenantEngine(opts);
    // Bytes that stop being an item's content must stop being served from the mount's direct ranges.
    this.cache = ContentCache.open({ dir: join(opts.cacheDir, "content"), capBytes: opts.cacheCapBytes, onInvalidate: (id, reason) => {
        if (reason !== "evict") this.fs?.revokeDirect(id);
      },
    });
    this.fetcher = opts.fetcher === "inline" ? new InlineRangeFetcher() : new PiscinaRangeFetcher();
    this.router = new ContentRouter(() => this.engine.session.libraries(), this.engine.auth, opts.ca);
    this.journal = UploadJournal.open({ stateDir: opts.stateDir });
    this.queue = new UploadQueue({
      journal: this.journal,
      target: this.router,
      // Writers slow down when pending uploads reach half of the cache budget.
      writeBudgetBytes: opts.cacheCapBytes,
      ...(opts.uploadConcurrency !== undefined ? { concurrency: opts.uploadConcurrency } : {}),
    });
    this.fs = new TenantFileSystem({
      session: this.engine.session,
      writes: new DriveWrites(this.engine.http),
      cache: this.cache,
      fetcher: this.fetcher,
      router: this.router,
      journal: this.journal,
      queue: this.queue,
      workDir: join(opts.stateDir, "work"),
      ...(opts.ca !== undefined ? { ca: opts.ca } : {}),
      quota: async (lib, signal) => {
        const j = await this.engine.http.json<{ quota?: { total?: number; remaining?: number } }>(`${lib.webUrl}/_api/v2.0/drives/${lib.driveId}?$select=id,quota`, {
          signal,
          context: `Reading the quota of ${lib.title}`,
        });
        return typeof j.quota?.total === "number" ? { total: j.quota.total, remaining: j.quota.remaining ?? j.quota.total } : undefined;
      },
      locks: new RestLockSource(this.engine.http),
      onInvalidate: (what) => this.invalidate(what),
    });
    this.engine.on("changed", (e: ChangeEvent) => this.onRemote(e, true));
    this.engine.on("removed", (e: ChangeEvent) => this.onRemote(e, false));
  }

  get name(): string {
    return this.engine.name;
  }

  /** Discovery, polling and the upload queue (which also finishes what a previous run journalled). */
  async start(signal?: AbortSignal): Promise<void> {
    await this.engine.start(signal);
    this.queue.start();
  }

  async mount(mountpoint: string, opts: TenantMountOptions = {}): Promise<Mount<unknown>> {
    const { subtree, ...mountOpts } = opts;
    const fs = subtree === undefined ? this.fs : subtreeView(this.fs, await this.fs.keyOfPath(subtree));
    const m = (await mount(mountpoint, fs, { subtype: `konnekt.${this.name}`, ...mountOpts })) as Mount<unknown>;
    this.mounts.set(m.mountpoint, m);
    void m.closed.then(() => this.mounts.delete(m.mountpoint));
    return m;
  }

  async unmount(mountpoint: string): Promise<boolean> {
    const m = [...this.mounts.values()].find((x) => x.mountpoint === mountpoint);
    if (!m) return false;
    await m.close();
    return true;
  }

  mountpoints(): string[] {
    return [...this.mounts.keys()];
  }

  close(drainMs = DEFAULT_UPLOAD_DRAIN_MS): Promise<void> {
    this.closing ??= (async () => {
      await Promise.allSettled([...this.mounts.values()].map((m) => m.close()));
      await this.queue.close(drainMs);
      await this.fetcher.close();
      await this.cache.close();
      this.journal.close();
      await this.engine.close();
    })();
    return this.closing;
  }

  async destroy(): Promise<void> {
    for (const m of this.mounts.values()) m.destroy();
    await this.queue.destroy();
    await this.fetcher.destroy();
    await this.close(0);
  }

  private onRemote(e: ChangeEvent, changed: boolean): void {
    // The change notice of a version this mount uploaded itself: the bytes did not change here.
    const row = changed ? this.engine.session.item(e.uniqueId) : undefined;
    if (row && this.fs.isOwnVersion(e.uniqueId, row.etag)) {
      if (e.parentId) this.invalidate({ entry: { parent: `u:${e.parentId}`, name: e.name } });
      return;
    }
    if (changed && e.contentChanged) this.cache.invalidate(e.uniqueId, row?.etag);
    this.invalidate({
      ...(changed ? { content: `u:${e.uniqueId}` } : {}),
      ...(e.parentId ? { entry: { parent: `u:${e.parentId}`, name: e.name } } : {}),
    });
  }

  /** Reads the tenant's mounts answered from cached bytes without JavaScript (direct ranges). */
  directReads(): number {
    let n = 0;
    for (const m of this.mounts.values()) n += m.directReads();
    return n;
  }

  private invalidate(what: { content?: string; attr?: string; entry?: { parent: string; name: string } }): void {
    for (const m of this.mounts.values()) {
      if (what.content) m.invalidateContent(what.content);
      if (what.attr) m.invalidateAttr(what.attr);
      if (what.entry) m.invalidateEntry(what.entry.parent, what.entry.name);
    }
  }
}
