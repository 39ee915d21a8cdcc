/** `konnekt demo --json`: emulator + daemon + both tenants mounted; SIGTERM unmounts and exits 0. */
import t from "tap";
import { spawn } from "node:child_process";
import { mkdtempSync, promises as fsp, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { CLI } from "./helpers.js";

void t.test("the demo mounts both demo tenants and stops cleanly", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "konnekt-demo-test-"));
  const mount = join(dir, "Konnekt");
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: dir, TMPDIR: dir };
  const child = spawn(process.execPath, [CLI, "demo", "--mount", mount, "--json"], { env, stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  t.teardown(async () => {
    if (child.exitCode === null) {
      child.kill("SIGTERM");
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  });
  const ready = await new Promise<{ event: string; mount: string; tenants: string[]; endpoint: string; emulator: { authority: string } }>((resolve, reject) => {
    createInterface({ input: child.stdout }).once("line", (line) => resolve(JSON.parse(line) as never));
    void exited.then((code) => reject(new Error(`demo exited (${code}) before ready: ${stderr}`)));
  });
  t.match(ready, { event: "ready", mount, tenants: ["contoso", "fabrikam"] });
  t.match(ready.emulator.authority, /^https:\/\/127\.0\.0\.1:\d+$/);
  t.same((await fsp.readdir(join(mount, "contoso"))).sort(), ["Contoso", "Engineering", "Finance", "Marketing", "OneDrive"]);
  t.same((await fsp.readdir(join(mount, "fabrikam"))).sort(), ["Fabrikam", "OneDrive", "Projects"]);
  t.equal(await fsp.readFile(join(mount, "fabrikam", "Fabrikam", "Documents", "Welcome.txt"), "utf8"), "Welcome to Fabrikam.\n");

  child.kill("SIGTERM");
  t.equal(await exited, 0, "exit 0 after SIGTERM");
  const mounts = await fsp.readFile("/proc/mounts", "utf8");
  t.notOk(mounts.includes(mount), "nothing left mounted");
});
