import t from "tap";
import { nativeBroker } from "../../workers/tenant/auth/broker.js";
import { TenantEngine } from "../../workers/tenant/engine.js";
import { emulatorForTenants, engineOptions, signInWithDeviceCode, tempDir } from "./helpers.js";

void t.test("the WAM broker is off unless configured, and Windows-only", (t) => {
  t.same(nativeBroker(false), { info: { available: false, reason: "the broker is not enabled in the configuration" } });
  for (const platform of ["linux", "darwin"] as const) {
    const b = nativeBroker(true, platform);
    t.equal(b.plugin, undefined, `${platform}: no plugin`);
    t.same(b.info, { available: false, reason: "the WAM broker exists on Windows only" });
  }
  t.end();
});

void t.test("with the broker enabled on Linux, sign-in falls back to the ordinary flows", { skip: process.platform === "win32" ? "the broker path itself runs on Windows" : false }, async (t) => {
  const emu = await emulatorForTenants();
  t.teardown(() => emu.stop());
  const dir = tempDir("broker");
  t.teardown(() => dir.remove());
  const engine = new TenantEngine(engineOptions(emu, "contoso", dir.path, { broker: true }));
  t.teardown(() => engine.close());
  t.same(engine.auth.broker(), { available: false, reason: "the WAM broker exists on Windows only" });
  await signInWithDeviceCode(emu, engine, "adele");
  t.match(engine.auth.status(), { state: "signed-in", mode: "user", username: "adele@contoso.onmicrosoft.com", tokenStore: "file" });
  t.same(engine.auth.tokenStoreInfo(), { kind: "file", fallbackReason: "the configuration asks for a file" }, "the status line's token store, with why");
  const web = await engine.http.json<{ Title: string }>(`${emu.tenant("contoso").sharePointUrl}/_api/web`);
  t.equal(web.Title, "Contoso", "the device code token opens SharePoint");
  // And silently again in a second client over the same cache.
  const again = new TenantEngine(engineOptions(emu, "contoso", dir.path, { broker: true }));
  t.teardown(() => again.close());
  t.equal(await again.auth.restore(), true);
  t.equal((await again.http.json<{ Title: string }>(`${emu.tenant("contoso").sharePointUrl}/_api/web`)).Title, "Contoso");
});
