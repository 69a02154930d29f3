/** Production storage: CloudBase cloud storage through the node SDK. */
import type { StoragePort } from '../ports/storage'
import { cloudApp } from '../runtime/cloudbase'

export class CloudBaseStorage implements StoragePort {
  async put(filePath: string, content: Buffer): Promise<string> {
    const res = (await cloudApp().uploadFile({ cloudPath: filePath, fileContent: content })) as {
      fileID: string
    }
    return res.fileID
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
