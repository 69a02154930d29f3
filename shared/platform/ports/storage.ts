/** File storage for user uploads (chat images): CloudBase storage in production, disk locally. */
export interface StoragePort {
  /** Stores the bytes; returns a stable file id to keep in documents. */
  put(path: string, content: Buffer, contentType: string): Promise<string>
  /** The bytes of a file this storage holds (a job assembling an archive from its parts). */
  get(fileId: string): Promise<Buffer>
  /** Deletes files (by what `put` answered, or the path a job put them at); a missing one is no error. */
  remove(fileIds: readonly string[]): Promise<void>
  /** A URL the mini-program can show (temporary in production). */
  url(fileId: string): Promise<string>
  /**
   * Whether `fileId` names an image the client uploaded into `folder` (e.g. `chat/<openid>`) of
   * this storage: exactly one file name below it, nothing else (no `..`, no other folder or bucket).
   */
  ownsUpload(fileId: string, folder: string): boolean
}

/** The file names clients give their uploads: `<random>.png|jpg|jpeg`. */
export const UPLOAD_NAME = /^[A-Za-z0-9_-]{1,64}\.(png|jpe?g)$/
