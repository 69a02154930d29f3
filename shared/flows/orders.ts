/**
 * The shop: products with one price, stock per store and in the central warehouse, and orders
 * for pickup at a store or for delivery. Stock is reserved when an order is created and released
 * if it is not paid within 15 minutes or is cancelled; a paid pickup order gets a pickup code.
 *
 * Orders are paid through the payments service; this flow is the `order` owner
 * (payments/owners.ts, wired in flows/payment-owners.ts): it hears onPaid / onClosed / onRefunded and never reads WeChat Pay itself.
 * onPaid does only what the payment notification must not wait for; the rest (points,
 * commission) follows through applyPaidEffects. A delivery order is shipped by HQ and received by
 * the member (or marked by HQ); its commission's refund window starts at delivery.
 */
import { createHash } from 'node:crypto'
import { COLLECTIONS } from '../collections'
import { collection } from '../platform/db/collection'
import type { PaymentDoc, RefundDoc } from '../payments/documents'
import type { PostalAddressDoc, OrderDoc } from '../shop/documents'
import { AppError } from '../platform/errors'
import type { StoreCard } from '../platform/contract/common'
import type { JsapiPayParams } from '../platform/ports/pay'
import {
  isPaymentWindowOver,
  mergeLines,
  newPickupCode,
  ORDER_PAYMENT_WINDOW_MS,
  orderTotalFen,
  orderIdForRequest,
  sameCart,
  stockId,
  stockLocation,
  type Fulfilment,
  type OrderLine,
} from '../shop/rules/shop'
import { newOutTradeNo } from '../payments/rules/payment'
import { database } from '../platform/runtime/cloudbase'
import { type InvocationContext } from '../platform/runtime/define-function'
import { claimPickupCode } from '../platform/claims/claims'
import { getStore, storeCardFor } from '../staff/lookups'
import { newTimeOrderedId } from '../platform/ids'
import { requireOpenid } from '../platform/runtime/identity'
import type { PaymentOwner } from '../payments/owners'
import { reverseCommission } from '../commission/commission-service'
import {
  closePayment,
  createPayment,
  paymentForPurpose,
  requestRefund,
  syncPayment,
} from '../payments/payment-service'
import { reversePurchasePoints } from '../points/points-account-service'
import { applyPaidEffects, skipGoneMember } from './order-effects'
import {
  lockOrderCoupon,
  releaseOrderWithCoupon,
  returnOrderCoupon,
  unlockOrderCoupon,
} from './coupon-orders'
import {
  OrderView,
  closeOrderId,
  getOrder,
  giveBackHold,
  isAbandoned,
  stockSeenBy,
  notPayable,
  orders,
  ownOrder,
  priceLines,
  markFullyRefunded,
  restockRefundedOrder,
  takeHold,
  toView,
} from '../shop/orders'
import { canTransition, orderState } from '../shop/lifecycle'
import { allocateOrderNo } from '../shop/order-numbers'
import { REFUND_STATUS_LABELS } from '../payments/lifecycle'

export interface CreateOrderInput {
  items: OrderLine[]
  fulfilment: Fulfilment
  storeId?: string
  /** Delivery only (and required there). */
  deliveryAddress?: PostalAddressDoc
  /** One of the member's coupons: locked by the order before it is written. */
  couponId?: string
  /** The app's key for this checkout attempt: the order's id is derived from it and the member. */
  requestId?: string
}

/** The order was claimed by the repair job while this invocation stalled (see claimAbandonedOrder). */
const TIMED_OUT = '下单超时，请重新下单'
/** A requestId whose order id was closed: by the repair job, or by a refused attempt. */
const NOT_COMPLETED = '这次下单未完成，请返回重新提交订单'
/** The same requestId came with another cart (an app that kept it too long). */
const CHANGED_CART = '订单内容与刚才提交的不一致，请返回购物车重新提交'

