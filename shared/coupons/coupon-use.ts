/**
 * Using a coupon: locked by an unpaid order, used when it is paid or at the till, released when
 * the order is cancelled or expires, returned on a full refund while still valid. The flows call
 * these inside the transaction (or next to the conditional update) that moves the order or sale,
 * so the coupon moves exactly when its order does.
 *
 * Guarantee (use), stated once: a coupon leaves `available` only inside a transaction that writes
 * the coupon document (the order's creation, the till sale) after reading it available from its
 * snapshot. A second transaction writing the same coupon conflicts (and, retried, reads it locked
 * or used and refuses); so one coupon is held or used by at most one order or sale, whatever
 * races.
 */
import { COLLECTIONS } from '../collections'
import { AppError } from '../platform/errors'
import { collection } from '../platform/db/collection'
import { database } from '../platform/runtime/cloudbase'
import type { Transaction } from '../platform/runtime/transaction'
import type { CouponDoc } from './documents'
import { canTransition, statusesAllowing } from './lifecycle'
import { couponRefusal, discountFor, type CouponUse } from './rules/coupons'
import { couponOption } from './views'

const coupons = () => collection(COLLECTIONS.coupons)

function unavailable(reason: string): AppError {
  return new AppError('COUPON_UNAVAILABLE', `优惠券不可用：${reason}`)
}

/**
 * Reads the coupon in transaction `t` and checks it may be applied to `use` by `memberId` now;
 * what it takes off. Refusals: COUPON_UNAVAILABLE with the reason a person reads.
 */
async function applicable(
  t: Transaction,
  couponId: string,
  memberId: string,
  use: CouponUse,
  now: Date,
): Promise<{ coupon: CouponDoc; discountFen: number }> {
  const coupon = await collection(COLLECTIONS.coupons, t).get(couponId)
  if (!coupon) throw unavailable('优惠券不存在')
  if (coupon.memberId !== memberId) throw unavailable('这张优惠券不属于该会员')
  const reason = couponRefusal(coupon, use, now)
  if (reason) throw unavailable(reason)
  return { coupon, discountFen: discountFor(coupon.terms, use) }
}

/** In the order's creation transaction: the coupon becomes locked by `orderId`. */
export async function lockCouponInTx(
  t: Transaction,
  input: { couponId: string; memberId: string; orderId: string; use: CouponUse; now: Date },
): Promise<{ coupon: CouponDoc; discountFen: number }> {
  const found = await applicable(t, input.couponId, input.memberId, input.use, input.now)
  if (!canTransition(found.coupon, 'lock', input.now)) throw unavailable('已被使用')
  await collection(COLLECTIONS.coupons, t).update(input.couponId, {
    status: 'locked',
    lock: { orderId: input.orderId, at: input.now },
  })
  return found
}

/** In the till sale's transaction: the coupon is used by `saleId` at once. */
export async function useCouponForSaleInTx(
  t: Transaction,
  input: {
    couponId: string
    memberId: string
    saleId: string
    storeId: string
    use: CouponUse
    now: Date
  },
): Promise<{ coupon: CouponDoc; discountFen: number }> {
  const found = await applicable(t, input.couponId, input.memberId, input.use, input.now)
  if (!canTransition(found.coupon, 'use', input.now)) throw unavailable('已被使用')
  await collection(COLLECTIONS.coupons, t).update(input.couponId, {
    status: 'used',
    use: {
      kind: 'sale',
      id: input.saleId,
      storeId: input.storeId,
      discountFen: found.discountFen,
      paidFen: input.use.amountFen - found.discountFen,
      at: input.now,
    },
  })
  return found
}

/**
 * In the transaction that cancels `orderId` (awaiting payment → cancelled): its coupon goes back
 * to available. The order's own transition happens once, so the coupon returns once.
 */
