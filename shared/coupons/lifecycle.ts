/**
 * A coupon's lifecycle (pure).
 *
 *   available ─lock→ locked (an unpaid order holds it) ─use→ used (the order was paid)
 *   locked ─release→ available (the order was cancelled or expired unpaid)
 *   available ─use→ used (a till sale, at once)
 *   used ─return→ available (a full refund while the coupon is still valid)
 *   available ─expire→ expired (its last day ended, Asia/Shanghai; derived from the clock, not stored)
 *
 * Where each happens: lock, release, use and return in coupon-use.ts (called by flows/orders.ts,
 * flows/coupon-orders.ts and flows/offline-sale.ts, each inside the transaction or conditional
 * update that moves the order or sale).
 */
import type { CouponDoc, CouponStatus } from './documents'
import { type Actor, nextState, statesAllowing, type TransitionTable } from '../platform/lifecycle'

export type CouponState = CouponStatus | 'expired'
export type CouponEvent = 'lock' | 'release' | 'use' | 'return' | 'expire'
/** What a caller may be offered: a member uses it online; a clerk applies it at the till. */
export type CouponAction = 'useOnline' | 'applyAtTill'

export const COUPON_STATES: readonly CouponState[] = ['available', 'locked', 'used', 'expired']
export const COUPON_ACTIONS: readonly CouponAction[] = ['useOnline', 'applyAtTill']

export const COUPON_TRANSITIONS: TransitionTable<CouponState, CouponEvent> = {
  available: { lock: 'locked', use: 'used', expire: 'expired' },
  locked: { use: 'used', release: 'available' },
  used: { return: 'available' },
  expired: {},
}

export const COUPON_STATUS_LABELS: Record<CouponState, string> = {
  available: '可使用',
  locked: '使用中',
  used: '已使用',
  expired: '已过期',
}

type CouponFacts = Pick<CouponDoc, 'status' | 'expiresAt'> & Partial<Pick<CouponDoc, 'terms'>>

/** The state a person sees: an available coupon past its end is expired. */
export function couponState(coupon: CouponFacts, now: Date): CouponState {
  if (coupon.status === 'available' && now.getTime() >= new Date(coupon.expiresAt).getTime())
    return 'expired'
  return coupon.status
}

export function canTransition(coupon: CouponFacts, event: CouponEvent, now: Date): boolean {
  return nextState(COUPON_TRANSITIONS, couponState(coupon, now), event) !== null
}

/** The stored statuses `event` may start from (the where-clause of its conditional update). */
export function statusesAllowing(event: CouponEvent): CouponStatus[] {
  return statesAllowing(COUPON_TRANSITIONS, event).filter((s): s is CouponStatus => s !== 'expired')
}

/** What `actor` may do with the coupon now. */
export function nextCouponActions(coupon: CouponFacts, actor: Actor, now: Date): CouponAction[] {
  if (couponState(coupon, now) !== 'available') return []
  const channels = coupon.terms?.channels ?? ['online', 'offline']
  if (actor === 'member' && channels.includes('online')) return ['useOnline']
  if (actor === 'clerk' && channels.includes('offline')) return ['applyAtTill']
  return []
}

export function couponStatusLabel(coupon: CouponFacts, now: Date): string {
  return COUPON_STATUS_LABELS[couponState(coupon, now)]
}
