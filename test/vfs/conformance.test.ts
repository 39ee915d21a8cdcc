// The mount conformance suite against a tenant mount over the emulator (see conformance-run.ts).
import t from "tap";
import { runTenantConformance } from "./conformance-run.js";

void t.test("conformance suite on a tenant mount", async (t) => {
  await runTenantConformance(t);
});