/**
 * Creates an order, reserves its stock, locks its coupon and starts its payment. Round trips
 * (warm instance): the store, the prices, the member and the day's order number at once (4);
 * every line's hold and the coupon's lock at once (1 per line, +1 with a coupon); the order (1);
 * the payment (1): 7 for one line, 8 with a coupon. No transaction: a flash sale's shoppers never
 * conflict or retry on the one stock document they all want.
 *
 * The order's id is fixed first and keys every write: derived from the member and the app's
 * `requestId` when it sends one (shop/rules/shop.ts orderIdForRequest), time-ordered otherwise
 * (platform/ids.ts):
 * 1. each line's units are held by one conditional update on its stock document (takeHold:
 *    `available ≥ qty` and no hold of this order → `available −= qty, reserved += qty,
 *    holds.<orderId> = qty`), and the coupon is locked by one (`available` → `locked` by this
 *    order, coupons/coupon-use.ts);
 * 2. the order is inserted under that id, already naming its payment's out_trade_no;
 * 3. the payment is recorded.
 *
 * Guarantees: `available` never goes below zero (the condition of each hold); every hold and
 * lock is given back or turned into a sale exactly once, because each way back removes the key
 * of this order (giveBackHold, unlockCoupon, and the order's own transitions: releaseOrder,
 * the sale in applyPaidEffects). A refusal (sold out, the coupon refused) gives back what this
 * call took before answering, and no order exists. A call that dies between the writes leaves
 * holds or a lock without an order: the `repairOrders` job gives them back once it is sure
 * the order can never come (flows/order-repair.ts), or the order without a payment, which the
 * member can still pay (payOrder records it) and which expires like any unpaid order.
 *
 * With a requestId, every call of the same member and requestId (a retry after a timeout, a
 * double tap, twenty at once) makes the same writes under the same id, so there is one order,
 * one hold per line and one coupon lock, and each call answers with that order:
 * - a hold or lock refused because the id has it already is the order's (whichever call took
 *   it), found by one read on that path only; a hold of another size there is a changed cart;
 * - the order's insert is the arbiter: the call whose insert lands goes on to the payment; any
 *   other finds the order and answers with its payment (same shape; fresh parameters for the
 *   same payment), or refuses: another cart (409), already paid, cancelled or expired;
 * - a refusal (sold out, coupon, changed cart) closes the id first (closeOrderId) when the id
 *   holds anything, since a concurrent repeat may be about to write the order on those holds;
 *   only once the id is closed does it give back everything the id holds (each give-back
 *   conditional on the id and the held quantity, so once). If the repeat's order landed first,
 *   that order is the answer instead;
 * - what a late repeat takes after the order no longer holds (it was cancelled, or its sale
 *   booked) is given back by that repeat, and left alone while the order holds (it is the order's).
 * The normal path costs nothing more: the same seven (eight) round trips.
 */
