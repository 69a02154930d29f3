/**
 * Chat images go to storage first and the function gets only the file id: a function call's data
 * must stay small (CloudBase refuses text bodies over 100 KB; WeChat advises the same for
 * `callFunction`). The function names the caller's own folder (`chat.uploadFolder`), and checks
 * that the id it is sent lies in it.
 * WeChat: `wx.cloud.uploadFile({cloudPath, filePath})`. H5 (the local stack): `POST /files/<cloudPath>`
 * with the persona's `x-openid`, which answers `{fileID}` the same way.
 */
import Taro from '@tarojs/taro'
import { api } from '../api'
import type { ClientError } from '../api/errors'
import type { PickedImage } from './pick-image'

// A build-time constant at module level, so the WeChat build drops the local upload (and the
// persona code it uses) entirely, as page-shell does with the persona switcher.
const localUpload: typeof import('../dev/upload-local') | null =
  process.env.TARO_ENV === 'h5' ? require('../dev/upload-local') : null

export type UploadResult = { ok: true; fileId: string } | { ok: false; error: ClientError }

const failure = (message: string, detail: string, retryable = true): UploadResult => ({
  ok: false,
  error: { code: 'UPLOAD_FAILED', message, detail, retryable },
})

function fileName(contentType: PickedImage['contentType']): string {
  const random = Math.random().toString(36).slice(2, 12)
  return `${Date.now().toString(36)}-${random}.${contentType === 'image/png' ? 'png' : 'jpg'}`
}

export async function uploadChatImage(image: PickedImage): Promise<UploadResult> {
  const target = await api.call('chat', 'uploadFolder', {})
  if (!target.ok) return target
  const { folder, maxBytes } = target.data
  const tooLarge = failure(
    `图片不能超过 ${Math.round(maxBytes / 1024 / 1024)}MB`,
    'image too large',
    false,
  )
  if (image.size !== null && image.size > maxBytes) return tooLarge
  const cloudPath = `${folder}/${fileName(image.contentType)}`
  try {
    if (process.env.TARO_ENV === 'h5') {
      const uploaded = await localUpload!.uploadH5(cloudPath, image, maxBytes)
      return 'tooLarge' in uploaded ? tooLarge : { ok: true, fileId: uploaded.fileId }
    }
    const res = await Taro.cloud.uploadFile({ cloudPath, filePath: image.path })
    return { ok: true, fileId: res.fileID }
  } catch (err) {
    return failure('图片上传失败，请重试', err instanceof Error ? err.message : String(err))
  }
}
