/**
 * DownloadSource and UploadTarget over SharePoint's drive API (`<site>/_api/v2.0/drives/{driveId}`,
 * spo-protocol.md C): download URLs from `@content.downloadUrl`, simple `PUT …/content` and upload
 * sessions. The tenant engine supplies the bearer token (it owns MSAL); the engine's tests use this
 * against the emulator, and the tenant engine may wrap it rather than write the HTTP again.
 *
 * Keys: an item key is the item's id in the drive (a UniqueId GUID or a Graph id; both address
 * it); a parent key likewise, `root` for the library's root folder.
 *
 * One attempt per call: failures become KonnektErrors carrying `status` and `retryAfterSeconds`
 * (retry.ts maps them); the caller retries.
 */
import { KonnektError } from "../errors.js";
import { agentFor, loadUndici } from "./range-fetch.js";
import { errorForStatus, isAbortError, networkError } from "../retry.js";
import type { DownloadInfo, DownloadSource, FragmentResult, RemoteContent, UploadAddress, UploadedItem, UploadOptions, UploadTarget } from "./types.js";

export interface GraphDriveOptions {
  /** `https://<tenant>.sharepoint.com/sites/dev` (the emulator's tenant origin + site path). */
  siteUrl: string;
  driveId: string;
  /** A bearer token for the SharePoint origin (without the `Bearer ` prefix). */
  token: (signal: AbortSignal) => Promise<string>;
  /** Extra CA certificates (PEM) to trust (the emulator's). */
  ca?: string;
}

interface DriveItemJson {
  id?: string;
  name?: string;
  eTag?: string;
  cTag?: string;
  size?: number;
  file?: { hashes?: { quickXorHash?: unknown; sha1Hash?: unknown; sha256Hash?: unknown } };
  folder?: unknown;
  "@content.downloadUrl"?: string;
  "@microsoft.graph.downloadUrl"?: string;
}

