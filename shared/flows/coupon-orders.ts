/**
 * Coupons in online orders: the checkout's quote (usable coupons with the best one preselected,
 * the rest greyed with the reason), the coupon locked by one conditional update before the order
 * is written (given back if the order is not created), released in the transaction that cancels it (by the member, or the expiry job through the
 * payment's close), used in the transaction that finishes the paid order's effects, and returned
 * by a full refund while still valid. Each step rides on the order's own transition, so it
 * happens exactly once (coupons/coupon-use.ts states the coupon's guarantee).
 */
import type { OrderDoc, OrderLineDoc } from '../shop/documents'
import type { Fulfilment, OrderLine } from '../shop/rules/shop'
import { mergeLines, orderTotalFen } from '../shop/rules/shop'
import { priceLines, releaseOrder } from '../shop/orders'
import { findMemberByOpenid } from '../membership/lookups'
import { AppError } from '../platform/errors'
import type { InvocationContext } from '../platform/runtime/define-function'
import { requireOpenid } from '../platform/runtime/identity'
import type { Transaction } from '../platform/runtime/transaction'
import {
  heldCoupons,
  lockCoupon,
  releaseCouponInTx,
  returnCoupon,
  useLockedCoupon,
  unlockCoupon,
  useLockedCouponInTx,
} from '../coupons/coupon-use'
import { allocateDiscount, bestCoupon, type CouponUse } from '../coupons/rules/coupons'
import { couponOption } from '../coupons/views'

/** The purchase a coupon sees in an order: its lines, the pickup store (none for delivery). */
export function orderCouponUse(
  items: readonly Pick<OrderLineDoc, 'productId' | 'priceFen' | 'qty'>[],
  fulfilment: Fulfilment,
  storeId: string | null | undefined,
): CouponUse {
  const lines = items.map((l) => ({ productId: l.productId, amountFen: l.priceFen * l.qty }))
  return {
    channel: 'online',
    storeId: fulfilment === 'pickup' ? (storeId ?? null) : null,
    lines,
    amountFen: orderTotalFen(items),
  }
}

/** The lines with their shares of `discountFen` (only the lines the coupon counts share it). */
export function linesWithDiscount(
  items: readonly OrderLineDoc[],
  discountFen: number,
  productIds: readonly string[] | null,
): OrderLineDoc[] {
  const amounts = items.map((l) => l.priceFen * l.qty)
  const eligible = items.map((l) => !productIds || productIds.includes(l.productId))
  const shares = allocateDiscount(discountFen, amounts, eligible)
  return items.map((l, i) => ({ ...l, discountFen: shares[i]! }))
}

/**
 * Prices a cart for the checkout: the lines, the member's coupons for it, and the coupon applied
 * (the chosen one, or the best usable one when none was chosen; `null`: none). Reads: products
 * and the member at once, then the member's coupons.
 */
export async function orderQuote(
  ctx: InvocationContext,
  input: {
    items: OrderLine[]
    fulfilment: Fulfilment
    storeId?: string
    couponId?: string | null
  },
) {
  const [items, member] = await Promise.all([
    priceLines(mergeLines(input.items)),
    findMemberByOpenid(requireOpenid(ctx)),
  ])
  const use = orderCouponUse(items, input.fulfilment, input.storeId)
  const now = ctx.clock.now()
  const held = member && member.status === 'active' ? await heldCoupons(member._id, now) : []
  const options = held.map((c) => couponOption(c, use, now))
  let applied: (typeof options)[number] | null = null
  if (input.couponId) {
    applied = options.find((o) => o.couponId === input.couponId) ?? null
    if (!applied)
      throw new AppError('COUPON_UNAVAILABLE', '优惠券不可用：这张优惠券不属于您或已失效')
    if (!applied.usable) throw new AppError('COUPON_UNAVAILABLE', `优惠券不可用：${applied.reason}`)
  } else if (input.couponId === undefined) {
    applied = bestCoupon(options.filter((o) => o.usable))
  }
  const discountFen = applied?.discountFen ?? 0
  const terms = held.find((c) => c._id === applied?.couponId)?.terms
  const lines = linesWithDiscount(items, discountFen, terms?.productIds ?? null)
  return {
    lines: lines.map((l) => ({
      productId: l.productId,
      name: l.name,
      priceFen: l.priceFen,
      qty: l.qty,
      discountFen: l.discountFen ?? 0,
    })),
    subtotalFen: use.amountFen,
    discountFen,
    payableFen: use.amountFen - discountFen,
    couponId: applied?.couponId ?? null,
    coupons: options,
  }
}

