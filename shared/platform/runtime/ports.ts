/**
 * The adapters behind the ports, chosen from the function's environment once per process.
 * WeChat's open API is always the HTTPS adapter (WECHAT_APPID, WECHAT_SECRET, and
 * WECHAT_API_BASE, https://api.weixin.qq.com unless set: the local stack points it at its WeChat
 * sandbox). Storage is CloudBase's unless STORAGE_DIR is set (the local stack, with H5_BASE_URL).
 * Secrets come from the environment in both.
 * WeChat Pay lives in ./pay-port.ts, so only the functions that take payments bundle its SDK.
 * Each port is built when first used, so a function needs only the variables of the ports it uses.
 */
import { CloudBaseStorage } from '../adapters/storage-cloudbase'
import { LocalStorage } from '../adapters/storage-local'
import { WeChatHttpsAdapter } from '../adapters/wechat-https'
import { WECHAT_COLLECTIONS as COLLECTIONS } from '../db/platform-collections'
import type { StoragePort } from '../ports/storage'
import type { WeChatPort } from '../ports/wechat'
import { database } from './cloudbase'
import { requiredEnv } from './env'

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

function wechatFromEnv(): WeChatPort {
  const tokens = database().collection(COLLECTIONS.wechatTokens.name)
  return new WeChatHttpsAdapter({
    appid: requiredEnv('WECHAT_APPID'),
    secret: requiredEnv('WECHAT_SECRET'),
    baseUrl: process.env.WECHAT_API_BASE || undefined,
    tokens: {
      async read(appid) {
        const res = (await tokens.doc(appid).get()) as {
          data: { token: string; expiresAt: Date }[]
        }
        return res.data[0] ?? null
      },
      async write(appid, token, expiresAt) {
        await tokens.doc(appid).set({ token, expiresAt })
      },
    },
  })
}

function storageFromEnv(): StoragePort {
  return process.env.STORAGE_DIR
    ? new LocalStorage(requiredEnv('STORAGE_DIR'), requiredEnv('H5_BASE_URL'))
    : new CloudBaseStorage()
}

let cached: Ports | undefined

export function ports(): Ports {
  if (cached) return cached
  let secrets: Secrets | undefined
  let wechat: WeChatPort | undefined
  let storage: StoragePort | undefined
  cached = {
    get secrets() {
      secrets ??= {
        scene: requiredEnv('SCENE_SECRET'),
        memberCode: requiredEnv('MEMBER_CODE_SECRET'),
        session: requiredEnv('SESSION_SECRET'),
      }
      return secrets
    },
    get wechat() {
      wechat ??= wechatFromEnv()
      return wechat
    },
    get storage() {
      storage ??= storageFromEnv()
      return storage
    },
    templateId(key: SubscribeTemplateKey) {
      const envName = `WECHAT_TEMPLATE_${key.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`
      return requiredEnv(envName)
    },
  }
  return cached
}
