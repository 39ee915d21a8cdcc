/**
 * The one place a Konnekt error becomes an errno (rclone: one translator per front end). The
 * table is checked against ERROR_CODES at compile time: a new code without an errno fails the
 * build. Errors that are not KonnektErrors are bugs: logged with their stack, answered EIO.
 * The reasons behind each choice are in docs/mount.md ("errno table").
 */
import { constants } from "node:os";
import { type ErrorCode, toKonnektError } from "../errors.js";

const E = constants.errno;

export const ERRNO_BY_CODE = {
  notFound: E.ENOENT,
  alreadyExists: E.EEXIST,
  accessDenied: E.EACCES,
  // No usable token: the user must sign in again. EACCES keeps programs from retrying in a loop;
  // `konnekt status` says why. (ENOKEY would be more precise but few programs explain it.)
  notSignedIn: E.EACCES,
  claimsChallenge: E.EACCES,
  // The retry budget is already spent when these reach a file system call. EAGAIN is not used: on
  // a regular file programs do not expect it and some retry in a tight loop.
  throttled: E.EIO,
  offline: E.EIO,
  timeout: E.ETIMEDOUT,
  cancelled: E.EINTR,
  // The item changed on the server under a conditional write: the local view is stale.
  conflict: E.ESTALE,
  // Checked out to someone else or under a co-authoring lock. EACCES, not EBUSY: editors treat a
  // refused write open as "no permission" and offer the file read-only (LibreOffice opens it
  // read-only, GIO says "permission denied", vim marks it), where EBUSY/ETXTBSY read as I/O errors.
  // The holder is in the error's message, logged below.
  locked: E.EACCES,
  // A move between libraries: rename(2)'s own answer for "not the same file system", on which mv,
  // file managers and rsync fall back to copy + delete.
  crossDevice: E.EXDEV,
  invalidName: E.EINVAL,
  invalidArgument: E.EINVAL,
  notADirectory: E.ENOTDIR,
  isADirectory: E.EISDIR,
  notEmpty: E.ENOTEMPTY,
  tooLarge: E.EFBIG,
  quotaExceeded: E.ENOSPC,
  readOnly: E.EROFS,
  notSupported: E.ENOTSUP,
  configInvalid: E.EINVAL,
  policyLocked: E.EPERM,
  daemonUnavailable: E.EIO,
  serviceError: E.EIO,
  internal: E.EIO,
} as const satisfies Record<ErrorCode, number>;

/** Answers the adapter gives by itself, named so every errno number lives in this file. */
export const ERRNO = {
  ok: 0,
  /** A kernel interrupt answered before the core finished. */
  interrupted: E.EINTR,
  /** A request from a user other than the mount owner on a mount without allow_other. */
  notOwner: E.EACCES,
  /** symlink, hard link, special files, chown to another owner: SharePoint cannot store them. */
  cannotStore: E.EPERM,
  /** rename flags the back end cannot honour (RENAME_EXCHANGE, RENAME_WHITEOUT), as rename(2) says. */
  unsupportedRenameFlag: E.EINVAL,
  nameTooLong: E.ENAMETOOLONG,
  /** Extended attribute absent (ENOATTR is ENODATA on Linux). */
  noAttribute: E.ENODATA,
  /** The caller's xattr buffer is too small. */
  range: E.ERANGE,
  /** Setting or removing xattrs: only our read-only user.konnekt.* names exist. */
  xattrReadOnly: E.ENOTSUP,
  staleInode: E.ENOENT,
  badHandle: E.EBADF,
  io: E.EIO,
} as const;

export interface ErrnoLogger {
  error(obj: Record<string, unknown>, msg: string): void;
  warn?(obj: Record<string, unknown>, msg: string): void;
}

/**
 * errno for anything a core call threw; unknown errors are logged once here and become EIO. A
 * refusal because someone holds the file is logged too (warn): the errno cannot say who, the log
 * line does (path, holder, kind: check-out or lock).
 */
export function errnoOf(err: unknown, log: ErrnoLogger, op: string): number {
  const k = toKonnektError(err);
  if (k.code === "internal") {
    const cause = k.cause instanceof Error ? k.cause : k;
    log.error({ op, err: { message: cause.message, stack: cause.stack } }, "mount: unexpected error answered EIO");
  } else if (k.code === "locked") {
    log.warn?.({ op, code: k.code, message: k.message, ...pick(k.data, ["path", "holder", "kind"]) }, "mount: refused, the file is held by someone else");
  }
  return ERRNO_BY_CODE[k.code];
}

function pick(data: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of keys) if (data[key] !== undefined) out[key] = data[key];
  return out;
}
