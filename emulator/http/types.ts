/**
 * The emulator's HTTP vocabulary, shared by its parts (core, entra, spo, graph, admin).
 *
 * One authority origin serves Entra ID (`/<tenantId>/oauth2/v2.0/...`) and `/admin`; each tenant has
 * its own origin (`https://127.0.0.1:<port>` standing in for `https://<tenant>.sharepoint.com`) that
 * serves SharePoint REST (`/_api/...`), the Graph-compatible drive API (`/_api/v2.0/...`) and
 * `/_layouts/15/download.aspx`. Each part registers routes on the origin kind it belongs to; the
 * core owns the servers, TLS, body limits, fault injection and the request log.
 */
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from "node:http";
import type { Readable } from "node:stream";
import type { EmulatorStore, TenantRecord, UserRecord } from "../store/types.js";

/** Who a bearer token speaks for, once verified for this origin. */
export interface Principal {
  tenant: string;
  /** Undefined for app-only (client credentials) tokens. */
  user?: UserRecord;
  appId: string;
  /** App-only tokens: whether the app authenticated with a certificate (SharePoint requires it). */
  appOnlyCertificate?: boolean;
  /** The token's `aud` (a SharePoint origin). */
  audience: string;
  expiresAt: number;
}

export interface EmuRequest {
  readonly method: string;
  /** Absolute URL as the client addressed it (scheme, host and port of the origin that served it). */
  readonly url: URL;
  /** The raw (still percent-encoded) path, e.g. `/sites/dev/_api/web/getFileByServerRelativePath(decodedUrl='%2F...')/$value`. */
  readonly rawPath: string;
  readonly headers: IncomingHttpHeaders;
  readonly raw: IncomingMessage;
  /** The tenant whose origin served the request; undefined on the authority origin. */
  readonly tenant?: TenantRecord;
  /** Set by `requireUser`/`requirePrincipal` helpers of the core. */
  principal?: Principal;
  /** Path parameters captured by the route's regular expression (named groups). */
  params: Record<string, string>;
  /** Whole body, refused with 413 (SharePoint-shaped) above `limitBytes` (default: config.maxJsonBodyBytes). */
  body(limitBytes?: number): Promise<Buffer>;
  /** Parsed JSON body; bad JSON becomes a SharePoint-shaped 400. */
  json<T = unknown>(): Promise<T>;
  /** Parsed `application/x-www-form-urlencoded` body (Entra endpoints). */
  form(): Promise<URLSearchParams>;
  /** The body as a stream (uploads): never buffered whole. */
  stream(): Readable;
}

export type Handler = (req: EmuRequest, res: ServerResponse) => Promise<void> | void;

export interface RouteTable {
  /**
   * Registers a handler. `pattern` is matched against the raw path (no query string), case-insensitively
   * when it carries the `i` flag. Routes are tried in registration order; the first match wins.
   */
  add(method: string | string[], pattern: RegExp, handler: Handler): void;
}

/** Per-tenant fault knobs (admin `POST /faults` and `--faults`). */
export interface FaultSettings {
  throttleRate?: number; // 0..1 share of requests answered 429 (or 503, see throttleStatus)
  throttleStatus?: 429 | 503;
  retryAfterSeconds?: number;
  latencyMs?: number;
  bytesPerSecond?: number; // bandwidth cap on response bodies
  resetRate?: number; // 0..1 share of responses whose connection is reset mid-body
  offline?: boolean; // refuse connections (destroy sockets) for the tenant's origin
  /** Exactly the next N requests are throttled (counts down; tests use this, not rates). */
  throttleNext?: number;
  /** Exactly the next N responses with a body are reset mid-body. */
  resetNext?: number;
  /** Bytes of the body written before a reset (default: half the body, at least 1). */
  resetAfterBytes?: number;
  /** Seed of the generator behind the rates, so a run is reproducible. */
  seed?: number;
}

