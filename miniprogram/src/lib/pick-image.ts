/**
 * Lets the person pick one photo and reads it as base64 for `chat.uploadImage`.
 * Resolves undefined when they cancel.
 */
import Taro from '@tarojs/taro'

export interface PickedImage {
  /** Local path (WeChat temp file, H5 blob URL) to preview while the upload runs. */
  path: string
  contentType: 'image/png' | 'image/jpeg'
  base64: string
}

function contentTypeOf(path: string, declared?: string): 'image/png' | 'image/jpeg' {
  if (declared === 'image/png' || /\.png$/i.test(path)) return 'image/png'
  return 'image/jpeg'
}

export async function pickImage(): Promise<PickedImage | undefined> {
  let picked: Taro.chooseImage.SuccessCallbackResult
  try {
    picked = await Taro.chooseImage({
      count: 1,
      sizeType: ['compressed'],
      sourceType: ['album', 'camera'],
    })
  } catch {
    return undefined // cancelled
  }
  const path = picked.tempFilePaths[0]
  if (!path) return undefined
  if (process.env.TARO_ENV === 'h5') {
    // H5: the path is a blob URL; the File keeps the browser's idea of the type.
    const blob = await (await fetch(path)).blob()
    const dataUrl = await new Promise<string>((resolve, reject) => {
      const reader = new FileReader()
      reader.onload = () => resolve(String(reader.result))
      reader.onerror = () => reject(reader.error)
      reader.readAsDataURL(blob)
    })
    return {
      path,
      contentType: contentTypeOf(path, blob.type),
      base64: dataUrl.slice(dataUrl.indexOf(',') + 1),
    }
  }
  const base64 = await new Promise<string>((resolve, reject) => {
    Taro.getFileSystemManager().readFile({
      filePath: path,
      encoding: 'base64',
      success: (res) => resolve(res.data as string),
      fail: (err) => reject(new Error(err.errMsg)),
    })
  })
  return { path, contentType: contentTypeOf(path), base64 }
}
