/**
 * What the daemon tells a tenant worker at fork (env `KONNEKT_WORKER`, JSON): enough to rebuild the
 * whole tenant after a crash without asking anyone — the token cache, journal and persisted drives
 * live in `stateDir`.
 */
import { KonnektError } from "../errors.js";

export interface WorkerOptions {
  tenant: string;
  /** `https://contoso.sharepoint.com` */
  url: string;
  tenantId: string;
  authorityHost: string;
  clientId: string;
  stateDir: string;
  cacheDir: string;
  cacheCapBytes: number;
  /** The tenant's tree is mounted at `<mountRoot>/<tenant>`. */
  mountRoot: string;
  discovery?: { query?: string; include?: string[]; exclude?: string[] };
  discoveryIntervalMs?: number;
  pollIntervalMs?: number;
  uploadConcurrency?: number;
  /** Certificate (app-only) sign-in, when configured. */
  certificate?: { clientId: string; path: string; thumbprintSha256?: string };
}

export const WORKER_ENV = "KONNEKT_WORKER";

export function readWorkerOptions(env: NodeJS.ProcessEnv = process.env): WorkerOptions {
  const raw = env[WORKER_ENV];
  if (!raw) throw new KonnektError("invalidArgument", `${WORKER_ENV} is not set: a tenant worker is started by the daemon.`);
  const o = JSON.parse(raw) as WorkerOptions;
  for (const k of ["tenant", "url", "tenantId", "authorityHost", "clientId", "stateDir", "cacheDir", "mountRoot"] as const) {
    if (typeof o[k] !== "string" || o[k] === "") throw new KonnektError("invalidArgument", `${WORKER_ENV}.${k} is missing.`);
  }
  return o;
}
