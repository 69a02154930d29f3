import {
  couponOfCode,
  couponRef,
  issueCouponCode,
  readCouponCode,
} from '../../../shared/coupons/rules/coupon-code'
import { issueMemberCode, verifyMemberCode } from '../../../shared/membership/rules/member-code'

const SECRET = 'unit-test-secret'
const at = new Date('2026-03-01T04:05:10Z')
const MEMBER = '100000123'
const COUPON = 'a1b2c3d4e5f60718293a4b5c6d7e8f90'
const OTHERS = ['0f1e2d3c4b5a69788796a5b4c3d2e1f0', '11111111111111111111111111111111']

function couponOf(code: string, when: Date, ids: string[], secret = SECRET) {
  const read = readCouponCode(code, when)
  return read.ok ? couponOfCode(code, read, ids, secret) : read.reason
}

describe('coupon code (券码)', () => {
  it('is 22 digits naming the member and, among their coupons, this one', () => {
    const { code, expiresAt } = issueCouponCode(MEMBER, COUPON, at, SECRET)
    expect(code).toMatch(/^\d{22}$/)
    expect(code.startsWith(MEMBER)).toBe(true)
    expect(code.slice(12, 14)).toBe(couponRef(COUPON))
    expect(expiresAt.toISOString()).toBe('2026-03-01T04:07:00.000Z')
    expect(readCouponCode(code, at)).toMatchObject({ ok: true, memberNo: MEMBER, sequence: 0 })
    expect(couponOf(code, at, [...OTHERS, COUPON])).toBe(COUPON)
  })

  it('names no coupon the member does not hold, nor one of another member', () => {
    const { code } = issueCouponCode(MEMBER, COUPON, at, SECRET)
    expect(couponOf(code, at, OTHERS)).toBeUndefined()
    // The same coupon id under another member's number: the mac covers the member too.
    const other = `100000124${code.slice(9)}`
    expect(couponOf(other, at, [COUPON])).toBeUndefined()
  })

  it('verifies in its minute and the next, never later', () => {
    const { code } = issueCouponCode(MEMBER, COUPON, at, SECRET, 2)
    expect(couponOf(code, new Date(at.getTime() + 60_000), [COUPON])).toBe(COUPON)
    expect(couponOf(code, new Date(at.getTime() + 120_000), [COUPON])).toBe('expired')
    expect(couponOf(code, new Date(at.getTime() - 60_000), [COUPON])).toBe('expired')
  })

  it('refuses any edited digit and another secret', () => {
    const { code } = issueCouponCode(MEMBER, COUPON, at, SECRET, 1)
    for (let i = 0; i < code.length; i++) {
      if (i === 9 || i === 10) continue // the window digits: an edit reads as another minute
      const digit = String((Number(code[i]) + 1) % 10)
      const edited = code.slice(0, i) + digit + code.slice(i + 1)
      expect([undefined, 'expired']).toContain(couponOf(edited, at, [COUPON, ...OTHERS]))
    }
    expect(couponOf(code, at, [COUPON], 'another-secret')).toBeUndefined()
    expect(readCouponCode('1234', at)).toEqual({ ok: false, reason: 'malformed' })
  })

  it('is never a member code, and a member code is never a coupon code', () => {
    const coupon = issueCouponCode(MEMBER, COUPON, at, SECRET).code
    expect(verifyMemberCode(coupon, at, SECRET)).toEqual({ ok: false, reason: 'malformed' })
    const member = issueMemberCode(MEMBER, at, SECRET).code
    expect(readCouponCode(member, at)).toEqual({ ok: false, reason: 'malformed' })
    // Two more digits on a member code do not make a coupon code of it.
    expect(couponOf(`${member}00`, at, [COUPON])).toBeUndefined()
  })

  it('gives each sequence of a minute a different code', () => {
    const codes = Array.from(
      { length: 10 },
      (_, s) => issueCouponCode(MEMBER, COUPON, at, SECRET, s).code,
    )
    expect(new Set(codes).size).toBe(10)
    for (const code of codes) expect(couponOf(code, at, [COUPON])).toBe(COUPON)
  })
})
