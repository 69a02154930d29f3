/** Production storage: CloudBase cloud storage through the node SDK. */
import { UPLOAD_NAME, type StoragePort } from '../ports/storage'
import { cloudApp } from '../runtime/cloudbase'

export class CloudBaseStorage implements StoragePort {
  async put(filePath: string, content: Buffer): Promise<string> {
    const res = (await cloudApp().uploadFile({ cloudPath: filePath, fileContent: content })) as {
      fileID: string
    }
    return res.fileID
  }

  async get(fileId: string): Promise<Buffer> {
    const res = (await cloudApp().downloadFile({ fileID: fileId })) as { fileContent?: Buffer }
    if (!res.fileContent) throw new Error(`no content for ${fileId}`)
    return res.fileContent
  }

  /** CloudBase's deleteFile, 50 files a call; a file already gone answers a per-file code, not an error. */
  async remove(fileIds: readonly string[]): Promise<void> {
    for (let i = 0; i < fileIds.length; i += 50)
      await cloudApp().deleteFile({ fileList: fileIds.slice(i, i + 50) as string[] })
  }

  /**
   * `cloud://<env>.<bucket>/<folder>/<name>`, the fileID `wx.cloud.uploadFile` answers for
   * `cloudPath: '<folder>/<name>'`, in this function's own environment when it is known.
   */
  ownsUpload(fileId: string, folder: string): boolean {
    const m = /^cloud:\/\/([A-Za-z0-9-]+)\.([A-Za-z0-9-]+)\/(.+)$/.exec(fileId)
    if (!m) return false
    const env = process.env.TCB_ENV || process.env.SCF_NAMESPACE
    if (env && m[1] !== env) return false
    const path = m[3]!
    return path.startsWith(`${folder}/`) && UPLOAD_NAME.test(path.slice(folder.length + 1))
  }

  async url(fileId: string): Promise<string> {
    const res = (await cloudApp().getTempFileURL({
      fileList: [{ fileID: fileId, maxAge: 7200 }],
    })) as {
      fileList: { tempFileURL: string; code: string }[]
    }
    const item = res.fileList[0]
    if (!item || item.code !== 'SUCCESS') throw new Error(`no URL for ${fileId}`)
    return item.tempFileURL
  }
}
