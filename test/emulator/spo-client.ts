/**
 * The SharePoint REST side of the emulator as a real client sees it: @pnp/sp v4 wired as
 * spo-protocol.md B.10 recommends (DefaultHeaders, DefaultInit, BrowserFetchWithRetry, DefaultParse,
 * a bearer on the `auth` moment), plus raw-fetch helpers for wire-level assertions.
 */
import { BrowserFetchWithRetry, DefaultParse, type Queryable } from "@pnp/queryable";
import { DefaultHeaders, DefaultInit, spfi, type SPFI } from "@pnp/sp";
import type { TestEmulator } from "../helpers/emulator.js";

export function bearer(token: string): (instance: Queryable) => Queryable {
  return (instance: Queryable) => {
    instance.on.auth(function (url: URL, init: RequestInit): Promise<[URL, RequestInit]> {
      init.headers = { ...(init.headers as Record<string, string>), Authorization: `Bearer ${token}` };
      return Promise.resolve([url, init]);
    });
    return instance;
  };
}

export function pnp(siteUrl: string, token: string): SPFI {
  return spfi(siteUrl).using(DefaultHeaders(), DefaultInit(), BrowserFetchWithRetry(), DefaultParse(), bearer(token));
}

export interface WireResponse {
  status: number;
  headers: Headers;
  text: string;
  json: unknown;
}

/** One raw HTTPS request to a tenant origin with a bearer token; the body is read whole. */
export async function wire(emu: TestEmulator, url: string, token: string, init: { method?: string; headers?: Record<string, string>; body?: string | Uint8Array } = {}): Promise<WireResponse> {
  const res = await emu.fetch(url, {
    method: init.method ?? "GET",
    headers: { Accept: "application/json", Authorization: `Bearer ${token}`, ...(init.headers ?? {}) },
    ...(init.body !== undefined ? { body: init.body } : {}),
  });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers as unknown as Headers, text, json };
}

/** `{"odata.error": {code, message: {value}}}` (or verbose `error`) → code and message. */
export function spError(body: unknown): { code: string; message: string } | undefined {
  const b = body as { "odata.error"?: { code: string; message: { value: string } }; error?: { code: string; message: { value: string } } } | undefined;
  const e = b?.["odata.error"] ?? b?.error;
  return e ? { code: e.code, message: e.message.value } : undefined;
}

/** PnPjs path literal encoding (spo-protocol.md A.3). */
export function pathLiteral(p: string): string {
  return encodeURIComponent(p.replace(/'/g, "''"));
}
