#!/usr/bin/env node
// The one test command (README, CI): lint as one suite, every compiled tap file, then Pester.
// It prints a closing line `N passed, N failed` and exits non-zero when anything failed.
import { spawn } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";

const root = new URL("..", import.meta.url).pathname;
let passed = 0;
let failed = 0;

function run(cmd, args, env = {}) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: root, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (d) => { out += d; process.stdout.write(d); });
    child.on("error", (err) => resolve({ code: 127, out: String(err) }));
    child.on("close", (code) => resolve({ code: code ?? 1, out }));
  });
}

function findTests(dir) {
  if (!existsSync(dir)) return [];
  const found = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) found.push(...findTests(p));
    else if (name.endsWith(".test.js")) found.push(relative(root, p));
  }
  return found.sort();
}

// A test point is a leaf (an assertion) unless the line before it closes a child block with its plan.
function countTap(out) {
  const lines = out.split("\n");
  let ok = 0, notOk = 0, prev = "";
  for (const line of lines) {
    const m = /^(\s*)(not ok|ok) \d+/.exec(line);
    if (m) {
      const closesChild = /^\s*1\.\.\d+/.test(prev) && prev.search(/\S/) > m[1].length;
      if (!closesChild && !/# SKIP/i.test(line)) {
        if (m[2] === "ok") ok++; else notOk++;
      }
    }
    if (line.trim() !== "") prev = line;
  }
  return { ok, notOk };
}

const only = process.argv.slice(2);

if (only.length === 0) {
  console.log("# lint");
  const lint = await run("npx", ["eslint", "."]);
  if (lint.code === 0) passed++; else { failed++; console.log("not ok - lint"); }
}

const files = only.length > 0 ? only : findTests(join(root, "dist", "test"));
if (files.length > 0) {
  const tap = await run("npx", ["tap", "run", "--reporter=tap", "--jobs=2", "--timeout=600", "--disable-coverage", "--allow-empty-coverage", ...files]);
  const { ok, notOk } = countTap(tap.out);
  passed += ok;
  failed += notOk;
  if (tap.code !== 0 && notOk === 0) failed++;
}

const pwsh = [process.env.KONNEKT_PWSH, join(process.env.HOME ?? "", ".dotnet/tools/pwsh")].find((p) => p && existsSync(p));
if (only.length === 0 && existsSync(join(root, "test/powershell/run.ps1"))) {
  if (!pwsh) { console.log("not ok - pwsh not found"); failed++; }
  else {
    const res = await run(pwsh, ["-NoProfile", "-NonInteractive", "-File", "test/powershell/run.ps1"]);
    const m = /(\d+) passed, (\d+) failed/.exec(res.out);
    if (m) { passed += Number(m[1]); failed += Number(m[2]); }
    if (res.code !== 0 && (!m || Number(m[2]) === 0)) failed++;
  }
}

console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
