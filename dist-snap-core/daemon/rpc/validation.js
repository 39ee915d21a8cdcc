/**
 * Params and results checked against the OpenRPC document at the boundary (ajv, compiled once).
 * `$ref`s in the document point at `#/components/schemas/…`; they are rewritten to one shared schema
 * holding the components as `definitions` (the draft-07 keyword ajv knows in strict mode).
 */
import { Ajv } from "ajv";
import { OPENRPC_DOCUMENT } from "../../rpc-schema/generated/methods.js";
import { isNotification, paramsSchema } from "../../rpc-schema/openrpc.js";
const COMPONENTS_ID = "konnekt-components";
const REF_PREFIX = "#/components/schemas/";
function rewriteRefs(schema) {
    if (Array.isArray(schema))
        return schema.map(rewriteRefs);
    if (typeof schema !== "object" || schema === null)
        return schema;
    const out = {};
    for (const [k, v] of Object.entries(schema)) {
        out[k] = k === "$ref" && typeof v === "string" && v.startsWith(REF_PREFIX) ? `${COMPONENTS_ID}#/definitions/${v.slice(REF_PREFIX.length)}` : rewriteRefs(v);
    }
    return out;
}
export class SchemaValidator {
    document;
    ajv;
    methods = new Map();
    constructor(document = OPENRPC_DOCUMENT) {
        this.document = document;
        // Formats are documentation here (date-time, uri); their values are produced by the daemon.
        this.ajv = new Ajv({ allErrors: false, strict: true, allowUnionTypes: true, formats: { "date-time": true, uri: true }, useDefaults: false });
        this.ajv.addSchema({ $id: COMPONENTS_ID, definitions: rewriteRefs(document.components.schemas) });
        for (const m of document.methods) {
            this.methods.set(m.name, {
                method: m,
                params: this.ajv.compile(rewriteRefs(paramsSchema(m))),
                result: isNotification(m) || !m.result ? undefined : this.ajv.compile(rewriteRefs(m.result.schema)),
            });
        }
    }
    get(method) {
        return this.methods.get(method);
    }
    /** An ajv error list as one readable line: "/key must be string", "unknown property 'x'". */
    describe(validate) {
        const errors = validate.errors ?? [];
        if (errors.length === 0)
            return "invalid";
        return errors
            .map((e) => {
            const at = e.instancePath === "" ? "" : `${e.instancePath} `;
            const params = e.params;
            if (e.keyword === "additionalProperties")
                return `${at}has unknown property '${String(params.additionalProperty)}'`.trim();
            if (e.keyword === "required")
                return `${at}must have property '${String(params.missingProperty)}'`.trim();
            if (e.keyword === "enum")
                return `${at}must be one of ${JSON.stringify(params.allowedValues)}`.trim();
            return `${at}${e.message ?? "is invalid"}`.trim();
        })
            .join("; ");
    }
}
//# sourceMappingURL=validation.js.map