/** Emulator-wide settings; defaults follow the real service, each is overridable by `--config`. */
export interface EmulatorConfig {
  accessTokenLifetimeSeconds: number; // default 3600 (MSAL refreshes 300 s early)
  refreshTokenLifetimeSeconds: number; // default 90 days
  listViewThreshold: number; // default 5000
  maxJsonBodyBytes: number; // default 2 MiB for JSON/form bodies
  maxUploadBytes: number; // default 2 GiB single-request upload (REST limit)
  graphPageSize: number; // default 200 children per page
  deviceCodeIntervalSeconds: number; // default 5 (tests lower it)
  deviceCodeLifetimeSeconds: number; // default 900
  searchIndexDelaySeconds: number; // default 0: new libraries searchable at once
  /** UNSURE in spo-protocol.md A.4: status for an invalid URL (400 or 500). */
  invalidUrlStatus: 400 | 500;
  /**
   * `--test-auto-approve USER`: sign-in flows (device code, authorization code) approve this user
   * (UPN or short name) at once, without a browser. Undefined: a real approval is needed.
   */
  testAutoApproveUser?: string;
  /** SharePoint REST choices where spo-protocol.md says UNSURE (partial; defaults in emulator/spo/options.ts). */
  spo?: Partial<SpoOptions>;
}

/** UNSURE points of spo-protocol.md section A, made configurable (defaults follow the likeliest real behaviour). */
export interface SpoOptions {
  /** A.4: status for a write to a file checked out by someone else (SPFileCheckOutException). Default 423. */
  checkedOutStatus: number;
  /** A.4: status for check-in/undo of a file that is not checked out. Default 400. */
  notCheckedOutStatus: number;
  /** A.9: the library root's `/Folders` lists the system folder `Forms`. Default true. */
  emitFormsFolder: boolean;
  /** A.8: `/Files` and `/Folders` of a missing folder: 200 with an empty array, or 404. Default "empty". */
  missingFolderChildren: "empty" | "notFound";
  /** A.19: a change token older than the change log: SPInvalidChangeTokenException, or no changes (sp-dev-docs #10389). Default "error". */
  expiredChangeToken: "error" | "empty";
  /** A.19: status of that error. Default 400. */
  expiredChangeTokenStatus: number;
  /** A.2: list item `odata.etag` in minimal metadata quoted (`"\"2\""`) or bare (`"2"`). Default quoted. */
  quoteItemEtag: boolean;
  /** A.21: cap on search RowLimit. Default 500. */
  searchRowLimitCap: number;
  /** A.20: `/items` page size without `$top`. Default 100. */
  itemsDefaultTop: number;
  /** A.19: GetChanges page size without `FetchLimit`. Default 1000. */
  changesFetchLimit: number;
}

/** What every part receives when it registers its routes. */
export interface EmulatorEnv {
  readonly config: EmulatorConfig;
  readonly store: EmulatorStore;
  readonly tokens: TokenService;
  /** https://127.0.0.1:<port> of the authority. */
  authorityOrigin(): string;
  /** https://127.0.0.1:<port> of a tenant's SharePoint origin. */
  tenantOrigin(tenant: string): string;
  /** The tenant whose SharePoint origin is this origin (audience check). */
  tenantByOrigin(origin: string): TenantRecord | undefined;
  /** Client id the emulator pre-registers as Konnekt's public client. */
  readonly clientId: string;
}

/** Issued by the Entra part, verified by the SharePoint and Graph parts. */
export interface TokenService {
  /** A user access token for `audience` (a SharePoint origin); used by sign-in flows and admin /tokens. */
  issueUserToken(tenant: string, user: UserRecord, audience: string, scopes: string[]): { accessToken: string; expiresIn: number };
  /**
   * Verifies a bearer token for a SharePoint origin. Failures carry the real service's 401 body
   * text ("Invalid JWT token. The token is expired.", "Invalid issuer or signature.",
   * "Unsupported app only token.") and, for revoked sessions, a CAE claims challenge.
   */
  verify(authorization: string | undefined, origin: string): { ok: true; principal: Principal } | { ok: false; status: 401; description: string; claims?: string };
  /** Admin: revoke every token and refresh token of a user (refresh → invalid_grant, SharePoint → 401 + claims). */
  revoke(tenant: string, userUpn: string): void;
  /** Admin: the next SharePoint request of the user gets a conditional-access claims challenge. */
  requireClaims(tenant: string, userUpn: string): void;
}
