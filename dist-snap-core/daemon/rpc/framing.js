import { AbstractMessageReader, Disposable } from "vscode-jsonrpc";
import { PROTOCOL_ERRORS } from "./errors.js";
/** Largest message body accepted (4 MiB): every method's params are small; this bounds memory per client. */
export const MAX_MESSAGE_BYTES = 4 * 1024 * 1024;
/** Largest header block accepted; real clients send one or two short lines. */
export const MAX_HEADER_BYTES = 8 * 1024;
const HEADER_END = Buffer.from("\r\n\r\n", "ascii");
export class BoundedMessageReader extends AbstractMessageReader {
    socket;
    onFault;
    chunks = [];
    total = 0;
    expected = -1;
    failed = false;
    limits;
    constructor(socket, onFault, limits = {}) {
        super();
        this.socket = socket;
        this.onFault = onFault;
        this.limits = { maxMessageBytes: limits.maxMessageBytes ?? MAX_MESSAGE_BYTES, maxHeaderBytes: limits.maxHeaderBytes ?? MAX_HEADER_BYTES };
    }
    listen(callback) {
        const onData = (chunk) => this.onData(chunk, callback);
        const onError = (err) => this.fireError(err);
        const onClose = () => this.fireClose();
        this.socket.on("data", onData);
        this.socket.on("error", onError);
        this.socket.on("close", onClose);
        return Disposable.create(() => {
            this.socket.off("data", onData);
            this.socket.off("error", onError);
            this.socket.off("close", onClose);
        });
    }
    onData(chunk, callback) {
        if (this.failed)
            return;
        this.chunks.push(chunk);
        this.total += chunk.length;
        while (!this.failed) {
            if (this.expected === -1 && !this.readHeaders())
                return;
            if (this.total < this.expected)
                return;
            const whole = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks, this.total);
            const body = whole.subarray(0, this.expected);
            const rest = whole.subarray(this.expected);
            this.chunks = rest.length > 0 ? [rest] : [];
            this.total = rest.length;
            this.expected = -1;
            const message = this.decode(body);
            if (message !== undefined)
                callback(message);
        }
    }
    /** Consumes one header block; false when more bytes are needed (or the stream failed). */
    readHeaders() {
        const buffer = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks, this.total);
        this.chunks = [buffer];
        const end = buffer.indexOf(HEADER_END);
        if (end === -1) {
            if (this.total > this.limits.maxHeaderBytes)
                this.fatal(`Header block longer than ${this.limits.maxHeaderBytes} bytes.`);
            return false;
        }
        if (end > this.limits.maxHeaderBytes) {
            this.fatal(`Header block longer than ${this.limits.maxHeaderBytes} bytes.`);
            return false;
        }
        let length;
        for (const line of buffer.subarray(0, end).toString("latin1").split("\r\n")) {
            const colon = line.indexOf(":");
            if (colon <= 0) {
                this.fatal(`Malformed header line: ${JSON.stringify(line.slice(0, 80))}.`);
                return false;
            }
            const name = line.slice(0, colon).trim().toLowerCase();
            const value = line.slice(colon + 1).trim();
            if (name === "content-length") {
                if (!/^\d{1,10}$/.test(value)) {
                    this.fatal(`Content-Length must be a decimal number, got ${JSON.stringify(value.slice(0, 20))}.`);
                    return false;
                }
                length = Number(value);
            }
            else if (name === "content-type") {
                const charset = /charset=([^;\s]+)/i.exec(value)?.[1]?.toLowerCase();
                if (charset !== undefined && charset !== "utf-8" && charset !== "utf8") {
                    this.fatal(`Unsupported charset ${JSON.stringify(charset)}: only utf-8 is accepted.`);
                    return false;
                }
            }
        }
        if (length === undefined) {
            this.fatal("Missing Content-Length header.");
            return false;
        }
        if (length > this.limits.maxMessageBytes) {
            this.fatal(`Message of ${length} bytes exceeds the limit of ${this.limits.maxMessageBytes} bytes.`);
            return false;
        }
        const rest = buffer.subarray(end + HEADER_END.length);
        this.chunks = rest.length > 0 ? [rest] : [];
        this.total = rest.length;
        this.expected = length;
        return true;
    }
    decode(body) {
        let value;
        try {
            value = JSON.parse(body.toString("utf8"));
        }
        catch {
            this.onFault({ fatal: false, code: PROTOCOL_ERRORS.parseError, message: "Parse error: the message body is not valid JSON.", id: null });
            return undefined;
        }
        const problem = jsonRpcProblem(value);
        if (problem !== undefined) {
            const rawId = typeof value === "object" && value !== null ? value.id : undefined;
            const id = typeof rawId === "string" || typeof rawId === "number" ? rawId : null;
            // Responses and notifications are never answered; a broken one is dropped after logging.
            const isRequest = typeof value === "object" && value !== null && "method" in value && id !== null;
            this.onFault({ fatal: false, code: PROTOCOL_ERRORS.invalidRequest, message: `Invalid request: ${problem}`, id: isRequest ? id : null });
            return undefined;
        }
        return value;
    }
    fatal(message) {
        this.failed = true;
        this.chunks = [];
        this.total = 0;
        this.onFault({ fatal: true, code: PROTOCOL_ERRORS.invalidRequest, message, id: null });
    }
}
/** Why a parsed value is not a JSON-RPC 2.0 message we can hand to vscode-jsonrpc, or undefined. */
export function jsonRpcProblem(value) {
    if (typeof value !== "object" || value === null || Array.isArray(value))
        return "a message must be a JSON object (batches are not supported).";
    const m = value;
    if (m.jsonrpc !== "2.0")
        return 'jsonrpc must be "2.0".';
    const hasId = "id" in m;
    if (hasId && typeof m.id !== "string" && typeof m.id !== "number" && m.id !== null)
        return "id must be a string or a number.";
    if ("method" in m) {
        if (typeof m.method !== "string" || m.method === "")
            return "method must be a non-empty string.";
        if (hasId && m.id === null)
            return "a request id must not be null.";
        if ("params" in m && (typeof m.params !== "object" || m.params === null))
            return "params must be an object or an array.";
        return undefined;
    }
    if (!hasId)
        return "a message needs a method (request, notification) or an id (response).";
    if (!("result" in m) && !("error" in m))
        return "a response needs a result or an error.";
    return undefined;
}
//# sourceMappingURL=framing.js.map