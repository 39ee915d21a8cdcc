/**
 * The daemon's log: pino JSON lines in `$XDG_STATE_HOME/konnekt/logs/daemon.log`, rotated by size,
 * secrets redacted (daemon/redact.ts), one child logger per tenant.
 *
 * Writes are synchronous (`fs.writeSync` on an O_APPEND descriptor): the daemon logs little, and a
 * synchronous write is in the kernel before the call returns, so a crash, an uncaught exception or
 * `process.exit()` never loses the lines that explain it (only the machine losing power can). An
 * asynchronous destination would need a flush hook on every exit path, and kill -9 would still lose
 * its buffer.
 */
import { closeSync, fstatSync, mkdirSync, openSync, readSync, renameSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import { pino } from "pino";
import { redactString, redactValue } from "./redact.js";
/** Rotate when the file would grow past this; 10 MiB holds days of normal operation. */
export const LOG_MAX_BYTES = 10 * 1024 * 1024;
/** Rotated files kept beside the live one: daemon.log.1 … daemon.log.N. */
export const LOG_KEEP_FILES = 3;
export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"];
/** An append-only log file that renames itself to `.1` (and shifts older ones) when full. */
export class RotatingFile {
    path;
    maxBytes;
    keep;
    fd;
    size;
    closed = false;
    constructor(path, maxBytes = LOG_MAX_BYTES, keep = LOG_KEEP_FILES) {
        this.path = path;
        this.maxBytes = maxBytes;
        this.keep = keep;
        mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
        this.fd = openSync(path, "a", 0o600);
        this.size = fstatSync(this.fd).size;
    }
    write(line) {
        if (this.closed)
            return false;
        const bytes = Buffer.from(line, "utf8");
        if (this.size > 0 && this.size + bytes.length > this.maxBytes)
            this.rotate();
        let offset = 0;
        while (offset < bytes.length)
            offset += writeSync(this.fd, bytes, offset);
        this.size += bytes.length;
        return true;
    }
    /** Nothing is buffered; present so callers can treat it like pino's destinations. */
    flushSync() { }
    close() {
        if (this.closed)
            return;
        this.closed = true;
        closeSync(this.fd);
    }
    rotate() {
        closeSync(this.fd);
        for (let i = this.keep - 1; i >= 1; i--)
            renameQuiet(`${this.path}.${i}`, `${this.path}.${i + 1}`);
        if (this.keep > 0)
            renameQuiet(this.path, `${this.path}.1`);
        this.fd = openSync(this.path, this.keep > 0 ? "a" : "w", 0o600);
        this.size = fstatSync(this.fd).size;
    }
}
function renameQuiet(from, to) {
    try {
        renameSync(from, to);
    }
    catch (err) {
        if (err.code !== "ENOENT")
            throw err;
    }
}
export function createLogger(options) {
    const destination = new RotatingFile(options.file, options.maxBytes, options.keep);
    const logger = pino({
        level: options.level ?? "info",
        base: { pid: process.pid, ...options.base },
        timestamp: pino.stdTimeFunctions.isoTime,
        // Errors are serialised (and scrubbed) by redactValue before pino sees them.
        serializers: { err: (e) => e },
        formatters: {
            log: (obj) => redactValue(obj),
            bindings: (bindings) => redactValue(bindings),
        },
        hooks: {
            logMethod(args, method) {
                const first = args[0];
                if (first instanceof Error && typeof args[1] !== "string")
                    args.splice(1, 0, first.message);
                for (let i = 0; i < args.length; i++) {
                    const a = args[i];
                    if (typeof a === "string")
                        args[i] = redactString(a);
                }
                method.apply(this, args);
            },
        },
    }, destination);
    return { logger, destination, file: options.file };
}
/** One child logger per tenant: every line of a tenant's work carries `tenant`. */
export function tenantLogger(logger, tenant) {
    return logger.child({ tenant });
}
/** Read block size for tail; log lines are short, so a few blocks usually suffice. */
const TAIL_BLOCK_BYTES = 64 * 1024;
/** Never read more than this from the end of the file, whatever `lines` asks for. */
const TAIL_MAX_BYTES = 16 * 1024 * 1024;
/** The last `count` lines of a file (oldest first); [] when the file does not exist. */
export function tailLines(file, count) {
    let fd;
    try {
        fd = openSync(file, "r");
    }
    catch (err) {
        if (err.code === "ENOENT")
            return [];
        throw err;
    }
    try {
        const size = fstatSync(fd).size;
        let position = size;
        let read = 0;
        const blocks = [];
        let newlines = 0;
        while (position > 0 && read < TAIL_MAX_BYTES && newlines <= count) {
            const length = Math.min(TAIL_BLOCK_BYTES, position);
            position -= length;
            const block = Buffer.alloc(length);
            let got = 0;
            while (got < length) {
                const n = readSync(fd, block, got, length - got, position + got);
                if (n === 0)
                    break;
                got += n;
            }
            blocks.unshift(block.subarray(0, got));
            read += got;
            for (const byte of block.subarray(0, got))
                if (byte === 0x0a)
                    newlines++;
        }
        const lines = Buffer.concat(blocks).toString("utf8").split("\n");
        // The first line may be cut in the middle when we stopped before the start of the file.
        if (position > 0)
            lines.shift();
        return lines.filter((l) => l.length > 0).slice(-count);
    }
    finally {
        closeSync(fd);
    }
}
//# sourceMappingURL=log.js.map