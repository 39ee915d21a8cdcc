/** A site with the lists every team site has: "Documents" (/Shared Documents) and "Site Pages". */
export function teamSite(store, spec, opts = {}) {
    const site = store.createSite(spec);
    const documents = store.createList(site.id, "Documents", "Shared Documents", { baseTemplate: 101, enableVersioning: true });
    store.createList(site.id, "Site Pages", "SitePages", { baseTemplate: 119, enableVersioning: true });
    if (opts.styleLibrary)
        store.createList(site.id, "Style Library", "Style Library", { baseTemplate: 101, hidden: true });
    return { site, documents };
}
function isSynthetic(v) {
    return typeof v === "object" && v !== null && !Buffer.isBuffer(v) && typeof v.synthetic === "number";
}
export function addTree(store, folderId, userId, tree) {
    for (const [name, value] of Object.entries(tree)) {
        if (typeof value === "string")
            store.putBytes(folderId, name, Buffer.from(value, "utf8"), { userId });
        else if (Buffer.isBuffer(value))
            store.putBytes(folderId, name, value, { userId });
        else if (isSynthetic(value))
            store.putSynthetic(folderId, name, value.synthetic, { userId });
        else {
            const f = store.createFolder(folderId, name, { userId });
            addTree(store, f.uniqueId, userId, value);
        }
    }
}
export function folderIdAt(store, tenant, path) {
    const it = store.itemByPath(tenant, path);
    if (!it)
        throw new Error(`seed path missing: ${path}`);
    return it.uniqueId;
}
//# sourceMappingURL=build.js.map