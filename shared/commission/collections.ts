import { defineCollection, type CollectionSpec } from '../platform/db/collection-spec'
import type { CommissionEntryDoc } from './documents'

/** The commission domain's collections and indexes. */
export const COMMISSION_COLLECTIONS = {
  /** Commission per sale and its reversals, keyed (`order:<id>:commission`), settled monthly. */
  commissionLedger: defineCollection<CommissionEntryDoc>({
    name: 'commissionLedger',
    indexes: [
      { name: 'key', fields: ['key'], unique: true },
      { name: 'clerkMonth', fields: ['clerkId', 'month'] },
      { name: 'month', fields: ['month', 'storeId'] },
      // settleCommission's work list.
      { name: 'status', fields: ['status', 'settleAfter'] },
      // The daily stats rollup reads the entries of a range of days.
      { name: 'at', fields: ['at'] },
    ],
  }),
} as const satisfies Record<string, CollectionSpec>
