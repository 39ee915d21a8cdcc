/**
 * The one place where SharePoint (REST and drive API) responses become typed errors. Status first,
 * then the service's own error code where the status alone is ambiguous (spo-protocol.md A.4).
 */
import { KonnektError, type ErrorCode } from "../errors.js";

interface ServiceErrorBody {
  code?: string;
  message?: string;
}

/** Extracts code and message from SharePoint (`odata.error`, `error`) and Graph (`error`) bodies. */
export function parseServiceError(text: string): ServiceErrorBody {
  try {
    const body = JSON.parse(text) as Record<string, unknown>;
    const err = (body["odata.error"] ?? body.error) as Record<string, unknown> | string | undefined;
    if (typeof err === "string") {
      return { code: err, message: typeof body.error_description === "string" ? body.error_description : err };
    }
    if (err && typeof err === "object") {
      const m = err.message;
      const inner = m && typeof m === "object" ? (m as { value?: unknown }).value : undefined;
      const message = typeof m === "string" ? m : typeof inner === "string" ? inner : undefined;
      return { code: typeof err.code === "string" ? err.code : undefined, message };
    }
    if (typeof body.error_description === "string") return { message: body.error_description };
  } catch {
    // Not JSON: HTML error pages and empty bodies fall through to the status.
  }
  return {};
}

/** The one status (+ service code) → error code table, for REST, drive API, downloads and uploads. */
export function codeForStatus(status: number, serviceCode: string | undefined): ErrorCode {
  const sc = serviceCode ?? "";
  switch (status) {
    case 400:
    case 416:
      if (sc.includes("-2130575257") || sc === "nameAlreadyExists") return "alreadyExists";
      if (sc.includes("SPFileCheckOutException")) return "locked";
      return "invalidArgument";
    case 401:
      return "notSignedIn";
    case 403:
      return "accessDenied";
    case 404:
    case 410:
      return "notFound";
    case 409:
      // Graph answers 409 nameAlreadyExists for conflictBehavior=fail, its only 409 for our calls.
      return sc === "" || sc === "nameAlreadyExists" ? "alreadyExists" : "conflict";
    case 412:
      return "conflict";
    case 413:
      return "tooLarge";
    case 423:
      return "locked";
    case 429:
    case 503:
    case 504:
      return "throttled";
    case 507:
      return "quotaExceeded";
    case 500:
      if (sc.includes("SPQueryThrottledException")) return "tooLarge";
      return "serviceError";
    default:
      return "serviceError";
  }
}

export function serviceError(status: number, bodyText: string, context: string, retryAfterSeconds?: number): KonnektError {
  const { code: serviceCode, message } = parseServiceError(bodyText);
  const code = codeForStatus(status, serviceCode);
  const detail = message && message.length > 0 ? message : `HTTP ${status}`;
  return new KonnektError(code, `${context}: ${detail}`, {
    status,
    ...(serviceCode !== undefined ? { serviceCode } : {}),
    ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}),
  });
}
