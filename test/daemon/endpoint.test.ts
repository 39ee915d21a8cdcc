// The endpoint rule shared by the daemon, the CLI and the PowerShell module (docs/rpc.md §1).
import t from "tap";
import { resolveEndpoint } from "../../daemon/rpc/endpoint.js";
import { KonnektError } from "../../workers/errors.js";

const linux = (env: Record<string, string | undefined>) => resolveEndpoint({ env, platform: "linux", uid: 1000 });

void t.test("rule order: KONNEKT_ENDPOINT, XDG_RUNTIME_DIR, TMPDIR, /tmp", (t) => {
  t.same(linux({ KONNEKT_ENDPOINT: "/x/k.sock", XDG_RUNTIME_DIR: "/run/user/1000" }), { path: "/x/k.sock", privateDir: null, rule: "env" });
  t.same(linux({ XDG_RUNTIME_DIR: "/run/user/1000", TMPDIR: "/var/tmp" }), {
    path: "/run/user/1000/konnekt/konnekt.sock",
    privateDir: "/run/user/1000/konnekt",
    rule: "xdgRuntime",
  });
  t.same(linux({ TMPDIR: "/var/tmp/" }), { path: "/var/tmp/CoreFxPipe_konnekt-1000", privateDir: null, rule: "tmpdir" });
  t.same(linux({}), { path: "/tmp/CoreFxPipe_konnekt-1000", privateDir: null, rule: "tmpdir" });
  t.end();
});

void t.test("only TMPDIR counts, as in .NET's Path.GetTempPath (not TMP/TEMP)", (t) => {
  t.equal(linux({ TMP: "/other", TEMP: "/other2" }).path, "/tmp/CoreFxPipe_konnekt-1000");
  t.equal(linux({ TMPDIR: "" }).path, "/tmp/CoreFxPipe_konnekt-1000", "empty TMPDIR means the default");
  t.end();
});

void t.test("a relative XDG_RUNTIME_DIR is ignored (XDG spec)", (t) => {
  t.equal(linux({ XDG_RUNTIME_DIR: "run/user" }).rule, "tmpdir");
  t.end();
});

void t.test("bad endpoints are configInvalid, naming the variable", (t) => {
  const cases: [Record<string, string>, string][] = [
    [{ KONNEKT_ENDPOINT: "relative.sock" }, "KONNEKT_ENDPOINT"],
    [{ KONNEKT_ENDPOINT: `/${"a".repeat(120)}` }, "KONNEKT_ENDPOINT"],
    [{ XDG_RUNTIME_DIR: `/${"r".repeat(100)}` }, "XDG_RUNTIME_DIR"],
    [{ TMPDIR: `/${"t".repeat(100)}` }, "TMPDIR"],
  ];
  for (const [env, key] of cases) {
    try {
      linux(env);
      t.fail(`accepted ${JSON.stringify(env)}`);
    } catch (err) {
      t.ok(err instanceof KonnektError);
      t.equal((err as KonnektError).code, "configInvalid");
      t.equal((err as KonnektError).data.key, key);
    }
  }
  t.end();
});

void t.test("Windows: a per-user pipe name (user SID), overridable", (t) => {
  t.equal(resolveEndpoint({ env: {}, platform: "win32", uid: 0, sid: "S-1-5-21-1" }).path, "\\\\.\\pipe\\konnekt-S-1-5-21-1");
  t.equal(resolveEndpoint({ env: { KONNEKT_ENDPOINT: "\\\\.\\pipe\\x" }, platform: "win32", uid: 0 }).path, "\\\\.\\pipe\\x");
  t.end();
});
