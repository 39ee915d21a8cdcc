/** A self-signed certificate and key for app-only (client credentials) tests. */
import "reflect-metadata";
import * as x509 from "@peculiar/x509";
import { X509Certificate, webcrypto } from "node:crypto";
x509.cryptoProvider.set(webcrypto);
export async function selfSignedCertificate(subject = "CN=Konnekt test app") {
    const alg = { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256", publicExponent: new Uint8Array([1, 0, 1]), modulusLength: 2048 };
    const keys = await webcrypto.subtle.generateKey(alg, true, ["sign", "verify"]);
    const cert = await x509.X509CertificateGenerator.createSelfSigned({
        serialNumber: "01",
        name: subject,
        notBefore: new Date(Date.now() - 86_400_000),
        notAfter: new Date(Date.now() + 86_400_000),
        signingAlgorithm: alg,
        keys: keys,
    });
    const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey("pkcs8", keys.privateKey));
    const keyPem = `-----BEGIN PRIVATE KEY-----\n${pkcs8.toString("base64").replace(/(.{64})/g, "$1\n").trim()}\n-----END PRIVATE KEY-----\n`;
    const certPem = cert.toString("pem");
    const thumbprintSha256 = new X509Certificate(certPem).fingerprint256.replace(/:/g, "").toLowerCase();
    return { certPem, keyPem, thumbprintSha256 };
}
//# sourceMappingURL=certs.js.map