export async function releaseCouponInTx(
  t: Transaction,
  couponId: string,
  orderId: string,
  now: Date,
): Promise<void> {
  const tc = collection(COLLECTIONS.coupons, t)
  const coupon = await tc.get(couponId)
  if (!coupon || coupon.status !== 'locked' || coupon.lock?.orderId !== orderId) return
  await tc.update(couponId, {
    status: 'available',
    lock: null,
    history: [...coupon.history, { event: 'release', id: orderId, at: now }],
  })
}

/**
 * In the transaction that finishes a paid order's effects: its coupon goes locked → used. That
 * transaction acts once per order (it clears the order's effectsDueAt), and the coupon's own
 * status is checked here too.
 */
export async function useLockedCouponInTx(
  t: Transaction,
  input: {
    couponId: string
    orderId: string
    storeId: string | null
    discountFen: number
    paidFen: number
    at: Date
  },
): Promise<void> {
  const tc = collection(COLLECTIONS.coupons, t)
  const coupon = await tc.get(input.couponId)
  if (!coupon || coupon.status !== 'locked' || coupon.lock?.orderId !== input.orderId) return
  await tc.update(input.couponId, {
    status: 'used',
    lock: null,
    use: {
      kind: 'order',
      id: input.orderId,
      storeId: input.storeId,
      discountFen: input.discountFen,
      paidFen: input.paidFen,
      at: input.at,
    },
  })
}

/**
 * After the order is paid, outside a transaction: locked by `orderId` → used, one conditional
 * update. Only the lock's own order matches, so it moves once; a transaction that read the coupon
 * before (a cancellation's release) conflicts with it and, retried, finds it used.
 */
export async function useLockedCoupon(input: {
  couponId: string
  orderId: string
  storeId: string | null
  discountFen: number
  paidFen: number
  at: Date
}): Promise<boolean> {
  return coupons().updateIf(
    { _id: input.couponId, status: 'locked', 'lock.orderId': input.orderId },
    {
      status: 'used',
      lock: null,
      use: {
        kind: 'order',
        id: input.orderId,
        storeId: input.storeId,
        discountFen: input.discountFen,
        paidFen: input.paidFen,
        at: input.at,
      },
    },
  )
}

/**
 * A full refund (or a voided till sale) gives the coupon back while it is still valid.
 *
 * Guarantee: one conditional update from `used` by exactly this order or sale, so however often
 * the refund notification repeats (or a refund and a repair run at once), it returns once; after
 * that the coupon is available (or used again by another order), which no longer matches.
 */
export async function returnCoupon(
  couponId: string,
  usedBy: { kind: 'order' | 'sale'; id: string },
  now: Date,
): Promise<boolean> {
  const _ = database().command
  return coupons().updateIf(
    {
      _id: couponId,
      status: _.in(statusesAllowing('return')),
      'use.kind': usedBy.kind,
      'use.id': usedBy.id,
      expiresAt: _.gt(now),
    },
    {
      status: 'available',
      use: null,
      history: _.push({ event: 'return', id: usedBy.id, at: now }),
    },
  )
}

/**
 * The member's coupons for a purchase (`use`): held ones (available, or locked by another unpaid
 * order) with what each takes off or why it cannot be used. One read.
 */
export async function couponOptions(memberId: string, use: CouponUse, now: Date) {
  return (await heldCoupons(memberId, now)).map((c) => couponOption(c, use, now))
}

/** The member's coupons not yet used or expired (available, or locked by an unpaid order). */
export async function heldCoupons(memberId: string, now: Date): Promise<CouponDoc[]> {
  const _ = database().command
  return coupons().find(
    { memberId, status: _.in(['available', 'locked']), expiresAt: _.gt(now) },
    { orderBy: ['expiresAt', 'asc'], limit: 100 },
  )
}

/** One coupon as `use` sees it (COUPON_UNAVAILABLE when it is not the member's). */
export async function couponFor(memberId: string, couponId: string): Promise<CouponDoc> {
  const coupon = await coupons().get(couponId)
  if (!coupon || coupon.memberId !== memberId) throw unavailable('这张优惠券不属于该会员')
  return coupon
}
