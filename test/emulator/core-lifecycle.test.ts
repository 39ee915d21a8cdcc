// Emulator process lifecycle: restart on the same data dir, SIGTERM, --port, --faults, bad flags.
import t from "tap";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { fetchJson, startEmulator } from "../helpers/emulator.js";

const CLI = fileURLToPath(new URL("../../daemon/cli.js", import.meta.url));

function runCli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const env = { ...process.env };
    delete env.NODE_OPTIONS;
    const child = spawn(process.execPath, [CLI, "emulator", ...args], { env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const killer = setTimeout(() => child.kill("SIGKILL"), 30_000);
    child.on("exit", (code) => {
      clearTimeout(killer);
      resolve({ code, stdout, stderr });
    });
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const addr = s.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      s.close(() => resolve(port));
    });
  });
}

void t.test("a restart on the same data dir keeps ports, TLS and tenants; SIGTERM exits 0", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "konnekt-emu-restart-"));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const first = await startEmulator({ dataDir: dir });
  const ca1 = readFileSync(first.caFile, "utf8");
  await first.stop();
  t.equal(first.process.exitCode, 0, "SIGTERM: exit 0");
  t.equal(first.process.signalCode, null, "not killed");

  const second = await startEmulator({ dataDir: dir });
  t.teardown(() => second.stop());
  t.equal(second.authority, first.authority, "same authority origin");
  t.same(
    second.ready.tenants.map((x) => [x.name, x.tenantId, x.sharePointUrl, x.users]),
    first.ready.tenants.map((x) => [x.name, x.tenantId, x.sharePointUrl, x.users]),
    "same tenants on the same origins",
  );
  t.equal(second.caFile, first.caFile);
  t.equal(readFileSync(second.caFile, "utf8"), ca1, "same CA");
  t.equal((await fetchJson(second, `${second.admin}/tenants`)).status, 200, "serves with the kept certificate");
});

void t.test("--port sets the authority port; --faults applies from the start", async (t) => {
  const port = await freePort();
  const emu = await startEmulator({ port, faults: { contoso: { throttleNext: 1, retryAfterSeconds: 3 } } });
  t.teardown(() => emu.stop());
  t.equal(emu.authority, `https://127.0.0.1:${port}`);
  const res = await fetchJson(emu, `${emu.tenant("contoso").sharePointUrl}/_api/web`);
  t.equal(res.status, 429);
  t.equal(res.headers.get("retry-after"), "3");
});

void t.test("bad flags: one line on stderr, exit 2", async (t) => {
  const cases = [["--bogus"], ["--seed", "huge"], ["--port", "x"], ["--config", '{"nope":1}'], ["--config", '{"listViewThreshold":"many"}'], ["--config", "{"], ["--config", '{"spo":{"typo":true}}'], ["--config", '{"spo":{"checkedOutStatus":"423"}}'], ["--faults", '{"contoso":{"throttleRate":2}}'], ["--data"]];
  const results = await Promise.all(cases.map((args) => runCli(args)));
  for (const [i, args] of cases.entries()) {
    const r = results[i] as Awaited<ReturnType<typeof runCli>>;
    t.equal(r.code, 2, `${args.join(" ")}: exit 2`);
    t.equal(r.stdout, "", "nothing on stdout");
    t.match(r.stderr.split("\n")[0] ?? "", /^konnekt emulator: /, `${args.join(" ")}: ${r.stderr.split("\n")[0]}`);
    t.notMatch(r.stderr, /\n\s+at /, "no stack trace");
  }
});

void t.test("--faults naming an unknown tenant is refused", async (t) => {
  const r = await runCli(["--faults", '{"nowhere":{"latencyMs":1}}']);
  t.equal(r.code, 2);
  t.match(r.stderr, /unknown tenant 'nowhere'/);
});

void t.test("an emulator whose test process dies stops and removes its temp data dir", async (t) => {
  const helper = new URL("../helpers/emulator.js", import.meta.url).href;
  const script = `import(${JSON.stringify(helper)}).then(async (m) => {
    const e = await m.startEmulator({ seed: "empty" });
    process.stdout.write(JSON.stringify({ pid: e.process.pid, dataDir: e.dataDir, homeDir: e.homeDir }) + "\\n");
    setInterval(() => undefined, 1000);
  });`;
  const env = { ...process.env };
  delete env.NODE_OPTIONS;
  const harness = spawn(process.execPath, ["--input-type=module", "-e", script], { env, stdio: ["ignore", "pipe", "pipe"] });
  t.teardown(() => {
    harness.kill("SIGKILL");
  });
  let errText = "";
  harness.stderr.on("data", (d: Buffer) => (errText += d.toString()));
  const info = await new Promise<{ pid: number; dataDir: string; homeDir: string }>((resolve, reject) => {
    let out = "";
    harness.stdout.on("data", (d: Buffer) => {
      out += d.toString();
      const nl = out.indexOf("\n");
      if (nl >= 0) resolve(JSON.parse(out.slice(0, nl)) as { pid: number; dataDir: string; homeDir: string });
    });
    harness.on("exit", () => reject(new Error(`harness exited: ${errText}`)));
  });
  t.ok(existsSync(info.dataDir), "temp data dir exists while running");
  t.ok(existsSync(info.homeDir), "and its temp HOME");
  harness.kill("SIGKILL");

  const alive = (): boolean => {
    try {
      process.kill(info.pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  const deadline = Date.now() + 30_000;
  while ((alive() || existsSync(info.dataDir) || existsSync(info.homeDir)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  t.notOk(alive(), "emulator process gone");
  t.notOk(existsSync(info.dataDir), "temp data dir removed");
  t.notOk(existsSync(info.homeDir), "its temp HOME removed too");
});
