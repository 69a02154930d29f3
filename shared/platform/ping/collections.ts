import { defineCollection, type CollectionSpec } from '../db/collection-spec'

/** A ping: the stack's round trip check. */
export interface PingDoc {
  _id: string
  openid: string | null
  note: string | null
  requestId: string
  storedAt: Date
  receivedAt: Date
}

/** The ping domain's collections and indexes. */
export const PING_COLLECTIONS = {
  pings: defineCollection<PingDoc>({
    name: 'pings',
    indexes: [{ name: 'openid', fields: ['openid'] }],
  }),
} as const satisfies Record<string, CollectionSpec>
