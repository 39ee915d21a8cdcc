/**
 * The admin API on the authority origin (`/admin/...`): shortcuts for tests, benchmarks and
 * scripts — tokens without a sign-in, revocation, claims challenges, fault knobs and the request
 * log. It takes no credentials: the emulator listens on loopback only and is a test tool.
 */
import { ConfigError, validateFaults } from "./config.js";
import type { FaultController } from "./faults.js";
import { HttpError, sendJson } from "./http/errors.js";
import type { RequestLog } from "./http/request-log.js";
import type { EmuRequest, EmulatorEnv, RouteTable } from "./http/types.js";
import type { ItemRecord, TenantRecord, UserRecord } from "./store/types.js";

const JSON_TYPE = { "Content-Type": "application/json; charset=utf-8" };

/** Office renews its co-authoring lock while a document is open; an admin lock lasts this long by default. */
const DEFAULT_LOCK_SECONDS = 3600;

/** `GET /admin` lists these (the Entra part registers device/approve and apps on the same origin). */
const ADMIN_ENDPOINTS = [
  "GET /admin/tenants",
  "POST /admin/tokens",
  "POST /admin/revoke",
  "POST /admin/claims",
  "POST /admin/device/approve",
  "POST /admin/apps",
  "GET|POST|DELETE /admin/faults",
  "GET|DELETE /admin/requests",
  "POST|DELETE /admin/lock",
  "POST /admin/expire-changes",
];

function bad(message: string, status = 400): HttpError {
  return new HttpError(status, status === 404 ? "not_found" : "invalid_request", message);
}

async function readObject(req: EmuRequest): Promise<Record<string, unknown>> {
  const body = await req.json();
  if (typeof body !== "object" || body === null || Array.isArray(body)) throw bad("the body must be a JSON object");
  return body as Record<string, unknown>;
}

function str(body: Record<string, unknown>, key: string): string {
  const v = body[key];
  if (typeof v !== "string" || v === "") throw bad(`'${key}' (a string) is required`);
  return v;
}

/** A user by UPN or by short name ("adele" → adele@contoso.onmicrosoft.com). */
/** How long a request-log query waits for exchanges still finishing (long downloads keep going). */
const LOG_SETTLE_MS = 2_000;

export function findUser(tenant: TenantRecord, user: string): UserRecord | undefined {
  const u = user.toLowerCase();
  return tenant.users.find((x) => x.upn.toLowerCase() === u) ?? tenant.users.find((x) => x.upn.toLowerCase().split("@")[0] === u);
}

export interface TenantSummary {
  name: string;
  tenantId: string;
  sharePointUrl: string;
  users: string[];
}

export function tenantSummaries(env: EmulatorEnv): TenantSummary[] {
  return env.store.tenants().map((t) => ({ name: t.name, tenantId: t.tenantId, sharePointUrl: env.tenantOrigin(t.name), users: t.users.map((u) => u.upn) }));
}

