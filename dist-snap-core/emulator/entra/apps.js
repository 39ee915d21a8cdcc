/**
 * Client applications: Konnekt's pre-registered public client (any loopback redirect, no secret)
 * and confidential apps registered through `POST /admin/apps` with a certificate and/or a secret.
 */
import { createHash, X509Certificate, randomUUID } from "node:crypto";
import { EntraError } from "./respond.js";
import { hashSecret } from "./token-service.js";
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export function parseCertificate(pem) {
    const block = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(pem);
    if (block === null)
        throw new Error("certificatePem holds no PEM certificate");
    const cert = new X509Certificate(block[0]);
    return {
        cert,
        pem: block[0],
        sha256: createHash("sha256").update(cert.raw).digest("hex"),
        sha1: createHash("sha1").update(cert.raw).digest("hex"),
    };
}
export class AppRegistry {
    state;
    directory;
    publicClientId;
    publicDisplayName;
    constructor(state, directory, publicClientId, publicDisplayName) {
        this.state = state;
        this.directory = directory;
        this.publicClientId = publicClientId;
        this.publicDisplayName = publicDisplayName;
    }
    /**
     * The app `clientId` as seen from `tenantId` (undefined for the /organizations endpoints, where the
     * app's home tenant decides). Unknown apps are AADSTS700016.
     */
    lookup(clientId, tenantId, directoryName) {
        if (clientId.toLowerCase() === this.publicClientId.toLowerCase()) {
            return { kind: "public", clientId: this.publicClientId, displayName: this.publicDisplayName };
        }
        const app = this.state.state.apps.find((a) => a.clientId.toLowerCase() === clientId.toLowerCase() && (tenantId === undefined || a.tenantId === tenantId));
        if (app === undefined) {
            throw new EntraError(400, "unauthorized_client", 700016, `Application with identifier '${clientId}' was not found in the directory '${directoryName}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`);
        }
        return { kind: "confidential", app };
    }
    register(input) {
        const tenant = this.directory.find(input.tenant);
        if (tenant === undefined)
            throw new Error(`unknown tenant '${input.tenant}'`);
        const clientId = (input.clientId ?? randomUUID()).toLowerCase();
        if (!GUID.test(clientId))
            throw new Error("clientId must be a GUID");
        if (clientId === this.publicClientId.toLowerCase())
            throw new Error("clientId is the emulator's public client");
        if (input.certificatePem === undefined && input.clientSecret === undefined)
            throw new Error("give certificatePem and/or clientSecret");
        const cert = input.certificatePem !== undefined ? parseCertificate(input.certificatePem) : undefined;
        let app = this.state.state.apps.find((a) => a.clientId === clientId && a.tenantId === tenant.tenantId);
        if (app === undefined) {
            app = { tenantId: tenant.tenantId, clientId, displayName: input.displayName ?? "Konnekt test app", objectId: randomUUID(), certificates: [], secretHashes: [] };
            this.state.state.apps.push(app);
        }
        if (input.displayName !== undefined)
            app.displayName = input.displayName;
        if (cert !== undefined && !app.certificates.some((c) => c.sha256 === cert.sha256)) {
            app.certificates.push({ sha256: cert.sha256, sha1: cert.sha1, pem: cert.pem });
        }
        if (input.clientSecret !== undefined) {
            const hash = hashSecret(input.clientSecret);
            if (!app.secretHashes.includes(hash))
                app.secretHashes.push(hash);
        }
        this.state.save();
        return { ...app, ...(cert !== undefined ? { thumbprintSha256: cert.sha256, thumbprint: cert.sha1 } : {}) };
    }
}
//# sourceMappingURL=apps.js.map