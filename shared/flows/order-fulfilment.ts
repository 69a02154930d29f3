/**
 * Handover of an order, where the shop meets commission: verifying a pickup at the counter and
 * marking a delivery received both start the commission's refund window in the same transaction.
 */
import { COLLECTIONS } from '../collections'
import { collection } from '../platform/db/collection'
import type { OrderDoc } from '../shop/documents'
import type { ClerkDoc } from '../staff/documents'
import { AppError } from '../platform/errors'
import { database } from '../platform/runtime/cloudbase'
import { type InvocationContext } from '../platform/runtime/define-function'
import { withTransaction } from '../platform/runtime/transaction'
import { loadCommissionRules } from '../commission/lookups'
import { loadShopRules } from '../shop/lookups'
import { DAY_MS } from '../commission/rules/commission'
import { applyPaidEffects, startRefundWindow } from './order-effects'
import {
  OrderPickupView,
  notPickable,
  notReceivable,
  orderByPickupCode,
  orderPickupView,
} from '../shop/fulfilment-service'
import { OrderView, ownOrder, toView } from '../shop/orders'
import { canTransition } from '../shop/lifecycle'
import type { Actor } from '../platform/lifecycle'

/**
 * What an 8-digit pickup code is for (clerks and managers of the pickup store). The clerk looks
 * before handing over: a chance to finish the order's after-payment effects.
 */
export async function orderPickupDetail(
  ctx: InvocationContext,
  clerk: ClerkDoc,
  code: string,
): Promise<OrderPickupView> {
  const order = await orderByPickupCode(clerk, code)
  await applyPaidEffects(ctx, order)
  return orderPickupView(order, ctx.clock.now())
}

/**
 * A clerk of the pickup store hands a paid order over, and the commission's refund window starts.
 * It does not wait for the after-payment effects: the window starts with whichever of the two
 * commits second (startRefundWindow).
 *
 * Guarantee: one transaction moves the order paid → picked_up and sets the commission entry's
 * settleAfter, so of any number of verifications of one code exactly one succeeds (the others
 * conflict, retry, and are told when and by whom it was picked up), and the window starts once.
 */
export async function verifyOrderPickup(
  ctx: InvocationContext,
  clerk: ClerkDoc,
  code: string,
): Promise<OrderPickupView> {
  const found = await orderByPickupCode(clerk, code)
  if (!canTransition(found, 'verifyPickup')) throw notPickable(found)
  const rules = await loadCommissionRules()
  const now = ctx.clock.now()
  const pickedUpBy = { clerkId: clerk._id, name: clerk.name }
  const picked = await withTransaction(database(), async (t) => {
    const order = await collection(COLLECTIONS.orders, t).get(found._id)
    if (!order || !canTransition(order, 'verifyPickup')) throw notPickable(order ?? found)
    const handedOver = {
      ...order,
      _id: found._id,
      status: 'picked_up' as const,
      pickedUpAt: now,
      pickedUpBy,
    }
    await collection(COLLECTIONS.orders, t).update(found._id, {
      status: 'picked_up',
      pickedUpAt: now,
      pickedUpBy,
    })
    await startRefundWindow(t, handedOver, rules)
    return handedOver
  })
  return orderPickupView(picked, now)
}

// ------------------------------------------------------------------ delivery: shipping and receipt

/**
 * A shipped delivery order arrived (the member confirms, or HQ marks it from the carrier's
 * tracking), and the commission's refund window starts. Marking it again changes nothing; a fully
 * refunded one is not delivered any more (the table refuses it).
 *
 * Guarantee: one transaction moves the order shipped → delivered and starts the commission
 * entry's window (startRefundWindow), so the window starts once however often it is marked; a
 * refund that lands meanwhile changes the order document, so the transaction conflicts and the
 * retry reads the refund (and the table refuses a fully refunded order).
 */
async function markDelivered(
  ctx: InvocationContext,
  orderId: string,
  by: NonNullable<OrderDoc['deliveredBy']>,
  viewer: Actor,
): Promise<OrderView> {
  const rules = await loadCommissionRules()
  const now = ctx.clock.now()
  const order = await withTransaction(database(), async (t) => {
    const found = await collection(COLLECTIONS.orders, t).get(orderId)
    if (!found || found.fulfilment !== 'delivery') throw new AppError('NOT_FOUND', '配送订单不存在')
    const current = { ...found, _id: orderId }
    if (current.status === 'delivered') return current
    if (!canTransition(current, by === 'member' ? 'confirmReceipt' : 'markDelivered'))
      throw notReceivable(current)
    const delivered = {
      ...current,
      status: 'delivered' as const,
      deliveredAt: now,
      deliveredBy: by,
    }
    await collection(COLLECTIONS.orders, t).update(orderId, {
      status: 'delivered',
      deliveredAt: now,
      deliveredBy: by,
    })
    await startRefundWindow(t, delivered, rules)
    return delivered
  })
  return toView(order, viewer, now)
}

/** The member confirms that their delivery arrived. */
export async function confirmReceipt(
  ctx: InvocationContext,
  input: { orderId: string },
): Promise<OrderView> {
  const order = await ownOrder(ctx, input.orderId)
  if (order.fulfilment !== 'delivery')
    throw new AppError('CONFLICT', '自提订单请到门店出示提货码取货')
  return markDelivered(ctx, order._id, 'member', 'member')
}

/** HQ marks a shipped order delivered (the carrier's tracking says it arrived). */
export async function markOrderDelivered(
  ctx: InvocationContext,
  input: { orderId: string },
): Promise<OrderView> {
  return markDelivered(ctx, input.orderId, 'hq', 'hq-admin')
}

/**
 * Scheduled job `autoDeliverOrders`: a shipped delivery order nobody confirmed is marked
 * delivered `autoDeliverDays` (HQ's shop rules) after shipment, through the same transaction as
 * a member's confirmation, so its commission's refund window starts once and the commission
 * does not stay pending forever. Oldest shipments first, a bounded batch within `budgetMs`.
 */
export async function autoDeliverOrders(
  ctx: InvocationContext,
  options: { budgetMs?: number; batch?: number } = {},
): Promise<{ delivered: number; failed: number; more: boolean }> {
  const startedAt = Date.now()
  const { autoDeliverDays } = await loadShopRules()
  const db = database()
  const due = (await db
    .collection(COLLECTIONS.orders.name)
    .where({
      status: 'shipped',
      fulfilment: 'delivery',
      'shipment.shippedAt': db.command.lte(
        new Date(ctx.clock.now().getTime() - autoDeliverDays * DAY_MS),
      ),
    })
    .orderBy('shipment.shippedAt', 'asc')
    .limit(options.batch ?? 100)
    .get()) as { data: OrderDoc[] }
  let delivered = 0
  let failed = 0
  for (const order of due.data) {
    if (Date.now() - startedAt > (options.budgetMs ?? 15_000))
      return { delivered, failed, more: true }
    try {
      await markDelivered(ctx, order._id, 'auto', 'hq-admin')
      delivered++
    } catch (err) {
      failed++
      process.stderr.write(
        `${JSON.stringify({ fn: ctx.fn, action: ctx.action, requestId: ctx.requestId, orderId: order._id, error: (err as Error).message })}\n`,
      )
    }
  }
  return { delivered, failed, more: false }
}

// ------------------------------------------------------------------ refunds from the console