export function registerAdmin(routes: RouteTable, env: EmulatorEnv, faults: FaultController, log: RequestLog): void {
  const tenantOf = (body: Record<string, unknown>): TenantRecord => {
    const name = str(body, "tenant");
    const tenant = env.store.tenant(name) ?? env.store.tenants().find((t) => t.tenantId === name.toLowerCase());
    if (!tenant) throw bad(`unknown tenant '${name}'`, 404);
    return tenant;
  };
  const userOf = (tenant: TenantRecord, body: Record<string, unknown>): UserRecord => {
    const name = str(body, "user");
    const user = findUser(tenant, name);
    if (!user) throw bad(`unknown user '${name}' in tenant '${tenant.name}'`, 404);
    return user;
  };

  routes.add("GET", /^\/admin\/?$/, (_req, res) => {
    sendJson(res, 200, { endpoints: ADMIN_ENDPOINTS }, JSON_TYPE);
  });

  /** An item by its decoded server-relative path (an absolute URL's path works too). */
  const itemOf = (tenant: TenantRecord, body: Record<string, unknown>): ItemRecord => {
    let path = str(body, "path");
    if (/^https?:\/\//i.test(path)) {
      try {
        path = decodeURIComponent(new URL(path).pathname);
      } catch {
        throw bad(`'path' is not a valid URL: ${path}`);
      }
    }
    if (!path.startsWith("/")) path = `/${path}`;
    if (path.length > 1) path = path.replace(/\/+$/, "");
    const item = env.store.itemByPath(tenant.name, path);
    if (!item) throw bad(`no file or folder at '${path}' in tenant '${tenant.name}'`, 404);
    return item;
  };

  routes.add("POST", /^\/admin\/lock$/, async (req, res) => {
    const body = await readObject(req);
    const tenant = tenantOf(body);
    const item = itemOf(tenant, body);
    const user = userOf(tenant, body);
    if (item.isFolder) throw bad("only files can be locked");
    const kind = body.kind ?? "shared";
    if (kind !== "shared" && kind !== "exclusive") throw bad("'kind' must be \"shared\" or \"exclusive\"");
    const seconds = body.seconds ?? DEFAULT_LOCK_SECONDS;
    if (typeof seconds !== "number" || !Number.isFinite(seconds) || seconds <= 0) throw bad("'seconds' must be a positive number");
    const expires = new Date(Date.now() + seconds * 1000).toISOString();
    env.store.setLock(item.uniqueId, { userId: user.id, kind, expires });
    sendJson(res, 200, { tenant: tenant.name, path: item.serverRelativeUrl, uniqueId: item.uniqueId, user: user.upn, kind, expires }, JSON_TYPE);
  });

  routes.add("DELETE", /^\/admin\/lock$/, async (req, res) => {
    // DELETE with a JSON body, or the same fields as query parameters.
    const query = Object.fromEntries(req.url.searchParams.entries());
    const body = { ...query, ...(await readObject(req)) };
    const tenant = tenantOf(body);
    const item = itemOf(tenant, body);
    env.store.setLock(item.uniqueId, undefined);
    sendJson(res, 200, { tenant: tenant.name, path: item.serverRelativeUrl, uniqueId: item.uniqueId, locked: false }, JSON_TYPE);
  });

  routes.add("POST", /^\/admin\/expire-changes$/, async (req, res) => {
    const body = await readObject(req);
    const tenant = tenantOf(body);
    const item = itemOf(tenant, body);
    const list = env.store.listById(item.listId);
    if (!list) throw bad(`'${item.serverRelativeUrl}' is not in a library`, 404);
    const currentChange = env.store.expireChangeTokens(list.id);
    sendJson(res, 200, { tenant: tenant.name, listId: list.id, driveId: list.driveId, title: list.title, currentChange }, JSON_TYPE);
  });

  routes.add("GET", /^\/admin\/tenants$/, (_req, res) => {
    sendJson(res, 200, { tenants: tenantSummaries(env) }, JSON_TYPE);
  });

  routes.add("POST", /^\/admin\/tokens$/, async (req, res) => {
    const body = await readObject(req);
    const tenant = tenantOf(body);
    const user = userOf(tenant, body);
    const scopes = Array.isArray(body.scopes) ? body.scopes.filter((s): s is string => typeof s === "string") : [];
    const token = env.tokens.issueUserToken(tenant.name, user, env.tenantOrigin(tenant.name), scopes);
    sendJson(res, 200, { access_token: token.accessToken, expires_in: token.expiresIn, token_type: "Bearer" }, JSON_TYPE);
  });

  routes.add("POST", /^\/admin\/revoke$/, async (req, res) => {
    const body = await readObject(req);
    const tenant = tenantOf(body);
    const user = userOf(tenant, body);
    env.tokens.revoke(tenant.name, user.upn);
    sendJson(res, 200, { ok: true, tenant: tenant.name, user: user.upn }, JSON_TYPE);
  });

  routes.add("POST", /^\/admin\/claims$/, async (req, res) => {
    const body = await readObject(req);
    const tenant = tenantOf(body);
    const user = userOf(tenant, body);
    env.tokens.requireClaims(tenant.name, user.upn);
    sendJson(res, 200, { ok: true, tenant: tenant.name, user: user.upn }, JSON_TYPE);
  });

  routes.add("GET", /^\/admin\/faults$/, (_req, res) => {
    sendJson(res, 200, { faults: faults.all() }, JSON_TYPE);
  });

  routes.add("POST", /^\/admin\/faults$/, async (req, res) => {
    const body = await readObject(req);
    const name = str(body, "tenant");
    const key = name === "authority" ? name : tenantOf(body).name;
    try {
      faults.set(key, validateFaults(body, ["tenant"]));
    } catch (err) {
      if (err instanceof ConfigError) throw bad(err.message);
      throw err;
    }
    sendJson(res, 200, { tenant: key, faults: faults.get(key) }, JSON_TYPE);
  });

  routes.add("DELETE", /^\/admin\/faults$/, (req, res) => {
    const tenant = req.url.searchParams.get("tenant") ?? undefined;
    faults.clear(tenant === "" ? undefined : tenant);
    sendJson(res, 200, { faults: faults.all() }, JSON_TYPE);
  });

  routes.add("GET", /^\/admin\/requests$/, async (req, res) => {
    const tenant = req.url.searchParams.get("tenant") ?? undefined;
    const since = req.url.searchParams.get("since") ?? undefined;
    await log.settled(LOG_SETTLE_MS);
    sendJson(res, 200, { requests: log.query({ tenant, since }), last: log.last() }, JSON_TYPE);
  });

  routes.add("DELETE", /^\/admin\/requests$/, (_req, res) => {
    log.clear();
    sendJson(res, 200, { last: log.last() }, JSON_TYPE);
  });
}
