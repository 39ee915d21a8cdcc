/**
 * The conformance suite (test/mount/conformance.ts + conformance-more.ts) against the tenant
 * mount: one emulator, one fixture process serving contoso, each function in a fresh folder under
 * /Engineering/Documents. Optionally with the emulator throttling a share of requests.
 */
import { promises as fsp } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Test } from "tap";
import { gitRoundTrip, randomIntegrity, rsyncRoundTrip, saveViaRename } from "../mount/conformance.js";
import { tempDir } from "../mount/helpers.js";
import { concurrentReadersWriters, copyAndTarUnicodeTree, freshListing, renameFolderWithContents, renameOver, rmdirSemantics, truncateExtend, unsupportedErrno } from "./conformance-more.js";
import { emulatorForMount, remoteText, serveTenant, uploadsIdle } from "./helpers.js";

/**
 * Source tree for git and rsync: this suite's compiled mount tests (about 25 files), or a
 * three-file tree when throttled — every object git writes costs a few requests that each wait
 * out a Retry-After one time in three, and each command runs under a 120 s limit.
 */
const SOURCE = fileURLToPath(new URL("../mount", import.meta.url));

async function smallSource(dir: string): Promise<string> {
  await fsp.mkdir(join(dir, "lib"), { recursive: true });
  await fsp.writeFile(join(dir, "README.md"), "# small\n");
  await fsp.writeFile(join(dir, "main.c"), "int main(void) { return 0; }\n");
  await fsp.writeFile(join(dir, "lib", "util.c"), "/* util */\n");
  return dir;
}

export interface SuiteOptions {
  /** Share of requests the emulator answers 429 with Retry-After 1 s. */
  throttleRate?: number;
  seed?: number;
}

export async function runTenantConformance(t: Test, opts: SuiteOptions = {}): Promise<void> {
  const emu = await emulatorForMount(t);
  const dir = tempDir(t, "konnekt-conf-");
  const s = await serveTenant(t, emu, { dir });
  const debug = process.env.KONNEKT_TEST_DEBUG;
  if (debug) t.teardown(() => fsp.writeFile(debug, `${s.events.map((e) => JSON.stringify(e)).join("\n")}\n--- stderr\n${s.stderr()}`));
  const docs = join(s.mnt, "Engineering", "Documents");
  await fsp.readdir(docs);
  if (opts.throttleRate) {
    // No sample hooks: a dozen files git init would write, each a few throttled requests.
    const template = join(dir, "git-template");
    await fsp.mkdir(template);
    process.env.GIT_TEMPLATE_DIR = template;
    await emu.setFaults("contoso", { throttleRate: opts.throttleRate, retryAfterSeconds: 1, seed: opts.seed ?? 1 });
    t.teardown(() => emu.clearFaults("contoso"));
  }
  const settle = (): Promise<void> => uploadsIdle(s);
  let n = 0;
  const folder = async (name: string): Promise<string> => {
    const p = join(docs, `conf ${++n} ${name}`);
    await fsp.mkdir(p);
    return p;
  };
  const scratch = async (name: string): Promise<string> => {
    const p = join(dir, "scratch", name);
    await fsp.mkdir(p, { recursive: true });
    return p;
  };

  await t.test("cp -r and tar of a unicode tree", async (t) => copyAndTarUnicodeTree(t, await folder("unicode"), await scratch("unicode")));
  const source = opts.throttleRate ? await smallSource(await scratch("small-source")) : SOURCE;
  await t.test("git init/add/commit inside the mount and clone out", async (t) => gitRoundTrip(t, await folder("git"), await scratch("git"), source));
  await t.test("rsync in and out", async (t) => rsyncRoundTrip(t, await folder("rsync"), await scratch("rsync"), source));
  await t.test("LibreOffice-style save", async (t) => saveViaRename(t, await folder("office")));
  await t.test("concurrent readers and writers", async (t) => concurrentReadersWriters(t, await folder("concurrent")));
  await t.test("rename of a folder with contents", async (t) => renameFolderWithContents(t, await folder("rename")));
  await t.test("truncate and extend", async (t) => truncateExtend(t, await folder("truncate"), settle));
  await t.test("fresh files are listed with their sizes", async (t) => freshListing(t, await folder("fresh"), settle));
  await t.test("rmdir semantics", async (t) => rmdirSemantics(t, await folder("rmdir")));
  await t.test("rename over existing files, lock-file dance, rename flags", async (t) => renameOver(t, await folder("renameover"), settle));
  await t.test("unsupported operations answer the right errno", async (t) => unsupportedErrno(t, await folder("errno")));
  await t.test("random operations checked against a model", async (t) => {
    const f = await folder("fsx");
    await randomIntegrity(t, f, opts.seed ?? 20261127, opts.throttleRate ? 200 : 400);
  });

  // Everything written above reaches SharePoint: what other users see equals the mount. (The
  // faults go first: this process's own REST reads would be throttled too.)
  await settle();
  if (opts.throttleRate) await emu.clearFaults("contoso");
  const office = (await remoteText(emu, "/teams/engineering/Shared Documents/conf 4 office/Report.odt")).text;
  t.equal(office, "version 4", "the saved document is on the server");
  const fsx = join(docs, `conf ${n} fsx`);
  for (const name of ["f0.bin", "f1.bin", "f2.bin"]) {
    const local = await fsp.readFile(join(fsx, name));
    const r = await remoteBytes(emu, `/teams/engineering/Shared Documents/conf ${n} fsx/${name}`);
    t.ok(r.equals(local), `${name}: the server holds what the mount shows`);
  }
  t.notOk(
    s.events.some((e) => e.event === "conflict"),
    "no conflict copies from our own successive saves",
  );
}

async function remoteBytes(emu: Awaited<ReturnType<typeof emulatorForMount>>, path: string): Promise<Buffer> {
  const sp = emu.tenant("contoso").sharePointUrl;
  const site = path.split("/").slice(0, 3).join("/");
  const token = await emu.token("contoso", "adele");
  const url = `${sp}${site}/_api/web/getFileByServerRelativePath(decodedUrl='${encodeURIComponent(path.replace(/'/g, "''"))}')/$value`;
  const res = await emu.fetch(url, { headers: { Authorization: `Bearer ${token}` } });
  return Buffer.from(await res.arrayBuffer());
}
