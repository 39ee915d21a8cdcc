/** Form parameters of an Entra POST; like Entra, a body of another type carries no parameters. */
export async function formParams(req) {
    const type = (req.headers["content-type"] ?? "").toLowerCase();
    const body = await req.body();
    if (!type.startsWith("application/x-www-form-urlencoded"))
        return new URLSearchParams();
    return new URLSearchParams(body.toString("utf8"));
}
//# sourceMappingURL=context.js.map