import { addTenant, CONTOSO_TENANT_ID, user } from "./tenants.js";
export function seedEmpty(store) {
    const users = addTenant(store, "contoso", CONTOSO_TENANT_ID, "Contoso", [{ alias: "adele", displayName: "Adele Vance" }]);
    const adele = user(users, "adele").id;
    const site = store.createSite({ tenant: "contoso", kind: "root", url: "/", title: "Contoso", memberIds: [adele] });
    store.createList(site.id, "Documents", "Shared Documents", { baseTemplate: 101, enableVersioning: true });
}
//# sourceMappingURL=empty.js.map