/** Shared set-up for tenant engine tests: an emulator, and engines signed in through device code. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TenantEngine, type TenantEngineOptions } from "../../workers/tenant/engine.js";
import { startEmulator, trustEmulatorCa, type StartOptions, type TestEmulator } from "../helpers/emulator.js";

export async function emulatorForTenants(opts: StartOptions = {}): Promise<TestEmulator> {
  const emu = await startEmulator({ ...opts, config: { deviceCodeIntervalSeconds: 1, ...opts.config } });
  trustEmulatorCa(emu.caFile);
  return emu;
}

export function tempDir(prefix: string): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), `konnekt-test-${prefix}-`));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

export function engineOptions(emu: TestEmulator, tenant: string, stateDir: string, extra: Partial<TenantEngineOptions> = {}): TenantEngineOptions {
  const t = emu.tenant(tenant);
  return {
    tenant,
    tenantId: t.tenantId,
    authorityHost: emu.authority,
    clientId: emu.clientId,
    rootUrl: t.sharePointUrl,
    stateDir,
    // Tests never write to the keyring of the session they run in; token-store.test.ts gives its
    // processes a keyring of their own.
    tokenStore: "file",
    pollIntervalMs: 3_600_000, // tests poll explicitly
    discoveryIntervalMs: 3_600_000,
    ...extra,
  };
}

/** Signs the engine in with the device code flow, approving the code as `user` through the admin API. */
export async function signInWithDeviceCode(emu: TestEmulator, engine: TenantEngine, user: string): Promise<void> {
  const tenant = emu.tenant(engine.name);
  let approval: Promise<unknown> | undefined;
  await engine.auth.signInWithDeviceCode(tenant.sharePointUrl, (prompt) => {
    approval = emu.adminPost("/device/approve", { userCode: prompt.userCode, user: `${user}@${engine.name}.onmicrosoft.com` });
  });
  await approval;
}

export async function signedInEngine(emu: TestEmulator, tenant: string, user: string, stateDir: string, extra: Partial<TenantEngineOptions> = {}): Promise<TenantEngine> {
  const engine = new TenantEngine(engineOptions(emu, tenant, stateDir, extra));
  await signInWithDeviceCode(emu, engine, user);
  return engine;
}
