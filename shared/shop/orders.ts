/**
 * The shop's orders as the shop sees them: reads, the member's view of an order, pricing lines and
 * releasing or restocking an order's stock. Payments, points and commission are the flows' business
 * (flows/orders.ts, flows/order-effects.ts).
 */
import { COLLECTIONS } from '../collections'
import { collection } from '../platform/db/collection'
import type { PostalAddressDoc, OrderDoc, OrderLineDoc, StockDoc } from './documents'
import { AppError } from '../platform/errors'
import {
  CENTRAL,
  isPaymentWindowOver,
  orderTotalFen,
  stockId,
  type Fulfilment,
  type OrderLine,
} from './rules/shop'
import { database } from '../platform/runtime/cloudbase'
import { type InvocationContext } from '../platform/runtime/define-function'
import { withTransaction, type Transaction } from '../platform/runtime/transaction'
import { requireOpenid } from '../platform/runtime/identity'
import type { Actor } from '../platform/lifecycle'
import {
  canTransition,
  nextOrderActions,
  orderState,
  orderStatusLabel,
  type OrderAction,
  type OrderState,
} from './lifecycle'

export const orders = () => collection(COLLECTIONS.orders)

export async function getOrder(orderId: string): Promise<OrderDoc | null> {
  return orders().get(orderId)
}

// ------------------------------------------------------------------ products

export interface OrderView {
  orderId: string
  orderNo: string | null
  status: OrderDoc['status']
  state: OrderState
  statusLabel: string
  actions: OrderAction[]
  fulfilment: Fulfilment
  storeId: string | null
  items: (OrderLineDoc & { discountFen: number })[]
  totalFen: number
  subtotalFen: number
  discountFen: number
  coupon: { couponId: string; name: string } | null
  outTradeNo: string | null
  expiresAt: string
  createdAt: string
  paidAt: string | null
  pickupCode: string | null
  deliveryAddress: PostalAddressDoc | null
  shipment: { carrier: string; trackingNo: string; shippedAt: string } | null
  deliveredAt: string | null
  refundedFen: number
}

/** The order as `actor` sees it at `now`: its state's label and what that caller may do next. */
export function toView(order: OrderDoc, actor: Actor, now: Date): OrderView {
  return {
    orderId: order._id,
    orderNo: order.orderNo ?? null,
    status: order.status,
    state: orderState(order),
    statusLabel: orderStatusLabel(order),
    actions: nextOrderActions(order, actor, now),
    fulfilment: order.fulfilment,
    storeId: order.storeId,
    items: order.items.map((l) => ({ ...l, discountFen: l.discountFen ?? 0 })),
    totalFen: order.totalFen,
    subtotalFen: order.subtotalFen ?? order.totalFen,
    discountFen: order.discountFen ?? 0,
    coupon: order.coupon ?? null,
    outTradeNo: order.outTradeNo,
    expiresAt: order.expiresAt.toISOString(),
    createdAt: order.createdAt.toISOString(),
    paidAt: order.paidAt?.toISOString() ?? null,
    pickupCode:
      order.status === 'paid' || order.status === 'picked_up' ? (order.pickupCode ?? null) : null,
    deliveryAddress: order.deliveryAddress ?? null,
    shipment: order.shipment
      ? {
          carrier: order.shipment.carrier,
          trackingNo: order.shipment.trackingNo,
          shippedAt: order.shipment.shippedAt.toISOString(),
        }
      : null,
    deliveredAt: order.deliveredAt?.toISOString() ?? null,
    refundedFen: order.refundedFen,
  }
}

export async function priceLines(lines: OrderLine[]): Promise<OrderLineDoc[]> {
  const found = await collection(COLLECTIONS.products).find(
    { _id: database().command.in(lines.map((l) => l.productId)) },
    { limit: lines.length },
  )
  const byId = new Map(found.map((p) => [p._id, p]))
  return lines.map((line, i) => {
    const product = byId.get(line.productId)
    if (!product || product.status !== 'active')
      throw new AppError('NOT_FOUND', '商品不存在或已下架', `items.${i}.productId`)
    return { productId: product._id, name: product.name, priceFen: product.priceFen, qty: line.qty }
  })
}

export function notPayable(order: OrderDoc): AppError {
  const expired = '订单已超过 15 分钟未支付，已自动取消，请重新下单'
  if (order.status === 'awaiting_payment') return new AppError('CONFLICT', expired)
  if (order.status === 'cancelled')
    return new AppError(
      'CONFLICT',
      order.cancelReason === 'expired' ? expired : '订单已取消，请重新下单',
    )
  return new AppError('CONFLICT', '订单已支付，无需再次支付')
}

