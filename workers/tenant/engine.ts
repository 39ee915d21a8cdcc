/**
 * TenantEngine: everything the tenant worker knows about one tenant, assembled — sign-in, the
 * HTTP client with its budget, discovery (refreshed in the background), the metadata store and
 * the session with change polling. Lifecycle: `start()`, `close()` (stop timers, finish the
 * running round, close the store), idempotent.
 */
import { EventEmitter } from "node:events";
import { join } from "node:path";
import { KonnektError, toKonnektError } from "../errors.js";
import { TenantAuth, type AuthStatus, type TenantAuthOptions } from "./auth/tenant-auth.js";
import { RequestBudget, type BudgetOptions } from "./budget.js";
import { discoverLibraries, type DiscoveryOptions, type LibraryInfo } from "./discovery/discover.js";
import { DriveApi } from "./drive-api.js";
import { TenantHttp } from "./http.js";
import { TenantSession, type SessionOptions } from "./session.js";
import { MetadataStore } from "./store/metadata-store.js";

export interface TenantEngineOptions extends Omit<TenantAuthOptions, "stateDir"> {
  /** `https://contoso.sharepoint.com`. */
  rootUrl: string;
  /** Per-tenant state directory (token cache, metadata database). */
  stateDir: string;
  discovery?: Omit<DiscoveryOptions, "rootUrl" | "previousNames">;
  /** Background discovery refresh (default hourly). */
  discoveryIntervalMs?: number;
  /** Change polling (default 30 s). */
  pollIntervalMs?: number;
  budget?: Partial<BudgetOptions>;
  session?: SessionOptions;
}

export const DEFAULT_DISCOVERY_INTERVAL_MS = 3_600_000;
export const DEFAULT_POLL_INTERVAL_MS = 30_000;

export class TenantEngine extends EventEmitter {
  readonly auth: TenantAuth;
  readonly http: TenantHttp;
  /** Discovery and change polling: under the request-unit budget. */
  readonly backgroundHttp: TenantHttp;
  readonly drives: DriveApi;
  readonly store: MetadataStore;
  readonly session: TenantSession;
  private timers: NodeJS.Timeout[] = [];
  private closed = false;
  private polling?: Promise<unknown>;
  private lastError?: KonnektError;
  /** Aborted by close(): a background round retrying against an unreachable service must not hold up a stop. */
  private readonly stopping = new AbortController();

  constructor(readonly opts: TenantEngineOptions) {
    super();
    this.auth = new TenantAuth({ ...opts, stateDir: opts.stateDir });
    const events = {
      onThrottled: (info: { status: number; delayMs: number; url: string }) => this.emit("throttled", info),
      onAuthFailure: (err: KonnektError) => this.emit("authFailure", err),
    };
    // What a user waits for (listings, reads, writes) is limited in concurrency only; background
    // work (discovery, change polling) keeps to the request-unit budget, so Konnekt slows itself
    // before SharePoint throttles the user (KONNEKT: 250 units per 300 s by default).
    this.http = new TenantHttp(this.auth, new RequestBudget({ units: Number.MAX_SAFE_INTEGER, maxConcurrent: opts.budget?.maxConcurrent ?? 8 }), events);
    this.backgroundHttp = new TenantHttp(this.auth, new RequestBudget(opts.budget), events);
    this.drives = new DriveApi(this.http);
    this.store = new MetadataStore(join(opts.stateDir, "metadata.db"));
    this.session = new TenantSession(opts.tenant, this.store, this.drives, opts.session, new DriveApi(this.backgroundHttp));
    this.auth.on("status", (s: AuthStatus) => this.emit("status", s));
    this.session.on("changed", (e) => this.emit("changed", e));
    this.session.on("removed", (e) => this.emit("removed", e));
    this.session.on("error", (e: unknown) => this.emit("warning", toKonnektError(e)));
  }

  get name(): string {
    return this.opts.tenant;
  }

  /** Discovery now, then background refresh and change polling. Sign-in must have happened. */
  async start(signal?: AbortSignal): Promise<LibraryInfo[]> {
    const libs = await this.discover(signal);
    this.schedule(() => this.discover(this.stopping.signal), this.opts.discoveryIntervalMs ?? DEFAULT_DISCOVERY_INTERVAL_MS);
    this.schedule(() => this.pollOnce(this.stopping.signal), this.opts.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS);
    return libs;
  }

  async discover(signal?: AbortSignal): Promise<LibraryInfo[]> {
    const before = new Set(this.session.libraries().map((l) => l.key));
    const libs = await discoverLibraries(this.backgroundHttp, new DriveApi(this.backgroundHttp), { ...this.opts.discovery, rootUrl: this.opts.rootUrl, previousNames: this.store.previousNames() }, signal);
    this.session.setLibraries(libs);
    const after = new Set(libs.map((l) => l.key));
    const added = libs.filter((l) => !before.has(l.key));
    const removed = [...before].filter((k) => !after.has(k));
    if (added.length > 0 || removed.length > 0) this.emit("librariesChanged", { added, removed });
    return libs;
  }

  /** One polling round; concurrent calls share it. */
  pollOnce(signal?: AbortSignal): Promise<unknown> {
    if (!this.polling) {
      // A round also ends when the engine stops, so close() never waits out retries.
      const stop = signal ? AbortSignal.any([signal, this.stopping.signal]) : this.stopping.signal;
      this.polling = this.session.poll(stop).finally(() => (this.polling = undefined));
    }
    return this.polling;
  }

  status(): { tenant: string; auth: AuthStatus; libraries: number; items: number; lastError?: { code: string; message: string } } {
    return {
      tenant: this.opts.tenant,
      auth: this.auth.status(),
      libraries: this.session.libraries().length,
      items: this.store.itemCount(),
      ...(this.lastError ? { lastError: { code: this.lastError.code, message: this.lastError.message } } : {}),
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    this.stopping.abort();
    await this.polling?.catch(() => undefined);
    this.store.close();
  }

  private schedule(fn: () => Promise<unknown>, everyMs: number): void {
    const t = setInterval(() => {
      if (this.closed || this.auth.status().state !== "signed-in") return;
      fn().catch((err: unknown) => {
        // Background work never crashes the worker: the state carries the error, the log the detail.
        this.lastError = toKonnektError(err);
        this.emit("warning", this.lastError);
      });
    }, everyMs);
    t.unref();
    this.timers.push(t);
  }
}

