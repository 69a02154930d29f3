/** points: shapes of the stored documents. Dates are Date (UTC); money is integer fen; points integers. */

export type Tier = 'standard' | 'silver' | 'gold'

export type PointsCreditKind = 'welcome' | 'earn' | 'adjust' | 'return'

export type PointsDebitKind = 'spend' | 'expire' | 'refund' | 'adjust'

/**
 * Append-only. `points` is signed: credits positive, debits negative (an earn of 0 points is
 * kept for the paid amount it records). `start`/`end` place the entry on the member's points line
 * (shared/rules/points-ledger.ts); what a credit has left is derived from the member's
 * `pointsDebited`, never stored.
 */
export interface PointsLedgerDoc {
  _id: string
  /** Idempotency key, unique: `member:<id>:welcome`, `order:<id>:earn`, `redemption:<id>:spend`, … */
  key: string
  memberId: string
  kind: PointsCreditKind | PointsDebitKind
  points: number
  /**
   * Written as `points` by the welcome bonus at bind (true at that moment) and by nothing else;
   * the live figure is remainingOf(entry, member.pointsDebited).
   */
  remaining?: number
  start?: number
  end?: number
  /** Credits: when what is left of them expires. */
  expiresAt?: Date
  /** Purchases (earn) and refunds: the order, for the tier's trailing paid amount. */
  order?: { orderId: string; paidFen?: number; paidAt: Date; refundId?: string; refundFen?: number }
  /** Refund take-backs the balance could not cover. */
  shortfall?: number
  source?: Record<string, unknown>
  at: Date
}
