/**
 * H5 only: a chat image upload to the local stack's storage (`POST /files/<cloudPath>` with the
 * persona's `x-openid`), standing in for `wx.cloud.uploadFile`. Never part of the WeChat build.
 */
import type { PickedImage } from '../lib/pick-image'
import { activeOpenid } from './persona-store'

export async function uploadH5(cloudPath: string, image: PickedImage, maxBytes: number) {
  const blob = await (await fetch(image.path)).blob()
  if (blob.size > maxBytes) return { tooLarge: true as const }
  const openid = await activeOpenid()
  const res = await fetch(`/files/${cloudPath}`, {
    method: 'POST',
    headers: { 'content-type': image.contentType, ...(openid ? { 'x-openid': openid } : {}) },
    body: blob,
  })
  const body = (await res.json().catch(() => ({}))) as { fileID?: string; errMsg?: string }
  if (!res.ok || !body.fileID) throw new Error(body.errMsg ?? `HTTP ${res.status}`)
  return { fileId: body.fileID }
}
