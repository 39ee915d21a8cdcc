// The mount conformance suite against a tenant mount while the emulator throttles 30 % of requests.
import t from "tap";
import { runTenantConformance } from "./conformance-run.js";

void t.test("conformance suite on a tenant mount with 30 % throttling", async (t) => {
  await runTenantConformance(t, { throttleRate: 0.3, seed: 7 });
});
