/** A tenant mounted by a fixture process against a test emulator. */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { serve, tempDir, type FixtureEvent, type Served } from "../mount/helpers.js";
import { startEmulator, trustEmulatorCa, type StartOptions, type TestEmulator } from "../helpers/emulator.js";

export const TENANT_FIXTURE = fileURLToPath(new URL("./fixture/serve-tenant.js", import.meta.url));

type Teardown = Parameters<typeof serve>[0];

export async function emulatorForMount(t: Teardown, opts: StartOptions = {}): Promise<TestEmulator> {
  const emu = await startEmulator({ autoApprove: "adele", ...opts });
  t.teardown(() => emu.stop());
  trustEmulatorCa(emu.caFile);
  return emu;
}

/** Serves contoso (as adele) at `<dir>/mnt`; reuse `dir` to restart over the same state. */
export async function serveTenant(t: Teardown, emu: TestEmulator, opts: { dir?: string; pollMs?: number; tenant?: string; subtree?: string; cacheCapBytes?: number } = {}): Promise<Served> {
  const dir = opts.dir ?? tempDir(t, "konnekt-vfs-");
  const tenant = emu.tenant(opts.tenant ?? "contoso");
  mkdirSync(join(dir, "state"), { recursive: true });
  const fixture = {
    authority: emu.authority,
    clientId: emu.clientId,
    tenant: tenant.name,
    tenantId: tenant.tenantId,
    rootUrl: tenant.sharePointUrl,
    stateDir: join(dir, "state"),
    cacheDir: join(dir, "cache"),
    caFile: emu.caFile,
    pollMs: opts.pollMs ?? 500,
    ...(opts.subtree !== undefined ? { subtree: opts.subtree } : {}),
    ...(opts.cacheCapBytes !== undefined ? { cacheCapBytes: opts.cacheCapBytes } : {}),
  };
  const from = 0;
  const served = await serve(t, { dir, script: TENANT_FIXTURE, noWait: true, env: { KONNEKT_FIXTURE: JSON.stringify(fixture), NODE_EXTRA_CA_CERTS: emu.caFile } });
  // Sign-in, discovery and mount: generous on a loaded machine.
  await served.waitFor("ready", from, 120_000);
  return served;
}

/** File content through SharePoint REST (what other users see). */
export async function remoteText(emu: TestEmulator, serverRelativePath: string, user = "adele"): Promise<{ status: number; text: string }> {
  const sp = emu.tenant("contoso").sharePointUrl;
  const site = serverRelativePath.split("/").slice(0, 3).join("/");
  const token = await emu.token("contoso", user);
  const url = `${sp}${site}/_api/web/getFileByServerRelativePath(decodedUrl='${encodeURIComponent(serverRelativePath.replace(/'/g, "''"))}')/$value`;
  const res = await emu.fetch(url, { headers: { Authorization: `Bearer ${token}` } });
  return { status: res.status, text: await res.text() };
}

let nextCommand = 1;

/** Sends a command to the tenant fixture (see serve-tenant.ts) and waits for its answer. */
export async function command(s: Served, cmd: "idle" | "mount" | "unmount" | "clearCache" | "stats", extra: { mountpoint?: string; subtree?: string } = {}, timeoutMs = 240_000): Promise<FixtureEvent> {
  const id = nextCommand++;
  const from = s.events.length;
  s.child.stdin?.write(`${JSON.stringify({ cmd, id, ...extra })}\n`);
  const answer = { idle: "idle", mount: "mounted", unmount: "unmounted", clearCache: "cleared", stats: "stats" }[cmd];
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const hit = s.events.slice(from).find((e) => (e.event === answer || e.event === "failed") && e.id === id);
    if (hit) {
      if (hit.event === "failed") throw new Error(`${cmd} failed: ${String(hit.message)}`);
      return hit;
    }
    if (Date.now() > deadline) throw new Error(`no answer to ${cmd} within ${timeoutMs} ms; stderr: ${s.stderr()}`);
    if (s.child.exitCode !== null) throw new Error(`fixture exited during ${cmd}; stderr: ${s.stderr()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Every journalled write of the fixture has landed in SharePoint. */
export async function uploadsIdle(s: Served): Promise<void> {
  await command(s, "idle");
}

/** An item as other users see it through SharePoint REST. */
export interface RemoteFile {
  status: number;
  uniqueId?: string;
  versions: number;
}

/** GET of a file through SharePoint REST as adele (`suffix`: `/versions`, `/$value`…). */
export async function restFile(emu: TestEmulator, serverRelativePath: string, suffix = ""): Promise<Awaited<ReturnType<TestEmulator["fetch"]>>> {
  const sp = emu.tenant("contoso").sharePointUrl;
  const site = serverRelativePath.split("/").slice(0, 3).join("/");
  const token = await emu.token("contoso", "adele");
  const file = `${sp}${site}/_api/web/getFileByServerRelativePath(decodedUrl='${encodeURIComponent(serverRelativePath.replace(/'/g, "''"))}')${suffix}`;
  return emu.fetch(file, { headers: { Authorization: `Bearer ${token}`, Accept: "application/json;odata=nometadata" } });
}

/** The file's UniqueId and its number of versions, through SharePoint REST. */
export async function remoteFile(emu: TestEmulator, serverRelativePath: string): Promise<RemoteFile> {
  const res = await restFile(emu, serverRelativePath);
  if (res.status !== 200) return { status: res.status, versions: 0 };
  const json = (await res.json()) as { UniqueId?: string };
  const list = (await (await restFile(emu, serverRelativePath, "/versions")).json()) as { value?: unknown[] };
  return { status: 200, ...(json.UniqueId !== undefined ? { uniqueId: json.UniqueId } : {}), versions: list.value?.length ?? -1 };
}

/** A file system call that must return without SharePoint: fails the test instead of hanging it. */
export async function promptly<T>(what: string, p: Promise<T>, ms = 60_000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not return within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([p, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** Polls `probe` until `ok` says yes; throws with the last value after `ms`. */
export async function eventually<T>(what: string, probe: () => Promise<T>, ok: (v: T) => boolean, ms = 60_000): Promise<T> {
  const deadline = Date.now() + ms;
  let v = await probe();
  while (!ok(v)) {
    if (Date.now() > deadline) throw new Error(`${what}: still ${JSON.stringify(v)} after ${ms} ms`);
    await new Promise((r) => setTimeout(r, 200));
    v = await probe();
  }
  return v;
}
