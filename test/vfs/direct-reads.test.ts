// Direct ranges: cached bytes of an open file answered by the FUSE loop thread without a round trip
// through JavaScript (mount/types.ts DirectRange). They must speed up sequential reads and never
// serve bytes that stopped being the file's: after a remote change or a local edit, a read gets
// the new bytes or an error, never the old ones.
import t from "tap";
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { createHash } from "node:crypto";
import { join } from "node:path";
import { run, until } from "../mount/helpers.js";
import { command, emulatorForMount, serveTenant } from "./helpers.js";
import type { TestEmulator } from "../helpers/emulator.js";

const MiB = 1024 * 1024;

function sha(b: Buffer): string {
  return createHash("sha256").update(b).digest("hex");
}

/** 2 MiB where every byte depends on its offset and `seed`. */
function pattern(seed: number): Buffer {
  const b = Buffer.alloc(2 * MiB);
  for (let i = 0; i < b.length; i++) b[i] = (i * 31 + seed * 101 + (i >> 12)) & 0xff;
  return b;
}

async function directReads(s: Parameters<typeof command>[0]): Promise<number> {
  return Number((await command(s, "stats")).directReads);
}

async function putAsMegan(emu: TestEmulator, name: string, body: Buffer): Promise<void> {
  const sp = emu.tenant("contoso").sharePointUrl;
  const megan = await emu.token("contoso", "megan");
  const folder = encodeURIComponent("/sites/marketing/Shared Documents");
  const r = await emu.fetch(`${sp}/sites/marketing/_api/web/getFolderByServerRelativePath(decodedUrl='${folder}')/files/AddUsingPath(decodedurl='${name}',Overwrite=true)`, {
    method: "POST",
    headers: { Authorization: `Bearer ${megan}`, Accept: "application/json" },
    body,
  });
  if (r.status !== 200) throw new Error(`upload ${r.status}: ${await r.text()}`);
}

async function etagOf(path: string): Promise<string> {
  const r = await run("getfattr", ["--only-values", "--absolute-names", "-n", "user.konnekt.etag", path]);
  return r.stdout.trim();
}

/**
 * A reader in its own process: opens `path` read-only, reads 4 KiB at 0 and says "ready"; then for
 * each "read OFFSET LENGTH" line drops the file's kernel pages (so the read reaches the mount) and
 * answers the hex of what it read, or "error <code>".
 */
function holder(path: string): { child: ChildProcessWithoutNullStreams; ask(line: string): Promise<string> } {
  const script = [
    "import os, sys",
    "fd = os.open(sys.argv[1], os.O_RDONLY)",
    "os.pread(fd, 4096, 0)",
    "print('ready', flush=True)",
    "for line in sys.stdin:",
    "    _, off, n = line.split()",
    "    try:",
    "        os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)",
    "        print(os.pread(fd, int(n), int(off)).hex(), flush=True)",
    "    except OSError as e:",
    "        print('error', e.errno, flush=True)",
  ].join("\n");
  const child = spawn("python3", ["-c", script, path]);
  let out = "";
  const waiters: ((line: string) => void)[] = [];
  child.stdout.setEncoding("utf8");
  child.stdout.on("data", (d: string) => {
    out += d;
    let nl;
    while ((nl = out.indexOf("\n")) >= 0) {
      const line = out.slice(0, nl);
      out = out.slice(nl + 1);
      waiters.shift()?.(line);
    }
  });
  const next = (): Promise<string> => new Promise((resolve) => waiters.push(resolve));
  const ready = next();
  return {
    child,
    ask: async (line) => {
      await ready;
      if (line === "") return "ready";
      const answer = next();
      child.stdin.write(`${line}\n`);
      return answer;
    },
  };
}

void t.test("direct ranges: sequential reads skip JavaScript, changes and edits are never served stale", async (t) => {
  const emu = await emulatorForMount(t);
  const s = await serveTenant(t, emu);
  const docs = join(s.mnt, "Marketing", "Documents");

  // A cold sequential read by another program: correct bytes, and most requests answered natively.
  await putAsMegan(emu, "direct-a.bin", pattern(1));
  const a = join(docs, "direct-a.bin");
  t.ok(await until(async () => (await run("stat", [a])).code === 0, 60_000), "the file shows up");
  const before = await directReads(s);
  const sum = await run("sha256sum", [a]);
  t.equal(sum.stdout.split(" ")[0], sha(pattern(1)), "sha256 through the mount equals the file's");
  const cold = (await directReads(s)) - before;
  t.ok(cold > 0, `reads were answered from direct ranges (${cold} of the 16 128 KiB requests)`);
  // Again with the kernel's pages dropped: the bytes come from the content cache.
  await run("python3", ["-c", "import os,sys\nfd=os.open(sys.argv[1], os.O_RDONLY)\nos.posix_fadvise(fd,0,0,os.POSIX_FADV_DONTNEED)", a]);
  const warm0 = await directReads(s);
  t.equal((await run("sha256sum", [a])).stdout.split(" ")[0], sha(pattern(1)), "a warm read is correct too");
  t.ok((await directReads(s)) - warm0 >= 8, "and mostly served natively");

  // A remote change while a reader holds the file open with a direct range over the old bytes.
  await putAsMegan(emu, "direct-b.bin", pattern(2));
  const b = join(docs, "direct-b.bin");
  t.ok(await until(async () => (await run("stat", [b])).code === 0, 60_000));
  const hb = holder(b);
  t.teardown(() => hb.child.kill());
  t.equal(await hb.ask(""), "ready");
  t.equal(await hb.ask(`read ${1 * MiB} 65536`), pattern(2).subarray(MiB, MiB + 65536).toString("hex"), "the reader reads the file");
  const oldEtag = await etagOf(b);
  await putAsMegan(emu, "direct-b.bin", pattern(3));
  t.ok(await until(async () => (await etagOf(b)) !== oldEtag, 60_000), "the change is known to the mount");
  const afterChange = await hb.ask(`read ${1 * MiB} 65536`);
  t.not(afterChange, pattern(2).subarray(MiB, MiB + 65536).toString("hex"), "the old bytes are never served after the change is known");
  t.ok(afterChange.startsWith("error") || afterChange === pattern(3).subarray(MiB, MiB + 65536).toString("hex"), `new bytes or an error (${afterChange.slice(0, 20)})`);

  // A local edit while a reader holds the file open with a direct range.
  await putAsMegan(emu, "direct-c.bin", pattern(4));
  const c = join(docs, "direct-c.bin");
  t.ok(await until(async () => (await run("stat", [c])).code === 0, 60_000));
  const hc = holder(c);
  t.teardown(() => hc.child.kill());
  await hc.ask("");
  t.equal(await hc.ask(`read ${512 * 1024} 16`), pattern(4).subarray(512 * 1024, 512 * 1024 + 16).toString("hex"));
  const edit = await run("python3", ["-c", "import os,sys\nfd=os.open(sys.argv[1], os.O_RDWR)\nos.pwrite(fd, b'EDITED-LOCALLY!!', 524288)\nos.close(fd)", c]);
  t.equal(edit.code, 0, "an edit through the mount");
  const afterEdit = await hc.ask(`read ${512 * 1024} 16`);
  t.ok(afterEdit.startsWith("error") || afterEdit === Buffer.from("EDITED-LOCALLY!!").toString("hex"), `the reader sees the edit or an error, never the old bytes (${afterEdit})`);
});
