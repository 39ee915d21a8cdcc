import t from "tap";
import { spawn } from "node:child_process";
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, statSync } from "node:fs";
import { delimiter, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { ChildArgs, ChildResult } from "./fixtures/token-store-child.js";
import { emulatorForTenants, tempDir } from "./helpers.js";
import type { TestEmulator } from "../helpers/emulator.js";

const CHILD = fileURLToPath(new URL("./fixtures/token-store-child.js", import.meta.url));

function onPath(cmd: string): boolean {
  return (process.env.PATH ?? "").split(delimiter).some((d) => d !== "" && existsSync(join(d, cmd)));
}
const HAVE_BUS = onPath("dbus-run-session");
const HAVE_KEYRING = HAVE_BUS && onPath("gnome-keyring-daemon");

type Session = "none" | "bus" | "keyring";

/** A process environment of its own: temp HOME and XDG dirs, and no session bus unless asked. */
function isolatedEnv(root: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of ["DBUS_SESSION_BUS_ADDRESS", "DISPLAY", "WAYLAND_DISPLAY", "GNOME_KEYRING_CONTROL", "XDG_SESSION_ID"]) delete env[k];
  const dirs = { HOME: "home", XDG_RUNTIME_DIR: "run", XDG_DATA_HOME: "home/.local/share", XDG_CONFIG_HOME: "home/.config", XDG_STATE_HOME: "home/.local/state", XDG_CACHE_HOME: "home/.cache" };
  for (const [k, d] of Object.entries(dirs)) {
    mkdirSync(join(root, d), { recursive: true, mode: 0o700 });
    env[k] = join(root, d);
  }
  env.KONNEKT_TEST_KEYRING_PASSWORD = "konnekt-test";
  return env;
}

/** Runs one sign-in process: without a session bus, with an empty one, or with an unlocked GNOME Keyring. */
function runChild(args: ChildArgs, root: string, session: Session): Promise<ChildResult> {
  const json = JSON.stringify(args);
  const [cmd, argv] =
    session === "none"
      ? [process.execPath, [CHILD, json]]
      : session === "bus"
        ? ["dbus-run-session", ["--", process.execPath, CHILD, json]]
        : [
            "dbus-run-session",
            // The daemon unlocks (or creates) the login keyring with the password on stdin, then
            // serves org.freedesktop.secrets on this session bus until the bus goes away.
            ["--", "sh", "-c", 'printf %s "$KONNEKT_TEST_KEYRING_PASSWORD" | gnome-keyring-daemon --unlock --components=secrets >/dev/null && exec "$0" "$@"', process.execPath, CHILD, json],
          ];
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, argv, { env: isolatedEnv(root), stdio: ["ignore", "pipe", "pipe"], detached: true });
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    const deadline = setTimeout(() => {
      try {
        process.kill(-child.pid!, "SIGKILL");
      } catch {
        // already gone
      }
    }, 120_000);
    child.on("error", (e) => {
      clearTimeout(deadline);
      reject(e);
    });
    child.on("close", (code) => {
      clearTimeout(deadline);
      const line = out.trim().split("\n").pop() ?? "";
      try {
        const r = JSON.parse(line) as ChildResult & { error?: string };
        if (code !== 0 || r.error) reject(new Error(`child (${args.mode}, ${session}) failed: ${r.error ?? code}\n${err}`));
        else resolve(r);
      } catch {
        reject(new Error(`child (${args.mode}, ${session}) exited ${code}: ${out}\n${err}`));
      }
    });
  });
}

function childArgs(emu: TestEmulator, stateDir: string, mode: ChildArgs["mode"]): ChildArgs {
  const tenant = emu.tenant("contoso");
  return { mode, tenant: "contoso", tenantId: tenant.tenantId, authority: emu.authority, clientId: emu.clientId, sharePointUrl: tenant.sharePointUrl, admin: emu.admin, caFile: emu.caFile, stateDir, user: "adele" };
}

/** Every regular file under `dir` whose bytes show a serialized MSAL cache (refresh token or secret). */
function plaintextTokenFiles(dir: string): string[] {
  const found: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const st = lstatSync(p);
    if (st.isDirectory()) found.push(...plaintextTokenFiles(p));
    else if (st.isFile()) {
      const text = readFileSync(p, "latin1");
      if (text.includes('"RefreshToken"') || text.includes('"secret"')) found.push(p);
    }
  }
  return found;
}

