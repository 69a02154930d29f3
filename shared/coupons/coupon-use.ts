/**
 * Using a coupon: locked by an unpaid order, used when it is paid or at the till, released when
 * the order is cancelled or expires, returned on a full refund while still valid. The flows call
 * these next to the write that moves the order or sale (inside its transaction, or as the
 * conditional update that is that write), so the coupon moves exactly when its order does.
 *
 * Guarantee (use), stated once: a coupon leaves `available` by exactly one database operation
 * that requires it to be available: the order's lock is one conditional update
 * (`status: available` → `locked` with the order's id, lockCoupon), the till sale a transaction
 * that read it available from its snapshot and writes it used. Two locks cannot both match; a
 * lock landing after the sale's snapshot makes the sale's write conflict (and, retried, read it
 * locked and refuse); a sale that committed first leaves nothing for the lock to match. So one
 * coupon is held or used by at most one order or sale, whatever races. Every way back
 * (unlockCoupon, releaseCouponInTx, returnCoupon) names the order or sale that holds it, so each
 * happens once.
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

/**
 * Locks the coupon for `orderId` (which need not exist yet: the order is written after its
 * locks) and says what it takes off `use`. One conditional update when it can be used; a
 * refusal (COUPON_UNAVAILABLE with the reason) leaves it as it was.
 *
 * The update matches only the member's coupon, available and inside its dates, and answers it;
 * the terms that depend on the purchase (channel, store, products, minimum spend) are checked on
 * that answer, and a coupon they refuse is unlocked again at once (unlockCoupon, by this order's
 * id). Nothing else can have used it in between: it was locked by this order.
 */
export async function lockCoupon(input: {
  couponId: string
  memberId: string
  orderId: string
  use: CouponUse
  now: Date
}): Promise<{ coupon: CouponDoc; discountFen: number }> {
  const _ = database().command
  const { couponId, memberId, orderId, use, now } = input
  const locked = await coupons().updateAndReturn(
    {
      _id: couponId,
      memberId,
      status: _.in(statusesAllowing('lock')),
      startsAt: _.lte(now),
      expiresAt: _.gt(now),
    },
    { status: 'locked', lock: { orderId, at: now } },
  )
  if (!locked) {
    // Not locked: say why from the coupon as it is now (a refusal costs this one read more).
    const coupon = await coupons().get(couponId)
    if (!coupon || coupon.memberId !== memberId) throw unavailable('这张优惠券不属于该会员')
    // Locked by this very order already: a repeat of the same request (an order id derived
    // from it, flows/orders.ts) finds the lock an earlier or concurrent call took. It is this
    // order's lock, answered as if taken now (never unlocked here: it is not this call's alone).
    if (coupon.status === 'locked' && coupon.lock?.orderId === orderId) {
      const reason = couponRefusal({ ...coupon, status: 'available' }, use, now)
      if (reason) throw unavailable(reason)
      return { coupon, discountFen: discountFor(coupon.terms, use) }
    }
    throw unavailable(couponRefusal(coupon, use, now) ?? '已被使用')
  }
  const reason = couponRefusal({ ...locked, status: 'available' }, use, now)
  if (reason) {
    await unlockCoupon(couponId, orderId, now)
    throw unavailable(reason)
  }
  return { coupon: locked, discountFen: discountFor(locked.terms, use) }
}

/**
 * Gives back a lock that `orderId` took, if it still holds it: the undo of lockCoupon when the
 * order is not created after all, and the repair of a lock whose order never came (`repair`:
 * recorded in the coupon's history, as a released lock is). One conditional update
 * (`status: locked` by this order), so it happens once and never touches another order's lock.
 */
export async function unlockCoupon(
  couponId: string,
  orderId: string,
  now: Date,
  options: { repair?: boolean } = {},
): Promise<boolean> {
  const _ = database().command
  return coupons().updateIf(
    { _id: couponId, status: _.in(statusesAllowing('release')), 'lock.orderId': orderId },
    {
      status: 'available',
      lock: null,
      ...(options.repair ? { history: _.push({ event: 'release', id: orderId, at: now }) } : {}),
    },
  )
}

/**
 * Coupons locked at or before `before` (and after `after`, when paging on), oldest lock first:
 * the repair's work list, one read per page.
 */
export async function couponsLockedBefore(
  before: Date,
  options: { after?: Date; limit: number },
): Promise<Pick<CouponDoc, '_id' | 'memberId' | 'lock'>[]> {
  const _ = database().command
  return coupons().find(
    {
      status: 'locked',
      'lock.at': options.after ? _.and([_.gt(options.after), _.lte(before)]) : _.lte(before),
    },
    { orderBy: ['lock.at', 'asc'], limit: options.limit, fields: ['memberId', 'lock'] },
  )
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