export async function createOrder(
  ctx: InvocationContext,
  input: CreateOrderInput,
): Promise<OrderPayment> {
  const openid = requireOpenid(ctx)
  const now = ctx.clock.now()
  if (input.fulfilment === 'pickup') {
    if (!input.storeId) throw new AppError('INVALID_INPUT', '自提订单请选择门店', 'storeId')
    if (input.deliveryAddress)
      throw new AppError('INVALID_INPUT', '自提订单不需要收货地址', 'deliveryAddress')
  } else {
    if (input.storeId)
      throw new AppError('INVALID_INPUT', '配送订单由中心仓发货，不需要选择门店', 'storeId')
    if (!input.deliveryAddress)
      throw new AppError('INVALID_INPUT', '配送订单请填写收货地址', 'deliveryAddress')
  }
  // Four independent reads at once: the store, the prices, the member, the day's next number.
  const [store, items, member, orderNo] = await Promise.all([
    input.fulfilment === 'pickup' ? getStore(input.storeId!) : Promise.resolve(null),
    priceLines(mergeLines(input.items)),
    collection(COLLECTIONS.members).findOne({ openid }),
    allocateOrderNo(now),
  ])
  if (input.fulfilment === 'pickup') {
    if (!store) throw new AppError('NOT_FOUND', '门店不存在', 'storeId')
    if (store.status !== 'active') throw new AppError('CONFLICT', '该门店已停业，请选择其他门店')
  }
  if (member && member.status === 'active') ctx.caller.role = 'member'
  const locationId = stockLocation(input.fulfilment, input.storeId)
  const requestId = input.requestId
  const order: OrderDoc = {
    _id: requestId ? orderIdForRequest(openid, requestId) : newTimeOrderedId(now),
    orderNo,
    openid,
    memberId: member?.status === 'active' ? member._id : null,
    fulfilment: input.fulfilment,
    storeId: input.fulfilment === 'pickup' ? input.storeId! : null,
    locationId,
    ...(requestId ? { requestId } : {}),
    items,
    totalFen: orderTotalFen(items),
    status: 'awaiting_payment',
    // Its payment's number, chosen now so the order needs no second write once it is paid for.
    outTradeNo: newOutTradeNo(now),
    expiresAt: new Date(now.getTime() + ORDER_PAYMENT_WINDOW_MS),
    createdAt: now,
    paidAt: null,
    attribution: null,
    paidEffectsAt: null,
    stockHolds: true,
    cancelledAt: null,
    cancelReason: null,
    refundedFen: 0,
    refundNos: [],
    ...(input.fulfilment === 'delivery' ? { deliveryAddress: input.deliveryAddress } : {}),
  }

  // 1. Every line's hold and the coupon's lock, at once, each keyed by the order's id.
  const couponId = input.couponId
  const [held, locked] = await Promise.all([
    Promise.allSettled(items.map((line) => takeHold(order._id, locationId, line, now))),
    couponId
      ? lockOrderCoupon(order, couponId, now).then(
          () => ({ ok: true as const }),
          (err: unknown) => ({ ok: false as const, err }),
        )
      : null,
  ])
  const refused = (i: number) => held[i]!.status === 'fulfilled' && !held[i]!.value
  /**
   * Gives back what this call may have taken (a hold that answered yes, or whose answer was
   * lost; the coupon when it is locked). Each is conditional on this order's key, so it is
   * harmless where nothing was taken; what it cannot give back (it dies) the repair job does.
   * With `everything`, also the holds this call was refused because the id had them (an id
   * closed, or an order past holding: whatever the id holds now is nobody's).
   */
  const giveBack = async (scope: GiveBackScope = {}) => {
    await Promise.all([
      ...items.map((line, i) =>
        (!scope.everything && refused(i)) || scope.keepLine?.(line)
          ? undefined
          : giveBackHold(order._id, stockId(line.productId, locationId), line.qty, now),
      ),
      // The coupon: locked, or its answer lost (a refusal left it as it was).
      couponId &&
      !scope.keepCoupon &&
      (scope.everything || locked?.ok || !(locked?.err instanceof AppError))
        ? unlockOrderCoupon(couponId, order._id, now)
        : undefined,
    ])
  }

  // A repeat of the request: a hold refused because the id has it already is the order's.
  const seen =
    requestId && items.some((_, i) => refused(i))
      ? await stockSeenBy(
          order._id,
          items.flatMap((line, i) => (refused(i) ? [stockId(line.productId, locationId)] : [])),
        )
      : null
  const heldAlready = (i: number) =>
    seen?.get(stockId(items[i]!.productId, locationId))?.held !== undefined
  let refusal: unknown = null
  if (locked && !locked.ok) refusal = locked.err
  else {
    const failed = held.find((h) => h.status === 'rejected')
    if (failed) refusal = failed.reason
    else {
      const other = items.findIndex(
        (line, i) =>
          heldAlready(i) && seen!.get(stockId(line.productId, locationId))!.held !== line.qty,
      )
      const short = items.findIndex((_, i) => refused(i) && !heldAlready(i))
      if (other >= 0) refusal = new AppError('CONFLICT', CHANGED_CART)
      else if (short >= 0) {
        const line = items[short]!
        const left = seen
          ? seen.get(stockId(line.productId, locationId))?.available
          : (await collection(COLLECTIONS.stock).get(stockId(line.productId, locationId)))
              ?.available
        refusal = new AppError(
          'CONFLICT',
          `库存不足：${line.name}${left !== undefined ? `（剩余 ${left}）` : ''}`,
        )
      }
    }
  }
  if (refusal) {
    if (!requestId) {
      await giveBack()
      throw refusal
    }
    // Nothing under the id, by this call or another: nothing to close or give back.
    const idHolds =
      items.some((_, i) => !refused(i) || heldAlready(i)) ||
      (couponId !== undefined && (locked!.ok || !(locked!.err instanceof AppError)))
    if (!idHolds) throw refusal
    const live = await closeOrderId(order, now)
    if (!live) {
      await giveBack({ everything: true })
      throw refusal
    }
    // A repeat wrote the order first: it is the answer.
    return answerRepeat(ctx, live, order, couponId, giveBack)
  }

  // 2. The order, under the id its holds and lock carry. A duplicate means the repair job
  // found them first (this call stalled past its grace) and closed the id: give back, refuse;
  // or, with a requestId, possibly a repeat of this request wrote it: that order is the answer.
  // Any other failure leaves the outcome unknown, so nothing is given back here: the order's
  // expiry or the repair job settles it either way.
  const written = await orders().insertOnce(order, requestId ? { existing: 'id' } : {})
  if (!written.inserted) {
    if (requestId && written.existing)
      return answerRepeat(ctx, written.existing, order, couponId, giveBack)
    await giveBack()
    throw new AppError('CONFLICT', TIMED_OUT)
  }

  // 3. Its payment, under the number the order names.
  try {
    return await startOrderPayment(ctx, order)
  } catch (err) {
    // Compensation next to the action: nothing can be paid, so give the stock back now.
    await cancelUnpaid(ctx, order).catch(() => undefined)
    throw err
  }
}

