/** payments: shapes of the stored documents. Dates are Date (UTC); money is integer fen; points integers. */

/**
 * What a payment pays for; the kind names the service that owns it (payments/owners.ts): `order`
 * and `redemption` (wired in flows/payment-owners.ts), and `probe`, the local stack's fixture
 * (scripts/local-cloud/fixtures/payprobe), which no deployed function registers.
 */
export type PaymentPurposeKind = 'order' | 'redemption' | 'probe'

export interface PaymentPurpose {
  kind: PaymentPurposeKind
  id: string
}

/**
 * pending → paid → (partly refunded: still paid, refundedFen > 0) → refunded
 * pending → closed (closed at WeChat first, so it can no longer be paid)
 */
export type PaymentStatus = 'pending' | 'paid' | 'refunded' | 'closed'

export interface PaymentDoc {
  /** out_trade_no */
  _id: string
  purpose: PaymentPurpose
  description: string
  amountFen: number
  payerOpenid: string
  appid: string
  mchid: string
  status: PaymentStatus
  prepayId: string | null
  createdAt: Date
  /** WeChat refuses payment after this. */
  expiresAt: Date
  transactionId: string | null
  paidAt: Date | null
  /** How the payment became known: its notification, a query, or a refund (which proves it). */
  paidVia: 'notification' | 'query' | 'refund-notification' | null
  closedAt: Date | null
  /** Sum of succeeded refunds. */
  refundedFen: number
  /** Sum of refunds requested and not failed (processing, abnormal or succeeded): at most amountFen. */
  refundCommittedFen: number
  /** When the owner's onPaid / onClosed hook last returned (it is called until then). */
  ownerPaidAt: Date | null
  ownerClosedAt: Date | null
  /**
   * Where WeChat Pay notifies about this payment and its refunds, when not the function's
   * PAY_NOTIFY_URL (the `pay` function): WeChat takes notify_url per order and per refund.
   */
  notifyUrl?: string
  /** A genuine notification that disagreed with this payment (kept for HQ; the last one). */
  anomaly?: { kind: string; detail: string; at: Date }
}

export type RefundDocStatus = 'processing' | 'succeeded' | 'abnormal' | 'closed' | 'failed'

export interface RefundDoc {
  /** out_refund_no */
  _id: string
  outTradeNo: string
  purpose: PaymentPurpose
  /** The business key it was derived from; null for a refund made outside this system (merchant platform). */
  key: string | null
  amountFen: number
  reason: string | null
  status: RefundDocStatus
  refundId: string | null
  createdAt: Date
  settledAt: Date | null
  failure?: string
  /** When the owner's onRefunded hook returned. */
  ownerNotifiedAt: Date | null
}
