/**
 * TenantEngine: everything the tenant worker knows about one tenant, assembled — sign-in, the
 * HTTP client with its budget, discovery (refreshed in the background), the metadata store and
 * the session with change polling. Lifecycle: `start()`, `close()` (stop timers, finish the
 * running round, close the store), idempotent.
 */
import { EventEmitter } from "node:events";
import { join } from "node:path";
import { toKonnektError } from "../errors.js";
import { TenantAuth } from "./auth/tenant-auth.js";
import { RequestBudget } from "./budget.js";
import { discoverLibraries } from "./discovery/discover.js";
import { DriveApi } from "./drive-api.js";
import { TenantHttp } from "./http.js";
import { TenantSession } from "./session.js";
import { MetadataStore } from "./store/metadata-store.js";
export const DEFAULT_DISCOVERY_INTERVAL_MS = 3_600_000;
export const DEFAULT_POLL_INTERVAL_MS = 30_000;
export class TenantEngine extends EventEmitter {
    opts;
    auth;
    http;
    drives;
    store;
    session;
    timers = [];
    closed = false;
    polling;
    lastError;
    constructor(opts) {
        super();
        this.opts = opts;
        this.auth = new TenantAuth({ ...opts, stateDir: opts.stateDir });
        this.http = new TenantHttp(this.auth, new RequestBudget(opts.budget), {
            onThrottled: (info) => this.emit("throttled", info),
            onAuthFailure: (err) => this.emit("authFailure", err),
        });
        this.drives = new DriveApi(this.http);
        this.store = new MetadataStore(join(opts.stateDir, "metadata.db"));
        this.session = new TenantSession(opts.tenant, this.store, this.drives, opts.session);
        this.auth.on("status", (s) => this.emit("status", s));
        this.session.on("changed", (e) => this.emit("changed", e));
        this.session.on("removed", (e) => this.emit("removed", e));
        this.session.on("error", (e) => this.emit("warning", toKonnektError(e)));
    }
    get name() {
        return this.opts.tenant;
    }
    /** Discovery now, then background refresh and change polling. Sign-in must have happened. */
    async start(signal) {
        const libs = await this.discover(signal);
        this.schedule(() => this.discover(), this.opts.discoveryIntervalMs ?? DEFAULT_DISCOVERY_INTERVAL_MS);
        this.schedule(() => this.pollOnce(), this.opts.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS);
        return libs;
    }
    async discover(signal) {
        const before = new Set(this.session.libraries().map((l) => l.key));
        const libs = await discoverLibraries(this.http, this.drives, { ...this.opts.discovery, rootUrl: this.opts.rootUrl, previousNames: this.store.previousNames() }, signal);
        this.session.setLibraries(libs);
        const after = new Set(libs.map((l) => l.key));
        const added = libs.filter((l) => !before.has(l.key));
        const removed = [...before].filter((k) => !after.has(k));
        if (added.length > 0 || removed.length > 0)
            this.emit("librariesChanged", { added, removed });
        return libs;
    }
    /** One polling round; concurrent calls share it. */
    pollOnce(signal) {
        if (!this.polling) {
            this.polling = this.session.poll(signal).finally(() => (this.polling = undefined));
        }
        return this.polling;
    }
    status() {
        return {
            tenant: this.opts.tenant,
            auth: this.auth.status(),
            libraries: this.session.libraries().length,
            items: this.store.itemCount(),
            ...(this.lastError ? { lastError: { code: this.lastError.code, message: this.lastError.message } } : {}),
        };
    }
    async close() {
        if (this.closed)
            return;
        this.closed = true;
        for (const t of this.timers)
            clearInterval(t);
        this.timers = [];
        await this.polling?.catch(() => undefined);
        this.store.close();
    }
    schedule(fn, everyMs) {
        const t = setInterval(() => {
            if (this.closed || this.auth.status().state !== "signed-in")
                return;
            fn().catch((err) => {
                // Background work never crashes the worker: the state carries the error, the log the detail.
                this.lastError = toKonnektError(err);
                this.emit("warning", this.lastError);
            });
        }, everyMs);
        t.unref();
        this.timers.push(t);
    }
}
//# sourceMappingURL=engine.js.map