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

export interface DownloadClaims {
  k: "dl";
  tenant: string;
  uniqueId: string;
  userId: string;
  /** Hash of the bearer session the URL was minted from. */
  session: string;
  exp: number; // epoch ms
}

export interface UploadClaims {
  k: "up";
  tenant: string;
  uploadId: string;
  listId: string;
  userId: string;
  /** Bearer session of the creator (download URLs in the final driveItem live as long as it). */
  session: string;
  /** Existing file being replaced, or parent + name of a new file. */
  uniqueId?: string;
  parentId?: string;
  name?: string;
  conflict: "replace" | "fail" | "rename";
  deferCommit: boolean;
  /** The If-Match etag number the session was created with. */
  ifMatch?: number;
  exp: number;
}

export type TempAuthClaims = DownloadClaims | UploadClaims;

interface Session {
  bearer: string;
  expiresAt: number;
}

export class TempAuth {
  private readonly key = randomBytes(32);
  private readonly sessions = new Map<string, Session>();
  private lastPrune = Date.now();

  /** Remembers a bearer session and returns its handle. */
  session(authorization: string, expiresAt: number): string {
    const id = createHash("sha256").update(authorization).digest("base64url").slice(0, 22);
    if (!this.sessions.has(id)) this.sessions.set(id, { bearer: authorization, expiresAt });
    this.prune();
    return id;
  }

  /** The Authorization header of a remembered session, if it has not expired. */
  bearerOf(sessionId: string): string | undefined {
    const s = this.sessions.get(sessionId);
    if (!s || s.expiresAt <= Date.now()) return undefined;
    return s.bearer;
  }

  sign(claims: TempAuthClaims): string {
    const body = Buffer.from(JSON.stringify(claims)).toString("base64url");
    const mac = createHmac("sha256", this.key).update(body).digest("base64url");
    return `v1.${body}.${mac}`;
  }

  /** The claims of a valid, unexpired token of the wanted kind; undefined otherwise. */
  verify<K extends TempAuthClaims["k"]>(token: string | null, kind: K): Extract<TempAuthClaims, { k: K }> | undefined {
    if (!token) return undefined;
    const parts = token.split(".");
    if (parts.length !== 3 || parts[0] !== "v1") return undefined;
    const body = parts[1] ?? "";
    const mac = Buffer.from(parts[2] ?? "", "base64url");
    const want = createHmac("sha256", this.key).update(body).digest();
    if (mac.length !== want.length || !timingSafeEqual(mac, want)) return undefined;
    let claims: TempAuthClaims;
    try {
      claims = JSON.parse(Buffer.from(body, "base64url").toString("utf8")) as TempAuthClaims;
    } catch {
      return undefined;
    }
    if (claims.k !== kind || !(claims.exp > Date.now())) return undefined;
    return claims as Extract<TempAuthClaims, { k: K }>;
  }

  private prune(): void {
    const now = Date.now();
    if (now - this.lastPrune < 60_000) return;
    this.lastPrune = now;
    for (const [id, s] of this.sessions) if (s.expiresAt <= now) this.sessions.delete(id);
  }
}
