/**
 * Where the daemon keeps things (docs/daemon.md): XDG base directories on Linux, each with a
 * `konnekt` subdirectory. Journal and state never go in the cache directory: a cache may be wiped.
 */
import { homedir } from "node:os";
import { join } from "node:path";
export function daemonPaths(env = process.env) {
    const home = env.HOME !== undefined && env.HOME !== "" ? env.HOME : homedir();
    const base = (name, fallback) => {
        const v = env[name];
        // The XDG spec: relative values are invalid and must be ignored.
        return v !== undefined && v.startsWith("/") ? v : join(home, fallback);
    };
    const configDir = join(base("XDG_CONFIG_HOME", ".config"), "konnekt");
    const stateDir = join(base("XDG_STATE_HOME", ".local/state"), "konnekt");
    const cacheDir = join(base("XDG_CACHE_HOME", ".cache"), "konnekt");
    const logDir = join(stateDir, "logs");
    return {
        home,
        configDir,
        configFile: join(configDir, "config.json"),
        policyFile: env.KONNEKT_POLICY_FILE !== undefined && env.KONNEKT_POLICY_FILE !== "" ? env.KONNEKT_POLICY_FILE : "/etc/konnekt/policy.json",
        stateDir,
        cacheDir,
        logDir,
        logFile: join(logDir, "daemon.log"),
        lockFile: join(stateDir, "daemon.lock"),
    };
}
//# sourceMappingURL=paths.js.map