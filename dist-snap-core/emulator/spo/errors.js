/**
 * The one place where store failures and request-shape problems become SharePoint REST errors
 * (spo-protocol.md A.4). Handlers throw `HttpError` (kind "sp"); this module builds them.
 */
import { HttpError } from "../http/errors.js";
import { StoreError } from "../store/types.js";
import { PathSyntaxError } from "./path.js";
export const SP_EXCEPTION = "Microsoft.SharePoint.SPException";
export const Codes = {
    fileNotFoundPath: "-2130575338, Microsoft.SharePoint.SPException",
    fileNotFound: "-2147024894, System.IO.FileNotFoundException",
    itemNotFound: "-2130575338, Microsoft.SharePoint.SPException",
    alreadyExists: "-2130575257, Microsoft.SharePoint.SPException",
    invalidUrl: "-2130575312, Microsoft.SharePoint.SPException",
    checkedOut: "-2130575306, Microsoft.SharePoint.SPFileCheckOutException",
    notCheckedOut: "-2147024738, Microsoft.SharePoint.SPFileCheckOutException",
    sharedLock: "-2147018894, Microsoft.SharePoint.SPFileLockException",
    exclusiveLock: "-2147018887, Microsoft.SharePoint.SPFileLockException",
    etagMismatch: "-1, Microsoft.SharePoint.Client.ClientServiceException",
    throttled: "-2147024860, Microsoft.SharePoint.SPQueryThrottledException",
    accessDenied: "-2147024891, System.UnauthorizedAccessException",
    argument: "-2147024809, System.ArgumentException",
    invalidOperation: "-2146233079, System.InvalidOperationException",
    invalidChangeToken: "-2146232832, Microsoft.SharePoint.SPInvalidChangeTokenException",
    notSupported: "-1, Microsoft.SharePoint.Client.InvalidClientQueryException",
    resourceNotFound: "-1, Microsoft.SharePoint.Client.ResourceNotFoundException",
    notImplemented: "-1, System.NotImplementedException",
    quota: "-2147024784, Microsoft.SharePoint.SPQuotaExceededException",
    invalidName: "-2130575245, Microsoft.SharePoint.SPException",
};
export const THRESHOLD_MESSAGE = "The attempted operation is prohibited because it exceeds the list view threshold.";
export function spError(status, code, message, headers = {}) {
    return new HttpError(status, code, message, "sp", headers);
}
export const accessDenied = () => spError(403, Codes.accessDenied, "Access denied.");
export const throttled = () => spError(500, Codes.throttled, THRESHOLD_MESSAGE);
export const fileNotFound = () => spError(404, Codes.fileNotFound, "File Not Found.");
export const fileNotFoundAtPath = (path) => spError(404, Codes.fileNotFoundPath, `The file ${path} does not exist.`);
export const itemNotFound = () => spError(404, Codes.itemNotFound, "Item does not exist. It may have been deleted by another user.");
export const listNotFound = (title) => spError(404, "-1, System.ArgumentException", title !== undefined ? `List '${title}' does not exist at site with URL.` : "List does not exist.\n\nThe page you selected contains a list that does not exist.  It may have been deleted by another user.");
export const badArgument = (message) => spError(400, Codes.argument, message);
export const invalidUrl = (status, path) => spError(status, Codes.invalidUrl, `The URL '${path}' is invalid.  It may refer to a nonexistent file or folder, or refer to a valid file or folder that is not in the current Web.`);
export const unknownResource = (name) => spError(404, Codes.resourceNotFound, `Cannot find resource for the request ${name}.`);
export const unsupportedMethod = (method) => spError(405, Codes.notSupported, `The HTTP method '${method}' cannot be used on this resource.`);
/** StoreError → the real service's status, code and message; other errors pass through. */
export function translate(err, subject, opts) {
    if (err instanceof PathSyntaxError)
        return badArgument(err.message);
    if (!(err instanceof StoreError))
        return err;
    const d = err.detail;
    const path = typeof d.path === "string" ? d.path : (subject.path ?? "");
    switch (err.code) {
        case "notFound":
            if (subject.kind === "file")
                return fileNotFoundAtPath(path);
            if (subject.kind === "item")
                return itemNotFound();
            if (subject.kind === "list")
                return listNotFound();
            return fileNotFound();
        case "alreadyExists":
            return spError(400, Codes.alreadyExists, err.message || `A file or folder with the name ${path} already exists.`);
        case "accessDenied":
            return accessDenied();
        case "etagMismatch":
            return spError(412, Codes.etagMismatch, err.message || "The request ETag value does not match the object's ETag value.");
        case "checkedOut":
            return spError(opts.checkedOutStatus, Codes.checkedOut, err.message || `The file "${path}" is checked out for editing by another user.`);
        case "notCheckedOut":
            return spError(opts.notCheckedOutStatus, Codes.notCheckedOut, err.message || "The file is not checked out.");
        case "locked":
            return spError(423, d.kind === "exclusive" ? Codes.exclusiveLock : Codes.sharedLock, err.message || `The file ${path} is locked for shared use.`);
        case "notEmpty":
            return spError(400, Codes.invalidOperation, err.message);
        case "invalidName":
            return spError(400, Codes.invalidName, err.message);
        case "invalidArgument":
            return badArgument(err.message);
        case "thresholdExceeded":
            return throttled();
        case "changeTokenExpired":
            return spError(opts.expiredChangeTokenStatus, Codes.invalidChangeToken, "The change token refers to a time before the start of the current change log.");
        case "uploadSession":
            return spError(400, "-2147024809, Microsoft.SharePoint.SPException", err.message || "The upload session is not valid.");
        case "quotaExceeded":
            return spError(507, Codes.quota, err.message || "The site collection has exceeded its maximum file size limit.");
    }
    return err;
}
//# sourceMappingURL=errors.js.map