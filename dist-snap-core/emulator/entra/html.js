/** The small HTML pages of the sign-in experience, shaped like Entra's (title, card, one form). */
import { escapeHtml } from "./respond.js";
export function page(title, body) {
    return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
body{font-family:"Segoe UI",sans-serif;background:#f2f2f2;margin:0}
main{max-width:440px;margin:10vh auto;background:#fff;padding:44px;box-shadow:0 2px 6px rgba(0,0,0,.2)}
h1{font-size:24px;font-weight:600;margin:0 0 16px}
label{display:block;margin:12px 0 4px}
input[type=text]{width:100%;box-sizing:border-box;padding:6px 0;border:0;border-bottom:1px solid #666;font-size:15px}
button{margin-top:20px;padding:6px 20px;font-size:15px;border:1px solid #0067b8;background:#0067b8;color:#fff;cursor:pointer}
button.secondary{background:#ccc;border-color:#ccc;color:#000}
button.account{display:block;width:100%;text-align:left;background:#fff;color:#000;border:0;border-bottom:1px solid #ddd;padding:12px 0}
.error{color:#e81123}
.brand{font-size:15px;color:#5e5e5e;margin-bottom:12px}
</style></head>
<body><main><div class="brand">Konnekt emulator &middot; Microsoft Entra ID</div>
${body}
</main></body></html>
`;
}
export function hidden(name, value) {
    return `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`;
}
export function errorPage(title, message) {
    return page(title, `<h1>${escapeHtml(title)}</h1><p class="error" id="error">${escapeHtml(message)}</p>`);
}
//# sourceMappingURL=html.js.map