/**
 * `konnekt rpc <method> [json-params]`: one call to the control endpoint; the result is printed as
 * JSON. A failure is one line `konnekt: <message> (<code>)` on stderr and exit status 1.
 */
import { KonnektError, toKonnektError } from "../../workers/errors.js";
import { connect } from "../client.js";
const USAGE = `usage: konnekt rpc <method> [json-params]

  konnekt rpc daemon.status
  konnekt rpc config.set '{"key":"logLevel","value":"debug"}'
`;
export async function main(argv) {
    const [method, paramsText, ...extra] = argv;
    if (method === undefined || method === "-h" || method === "--help" || extra.length > 0) {
        (method === undefined || extra.length > 0 ? process.stderr : process.stdout).write(USAGE);
        return method === undefined || extra.length > 0 ? 2 : 0;
    }
    let params = {};
    if (paramsText !== undefined) {
        try {
            params = JSON.parse(paramsText);
        }
        catch (err) {
            return fail(new KonnektError("invalidArgument", `params are not valid JSON: ${err.message}`));
        }
    }
    try {
        const client = await connect();
        try {
            const result = await client.requestRaw(method, params);
            process.stdout.write(`${JSON.stringify(result ?? null, null, 2)}\n`);
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
export function fail(err) {
    process.stderr.write(`konnekt: ${err.message} (${err.code})\n`);
    return 1;
}
//# sourceMappingURL=rpc.js.map