/**
 * Shared setup of the content engine's tests: a real emulator over HTTPS, a GraphDrive (the
 * DownloadSource/UploadTarget the tenant engine will provide) for one library, and temp cache/state
 * directories. Nothing here fakes the service.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import { spawn } from "node:child_process";
import * as path from "node:path";
import type { Test } from "tap";
import { uniqueIdFromGraphItemId } from "../../emulator/graph/ids.js";
import { GraphDrive } from "../../workers/content/graph-drive.js";
import { UploadJournal } from "../../workers/content/upload/journal.js";
import { FRAGMENT_UNIT, UploadQueue, type UploadQueueEvents } from "../../workers/content/upload/upload-queue.js";
import { startEmulator, fetchJson, type TestEmulator, type RequestLogEntry } from "../helpers/emulator.js";

export const MiB = 1024 * 1024;
export const TENANT = "contoso";

export interface ContentEnv {
  emu: TestEmulator;
  siteUrl: string;
  driveId: string;
  drive: GraphDrive;
  token: () => Promise<string>;
  dir: string;
  /** Item id + uniqueId + eTag + cTag + size at a path in the library. */
  item(relPath: string): Promise<{ id: string; uniqueId: string; eTag: string; cTag: string; size: number }>;
  /** Names of the files and folders in the library's root. */
  rootNames(): Promise<string[]>;
  /** Current content of an item, downloaded directly (not through the engine). */
  download(itemId: string): Promise<Buffer>;
  /** Download requests (download.aspx) logged after `since`. */
  downloads(since: number): Promise<RequestLogEntry[]>;
}

export async function contentEnv(t: Test, opts: { seed?: "demo" | "large"; site?: string } = {}): Promise<ContentEnv> {
  const emu = await startEmulator({ seed: opts.seed ?? "demo" });
  t.teardown(() => emu.stop());
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "konnekt-content-test-"));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  let cached: string | undefined;
  const token = async (): Promise<string> => (cached ??= await emu.token(TENANT, "adele"));
  const siteUrl = `${emu.tenant(TENANT).sharePointUrl}${opts.site ?? "/sites/marketing"}`;
  const auth = async (): Promise<Record<string, string>> => ({ Authorization: `Bearer ${await token()}` });
  const d = await fetchJson(emu, `${siteUrl}/_api/v2.0/drive`, { headers: await auth() });
  if (d.status !== 200) throw new Error(`drive: ${d.status} ${d.text}`);
  const driveId = (d.body as { id: string }).id;
  const drive = new GraphDrive({ siteUrl, driveId, token: () => token(), ca: emu.caPem });
  return {
    emu,
    siteUrl,
    driveId,
    drive,
    token,
    dir,
    item: async (relPath) => {
      const r = await fetchJson(emu, `${siteUrl}/_api/v2.0/drives/${driveId}/root:/${relPath.split("/").map(encodeURIComponent).join("/")}`, { headers: await auth() });
      if (r.status !== 200) throw new Error(`item ${relPath}: ${r.status} ${r.text}`);
      const j = r.body as { id: string; eTag: string; cTag: string; size: number };
      const uniqueId = uniqueIdFromGraphItemId(j.id);
      if (!uniqueId) throw new Error(`not a graph id: ${j.id}`);
      return { id: j.id, uniqueId, eTag: j.eTag, cTag: j.cTag, size: j.size };
    },
    rootNames: async () => {
      const names: string[] = [];
      let url: string | undefined = `${siteUrl}/_api/v2.0/drives/${driveId}/root/children?$select=name`;
      while (url) {
        const r = await fetchJson(emu, url, { headers: await auth() });
        if (r.status !== 200) throw new Error(`children: ${r.status} ${r.text}`);
        const j = r.body as { value: Array<{ name: string }>; "@odata.nextLink"?: string };
        names.push(...j.value.map((v) => v.name));
        url = j["@odata.nextLink"];
      }
      return names;
    },
    download: async (itemId) => {
      const res = await emu.fetch(`${siteUrl}/_api/v2.0/drives/${driveId}/items/${itemId}/content`, { headers: await auth(), redirect: "follow" });
      if (res.status !== 200) throw new Error(`download: ${res.status}`);
      return Buffer.from(await res.arrayBuffer());
    },
    downloads: async (since) => (await emu.requests({ tenant: TENANT, since })).filter((r) => /\/_layouts\/15\/download\.aspx/i.test(r.path)),
  };
}