/** What a createOrder call gives back of what its order id holds (see createOrder's giveBack). */
interface GiveBackScope {
  /** Also the holds this call was refused because the id had them already. */
  everything?: boolean
  /** Lines (and the coupon) the order that has the id holds: theirs, never given back here. */
  keepLine?: (line: OrderLine) => boolean
  keepCoupon?: boolean
}

/**
 * A call with a requestId found its order id taken: by a closed record (the repair's, or a
 * refused attempt's), or by the order a repeat of the request wrote. What this call took under
 * the id is given back unless the order holds it: an unpaid order, or a paid one whose sale is
 * not booked yet, holds its own lines and coupon (the hold or lock a repeat finds there is the
 * order's); anything else the id holds is nobody's. Then the order's payment is the answer,
 * or why there is none.
 */
async function answerRepeat(
  ctx: InvocationContext,
  existing: OrderDoc,
  attempt: OrderDoc,
  couponId: string | undefined,
  giveBack: (scope?: GiveBackScope) => Promise<void>,
): Promise<OrderPayment> {
  if (isAbandoned(existing)) {
    await giveBack({ everything: true })
    throw new AppError('CONFLICT', NOT_COMPLETED)
  }
  const holding =
    existing.status === 'awaiting_payment' ||
    (existing.status !== 'cancelled' && !existing.paidEffectsAt)
  if (holding) {
    // The order's own lines and coupon stay; a line or coupon it does not have goes back.
    const lines = new Set(existing.items.map((l) => stockId(l.productId, existing.locationId)))
    await giveBack({
      everything: true,
      keepLine: (line) => lines.has(stockId(line.productId, attempt.locationId)),
      keepCoupon: couponId === existing.coupon?.couponId,
    })
  } else await giveBack({ everything: true })
  const asked = (o: OrderDoc, coupon: string | null) => ({
    fulfilment: o.fulfilment,
    locationId: o.locationId,
    items: o.items,
    couponId: coupon,
    deliveryAddress: o.deliveryAddress ? { ...o.deliveryAddress } : null,
  })
  if (
    existing.openid !== attempt.openid ||
    !sameCart(asked(existing, existing.coupon?.couponId ?? null), asked(attempt, couponId ?? null))
  )
    throw new AppError('CONFLICT', CHANGED_CART)
  if (existing.status === 'awaiting_payment') {
    if (isPaymentWindowOver(existing.expiresAt, ctx.clock.now())) {
      await cancelUnpaid(ctx, existing)
      throw notPayable((await getOrder(existing._id)) ?? existing)
    }
    return startOrderPayment(ctx, existing)
  }
  throw notPayable(existing)
}

export interface OrderPayment {
  orderId: string
  outTradeNo: string
  payParams: JsapiPayParams
  totalFen: number
  subtotalFen: number
  discountFen: number
  payableFen: number
  expiresAt: string
}

