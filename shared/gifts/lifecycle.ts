/**
 * A gift redemption's lifecycle (pure).
 *
 *   pickup: awaitingPickup ─verifyPickup→ collected;  awaitingPickup ─revoke→ cancelled (HQ)
 *   mail:   awaitingPayment ─pay→ awaitingShipment ─ship→ shipped
 *           awaitingPayment ─cancel→ cancelled (the member) | ─expire→ cancelled (15 minutes unpaid)
 *           a mail redemption without a shipping fee starts at awaitingShipment
 *   coupon: issuing ─issue→ couponIssued (points taken, coupon given; an exchange whose points were
 *           never taken is removed, not cancelled: nothing happened)
 *
 * Where each happens: verifyPickup and revoke (HQ's cancelRedemption) in flows/redemption.ts; pay,
 * cancel, expire and ship in flows/mail-redemption.ts.
 */
import type { RedemptionDoc, RedemptionStatus } from './documents'
import { type Actor, nextState, statesAllowing, type TransitionTable } from '../platform/lifecycle'

export type RedemptionEvent =
  'pay' | 'cancel' | 'expire' | 'verifyPickup' | 'ship' | 'revoke' | 'issue'

/** What a caller may be offered (revoke: HQ cancels an uncollected pickup, points and stock back). */
export type RedemptionAction = 'pay' | 'cancel' | 'verifyPickup' | 'ship' | 'revoke'

export const REDEMPTION_STATES: readonly RedemptionStatus[] = [
  'awaitingPickup',
  'collected',
  'awaitingPayment',
  'awaitingShipment',
  'shipped',
  'cancelled',
  'issuing',
  'couponIssued',
]

export const REDEMPTION_ACTIONS: readonly RedemptionAction[] = [
  'pay',
  'cancel',
  'verifyPickup',
  'ship',
  'revoke',
]

export const REDEMPTION_TRANSITIONS: TransitionTable<RedemptionStatus, RedemptionEvent> = {
  awaitingPickup: { verifyPickup: 'collected', revoke: 'cancelled' },
  collected: {},
  awaitingPayment: { pay: 'awaitingShipment', cancel: 'cancelled', expire: 'cancelled' },
  awaitingShipment: { ship: 'shipped' },
  shipped: {},
  cancelled: {},
  issuing: { issue: 'couponIssued' },
  couponIssued: {},
}

export const REDEMPTION_ACTIONS_BY: Record<Actor, readonly RedemptionAction[]> = {
  member: ['pay', 'cancel'],
  clerk: ['verifyPickup'],
  'hq-admin': ['ship', 'revoke'],
  analyst: [],
}

/** The one label per status, in the console and in the mini-program alike. */
export const REDEMPTION_STATUS_LABELS: Record<RedemptionStatus, string> = {
  awaitingPickup: '待自提',
  collected: '已领取',
  awaitingPayment: '待支付运费',
  awaitingShipment: '待发货',
  shipped: '已发货',
  cancelled: '已取消',
  issuing: '处理中',
  couponIssued: '已发券',
}

type RedemptionFacts = Pick<RedemptionDoc, 'status'> & Partial<Pick<RedemptionDoc, 'payBy'>>

/** The statuses `event` may start from (the where-clause of its conditional update). */
export function statusesAllowing(event: RedemptionEvent): RedemptionStatus[] {
  return statesAllowing(REDEMPTION_TRANSITIONS, event)
}

export function canTransition(redemption: Pick<RedemptionDoc, 'status'>, event: RedemptionEvent) {
  return nextState(REDEMPTION_TRANSITIONS, redemption.status, event) !== null
}

/**
 * What `actor` may do with the redemption now. An unpaid one past its payment window offers
 * nothing (the next read or the timer cancels it).
 */
export function nextRedemptionActions(
  redemption: RedemptionFacts,
  actor: Actor,
  now: Date,
): RedemptionAction[] {
  if (
    redemption.status === 'awaitingPayment' &&
    redemption.payBy &&
    now.getTime() >= redemption.payBy.getTime()
  )
    return []
  return REDEMPTION_ACTIONS_BY[actor].filter((action) => canTransition(redemption, action))
}
