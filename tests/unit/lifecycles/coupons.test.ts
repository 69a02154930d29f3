/** The coupon lifecycle as data: transitions, derived expiry, labels and who may do what. */
import {
  COUPON_TRANSITIONS,
  canTransition,
  couponState,
  couponStatusLabel,
  nextCouponActions,
  statusesAllowing,
} from '../../../shared/coupons/lifecycle'

const NOW = new Date('2026-12-03T04:00:00Z')
const later = new Date('2026-12-10T00:00:00Z')
const earlier = new Date('2026-12-01T00:00:00Z')
const both = { channels: ['online', 'offline'] } as never

it('available → locked → used, locked → available, used → available; expired is final', () => {
  expect(COUPON_TRANSITIONS.available.lock).toBe('locked')
  expect(COUPON_TRANSITIONS.locked.use).toBe('used')
  expect(COUPON_TRANSITIONS.locked.release).toBe('available')
  expect(COUPON_TRANSITIONS.used.return).toBe('available')
  expect(COUPON_TRANSITIONS.expired).toEqual({})
  expect(statusesAllowing('return')).toEqual(['used'])
  expect(statusesAllowing('lock')).toEqual(['available'])
})

it('an available coupon past its end is expired by the clock, and cannot be locked', () => {
  const c = { status: 'available' as const, expiresAt: earlier }
  expect(couponState(c, NOW)).toBe('expired')
  expect(couponStatusLabel(c, NOW)).toBe('已过期')
  expect(canTransition(c, 'lock', NOW)).toBe(false)
  expect(canTransition({ ...c, expiresAt: later }, 'lock', NOW)).toBe(true)
})

it('labels and actions come from the server', () => {
  const c = { status: 'available' as const, expiresAt: later, terms: both }
  expect(couponStatusLabel(c, NOW)).toBe('可使用')
  expect(couponStatusLabel({ ...c, status: 'locked' }, NOW)).toBe('使用中')
  expect(couponStatusLabel({ ...c, status: 'used' }, NOW)).toBe('已使用')
  expect(nextCouponActions(c, 'member', NOW)).toEqual(['useOnline'])
  expect(nextCouponActions(c, 'clerk', NOW)).toEqual(['applyAtTill'])
  expect(nextCouponActions(c, 'analyst', NOW)).toEqual([])
  expect(nextCouponActions({ ...c, status: 'used' }, 'member', NOW)).toEqual([])
  expect(
    nextCouponActions({ ...c, terms: { channels: ['offline'] } as never }, 'member', NOW),
  ).toEqual([])
})
