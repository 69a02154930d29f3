/** commission: shapes of the stored documents. Dates are Date (UTC); money is integer fen; points integers. */

/**
 * Append-only commission ledger. `kind: 'earn'` is one per sale (key `order:<id>:commission` or
 * `offline:<id>:commission`); a refund inside the refund window lowers its pending amount (once per
 * refund: `reversals`), a later refund books a `kind: 'reversal'` entry with a negative amount
 * (key `<source>:<id>:refund:<refundNo>:commission`).
 */
export interface CommissionEntryDoc {
  _id: string
  key: string
  kind: 'earn' | 'reversal'
  source: { kind: 'order' | 'offline'; id: string }
  channel: 'online' | 'offline'
  memberId: string | null
  /** The attributed clerk and store (frozen at payment). */
  clerkId: string
  storeId: string
  /** Offline: the store where the sale happened; online pickup: the pickup store; delivery: null. */
  sellingStoreId: string | null
  /** The sale amount (earn) or the refunded amount (reversal, negative). */
  baseFen: number
  rateBp: number
  /** Earn: pending or settled commission after in-window refunds; reversal: negative. */
  amountFen: number
  /** Earn: everything refunded on this sale so far (in or after the window). */
  refundedFen: number
  reversals: {
    refundNo: string
    refundFen: number
    takebackFen: number
    inWindow: boolean
    at: Date
  }[]
  status: 'pending' | 'settled' | 'cancelled'
  /** Pending until then; null until the order is picked up. */
  settleAfter: Date | null
  settledAt: Date | null
  /** Shanghai month of the sale (earn) or of the booking (reversal): the settlement month. */
  month: string
  at: Date
}
