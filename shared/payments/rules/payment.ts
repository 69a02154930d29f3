/**
 * Payment rules that need no database: merchant order and refund
 * numbers, and the facts a verified notification must agree with before it changes anything.
 */
import { createHash, randomBytes } from 'node:crypto'
import type { PaymentSucceeded, RefundSettled } from '../../platform/ports/pay'
import { SHANGHAI_OFFSET_MS } from '../../platform/calendar'

/**
 * A new out_trade_no: `P` + Beijing time to the second + 12 random hex digits (27 characters;
 * WeChat allows 6–32 of [A-Za-z0-9_-|*]). Sorts by creation time in the merchant platform.
 */
export function newOutTradeNo(now: Date): string {
  const stamp = new Date(now.getTime() + SHANGHAI_OFFSET_MS)
    .toISOString()
    .replace(/\D/g, '')
    .slice(0, 14)
  return `P${stamp}${randomBytes(6).toString('hex')}`
}

export const OUT_TRADE_NO = /^[A-Za-z0-9_|*-]{6,32}$/

/**
 * The out_refund_no of a refund, derived from its business key (`order:<id>:cancel`, …), never
 * random: a retried refund keeps its number, and WeChat refunds one number once.
 */
export function outRefundNoFor(key: string): string {
  return `R${createHash('sha256').update(key, 'utf8').digest('hex').slice(0, 31)}`
}

/** What this system recorded when it created the payment. */
export interface ExpectedPayment {
  amountFen: number
  appid: string
  mchid: string
  payerOpenid: string
}

/** The first field in which a verified payment notification disagrees with the payment, or null. */
export function paymentMismatch(
  expected: ExpectedPayment,
  event: PaymentSucceeded,
): 'mchid' | 'appid' | 'amount' | 'payer' | null {
  if (event.mchid !== expected.mchid) return 'mchid'
  if (event.appid !== expected.appid) return 'appid'
  if (event.amountFen !== expected.amountFen) return 'amount'
  if (event.payerOpenid !== expected.payerOpenid) return 'payer'
  return null
}

/** The same for a refund notification: it names the order's total, not the payer. */
export function refundMismatch(
  expected: ExpectedPayment,
  event: RefundSettled,
): 'mchid' | 'amount' | null {
  if (event.mchid !== expected.mchid) return 'mchid'
  if (event.totalFen !== expected.amountFen || event.refundFen > event.totalFen) return 'amount'
  return null
}
