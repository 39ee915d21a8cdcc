import { PROTOCOL_VERSION } from "../rpc-schema/generated/methods.js";
import { KonnektError } from "../workers/errors.js";
import { tailLines } from "./log.js";
import { konnektVersion } from "./version.js";
/** Default and ceiling of log.tail (the schema enforces the ceiling too). */
const LOG_TAIL_DEFAULT_LINES = 100;
const HOST_STATE = {
    stopped: "disconnected",
    starting: "starting",
    running: "connected",
    restarting: "restarting",
    stopping: "disconnected",
};
export function daemonHandlers(d) {
    const versionInfo = () => ({
        version: konnektVersion(),
        node: process.version,
        platform: process.platform,
        arch: process.arch,
        protocol: PROTOCOL_VERSION,
    });
    return {
        "daemon.version": () => Promise.resolve(versionInfo()),
        "daemon.status": () => Promise.resolve({
            pid: process.pid,
            uptimeSeconds: (Date.now() - d.startedAt.getTime()) / 1000,
            startedAt: d.startedAt.toISOString(),
            endpoint: d.endpoint,
            version: konnektVersion(),
            node: process.version,
            protocol: PROTOCOL_VERSION,
            configFile: d.config.file,
            policyFile: d.config.policyFile,
            logFile: d.logFile,
            configErrors: d.config.problems.map((p) => ({ key: p.key, message: p.message, file: p.file })),
            tenants: d.supervisor.list().map((h) => ({
                name: h.tenant,
                state: HOST_STATE[h.state],
                ...(h.pid !== undefined ? { workerPid: h.pid } : {}),
                restarts: h.restarts,
            })),
            rssBytes: process.memoryUsage.rss(),
        }),
        "daemon.shutdown": () => {
            d.logger.info("shutdown requested over the control endpoint");
            d.requestShutdown();
            return Promise.resolve({});
        },
        "daemon.echo": async (params, ctx) => {
            if (params.delayMs !== undefined && params.delayMs > 0)
                await delay(params.delayMs, ctx.signal);
            return "value" in params ? { value: params.value } : {};
        },
        "config.get": (params) => Promise.resolve(d.config.get(params.key)),
        "config.set": (params) => {
            const setting = d.config.set(params.key, params.value);
            d.logger.info({ key: params.key }, "setting changed");
            return Promise.resolve(setting);
        },
        "config.unset": (params) => Promise.resolve(d.config.unset(params.key)),
        "config.list": () => Promise.resolve({ settings: d.config.list() }),
        "log.tail": (params) => Promise.resolve({ file: d.logFile, lines: tailLines(d.logFile, params.lines ?? LOG_TAIL_DEFAULT_LINES) }),
    };
}
function delay(ms, signal) {
    return new Promise((resolve, reject) => {
        if (signal.aborted)
            return reject(new KonnektError("cancelled", "The request was cancelled."));
        const timer = setTimeout(() => {
            signal.removeEventListener("abort", onAbort);
            resolve();
        }, ms);
        const onAbort = () => {
            clearTimeout(timer);
            reject(new KonnektError("cancelled", "The request was cancelled."));
        };
        signal.addEventListener("abort", onAbort, { once: true });
    });
}
//# sourceMappingURL=handlers.js.map