/**
 * Params and results checked against the OpenRPC document at the boundary (ajv, compiled once).
 * `$ref`s in the document point at `#/components/schemas/…`; they are rewritten to one shared schema
 * holding the components as `definitions` (the draft-07 keyword ajv knows in strict mode).
 */
import { Ajv, type ValidateFunction } from "ajv";
import { OPENRPC_DOCUMENT } from "../../rpc-schema/generated/methods.js";
import { isNotification, paramsSchema, type JsonSchema, type MethodObject, type OpenRpcDocument } from "../../rpc-schema/openrpc.js";

const COMPONENTS_ID = "konnekt-components";
const REF_PREFIX = "#/components/schemas/";

function rewriteRefs(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(rewriteRefs);
  if (typeof schema !== "object" || schema === null) return schema;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(schema)) {
    out[k] = k === "$ref" && typeof v === "string" && v.startsWith(REF_PREFIX) ? `${COMPONENTS_ID}#/definitions/${v.slice(REF_PREFIX.length)}` : rewriteRefs(v);
  }
  return out;
}

export interface MethodValidators {
  method: MethodObject;
  params: ValidateFunction;
  result: ValidateFunction | undefined;
}

export class SchemaValidator {
  private readonly ajv: Ajv;
  private readonly methods = new Map<string, MethodValidators>();

  constructor(readonly document: OpenRpcDocument = OPENRPC_DOCUMENT) {
    // Formats are documentation here (date-time, uri); their values are produced by the daemon.
    this.ajv = new Ajv({ allErrors: false, strict: true, allowUnionTypes: true, formats: { "date-time": true, uri: true }, useDefaults: false });
    this.ajv.addSchema({ $id: COMPONENTS_ID, definitions: rewriteRefs(document.components.schemas) });
    for (const m of document.methods) {
      this.methods.set(m.name, {
        method: m,
        params: this.ajv.compile(rewriteRefs(paramsSchema(m)) as JsonSchema),
        result: isNotification(m) || !m.result ? undefined : this.ajv.compile(rewriteRefs(m.result.schema) as JsonSchema),
      });
    }
  }

  get(method: string): MethodValidators | undefined {
    return this.methods.get(method);
  }

  /** An ajv error list as one readable line: "/key must be string", "unknown property 'x'". */
  describe(validate: ValidateFunction): string {
    const errors = validate.errors ?? [];
    if (errors.length === 0) return "invalid";
    return errors
      .map((e) => {
        const at = e.instancePath === "" ? "" : `${e.instancePath} `;
        const params = e.params as { additionalProperty?: unknown; missingProperty?: unknown; allowedValues?: unknown };
        if (e.keyword === "additionalProperties") return `${at}has unknown property '${String(params.additionalProperty)}'`.trim();
        if (e.keyword === "required") return `${at}must have property '${String(params.missingProperty)}'`.trim();
        if (e.keyword === "enum") return `${at}must be one of ${JSON.stringify(params.allowedValues)}`.trim();
        return `${at}${e.message ?? "is invalid"}`.trim();
      })
      .join("; ");
  }
}