export async function ownOrder(ctx: InvocationContext, orderId: string): Promise<OrderDoc> {
  const openid = requireOpenid(ctx)
  const order = await getOrder(orderId)
  if (!order || order.openid !== openid) throw new AppError('NOT_FOUND', '订单不存在')
  return order
}

/**
 * The caller's latest orders. An order id closed without an order (`cancelReason: abandoned`: a
 * checkout that died or was refused half way) is never one: the shopper never saw it. Such
 * records carry no payer today; the condition says so even if one ever does.
 */
export async function myOrders(ctx: InvocationContext): Promise<OrderView[]> {
  const openid = requireOpenid(ctx)
  const mine = await orders().find(
    { openid, cancelReason: database().command.neq('abandoned') },
    { orderBy: ['createdAt', 'desc'], limit: 50 },
  )
  const now = ctx.clock.now()
  return mine.map((o) => toView(o, 'member', now))
}

/**
 * Takes `line`'s units for `orderId` at `locationId`: one conditional update, outside any
 * transaction, so a thousand shoppers racing for the last units never conflict or retry.
 *
 * Guarantee: `available` never goes below zero (the update applies only while `available ≥ qty`)
 * and an order holds a stock document at most once (only while it has no hold there); the hold,
 * keyed by the order's id, is the reservation record that giving back or selling removes once.
 */
export async function takeHold(
  orderId: string,
  locationId: string,
  line: Pick<OrderLine, 'productId' | 'qty'>,
  now: Date,
): Promise<boolean> {
  const _ = database().command
  return collection(COLLECTIONS.stock).updateIf(
    {
      _id: stockId(line.productId, locationId),
      available: _.gte(line.qty),
      [`holds.${orderId}`]: _.exists(false),
    },
    {
      available: _.inc(-line.qty),
      reserved: _.inc(line.qty),
      [`holds.${orderId}`]: line.qty,
      [`holdsAt.${orderId}`]: now,
      updatedAt: now,
    },
  )
}

/**
 * Gives back `orderId`'s hold of `qty` units on one stock document, if it still has that hold
 * (once: the key goes); whether it did. The condition names the quantity, so a hold of another
 * size under the same id (a call with a changed cart under the same requestId) is never given
 * back with the wrong count: whoever took it, or the repair reading it, gives it back.
 */
export async function giveBackHold(
  orderId: string,
  stockDocId: string,
  qty: number,
  now: Date,
): Promise<boolean> {
  const _ = database().command
  return collection(COLLECTIONS.stock).updateIf(
    { _id: stockDocId, [`holds.${orderId}`]: qty },
    {
      available: _.inc(qty),
      reserved: _.inc(-qty),
      [`holds.${orderId}`]: _.remove(),
      [`holdsAt.${orderId}`]: _.remove(),
      updatedAt: now,
    },
  )
}

/**
 * Stock documents where some order holds units (`reserved > 0`: unpaid orders, and paid ones
 * whose sale is not booked yet), in `_id` order after `afterId`: the order repair's work list,
 * one read per page.
 */
export async function stockWithHolds(
  afterId: string | null,
  limit: number,
): Promise<Pick<StockDoc, '_id' | 'productId' | 'locationId' | 'holds' | 'holdsAt'>[]> {
  const _ = database().command
  return collection(COLLECTIONS.stock).find(
    { reserved: _.gt(0), ...(afterId ? { _id: _.gt(afterId) } : {}) },
    { orderBy: ['_id', 'asc'], limit, fields: ['productId', 'locationId', 'holds', 'holdsAt'] },
  )
}

/**
 * The repair's claim on an order id whose invocation died after taking its holds or coupon lock
 * and before writing the order: a cancelled order (`cancelReason: 'abandoned'`, no payer) with
 * what the holds say it was for, inserted under that id. Whether the id is now abandoned: by
 * this insert or an earlier repair's (true), or the real order is there (false: its own
 * lifecycle gives back or sells what it holds).
 *
 * Guarantee: the order's `_id` is the arbiter. createOrder writes its order only by inserting
 * that id, after its holds and lock; if this claim landed first, that insert fails as a
 * duplicate and createOrder gives back instead of going on. So a hold or lock is given back by
 * the repair only when its order can never exist.
 */
