/**
 * `tempauth`: the short-lived signed token that makes download URLs and upload URLs
 * pre-authenticated (no Authorization header), as SharePoint's `download.aspx?...&tempauth=` and
 * `uploadSession?...&tempauth=` URLs are.
 *
 * Format: `v1.<base64url(JSON claims)>.<base64url(HMAC-SHA256)>`, signed with a key made at start
 * (URLs do not survive an emulator restart; the real ones expire within the hour anyway).
 *
 * A download tempauth names the item and the user and remembers the bearer session it was minted
 * from (by a hash, the bearer itself stays in memory only): when that session is revoked, the URL
 * stops working, as it does on the real service after a user's sessions are revoked. Its lifetime is
 * at most one hour and never beyond the bearer token's own expiry.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";
/** Lifetime of a download URL (the real tempauth lives about an hour). */
export const DOWNLOAD_URL_LIFETIME_MS = 60 * 60 * 1000;
export class TempAuth {
    key = randomBytes(32);
    sessions = new Map();
    lastPrune = Date.now();
    /** Remembers a bearer session and returns its handle. */
    session(authorization, expiresAt) {
        const id = createHash("sha256").update(authorization).digest("base64url").slice(0, 22);
        if (!this.sessions.has(id))
            this.sessions.set(id, { bearer: authorization, expiresAt });
        this.prune();
        return id;
    }
    /** The Authorization header of a remembered session, if it has not expired. */
    bearerOf(sessionId) {
        const s = this.sessions.get(sessionId);
        if (!s || s.expiresAt <= Date.now())
            return undefined;
        return s.bearer;
    }
    sign(claims) {
        const body = Buffer.from(JSON.stringify(claims)).toString("base64url");
        const mac = createHmac("sha256", this.key).update(body).digest("base64url");
        return `v1.${body}.${mac}`;
    }
    /** The claims of a valid, unexpired token of the wanted kind; undefined otherwise. */
    verify(token, kind) {
        if (!token)
            return undefined;
        const parts = token.split(".");
        if (parts.length !== 3 || parts[0] !== "v1")
            return undefined;
        const body = parts[1] ?? "";
        const mac = Buffer.from(parts[2] ?? "", "base64url");
        const want = createHmac("sha256", this.key).update(body).digest();
        if (mac.length !== want.length || !timingSafeEqual(mac, want))
            return undefined;
        let claims;
        try {
            claims = JSON.parse(Buffer.from(body, "base64url").toString("utf8"));
        }
        catch {
            return undefined;
        }
        if (claims.k !== kind || !(claims.exp > Date.now()))
            return undefined;
        return claims;
    }
    prune() {
        const now = Date.now();
        if (now - this.lastPrune < 60_000)
            return;
        this.lastPrune = now;
        for (const [id, s] of this.sessions)
            if (s.expiresAt <= now)
                this.sessions.delete(id);
    }
}
//# sourceMappingURL=tempauth.js.map