/**
 * Lets the person pick one photo. Resolves undefined when they cancel. The photo is uploaded to
 * storage next (./upload-image.ts), never sent inside a function call.
 */
import Taro from '@tarojs/taro'

export interface PickedImage {
  /** Local path (WeChat temp file, H5 blob URL): what is uploaded, and previewed meanwhile. */
  path: string
  contentType: 'image/png' | 'image/jpeg'
  /** Bytes, when the platform says (WeChat's tempFiles, the H5 File). */
  size: number | null
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
  const file = picked.tempFiles?.[0] as { size?: number; type?: string } | undefined
  return {
    path,
    contentType: contentTypeOf(path, file?.type),
    size: typeof file?.size === 'number' ? file.size : null,
  }
}
