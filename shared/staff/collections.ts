import { defineCollection, type CollectionSpec } from '../platform/db/collection-spec'
import type { ClerkDoc, StaffInviteDoc, StoreDoc } from './documents'

/** The staff domain's collections and indexes. */
export const STAFF_COLLECTIONS = {
  stores: defineCollection<StoreDoc>({
    name: 'stores',
    indexes: [{ name: 'code', fields: ['code'], unique: true }],
  }),
  clerks: defineCollection<ClerkDoc>({
    name: 'clerks',
    indexes: [
      { name: 'code', fields: ['code'], unique: true },
      // A lookup only: one clerk per WeChat user is kept by the `clerk:<openid>` claim.
      { name: 'openid', fields: ['openid'] },
      { name: 'storeId', fields: ['storeId', 'status', 'memberCount'] },
    ],
  }),
  /** One-time staff invites: a WeChat user who opens one becomes a clerk of the store. */
  staffInvites: defineCollection<StaffInviteDoc>({
    name: 'staffInvites',
    indexes: [{ name: 'code', fields: ['code'], unique: true }],
  }),
} as const satisfies Record<string, CollectionSpec>