/** The order's one payment: created on the first call, the same payment (fresh parameters) after. */
async function startOrderPayment(ctx: InvocationContext, order: OrderDoc): Promise<OrderPayment> {
  const { items } = order
  const started = await createPayment(ctx, {
    purpose: { kind: 'order', id: order._id },
    description:
      items.length === 1 ? items[0]!.name : `${items[0]!.name} 等 ${items.length} 件商品`,
    amountFen: order.totalFen,
    payerOpenid: order.openid,
    expiresAt: order.expiresAt,
    ...(order.outTradeNo ? { outTradeNo: order.outTradeNo } : {}),
  })
  return {
    orderId: order._id,
    outTradeNo: started.payment._id,
    payParams: started.payParams,
    totalFen: order.totalFen,
    subtotalFen: order.subtotalFen ?? order.totalFen,
    discountFen: order.discountFen ?? 0,
    payableFen: order.totalFen,
    expiresAt: order.expiresAt.toISOString(),
  }
}

/**
 * The payer left WeChat's pay sheet and pays later: fresh payment parameters for the order's one
 * payment (never a second payment for the same order), while it is still unpaid and in time.
 */
export async function payOrder(
  ctx: InvocationContext,
  input: { orderId: string },
): Promise<OrderPayment> {
  const order = await ownOrder(ctx, input.orderId)
  if (
    order.status === 'awaiting_payment' &&
    isPaymentWindowOver(order.expiresAt, ctx.clock.now())
  ) {
    await cancelUnpaid(ctx, order)
    throw notPayable((await getOrder(order._id)) ?? order)
  }
  if (!canTransition(order, 'pay')) throw notPayable(order)
  return startOrderPayment(ctx, order)
}

/**
 * The caller's order. An unpaid one is brought up to date first: after its window it is
 * cancelled; otherwise WeChat Pay is asked (the payer may just have paid: no waiting for the
 * notification). A paid one's due after-payment effects are applied.
 */
export async function orderDetail(
  ctx: InvocationContext,
  input: { orderId: string },
): Promise<OrderView & { store: StoreCard | null }> {
  let order = await ownOrder(ctx, input.orderId)
  if (order.status === 'awaiting_payment') {
    if (isPaymentWindowOver(order.expiresAt, ctx.clock.now())) await cancelUnpaid(ctx, order)
    else await syncOrderPayment(ctx, order)
    order = (await getOrder(order._id))!
  }
  // The payer polls the order after paying: their points follow right away (the commission and
  // the stock's bookkeeping within the minute, by the timer).
  const [store] = await Promise.all([
    storeCardFor(order.storeId),
    applyPaidEffects(ctx, order, 'points'),
  ])
  return { ...toView(order, 'member', ctx.clock.now()), store }
}

/** The payer cancels an unpaid order: its payment is closed and its stock released. */
export async function cancelOrder(
  ctx: InvocationContext,
  input: { orderId: string },
): Promise<OrderView> {
  const order = await ownOrder(ctx, input.orderId)
  if (order.status === 'cancelled') return toView(order, 'member', ctx.clock.now())
  if (!canTransition(order, 'cancel'))
    throw new AppError('CONFLICT', '订单已支付，如需退款请联系门店')
  await cancelUnpaid(ctx, order)
  const after = (await getOrder(order._id))!
  // Paid just before the cancel reached WeChat: it stays paid.
  return toView(after, 'member', ctx.clock.now())
}

/**
 * Asks WeChat Pay whether the order's payment was taken (syncPayment). An order whose creation
 * died after writing it and before recording its payment names a payment that does not exist:
 * nothing can have been paid then (the payer never got the parameters), so null, as for an
 * order without a number.
 */
async function syncOrderPayment(
  ctx: InvocationContext,
  order: OrderDoc,
): Promise<PaymentDoc | null> {
  if (!order.outTradeNo) return null
  try {
    return await syncPayment(ctx, order.outTradeNo)
  } catch (err) {
    if (err instanceof AppError && err.code === 'NOT_FOUND') return null
    throw err
  }
}

/**
 * Cancels an unpaid order: through its payment when there is one (closed at WeChat first, so it
 * can no longer be paid; the payments service then calls onClosed), directly otherwise.
 */
async function cancelUnpaid(ctx: InvocationContext, order: OrderDoc): Promise<void> {
  const payment = await paymentForPurpose({ kind: 'order', id: order._id })
  if (payment) await closePayment(ctx, payment._id)
  else await releaseOrderWithCoupon(ctx, order._id)
}

