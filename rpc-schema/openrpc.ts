/**
 * The shape of an OpenRPC document, as far as Konnekt uses it (https://spec.open-rpc.org/).
 * These are the meta-types of the schema file, not the control plane's own types: those are
 * generated from rpc-schema/konnekt.openrpc.json into rpc-schema/generated/methods.ts.
 */

/** A JSON Schema (draft 7 subset used by the document). Kept open: validation is ajv's job. */
export interface JsonSchema {
  $ref?: string;
  type?: string | string[];
  description?: string;
  enum?: readonly unknown[];
  const?: unknown;
  properties?: Record<string, JsonSchema>;
  required?: readonly string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  oneOf?: readonly JsonSchema[];
  anyOf?: readonly JsonSchema[];
  [keyword: string]: unknown;
}

export interface ContentDescriptor {
  name: string;
  required?: boolean;
  description?: string;
  schema: JsonSchema;
}

export type ImplementationStatus = "implemented" | "planned";

export interface MethodObject {
  name: string;
  summary?: string;
  description?: string;
  paramStructure?: "by-name" | "by-position" | "either";
  params: ContentDescriptor[];
  /** Absent for notifications (OpenRPC 1.3). */
  result?: ContentDescriptor;
  errors?: { $ref: string }[];
  "x-konnekt-status": ImplementationStatus;
  /** "notification": sent by the daemon to clients, never answered. */
  "x-konnekt-kind"?: "request" | "notification";
}

export interface ErrorObject {
  code: number;
  message: string;
  data?: unknown;
}

export interface OpenRpcDocument {
  openrpc: string;
  info: { title: string; version: string; description?: string; license?: { name: string } };
  methods: MethodObject[];
  components: { schemas: Record<string, JsonSchema>; errors: Record<string, ErrorObject> };
}

/** The by-name params object schema of a method: properties from its params, nothing else allowed. */
export function paramsSchema(method: MethodObject): JsonSchema {
  const properties: Record<string, JsonSchema> = {};
  const required: string[] = [];
  for (const p of method.params) {
    properties[p.name] = p.schema;
    if (p.required) required.push(p.name);
  }
  return { type: "object", properties, required, additionalProperties: false };
}

export function isNotification(method: MethodObject): boolean {
  return method["x-konnekt-kind"] === "notification";
}
