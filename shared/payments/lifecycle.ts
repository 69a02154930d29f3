/**
 * A payment's and a refund's lifecycles (pure). The payments service owns both; what a payment
 * was for (an order, a mail redemption's shipping fee) has its own lifecycle in its domain.
 *
 *   payment: pending ─prepay→ pending (fresh parameters) ─pay→ paid ─refund→ paid (partly) ─refundAll→ refunded
 *            pending ─close→ closed (closed at WeChat first, so it can no longer be paid)
 *   refund:  processing ─succeed→ succeeded | ─fail→ failed | ─close→ closed | ─flag→ abnormal
 *            abnormal ─succeed→ succeeded | ─close→ closed (settled by hand at the merchant platform)
 *
 * Where each happens: payments/payment-service.ts (createPayment, markPaid, closePayment,
 * requestRefund, settleRefund).
 */
import type { PaymentDoc, PaymentStatus, RefundDocStatus } from './documents'
import { nextState, type TransitionTable } from '../platform/lifecycle'

export type PaymentEvent = 'prepay' | 'pay' | 'close' | 'requestRefund' | 'refund' | 'refundAll'

export const PAYMENT_STATES: readonly PaymentStatus[] = ['pending', 'paid', 'refunded', 'closed']

export const PAYMENT_TRANSITIONS: TransitionTable<PaymentStatus, PaymentEvent> = {
  pending: { prepay: 'pending', pay: 'paid', close: 'closed' },
  paid: { requestRefund: 'paid', refund: 'paid', refundAll: 'refunded' },
  refunded: {},
  closed: {},
}

export const PAYMENT_STATUS_LABELS: Record<PaymentStatus, string> = {
  pending: '待支付',
  paid: '已支付',
  refunded: '已全额退款',
  closed: '已关闭',
}

export function canTransition(payment: Pick<PaymentDoc, 'status'>, event: PaymentEvent): boolean {
  return nextState(PAYMENT_TRANSITIONS, payment.status, event) !== null
}

export type RefundEvent = 'succeed' | 'fail' | 'close' | 'flag'

export const REFUND_STATES: readonly RefundDocStatus[] = [
  'processing',
  'succeeded',
  'abnormal',
  'closed',
  'failed',
]

export const REFUND_TRANSITIONS: TransitionTable<RefundDocStatus, RefundEvent> = {
  processing: { succeed: 'succeeded', fail: 'failed', close: 'closed', flag: 'abnormal' },
  abnormal: { succeed: 'succeeded', close: 'closed' },
  succeeded: {},
  closed: {},
  failed: {},
}

export const REFUND_STATUS_LABELS: Record<RefundDocStatus, string> = {
  processing: '处理中',
  succeeded: '成功',
  abnormal: '异常',
  closed: '已关闭',
  failed: '失败',
}

/** A refund still open: WeChat Pay has not settled it (the console polls while one is). */
export function isRefundOpen(refund: Pick<{ status: RefundDocStatus }, 'status'>): boolean {
  return REFUND_TRANSITIONS[refund.status].succeed !== undefined
}
