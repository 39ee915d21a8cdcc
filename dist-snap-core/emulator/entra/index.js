import { join } from "node:path";
import { AppRegistry } from "./apps.js";
import { Authorizer } from "./authorize.js";
import { DeviceCodes } from "./device-code.js";
import { Directory } from "./directory.js";
import { errorPage, page } from "./html.js";
import { loadOrCreateSigningKey } from "./keys.js";
import { openIdConfiguration, sendInstanceDiscovery, sendKeys } from "./oidc.js";
import { StateFile } from "./persist.js";
import { EntraError, sendAdminJson, sendEntraError, sendEntraJson, sendHtml } from "./respond.js";
import { TokenEndpoint } from "./token-endpoint.js";
import { EntraTokenService } from "./token-service.js";
const PUBLIC_CLIENT_NAME = "Konnekt";
const T = "(?<tenant>[^/]+)";
function isRecord(v) {
    return typeof v === "object" && v !== null && !Array.isArray(v);
}
function optionalString(body, name) {
    const v = body[name];
    return typeof v === "string" ? v : undefined;
}
export function createEntra(deps) {
    const dir = join(deps.dataDir, "entra");
    const key = loadOrCreateSigningKey(dir);
    const state = new StateFile(dir);
    const directory = new Directory(deps.store);
    const tokens = new EntraTokenService({
        config: deps.config,
        key,
        state,
        directory,
        clientId: deps.clientId,
        clientDisplayName: PUBLIC_CLIENT_NAME,
        authorityOrigin: () => deps.authorityOrigin(),
        tenantByOrigin: (o) => deps.tenantByOrigin(o),
    });
    const apps = new AppRegistry(state, directory, deps.clientId, PUBLIC_CLIENT_NAME);
    const ctx = {
        config: deps.config,
        directory,
        apps,
        tokens,
        clientId: deps.clientId,
        testAutoApproveUser: () => deps.config.testAutoApproveUser,
        authorityOrigin: () => deps.authorityOrigin(),
        tenantByOrigin: (o) => deps.tenantByOrigin(o),
    };
    const devices = new DeviceCodes(ctx);
    const authorizer = new Authorizer(ctx);
    const tokenEndpoint = new TokenEndpoint(ctx, devices, authorizer);
    /** JSON endpoints: Entra errors become AADSTS bodies; anything else goes to the core's handler. */
    const json = (fn) => async (req, res) => {
        try {
            await fn(req, res, directory.resolve(req.params["tenant"] ?? ""));
        }
        catch (err) {
            if (!(err instanceof EntraError))
                throw err;
            sendEntraError(req, res, err, deps.authorityOrigin());
        }
    };
    /** HTML endpoints: Entra errors become an error page. */
    const html = (fn) => async (req, res) => {
        try {
            await fn(req, res, directory.resolve(req.params["tenant"] ?? ""));
        }
        catch (err) {
            if (!(err instanceof EntraError))
                throw err;
            sendHtml(res, err.status, errorPage("Sign in", `AADSTS${err.code}: ${err.message}`));
        }
    };
    function register(authority) {
        authority.add("GET", /^\/common\/discovery\/instance\/?$/i, (req, res) => sendInstanceDiscovery(req, res, ctx));
        authority.add("GET", new RegExp(`^/${T}/(?:v2\\.0/)?\\.well-known/openid-configuration$`, "i"), json((req, res, ref) => sendEntraJson(req, res, 200, openIdConfiguration(ctx, ref))));
        authority.add("GET", new RegExp(`^/${T}/discovery/(?:v2\\.0/)?keys$`, "i"), json((req, res) => sendKeys(req, res, key)));
        authority.add("POST", new RegExp(`^/${T}/oauth2/v2\\.0/devicecode$`, "i"), json((req, res, ref) => devices.start(req, res, ref)));
        authority.add("POST", new RegExp(`^/${T}/oauth2/v2\\.0/token$`, "i"), json((req, res, ref) => tokenEndpoint.handle(req, res, ref)));
        authority.add("GET", new RegExp(`^/${T}/oauth2/v2\\.0/authorize$`, "i"), html((req, res, ref) => authorizer.authorize(req, res, ref)));
        authority.add("POST", new RegExp(`^/${T}/login$`, "i"), html((req, res) => authorizer.login(req, res)));
        authority.add("GET", new RegExp(`^/${T}/oauth2/v2\\.0/logout$`, "i"), html((_req, res) => sendHtml(res, 200, page("Sign out", `<h1>You signed out of your account</h1><p>It's a good idea to close all browser windows.</p>`))));
        authority.add("GET", /^\/devicelogin\/?$/i, (req, res) => devices.loginPage(req, res));
        authority.add("POST", /^\/devicelogin\/?$/i, (req, res) => devices.submit(req, res));
        // Admin (tests and scripts): approve a device code; register an app's certificate or secret.
        authority.add("POST", /^\/admin\/device\/approve$/i, async (req, res) => {
            const body = await req.json();
            if (!isRecord(body))
                return sendAdminJson(res, 400, { error: "invalidRequest", message: 'Body must be {"userCode","user"}.' });
            const userCode = optionalString(body, "userCode");
            const user = optionalString(body, "user") ?? "";
            const decline = body["decline"] === true;
            if (userCode === undefined || (!decline && user === ""))
                return sendAdminJson(res, 400, { error: "invalidRequest", message: 'Body must be {"userCode","user"}.' });
            const result = devices.decide(userCode, user, decline);
            if (!result.ok)
                return sendAdminJson(res, result.status, { error: result.status === 404 ? "notFound" : "invalidRequest", message: result.message });
            return sendAdminJson(res, 200, { userCode: userCode.toUpperCase(), ...(result.user !== undefined ? { user: result.user.upn, tenant: result.user.tenant } : { declined: true }) });
        });
        authority.add("POST", /^\/admin\/apps$/i, async (req, res) => {
            const body = await req.json();
            const tenant = isRecord(body) ? optionalString(body, "tenant") : undefined;
            if (!isRecord(body) || tenant === undefined) {
                return sendAdminJson(res, 400, { error: "invalidRequest", message: 'Body must be {"tenant","clientId","certificatePem"} and/or "clientSecret".' });
            }
            try {
                const clientId = optionalString(body, "clientId");
                const certificatePem = optionalString(body, "certificatePem");
                const clientSecret = optionalString(body, "clientSecret");
                const displayName = optionalString(body, "displayName");
                const app = apps.register({
                    tenant,
                    ...(clientId !== undefined ? { clientId } : {}),
                    ...(certificatePem !== undefined ? { certificatePem } : {}),
                    ...(clientSecret !== undefined ? { clientSecret } : {}),
                    ...(displayName !== undefined ? { displayName } : {}),
                });
                return sendAdminJson(res, 201, {
                    tenant: directory.byId(app.tenantId)?.name ?? tenant,
                    tenantId: app.tenantId,
                    clientId: app.clientId,
                    displayName: app.displayName,
                    certificates: app.certificates.map((c) => ({ thumbprintSha256: c.sha256, thumbprint: c.sha1 })),
                    secrets: app.secretHashes.length,
                    ...(app.thumbprintSha256 !== undefined ? { thumbprintSha256: app.thumbprintSha256, thumbprint: app.thumbprint } : {}),
                });
            }
            catch (err) {
                return sendAdminJson(res, 400, { error: "invalidRequest", message: err instanceof Error ? err.message : String(err) });
            }
        });
    }
    return { tokens, register };
}
//# sourceMappingURL=index.js.map