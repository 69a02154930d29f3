/**
 * The adapters behind the ports, chosen from the function's environment once per process.
 * Production: WeChat over HTTPS (WECHAT_APPID, WECHAT_SECRET). The local stack's function host
 * sets WECHAT_ADAPTER=simulator and H5_BASE_URL. Secrets come from the environment in both.
 */
import { CloudBaseStorage } from '../adapters/storage-cloudbase'
import { LocalStorage } from '../adapters/storage-local'
import { WeChatHttpsAdapter } from '../adapters/wechat-https'
import { WeChatSimulator } from '../adapters/wechat-simulator'
import { COLLECTIONS } from '../db/collections'
import { AppError } from '../errors'
import type { StoragePort } from '../ports/storage'
import type { WeChatPort } from '../ports/wechat'
import { database } from './cloudbase'

export interface Secrets {
  scene: string
  memberCode: string
  session: string
}

export interface Ports {
  wechat: WeChatPort
  storage: StoragePort
  secrets: Secrets
  /** WeChat subscribe-message template ids by our key (WECHAT_TEMPLATE_<KEY> in production). */
  templateId(key: SubscribeTemplateKey): string
}

export const SUBSCRIBE_TEMPLATE_KEYS = ['newMessage', 'campaign', 'orderReady'] as const
export type SubscribeTemplateKey = (typeof SUBSCRIBE_TEMPLATE_KEYS)[number]

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
  let storage: StoragePort
  const local = process.env.WECHAT_ADAPTER === 'simulator'
  if (local) {
    wechat = new WeChatSimulator(requiredEnv('H5_BASE_URL'))
    storage = new LocalStorage(requiredEnv('STORAGE_DIR'), requiredEnv('H5_BASE_URL'))
  } else {
    storage = new CloudBaseStorage()
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
  const templateId = (key: SubscribeTemplateKey) => {
    const envName = `WECHAT_TEMPLATE_${key.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`
    return process.env[envName] ?? (local ? `local-${key}` : requiredEnv(envName))
  }
  cached = { wechat, storage, secrets, templateId }
  return cached
}

/** For tests that run services in-process with their own adapters. */
export function setPortsForTesting(value: Ports | undefined): void {
  cached = value
}

export function notFound(what: string): AppError {
  return new AppError('NOT_FOUND', what)
}
