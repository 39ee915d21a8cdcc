/**
 * Uploads through the drive API ("Upload small files", "driveItem: createUploadSession").
 *
 * - Simple `PUT …/content`: up to SIMPLE_UPLOAD_LIMIT bytes, larger bodies get 413.
 * - Upload sessions: `createUploadSession` answers an `uploadUrl` on the tenant origin that carries
 *   its own signed `tempauth` (no Authorization header on the fragment PUTs, as documented). The
 *   URL's claims hold the target, conflict behaviour and deferCommit, so a session survives
 *   nothing but the process; the bytes are staged in the store (`appendUpload`), so status and resume
 *   read the store's staged size. Fragments must be contiguous (416 `invalidRange` with
 *   `nextExpectedRanges` otherwise), each but the last a multiple of 320 KiB (400 `invalidRange`), at
 *   most 60 MiB (413).
 *
 * Session bookkeeping (declared total, expiry, completed/cancelled) is in memory, guarded by nothing
 * but the event loop: every check and the following store call happen without an await between
 * them, except the fragment append, which marks the session busy first.
 */
import { randomUUID } from "node:crypto";
import type { ServerResponse } from "node:http";
import { pipeline, Transform, type Readable, type TransformCallback } from "node:stream";
import type { EmuRequest, EmulatorEnv } from "../http/types.js";
import type { ItemRecord, ListRecord, SiteRecord } from "../store/types.js";
import { GraphContext, type GraphDeps } from "./context.js";
import { GraphError, sendFailure, sendJson, sendNoContent } from "./errors.js";
import { ctagOf, etagOf, itemJson } from "./items.js";
import type { UploadClaims } from "./tempauth.js";

/** Graph's documented limit for a simple PUT upload ("Upload small files": up to 4 MB). */
export const SIMPLE_UPLOAD_LIMIT = 4 * 1024 * 1024;
/** Every fragment but the last must be a multiple of this (documented: 320 KiB). */
export const FRAGMENT_MULTIPLE = 327_680;
/** Largest fragment per request (documented: "less than 60 MiB"). */
export const MAX_FRAGMENT = 60 * 1024 * 1024;
/** A session lives this long after its last fragment (the real service answers about 15 min to hours). */
export const SESSION_IDLE_MS = 60 * 60 * 1000;
/** Upper bound of an upload URL's tempauth, whatever the activity. */
const UPLOAD_URL_LIFETIME_MS = 24 * 60 * 60 * 1000;

export type ConflictBehavior = "replace" | "fail" | "rename";

interface SessionState {
  total?: number;
  expires: number;
  state: "open" | "busy" | "completed" | "cancelled";
}

