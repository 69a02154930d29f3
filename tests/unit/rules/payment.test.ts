import fc from 'fast-check'
import type { PaymentSucceeded, RefundSettled } from '../../../shared/platform/ports/pay'
import { isFreshTimestamp } from '../../../shared/platform/adapters/wechatpay-wire'
import {
  newOutTradeNo,
  OUT_TRADE_NO,
  outRefundNoFor,
  paymentMismatch,
  refundMismatch,
} from '../../../shared/payments/rules/payment'

const expected = { amountFen: 2590, appid: 'wx-app', mchid: '1900012345', payerOpenid: 'oPayer' }
const paid: PaymentSucceeded = {
  kind: 'payment',
  outTradeNo: 'P1',
  transactionId: 'T1',
  appid: 'wx-app',
  mchid: '1900012345',
  amountFen: 2590,
  payerOpenid: 'oPayer',
  successTime: new Date(),
}
const refunded: RefundSettled = {
  kind: 'refund',
  outTradeNo: 'P1',
  transactionId: 'T1',
  outRefundNo: 'R1',
  refundId: 'X1',
  mchid: '1900012345',
  status: 'SUCCESS',
  refundFen: 100,
  totalFen: 2590,
  successTime: null,
}

describe('payment rules', () => {
  it('a payment notification must name the same merchant, appid, amount and payer as the order', () => {
    expect(paymentMismatch(expected, paid)).toBeNull()
    expect(paymentMismatch(expected, { ...paid, mchid: '1900000000' })).toBe('mchid')
    expect(paymentMismatch(expected, { ...paid, appid: 'wx-other' })).toBe('appid')
    expect(paymentMismatch(expected, { ...paid, amountFen: 2589 })).toBe('amount')
    expect(paymentMismatch(expected, { ...paid, payerOpenid: 'oSomeoneElse' })).toBe('payer')
  })

  it("a refund notification must name the merchant and the order's total, and refund no more than it", () => {
    expect(refundMismatch(expected, refunded)).toBeNull()
    expect(refundMismatch(expected, { ...refunded, mchid: 'x' })).toBe('mchid')
    expect(refundMismatch(expected, { ...refunded, totalFen: 9999 })).toBe('amount')
    expect(refundMismatch(expected, { ...refunded, refundFen: 2591 })).toBe('amount')
  })

  it('freshness: within 5 minutes either way', () => {
    const now = new Date('2026-03-01T00:00:00Z')
    const t = now.getTime() / 1000
    expect(isFreshTimestamp(t - 300, now)).toBe(true)
    expect(isFreshTimestamp(t - 301, now)).toBe(false)
    expect(isFreshTimestamp(t + 300, now)).toBe(true)
    expect(isFreshTimestamp(t + 301, now)).toBe(false)
    expect(isFreshTimestamp(Number.NaN, now)).toBe(false)
  })

  it('out_trade_no: WeChat-valid, Beijing time first, unique', () => {
    const now = new Date('2026-03-01T16:30:05Z')
    const a = newOutTradeNo(now)
    expect(a).toMatch(OUT_TRADE_NO)
    expect(a.slice(0, 15)).toBe('P20260302003005')
    expect(newOutTradeNo(now)).not.toBe(a)
  })

  it('out_refund_no: a function of the business key (a retry is the same refund), WeChat-valid', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 200 }),
        fc.string({ minLength: 1, maxLength: 200 }),
        (k1, k2) => {
          const a = outRefundNoFor(k1)
          expect(a).toMatch(/^R[0-9a-f]{31}$/)
          expect(outRefundNoFor(k1)).toBe(a)
          if (k1 !== k2) expect(outRefundNoFor(k2)).not.toBe(a)
        },
      ),
    )
  })
})
