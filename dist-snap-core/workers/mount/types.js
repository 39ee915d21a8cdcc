/**
 * The interface the mount adapter needs from the core — declared here, by its consumer (rclone
 * vfs habit), so the tenant and content engines implement it without importing FUSE. The core
 * speaks in stable item keys (a SharePoint UniqueId, say); inode numbers, lookup counts and file
 * handles numbers belong to the adapter. Every method may throw a KonnektError (workers/errors.ts);
 * workers/mount/errno.ts turns its code into an errno, once.
 *
 * Every async method takes an AbortSignal: a kernel interrupt (the calling process got a signal)
 * aborts it. Read-only operations are answered EINTR at once and their late result is dropped;
 * operations that change something wait for the core, which should stop and throw `cancelled`.
 */
export {};
//# sourceMappingURL=types.js.map