const TICKS_AT_UNIX_EPOCH = 621355968000000000n;
export function ticksOf(iso) {
    const ms = Date.parse(iso);
    return (BigInt(Number.isNaN(ms) ? 0 : ms) * 10000n + TICKS_AT_UNIX_EPOCH).toString();
}
export function msOfTicks(ticks) {
    try {
        return Number((BigInt(ticks) - TICKS_AT_UNIX_EPOCH) / 10000n);
    }
    catch {
        return NaN;
    }
}
export function parseChangeToken(text) {
    const m = /^1;(\d+);([0-9a-fA-F-]{36});(-?\d+);(-?\d+)$/.exec(text.trim());
    if (!m)
        return undefined;
    return { scope: Number(m[1]), scopeId: m[2].toLowerCase(), ticks: m[3], n: Number(m[4]) };
}
function changeTime(store, listId, n) {
    if (n <= 0)
        return undefined;
    try {
        return store.changesSince(listId, n - 1, 1)[0]?.time;
    }
    catch {
        return undefined;
    }
}
export function listToken(listId, n, time) {
    return `1;3;${listId};${ticksOf(time)};${n}`;
}
export function listChangeToken(store, list) {
    const n = store.currentChange(list.id);
    return listToken(list.id, n, changeTime(store, list.id, n) ?? list.created);
}
/** Bounded memory of issued web tokens (oldest dropped first). */
const MAX_WEB_SNAPSHOTS = 20000;
const snapshots = new WeakMap();
function snapshotTable(store) {
    let t = snapshots.get(store);
    if (!t) {
        // Handles start at the clock so a restarted emulator does not reuse the handles of an earlier run.
        t = { next: Date.now(), byHandle: new Map() };
        snapshots.set(store, t);
    }
    return t;
}
export function webChangeToken(store, site) {
    const t = snapshotTable(store);
    const positions = new Map();
    let newest = site.created;
    for (const l of store.lists(site.id)) {
        const n = store.currentChange(l.id);
        positions.set(l.id, n);
        const time = changeTime(store, l.id, n);
        if (time && time > newest)
            newest = time;
    }
    // Reuse the newest handle when nothing moved, so repeated reads of an idle web give one token.
    const last = t.byHandle.get(t.next - 1);
    if (last && last.siteId === site.id && sameMap(last.positions, positions))
        return `1;2;${site.webId};${ticksOf(newest)};${t.next - 1}`;
    const handle = t.next++;
    t.byHandle.set(handle, { siteId: site.id, positions });
    if (t.byHandle.size > MAX_WEB_SNAPSHOTS) {
        const oldest = t.byHandle.keys().next().value;
        if (oldest !== undefined)
            t.byHandle.delete(oldest);
    }
    return `1;2;${site.webId};${ticksOf(newest)};${handle}`;
}
function sameMap(a, b) {
    if (a.size !== b.size)
        return false;
    for (const [k, v] of a)
        if (b.get(k) !== v)
            return false;
    return true;
}
/** Per-list starting positions for a web token; undefined when the handle is unknown (use ticks). */
export function webTokenPositions(store, site, token) {
    const snap = snapshotTable(store).byHandle.get(token.n);
    if (!snap || snap.siteId !== site.id)
        return undefined;
    return snap.positions;
}
/** A web token for explicit per-list positions (the resume point after a change in a web-scope result). */
export function webTokenFor(store, site, positions, time) {
    const t = snapshotTable(store);
    const handle = t.next++;
    t.byHandle.set(handle, { siteId: site.id, positions: new Map(positions) });
    if (t.byHandle.size > MAX_WEB_SNAPSHOTS) {
        const oldest = t.byHandle.keys().next().value;
        if (oldest !== undefined)
            t.byHandle.delete(oldest);
    }
    return `1;2;${site.webId};${ticksOf(time)};${handle}`;
}
//# sourceMappingURL=tokens.js.map