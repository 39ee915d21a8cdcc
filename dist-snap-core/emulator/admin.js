/**
 * The admin API on the authority origin (`/admin/...`): shortcuts for tests, benchmarks and
 * scripts — tokens without a sign-in, revocation, claims challenges, fault knobs and the request
 * log. It takes no credentials: the emulator listens on loopback only and is a test tool.
 */
import { ConfigError, validateFaults } from "./config.js";
import { HttpError, sendJson } from "./http/errors.js";
const JSON_TYPE = { "Content-Type": "application/json; charset=utf-8" };
function bad(message, status = 400) {
    return new HttpError(status, status === 404 ? "not_found" : "invalid_request", message);
}
async function readObject(req) {
    const body = await req.json();
    if (typeof body !== "object" || body === null || Array.isArray(body))
        throw bad("the body must be a JSON object");
    return body;
}
function str(body, key) {
    const v = body[key];
    if (typeof v !== "string" || v === "")
        throw bad(`'${key}' (a string) is required`);
    return v;
}
/** A user by UPN or by short name ("adele" → adele@contoso.onmicrosoft.com). */
export function findUser(tenant, user) {
    const u = user.toLowerCase();
    return tenant.users.find((x) => x.upn.toLowerCase() === u) ?? tenant.users.find((x) => x.upn.toLowerCase().split("@")[0] === u);
}
export function tenantSummaries(env) {
    return env.store.tenants().map((t) => ({ name: t.name, tenantId: t.tenantId, sharePointUrl: env.tenantOrigin(t.name), users: t.users.map((u) => u.upn) }));
}
export function registerAdmin(routes, env, faults, log) {
    const tenantOf = (body) => {
        const name = str(body, "tenant");
        const tenant = env.store.tenant(name) ?? env.store.tenants().find((t) => t.tenantId === name.toLowerCase());
        if (!tenant)
            throw bad(`unknown tenant '${name}'`, 404);
        return tenant;
    };
    const userOf = (tenant, body) => {
        const name = str(body, "user");
        const user = findUser(tenant, name);
        if (!user)
            throw bad(`unknown user '${name}' in tenant '${tenant.name}'`, 404);
        return user;
    };
    routes.add("GET", /^\/admin\/?$/, (_req, res) => {
        sendJson(res, 200, { endpoints: ["POST /admin/tokens", "POST /admin/revoke", "POST /admin/claims", "POST /admin/device/approve", "GET|POST|DELETE /admin/faults", "GET|DELETE /admin/requests", "GET /admin/tenants"] }, JSON_TYPE);
    });
    routes.add("GET", /^\/admin\/tenants$/, (_req, res) => {
        sendJson(res, 200, { tenants: tenantSummaries(env) }, JSON_TYPE);
    });
    routes.add("POST", /^\/admin\/tokens$/, async (req, res) => {
        const body = await readObject(req);
        const tenant = tenantOf(body);
        const user = userOf(tenant, body);
        const scopes = Array.isArray(body.scopes) ? body.scopes.filter((s) => typeof s === "string") : [];
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
        }
        catch (err) {
            if (err instanceof ConfigError)
                throw bad(err.message);
            throw err;
        }
        sendJson(res, 200, { tenant: key, faults: faults.get(key) }, JSON_TYPE);
    });
    routes.add("DELETE", /^\/admin\/faults$/, (req, res) => {
        const tenant = req.url.searchParams.get("tenant") ?? undefined;
        faults.clear(tenant === "" ? undefined : tenant);
        sendJson(res, 200, { faults: faults.all() }, JSON_TYPE);
    });
    routes.add("GET", /^\/admin\/requests$/, (req, res) => {
        const tenant = req.url.searchParams.get("tenant") ?? undefined;
        const since = req.url.searchParams.get("since") ?? undefined;
        sendJson(res, 200, { requests: log.query({ tenant, since }), last: log.last() }, JSON_TYPE);
    });
    routes.add("DELETE", /^\/admin\/requests$/, (_req, res) => {
        log.clear();
        sendJson(res, 200, { last: log.last() }, JSON_TYPE);
    });
}
//# sourceMappingURL=admin.js.map