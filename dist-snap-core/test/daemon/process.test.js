// The daemon as a process: single instance, background start, SIGTERM drain and exit 0, socket
// and directory modes, the endpoint rule (including PowerShell's NamedPipeClientStream on Linux),
// another user refused, stale socket replaced, squatting refused.
import { spawn } from "node:child_process";
import { existsSync, lstatSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import t from "tap";
import { CancellationTokenSource } from "vscode-jsonrpc/node.js";
import { connect } from "../../daemon/client.js";
import { isAlive, openUp, runCli, startDaemon, tempHome, until } from "./helpers.js";
const uid = process.getuid();
const PWSH = [process.env.KONNEKT_PWSH, join(process.env.HOME ?? "/root", ".dotnet/tools/pwsh")].find((p) => p !== undefined && existsSync(p));
void t.test("socket 0600 in a 0700 directory under XDG_RUNTIME_DIR", async (t) => {
    const home = tempHome(t);
    const d = await startDaemon(t, home);
    const sock = join(home.runtimeDir, "konnekt", "konnekt.sock");
    t.equal(d.ready.endpoint, sock);
    t.ok(lstatSync(sock).isSocket());
    t.equal(lstatSync(sock).mode & 0o777, 0o600);
    t.equal(statSync(join(home.runtimeDir, "konnekt")).mode & 0o777, 0o700);
    for (const dir of ["config/konnekt", "state/konnekt", "state/konnekt/logs", "cache/konnekt"]) {
        t.equal(statSync(join(home.dir, dir)).mode & 0o777, 0o700, `${dir} is 0700`);
    }
});
void t.test("without XDG_RUNTIME_DIR: $TMPDIR/CoreFxPipe_konnekt-<uid>, 0600", async (t) => {
    const home = tempHome(t, { runtime: false });
    const d = await startDaemon(t, home);
    t.equal(d.ready.endpoint, join(home.env.TMPDIR, `CoreFxPipe_konnekt-${uid}`));
    t.equal(lstatSync(d.ready.endpoint).mode & 0o777, 0o600);
    const r = await runCli(home, ["rpc", "daemon.status"]);
    t.equal(JSON.parse(r.stdout).endpoint, d.ready.endpoint, "the CLI finds it by the same rule");
});
void t.test("KONNEKT_ENDPOINT overrides the rule for daemon and clients", async (t) => {
    const home = tempHome(t);
    const path = join(home.dir, "custom.sock");
    const d = await startDaemon(t, home, { KONNEKT_ENDPOINT: path });
    t.equal(d.ready.endpoint, path);
    const r = await runCli(home, ["rpc", "daemon.version"], { KONNEKT_ENDPOINT: path });
    t.equal(r.code, 0);
    const miss = await runCli(home, ["rpc", "daemon.version"]);
    t.equal(miss.code, 1, "without the override the default endpoint has no daemon");
    t.match(miss.stderr, /is not running at .*\(daemonUnavailable\)\n$/);
});
const PS_SCRIPT = `
param([string]$Name)
$pipe = [System.IO.Pipes.NamedPipeClientStream]::new('.', $Name, [System.IO.Pipes.PipeDirection]::InOut, [System.IO.Pipes.PipeOptions]::CurrentUserOnly)
$pipe.Connect(20000)
$body = [Text.Encoding]::UTF8.GetBytes('{"jsonrpc":"2.0","id":1,"method":"daemon.version","params":{}}')
$hdr = [Text.Encoding]::ASCII.GetBytes("Content-Length: $($body.Length)\`r\`n\`r\`n")
$pipe.Write($hdr, 0, $hdr.Length); $pipe.Write($body, 0, $body.Length); $pipe.Flush()
$buf = New-Object byte[] 65536
$text = ''
while (-not $text.Contains('}}')) { $n = $pipe.Read($buf, 0, $buf.Length); if ($n -le 0) { break }; $text += [Text.Encoding]::UTF8.GetString($buf, 0, $n) }
$pipe.Dispose()
[Console]::Out.Write($text)
`;
for (const rule of ["tmpdir", "xdgRuntime"]) {
    void t.test(`PowerShell NamedPipeClientStream connects (${rule} rule)`, { skip: PWSH === undefined ? "pwsh not installed" : false }, async (t) => {
        const home = tempHome(t, { runtime: rule === "xdgRuntime" });
        const d = await startDaemon(t, home);
        const script = join(home.dir, "connect.ps1");
        writeFileSync(script, PS_SCRIPT);
        // Rule 3: the plain pipe name, .NET adds $TMPDIR/CoreFxPipe_. Rule 2: a rooted name is used verbatim.
        const name = rule === "tmpdir" ? `konnekt-${uid}` : d.ready.endpoint;
        const out = await new Promise((resolve) => {
            const ps = spawn(PWSH, ["-NoProfile", "-NonInteractive", "-File", script, name], {
                env: { ...process.env, TMPDIR: home.env.TMPDIR, DOTNET_CLI_TELEMETRY_OPTOUT: "1", POWERSHELL_TELEMETRY_OPTOUT: "1" },
                stdio: ["ignore", "pipe", "pipe"],
            });
            let stdout = "";
            let stderr = "";
            ps.stdout.setEncoding("utf8").on("data", (s) => (stdout += s));
            ps.stderr.setEncoding("utf8").on("data", (s) => (stderr += s));
            ps.once("close", (code) => resolve({ code, stdout, stderr }));
        });
        t.equal(out.code, 0, out.stderr);
        const body = out.stdout.slice(out.stdout.indexOf("\r\n\r\n") + 4);
        t.match(out.stdout, /^Content-Length: \d+\r\n\r\n/);
        t.equal(JSON.parse(body).result.version, d.ready.version);
    });
}
void t.test("another user cannot connect", { skip: uid !== 0 ? "needs root to act as another user" : false }, async (t) => {
    for (const runtime of [true, false]) {
        const home = tempHome(t, { runtime });
        // Everything above the daemon's own directory/socket is opened up, so only its modes decide.
        openUp(home);
        const d = await startDaemon(t, home);
        const probe = `require("net").createConnection(${JSON.stringify(d.ready.endpoint)}).on("connect",()=>{console.log("CONNECTED");process.exit(0)}).on("error",e=>{console.log(e.code);process.exit(0)})`;
        const out = await new Promise((resolve) => {
            const p = spawn(process.execPath, ["-e", probe], { uid: 65534, gid: 65534, env: { PATH: process.env.PATH }, stdio: ["ignore", "pipe", "inherit"] });
            let s = "";
            p.stdout.setEncoding("utf8").on("data", (x) => (s += x));
            p.once("close", () => resolve(s.trim()));
        });
        t.equal(out, "EACCES", `uid 65534 refused (${runtime ? "XDG_RUNTIME_DIR" : "TMPDIR"} rule)`);
    }
});
void t.test("a second daemon says one is running and exits non-zero", async (t) => {
    const home = tempHome(t);
    const first = await startDaemon(t, home);
    const second = await runCli(home, ["daemon", "--foreground", "--json"]);
    t.equal(second.code, 1);
    t.equal(second.stdout, "", "no ready line");
    t.match(second.stderr, `konnekt: A Konnekt daemon is already running (pid ${first.ready.pid}, endpoint ${first.ready.endpoint}).`);
    t.notMatch(second.stderr, /\n\s+at /, "no stack trace");
    const c = await connect(first.ready.endpoint);
    t.teardown(() => c.close());
    t.equal((await c.request("daemon.status", {})).pid, first.ready.pid, "the first one still serves");
});
void t.test("konnekt daemon without --foreground starts in the background and returns", async (t) => {
    const home = tempHome(t);
    const r = await runCli(home, ["daemon", "--json"]);
    t.equal(r.code, 0, r.stderr);
    const ready = JSON.parse(r.stdout);
    t.teardown(() => {
        if (isAlive(ready.pid))
            process.kill(ready.pid, "SIGKILL");
    });
    t.equal(ready.event, "ready");
    t.ok(isAlive(ready.pid));
    const again = await runCli(home, ["daemon"]);
    t.equal(again.code, 1);
    t.match(again.stderr, "already running");
    const status = await runCli(home, ["status"]);
    t.match(status.stdout, `running (pid ${ready.pid})`);
    const bye = await runCli(home, ["rpc", "daemon.shutdown"]);
    t.equal(bye.code, 0);
    t.same(JSON.parse(bye.stdout), {}, "shutdown is answered before the daemon goes");
    await until(() => !isAlive(ready.pid), "the daemon to exit");
    t.notOk(existsSync(ready.endpoint), "socket removed");
    t.notOk(existsSync(home.lockFile), "lock released");
});
void t.test("SIGTERM drains running requests, then exits 0 and cleans up", async (t) => {
    const home = tempHome(t);
    const d = await startDaemon(t, home);
    const c = await connect(d.ready.endpoint);
    t.teardown(() => c.close());
    const slow = c.request("daemon.echo", { value: "drained", delayMs: 1500 });
    // Requests on one connection are dispatched in order: once this answers, the slow one is running.
    await c.request("daemon.version", {});
    d.child.kill("SIGTERM");
    t.same(await slow, { value: "drained" }, "the running request completed");
    const exit = await d.exited;
    t.same(exit, { code: 0, signal: null });
    t.notOk(existsSync(d.ready.endpoint), "socket removed");
    t.notOk(existsSync(home.lockFile), "lock released");
    const log = readFileSync(home.logFile, "utf8");
    t.match(log, /"reason":"SIGTERM","msg":"stopping"/);
    t.match(log, /"msg":"stopped"/);
});
void t.test("daemon.shutdown answers, then the daemon exits 0", async (t) => {
    const home = tempHome(t);
    const d = await startDaemon(t, home);
    const c = await connect(d.ready.endpoint);
    t.teardown(() => c.close());
    const cts = new CancellationTokenSource();
    t.same(await c.connection.sendRequest("daemon.shutdown", {}, cts.token), {});
    t.same(await d.exited, { code: 0, signal: null });
});
void t.test("after kill -9 the next start replaces the stale socket and lock", async (t) => {
    const home = tempHome(t);
    const first = await startDaemon(t, home);
    first.child.kill("SIGKILL");
    await first.exited;
    t.ok(existsSync(first.ready.endpoint), "stale socket left behind");
    t.ok(existsSync(home.lockFile), "stale lock left behind");
    const second = await startDaemon(t, home);
    t.equal(second.ready.endpoint, first.ready.endpoint);
    const c = await connect(second.ready.endpoint);
    t.teardown(() => c.close());
    t.equal((await c.request("daemon.status", {})).pid, second.ready.pid);
    t.equal(JSON.parse(readFileSync(home.lockFile, "utf8")).pid, second.ready.pid);
});
void t.test("something else at the endpoint path is never replaced", async (t) => {
    const home = tempHome(t);
    const dir = join(home.runtimeDir, "konnekt");
    mkdirSync(dir, { mode: 0o700 });
    writeFileSync(join(dir, "konnekt.sock"), "not a socket");
    const r = await runCli(home, ["daemon", "--foreground", "--json"]);
    t.equal(r.code, 1);
    t.match(r.stderr, "Refusing to replace");
    t.equal(readFileSync(join(dir, "konnekt.sock"), "utf8"), "not a socket");
    t.notOk(existsSync(home.lockFile), "lock released after the failed start");
});
void t.test("an endpoint path too long for a Unix socket is a clear error", async (t) => {
    const home = tempHome(t);
    const r = await runCli(home, ["daemon", "--foreground"], { KONNEKT_ENDPOINT: `/tmp/${"x".repeat(120)}.sock` });
    t.equal(r.code, 1);
    t.match(r.stderr, /^konnekt: The control endpoint path is longer than 107 bytes/);
});
//# sourceMappingURL=process.test.js.map