/** The local stack's storage: files under STORAGE_DIR, served by the stack at /files/<path>. */
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { UPLOAD_NAME, type StoragePort } from '../ports/storage'

export class LocalStorage implements StoragePort {
  constructor(
    private readonly dir: string,
    private readonly baseUrl: string,
  ) {}

  async put(filePath: string, content: Buffer): Promise<string> {
    if (filePath.includes('..') || path.isAbsolute(filePath))
      throw new Error(`invalid storage path ${filePath}`)
    const full = path.join(this.dir, filePath)
    await mkdir(path.dirname(full), { recursive: true })
    await writeFile(full, content)
    return `local://${filePath}`
  }

  async get(fileId: string): Promise<Buffer> {
    const filePath = fileId.replace(/^local:\/\//, '')
    if (filePath.includes('..') || path.isAbsolute(filePath))
      throw new Error(`invalid storage path ${filePath}`)
    return readFile(path.join(this.dir, filePath))
  }

  async remove(fileIds: readonly string[]): Promise<void> {
    for (const fileId of fileIds) {
      const filePath = fileId.replace(/^local:\/\//, '')
      if (filePath.includes('..') || path.isAbsolute(filePath))
        throw new Error(`invalid storage path ${filePath}`)
      await rm(path.join(this.dir, filePath), { force: true })
    }
  }

  /** `local://<folder>/<name>`: what the stack's upload endpoint (`POST /files/<folder>/<name>`) answers. */
  ownsUpload(fileId: string, folder: string): boolean {
    const prefix = `local://${folder}/`
    return fileId.startsWith(prefix) && UPLOAD_NAME.test(fileId.slice(prefix.length))
  }

  async url(fileId: string): Promise<string> {
    return `${this.baseUrl.replace(/\/$/, '')}/files/${fileId.replace(/^local:\/\//, '')}`
  }
}
