/**
 * Every collection of the document database and its indexes, declared once.
 *
 * The local gateway creates these at start (unique indexes are enforced there exactly as
 * CloudBase enforces them); for production, README "Deploying" lists how to create the same
 * collections and indexes in the CloudBase console or with `tcb db` (scripts/print-indexes).
 */
import type { CollectionSpec } from './platform/db/collection-spec'
import { PING_COLLECTIONS } from './platform/ping/collections'
import { WECHAT_COLLECTIONS } from './platform/db/platform-collections'
import { CLAIM_COLLECTIONS } from './platform/claims/collections'
import { STAFF_COLLECTIONS } from './staff/collections'
import { MEMBERSHIP_COLLECTIONS } from './membership/collections'
import { POINTS_COLLECTIONS } from './points/collections'
import { GIFTS_COLLECTIONS } from './gifts/collections'
import { HQ_COLLECTIONS } from './hq/collections'
import { CHAT_COLLECTIONS } from './chat/collections'
import { CAMPAIGNS_COLLECTIONS } from './campaigns/collections'
import { PAYMENTS_COLLECTIONS } from './payments/collections'
import { SHOP_COLLECTIONS } from './shop/collections'
import { COMMISSION_COLLECTIONS } from './commission/collections'
import { COUPONS_COLLECTIONS } from './coupons/collections'

export type { CollectionSpec, IndexSpec } from './platform/db/collection-spec'

/** Every collection of the document database, gathered from the domains that own them. */
export const COLLECTIONS = {
  ...PING_COLLECTIONS,
  ...WECHAT_COLLECTIONS,
  ...CLAIM_COLLECTIONS,
  ...STAFF_COLLECTIONS,
  ...MEMBERSHIP_COLLECTIONS,
  ...POINTS_COLLECTIONS,
  ...GIFTS_COLLECTIONS,
  ...HQ_COLLECTIONS,
  ...CHAT_COLLECTIONS,
  ...CAMPAIGNS_COLLECTIONS,
  ...PAYMENTS_COLLECTIONS,
  ...SHOP_COLLECTIONS,
  ...COMMISSION_COLLECTIONS,
  ...COUPONS_COLLECTIONS,
} as const satisfies Record<string, CollectionSpec>

export type CollectionName = (typeof COLLECTIONS)[keyof typeof COLLECTIONS]['name']

export const ALL_COLLECTIONS: readonly CollectionSpec[] = Object.values(COLLECTIONS)
