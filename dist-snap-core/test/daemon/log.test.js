// The daemon log: secrets redacted on disk, lines on disk whatever way the process ends, size
// rotation, tail, per-tenant child loggers.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import t from "tap";
import { createLogger, tailLines, tenantLogger } from "../../daemon/log.js";
import { redactString, redactValue } from "../../daemon/redact.js";
const FIXTURE = fileURLToPath(new URL("./fixture/log-then-exit.js", import.meta.url));
function tempDir(tt) {
    const dir = mkdtempSync(join(tmpdir(), "kl-"));
    tt.teardown(() => rmSync(dir, { recursive: true, force: true }));
    return dir;
}
const SECRETS = {
    bearer: "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJlLXNlY3JldA",
    tempauth: "v1.eyJzaXRlaWQiOiJTRUNSRVQtVEVNUEFVVEgifQ",
    refresh: "0.ARsA-REFRESH-SECRET-VALUE",
    cookie: "FedAuth=COOKIE-SECRET-77; rtFa=COOKIE-SECRET-88",
    clientSecret: "CLIENT-SECRET-VALUE-42",
    msgToken: "OPAQUE-TOKEN-IN-MESSAGE-9",
    errToken: "ACCESS-TOKEN-IN-ERROR-5",
};
void t.test("secrets never reach the log file", (t) => {
    const dir = tempDir(t);
    const file = join(dir, "daemon.log");
    const { logger, destination } = createLogger({ file, level: "trace" });
    const headers = new Headers({ Authorization: `Bearer ${SECRETS.bearer}`, Cookie: SECRETS.cookie, Accept: "application/json" });
    logger.info({
        req: {
            method: "GET",
            url: `https://contoso.sharepoint.com/sites/x/_layouts/15/download.aspx?UniqueId=abc&tempauth=${SECRETS.tempauth}&ApiVersion=2.0`,
            headers: { Authorization: `Bearer ${SECRETS.bearer}`, cookie: SECRETS.cookie, "user-agent": "konnekt" },
        },
        fetchHeaders: headers,
        tokenResponse: { access_token: SECRETS.bearer, refresh_token: SECRETS.refresh, expires_in: 3600 },
        config: { clientSecret: SECRETS.clientSecret, tenant: "contoso" },
    }, "request");
    logger.warn(`retrying with Bearer ${SECRETS.msgToken}`);
    logger.error({ err: new Error(`token endpoint said no: https://login/x?access_token=${SECRETS.errToken}&state=1`) }, "failed");
    logger.error(new Error(`callback https://localhost/cb?code=${SECRETS.errToken}`));
    tenantLogger(logger, "contoso").info({ refreshToken: SECRETS.refresh }, "tenant line");
    destination.close();
    const text = readFileSync(file, "utf8");
    for (const [name, secret] of Object.entries(SECRETS))
        t.notOk(text.includes(secret), `${name} is not in the log`);
    for (const part of ["COOKIE-SECRET-77", "COOKIE-SECRET-88"])
        t.notOk(text.includes(part), part);
    const lines = text.trim().split("\n").map((l) => JSON.parse(l));
    t.equal(lines.length, 5);
    const first = lines[0];
    t.match(first.req.url, /^https:\/\/contoso\.sharepoint\.com\/sites\/x\/_layouts\/15\/download\.aspx\?UniqueId=abc&tempauth=\[Redacted\]&ApiVersion=2\.0$/, "URL kept, credential cut");
    t.equal(first.req.headers.Authorization, "[Redacted]");
    t.equal(first.req.headers["user-agent"], "konnekt", "harmless headers kept");
    t.equal(first.fetchHeaders.authorization, "[Redacted]");
    t.equal(first.fetchHeaders.accept, "application/json");
    t.equal(first.tokenResponse.expires_in, 3600);
    t.equal(first.tokenResponse.access_token, "[Redacted]");
    t.equal(first.config.tenant, "contoso");
    t.match(lines[1].msg, "Bearer [Redacted]");
    t.match(lines[2].err.message, "access_token=[Redacted]&state=1");
    t.match(lines[2].err.stack, "access_token=[Redacted]", "stacks are scrubbed too");
    t.match(lines[3].msg, "code=[Redacted]");
    t.equal(lines[4].tenant, "contoso", "child logger per tenant");
    t.end();
});
void t.test("redaction helpers", (t) => {
    t.equal(redactString("Authorization: Bearer abc.def-ghi"), "Authorization: Bearer [Redacted]");
    t.equal(redactString("plain text with a token word"), "plain text with a token word");
    const circular = { a: 1 };
    circular.self = circular;
    t.same(redactValue(circular), { a: 1, self: "[Circular]" });
    t.same(redactValue({ buf: Buffer.from("secret") }), { buf: "[6 bytes]" });
    t.same(redactValue(new Map([["password", "x"], ["user", "u"]])), { password: "[Redacted]", user: "u" });
    t.end();
});
for (const mode of ["exit", "throw", "abort", "kill"]) {
    void t.test(`every line is on disk when the process ends by ${mode}`, async (t) => {
        const dir = tempDir(t);
        const file = join(dir, "fixture.log");
        const count = 2000;
        const child = spawn(process.execPath, [FIXTURE, file, mode, String(count)], { stdio: ["ignore", "ignore", "pipe"] });
        const exit = await new Promise((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
        if (mode === "exit")
            t.equal(exit.code, 3);
        if (mode === "throw")
            t.equal(exit.code, 1);
        if (mode === "abort")
            t.equal(exit.signal, "SIGABRT");
        if (mode === "kill")
            t.equal(exit.signal, "SIGKILL");
        const lines = readFileSync(file, "utf8").trim().split("\n");
        t.equal(lines.length, count);
        t.equal(JSON.parse(lines.at(-1)).seq, count - 1, "the last line written is there");
    });
}
void t.test("size-based rotation keeps a bounded number of files", (t) => {
    const dir = tempDir(t);
    const file = join(dir, "daemon.log");
    const { logger, destination } = createLogger({ file, maxBytes: 4096, keep: 3 });
    for (let i = 0; i < 400; i++)
        logger.info({ seq: i }, "rotation line");
    destination.close();
    const names = readdirSync(dir).sort();
    t.same(names, ["daemon.log", "daemon.log.1", "daemon.log.2", "daemon.log.3"]);
    for (const n of names)
        t.ok(statSync(join(dir, n)).size <= 4096, `${n} within the size limit`);
    const current = readFileSync(file, "utf8").trim().split("\n");
    t.equal(JSON.parse(current.at(-1)).seq, 399, "newest line in the live file");
    const older = readFileSync(`${file}.1`, "utf8").trim().split("\n");
    t.equal(JSON.parse(older.at(-1)).seq + 1, JSON.parse(current[0]).seq, ".1 ends where the live file starts");
    t.equal(statSync(file).mode & 0o777, 0o600, "log file is private");
    t.notOk(existsSync(`${file}.4`));
    t.end();
});
void t.test("tailLines returns the last lines in order, across read blocks", (t) => {
    const dir = tempDir(t);
    const file = join(dir, "daemon.log");
    t.same(tailLines(file, 10), [], "missing file → no lines");
    const { logger, destination } = createLogger({ file });
    const pad = "p".repeat(300);
    for (let i = 0; i < 1000; i++)
        logger.info({ seq: i, pad }, "tail line");
    destination.close();
    const last = tailLines(file, 250).map((l) => JSON.parse(l).seq);
    t.same(last, Array.from({ length: 250 }, (_, i) => 750 + i));
    t.equal(tailLines(file, 5000).length, 1000, "asking for more than there is returns all");
    t.end();
});
//# sourceMappingURL=log.test.js.map