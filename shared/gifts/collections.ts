import { defineCollection, type CollectionSpec } from '../platform/db/collection-spec'
import type { GiftDoc, GiftStockDoc, RedemptionDoc } from './documents'

/** The gifts domain's collections and indexes. */
export const GIFTS_COLLECTIONS = {
  /** The gift catalog HQ keeps. */
  gifts: defineCollection<GiftDoc>({
    name: 'gifts',
    indexes: [{ name: 'status', fields: ['status', 'sort'] }],
  }),
  /** Stock per gift and place (`<giftId>_<storeId>`, `<giftId>_central`), taken by conditional updates. */
  giftStock: defineCollection<GiftStockDoc>({
    name: 'giftStock',
    indexes: [
      { name: 'giftId', fields: ['giftId'] },
      { name: 'storeId', fields: ['storeId'] },
    ],
  }),
  /** Gift redemptions: pickup at a store (with a pickup code) or mail. */
  redemptions: defineCollection<RedemptionDoc>({
    name: 'redemptions',
    indexes: [
      { name: 'pickupCode', fields: ['pickupCode'] },
      { name: 'memberId', fields: ['memberId', 'createdAt'] },
      { name: 'storeId', fields: ['storeId', 'status'] },
      // expireMailRedemptions' work list (awaitingPayment past payBy) and HQ's shipping list.
      { name: 'statusPayBy', fields: ['status', 'payBy'] },
      // repairCouponExchanges' work list: coupon exchanges still issuing after their invocation ended.
      { name: 'statusCreatedAt', fields: ['status', 'createdAt'] },
    ],
  }),
} as const satisfies Record<string, CollectionSpec>