export async function claimAbandonedOrder(
  orderId: string,
  facts: {
    createdAt: Date
    locationId: string | null
    lines: { productId: string; qty: number }[]
    memberId: string | null
  },
  now: Date,
): Promise<boolean> {
  const _ = database().command
  const products = facts.lines.length
    ? await collection(COLLECTIONS.products).find(
        { _id: _.in(facts.lines.map((l) => l.productId)) },
        { limit: facts.lines.length, fields: ['name', 'priceFen'] },
      )
    : []
  const byId = new Map(products.map((p) => [p._id, p]))
  const items = facts.lines.map((l) => ({
    productId: l.productId,
    name: byId.get(l.productId)?.name ?? '',
    priceFen: byId.get(l.productId)?.priceFen ?? 0,
    qty: l.qty,
  }))
  const delivery = facts.locationId === CENTRAL
  const claimed = await orders().insertOnce(
    abandonedOrder(
      {
        _id: orderId,
        memberId: facts.memberId,
        fulfilment: delivery ? 'delivery' : 'pickup',
        storeId: delivery ? null : facts.locationId,
        locationId: facts.locationId ?? '',
        items,
        createdAt: facts.createdAt,
      },
      now,
    ),
    { existing: 'id' },
  )
  return claimed.inserted || claimed.existing?.status === 'cancelled'
}

/** The record that closes an order id without an order: cancelled, no payer, no number, no payment. */
function abandonedOrder(
  facts: Pick<
    OrderDoc,
    '_id' | 'memberId' | 'fulfilment' | 'storeId' | 'locationId' | 'items' | 'createdAt'
  > & { requestId?: string },
  now: Date,
): OrderDoc {
  return {
    _id: facts._id,
    openid: '',
    memberId: facts.memberId,
    fulfilment: facts.fulfilment,
    storeId: facts.storeId,
    locationId: facts.locationId,
    ...(facts.requestId ? { requestId: facts.requestId } : {}),
    items: facts.items.map((l) => ({
      productId: l.productId,
      name: l.name,
      priceFen: l.priceFen,
      qty: l.qty,
    })),
    totalFen: orderTotalFen(facts.items),
    status: 'cancelled',
    outTradeNo: null,
    expiresAt: facts.createdAt,
    createdAt: facts.createdAt,
    paidAt: null,
    attribution: null,
    paidEffectsAt: null,
    stockHolds: true,
    cancelledAt: now,
    cancelReason: 'abandoned',
    refundedFen: 0,
    refundNos: [],
  }
}

/** Whether `order` is a closed id (claimAbandonedOrder, closeOrderId) rather than an order. */
export function isAbandoned(order: Pick<OrderDoc, 'cancelReason'>): boolean {
  return order.cancelReason === 'abandoned'
}

/**
 * A refused createOrder with a requestId closes its order id before giving back what the id
 * holds: the holds and the coupon lock under that id may be a concurrent repeat's too (the same
 * member and requestId), which may be about to write the order on them. Inserting the closed
 * record first settles it: if it lands, no order can be written under the id any more (that
 * insert fails as a duplicate and gives back), so everything the id holds may go back; if the
 * id is taken, the answer is what took it (the repeat's order, or an earlier close). One insert,
 * one read when the id is taken. null: closed now or before; otherwise the live order.
 */
export async function closeOrderId(order: OrderDoc, now: Date): Promise<OrderDoc | null> {
  const closed = await orders().insertOnce(abandonedOrder(order, now), { existing: 'id' })
  if (closed.inserted || !closed.existing || isAbandoned(closed.existing)) return null
  return closed.existing
}

/**
 * The stock documents `stockDocIds` as a repeat of a request sees them: what is available and
 * what `orderId` holds on each (undefined: no hold), to tell the order's own hold (taken by an
 * earlier or concurrent call with the same requestId) from a shortage. One read.
 */
export async function stockSeenBy(
  orderId: string,
  stockDocIds: string[],
): Promise<Map<string, { available: number; held: number | undefined }>> {
  const _ = database().command
  const docs = await collection(COLLECTIONS.stock).find(
    { _id: _.in(stockDocIds) },
    { limit: stockDocIds.length, fields: ['available', 'holds'] },
  )
  return new Map(docs.map((d) => [d._id, { available: d.available, held: d.holds?.[orderId] }]))
}

/**
 * Inside transaction `t` that moves `order` on (cancelled, or its sale booked): what each line's
 * stock document gets. With holds, only a hold the order still has moves (a take that never
 * happened, or a hold given back already, moves nothing); `sold` keeps the units out of
 * `available`. Older orders (no holds) move their lines as they were reserved.
 */
