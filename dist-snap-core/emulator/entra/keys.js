/**
 * The tenant-wide token signing key. Created on first start and kept in `<data>/entra/`, so tokens
 * issued before a restart still verify after it (as Entra's keys outlive any one server).
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync } from "node:crypto";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { writeFileAtomic } from "./persist.js";
export function loadOrCreateSigningKey(dir) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const file = join(dir, "signing-key.pem");
    let pem;
    if (existsSync(file)) {
        pem = readFileSync(file, "utf8");
    }
    else {
        const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
        pem = privateKey.export({ type: "pkcs8", format: "pem" }).toString();
        writeFileAtomic(file, pem, 0o600);
    }
    const privateKey = createPrivateKey(pem);
    const publicKey = createPublicKey(privateKey);
    const spki = publicKey.export({ type: "spki", format: "der" });
    const kid = createHash("sha1").update(spki).digest("base64url");
    const jwkParts = publicKey.export({ format: "jwk" });
    const jwk = { kty: "RSA", use: "sig", kid, x5t: kid, n: jwkParts.n, e: jwkParts.e };
    return { kid, privateKey, publicKey, jwk };
}
//# sourceMappingURL=keys.js.map