import { defineCollection, type CollectionSpec } from './collection-spec'

/** A WeChat access token (`_id` = the appid). */
export interface WechatTokenDoc {
  _id: string
  token: string
  expiresAt: Date
}

/** The wechat domain's collections and indexes. */
export const WECHAT_COLLECTIONS = {
  /** WeChat access tokens shared by all function instances. */
  wechatTokens: defineCollection<WechatTokenDoc>({ name: 'wechatTokens', indexes: [] }),
} as const satisfies Record<string, CollectionSpec>