/** Parsed `If-Match` for a drive item: an eTag (`"{GUID},n"`), a cTag (`"c:{GUID},m"`) or `*`. */
export function checkIfMatch(header: string | undefined, item: ItemRecord | undefined): number | undefined {
  if (!header) return undefined;
  const tags = header.split(",").length > 2 ? header.split(/,(?=\s*")/) : [header];
  for (const raw of tags) {
    const t = raw.trim().replace(/^W\//, "");
    if (t === "*") return undefined;
    if (!item) continue;
    if (t === etagOf(item)) return item.etag;
    if (t === ctagOf(item)) return undefined;
  }
  throw new GraphError(412, "resourceModified", "ETag does not match current item's value");
}

export function conflictOf(value: unknown, fallback: ConflictBehavior): ConflictBehavior {
  if (value === undefined || value === null || value === "") return fallback;
  if (value === "replace" || value === "fail" || value === "rename") return value;
  throw new GraphError(400, "invalidRequest", `Invalid value for @microsoft.graph.conflictBehavior: ${JSON.stringify(value)}`);
}

/** `name 1.ext`, `name 2.ext`, … the first name free in the folder (conflictBehavior=rename). */
export function freeName(ctx: GraphContext, parent: ItemRecord, name: string): string {
  if (!ctx.itemAtPath(parent, name)) return name;
  const dot = name.lastIndexOf(".");
  const stem = dot > 0 ? name.slice(0, dot) : name;
  const ext = dot > 0 ? name.slice(dot) : "";
  for (let n = 1; n < 10_000; n++) {
    const candidate = `${stem} ${n}${ext}`;
    if (!ctx.itemAtPath(parent, candidate)) return candidate;
  }
  throw new GraphError(409, "nameAlreadyExists", "The specified item name already exists.");
}

/** Passes at most `limit` bytes; more fails the stream with `onOverflow()`. */
class LimitStream extends Transform {
  seen = 0;
  constructor(
    private readonly limit: number,
    private readonly onOverflow: () => Error,
  ) {
    super();
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.seen += chunk.length;
    if (this.seen > this.limit) cb(this.onOverflow());
    else cb(null, chunk);
  }
}

/**
 * `source` through a LimitStream; a failure or premature end of the request (a dropped connection)
 * fails the returned stream too, so the store's write ends and rolls back instead of waiting.
 */
function limitedBody(source: Readable, limit: number, onOverflow: () => Error): Readable {
  const limiter = new LimitStream(limit, onOverflow);
  pipeline(source, limiter, () => undefined);
  return limiter;
}

/** Refused bodies up to this size are read to the end before the answer; bigger ones close the connection. */
const DRAIN_CAP = 64 * 1024 * 1024;

/**
 * Reads and drops a refused request body before the error is sent: a client still writing its body
 * when the server closes gets EPIPE instead of the answer. Resolves true when the body was read whole
 * (the connection stays usable), false when it was too big to wait for.
 */
function drainBody(req: EmuRequest, declared: number, cap = DRAIN_CAP): Promise<boolean> {
  const raw = req.raw;
  if (declared > cap) return Promise.resolve(false);
  if (raw.readableEnded) return Promise.resolve(true);
  return new Promise((resolve) => {
    let seen = 0;
    const finish = (whole: boolean): void => {
      raw.off("data", onData);
      raw.off("end", onEnd);
      raw.off("close", onClose);
      if (!whole) raw.pause();
      resolve(whole);
    };
    const onData = (chunk: Buffer): void => {
      seen += chunk.length;
      if (seen > cap) finish(false);
    };
    const onEnd = (): void => finish(true);
    const onClose = (): void => finish(raw.complete);
    raw.on("data", onData);
    raw.once("end", onEnd);
    raw.once("close", onClose);
    raw.resume();
  });
}

async function refuseBody(req: EmuRequest, declared: number, message: string): Promise<never> {
  const whole = await drainBody(req, declared);
  throw new GraphError(413, "requestTooLarge", message, whole ? {} : { Connection: "close" });
}

export interface UploadTarget {
  /** Existing file to replace. */
  existing?: ItemRecord;
  /** Parent folder and name of a new file (when `existing` is undefined, or to report conflicts). */
  parent?: ItemRecord;
  name?: string;
}

/** `PUT …/content` (simple upload). */
export async function simplePut(
  ctx: GraphContext,
  deps: GraphDeps,
  list: ListRecord,
  site: SiteRecord,
  target: UploadTarget,
  res: ServerResponse,
): Promise<void> {
  const req = ctx.req;
  const declared = Number(req.headers["content-length"] ?? NaN);
  if (Number.isFinite(declared) && declared > SIMPLE_UPLOAD_LIMIT) {
    await refuseBody(req, declared, "The request is too large for a simple upload; use an upload session.");
  }
  const conflict = conflictOf(req.url.searchParams.get("@microsoft.graph.conflictBehavior"), "replace");
  const limited = (): Readable =>
    limitedBody(req.stream(), SIMPLE_UPLOAD_LIMIT, () => new GraphError(413, "requestTooLarge", "The request is too large for a simple upload; use an upload session."));
  const store = ctx.store;
  let existing = target.existing;
  if (existing?.isFolder) throw new GraphError(400, "invalidRequest", "Cannot upload content to a folder.");
  if (!existing && target.parent && target.name !== undefined) {
    const found = ctx.itemAtPath(target.parent, target.name);
    if (found?.isFolder) throw new GraphError(409, "nameAlreadyExists", "The specified item name already exists.");
    if (found && conflict === "fail") throw new GraphError(409, "nameAlreadyExists", "The specified item name already exists.");
    if (found && conflict === "replace") existing = found;
  }
  const ifMatch = checkIfMatch(req.headers["if-match"], existing);
  let item: ItemRecord;
  let status: number;
  if (existing) {
    item = await store.replaceContent(existing.uniqueId, limited(), { userId: ctx.userId, ifMatch });
    status = 200;
  } else {
    if (!target.parent || target.name === undefined) throw new GraphError(404, "itemNotFound", "Item not found");
    const name = conflict === "rename" ? freeName(ctx, target.parent, target.name) : target.name;
    item = await store.putFile(target.parent.uniqueId, name, limited(), { userId: ctx.userId, overwrite: false });
    status = 201;
  }
  sendJson(res, status, itemJson(ctx, list, site, item, { tempAuth: deps.tempAuth }));
}

interface SessionBody {
  item?: { "@microsoft.graph.conflictBehavior"?: unknown; name?: unknown };
  deferCommit?: unknown;
}

export class UploadSessions {
  private readonly sessions = new Map<string, SessionState>();

  constructor(private readonly deps: GraphDeps) {}

  /** `POST …/createUploadSession`. */
  create(ctx: GraphContext, list: ListRecord, site: SiteRecord, target: UploadTarget, body: SessionBody, res: ServerResponse): void {
    const conflict = conflictOf(body.item?.["@microsoft.graph.conflictBehavior"], "replace");
    let existing = target.existing;
    let parent = target.parent;
    let name = target.name;
    if (existing?.isFolder) throw new GraphError(400, "invalidRequest", "Cannot upload content to a folder.");
    if (!existing && parent && name !== undefined) {
      const found = ctx.itemAtPath(parent, name);
      if (found && (found.isFolder || conflict === "fail")) throw new GraphError(409, "nameAlreadyExists", "The specified item name already exists.");
      if (found && conflict === "replace") existing = found;
      if (found && conflict === "rename") name = freeName(ctx, parent, name);
    }
    const ifMatch = checkIfMatch(ctx.req.headers["if-match"], existing);
    if (existing) {
      parent = undefined;
      name = undefined;
    }
    if (!existing && (!parent || name === undefined)) throw new GraphError(404, "itemNotFound", "Item not found");
    const uploadId = randomUUID();
    const now = Date.now();
    const claims: UploadClaims = {
      k: "up",
      tenant: ctx.tenant.name,
      uploadId,
      listId: list.id,
      userId: ctx.userId,
      session: ctx.session,
      conflict,
      deferCommit: body.deferCommit === true,
      exp: now + UPLOAD_URL_LIFETIME_MS,
    };
    if (existing) claims.uniqueId = existing.uniqueId;
    if (parent) claims.parentId = parent.uniqueId;
    if (name !== undefined) claims.name = name;
    if (ifMatch !== undefined) claims.ifMatch = ifMatch;
    const state: SessionState = { expires: now + SESSION_IDLE_MS, state: "open" };
    this.sessions.set(uploadId, state);
    const token = this.deps.tempAuth.sign(claims);
    const parentRef = existing ? existing.uniqueId : (parent?.uniqueId ?? "");
    const uploadUrl = `${ctx.siteUrl(site)}/_api/v2.0/drives/${list.driveId}/items/${parentRef}/uploadSession?guid='${uploadId}'&overwrite=${conflict === "replace" ? "True" : "False"}&rename=${conflict === "rename" ? "True" : "False"}&dc=${claims.deferCommit ? 1 : 0}&tempauth=${token}`;
    sendJson(res, 200, {
      "@odata.context": `${ctx.siteUrl(site)}/_api/v2.0/$metadata#oneDrive.uploadSession`,
      uploadUrl,
      expirationDateTime: new Date(state.expires).toISOString(),
      nextExpectedRanges: ["0-"],
    });
  }

  /** PUT (fragment), GET (status), DELETE (cancel) and POST (commit a deferred session) on an uploadUrl. */
  async handle(req: EmuRequest, res: ServerResponse): Promise<void> {
    try {
      await this.serve(req, res);
    } catch (err) {
      // Keep reading what the client still sends, so it reads the answer instead of EPIPE.
      if (req.method === "PUT") void drainBody(req, 0, Infinity);
      sendFailure(res, err);
    }
  }

  private async serve(req: EmuRequest, res: ServerResponse): Promise<void> {
    const store = this.deps.env.store;
    const claims = this.deps.tempAuth.verify(req.url.searchParams.get("tempauth"), "up");
    const guid = (req.url.searchParams.get("guid") ?? "").replace(/'/g, "");
    if (!claims || !req.tenant || claims.tenant !== req.tenant.name || claims.uploadId !== guid) {
      throw new GraphError(401, "unauthenticated", "Invalid or expired upload URL.");
    }
    const id = claims.uploadId;
    let session = this.sessions.get(id);
    if (!session) {
      // The process restarted since the session was created: the staged bytes are still in the store.
      session = { expires: Date.now() + SESSION_IDLE_MS, state: "open" };
      this.sessions.set(id, session);
    }
    if (session.state === "completed" || session.state === "cancelled" || session.expires <= Date.now()) {
      if (session.state === "open") {
        session.state = "cancelled";
        safeCancel(this.deps.env, id);
      }
      throw new GraphError(404, "itemNotFound", "The upload session was not found or has expired.");
    }
    if (session.state === "busy" && (req.method === "PUT" || req.method === "POST")) {
      throw new GraphError(409, "invalidRequest", "Another fragment of this upload session is being received.");
    }
    const staged = store.uploadState(id)?.size ?? 0;
    const target = { uniqueId: claims.uniqueId, parentId: claims.parentId, name: claims.name };
    const cleanTarget = Object.fromEntries(Object.entries(target).filter(([, v]) => v !== undefined)) as typeof target;

    switch (req.method) {
      case "GET":
        sendJson(res, 200, this.status(session, staged));
        return;
      case "DELETE":
        session.state = "cancelled";
        safeCancel(this.deps.env, id);
        sendNoContent(res);
        return;
      case "POST": {
        if (!claims.deferCommit) throw new GraphError(400, "invalidRequest", "The upload session does not defer its commit.");
        if (session.total === undefined || staged !== session.total) {
          throw new GraphError(400, "invalidRequest", "The upload session is missing bytes.", {}, { nextExpectedRanges: this.status(session, staged).nextExpectedRanges });
        }
        await this.finish(req, res, claims, session, id);
        return;
      }
      case "PUT":
        break;
      default:
        throw new GraphError(405, "notSupported", `Method ${req.method} is not allowed on an upload session.`);
    }

    const m = /^\s*bytes\s+(\d+)-(\d+)\/(\d+)\s*$/i.exec(req.headers["content-range"] ?? "");
    if (!m) throw new GraphError(400, "invalidRequest", "The Content-Range header is missing or malformed (bytes start-end/total).");
    const start = Number(m[1]);
    const end = Number(m[2]);
    const total = Number(m[3]);
    const length = end - start + 1;
    if (!(end >= start) || !(total > 0) || end >= total) throw new GraphError(400, "invalidRange", "The Content-Range header is not valid for this upload.");
    if (session.total !== undefined && session.total !== total) {
      throw new GraphError(400, "invalidRequest", `The declared file size ${total} differs from the session's ${session.total}.`);
    }
    const declared = req.headers["content-length"];
    if (declared !== undefined && Number(declared) !== length) {
      throw new GraphError(400, "invalidRequest", "Content-Length does not match the Content-Range.");
    }
    if (length > MAX_FRAGMENT) await refuseBody(req, Number(declared ?? length), "The fragment is larger than 60 MiB.");
    if (start !== staged) {
      session.total ??= total;
      throw new GraphError(416, "invalidRange", start < staged ? "The uploaded fragment overlaps with data that has already been received." : "The uploaded fragment does not start at the next expected byte.", {}, {
        nextExpectedRanges: this.status(session, staged).nextExpectedRanges,
      });
    }
    if (end + 1 < total && length % FRAGMENT_MULTIPLE !== 0) {
      throw new GraphError(400, "invalidRange", "The fragment size must be a multiple of 320 KiB (327,680 bytes).");
    }
    session.total = total;
    session.state = "busy";
    let size: number;
    try {
      const body = limitedBody(req.stream(), length, () => new GraphError(400, "invalidRequest", "The body is longer than the Content-Range."));
      size = await store.appendUpload(id, cleanTarget, start, body, claims.userId);
    } finally {
      session.state = "open";
    }
    session.expires = Date.now() + SESSION_IDLE_MS;
    if (size < total || claims.deferCommit) {
      sendJson(res, 202, this.status(session, size));
      return;
    }
    await this.finish(req, res, claims, session, id);
  }

  private status(session: SessionState, staged: number): { expirationDateTime: string; nextExpectedRanges: string[] } {
    const total = session.total;
    const ranges = total === undefined ? [`${staged}-`] : staged >= total ? [] : [`${staged}-${total - 1}`];
    return { expirationDateTime: new Date(session.expires).toISOString(), nextExpectedRanges: ranges };
  }

  private async finish(req: EmuRequest, res: ServerResponse, claims: UploadClaims, session: SessionState, id: string): Promise<void> {
    const env = this.deps.env;
    const principal = requirePrincipalFromClaims(env, req, claims);
    const list = env.store.listById(claims.listId);
    const site = list ? env.store.siteById(principal.tenant.name, list.siteId) : undefined;
    if (!list || !site) throw new GraphError(404, "itemNotFound", "The target library no longer exists.");
    const ctx = principal.ctx(this.deps);
    ctx.requireAccess(site);
    let existing = claims.uniqueId ? env.store.itemByUniqueId(claims.uniqueId) : undefined;
    if (claims.uniqueId && !existing) throw new GraphError(404, "itemNotFound", "The file being replaced no longer exists.");
    if (!existing && claims.parentId && claims.name !== undefined) {
      const parent = env.store.itemByUniqueId(claims.parentId);
      if (!parent) throw new GraphError(404, "itemNotFound", "The target folder no longer exists.");
      const found = ctx.itemAtPath(parent, claims.name);
      if (found && (found.isFolder || claims.conflict !== "replace")) throw new GraphError(409, "nameAlreadyExists", "The specified item name already exists.");
      existing = found;
    }
    session.state = "busy";
    let item: ItemRecord;
    try {
      item = await env.store.finishUpload(id, { userId: claims.userId, overwrite: claims.conflict === "replace", ifMatch: claims.ifMatch });
      session.state = "completed";
    } catch (err) {
      session.state = "open";
      throw err;
    }
    sendJson(res, existing ? 200 : 201, itemJson(ctx, list, site, item, { tempAuth: this.deps.tempAuth }));
  }
}

function safeCancel(env: EmulatorEnv, id: string): void {
  try {
    env.store.cancelUpload(id);
  } catch {
    // Nothing staged yet: nothing to cancel.
  }
}

/**
 * The upload URL is pre-authenticated: the user named in its claims acts, without a bearer token.
 * Their site membership is still checked when the file is committed.
 */
function requirePrincipalFromClaims(env: EmulatorEnv, req: EmuRequest, claims: UploadClaims): { tenant: NonNullable<EmuRequest["tenant"]>; ctx: (deps: GraphDeps) => GraphContext } {
  const tenant = req.tenant;
  if (!tenant) throw new GraphError(404, "itemNotFound", "Unknown tenant.");
  const user = env.store.userById(tenant.name, claims.userId);
  const principal = { tenant: tenant.name, user, appId: user ? env.clientId : claims.userId, audience: req.url.origin, expiresAt: Date.now() + 3600_000 };
  return { tenant, ctx: (deps) => new GraphContext(deps, req, tenant, principal, claims.session) };
}
