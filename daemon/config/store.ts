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
import { Ajv, type ValidateFunction } from "ajv";
import { KonnektError } from "../../workers/errors.js";
import type { Setting } from "../../rpc-schema/generated/methods.js";
import type { DaemonPaths } from "../paths.js";
import { CONFIG_KEYS, isConfigKey, type ConfigKeyName } from "./schema.js";

export interface ConfigProblem {
  key: string;
  message: string;
  file: string;
}

type Layer = Map<ConfigKeyName, unknown>;

export class ConfigStore {
  private readonly validators = new Map<ConfigKeyName, ValidateFunction>();
  private readonly ajv = new Ajv({ allErrors: false, strict: true, allowUnionTypes: true });
  private user: Layer = new Map();
  private policy: Layer = new Map();
  /** Keys in the user file we do not know (a newer version wrote them): kept when rewriting. */
  private unknownUserKeys: Record<string, unknown> = {};
  private userFileUnreadable: string | undefined;
  private listeners: ((key: ConfigKeyName) => void)[] = [];
  problems: ConfigProblem[] = [];

  constructor(private readonly paths: DaemonPaths) {
    for (const key of Object.keys(CONFIG_KEYS) as ConfigKeyName[]) this.validators.set(key, this.ajv.compile(CONFIG_KEYS[key].schema));
  }

  get file(): string {
    return this.paths.configFile;
  }

  get policyFile(): string {
    return this.paths.policyFile;
  }

  /** (Re)reads both files; returns the problems found. */
  load(): ConfigProblem[] {
    const problems: ConfigProblem[] = [];
    const user = this.readLayer(this.paths.configFile, this.user, problems, true);
    const policy = this.readLayer(this.paths.policyFile, this.policy, problems, false);
    this.user = user;
    this.policy = policy;
    this.problems = problems;
    return problems;
  }

  onChange(listener: (key: ConfigKeyName) => void): void {
    this.listeners.push(listener);
  }

  keys(): ConfigKeyName[] {
    return Object.keys(CONFIG_KEYS) as ConfigKeyName[];
  }

  /** The effective value (policy > user > default). */
  value(key: ConfigKeyName): unknown {
    if (this.policy.has(key)) return this.policy.get(key);
    if (this.user.has(key)) return this.user.get(key);
    return CONFIG_KEYS[key].default(this.paths);
  }

  get(key: string): Setting {
    return this.setting(this.known(key));
  }

  list(): Setting[] {
    return this.keys().map((k) => this.setting(k));
  }

  set(key: string, value: unknown): Setting {
    const name = this.known(key);
    this.assertUnlocked(name);
    const problem = this.validate(name, value);
    if (problem !== undefined) throw new KonnektError("configInvalid", `Invalid value for ${name}: ${problem}.`, { key: name });
    const next = new Map(this.user);
    next.set(name, value);
    this.persist(next);
    this.changed(name);
    return this.setting(name);
  }

  unset(key: string): Setting {
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

  private setting(key: ConfigKeyName): Setting {
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

  private known(key: string): ConfigKeyName {
    if (!isConfigKey(key)) throw new KonnektError("notFound", `Unknown configuration key '${key}'.`, { key });
    return key;
  }

  private assertUnlocked(key: ConfigKeyName): void {
    if (this.policy.has(key)) {
      throw new KonnektError("policyLocked", `${key} is set by machine policy (${this.paths.policyFile}) and cannot be changed.`, { key });
    }
  }

  private validate(key: ConfigKeyName, value: unknown): string | undefined {
    const v = this.validators.get(key)!;
    if (v(value)) return undefined;
    return this.ajv.errorsText(v.errors, { dataVar: key, separator: "; " });
  }

  private changed(key: ConfigKeyName): void {
    for (const l of this.listeners) l(key);
  }

  private readLayer(file: string, previous: Layer, problems: ConfigProblem[], isUser: boolean): Layer {
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") {
        if (isUser) {
          this.userFileUnreadable = undefined;
          this.unknownUserKeys = {};
        }
        return new Map();
      }
      problems.push({ key: "(file)", message: `cannot read: ${(err as Error).message}`, file });
      if (isUser) this.userFileUnreadable = (err as Error).message;
      return previous;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (err) {
      problems.push({ key: "(file)", message: `not valid JSON (${(err as Error).message}); keeping the last good settings`, file });
      if (isUser) this.userFileUnreadable = "it is not valid JSON";
      return previous;
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
      problems.push({ key: "(file)", message: "must be a JSON object of settings; keeping the last good settings", file });
      if (isUser) this.userFileUnreadable = "it is not a JSON object";
      return previous;
    }
    if (isUser) {
      this.userFileUnreadable = undefined;
      this.unknownUserKeys = {};
    }
    const layer: Layer = new Map();
    for (const [key, value] of Object.entries(parsed)) {
      if (!isConfigKey(key)) {
        problems.push({ key, message: "unknown key (ignored)", file });
        if (isUser) this.unknownUserKeys[key] = value;
        continue;
      }
      const problem = this.validate(key, value);
      if (problem === undefined) layer.set(key, value);
      else {
        problems.push({ key, message: `${problem}; keeping ${previous.has(key) ? "the last good value" : "the default"}`, file });
        if (previous.has(key)) layer.set(key, previous.get(key));
      }
    }
    return layer;
  }

  private persist(next: Layer): void {
    if (this.userFileUnreadable !== undefined) {
      throw new KonnektError("configInvalid", `Cannot change settings: ${this.paths.configFile} cannot be used (${this.userFileUnreadable}); fix or remove it first.`, {
        key: "(file)",
      });
    }
    const object: Record<string, unknown> = { ...this.unknownUserKeys };
    for (const [k, v] of next) object[k] = v;
    writeFileAtomic(this.paths.configFile, `${JSON.stringify(object, null, 2)}\n`);
    this.user = next;
  }
}

/** Replaces `file` so that a reader sees the old or the new content, never a mix, even after a crash. */
export function writeFileAtomic(file: string, content: string): void {
  const dir = dirname(file);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const tmp = join(dir, `.${process.pid}.${Date.now()}.tmp`);
  const fd = openSync(tmp, "w", 0o600);
  try {
    const bytes = Buffer.from(content, "utf8");
    let offset = 0;
    while (offset < bytes.length) offset += writeSync(fd, bytes, offset);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
  const dirFd = openSync(dir, "r");
  try {
    fsyncSync(dirFd);
  } finally {
    closeSync(dirFd);
  }
}