/**
 * Before the order is written: locks the coupon for `order` (by its id) and writes the discount
 * onto the order (its lines' shares, the subtotal, what is paid). Refusals are
 * COUPON_UNAVAILABLE with the reason, and leave the coupon as it was (coupons/coupon-use.ts
 * lockCoupon); an order that is then not created gives the lock back (unlockOrderCoupon).
 */
export async function lockOrderCoupon(order: OrderDoc, couponId: string, now: Date): Promise<void> {
  if (!order.memberId)
    throw new AppError('COUPON_UNAVAILABLE', '优惠券不可用：开通会员卡后才能使用优惠券')
  const subtotalFen = orderTotalFen(order.items)
  const { coupon, discountFen } = await lockCoupon({
    couponId,
    memberId: order.memberId,
    orderId: order._id,
    use: orderCouponUse(order.items, order.fulfilment, order.storeId),
    now,
  })
  order.items = linesWithDiscount(order.items, discountFen, coupon.terms.productIds)
  order.subtotalFen = subtotalFen
  order.discountFen = discountFen
  order.totalFen = subtotalFen - discountFen
  order.coupon = { couponId, name: coupon.terms.name }
}

/** The order was not created after all: the lock it took goes back (once; see unlockCoupon). */
export async function unlockOrderCoupon(couponId: string, orderId: string, now: Date) {
  await unlockCoupon(couponId, orderId, now)
}

/** Cancels an unpaid order (stock back) and releases its coupon in the same transaction. */
export function releaseOrderWithCoupon(ctx: InvocationContext, orderId: string): Promise<void> {
  return releaseOrder(ctx, orderId, async (t, order, now) => {
    if (order.coupon) await releaseCouponInTx(t, order.coupon.couponId, order._id, now)
  })
}

/** Inside the paid order's effects transaction: its locked coupon becomes used. */
export async function useOrderCouponInTx(t: Transaction, order: OrderDoc, now: Date) {
  if (!order.coupon) return
  await useLockedCouponInTx(t, {
    couponId: order.coupon.couponId,
    orderId: order._id,
    storeId: order.storeId,
    discountFen: order.discountFen ?? 0,
    paidFen: order.totalFen,
    at: order.paidAt ?? now,
  })
}

/**
 * After payment, outside a transaction: the order's locked coupon becomes used, by one
 * conditional update (useLockedCoupon: only while this order still holds the lock), so it moves
 * once however often the effects run.
 */
export async function useOrderCoupon(order: OrderDoc, now: Date): Promise<void> {
  if (!order.coupon) return
  await useLockedCoupon({
    couponId: order.coupon.couponId,
    orderId: order._id,
    storeId: order.storeId,
    discountFen: order.discountFen ?? 0,
    paidFen: order.totalFen,
    at: order.paidAt ?? now,
  })
}

/**
 * After a refund: a fully refunded order gives its coupon back while it is still valid (a
 * partial refund keeps it used). Once, however often the refund is heard (returnCoupon).
 */
export async function returnOrderCoupon(ctx: InvocationContext, order: OrderDoc): Promise<void> {
  if (!order.coupon || order.refundedFen < order.totalFen) return
  await returnCoupon(order.coupon.couponId, { kind: 'order', id: order._id }, ctx.clock.now())
}