void t.test("without a Secret Service the token cache is a 0600 file, and the status says so", async (t) => {
  const emu = await emulatorForTenants();
  t.teardown(() => emu.stop());
  const root = tempDir("token-file");
  t.teardown(() => root.remove());
  const stateDir = join(root.path, "state");

  const first = await runChild(childArgs(emu, stateDir, "signin"), root.path, "none");
  t.equal(first.state, "signed-in");
  t.equal(first.tokenStore?.kind, "file", "no session bus: the file");
  t.match(first.tokenStore?.fallbackReason, /Secret Service is not usable/, "with the reason");
  t.equal(first.webTitle, "Contoso");
  t.equal(statSync(join(stateDir, "msal-cache.json")).mode & 0o777, 0o600, "the cache file is 0600");
  t.same(readdirSync(stateDir).filter((n) => n.startsWith(".token-store-probe")), [], "the probe leaves nothing behind");

  const again = await runChild(childArgs(emu, stateDir, "restore"), root.path, "none");
  t.match(again, { restored: true, state: "signed-in", tokenStore: { kind: "file" }, webTitle: "Contoso", refreshedTitle: "Contoso" }, "a new process signs in silently from the file");
});

void t.test("a session bus without an unlocked keyring also falls back to the file", { skip: HAVE_BUS ? false : "dbus-run-session is not installed (apt: dbus)" }, async (t) => {
  const emu = await emulatorForTenants();
  t.teardown(() => emu.stop());
  const root = tempDir("token-bus");
  t.teardown(() => root.remove());
  const stateDir = join(root.path, "state");
  const r = await runChild(childArgs(emu, stateDir, "signin"), root.path, "bus");
  t.match(r, { state: "signed-in", tokenStore: { kind: "file" }, webTitle: "Contoso" });
  t.ok(existsSync(join(stateDir, "msal-cache.json")), "the cache is the file");
});

void t.test("with a Secret Service the token cache is in the keyring and survives a restart", { skip: HAVE_KEYRING ? false : "gnome-keyring-daemon or dbus-run-session is not installed (apt: gnome-keyring dbus)" }, async (t) => {
  const emu = await emulatorForTenants();
  t.teardown(() => emu.stop());
  const root = tempDir("token-keyring");
  t.teardown(() => root.remove());
  const stateDir = join(root.path, "state");

  const first = await runChild(childArgs(emu, stateDir, "signin"), root.path, "keyring");
  t.match(first, { state: "signed-in", tokenStore: { kind: "libsecret" }, webTitle: "Contoso", refreshedTitle: "Contoso" });
  t.notOk(first.tokenStore?.fallbackReason);
  t.notOk(existsSync(join(stateDir, "msal-cache.json")), "no plain cache file");
  t.same(plaintextTokenFiles(root.path), [], "no file anywhere (state, HOME, keyring files) holds the cache in plain text");

  // A new bus and a new keyring daemon over the same (encrypted) keyring file: a restart.
  const stored = await runChild(childArgs(emu, stateDir, "keyring"), root.path, "keyring");
  t.same(stored, { keyringEntries: 1, keyringHoldsRefreshToken: true }, "one keyring entry, holding the cache with its refresh token");
  const again = await runChild(childArgs(emu, stateDir, "restore"), root.path, "keyring");
  t.match(again, { restored: true, state: "signed-in", tokenStore: { kind: "libsecret" }, webTitle: "Contoso", refreshedTitle: "Contoso" }, "silent sign-in after the restart");
  t.same(plaintextTokenFiles(root.path), []);

  // Signing out leaves nothing behind in the keyring.
  const out = await runChild(childArgs(emu, stateDir, "signout"), root.path, "keyring");
  t.match(out, { restored: true, state: "signed-out", tokenStore: { kind: "libsecret" } });
  t.same(await runChild(childArgs(emu, stateDir, "keyring"), root.path, "keyring"), { keyringEntries: 0, keyringHoldsRefreshToken: false }, "the keyring entry is gone");
  t.notOk(existsSync(join(stateDir, "msal-cache.keyring")), "and so is its marker file");
});

void t.test("a plain cache from an earlier run moves into the keyring", { skip: HAVE_KEYRING ? false : "gnome-keyring-daemon or dbus-run-session is not installed (apt: gnome-keyring dbus)" }, async (t) => {
  const emu = await emulatorForTenants();
  t.teardown(() => emu.stop());
  const root = tempDir("token-move");
  t.teardown(() => root.remove());
  const stateDir = join(root.path, "state");
  const plain = await runChild(childArgs(emu, stateDir, "signin"), root.path, "none");
  t.equal(plain.tokenStore?.kind, "file");
  t.ok(existsSync(join(stateDir, "msal-cache.json")));
  const moved = await runChild(childArgs(emu, stateDir, "restore"), root.path, "keyring");
  t.match(moved, { restored: true, tokenStore: { kind: "libsecret" }, webTitle: "Contoso", refreshedTitle: "Contoso" }, "the sign-in carried over");
  t.notOk(existsSync(join(stateDir, "msal-cache.json")), "the plain file is gone");
  t.same(plaintextTokenFiles(root.path), []);
});
