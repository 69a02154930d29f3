/**
 * Coupon rules without a database: validity by Asia/Shanghai days, the reasons a checkout greys a
 * coupon out with, the discount (with its stated rounding), and the allocation of an order's
 * discount across its lines (properties: the shares add up, none negative, none above its line).
 */
import fc from 'fast-check'
import type { CouponTermsDoc } from '../../../shared/coupons/documents'
import {
  allocateDiscount,
  bestCoupon,
  couponRefusal,
  couponWindow,
  discountFor,
  issueRefusal,
  termsSummary,
  type CouponUse,
} from '../../../shared/coupons/rules/coupons'

const terms = (over: Partial<CouponTermsDoc> = {}): CouponTermsDoc => ({
  name: '满100减20',
  kind: 'amountOff',
  valueFen: 2_000,
  rateBp: null,
  maxOffFen: null,
  minSpendFen: 10_000,
  giftName: null,
  channels: ['offline', 'online'],
  storeIds: null,
  productIds: null,
  ...over,
})
const online = (amountFen: number, over: Partial<CouponUse> = {}): CouponUse => ({
  channel: 'online',
  storeId: 'store-a',
  lines: [{ productId: 'p1', amountFen }],
  amountFen,
  ...over,
})
const NOW = new Date('2026-12-03T04:00:00Z') // 12:00 in Shanghai
const coupon = (
  over: Partial<CouponTermsDoc> = {},
  status: 'available' | 'locked' | 'used' = 'available',
) => ({
  status,
  terms: terms(over),
  startsAt: new Date('2026-12-01T00:00:00Z'),
  expiresAt: new Date('2026-12-31T16:00:00Z'),
})

describe('validity', () => {
  it('a fixed window runs from the first Shanghai midnight to the one after its last day', () => {
    const w = couponWindow(
      { kind: 'fixed', validFrom: '2026-12-01', validUntil: '2026-12-31' },
      NOW,
    )
    expect(w.startsAt.toISOString()).toBe('2026-11-30T16:00:00.000Z')
    expect(w.expiresAt.toISOString()).toBe('2026-12-31T16:00:00.000Z')
  })
  it('N days from receipt count the day received, ending at a Shanghai midnight', () => {
    // Received at 23:30 Shanghai on the 3rd: 7 days are the 3rd to the 9th.
    const late = new Date('2026-12-03T15:30:00Z')
    const w = couponWindow({ kind: 'relative', validDays: 7 }, late)
    expect(w.startsAt).toEqual(late)
    expect(w.expiresAt.toISOString()).toBe('2026-12-09T16:00:00.000Z')
    // Received at 00:30 Shanghai on the 4th (still the 3rd in UTC): the 4th to the 10th.
    const early = new Date('2026-12-03T16:30:00Z')
    expect(couponWindow({ kind: 'relative', validDays: 7 }, early).expiresAt.toISOString()).toBe(
      '2026-12-10T16:00:00.000Z',
    )
  })
  it('expires exactly at the Shanghai day end, by the given clock', () => {
    const c = coupon()
    expect(couponRefusal(c, online(20_000), new Date('2026-12-31T15:59:59Z'))).toBeNull()
    expect(couponRefusal(c, online(20_000), new Date('2026-12-31T16:00:00Z'))).toBe('已过期')
    expect(couponRefusal(c, online(20_000), new Date('2026-11-30T15:00:00Z'))).toBe('12月1日起可用')
  })
})

describe('reasons a coupon cannot be applied', () => {
  it.each([
    [coupon({}, 'used'), online(20_000), '已使用'],
    [coupon({}, 'locked'), online(20_000), '已被一笔待支付订单占用'],
    [coupon(), online(9_999), '未满 ¥100'],
    [coupon({ channels: ['offline'] }), online(20_000), '仅限门店使用'],
    [
      coupon({ channels: ['online'] }),
      { ...online(20_000), channel: 'offline' as const, lines: null },
      '仅限线上商城使用',
    ],
    [coupon({ storeIds: ['store-b'] }), online(20_000), '不适用于该门店'],
    [
      coupon({ storeIds: ['store-b'] }),
      online(20_000, { storeId: null }),
      '仅限指定门店自提订单使用',
    ],
    [coupon({ productIds: ['p9'] }), online(20_000), '不适用于所选商品'],
    [coupon({ productIds: ['p1'], minSpendFen: 30_000 }), online(20_000), '未满 ¥300（指定商品）'],
    [
      coupon({ productIds: ['p1'] }),
      { ...online(20_000), channel: 'offline' as const, lines: null },
      '限指定商品，请在线上商城使用',
    ],
  ])('%#: %s', (c, use, reason) => {
    expect(couponRefusal(c, use as CouponUse, NOW)).toBe(reason)
  })
  it('a usable coupon has no reason', () => {
    expect(couponRefusal(coupon(), online(10_000), NOW)).toBeNull()
  })
})

