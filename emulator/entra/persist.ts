/**
 * Durable Entra state in `<data>/entra/state.json`: refresh tokens (stored by hash, never in clear),
 * revocations, pending claims challenges and registered app credentials. Written atomically on each
 * change so a crash never leaves a half-written file.
 */
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export function writeFileAtomic(file: string, data: string, mode = 0o600): void {
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  writeFileSync(tmp, data, { mode });
  renameSync(tmp, file);
}

export interface RefreshTokenRecord {
  tenantId: string;
  userId: string;
  upn: string;
  clientId: string;
  issuedMs: number;
  expiresMs: number;
}

export interface AppCertificate {
  /** Hex SHA-256 and SHA-1 thumbprints of the certificate's DER. */
  sha256: string;
  sha1: string;
  pem: string;
}

export interface AppRecord {
  tenantId: string;
  clientId: string;
  displayName: string;
  /** Service principal object id in the tenant (app-only tokens' `oid`/`sub`). */
  objectId: string;
  certificates: AppCertificate[];
  /** SHA-256 hex of each client secret. */
  secretHashes: string[];
}

export interface EntraState {
  /** Keyed by SHA-256 (base64url) of the refresh token. */
  refreshTokens: Record<string, RefreshTokenRecord>;
  /** `<tenantId>/<upn lowercased>` → epoch ms before which the user's tokens are invalid. */
  revokedBefore: Record<string, number>;
  /** `<tenantId>/<upn lowercased>` → epoch ms: access tokens issued earlier meet a claims challenge. */
  claimsBefore: Record<string, number>;
  apps: AppRecord[];
}

function emptyState(): EntraState {
  return { refreshTokens: {}, revokedBefore: {}, claimsBefore: {}, apps: [] };
}

export class StateFile {
  readonly state: EntraState;
  private readonly file: string;

  constructor(dir: string) {
    this.file = join(dir, "state.json");
    this.state = existsSync(this.file) ? StateFile.read(this.file) : emptyState();
  }

  private static read(file: string): EntraState {
    try {
      const parsed = JSON.parse(readFileSync(file, "utf8")) as Partial<EntraState>;
      return { ...emptyState(), ...parsed };
    } catch {
      // A damaged file costs sign-ins, not the emulator: start over like a fresh directory.
      return emptyState();
    }
  }

  save(): void {
    const now = Date.now();
    for (const [hash, rt] of Object.entries(this.state.refreshTokens)) {
      if (rt.expiresMs < now) delete this.state.refreshTokens[hash];
    }
    writeFileAtomic(this.file, JSON.stringify(this.state));
  }
}