/**
 * Timer `expireOrders` (every minute): cancels unpaid orders whose 15 minutes are over and
 * releases their stock, after asking WeChat Pay (syncPayment) whether the payment was taken
 * after all: such an order becomes paid instead (counted in `paid`). One failure does not stop
 * the others; it is retried next minute.
 */
export async function expireOrders(
  ctx: InvocationContext,
): Promise<{ expired: number; failed: number; paid: number }> {
  const due = await orders().find(
    { status: 'awaiting_payment', expiresAt: database().command.lte(ctx.clock.now()) },
    { limit: 100 },
  )
  let expired = 0
  let failed = 0
  let paid = 0
  for (const order of due) {
    try {
      // Ask WeChat Pay first: a payment it took (whose notification was lost, or whose owner
      // never heard because an invocation died) makes the order paid, never expired.
      const payment = await syncOrderPayment(ctx, order)
      if (payment && (payment.status === 'paid' || payment.status === 'refunded')) {
        paid++
        continue
      }
      await cancelUnpaid(ctx, order)
      expired++
    } catch (err) {
      failed++
      process.stderr.write(
        `${JSON.stringify({ fn: ctx.fn, action: ctx.action, requestId: ctx.requestId, orderId: order._id, error: (err as Error).message })}\n`,
      )
    }
  }
  return { expired, failed, paid }
}

/**
 * Once per succeeded refund (keyed by out_refund_no), until it has returned once; each step is
 * idempotent by key: points take-back (`order:<id>:refund:<refundNo>`), commission reversal
 * (the refund number on the commission entry), and for a fully refunded pickup order that was
 * never picked up, its stock back on the shelf (a conditional transition paid → refunded).
 */
async function afterOrderRefunded(
  ctx: InvocationContext,
  order: OrderDoc,
  refund: RefundDoc,
): Promise<void> {
  if (order.memberId) {
    await reversePurchasePoints(ctx, {
      orderId: order._id,
      refundId: refund._id,
      refundFen: refund.amountFen,
    }).catch(skipGoneMember(ctx, order))
  }
  if (order.attribution)
    await reverseCommission(ctx, {
      source: { kind: 'order', id: order._id },
      refundNo: refund._id,
      refundFen: refund.amountFen,
    })
  if (order.refundedFen >= order.totalFen) {
    // A paid pickup order nobody collected gets its stock back (and becomes refunded there);
    // any other fully refunded order becomes refunded in its stored status.
    await restockRefundedOrder(ctx, order._id)
    await markFullyRefunded(ctx, order)
  }
  await returnOrderCoupon(ctx, order)
}

/**
 * What must happen before the payment notification is answered: the order becomes paid with the
 * member's attribution frozen onto it, a pickup order gets its unique pickup code, and the
 * after-payment effects are recorded as due (effectsDueAt) in the same write, so they can never
 * be forgotten. Two reads (order and member, at once) and one write.
 *
 * Guarantee: the conditional update `where({_id, status: 'awaiting_payment'})` moves the order
 * once; a repeated call finds it paid and changes nothing. A concurrent cancellation (a
 * transaction over the order) conflicts with it and re-reads. A pickup order's code is claimed
 * (pickupCodes, `_id` = the code) before the update, so no other order or redemption can hold it.
 */
