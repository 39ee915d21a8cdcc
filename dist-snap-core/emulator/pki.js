/**
 * The emulator's private CA and its 127.0.0.1/localhost server certificate. MSAL refuses non-https
 * authorities (spo-protocol.md B.3), so clients trust `ca.pem` (NODE_EXTRA_CA_CERTS or a dispatcher).
 * Kept in `<data>/tls/` and reused, so a restarted emulator keeps the clients' trust.
 */
import "reflect-metadata";
import * as x509 from "@peculiar/x509";
import { X509Certificate as NodeX509, webcrypto } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
// The library is typed against the DOM Crypto; Node's webcrypto implements it.
x509.cryptoProvider.set(webcrypto);
const ALG = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" };
const DAY_MS = 86_400_000;
function serial() {
    const bytes = webcrypto.getRandomValues(new Uint8Array(16));
    bytes[0] = (bytes[0] ?? 0) & 0x7f; // positive
    return Buffer.from(bytes).toString("hex");
}
function keyPem(der) {
    const b64 = Buffer.from(der).toString("base64").replace(/(.{64})/g, "$1\n");
    return `-----BEGIN PRIVATE KEY-----\n${b64.trim()}\n-----END PRIVATE KEY-----\n`;
}
async function importKey(pem) {
    const der = Buffer.from(pem.replace(/-----[^-]+-----/g, "").replace(/\s+/g, ""), "base64");
    return webcrypto.subtle.importKey("pkcs8", der, ALG, true, ["sign"]);
}
async function createCa() {
    const keys = (await webcrypto.subtle.generateKey(ALG, true, ["sign", "verify"]));
    const now = Date.now();
    const cert = await x509.X509CertificateGenerator.createSelfSigned({
        serialNumber: serial(),
        name: "CN=Konnekt Emulator CA, O=Konnekt emulator",
        notBefore: new Date(now - DAY_MS),
        notAfter: new Date(now + 3650 * DAY_MS),
        signingAlgorithm: ALG,
        keys,
        extensions: [
            new x509.BasicConstraintsExtension(true, 0, true),
            new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
            await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
        ],
    });
    return { certPem: cert.toString("pem") + "\n", keyPem: keyPem(await webcrypto.subtle.exportKey("pkcs8", keys.privateKey)) };
}
async function createServerCert(caCertPem, caKeyPem) {
    const ca = new x509.X509Certificate(caCertPem);
    const caKey = await importKey(caKeyPem);
    const keys = (await webcrypto.subtle.generateKey(ALG, true, ["sign", "verify"]));
    const now = Date.now();
    const cert = await x509.X509CertificateGenerator.create({
        serialNumber: serial(),
        subject: "CN=127.0.0.1",
        issuer: ca.subject,
        notBefore: new Date(now - DAY_MS),
        notAfter: new Date(now + 825 * DAY_MS),
        signingAlgorithm: ALG,
        publicKey: keys.publicKey,
        signingKey: caKey,
        extensions: [
            new x509.BasicConstraintsExtension(false, undefined, true),
            new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
            new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
            new x509.SubjectAlternativeNameExtension([
                { type: "ip", value: "127.0.0.1" },
                { type: "dns", value: "localhost" },
            ]),
            await x509.AuthorityKeyIdentifierExtension.create(ca),
        ],
    });
    return { certPem: cert.toString("pem") + "\n", keyPem: keyPem(await webcrypto.subtle.exportKey("pkcs8", keys.privateKey)) };
}
/** A server certificate still valid for a day, issued by this CA. */
function usable(certPem, caPem) {
    try {
        const cert = new NodeX509(certPem);
        const ca = new NodeX509(caPem);
        return cert.checkIssued(ca) && cert.verify(ca.publicKey) && Date.parse(cert.validTo) > Date.now() + DAY_MS && cert.checkIP("127.0.0.1") !== undefined;
    }
    catch {
        return false;
    }
}
/** Loads `<dataDir>/tls`, creating what is missing or expired. */
export async function ensureTls(dataDir) {
    const dir = join(dataDir, "tls");
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const caFile = join(dir, "ca.pem");
    const caKeyFile = join(dir, "ca.key");
    const certFile = join(dir, "server.pem");
    const keyFile = join(dir, "server.key");
    let caPem;
    let caKey;
    if (existsSync(caFile) && existsSync(caKeyFile)) {
        caPem = readFileSync(caFile, "utf8");
        caKey = readFileSync(caKeyFile, "utf8");
    }
    else {
        const ca = await createCa();
        caPem = ca.certPem;
        caKey = ca.keyPem;
        writeFileSync(caKeyFile, caKey, { mode: 0o600 });
        writeFileSync(caFile, caPem);
    }
    let certPem = existsSync(certFile) ? readFileSync(certFile, "utf8") : "";
    let serverKey = existsSync(keyFile) ? readFileSync(keyFile, "utf8") : "";
    if (!certPem || !serverKey || !usable(certPem, caPem)) {
        const server = await createServerCert(caPem, caKey);
        certPem = server.certPem;
        serverKey = server.keyPem;
        writeFileSync(keyFile, serverKey, { mode: 0o600 });
        writeFileSync(certFile, certPem);
    }
    return { caFile, caPem, certPem, keyPem: serverKey };
}
//# sourceMappingURL=pki.js.map