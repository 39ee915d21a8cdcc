/**
 * Per-request context of the SharePoint REST part: the web addressed by the URL, who is asking,
 * the dialect and query options, plus the response writers (every response carries the headers
 * the service sends: SPRequestGuid, request-id, X-SharePointHealthScore).
 */
import { randomUUID } from "node:crypto";
import type { ServerResponse } from "node:http";
import { contentTypeFor, dialectOf, type Dialect } from "../http/errors.js";
import type { EmuRequest, EmulatorEnv, Principal, SpoOptions } from "../http/types.js";
import type { EmulatorStore, ItemRecord, ListRecord, SiteRecord, TenantRecord, UserRecord } from "../store/types.js";
import { accessDenied, invalidUrl } from "./errors.js";
import type { RenderTarget } from "./odata.js";
import type { QueryOptions } from "./query.js";

/** User id recorded for app-only writes (the real service shows "SharePoint App"). */
export function actingUserId(p: Principal): string {
  return p.user?.id ?? p.appId;
}

export class SpoContext implements RenderTarget {
  readonly store: EmulatorStore;
  readonly origin: string;
  readonly webUrl: string;
  readonly apiBase: string;
  readonly dialect: Dialect;
  readonly requestId = randomUUID();
  readonly userId: string;

  constructor(
    readonly env: EmulatorEnv,
    readonly opts: SpoOptions,
    readonly req: EmuRequest,
    readonly res: ServerResponse,
    readonly tenant: TenantRecord,
    readonly site: SiteRecord,
    readonly principal: Principal,
    readonly query: QueryOptions,
  ) {
    this.store = env.store;
    this.origin = req.url.origin;
    this.webUrl = absoluteUrl(this.origin, site.serverRelativeUrl);
    this.apiBase = `${this.webUrl}/_api`;
    this.dialect = dialectOf(req);
    this.userId = actingUserId(principal);
  }

  get user(): UserRecord | undefined {
    return this.principal.user;
  }

  /** Members only; app-only certificate principals reach every site. */
  canAccess(site: SiteRecord): boolean {
    const u = this.principal.user;
    return u === undefined || this.store.canAccess(site, u.id);
  }

  requireAccess(site: SiteRecord): void {
    if (!this.canAccess(site)) throw accessDenied();
  }

  /**
   * A path as given to `…ServerRelativePath(decodedUrl=…)`: server-relative (or web-relative, or
   * absolute on this origin), normalised, and inside this web (else the service's invalid-URL error).
   */
  pathInWeb(given: string): string {
    const p = this.normalisePath(given);
    const site = this.store.siteForPath(this.tenant.name, p);
    if (!site || site.id !== this.site.id) throw invalidUrl(this.env.config.invalidUrlStatus, given);
    return p;
  }

  normalisePath(given: string): string {
    let p = given.trim();
    const abs = /^https?:\/\/[^/]+/i.exec(p);
    if (abs) p = p.slice(abs[0].length) || "/";
    if (!p.startsWith("/")) p = joinPath(this.site.serverRelativeUrl, p);
    p = p.replace(/\/{2,}/g, "/");
    if (p.length > 1) p = p.replace(/\/+$/, "");
    return p;
  }

  /** The library containing a path in this web. */
  listFor(path: string): ListRecord | undefined {
    return this.store.listForPath(this.site.id, path);
  }

  listOf(item: ItemRecord): ListRecord | undefined {
    return this.store.listById(item.listId);
  }

  // --- responses ---

  private baseHeaders(extra: Record<string, string> = {}): Record<string, string> {
    return {
      SPRequestGuid: this.requestId,
      "request-id": this.requestId,
      "X-SharePointHealthScore": "0",
      "X-MS-InvokeApp": "1; RequireReadOnly",
      MicrosoftSharePointTeamServices: "16.0.0.26000",
      ...extra,
    };
  }

  json(status: number, body: unknown, headers: Record<string, string> = {}): void {
    const buf = Buffer.from(JSON.stringify(body), "utf8");
    if (this.res.headersSent) {
      this.res.destroy();
      return;
    }
    this.res.writeHead(status, this.baseHeaders({ "Content-Type": contentTypeFor(this.dialect), "Content-Length": String(buf.length), ...headers }));
    this.res.end(buf);
  }

  /** A DELETE-tunnelled POST and friends: 200 with an empty body. */
  empty(status = 200): void {
    if (this.res.headersSent) return;
    this.res.writeHead(status, this.baseHeaders({ "Content-Length": "0" }));
    this.res.end();
  }

  headers(extra: Record<string, string> = {}): Record<string, string> {
    return this.baseHeaders(extra);
  }
}

export function absoluteUrl(origin: string, serverRelative: string): string {
  return serverRelative === "/" ? origin : origin + serverRelative;
}

export function joinPath(parent: string, name: string): string {
  return parent === "/" ? `/${name}` : `${parent}/${name}`;
}

export function parentPath(p: string): string {
  const i = p.lastIndexOf("/");
  return i <= 0 ? "/" : p.slice(0, i);
}

export function leafName(p: string): string {
  return p.slice(p.lastIndexOf("/") + 1);
}