async function markOrderPaid(ctx: InvocationContext, payment: PaymentDoc): Promise<void> {
  const orderId = payment.purpose.id
  const now = ctx.clock.now()
  const [order, member] = await Promise.all([
    getOrder(orderId),
    collection(COLLECTIONS.members).findOne({ openid: payment.payerOpenid }),
  ])
  if (!order) throw new Error(`order ${orderId} of payment ${payment._id} not found`)
  const unpaid = (o: OrderDoc) => {
    if (o.status === 'cancelled')
      throw new Error(`order ${orderId} was cancelled before its payment ${payment._id} succeeded`)
    return canTransition(o, 'pay')
  }
  if (!unpaid(order)) {
    // Paid before effects were deferred, by a call that died before finishing them: due now.
    if (!order.paidEffectsAt && !order.effectsDueAt)
      await orders().update(orderId, { effectsDueAt: now })
    return
  }
  const attribution =
    member && member.status === 'active'
      ? { storeId: member.storeId, clerkId: member.clerkId }
      : null
  // The code is claimed first (its `_id` in pickupCodes is what keeps it unique); a call that
  // loses the race below leaves its claimed code unused, which is harmless (platform/claims).
  const pickupCode =
    order.fulfilment === 'pickup'
      ? await claimPickupCode(newPickupCode, { kind: 'order', ownerId: orderId }, now)
      : null
  const paid = {
    status: 'paid' as const,
    paidAt: payment.paidAt ?? now,
    attribution,
    ...(member && member.status === 'active' ? { paidTier: member.tier } : {}),
    effectsDueAt: now,
    ...(pickupCode ? { pickupCode } : {}),
  }
  for (let attempt = 1; ; attempt++) {
    if (await orders().updateIf({ _id: orderId, status: 'awaiting_payment' }, paid)) return
    // Not moved: by someone else first (a concurrent notification, a cancellation), or not yet.
    const current = await getOrder(orderId)
    if (!current || !unpaid(current)) return
    if (attempt >= 5) throw new AppError('CONFLICT', '订单状态更新冲突，请稍后重试')
  }
}

export const orderOwner: PaymentOwner = {
  async onPaid(ctx, payment) {
    await markOrderPaid(ctx, payment)
  },
  async onClosed(ctx, payment) {
    await releaseOrderWithCoupon(ctx, payment.purpose.id)
  },
  async onRefunded(ctx, payment, refund) {
    const _ = database().command
    // A refund takes back what the payment gave: the effects must have happened first.
    const paid = await getOrder(payment.purpose.id)
    if (paid) await applyPaidEffects(ctx, paid)
    // Once per refund: the refund's number joins the order's list in the same conditional update.
    await orders().updateIf(
      { _id: payment.purpose.id, refundNos: _.neq(refund._id) },
      { refundNos: _.push(refund._id), refundedFen: _.inc(refund.amountFen) },
    )
    // Every step of afterOrderRefunded is idempotent by key, so it runs on every call until the
    // payments service records that one returned (a crash after the update above still finishes).
    await afterOrderRefunded(ctx, (await getOrder(payment.purpose.id))!, refund)
  },
}

// ------------------------------------------------------------------ the counter: order pickup

/**
 * HQ refunds (part of) a paid order. The refund's idempotency key is the request itself:
 * `order:<id>:refund:full` for a full refund, `order:<id>:refund:<amount>:<hash of reason>` for a
 * partial one, so a retried request (a timeout, a double click) is the same refund with the same
 * refund number, and WeChat refunds it once. A second partial refund of the same amount needs a
 * different reason.
 */
export async function refundOrder(
  ctx: InvocationContext,
  input: { orderId: string; amountFen?: number; reason: string },
): Promise<{
  orderId: string
  outRefundNo: string
  amountFen: number
  status: RefundDoc['status']
  statusLabel: string
}> {
  const order = await getOrder(input.orderId)
  if (!order) throw new AppError('NOT_FOUND', '订单不存在')
  // A fully refunded order takes no new refund, but a retried full refund is answered with the
  // refund it made (below), so that state passes here and the payment's figures decide.
  if (!order.outTradeNo || (orderState(order) !== 'refunded' && !canTransition(order, 'refund')))
    throw new AppError('CONFLICT', '只有已支付的订单可以退款')
  // A full refund is what is left of the payment, decided in the refund's own transaction; a
  // retried one finds its refund by the key (requestRefund), so nothing is read before.
  const amountFen = input.amountFen ?? 'remaining'
  const key =
    input.amountFen === undefined
      ? `order:${order._id}:refund:full`
      : `order:${order._id}:refund:${input.amountFen}:${createHash('sha256').update(input.reason.trim()).digest('hex').slice(0, 12)}`
  const refund = await requestRefund(ctx, {
    outTradeNo: order.outTradeNo,
    key,
    amountFen,
    reason: input.reason,
  })
  return {
    orderId: order._id,
    outRefundNo: refund._id,
    amountFen: refund.amountFen,
    status: refund.status,
    statusLabel: REFUND_STATUS_LABELS[refund.status],
  }
}
