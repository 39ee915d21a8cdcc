import { addTree, folderIdAt, teamSite } from "./build.js";
import { docx, pptx, xlsx } from "./ooxml.js";
import { addTenant, CONTOSO_TENANT_ID, FABRIKAM_TENANT_ID, user } from "./tenants.js";
export function seedDemo(store) {
    seedContoso(store);
    seedFabrikam(store);
}
export function seedContoso(store) {
    const users = addTenant(store, "contoso", CONTOSO_TENANT_ID, "Contoso", [
        { alias: "adele", displayName: "Adele Vance" },
        { alias: "megan", displayName: "Megan Bowen" },
        { alias: "nestor", displayName: "Nestor Wilke" },
    ]);
    const adele = user(users, "adele").id;
    const megan = user(users, "megan").id;
    const nestor = user(users, "nestor").id;
    const T = "contoso";
    const root = teamSite(store, { tenant: T, kind: "root", url: "/", title: "Contoso", description: "Contoso intranet", memberIds: [adele, megan, nestor] }, { styleLibrary: true });
    addTree(store, root.documents.rootFolderId, adele, {
        "Welcome.txt": "Welcome to the Contoso intranet.\nThis library holds company-wide documents.\n",
        "Company Handbook.docx": docx(["Contoso Company Handbook", "1. Working hours", "2. Holidays", "3. Expenses"]),
        Policies: {
            "Travel Policy.docx": docx(["Travel Policy", "Book economy class for flights under six hours."]),
            "Security Policy.txt": "Lock your screen when you leave your desk.\nReport phishing to security@contoso.com.\n",
        },
    });
    const marketing = teamSite(store, { tenant: T, kind: "sites", url: "/sites/marketing", title: "Marketing", description: "Marketing team", memberIds: [adele, megan] }, { styleLibrary: true });
    addTree(store, marketing.documents.rootFolderId, adele, {
        "Brand Guidelines.docx": docx(["Contoso Brand Guidelines", "Use the blue logo on light backgrounds."]),
        "Budget #1 100%.xlsx": xlsx([["Item", "Q1", "Q2"], ["Events", 12000, 15000], ["Online ads", 8000, 9500], ["Print", 3000, 2500]]),
        "Ümlaut Übersicht.docx": docx(["Übersicht der Kampagnen", "Größe, Maße und Änderungen."]),
        "日本語のファイル.txt": "これは日本語のテキストファイルです。\nマーケティング資料。\n",
        "emoji 🎉.txt": "Party time! 🎉🎈\n",
        "Launch Video.mp4": { synthetic: 5.5 * 1024 * 1024 },
        "2026": {
            Q1: {
                "Campaign Assets": {
                    "Press Release.docx": docx(["Press release", "Contoso launches its spring collection."]),
                    "Banner Text.txt": "Spring is here: 20% off everything.\n",
                    Images: { "readme.txt": "Put campaign images here.\n" },
                },
                "Q1 Summary.pptx": pptx("Q1 Marketing Summary"),
            },
            Q2: { "notes.txt": "Q2 planning notes:\n- trade fair in May\n- newsletter relaunch\n" },
        },
        "Shared with Partners": {},
    });
    const mdocs = marketing.documents.rootFolderUrl;
    const plan = folderIdAt(store, T, mdocs);
    store.putBytes(plan, "Plan.txt", Buffer.from("Marketing plan, draft 1.\n"), { userId: adele, comment: "First draft" });
    store.putBytes(plan, "Plan.txt", Buffer.from("Marketing plan, draft 2: added budget.\n"), { userId: megan, overwrite: true, comment: "Budget" });
    store.putBytes(plan, "Plan.txt", Buffer.from("Marketing plan, final: budget and timeline agreed.\n"), { userId: adele, overwrite: true, comment: "Final" });
    store.putBytes(plan, "Checked Out Draft.docx", docx(["Draft being edited by Megan."]), { userId: megan });
    store.checkOut(folderIdAt(store, T, `${mdocs}/Checked Out Draft.docx`), megan);
    const campaigns = store.createList(marketing.site.id, "Campaigns", "Campaigns", { baseTemplate: 101, enableVersioning: true });
    addTree(store, campaigns.rootFolderId, megan, {
        "Spring Launch": {
            "Deck.pptx": pptx("Spring Launch"),
            "Ideas.txt": "Ideas for the spring launch:\n1. Pop-up store\n2. Influencer week\n",
        },
        "Autumn Sale": { "Timeline.xlsx": xlsx([["Week", "Task"], [1, "Teaser"], [2, "Launch"], [3, "Reminder"]]) },
    });
    const finance = teamSite(store, { tenant: T, kind: "sites", url: "/sites/finance", title: "Finance", description: "Finance department", memberIds: [adele, nestor] });
    addTree(store, finance.documents.rootFolderId, nestor, {
        Invoices: {
            "2025": { "INV-1001.txt": "Invoice 1001\nAmount: 1,250.00 EUR\n", "INV-1002.txt": "Invoice 1002\nAmount: 980.00 EUR\n" },
            "2026": { "INV-2001.txt": "Invoice 2001\nAmount: 2,400.00 EUR\n" },
        },
        "Expense Policy.docx": docx(["Expense policy", "Receipts are required above 25 EUR."]),
    });
    const reports = store.createList(finance.site.id, "Reports 2026", "Reports 2026", { baseTemplate: 101, enableVersioning: true });
    addTree(store, reports.rootFolderId, nestor, {
        "Q1 Report.xlsx": xlsx([["Account", "Amount"], ["Revenue", 1200000], ["Costs", 950000]]),
        "Annual Summary.docx": docx(["Annual summary 2026", "Draft."]),
        Drafts: { "Forecast.xlsx": xlsx([["Month", "Forecast"], ["Jan", 100], ["Feb", 110]]) },
    });
    const engineering = teamSite(store, {
        tenant: T,
        kind: "teams",
        url: "/teams/engineering",
        title: "Engineering",
        description: "Engineering team",
        webTemplate: "GROUP",
        memberIds: [adele, megan, nestor],
    });
    addTree(store, engineering.documents.rootFolderId, nestor, {
        "README.md": "# Engineering\n\nDesign documents and code samples.\n",
        "Architecture.docx": docx(["Architecture overview", "Services, queues and storage."]),
        Specs: { "API Design.docx": docx(["API design", "REST, JSON, paging with cursors."]), "Storage Layout.txt": "Blobs by id, metadata in SQLite.\n" },
        src: { app: { lib: { "main.ts": 'export function main(): void {\n  console.log("hello");\n}\n', "util.ts": "export const answer = 42;\n" } } },
    });
    const od = store.personalSite(T, adele);
    const odDocs = store.lists(od.id)[0];
    addTree(store, odDocs.rootFolderId, adele, {
        "Notes.txt": "Personal notes.\n- call Megan about the budget\n- review the Q1 deck\n",
        "Personal Budget.xlsx": xlsx([["Category", "Amount"], ["Rent", 1200], ["Food", 400]]),
        Projects: { Konnekt: { "ideas.md": "# Ideas\n\n- mount SharePoint as a drive\n" } },
        "Trip Photos": { "itinerary.txt": "Day 1: Lisbon\nDay 2: Sintra\n" },
    });
}
function seedFabrikam(store) {
    const users = addTenant(store, "fabrikam", FABRIKAM_TENANT_ID, "Fabrikam", [
        { alias: "alex", displayName: "Alex Wilber" },
        { alias: "adele", displayName: "Adele Vance" },
    ]);
    const alex = user(users, "alex").id;
    const adele = user(users, "adele").id;
    const T = "fabrikam";
    const root = teamSite(store, { tenant: T, kind: "root", url: "/", title: "Fabrikam", description: "Fabrikam intranet", memberIds: [alex, adele] });
    addTree(store, root.documents.rootFolderId, alex, { "Welcome.txt": "Welcome to Fabrikam.\n" });
    const projects = teamSite(store, { tenant: T, kind: "sites", url: "/sites/projects", title: "Projects", description: "Customer projects", memberIds: [alex, adele] });
    addTree(store, projects.documents.rootFolderId, alex, {
        "Project Plan.docx": docx(["Project plan", "Milestones and owners."]),
        Tasks: { "Task List.xlsx": xlsx([["Task", "Owner"], ["Kick-off", "Alex"], ["Review", "Adele"]]) },
    });
}
//# sourceMappingURL=demo.js.map