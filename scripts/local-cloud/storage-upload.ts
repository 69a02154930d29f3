/**
 * The local stack's stand-in for a client upload to CloudBase storage (`wx.cloud.uploadFile`):
 * `POST /files/<cloudPath>` with the file's bytes as the body and `x-openid` standing for the
 * WeChat identity, as the mini-program's H5 build sends it. Answers `{fileID, statusCode}` like
 * `uploadFile`, with a `local://<cloudPath>` id the functions' LocalStorage serves at
 * `GET /files/<cloudPath>`.
 *
 * Storage security rule, as the project configures it on CloudBase: a user writes only under a
 * folder named by their own openid (`<top>/<openid>/<name>`).
 */
import { mkdir, writeFile } from 'node:fs/promises'
import type http from 'node:http'
import path from 'node:path'
import { readBody, sendJson } from './gateway'

/** CloudBase's client upload is far larger; this bounds a loopback stack's disk use. */
export const MAX_UPLOAD_BYTES = 10 * 1024 * 1024
const CLOUD_PATH = /^([a-z][a-z0-9-]{0,30})\/([A-Za-z0-9_-]{1,64})\/([A-Za-z0-9_.-]{1,100})$/

export async function serveUpload(
  storageDir: string,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  pathname: string,
): Promise<void> {
  const cloudPath = decodeURIComponent(pathname.slice('/files/'.length))
  const m = CLOUD_PATH.exec(cloudPath)
  if (!m || m[3]!.startsWith('.') || cloudPath.includes('..'))
    return sendJson(res, 400, { errCode: -1, errMsg: 'uploadFile:fail invalid cloudPath' })
  const openid = req.headers['x-openid']
  if (typeof openid !== 'string' || openid !== m[2])
    return sendJson(res, 403, {
      errCode: -403,
      errMsg: 'uploadFile:fail permission denied: only your own folder',
    })
  if (Number(req.headers['content-length'] ?? 0) > MAX_UPLOAD_BYTES)
    return sendJson(res, 413, { errCode: -1, errMsg: 'uploadFile:fail file too large' })
  const bytes = await readBody(req, MAX_UPLOAD_BYTES)
  if (bytes.length === 0)
    return sendJson(res, 400, { errCode: -1, errMsg: 'uploadFile:fail empty file' })
  const full = path.join(storageDir, cloudPath)
  await mkdir(path.dirname(full), { recursive: true })
  await writeFile(full, bytes)
  sendJson(res, 200, { fileID: `local://${cloudPath}`, statusCode: 200 })
}
