/**
 * The SharePoint REST side of the emulator as a real client sees it: @pnp/sp v4 wired as
 * spo-protocol.md B.10 recommends (DefaultHeaders, DefaultInit, BrowserFetchWithRetry, DefaultParse,
 * a bearer on the `auth` moment), plus raw-fetch helpers for wire-level assertions.
 */
import { BrowserFetchWithRetry, DefaultParse } from "@pnp/queryable";
import { DefaultHeaders, DefaultInit, spfi } from "@pnp/sp";
export function bearer(token) {
    return (instance) => {
        instance.on.auth(function (url, init) {
            init.headers = { ...init.headers, Authorization: `Bearer ${token}` };
            return Promise.resolve([url, init]);
        });
        return instance;
    };
}
export function pnp(siteUrl, token) {
    return spfi(siteUrl).using(DefaultHeaders(), DefaultInit(), BrowserFetchWithRetry(), DefaultParse(), bearer(token));
}
/** One raw HTTPS request to a tenant origin with a bearer token; the body is read whole. */
export async function wire(emu, url, token, init = {}) {
    const res = await emu.fetch(url, {
        method: init.method ?? "GET",
        headers: { Accept: "application/json", Authorization: `Bearer ${token}`, ...(init.headers ?? {}) },
        ...(init.body !== undefined ? { body: init.body } : {}),
    });
    const text = await res.text();
    let json;
    try {
        json = JSON.parse(text);
    }
    catch {
        json = undefined;
    }
    return { status: res.status, headers: res.headers, text, json };
}
/** `{"odata.error": {code, message: {value}}}` (or verbose `error`) → code and message. */
export function spError(body) {
    const b = body;
    const e = b?.["odata.error"] ?? b?.error;
    return e ? { code: e.code, message: e.message.value } : undefined;
}
/** PnPjs path literal encoding (spo-protocol.md A.3). */
export function pathLiteral(p) {
    return encodeURIComponent(p.replace(/'/g, "''"));
}
//# sourceMappingURL=spo-client.js.map