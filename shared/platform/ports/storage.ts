/** File storage for user uploads (chat images): CloudBase storage in production, disk locally. */
export interface StoragePort {
  /** Stores the bytes; returns a stable file id to keep in documents. */
  put(path: string, content: Buffer, contentType: string): Promise<string>
  /** A URL the mini-program can show (temporary in production). */
  url(fileId: string): Promise<string>
}
