import { defineCollection, type CollectionSpec } from '../platform/db/collection-spec'
import type { PaymentDoc, RefundDoc } from './documents'

/** The payments domain's collections and indexes. */
export const PAYMENTS_COLLECTIONS = {
  /**
   * WeChat Pay payments, `_id` = out_trade_no. One payment per purpose (an order, a mail
   * redemption): the unique index is what stops one order being charged twice.
   */
  payments: defineCollection<PaymentDoc>({
    name: 'payments',
    indexes: [
      { name: 'purpose', fields: ['purpose.kind', 'purpose.id'], unique: true },
      { name: 'status', fields: ['status', 'expiresAt'] },
      { name: 'payerOpenid', fields: ['payerOpenid', 'createdAt'] },
      // reconcilePayments' work lists: paid with an owner that never heard, and pending ones.
      { name: 'ownerPaidAt', fields: ['ownerPaidAt', 'status', 'paidAt'] },
      { name: 'statusCreatedAt', fields: ['status', 'createdAt'] },
    ],
  }),
  /** Refunds, `_id` = out_refund_no (derived from the business key, so a retry is the same refund). */
  refunds: defineCollection<RefundDoc>({
    name: 'refunds',
    indexes: [
      { name: 'outTradeNo', fields: ['outTradeNo', 'createdAt'] },
      // The daily stats rollup reads the refunds that succeeded in a range of days.
      { name: 'settledAt', fields: ['settledAt'] },
      // reconcilePayments' work lists: succeeded but not applied by the owner, and processing.
      { name: 'status', fields: ['status', 'ownerNotifiedAt', 'createdAt'] },
    ],
  }),
} as const satisfies Record<string, CollectionSpec>
