/**
 * Download speed of a 1 GiB file from the emulator's pre-authenticated download URL, and the
 * emulator's memory while serving it (issue 2 acceptance: "a 1 GiB file downloads at loopback speed
 * with flat memory").
 *
 * Starts the emulator (empty seed) as a child process, uploads a 1 GiB file through a Graph upload
 * session (60 MiB fragments, a multiple of 320 KiB), then downloads its `@content.downloadUrl` three
 * times with curl (`-o /dev/null`) and three times with a Node fetch stream that discards the bytes.
 * Figures: median MiB/s of each, and the emulator's VmRSS before/after and VmHWM (peak) in MiB — the
 * peak is taken before the upload too, so the download's contribution is visible.
 *
 * Run: `node dist/bench/emulator-download.js` (prints the figures as JSON).
 */
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { startEmulator, type TestEmulator } from "../test/helpers/emulator.js";
import { median } from "./stats.js";

const execFileP = promisify(execFile);

const FILE_SIZE = 1024 * 1024 * 1024;
/** 60 MiB = 192 × 320 KiB: the largest fragment Graph allows that is a multiple of 320 KiB. */
const FRAGMENT = 192 * 327_680;
const RUNS = 3;
const MiB = 1024 * 1024;

function memoryOf(pid: number): { rssMiB: number; hwmMiB: number } {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kib = (key: string): number => Number(new RegExp(`^${key}:\\s+(\\d+)\\s+kB`, "m").exec(status)?.[1] ?? NaN);
  return { rssMiB: kib("VmRSS") / 1024, hwmMiB: kib("VmHWM") / 1024 };
}

async function json<T>(res: Response | Awaited<ReturnType<TestEmulator["fetch"]>>): Promise<T> {
  const text = await res.text();
  if (!res.ok) throw new Error(`${res.status} ${text.slice(0, 300)}`);
  return JSON.parse(text) as T;
}

/** Uploads FILE_SIZE pseudo-random bytes (one random MiB repeated) through an upload session. */
async function uploadBigFile(emu: TestEmulator, origin: string, token: string): Promise<string> {
  const auth = { Authorization: `Bearer ${token}` };
  const drive = await json<{ id: string }>(await emu.fetch(`${origin}/_api/v2.0/me/drive`, { headers: auth }));
  const session = await json<{ uploadUrl: string }>(
    await emu.fetch(`${origin}/_api/v2.0/drives/${drive.id}/root:/bench-1GiB.bin:/createUploadSession`, {
      method: "POST",
      headers: { ...auth, "Content-Type": "application/json" },
      body: JSON.stringify({ item: { "@microsoft.graph.conflictBehavior": "replace" } }),
    }),
  );
  const block = Buffer.alloc(MiB);
  for (let i = 0; i < block.length; i++) block[i] = (i * 2654435761) >>> 24;
  const fragment = Buffer.alloc(FRAGMENT);
  for (let o = 0; o < FRAGMENT; o += MiB) block.copy(fragment, o);
  let id = "";
  for (let start = 0; start < FILE_SIZE; start += FRAGMENT) {
    const end = Math.min(FILE_SIZE, start + FRAGMENT) - 1;
    const res = await emu.fetch(session.uploadUrl, {
      method: "PUT",
      headers: { "Content-Range": `bytes ${start}-${end}/${FILE_SIZE}`, "Content-Length": String(end - start + 1) },
      body: fragment.subarray(0, end - start + 1),
    });
    const body = await json<{ id?: string }>(res);
    if (body.id) id = body.id;
  }
  if (!id) throw new Error("upload session did not complete");
  return id;
}

export async function benchEmulatorDownload(): Promise<{ name: string; figures: Record<string, number> }> {
  const emu = await startEmulator({ seed: "empty", readyTimeoutMs: 120_000 });
  try {
    const pid = emu.process.pid;
    if (pid === undefined) throw new Error("emulator has no pid");
    const tenant = emu.ready.tenants[0];
    const user = tenant?.users[0];
    if (!tenant || !user) throw new Error("the empty seed has no tenant/user");
    const token = await emu.token(tenant.name, user);
    const origin = tenant.sharePointUrl;
    const itemId = await uploadBigFile(emu, origin, token);
    const item = await json<{ size: number; "@content.downloadUrl": string; parentReference: { driveId: string } }>(
      await emu.fetch(`${origin}/_api/v2.0/drives/${(await json<{ id: string }>(await emu.fetch(`${origin}/_api/v2.0/me/drive`, { headers: { Authorization: `Bearer ${token}` } }))).id}/items/${itemId}`, {
        headers: { Authorization: `Bearer ${token}` },
      }),
    );
    if (item.size !== FILE_SIZE) throw new Error(`uploaded size ${item.size}`);
    const url = item["@content.downloadUrl"];
    const before = memoryOf(pid);

    const curlRates: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const { stdout } = await execFileP("curl", ["-sS", "--fail", "--cacert", emu.caFile, "-o", "/dev/null", "-w", "%{speed_download} %{size_download}", url], { maxBuffer: 1024 * 1024 });
      const [speed, size] = stdout.trim().split(/\s+/).map(Number);
      if (size !== FILE_SIZE) throw new Error(`curl got ${size} bytes`);
      curlRates.push((speed ?? 0) / MiB);
    }

    const nodeRates: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const started = process.hrtime.bigint();
      const res = await emu.fetch(url);
      if (res.status !== 200 || !res.body) throw new Error(`fetch status ${res.status}`);
      let got = 0;
      for await (const chunk of res.body) got += (chunk as Uint8Array).length;
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      if (got !== FILE_SIZE) throw new Error(`fetch got ${got} bytes`);
      nodeRates.push(FILE_SIZE / MiB / seconds);
    }
    const after = memoryOf(pid);
    return {
      name: "emulator-download",
      figures: {
        fileMiB: FILE_SIZE / MiB,
        curlMiBps: Math.round(median(curlRates)),
        nodeFetchMiBps: Math.round(median(nodeRates)),
        rssBeforeMiB: Math.round(before.rssMiB),
        rssAfterMiB: Math.round(after.rssMiB),
        peakRssBeforeDownloadsMiB: Math.round(before.hwmMiB),
        peakRssAfterDownloadsMiB: Math.round(after.hwmMiB),
      },
    };
  } finally {
    await emu.stop();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  benchEmulatorDownload().then(
    (r) => process.stdout.write(`${JSON.stringify(r, null, 2)}\n`),
    (err: unknown) => {
      process.stderr.write(`bench failed: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