export async function settleHolds(
  t: Transaction,
  order: Pick<OrderDoc, '_id' | 'items' | 'locationId' | 'stockHolds'>,
  outcome: 'released' | 'sold',
  now: Date,
): Promise<void> {
  const _ = database().command
  const stock = collection(COLLECTIONS.stock, t)
  for (const line of order.items) {
    const id = stockId(line.productId, order.locationId)
    const s = await stock.get(id)
    if (!s) continue
    const held = order.stockHolds ? (s.holds?.[order._id] ?? 0) : line.qty
    if (held === 0) continue
    await stock.update(id, {
      ...(outcome === 'released' ? { available: _.inc(held) } : {}),
      reserved: order.stockHolds ? _.inc(-held) : Math.max(0, s.reserved - held),
      ...(order.stockHolds
        ? { [`holds.${order._id}`]: _.remove(), [`holdsAt.${order._id}`]: _.remove() }
        : {}),
      updatedAt: now,
    })
  }
}

/**
 * Gives an unpaid order's stock back.
 *
 * Guarantee: one transaction moves the order awaiting_payment → cancelled and gives back the
 * holds it still has, so stock is released once and never for a paid order. `alsoInTx` (a flow's
 * step, e.g. releasing the order's coupon) runs in the same transaction, so it happens exactly
 * when the order is cancelled.
 */
export async function releaseOrder(
  ctx: InvocationContext,
  orderId: string,
  alsoInTx?: (t: Transaction, order: OrderDoc, now: Date) => Promise<void>,
): Promise<void> {
  const now = ctx.clock.now()
  await withTransaction(database(), async (t) => {
    const order = await collection(COLLECTIONS.orders, t).get(orderId)
    if (!order || !canTransition(order, 'cancel')) return
    await settleHolds(t, { ...order, _id: orderId }, 'released', now)
    if (alsoInTx) await alsoInTx(t, order, now)
    await collection(COLLECTIONS.orders, t).update(orderId, {
      status: 'cancelled',
      cancelledAt: now,
      cancelReason: isPaymentWindowOver(order.expiresAt, now) ? 'expired' : 'cancelled',
    })
  })
}

// ------------------------------------------------------------------ after payment

/**
 * A fully refunded order nobody picked up: its sold units go back to the store's stock.
 *
 * Guarantee: one transaction moves the order paid → refunded and adds its lines back, so the
 * stock returns once; a picked-up order (or a delivery order, which may have shipped) keeps it.
 */
export async function restockRefundedOrder(ctx: InvocationContext, orderId: string): Promise<void> {
  const now = ctx.clock.now()
  await withTransaction(database(), async (t) => {
    const order = await collection(COLLECTIONS.orders, t).get(orderId)
    if (
      !order ||
      order.status !== 'paid' ||
      order.fulfilment !== 'pickup' ||
      order.refundedFen < order.totalFen
    )
      return
    const rows: (StockDoc | null)[] = []
    for (const line of order.items)
      rows.push(
        await collection(COLLECTIONS.stock, t).get(stockId(line.productId, order.locationId)),
      )
    for (const [i, line] of order.items.entries()) {
      const s = rows[i]
      if (s)
        await collection(COLLECTIONS.stock, t).update(s._id, {
          available: s.available + line.qty,
          updatedAt: now,
        })
    }
    await collection(COLLECTIONS.orders, t).update(orderId, { status: 'refunded', refundedAt: now })
  })
}

/** What a paid order's stored status may be when its last refund lands (restock handles paid pickup). */
const FULLY_REFUNDABLE: OrderDoc['status'][] = ['paid', 'shipped', 'delivered', 'picked_up']

/**
 * A fully refunded order reads `refunded` in its stored status too, whatever it had reached
 * (shipped, delivered, picked up; a paid pickup order goes through restockRefundedOrder first),
 * so HQ's 已退款 filter, the auto-delivery sweep and every status query see it as refunded.
 *
 * Guarantee: one conditional update `where({_id, status in FULLY_REFUNDABLE, refundedFen >=
 * totalFen})`; refunds only ever raise refundedFen and totalFen never changes, so the condition
 * is exact, a repeat (every refund notification runs it) changes nothing, and a concurrent
 * markDelivered or ship either lands first (then this moves the new status) or finds it refunded.
 */
export async function markFullyRefunded(ctx: InvocationContext, order: OrderDoc): Promise<void> {
  if (order.refundedFen < order.totalFen) return
  const _ = database().command
  await orders().updateIf(
    { _id: order._id, status: _.in(FULLY_REFUNDABLE), refundedFen: _.gte(order.totalFen) },
    { status: 'refunded', fullyRefundedAt: ctx.clock.now() },
  )
}
