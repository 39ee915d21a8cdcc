// The OpenRPC document is the single source: the generated TypeScript is current, every error code
// is mapped identically in the document and in daemon/rpc/errors.ts, implemented methods have
// handlers (and only they), and docs/rpc.md names every method.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import t from "tap";
import { ConfigStore } from "../../daemon/config/store.js";
import { Tenants, tenantHandlers } from "../../daemon/tenants.js";
import { daemonHandlers } from "../../daemon/handlers.js";
import { createLogger } from "../../daemon/log.js";
import { daemonPaths } from "../../daemon/paths.js";
import { JSONRPC_CODES, fromResponseError, toResponseError } from "../../daemon/rpc/errors.js";
import { Supervisor } from "../../daemon/supervisor.js";
import { documentPath, generate, generatedPath, loadDocument } from "../../rpc-schema/generate.js";
import { OPENRPC_DOCUMENT, REQUEST_STATUS, type RequestName } from "../../rpc-schema/generated/methods.js";
import { ERROR_CODES, KonnektError } from "../../workers/errors.js";

const doc = loadDocument();

void t.test("rpc-schema/generated/methods.ts is generated from the current document", (t) => {
  t.equal(readFileSync(generatedPath(), "utf8"), generate(doc), "run `node dist/rpc-schema/generate.js` after changing the document");
  t.same(OPENRPC_DOCUMENT, JSON.parse(readFileSync(documentPath(), "utf8")));
  t.end();
});

void t.test("document basics", (t) => {
  t.match(doc.openrpc, /^1\.3\./);
  const names = doc.methods.map((m) => m.name);
  t.equal(new Set(names).size, names.length, "method names are unique");
  for (const m of doc.methods) {
    t.ok(["implemented", "planned"].includes(m["x-konnekt-status"]), `${m.name} has x-konnekt-status`);
    t.equal(m.paramStructure, "by-name", `${m.name} takes params by name`);
    if (m["x-konnekt-kind"] !== "notification") t.ok(m.result, `${m.name} has a result`);
    for (const e of m.errors ?? []) t.ok(doc.components.errors[e.$ref.replace("#/components/errors/", "")], `${m.name}: ${e.$ref} exists`);
  }
  for (const family of ["daemon.", "config.", "log.", "tenant.", "library.", "drive.", "item.", "cache.", "upload."]) {
    t.ok(names.some((n) => n.startsWith(family)), `family ${family}*`);
  }
  for (const n of ["progress", "tenant.needsSignIn", "item.conflict", "upload.failed", "tenant.workerRestarted"]) {
    t.equal(doc.methods.find((m) => m.name === n)?.["x-konnekt-kind"], "notification", `notification ${n}`);
  }
  t.end();
});

void t.test("every ErrorCode has one JSON-RPC code, the same in the document and in errors.ts", (t) => {
  t.same(Object.keys(doc.components.errors).sort(), [...ERROR_CODES].sort());
  for (const code of ERROR_CODES) {
    t.equal(doc.components.errors[code]!.code, JSONRPC_CODES[code], code);
    t.same(doc.components.errors[code]!.data, { code });
  }
  t.equal(new Set(Object.values(JSONRPC_CODES)).size, ERROR_CODES.length, "numbers are distinct");
  const errorCodeEnum = doc.components.schemas.ErrorCode!.enum as string[];
  t.same([...errorCodeEnum].sort(), [...ERROR_CODES].sort(), "ErrorCode schema lists every code");
  t.end();
});

void t.test("KonnektError ⇄ JSON-RPC error round trip; internal details never leave", (t) => {
  for (const code of ERROR_CODES.filter((c) => c !== "internal")) {
    const wire = toResponseError(new KonnektError(code, `m-${code}`, { key: "k" })).toJson();
    const back = fromResponseError(wire);
    t.equal(back.code, code);
    t.equal(back.message, `m-${code}`);
    t.equal(back.data.key, "k");
  }
  const internal = toResponseError(new KonnektError("internal", "TypeError: x is undefined at /srv/secret/path.js:1", { path: "/srv" })).toJson();
  t.equal(internal.code, -32603);
  t.notMatch(internal.message, "secret");
  t.same(internal.data, { code: "internal" });
  t.end();
});

void t.test("implemented methods have handlers, planned ones do not", (t) => {
  const dir = mkdtempSync(join(tmpdir(), "kh-"));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const paths = daemonPaths({ HOME: dir, KONNEKT_POLICY_FILE: join(dir, "p.json") });
  const { logger, destination } = createLogger({ file: join(dir, "log") });
  t.teardown(() => destination.close());
  const config = new ConfigStore(paths);
  const supervisor = new Supervisor(logger);
  const handlers = {
    ...tenantHandlers(new Tenants({ config, paths, supervisor, logger })),
    ...daemonHandlers({
      startedAt: new Date(),
      endpoint: "/x",
      config,
      supervisor,
      logger,
      logFile: join(dir, "log"),
      requestShutdown: () => undefined,
    }),
  };
  for (const [name, status] of Object.entries(REQUEST_STATUS) as [RequestName, string][]) {
    t.equal(name in handlers, status === "implemented", `${name} (${status})`);
  }
  t.end();
});

void t.test("docs/rpc.md names every method", (t) => {
  const md = readFileSync(new URL("../../../docs/rpc.md", import.meta.url), "utf8");
  for (const m of doc.methods) t.ok(md.includes(`\`${m.name}\``), m.name);
  t.end();
});
