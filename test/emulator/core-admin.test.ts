// Admin hooks the other parts test against: co-authoring locks (POST/DELETE /admin/lock) seen by
// REST and Graph writes, and expired change tokens (POST /admin/expire-changes) seen by GetChanges
// and Graph delta. Observed through plain HTTPS as a client sees them.
import t from "tap";
import { fetchJson, startEmulator, type TestEmulator } from "../helpers/emulator.js";

let emu: TestEmulator;
let sp: string;
let token: string;

const WEB = "/sites/marketing";
const DOCS = `${WEB}/Shared Documents`;

t.before(async () => {
  emu = await startEmulator({ seed: "demo" });
  sp = emu.tenant("contoso").sharePointUrl;
  token = await emu.token("contoso", "adele");
});
t.teardown(() => emu?.stop());

const enc = (path: string): string => encodeURIComponent(path.replace(/'/g, "''"));
const fileApi = (path: string): string => `${sp}${WEB}/_api/web/GetFileByServerRelativePath(decodedUrl='${enc(path)}')`;

function call(url: string, init: { method?: string; headers?: Record<string, string>; body?: string | Buffer } = {}): ReturnType<typeof fetchJson> {
  return fetchJson(emu, url, { ...init, headers: { Accept: "application/json", Authorization: `Bearer ${token}`, ...(init.headers ?? {}) } });
}

function spCode(body: unknown): string {
  const err = (body as { "odata.error"?: { code?: string } } | undefined)?.["odata.error"];
  return err?.code ?? "";
}

async function upload(name: string, content: string): Promise<void> {
  const res = await call(`${sp}${WEB}/_api/web/GetFolderByServerRelativePath(decodedUrl='${enc(DOCS)}')/files/AddUsingPath(decodedurl='${enc(name)}',overwrite=true)`, { method: "POST", body: content });
  if (res.status !== 200) throw new Error(`upload ${name}: ${res.status} ${res.text}`);
}

const restWrite = (path: string, content: string): ReturnType<typeof fetchJson> =>
  call(`${fileApi(path)}/$value`, { method: "POST", headers: { "X-HTTP-Method": "PUT" }, body: content });
const graphPut = (name: string, content: string): ReturnType<typeof fetchJson> =>
  call(`${sp}${WEB}/_api/v2.0/drive/root:/${encodeURIComponent(name)}:/content`, { method: "PUT", body: content });

void t.test("GET /admin lists every admin endpoint", async (t) => {
  const index = await emu.adminGet<{ endpoints: string[] }>("/");
  for (const e of ["POST /admin/apps", "POST|DELETE /admin/lock", "POST /admin/expire-changes", "POST /admin/tokens", "GET|POST|DELETE /admin/faults"]) {
    t.ok(index.endpoints.includes(e), e);
  }
});

void t.test("a co-authoring lock: REST and Graph writes get 423, lockedByUser names the holder", async (t) => {
  const name = "Locked Report.docx";
  const path = `${DOCS}/${name}`;
  await upload(name, "v1");

  const locked = await emu.adminPost<{ user: string; kind: string; expires: string; uniqueId: string }>("/lock", { tenant: "contoso", path, user: "megan", kind: "shared", seconds: 600 });
  t.equal(locked.user, "megan@contoso.onmicrosoft.com");
  t.equal(locked.kind, "shared");
  t.ok(Date.parse(locked.expires) > Date.now(), "expires later");

  const rest = await restWrite(path, "v2");
  t.equal(rest.status, 423, `REST write: ${rest.text}`);
  t.match(spCode(rest.body), /^-2147018894, Microsoft\.SharePoint\.SPFileLockException$/, "shared lock code");
  const graph = await graphPut(name, "v2");
  t.equal(graph.status, 423, `Graph PUT: ${graph.text}`);
  t.match(graph.body, { error: { code: "resourceLocked" } });
  const del = await call(fileApi(path), { method: "POST", headers: { "X-HTTP-Method": "DELETE" } });
  t.equal(del.status, 423, "delete refused too");

  const holder = await call(`${fileApi(path)}/lockedByUser`);
  t.equal(holder.status, 200);
  t.match(holder.text, /megan@contoso\.onmicrosoft\.com/i, `lockedByUser: ${holder.text}`);

  await emu.adminPost("/lock", { tenant: "contoso", path, user: "megan", kind: "exclusive" });
  const excl = await restWrite(path, "v2");
  t.equal(excl.status, 423);
  t.match(spCode(excl.body), /^-2147018887, Microsoft\.SharePoint\.SPFileLockException$/, "exclusive lock code");

  const removed = await emu.adminDelete<{ locked: boolean }>("/lock", { tenant: "contoso", path });
  t.equal(removed.locked, false);
  t.equal((await restWrite(path, "v2")).status, 204, "REST write after unlock");
  t.equal((await graphPut(name, "v3")).status, 200, "Graph PUT after unlock");
  const nobody = await call(`${fileApi(path)}/lockedByUser`);
  t.notMatch(nobody.text, /megan/i, "no holder any more");

  // Query parameters work for DELETE too.
  await emu.adminPost("/lock", { tenant: "contoso", path, user: "adele" });
  await emu.adminDelete(`/lock?tenant=contoso&path=${encodeURIComponent(path)}`);
  t.equal((await restWrite(path, "v4")).status, 204);
});

void t.test("admin lock: bad input", async (t) => {
  const post = (body: unknown): ReturnType<typeof fetchJson> => fetchJson(emu, `${emu.admin}/lock`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
  t.equal((await post({ tenant: "contoso", path: `${DOCS}/nope.docx`, user: "megan" })).status, 404, "unknown file");
  t.equal((await post({ tenant: "contoso", path: `${DOCS}/Plan.txt`, user: "nobody" })).status, 404, "unknown user");
  t.equal((await post({ tenant: "contoso", path: DOCS, user: "megan" })).status, 400, "a folder");
  t.equal((await post({ tenant: "contoso", path: `${DOCS}/Plan.txt`, user: "megan", kind: "weird" })).status, 400, "bad kind");
  t.equal((await post({ tenant: "contoso", path: `${DOCS}/Plan.txt`, user: "megan", seconds: -1 })).status, 400, "bad seconds");
  t.equal((await post({ tenant: "nowhere", path: `${DOCS}/Plan.txt`, user: "megan" })).status, 404, "unknown tenant");
});

interface ChangeTokenHolder {
  CurrentChangeToken: { StringValue: string };
}

void t.test("expire-changes: an old SharePoint change token fails, Graph delta answers 410", async (t) => {
  const list = await call(`${sp}${WEB}/_api/web/lists/getByTitle('Documents')?$select=CurrentChangeToken`);
  t.equal(list.status, 200, list.text);
  const oldToken = (list.body as ChangeTokenHolder).CurrentChangeToken.StringValue;
  const latest = await call(`${sp}${WEB}/_api/v2.0/drive/root/delta?token=latest`);
  const deltaLink = (latest.body as { "@odata.deltaLink"?: string })["@odata.deltaLink"];
  t.ok(deltaLink, "a delta link");

  const changes = (tokenText: string): ReturnType<typeof fetchJson> =>
    call(`${sp}${WEB}/_api/web/lists/getByTitle('Documents')/getchanges`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ query: { Add: true, Update: true, DeleteObject: true, Item: true, ChangeTokenStart: { StringValue: tokenText } } }),
    });
  t.equal((await changes(oldToken)).status, 200, "the token works before");

  const expired = await emu.adminPost<{ listId: string; driveId: string; currentChange: number }>("/expire-changes", { tenant: "contoso", path: DOCS });
  t.ok(expired.listId && expired.driveId.startsWith("b!"), "names the library");

  const sp1 = await changes(oldToken);
  t.equal(sp1.status, 400, `expired token: ${sp1.text}`);
  t.match(spCode(sp1.body), /SPInvalidChangeTokenException/);

  const gone = await call(deltaLink ?? "");
  t.equal(gone.status, 410, gone.text);
  t.match(gone.body, { error: { code: "resyncChangesApplyDifferences" } });
  t.ok(gone.headers.get("location"), "Location restarts the enumeration");

  // Tokens issued after the expiry work and see later changes.
  const fresh = ((await call(`${sp}${WEB}/_api/web/lists/getByTitle('Documents')?$select=CurrentChangeToken`)).body as ChangeTokenHolder).CurrentChangeToken.StringValue;
  t.not(fresh, oldToken, "a new current token");
  await upload("after-expiry.txt", "x");
  const later = await changes(fresh);
  t.equal(later.status, 200, later.text);
  t.ok((later.body as { value: { ServerRelativeUrl?: string }[] }).value.length >= 1, "the new change is listed");

  const badPath = await fetchJson(emu, `${emu.admin}/expire-changes`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ tenant: "contoso", path: `${WEB}/No Such Library` }) });
  t.equal(badPath.status, 404);
});
