/**
 * Assembles the emulator: TLS, store, Entra, SharePoint, Graph and admin parts on one authority
 * origin and one origin per tenant, all HTTPS on 127.0.0.1. Ports are kept in the data dir so a
 * restarted emulator keeps its URLs (clients' token caches and config stay valid).
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { registerAdmin, tenantSummaries } from "./admin.js";
import { ConfigError, resolveConfig } from "./config.js";
import { createEntra } from "./entra/index.js";
import { FaultController } from "./faults.js";
import { registerGraph } from "./graph/index.js";
import { RequestLog } from "./http/request-log.js";
import { createOrigin, Routes } from "./http/server.js";
import { ensureTls } from "./pki.js";
import { registerSharePoint } from "./spo/index.js";
import { openStore } from "./store/index.js";
/** Konnekt's public client, pre-registered in every emulated tenant. */
export const KONNEKT_CLIENT_ID = "5c5f4a31-8b2e-4d0c-9f6a-2e7b1d3c9a40";
function readPorts(file) {
    try {
        const parsed = JSON.parse(readFileSync(file, "utf8"));
        return typeof parsed === "object" && parsed !== null ? parsed : {};
    }
    catch {
        return {};
    }
}
function listen(server, port) {
    return new Promise((resolvePort, reject) => {
        const onError = (err) => {
            server.off("listening", onListening);
            reject(err);
        };
        const onListening = () => {
            server.off("error", onError);
            const addr = server.address();
            resolvePort(typeof addr === "object" && addr !== null ? addr.port : port);
        };
        server.once("error", onError);
        server.once("listening", onListening);
        server.listen({ port, host: "127.0.0.1", exclusive: true });
    });
}
/** The persisted port when it is free, else a fresh one. `required` ports fail instead. */
async function listenPreferring(server, preferred, required) {
    if (preferred !== undefined && preferred > 0) {
        try {
            return await listen(server, preferred);
        }
        catch (err) {
            if (required)
                throw new ConfigError(`cannot listen on 127.0.0.1:${preferred}: ${err.message}`);
        }
    }
    return listen(server, 0);
}
function closeServer(server) {
    return new Promise((done) => {
        if (!server.listening) {
            done();
            return;
        }
        server.close(() => done());
        server.closeAllConnections();
    });
}
export async function startEmulator(opts = {}) {
    const config = resolveConfig(opts.config);
    const temporary = opts.dataDir === undefined;
    const dataDir = temporary ? mkdtempSync(join(tmpdir(), "konnekt-emulator-")) : resolve(opts.dataDir);
    mkdirSync(dataDir, { recursive: true });
    const cleanup = [];
    const runCleanup = async () => {
        for (const step of cleanup.reverse()) {
            try {
                await step();
            }
            catch (err) {
                process.stderr.write(`emulator: cleanup: ${err.message}\n`);
            }
        }
        cleanup.length = 0;
    };
    if (temporary)
        cleanup.push(() => rmSync(dataDir, { recursive: true, force: true }));
    try {
        const tls = await ensureTls(dataDir);
        const store = openStore({ dataDir, seed: opts.seed ?? "demo", config });
        cleanup.push(() => store.close());
        const faults = new FaultController();
        const log = new RequestLog();
        const tenants = store.tenants();
        for (const [name, settings] of Object.entries(opts.faults ?? {})) {
            if (name !== "authority" && !tenants.some((t) => t.name === name))
                throw new ConfigError(`--faults: unknown tenant '${name}'`);
            faults.set(name, settings);
        }
        const ports = new Map();
        const origin = (port) => `https://127.0.0.1:${port ?? 0}`;
        const authorityOrigin = () => origin(ports.get("authority"));
        const tenantOrigin = (tenant) => origin(ports.get(`tenant:${tenant}`));
        const tenantByOrigin = (o) => {
            let url;
            try {
                url = new URL(o);
            }
            catch {
                return undefined;
            }
            if (url.hostname !== "127.0.0.1" && url.hostname !== "localhost")
                return undefined;
            const port = Number(url.port);
            const hit = [...ports.entries()].find(([k, p]) => k.startsWith("tenant:") && p === port);
            return hit ? store.tenant(hit[0].slice("tenant:".length)) : undefined;
        };
        const authorityRoutes = new Routes();
        const tenantRoutes = new Routes();
        const entra = createEntra({ config, store, dataDir, clientId: KONNEKT_CLIENT_ID, authorityOrigin, tenantOrigin, tenantByOrigin });
        const env = { config, store, tokens: entra.tokens, authorityOrigin, tenantOrigin, tenantByOrigin, clientId: KONNEKT_CLIENT_ID };
        entra.register(authorityRoutes);
        registerAdmin(authorityRoutes, env, faults, log);
        // Graph first: its /_api/v2.0/... and download.aspx routes must win over SharePoint's generic /_api/ ones.
        registerGraph(tenantRoutes, env);
        registerSharePoint(tenantRoutes, env);
        const origins = new Map();
        const authority = createOrigin({ name: "authority", isAuthority: true, tenant: () => undefined, routes: authorityRoutes, config, faults, log, tls: { cert: tls.certPem, key: tls.keyPem } });
        origins.set("authority", authority);
        for (const t of tenants) {
            origins.set(`tenant:${t.name}`, createOrigin({ name: t.name, isAuthority: false, tenant: () => store.tenant(t.name), routes: tenantRoutes, config, faults, log, tls: { cert: tls.certPem, key: tls.keyPem } }));
        }
        faults.onOffline((name) => {
            if (name !== "authority")
                origins.get(`tenant:${name}`)?.dropConnections();
        });
        cleanup.push(async () => {
            await Promise.all([...origins.values()].map(async (o) => {
                o.dropConnections();
                await closeServer(o.server);
            }));
        });
        const portsFile = join(dataDir, "ports.json");
        const saved = existsSync(portsFile) ? readPorts(portsFile) : {};
        const explicit = opts.port !== undefined && opts.port > 0;
        ports.set("authority", await listenPreferring(authority.server, explicit ? opts.port : saved.authority, explicit));
        for (const t of tenants) {
            const o = origins.get(`tenant:${t.name}`);
            ports.set(`tenant:${t.name}`, await listenPreferring(o.server, saved.tenants?.[t.name], false));
        }
        const toSave = { authority: ports.get("authority"), tenants: Object.fromEntries(tenants.map((t) => [t.name, ports.get(`tenant:${t.name}`) ?? 0])) };
        writeFileSync(portsFile, JSON.stringify(toSave, null, 2) + "\n");
        const ready = {
            event: "ready",
            authority: authorityOrigin(),
            caFile: tls.caFile,
            admin: `${authorityOrigin()}/admin`,
            clientId: KONNEKT_CLIENT_ID,
            dataDir,
            tenants: tenantSummaries(env),
        };
        let stopping;
        return {
            ready,
            env,
            stop: () => (stopping ??= runCleanup()),
        };
    }
    catch (err) {
        await runCleanup();
        throw err;
    }
}
//# sourceMappingURL=emulator.js.map