describe('discount', () => {
  it('amount off, never past the order (at least ¥0.01 is paid)', () => {
    expect(discountFor(terms(), online(10_000))).toBe(2_000)
    expect(discountFor(terms({ minSpendFen: 0, valueFen: 5_000 }), online(3_000))).toBe(2_999)
  })
  it('a rate rounds the discount down to the fen and respects its cap', () => {
    const rate = terms({ kind: 'discount', valueFen: null, rateBp: 8_500, minSpendFen: 0 })
    // 15% of 9.99 = 1.4985 → 1.49 off.
    expect(discountFor(rate, online(999))).toBe(149)
    expect(discountFor({ ...rate, maxOffFen: 1_000 }, online(100_000))).toBe(1_000)
    expect(termsSummary({ ...rate, maxOffFen: 1_000 })).toBe('8.5 折 · 最多减 ¥10')
  })
  it('counts only the listed products', () => {
    const only = terms({
      kind: 'discount',
      valueFen: null,
      rateBp: 5_000,
      minSpendFen: 0,
      productIds: ['p2'],
    })
    const use: CouponUse = {
      channel: 'online',
      storeId: 'store-a',
      lines: [
        { productId: 'p1', amountFen: 10_000 },
        { productId: 'p2', amountFen: 3_000 },
      ],
      amountFen: 13_000,
    }
    expect(discountFor(only, use)).toBe(1_500)
  })
  it('a gift takes nothing off', () => {
    expect(
      discountFor(terms({ kind: 'gift', giftName: '帆布袋', valueFen: null }), online(20_000)),
    ).toBe(0)
  })
  it('property: never negative, never the whole amount, whatever the terms', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10_000_000 }),
        fc.integer({ min: 100, max: 9_900 }),
        fc.option(fc.integer({ min: 1, max: 1_000_000 }), { nil: null }),
        fc.integer({ min: 1, max: 1_000_000 }),
        (amount, rateBp, maxOffFen, valueFen) => {
          for (const t of [
            terms({ minSpendFen: 0, valueFen }),
            terms({ kind: 'discount', minSpendFen: 0, valueFen: null, rateBp, maxOffFen }),
          ]) {
            const d = discountFor(t, online(amount))
            expect(Number.isInteger(d)).toBe(true)
            expect(d).toBeGreaterThanOrEqual(0)
            expect(d).toBeLessThanOrEqual(amount - 1)
          }
        },
      ),
    )
  })
})

describe('allocation across lines', () => {
  it('largest remainder, ties to the earlier line', () => {
    expect(allocateDiscount(100, [100, 100, 100])).toEqual([34, 33, 33])
    expect(allocateDiscount(10, [1_000, 3_000], [true, true])).toEqual([3, 7])
    expect(allocateDiscount(500, [1_000, 3_000], [false, true])).toEqual([0, 500])
  })
  it('property: the shares add up to the discount, none negative, none above its line', () => {
    fc.assert(
      fc.property(
        fc
          .array(fc.tuple(fc.integer({ min: 1, max: 5_000_000 }), fc.boolean()), {
            minLength: 1,
            maxLength: 20,
          })
          .filter((lines) => lines.some(([, e]) => e)),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (lines, fraction) => {
          const amounts = lines.map(([a]) => a)
          const eligible = lines.map(([, e]) => e)
          const base = amounts.reduce((s, a, i) => s + (eligible[i] ? a : 0), 0)
          const discount = Math.floor(base * fraction)
          const shares = allocateDiscount(discount, amounts, eligible)
          expect(shares.reduce((s, x) => s + x, 0)).toBe(discount)
          shares.forEach((s, i) => {
            expect(Number.isInteger(s)).toBe(true)
            expect(s).toBeGreaterThanOrEqual(0)
            expect(s).toBeLessThanOrEqual(amounts[i]!)
            if (!eligible[i]) expect(s).toBe(0)
          })
        },
      ),
      { numRuns: 2_000 },
    )
  })
  it('refuses a discount larger than the eligible lines', () => {
    expect(() => allocateDiscount(301, [100, 200])).toThrow()
  })
})

describe('issuing', () => {
  const template = {
    status: 'active' as const,
    totalQuantity: 10,
    issued: 0,
    tiers: null,
    validity: { kind: 'relative' as const, validDays: 7 },
    perMemberLimit: 2,
  }
  it.each([
    [{ status: 'paused' as const }, 0, '该优惠券已暂停发放'],
    [{ issued: 10 }, 0, '该优惠券已被领完'],
    [{}, 2, '每人限领 2 张，已领完'],
    [{ tiers: ['gold' as const] }, 0, '仅限金卡会员领取'],
    [
      { validity: { kind: 'fixed' as const, validFrom: '2026-11-01', validUntil: '2026-12-02' } },
      0,
      '该优惠券已过期',
    ],
  ])('%#', (over, received, reason) => {
    expect(issueRefusal({ ...template, ...over }, received, 'standard', NOW)).toBe(reason)
  })
  it('issues when nothing stands in the way', () => {
    expect(issueRefusal(template, 1, 'standard', NOW)).toBeNull()
  })
})

it('the best coupon takes most off, then expires first', () => {
  const a = { id: 'a', discountFen: 500, expiresAt: '2026-12-10T00:00:00Z' }
  const b = { id: 'b', discountFen: 800, expiresAt: '2026-12-20T00:00:00Z' }
  const c = { id: 'c', discountFen: 800, expiresAt: '2026-12-05T00:00:00Z' }
  expect(bestCoupon([a, b, c])?.id).toBe('c')
  expect(bestCoupon([])).toBeNull()
})
