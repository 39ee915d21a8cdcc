/**
 * `GET …/root/delta` ("driveItem: delta").
 *
 * Tokens are opaque to clients: base64url JSON, either
 * - `{"l":listId,"c":n,"s":[frames]}` — a full enumeration in progress (`s` = traversal stack),
 *   `c` = the list's change number when it started, or
 * - `{"l":listId,"c":n}` — "changes after change number n" (a deltaLink, or the next page of one).
 *
 * Full enumeration: the root first, then a pre-order walk in which every folder is listed before
 * its contents (parents before children, as documented). A frame first lists all children of its
 * folder (`phase a`), then walks its subfolders one at a time (`phase f`), so a frame's state is two
 * store cursors and the stack is as deep as the tree. Changes made during the walk are replayed by
 * the deltaLink, which starts at the change number taken before the walk.
 *
 * Incremental: the store's change log (`changesSince`) collapsed per item within a page, in order
 * of first appearance (a new folder still precedes its new children); each item is returned as it
 * is now (a rename or move shows the item at its new place) or, when gone from the drive, with the
 * `deleted` facet. An expired token (store `changeTokenExpired`) answers 410 Gone with
 * `resyncChangesApplyDifferences` and a Location that restarts the enumeration.
 */
import type { ItemRecord, ListRecord, SiteRecord } from "../store/types.js";
import { GraphContext } from "./context.js";
import { GraphError } from "./errors.js";
import { deletedJson, itemJson, applySelect, type Json } from "./items.js";
import type { TempAuth } from "./tempauth.js";

interface Frame {
  /** Folder UniqueId. */
  f: string;
  /** Phase: listing all children, or walking subfolders. */
  p: "a" | "f";
  /** Store cursor within the phase. */
  a?: string;
}

interface DeltaToken {
  l: string;
  c: number;
  /** Stack of the full enumeration; absent for change-log tokens. Empty array = root not sent yet. */
  s?: Frame[];
  r?: 1; // root item sent
}

export function encodeToken(t: DeltaToken): string {
  return Buffer.from(JSON.stringify(t)).toString("base64url");
}

function decodeToken(text: string, list: ListRecord): DeltaToken {
  let t: DeltaToken;
  try {
    t = JSON.parse(Buffer.from(text, "base64url").toString("utf8")) as DeltaToken;
  } catch {
    throw new GraphError(400, "invalidRequest", "Invalid delta token.");
  }
  if (typeof t !== "object" || t === null || t.l !== list.id || typeof t.c !== "number") throw new GraphError(400, "invalidRequest", "Invalid delta token.");
  if (t.s !== undefined && (!Array.isArray(t.s) || t.s.some((f) => typeof f?.f !== "string" || (f.p !== "a" && f.p !== "f")))) {
    throw new GraphError(400, "invalidRequest", "Invalid delta token.");
  }
  return t;
}

export interface DeltaPage {
  value: Json[];
  nextToken?: string;
  deltaToken?: string;
}

export function deltaPage(ctx: GraphContext, tempAuth: TempAuth, list: ListRecord, site: SiteRecord, tokenParam: string | null, top: number, select: string | null): DeltaPage {
  const store = ctx.store;
  if (tokenParam === "latest") return { value: [], deltaToken: encodeToken({ l: list.id, c: store.currentChange(list.id) }) };
  const token: DeltaToken = tokenParam ? decodeToken(tokenParam, list) : { l: list.id, c: store.currentChange(list.id), s: [] };
  const json = (item: ItemRecord): Json => applySelect(itemJson(ctx, list, site, item, { delta: true, tempAuth }), select);

  if (token.s) {
    const value: Json[] = [];
    const stack = token.s;
    if (!token.r) {
      const root = store.rootFolder(list.id);
      value.push(json(root));
      stack.push({ f: root.uniqueId, p: "a" });
      token.r = 1;
    }
    while (value.length < top && stack.length > 0) {
      const frame = stack[stack.length - 1] as Frame;
      // A folder deleted or moved out since the last page: its changes come with the deltaLink.
      // (This also keeps a hand-made token from listing folders of another library.)
      const folder = store.itemByUniqueId(frame.f);
      if (!folder || !folder.isFolder || folder.listId !== list.id) {
        stack.pop();
        continue;
      }
      if (frame.p === "a") {
        const page = store.children(frame.f, { after: frame.a, limit: top - value.length, kind: "all" });
        for (const item of page.items) value.push(json(item));
        if (page.next === undefined) {
          frame.p = "f";
          delete frame.a;
        } else frame.a = page.next;
      } else {
        const page = store.children(frame.f, { after: frame.a, limit: 1, kind: "folders" });
        const sub = page.items[0];
        if (!sub) {
          stack.pop();
          continue;
        }
        if (page.next === undefined) stack.pop();
        else frame.a = page.next;
        stack.push({ f: sub.uniqueId, p: "a" });
      }
    }
    if (stack.length > 0) return { value, nextToken: encodeToken(token) };
    return { value, deltaToken: encodeToken({ l: list.id, c: token.c }) };
  }

  const changes = store.changesSince(list.id, token.c, top);
  const seen = new Set<string>();
  const value: Json[] = [];
  let last = token.c;
  for (const change of changes) {
    last = change.changeNumber;
    if (seen.has(change.uniqueId)) continue;
    seen.add(change.uniqueId);
    const item = store.itemByUniqueId(change.uniqueId);
    if (item && item.listId === list.id) value.push(json(item));
    else value.push(applySelect(deletedJson(list, change), select ? `${select},deleted` : null));
  }
  const next = encodeToken({ l: list.id, c: last });
  return changes.length >= top ? { value, nextToken: next } : { value, deltaToken: next };
}
