/**
 * Settings: the user's config file and the machine policy, layered over the defaults.
 *
 * - User file: `$XDG_CONFIG_HOME/konnekt/config.json`, a flat JSON object of dotted keys, written
 *   atomically (temporary file, fsync, rename, fsync of the directory), mode 0600.
 * - Policy: `KONNEKT_POLICY_FILE` (default /etc/konnekt/policy.json; HKLM on Windows), same shape.
 *   A key present in policy is locked: `config.set`/`config.unset` answer `policyLocked`.
 * - A bad value never replaces a good one: at load, a key that fails validation keeps its last
 *   good value (the default at first load) and is reported in `problems` naming the key; a file
 *   that is not JSON keeps the whole last good layer. Unknown keys are reported and preserved.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from "node:fs";
import { dirname, join } from "node:path";
import { Ajv } from "ajv";
import { KonnektError } from "../../workers/errors.js";
import { CONFIG_KEYS, isConfigKey } from "./schema.js";
export class ConfigStore {
    paths;
    validators = new Map();
    ajv = new Ajv({ allErrors: false, strict: true, allowUnionTypes: true });
    user = new Map();
    policy = new Map();
    /** Keys in the user file we do not know (a newer version wrote them): kept when rewriting. */
    unknownUserKeys = {};
    userFileUnreadable;
    listeners = [];
    problems = [];
    constructor(paths) {
        this.paths = paths;
        for (const key of Object.keys(CONFIG_KEYS))
            this.validators.set(key, this.ajv.compile(CONFIG_KEYS[key].schema));
    }
    get file() {
        return this.paths.configFile;
    }
    get policyFile() {
        return this.paths.policyFile;
    }
    /** (Re)reads both files; returns the problems found. */
    load() {
        const problems = [];
        const user = this.readLayer(this.paths.configFile, this.user, problems, true);
        const policy = this.readLayer(this.paths.policyFile, this.policy, problems, false);
        this.user = user;
        this.policy = policy;
        this.problems = problems;
        return problems;
    }
    onChange(listener) {
        this.listeners.push(listener);
    }
    keys() {
        return Object.keys(CONFIG_KEYS);
    }
    /** The effective value (policy > user > default). */
    value(key) {
        if (this.policy.has(key))
            return this.policy.get(key);
        if (this.user.has(key))
            return this.user.get(key);
        return CONFIG_KEYS[key].default(this.paths);
    }
    get(key) {
        return this.setting(this.known(key));
    }
    list() {
        return this.keys().map((k) => this.setting(k));
    }
    set(key, value) {
        const name = this.known(key);
        this.assertUnlocked(name);
        const problem = this.validate(name, value);
        if (problem !== undefined)
            throw new KonnektError("configInvalid", `Invalid value for ${name}: ${problem}.`, { key: name });
        const next = new Map(this.user);
        next.set(name, value);
        this.persist(next);
        this.changed(name);
        return this.setting(name);
    }
    unset(key) {
        const name = this.known(key);
        this.assertUnlocked(name);
        if (this.user.has(name)) {
            const next = new Map(this.user);
            next.delete(name);
            this.persist(next);
            this.changed(name);
        }
        return this.setting(name);
    }
    setting(key) {
        const def = CONFIG_KEYS[key];
        const locked = this.policy.has(key);
        return {
            key,
            value: this.value(key),
            default: def.default(this.paths),
            source: locked ? "policy" : this.user.has(key) ? "user" : "default",
            locked,
            description: def.description,
        };
    }
    known(key) {
        if (!isConfigKey(key))
            throw new KonnektError("notFound", `Unknown configuration key '${key}'.`, { key });
        return key;
    }
    assertUnlocked(key) {
        if (this.policy.has(key)) {
            throw new KonnektError("policyLocked", `${key} is set by machine policy (${this.paths.policyFile}) and cannot be changed.`, { key });
        }
    }
    validate(key, value) {
        const v = this.validators.get(key);
        if (v(value))
            return undefined;
        return this.ajv.errorsText(v.errors, { dataVar: key, separator: "; " });
    }
    changed(key) {
        for (const l of this.listeners)
            l(key);
    }
    readLayer(file, previous, problems, isUser) {
        let text;
        try {
            text = readFileSync(file, "utf8");
        }
        catch (err) {
            if (err.code === "ENOENT") {
                if (isUser) {
                    this.userFileUnreadable = undefined;
                    this.unknownUserKeys = {};
                }
                return new Map();
            }
            problems.push({ key: "(file)", message: `cannot read: ${err.message}`, file });
            if (isUser)
                this.userFileUnreadable = err.message;
            return previous;
        }
        let parsed;
        try {
            parsed = JSON.parse(text);
        }
        catch (err) {
            problems.push({ key: "(file)", message: `not valid JSON (${err.message}); keeping the last good settings`, file });
            if (isUser)
                this.userFileUnreadable = "it is not valid JSON";
            return previous;
        }
        if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
            problems.push({ key: "(file)", message: "must be a JSON object of settings; keeping the last good settings", file });
            if (isUser)
                this.userFileUnreadable = "it is not a JSON object";
            return previous;
        }
        if (isUser) {
            this.userFileUnreadable = undefined;
            this.unknownUserKeys = {};
        }
        const layer = new Map();
        for (const [key, value] of Object.entries(parsed)) {
            if (!isConfigKey(key)) {
                problems.push({ key, message: "unknown key (ignored)", file });
                if (isUser)
                    this.unknownUserKeys[key] = value;
                continue;
            }
            const problem = this.validate(key, value);
            if (problem === undefined)
                layer.set(key, value);
            else {
                problems.push({ key, message: `${problem}; keeping ${previous.has(key) ? "the last good value" : "the default"}`, file });
                if (previous.has(key))
                    layer.set(key, previous.get(key));
            }
        }
        return layer;
    }
    persist(next) {
        if (this.userFileUnreadable !== undefined) {
            throw new KonnektError("configInvalid", `Cannot change settings: ${this.paths.configFile} cannot be used (${this.userFileUnreadable}); fix or remove it first.`, {
                key: "(file)",
            });
        }
        const object = { ...this.unknownUserKeys };
        for (const [k, v] of next)
            object[k] = v;
        writeFileAtomic(this.paths.configFile, `${JSON.stringify(object, null, 2)}\n`);
        this.user = next;
    }
}
/** Replaces `file` so that a reader sees the old or the new content, never a mix, even after a crash. */
export function writeFileAtomic(file, content) {
    const dir = dirname(file);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const tmp = join(dir, `.${process.pid}.${Date.now()}.tmp`);
    const fd = openSync(tmp, "w", 0o600);
    try {
        const bytes = Buffer.from(content, "utf8");
        let offset = 0;
        while (offset < bytes.length)
            offset += writeSync(fd, bytes, offset);
        fsyncSync(fd);
    }
    finally {
        closeSync(fd);
    }
    renameSync(tmp, file);
    const dirFd = openSync(dir, "r");
    try {
        fsyncSync(dirFd);
    }
    finally {
        closeSync(dirFd);
    }
}
//# sourceMappingURL=store.js.map