const REDACT = new Set(["authorization", "cookie", "proxy-authorization", "x-requestdigest"]);
export function redactHeaders(headers) {
    const out = {};
    for (const [name, value] of Object.entries(headers)) {
        if (value === undefined)
            continue;
        const text = Array.isArray(value) ? value.join(", ") : value;
        if (REDACT.has(name)) {
            const scheme = /^(\w+)\s/.exec(text)?.[1];
            out[name] = scheme && name !== "cookie" ? `${scheme} REDACTED` : "REDACTED";
        }
        else {
            out[name] = text;
        }
    }
    return out;
}
/** Query parameters that carry credentials (download URLs' `tempauth`, OAuth codes and secrets). */
const SECRET_PARAMS = /([?&](?:tempauth|access_token|code|client_secret|client_assertion|refresh_token|assertion)=)[^&#]*/gi;
/** The raw path and query with credential-bearing query values replaced by `REDACTED`. */
export function redactPath(rawUrl) {
    return rawUrl.replace(SECRET_PARAMS, "$1REDACTED");
}
export class RequestLog {
    capacity;
    entries = [];
    seq = 0;
    constructor(capacity = 20_000) {
        this.capacity = capacity;
    }
    add(entry) {
        const full = { seq: ++this.seq, ...entry };
        this.entries.push(full);
        if (this.entries.length > this.capacity)
            this.entries.splice(0, this.entries.length - this.capacity);
        return full;
    }
    /** Newest sequence number handed out (0 before any request). */
    last() {
        return this.seq;
    }
    /** Entries after `since` (a sequence number, or an ISO time), optionally of one tenant/origin. */
    query(filter = {}) {
        let since = -1;
        let sinceTime;
        if (filter.since !== undefined && filter.since !== "") {
            if (typeof filter.since === "number" || /^\d+$/.test(filter.since))
                since = Number(filter.since);
            else
                sinceTime = Date.parse(filter.since);
        }
        return this.entries.filter((e) => e.seq > since &&
            (sinceTime === undefined || Date.parse(e.time) > sinceTime) &&
            (filter.tenant === undefined || filter.tenant === "" || e.origin === filter.tenant));
    }
    clear() {
        this.entries.length = 0;
    }
}
//# sourceMappingURL=request-log.js.map