/** `konnekt status [--json]`: a human summary of the daemon (daemon.status). */
import { toKonnektError } from "../../workers/errors.js";
import { connect } from "../client.js";
import { fail } from "./rpc.js";
export async function main(argv) {
    const json = argv.includes("--json");
    try {
        const client = await connect();
        try {
            const s = await client.request("daemon.status", {});
            if (json) {
                process.stdout.write(`${JSON.stringify(s, null, 2)}\n`);
                return 0;
            }
            const lines = [
                `Konnekt daemon ${s.version} running (pid ${s.pid}), up ${formatDuration(s.uptimeSeconds)}`,
                `  endpoint: ${s.endpoint}`,
                `  config:   ${s.configFile}${s.policyFile ? ` (policy: ${s.policyFile})` : ""}`,
                `  log:      ${s.logFile}`,
            ];
            for (const p of s.configErrors)
                lines.push(`  config problem: ${p.key}: ${p.message}`);
            if (s.tenants.length === 0)
                lines.push("  tenants:  none connected");
            for (const t of s.tenants)
                lines.push(`  tenant ${t.name}: ${t.state}${t.restarts ? ` (restarted ${t.restarts}×)` : ""}`);
            process.stdout.write(`${lines.join("\n")}\n`);
            return 0;
        }
        finally {
            client.close();
        }
    }
    catch (err) {
        return fail(toKonnektError(err));
    }
}
function formatDuration(seconds) {
    const s = Math.floor(seconds);
    const parts = [Math.floor(s / 86400) && `${Math.floor(s / 86400)}d`, Math.floor((s % 86400) / 3600) && `${Math.floor((s % 86400) / 3600)}h`, Math.floor((s % 3600) / 60) && `${Math.floor((s % 3600) / 60)}m`, `${s % 60}s`];
    return parts.filter(Boolean).join(" ");
}
//# sourceMappingURL=status.js.map