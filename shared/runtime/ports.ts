/**
 * The adapters behind the ports, chosen from the function's environment once per process.
 * Production: WeChat over HTTPS (WECHAT_APPID, WECHAT_SECRET). The local stack's function host
 * sets WECHAT_ADAPTER=simulator and H5_BASE_URL. Secrets come from the environment in both.
 */
import { WeChatHttpsAdapter } from '../adapters/wechat-https'
import { WeChatSimulator } from '../adapters/wechat-simulator'
import { COLLECTIONS } from '../db/collections'
import { AppError } from '../errors'
import type { WeChatPort } from '../ports/wechat'
import { database } from './cloudbase'

export interface Secrets {
  scene: string
  memberCode: string
  session: string
}

export interface Ports {
  wechat: WeChatPort
  secrets: Secrets
}

function requiredEnv(name: string): string {
  const value = process.env[name]
  if (!value) {
    // A deployment mistake, not the caller's: logged with the request id, reported as INTERNAL.
    throw new Error(`environment variable ${name} is not set for this function`)
  }
  return value
}

let cached: Ports | undefined

export function ports(): Ports {
  if (cached) return cached
  const secrets: Secrets = {
    scene: requiredEnv('SCENE_SECRET'),
    memberCode: requiredEnv('MEMBER_CODE_SECRET'),
    session: requiredEnv('SESSION_SECRET'),
  }
  let wechat: WeChatPort
  if (process.env.WECHAT_ADAPTER === 'simulator') {
    wechat = new WeChatSimulator(requiredEnv('H5_BASE_URL'))
  } else {
    const tokens = database().collection(COLLECTIONS.wechatTokens.name)
    wechat = new WeChatHttpsAdapter({
      appid: requiredEnv('WECHAT_APPID'),
      secret: requiredEnv('WECHAT_SECRET'),
      tokens: {
        async read(appid) {
          const res = (await tokens.doc(appid).get()) as { data: { token: string; expiresAt: Date }[] }
          return res.data[0] ?? null
        },
        async write(appid, token, expiresAt) {
          await tokens.doc(appid).set({ token, expiresAt })
        },
      },
    })
  }
  cached = { wechat, secrets }
  return cached
}

/** For tests that run services in-process with their own adapters. */
export function setPortsForTesting(value: Ports | undefined): void {
  cached = value
}

export function notFound(what: string): AppError {
  return new AppError('NOT_FOUND', what)
}
