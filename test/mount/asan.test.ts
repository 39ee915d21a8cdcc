// The memory fixture served by the ASan/UBSan build of the addon (native/build.sh --asan), driven
// through reads, writes, copies, an interrupt and a clean stop; any sanitizer report fails the test.
import { execFile, spawn } from "node:child_process";
import { existsSync, promises as fsp } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import t from "tap";
import { run, serve, tempDir } from "./helpers.js";

const exec = promisify(execFile);
const repo = fileURLToPath(new URL("../../../", import.meta.url));
const addon = join(repo, "native/build-asan/build/Release/konnekt_fuse.node");

void t.test("the sanitizer build serves a mount without reports", async (t) => {
  if (!existsSync(addon)) await exec("sh", [join(repo, "native/build.sh"), "--asan"], { cwd: repo, timeout: 280_000 });
  const libasan = (await exec("gcc", ["-print-file-name=libasan.so"])).stdout.trim();
  const dir = tempDir(t);
  // Descriptor-backed reads run on the addon's reply workers: one plain, one with release notices.
  const backingData = Buffer.alloc(3 * 1024 * 1024 + 11);
  for (let i = 0; i < backingData.length; i++) backingData[i] = (i * 7 + (i >> 10)) & 0xff;
  const backing = join(dir, "backing.bin");
  await fsp.writeFile(backing, backingData);
  const s = await serve(t, {
    dir,
    backing: { "plain.bin": backing, "data.slice": backing, "data.direct": backing },
    env: {
      KONNEKT_FUSE_ADDON: addon,
      LD_PRELOAD: libasan,
      // Node itself keeps allocations until exit; leaks are not what this run looks for.
      ASAN_OPTIONS: "detect_leaks=0:abort_on_error=0",
      UBSAN_OPTIONS: "print_stacktrace=1",
    },
  });
  const m = (p: string): string => join(s.mnt, p);
  t.equal(await fsp.readFile(m("hello.txt"), "utf8"), "hello world\n");
  const [plain, slice] = await Promise.all([fsp.readFile(m("disk/plain.bin")), fsp.readFile(m("disk/data.slice"))]);
  t.ok(plain.equals(backingData), "descriptor read");
  t.ok(slice.equals(backingData), "descriptor read with release notices");
  // Direct ranges: after the first read, the loop threads answer from the descriptor themselves;
  // two readers at once, then the kernel's pages dropped so a second pass reaches the mount again.
  const [d1, d2] = await Promise.all([fsp.readFile(m("disk/data.direct")), fsp.readFile(m("disk/data.direct"))]);
  t.ok(d1.equals(backingData) && d2.equals(backingData), "reads answered from direct ranges");
  await run("python3", ["-c", "import os,sys\nfd=os.open(sys.argv[1], os.O_RDONLY)\nos.posix_fadvise(fd,0,0,os.POSIX_FADV_DONTNEED)", m("disk/data.direct")]);
  t.ok((await fsp.readFile(m("disk/data.direct"))).equals(backingData), "again, from the descriptor");
  await fsp.writeFile(m("w.bin"), Buffer.alloc(2 * 1024 * 1024 + 3, 9));
  t.equal((await fsp.stat(m("w.bin"))).size, 2 * 1024 * 1024 + 3);
  const cp = await run("cp", ["-r", join(repo, "workers"), m("copy")]);
  t.equal(cp.code, 0, cp.stderr);
  const diff = await run("diff", ["-r", join(repo, "workers"), m("copy")]);
  t.equal(diff.code, 0, diff.stdout);
  const rm = await run("rm", ["-r", m("copy")]);
  t.equal(rm.code, 0, rm.stderr);
  const from = s.events.length;
  const cat = spawn("cat", [m("slow/hang.txt")], { stdio: "ignore" });
  const gone = new Promise((res) => cat.once("exit", res));
  await s.waitFor("blocked", from);
  cat.kill("SIGKILL");
  await s.waitFor("aborted", from);
  await gone;
  t.equal(await s.stop(), 0);
  t.notMatch(s.stderr(), /AddressSanitizer|runtime error|LeakSanitizer/);
});
