/** Small plain-HTTPS client for the emulator's `/_api/v2.0` drive API, shared by the graph tests. */
import type { TestEmulator } from "../helpers/emulator.js";

export interface DriveItem {
  id: string;
  name: string;
  eTag: string;
  cTag: string;
  size: number;
  parentReference: { driveId: string; id?: string; path?: string };
  file?: { mimeType: string };
  folder?: { childCount: number };
  root?: Record<string, never>;
  deleted?: { state: string };
  webUrl: string;
  "@content.downloadUrl"?: string;
  "@microsoft.graph.downloadUrl"?: string;
}

export interface Page<T> {
  value: T[];
  "@odata.nextLink"?: string;
  "@odata.deltaLink"?: string;
}

export interface GraphError {
  error: { code: string; message: string; innerError?: unknown };
  nextExpectedRanges?: string[];
}

export interface Reply<T> {
  status: number;
  headers: Headers;
  body: T;
  buffer: Buffer;
}

export class GraphClient {
  constructor(
    readonly emu: TestEmulator,
    readonly origin: string,
    private token: string,
  ) {}

  setToken(token: string): void {
    this.token = token;
  }

  url(pathOrUrl: string): string {
    return pathOrUrl.startsWith("https://") ? pathOrUrl : `${this.origin}${pathOrUrl}`;
  }

  async raw<T = unknown>(
    method: string,
    pathOrUrl: string,
    opts: { body?: unknown; headers?: Record<string, string>; auth?: boolean } = {},
  ): Promise<Reply<T>> {
    const headers: Record<string, string> = { ...(opts.headers ?? {}) };
    if (opts.auth !== false) headers.Authorization = `Bearer ${this.token}`;
    let body: string | Buffer | undefined;
    if (Buffer.isBuffer(opts.body) || typeof opts.body === "string") body = opts.body;
    else if (opts.body !== undefined) {
      body = JSON.stringify(opts.body);
      headers["Content-Type"] ??= "application/json";
    }
    const res = await this.emu.fetch(this.url(pathOrUrl), { method, headers, body, redirect: "manual" });
    const buffer = Buffer.from(await res.arrayBuffer());
    let parsed: unknown = undefined;
    const type = res.headers.get("content-type") ?? "";
    if (type.includes("json") && buffer.length > 0) parsed = JSON.parse(buffer.toString("utf8"));
    return { status: res.status, headers: res.headers as unknown as Headers, body: parsed as T, buffer };
  }

  async get<T>(pathOrUrl: string, headers: Record<string, string> = {}): Promise<T> {
    const r = await this.raw<T>("GET", pathOrUrl, { headers });
    if (r.status !== 200) throw new Error(`GET ${pathOrUrl}: ${r.status} ${r.buffer.toString("utf8").slice(0, 500)}`);
    return r.body;
  }

  /** Every item of a paged collection, following `@odata.nextLink`. */
  async all<T>(pathOrUrl: string): Promise<{ items: T[]; pages: number; last: Page<T> }> {
    const items: T[] = [];
    let next: string | undefined = pathOrUrl;
    let pages = 0;
    let last: Page<T> = { value: [] };
    while (next) {
      last = await this.get<Page<T>>(next);
      items.push(...last.value);
      pages++;
      next = last["@odata.nextLink"];
    }
    return { items, pages, last };
  }
}
