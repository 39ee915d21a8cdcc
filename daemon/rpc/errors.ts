/**
 * The one place where Konnekt errors become JSON-RPC errors, and back (for clients).
 *
 * Numbers: application codes sit in -32001…-32023 (the JSON-RPC "server error" range reserved for
 * implementation-defined errors); `invalidArgument` and `internal` reuse the standard -32602 and
 * -32603, and `cancelled` uses -32800 like LSP's RequestCancelled, which vscode-jsonrpc clients
 * already understand. Clients switch on `data.code` (the stable string); the numbers are stable too
 * and documented in docs/rpc.md. A test checks that this table and the OpenRPC document agree.
 */
import { ErrorCodes, ResponseError } from "vscode-jsonrpc";
import { KonnektError, isErrorCode, type ErrorCode, type KonnektErrorData } from "../../workers/errors.js";

/** Exhaustive at compile time: adding a code to workers/errors.ts fails the build until mapped here. */
export const JSONRPC_CODES: Readonly<Record<ErrorCode, number>> = {
  notFound: -32001,
  alreadyExists: -32002,
  accessDenied: -32003,
  notSignedIn: -32004,
  claimsChallenge: -32005,
  throttled: -32006,
  offline: -32007,
  timeout: -32008,
  conflict: -32009,
  locked: -32010,
  invalidName: -32011,
  notADirectory: -32012,
  isADirectory: -32013,
  notEmpty: -32014,
  tooLarge: -32015,
  quotaExceeded: -32016,
  readOnly: -32017,
  notSupported: -32018,
  configInvalid: -32019,
  policyLocked: -32020,
  daemonUnavailable: -32021,
  serviceError: -32022,
  crossDevice: -32023,
  invalidArgument: ErrorCodes.InvalidParams,
  internal: ErrorCodes.InternalError,
  cancelled: -32800,
};

/** Protocol-level codes (no handler ran). */
export const PROTOCOL_ERRORS = {
  parseError: ErrorCodes.ParseError,
  invalidRequest: ErrorCodes.InvalidRequest,
  methodNotFound: ErrorCodes.MethodNotFound,
  invalidParams: ErrorCodes.InvalidParams,
  internalError: ErrorCodes.InternalError,
} as const;

export interface WireErrorData extends KonnektErrorData {
  code: ErrorCode;
}

/** What a user sees for an error we did not expect; the stack goes to the log only. */
export const INTERNAL_MESSAGE = "Internal error in the Konnekt daemon (details are in its log).";

/**
 * A KonnektError as a JSON-RPC error. `internal` errors never carry their message or stack over the
 * wire: their message may quote internals; the caller logs the original.
 */
export function toResponseError(err: KonnektError): ResponseError<WireErrorData> {
  if (err.code === "internal") return new ResponseError(JSONRPC_CODES.internal, INTERNAL_MESSAGE, { code: "internal" });
  return new ResponseError(JSONRPC_CODES[err.code], err.message, { ...err.data, code: err.code });
}

/**
 * A JSON-RPC error received by a client, as a KonnektError. Errors without a Konnekt `data.code`
 * (protocol errors from any JSON-RPC peer) are classified by their number.
 */
export function fromResponseError(err: { code: number; message: string; data?: unknown }): KonnektError {
  const data = typeof err.data === "object" && err.data !== null ? (err.data as Record<string, unknown>) : {};
  const { code: dataCode, ...rest } = data;
  if (isErrorCode(dataCode)) return new KonnektError(dataCode, err.message, rest);
  const byNumber = (Object.entries(JSONRPC_CODES) as [ErrorCode, number][]).find(([, n]) => n === err.code);
  if (byNumber) return new KonnektError(byNumber[0], err.message, rest);
  if (err.code === PROTOCOL_ERRORS.methodNotFound) return new KonnektError("notSupported", err.message, rest);
  return new KonnektError("invalidArgument", err.message, { ...rest, rpcCode: err.code });
}
