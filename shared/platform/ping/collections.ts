import type { CollectionSpec } from '../db/collection-spec'

/** The ping domain's collections and indexes. */
export const PING_COLLECTIONS = {
  pings: { name: 'pings', indexes: [{ name: 'openid', fields: ['openid'] }] },
} as const satisfies Record<string, CollectionSpec>
