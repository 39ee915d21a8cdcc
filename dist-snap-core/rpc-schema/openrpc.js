/**
 * The shape of an OpenRPC document, as far as Konnekt uses it (https://spec.open-rpc.org/).
 * These are the meta-types of the schema file, not the control plane's own types: those are
 * generated from rpc-schema/konnekt.openrpc.json into rpc-schema/generated/methods.ts.
 */
/** The by-name params object schema of a method: properties from its params, nothing else allowed. */
export function paramsSchema(method) {
    const properties = {};
    const required = [];
    for (const p of method.params) {
        properties[p.name] = p.schema;
        if (p.required)
            required.push(p.name);
    }
    return { type: "object", properties, required, additionalProperties: false };
}
export function isNotification(method) {
    return method["x-konnekt-kind"] === "notification";
}
//# sourceMappingURL=openrpc.js.map