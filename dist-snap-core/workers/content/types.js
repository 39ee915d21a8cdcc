/**
 * The content engine's view of the rest of the tenant worker: the narrow interfaces it consumes
 * (declared here, by the consumer, as rclone's vfscache declares what it needs of a backend) and
 * that the tenant engine implements on top of its SharePoint client, tokens and metadata.
 *
 * Layering: mount adapter → ItemReader / UploadJournal (this engine) → DownloadSource /
 * UploadTarget (tenant engine) → SharePoint. This engine never sees a bearer token: download URLs
 * and upload-session URLs are pre-authenticated (`tempauth`), and the requests that need
 * Authorization (getting a download URL, small PUTs, creating a session) go through the interfaces.
 */
export {};
//# sourceMappingURL=types.js.map