export class GraphClient {
    emu;
    origin;
    token;
    constructor(emu, origin, token) {
        this.emu = emu;
        this.origin = origin;
        this.token = token;
    }
    setToken(token) {
        this.token = token;
    }
    url(pathOrUrl) {
        return pathOrUrl.startsWith("https://") ? pathOrUrl : `${this.origin}${pathOrUrl}`;
    }
    async raw(method, pathOrUrl, opts = {}) {
        const headers = { ...(opts.headers ?? {}) };
        if (opts.auth !== false)
            headers.Authorization = `Bearer ${this.token}`;
        let body;
        if (Buffer.isBuffer(opts.body) || typeof opts.body === "string")
            body = opts.body;
        else if (opts.body !== undefined) {
            body = JSON.stringify(opts.body);
            headers["Content-Type"] ??= "application/json";
        }
        const res = await this.emu.fetch(this.url(pathOrUrl), { method, headers, body, redirect: "manual" });
        const buffer = Buffer.from(await res.arrayBuffer());
        let parsed = undefined;
        const type = res.headers.get("content-type") ?? "";
        if (type.includes("json") && buffer.length > 0)
            parsed = JSON.parse(buffer.toString("utf8"));
        return { status: res.status, headers: res.headers, body: parsed, buffer };
    }
    async get(pathOrUrl, headers = {}) {
        const r = await this.raw("GET", pathOrUrl, { headers });
        if (r.status !== 200)
            throw new Error(`GET ${pathOrUrl}: ${r.status} ${r.buffer.toString("utf8").slice(0, 500)}`);
        return r.body;
    }
    /** Every item of a paged collection, following `@odata.nextLink`. */
    async all(pathOrUrl) {
        const items = [];
        let next = pathOrUrl;
        let pages = 0;
        let last = { value: [] };
        while (next) {
            last = await this.get(next);
            items.push(...last.value);
            pages++;
            next = last["@odata.nextLink"];
        }
        return { items, pages, last };
    }
}
//# sourceMappingURL=graph-client.js.map