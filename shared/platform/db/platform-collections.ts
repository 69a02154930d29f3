import type { CollectionSpec } from './collection-spec'

/** The wechat domain's collections and indexes. */
export const WECHAT_COLLECTIONS = {
  /** WeChat access tokens shared by all function instances. */
  wechatTokens: { name: 'wechatTokens', indexes: [] },
} as const satisfies Record<string, CollectionSpec>
