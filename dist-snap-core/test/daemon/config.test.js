// Settings through the real daemon (round trip, persistence across restarts, machine policy,
// invalid files) and the store's own guarantees (atomic writes, last good value kept).
import { readFileSync, readdirSync, statSync, writeFileSync, mkdirSync } from "node:fs";
import { dirname } from "node:path";
import t from "tap";
import { connect } from "../../daemon/client.js";
import { CONFIG_KEYS } from "../../daemon/config/schema.js";
import { ConfigStore } from "../../daemon/config/store.js";
import { daemonPaths } from "../../daemon/paths.js";
import { KonnektError } from "../../workers/errors.js";
import { runCli, startDaemon, tempHome } from "./helpers.js";
async function stop(d) {
    d.child.kill("SIGTERM");
    const e = await d.exited;
    if (e.code !== 0)
        throw new Error(`daemon exited ${e.code ?? e.signal}`);
}
void t.test("config.set/get/list/unset round trip, persisted atomically and across restarts", async (t) => {
    const home = tempHome(t);
    let d = await startDaemon(t, home);
    let c = await connect(d.ready.endpoint);
    const before = await c.request("config.get", { key: "mountRoot" });
    t.same(before, { key: "mountRoot", value: `${home.dir}/Konnekt`, default: `${home.dir}/Konnekt`, source: "default", locked: false, description: CONFIG_KEYS.mountRoot.description });
    const set = await c.request("config.set", { key: "mountRoot", value: "/srv/konnekt" });
    t.equal(set.value, "/srv/konnekt");
    t.equal(set.source, "user");
    await c.request("config.set", { key: "discovery.include", value: ["https://contoso.sharepoint.com/sites/*"] });
    await c.request("config.set", { key: "tenants", value: [{ name: "contoso", url: "https://contoso.sharepoint.com", signInMode: "deviceCode" }] });
    t.same(JSON.parse(readFileSync(home.configFile, "utf8")), {
        mountRoot: "/srv/konnekt",
        "discovery.include": ["https://contoso.sharepoint.com/sites/*"],
        tenants: [{ name: "contoso", url: "https://contoso.sharepoint.com", signInMode: "deviceCode" }],
    });
    t.equal(statSync(home.configFile).mode & 0o777, 0o600, "config file is private");
    t.same(readdirSync(dirname(home.configFile)), ["config.json"], "no temporary files left behind");
    const list = await c.request("config.list", {});
    t.same(list.settings.map((s) => s.key), Object.keys(CONFIG_KEYS));
    t.equal(list.settings.find((s) => s.key === "mountRoot")?.value, "/srv/konnekt");
    c.close();
    await stop(d);
    d = await startDaemon(t, home);
    c = await connect(d.ready.endpoint);
    t.teardown(() => c.close());
    t.equal((await c.request("config.get", { key: "mountRoot" })).value, "/srv/konnekt", "kept across a restart");
    const unset = await c.request("config.unset", { key: "mountRoot" });
    t.equal(unset.source, "default");
    t.equal(unset.value, `${home.dir}/Konnekt`);
    t.notOk("mountRoot" in JSON.parse(readFileSync(home.configFile, "utf8")));
});
void t.test("invalid values are refused naming the key; unknown keys are notFound", async (t) => {
    const home = tempHome(t);
    const d = await startDaemon(t, home);
    const c = await connect(d.ready.endpoint);
    t.teardown(() => c.close());
    const bad = await c.request("config.set", { key: "cacheSizeMiB", value: 1 }).catch((e) => e);
    t.ok(bad instanceof KonnektError);
    t.equal(bad.code, "configInvalid");
    t.match(bad.message, "Invalid value for cacheSizeMiB: cacheSizeMiB must be >= 64");
    t.equal(bad.data.key, "cacheSizeMiB");
    const badTenant = await c.request("config.set", { key: "tenants", value: [{ name: "Contoso Ltd", url: "https://x" }] }).catch((e) => e);
    t.equal(badTenant.code, "configInvalid");
    const unknown = await c.request("config.get", { key: "noSuchKey" }).catch((e) => e);
    t.equal(unknown.code, "notFound");
    const cli = await runCli(home, ["rpc", "config.set", '{"key":"uploads.maxConcurrent","value":0}']);
    t.equal(cli.code, 1);
    t.match(cli.stderr, /^konnekt: Invalid value for uploads\.maxConcurrent: .* \(configInvalid\)\n$/);
});
void t.test("machine policy locks keys", async (t) => {
    const home = tempHome(t);
    writeFileSync(home.policyFile, JSON.stringify({ cacheSizeMiB: 2048, allowedTenants: ["contoso.sharepoint.com"] }));
    const d = await startDaemon(t, home);
    const c = await connect(d.ready.endpoint);
    t.teardown(() => c.close());
    const s = await c.request("config.get", { key: "cacheSizeMiB" });
    t.same({ value: s.value, source: s.source, locked: s.locked, default: s.default }, { value: 2048, source: "policy", locked: true, default: 10240 });
    for (const call of [c.request("config.set", { key: "cacheSizeMiB", value: 4096 }), c.request("config.unset", { key: "cacheSizeMiB" })]) {
        const err = await call.catch((e) => e);
        t.equal(err.code, "policyLocked");
        t.equal(err.data.key, "cacheSizeMiB");
    }
    const cli = await runCli(home, ["rpc", "config.set", '{"key":"allowedTenants","value":[]}']);
    t.equal(cli.code, 1);
    t.match(cli.stderr, /\(policyLocked\)\n$/);
    t.equal((await c.request("config.set", { key: "logLevel", value: "debug" })).value, "debug", "unlocked keys still change");
});
void t.test("a bad config file: named problems, good keys applied, daemon still starts", async (t) => {
    const home = tempHome(t);
    mkdirSync(dirname(home.configFile), { recursive: true });
    writeFileSync(home.configFile, JSON.stringify({ cacheSizeMiB: "big", "links.scope": "users", futureKey: 1 }));
    writeFileSync(home.policyFile, "{ this is not json");
    const d = await startDaemon(t, home);
    const c = await connect(d.ready.endpoint);
    t.teardown(() => c.close());
    const status = await c.request("daemon.status", {});
    const keys = status.configErrors.map((p) => p.key).sort();
    t.same(keys, ["(file)", "cacheSizeMiB", "futureKey"]);
    t.match(status.configErrors.find((p) => p.key === "cacheSizeMiB")?.message, "must be integer");
    t.equal(status.configErrors.find((p) => p.key === "(file)")?.file, home.policyFile);
    t.equal((await c.request("config.get", { key: "cacheSizeMiB" })).value, 10240, "invalid key keeps the default");
    t.equal((await c.request("config.get", { key: "links.scope" })).value, "users", "valid keys applied");
    // Changing a setting keeps the unknown key a newer version wrote.
    await c.request("config.set", { key: "cacheSizeMiB", value: 512 });
    t.same(JSON.parse(readFileSync(home.configFile, "utf8")), { futureKey: 1, cacheSizeMiB: 512, "links.scope": "users" });
    const tail = await c.request("log.tail", { lines: 200 });
    t.ok(tail.lines.some((l) => l.includes("configuration problem") && l.includes("cacheSizeMiB")), "logged with the key");
});
void t.test("ConfigStore keeps the last good value when a reload finds a bad one", (t) => {
    const home = tempHome(t);
    const store = new ConfigStore(daemonPaths(home.env));
    store.load();
    store.set("uploads.maxConcurrent", 8);
    writeFileSync(home.configFile, JSON.stringify({ "uploads.maxConcurrent": "eight" }));
    const problems = store.load();
    t.same(problems.map((p) => p.key), ["uploads.maxConcurrent"]);
    t.match(problems[0].message, "keeping the last good value");
    t.equal(store.value("uploads.maxConcurrent"), 8);
    writeFileSync(home.configFile, "{ truncated");
    t.same(store.load().map((p) => p.key), ["(file)"]);
    t.equal(store.value("uploads.maxConcurrent"), 8, "an unparsable file keeps the whole last good layer");
    const err = (() => {
        try {
            store.set("logLevel", "debug");
        }
        catch (e) {
            return e;
        }
        return undefined;
    })();
    t.equal(err.code, "configInvalid", "never overwrites a file the user must fix");
    t.equal(readFileSync(home.configFile, "utf8"), "{ truncated");
    t.end();
});
void t.test("every default satisfies its own schema", (t) => {
    const home = tempHome(t);
    const store = new ConfigStore(daemonPaths(home.env));
    store.load();
    for (const s of store.list()) {
        const copy = new ConfigStore(daemonPaths(home.env));
        copy.load();
        t.doesNotThrow(() => copy.set(s.key, s.default), s.key);
    }
    t.end();
});
//# sourceMappingURL=config.test.js.map