/** Deterministic pseudo-random bytes (content we upload and later compare). */
export function patternBytes(seed: number, length: number): Buffer {
  const out = Buffer.allocUnsafe(length);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

/** Puts a file into the library root through an upload session (test setup, not the queue under test). */
export async function uploadFile(env: ContentEnv, name: string, bytes: Buffer): Promise<{ id: string; eTag: string }> {
  const signal = AbortSignal.timeout(120_000);
  const { uploadUrl } = await env.drive.createSession({ parentKey: "root", name }, bytes.length, { onNameConflict: "replace" }, signal);
  const step = 32 * 327_680;
  for (let off = 0; off < bytes.length; off += step) {
    const r = await env.drive.putFragment(uploadUrl, off, bytes.subarray(off, Math.min(bytes.length, off + step)), bytes.length, signal);
    if (r.done) return { id: r.item.itemKey, eTag: r.item.etag };
  }
  throw new Error("upload did not complete");
}

/**
 * Runs a fixture script with `cfg` (plus the env's site, drive, token and CA) as KONNEKT_TEST_CHILD,
 * SIGKILLs it when a stdout line matches `killOn`, and returns the lines seen.
 */
export async function runChildUntil(t: Test, script: string, cfg: Record<string, unknown>, env: ContentEnv, killOn: RegExp): Promise<string[]> {
  const token = await env.token();
  const child = spawn(process.execPath, [script], {
    env: { ...process.env, KONNEKT_TEST_CHILD: JSON.stringify({ ...cfg, siteUrl: env.siteUrl, driveId: env.driveId, token, ca: env.emu.caPem }) },
    stdio: ["ignore", "pipe", "pipe"],
  });
  t.teardown(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  });
  const lines: string[] = [];
  let err = "";
  child.stderr.on("data", (d: Buffer) => (err += d.toString()));
  await new Promise<void>((resolve, reject) => {
    let buf = "";
    const timer = setTimeout(() => reject(new Error(`child never printed ${killOn}; stderr: ${err}`)), 60_000);
    child.stdout.on("data", (d: Buffer) => {
      buf += d.toString();
      let nl: number;
      while ((nl = buf.indexOf("\n")) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        lines.push(line);
        if (killOn.test(line)) {
          child.kill("SIGKILL");
          clearTimeout(timer);
        }
      }
    });
    child.once("exit", () => {
      clearTimeout(timer);
      if (lines.some((l) => killOn.test(l))) resolve();
      else reject(new Error(`child exited early; stderr: ${err}`));
    });
  });
  return lines;
}

/** A queue over the journal a killed run left (not started), with what it reports. */
export interface RestartedQueue {
  journal: UploadJournal;
  queue: UploadQueue;
  uploaded: Array<UploadQueueEvents["uploaded"][0]>;
  conflicts: string[];
}

/** Fast retries: the tests wait on outcomes, not on backoff. */
export const FAST_RETRY = { maxAttempts: 1e9, baseDelayMs: 30, maxDelayMs: 1500 };

export function restartQueue(t: Test, env: ContentEnv, stateDir: string, smallLimitBytes: number): RestartedQueue {
  const journal = UploadJournal.open({ stateDir });
  const queue = new UploadQueue({ journal, target: env.drive, who: "adele", retry: FAST_RETRY, smallLimitBytes, fragmentBytes: 2 * FRAGMENT_UNIT });
  t.teardown(async () => {
    await queue.destroy();
    journal.close();
  });
  const uploaded: RestartedQueue["uploaded"] = [];
  const conflicts: string[] = [];
  queue.on("uploaded", (u) => uploaded.push(u));
  queue.on("conflict", (c) => conflicts.push(c.copyName));
  return { journal, queue, uploaded, conflicts };
}