function segment(name: string): string {
  return encodeURIComponent(name).replace(/'/g, "%27");
}

export class GraphDrive implements DownloadSource, UploadTarget {
  constructor(private readonly opts: GraphDriveOptions) {}

  private base(): string {
    return `${this.opts.siteUrl.replace(/\/$/, "")}/_api/v2.0/drives/${encodeURIComponent(this.opts.driveId)}`;
  }

  private async call(
    method: string,
    url: string,
    what: string,
    signal: AbortSignal,
    opts: { body?: Buffer | string; headers?: Record<string, string>; auth?: boolean } = {},
  ): Promise<{ status: number; json: unknown; headers: Record<string, string | string[] | undefined> }> {
    const headers: Record<string, string> = { accept: "application/json", ...opts.headers };
    if (opts.auth !== false) headers.authorization = `Bearer ${await this.opts.token(signal)}`;
    let res;
    try {
      const { request } = await loadUndici();
      res = await request(url, { method: method as "GET", headers, body: opts.body, dispatcher: await agentFor(this.opts.ca), signal });
    } catch (err) {
      if (isAbortError(err) || signal.aborted) throw new KonnektError("cancelled", `${what} was cancelled.`);
      throw networkError(err, what);
    }
    const text = await res.body.text().catch(() => "");
    let json: unknown = undefined;
    try {
      json = text === "" ? undefined : JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: res.statusCode, json, headers: res.headers };
  }

  private fail(status: number, what: string, headers: Record<string, string | string[] | undefined>, json: unknown): KonnektError {
    const e = errorForStatus(status, what, headers);
    const err = (json as { error?: { code?: string; message?: string } } | undefined)?.error;
    if (err?.code) e.data.serviceCode = err.code;
    return e;
  }

  private item(json: unknown): UploadedItem {
    const j = (json ?? {}) as DriveItemJson;
    if (typeof j.id !== "string" || typeof j.eTag !== "string") throw new KonnektError("serviceError", "The service answered an upload without an item.");
    return { itemKey: j.id, name: j.name ?? "", etag: j.eTag, size: j.size ?? 0, ...(typeof j.cTag === "string" ? { cTag: j.cTag } : {}) };
  }

  async getDownloadUrl(itemKey: string, signal: AbortSignal): Promise<DownloadInfo> {
    const url = `${this.base()}/items/${segment(itemKey)}`;
    const r = await this.call("GET", url, "Getting a download URL", signal);
    if (r.status !== 200) throw this.fail(r.status, "Getting a download URL", r.headers, r.json);
    const j = (r.json ?? {}) as DriveItemJson;
    const dl = j["@content.downloadUrl"] ?? j["@microsoft.graph.downloadUrl"];
    if (!dl || typeof j.eTag !== "string" || typeof j.size !== "number") throw new KonnektError("serviceError", "The item has no download URL (is it a folder?).", { itemKey });
    return { url: dl, etag: j.eTag, size: j.size };
  }

  private addressUrl(addr: UploadAddress, action: string): string {
    if (addr.itemKey !== undefined) return `${this.base()}/items/${segment(addr.itemKey)}/${action}`;
    return `${this.base()}/items/${segment(addr.parentKey)}:/${segment(addr.name)}:/${action}`;
  }

  async putSmall(addr: UploadAddress, body: Buffer, opts: UploadOptions, signal: AbortSignal): Promise<UploadedItem> {
    // A conflict copy is a new name beside the server's file, so it is addressed by parent + name.
    const target = opts.onNameConflict === "rename" ? { parentKey: addr.parentKey, name: addr.name } : addr;
    const url = `${this.addressUrl(target, "content")}?@microsoft.graph.conflictBehavior=${opts.onNameConflict}`;
    const headers: Record<string, string> = { "content-type": "application/octet-stream" };
    if (opts.ifMatch !== undefined) headers["if-match"] = opts.ifMatch;
    const r = await this.call("PUT", url, "Uploading", signal, { body, headers });
    if (r.status !== 200 && r.status !== 201) throw this.fail(r.status, "Uploading", r.headers, r.json);
    return this.item(r.json);
  }

  async createSession(addr: UploadAddress, _size: number, opts: UploadOptions, signal: AbortSignal): Promise<{ uploadUrl: string; expiresAt?: number }> {
    const target = opts.onNameConflict === "rename" ? { parentKey: addr.parentKey, name: addr.name } : addr;
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (opts.ifMatch !== undefined) headers["if-match"] = opts.ifMatch;
    const body = JSON.stringify({ item: { "@microsoft.graph.conflictBehavior": opts.onNameConflict } });
    const r = await this.call("POST", this.addressUrl(target, "createUploadSession"), "Starting an upload", signal, { body, headers });
    if (r.status !== 200) throw this.fail(r.status, "Starting an upload", r.headers, r.json);
    const j = (r.json ?? {}) as { uploadUrl?: string; expirationDateTime?: string };
    if (typeof j.uploadUrl !== "string") throw new KonnektError("serviceError", "The service answered an upload session without a URL.");
    const exp = j.expirationDateTime ? Date.parse(j.expirationDateTime) : NaN;
    return { uploadUrl: j.uploadUrl, ...(Number.isNaN(exp) ? {} : { expiresAt: exp }) };
  }

  async putFragment(uploadUrl: string, start: number, bytes: Buffer, total: number, signal: AbortSignal): Promise<FragmentResult> {
    // Upload URLs are pre-authenticated; Graph documents that Authorization must not be sent.
    const headers = { "content-range": `bytes ${start}-${start + bytes.length - 1}/${total}`, "content-type": "application/octet-stream" };
    const r = await this.call("PUT", uploadUrl, "Uploading a fragment", signal, { body: bytes, headers, auth: false });
    if (r.status === 200 || r.status === 201) return { done: true, item: this.item(r.json) };
    if (r.status === 202) return { done: false, nextExpected: nextExpected(r.json) ?? start + bytes.length };
    const e = this.fail(r.status, "Uploading a fragment", r.headers, r.json);
    const next = nextExpected(r.json);
    if (r.status === 416 && next !== undefined) e.data.nextExpected = next;
    if (r.status === 404) e.data.sessionExpired = true;
    throw e;
  }

  async sessionStatus(uploadUrl: string, signal: AbortSignal): Promise<{ nextExpected: number } | undefined> {
    const r = await this.call("GET", uploadUrl, "Asking an upload session", signal, { auth: false });
    if (r.status === 404 || r.status === 401) return undefined;
    if (r.status !== 200) throw this.fail(r.status, "Asking an upload session", r.headers, r.json);
    return { nextExpected: nextExpected(r.json) ?? 0 };
  }

  async remoteContent(addr: UploadAddress, signal: AbortSignal): Promise<RemoteContent | undefined> {
    const url = addr.itemKey !== undefined ? `${this.base()}/items/${segment(addr.itemKey)}` : `${this.base()}/items/${segment(addr.parentKey)}:/${segment(addr.name)}:`;
    const r = await this.call("GET", url, "Reading an item's hashes", signal);
    if (r.status === 404) return undefined;
    if (r.status !== 200) throw this.fail(r.status, "Reading an item's hashes", r.headers, r.json);
    const j = (r.json ?? {}) as DriveItemJson;
    if (j.folder !== undefined || j.file === undefined) return undefined;
    const h = j.file.hashes ?? {};
    const hashes: RemoteContent["hashes"] = {};
    if (typeof h.quickXorHash === "string") hashes.quickXorHash = h.quickXorHash;
    if (typeof h.sha1Hash === "string") hashes.sha1Hash = h.sha1Hash;
    if (typeof h.sha256Hash === "string") hashes.sha256Hash = h.sha256Hash;
    return { item: this.item(r.json), hashes };
  }

  async cancelSession(uploadUrl: string, signal: AbortSignal): Promise<void> {
    await this.call("DELETE", uploadUrl, "Cancelling an upload", signal, { auth: false }).catch(() => undefined);
  }
}

/** The first byte of `nextExpectedRanges: ["1234-"]` (or "1234-5678"). */
function nextExpected(json: unknown): number | undefined {
  const ranges = (json as { nextExpectedRanges?: unknown } | undefined)?.nextExpectedRanges;
  if (!Array.isArray(ranges) || typeof ranges[0] !== "string") return undefined;
  const m = /^(\d+)-/.exec(ranges[0]);
  return m ? Number(m[1]) : undefined;
}
