/**
 * The shop: products with one price, stock per store and in the central warehouse, and orders
 * for pickup at a store or for delivery. Stock is reserved when an order is created and released
 * if it is not paid within 15 minutes or is cancelled; a paid pickup order gets a pickup code.
 *
 * Orders are paid through the payments service; this service is the `order` owner
 * (payment-owners.ts): it hears onPaid / onClosed / onRefunded and never reads WeChat Pay itself.
 */
import { COLLECTIONS } from '../db/collections'
import type { MemberDoc, OrderDoc, OrderLineDoc, PaymentDoc, ProductDoc, RefundDoc, StockDoc, StoreDoc } from '../db/documents'
import { AppError } from '../errors'
import type { JsapiPayParams } from '../ports/pay'
import {
  CENTRAL,
  isPaymentWindowOver,
  mergeLines,
  newPickupCode,
  ORDER_PAYMENT_WINDOW_MS,
  orderTotalFen,
  stockId,
  stockLocation,
  type Fulfilment,
  type OrderLine,
} from '../rules/shop'
import { database } from '../runtime/cloudbase'
import type { InvocationContext } from '../runtime/define-function'
import { isDbError, withTransaction, type Transaction } from '../runtime/transaction'
import { findOne, getStore } from './directory'
import { newDocId, requireOpenid } from './member-service'
import type { PaymentOwner } from './payment-owners'
import { closePayment, createPayment, paymentForPurpose, syncPayment } from './payments'

type Rows<T> = { data: T[] }

const orders = () => database().collection(COLLECTIONS.orders.name)

async function getOrder(orderId: string): Promise<OrderDoc | null> {
  const res = (await orders().doc(orderId).get()) as Rows<OrderDoc>
  return res.data[0] ?? null
}

async function txGet<T>(t: Transaction, collection: string, id: string): Promise<T | null> {
  return ((await t.collection(collection).doc(id).get()) as { data: T | null }).data
}

// ------------------------------------------------------------------ products

export interface ProductView {
  productId: string
  name: string
  description: string
  priceFen: number
  /** Orderable now: in the central warehouse (delivery) and per store (pickup). */
  available: { central: number; stores: Record<string, number> }
}

export async function listProducts(): Promise<ProductView[]> {
  const db = database()
  const products = (await db.collection(COLLECTIONS.products.name).where({ status: 'active' }).orderBy('sort', 'asc').limit(1000).get()) as Rows<ProductDoc>
  if (products.data.length === 0) return []
  const stock = (await db
    .collection(COLLECTIONS.stock.name)
    .where({ productId: db.command.in(products.data.map((p) => p._id)) })
    .limit(1000)
    .get()) as Rows<StockDoc>
  const views = new Map<string, ProductView>(
    products.data.map((p) => [p._id, { productId: p._id, name: p.name, description: p.description, priceFen: p.priceFen, available: { central: 0, stores: {} } }]),
  )
  for (const s of stock.data) {
    const view = views.get(s.productId)
    if (!view) continue
    if (s.locationId === CENTRAL) view.available.central = s.available
    else view.available.stores[s.locationId] = s.available
  }
  return [...views.values()]
}

// ------------------------------------------------------------------ orders

export interface OrderView {
  orderId: string
  status: OrderDoc['status']
  fulfilment: Fulfilment
  storeId: string | null
  items: OrderLineDoc[]
  totalFen: number
  outTradeNo: string | null
  expiresAt: string
  createdAt: string
  paidAt: string | null
  pickupCode: string | null
}

function toView(order: OrderDoc): OrderView {
  return {
    orderId: order._id,
    status: order.status,
    fulfilment: order.fulfilment,
    storeId: order.storeId,
    items: order.items,
    totalFen: order.totalFen,
    outTradeNo: order.outTradeNo,
    expiresAt: order.expiresAt.toISOString(),
    createdAt: order.createdAt.toISOString(),
    paidAt: order.paidAt?.toISOString() ?? null,
    pickupCode: order.status === 'paid' || order.status === 'picked_up' ? (order.pickupCode ?? null) : null,
  }
}

export interface CreateOrderInput {
  items: OrderLine[]
  fulfilment: Fulfilment
  storeId?: string
}

async function priceLines(lines: OrderLine[]): Promise<OrderLineDoc[]> {
  const db = database()
  const found = (await db
    .collection(COLLECTIONS.products.name)
    .where({ _id: db.command.in(lines.map((l) => l.productId)) })
    .limit(lines.length)
    .get()) as Rows<ProductDoc>
  const byId = new Map(found.data.map((p) => [p._id, p]))
  return lines.map((line, i) => {
    const product = byId.get(line.productId)
    if (!product || product.status !== 'active') throw new AppError('NOT_FOUND', '商品不存在或已下架', `items.${i}.productId`)
    return { productId: product._id, name: product.name, priceFen: product.priceFen, qty: line.qty }
  })
}

/**
 * Creates an order, reserves its stock and starts its payment.
 *
 * Guarantee: the order and every line's reservation are one optimistic transaction over the
 * stock documents it read, so either all lines are reserved and the order exists, or nothing
 * changed; a concurrent order that touched the same stock makes one of them retry and check
 * again, so `available` never goes below zero at any location.
 */
export async function createOrder(
  ctx: InvocationContext,
  input: CreateOrderInput,
): Promise<{ orderId: string; outTradeNo: string; payParams: JsapiPayParams; totalFen: number; expiresAt: string }> {
  const openid = requireOpenid(ctx)
  const now = ctx.clock.now()
  if (input.fulfilment === 'pickup') {
    if (!input.storeId) throw new AppError('INVALID_INPUT', '自提订单请选择门店', 'storeId')
    const store: StoreDoc | null = await getStore(input.storeId)
    if (!store) throw new AppError('NOT_FOUND', '门店不存在', 'storeId')
    if (store.status !== 'active') throw new AppError('CONFLICT', '该门店已停业，请选择其他门店')
  } else if (input.storeId) {
    throw new AppError('INVALID_INPUT', '配送订单由中心仓发货，不需要选择门店', 'storeId')
  }
  const items = await priceLines(mergeLines(input.items))
  const member = await findOne<MemberDoc>(COLLECTIONS.members.name, { openid })
  if (member && member.status === 'active') ctx.caller.role = 'member'
  const locationId = stockLocation(input.fulfilment, input.storeId)
  const order: OrderDoc = {
    _id: newDocId(),
    openid,
    memberId: member?.status === 'active' ? member._id : null,
    fulfilment: input.fulfilment,
    storeId: input.fulfilment === 'pickup' ? input.storeId! : null,
    locationId,
    items,
    totalFen: orderTotalFen(items),
    status: 'awaiting_payment',
    outTradeNo: null,
    expiresAt: new Date(now.getTime() + ORDER_PAYMENT_WINDOW_MS),
    createdAt: now,
    paidAt: null,
    attribution: null,
    paidEffectsAt: null,
    cancelledAt: null,
    cancelReason: null,
    refundedFen: 0,
    refundNos: [],
  }

  const db = database()
  await withTransaction(db, async (t) => {
    const rows: StockDoc[] = []
    for (const line of items) {
      const s = await txGet<StockDoc>(t, COLLECTIONS.stock.name, stockId(line.productId, locationId))
      if (!s || s.available < line.qty) throw new AppError('CONFLICT', `库存不足：${line.name}${s ? `（剩余 ${s.available}）` : ''}`)
      rows.push(s)
    }
    for (const [i, line] of items.entries()) {
      const s = rows[i]!
      await t.collection(COLLECTIONS.stock.name).doc(s._id).update({ available: s.available - line.qty, reserved: s.reserved + line.qty, updatedAt: now })
    }
    const { _id, ...fields } = order
    await t.collection(COLLECTIONS.orders.name).doc(_id).create(fields as never)
  })

  let started
  try {
    started = await createPayment(ctx, {
      purpose: { kind: 'order', id: order._id },
      description: items.length === 1 ? items[0]!.name : `${items[0]!.name} 等 ${items.length} 件商品`,
      amountFen: order.totalFen,
      payerOpenid: openid,
      expiresAt: order.expiresAt,
    })
  } catch (err) {
    // Compensation next to the action: nothing can be paid, so give the stock back now.
    await cancelUnpaid(ctx, order).catch(() => undefined)
    throw err
  }
  await orders().doc(order._id).update({ outTradeNo: started.payment._id })
  return { orderId: order._id, outTradeNo: started.payment._id, payParams: started.payParams, totalFen: order.totalFen, expiresAt: order.expiresAt.toISOString() }
}

async function ownOrder(ctx: InvocationContext, orderId: string): Promise<OrderDoc> {
  const openid = requireOpenid(ctx)
  const order = await getOrder(orderId)
  if (!order || order.openid !== openid) throw new AppError('NOT_FOUND', '订单不存在')
  return order
}

/**
 * The caller's order. An unpaid one is brought up to date first: after its window it is
 * cancelled; otherwise WeChat Pay is asked (the payer may just have paid: no waiting for the
 * notification).
 */
export async function orderDetail(ctx: InvocationContext, input: { orderId: string }): Promise<OrderView> {
  let order = await ownOrder(ctx, input.orderId)
  if (order.status === 'awaiting_payment') {
    if (isPaymentWindowOver(order.expiresAt, ctx.clock.now())) await cancelUnpaid(ctx, order)
    else if (order.outTradeNo) await syncPayment(ctx, order.outTradeNo)
    order = (await getOrder(order._id))!
  }
  return toView(order)
}

export async function myOrders(ctx: InvocationContext): Promise<OrderView[]> {
  const openid = requireOpenid(ctx)
  const res = (await orders().where({ openid }).orderBy('createdAt', 'desc').limit(50).get()) as Rows<OrderDoc>
  return res.data.map(toView)
}

/** The payer cancels an unpaid order: its payment is closed and its stock released. */
export async function cancelOrder(ctx: InvocationContext, input: { orderId: string }): Promise<OrderView> {
  const order = await ownOrder(ctx, input.orderId)
  if (order.status === 'cancelled') return toView(order)
  if (order.status !== 'awaiting_payment') throw new AppError('CONFLICT', '订单已支付，如需退款请联系门店')
  await cancelUnpaid(ctx, order)
  const after = (await getOrder(order._id))!
  // Paid just before the cancel reached WeChat: it stays paid.
  return toView(after)
}

/**
 * Cancels an unpaid order: through its payment when there is one (closed at WeChat first, so it
 * can no longer be paid; the payments service then calls onClosed), directly otherwise.
 */
async function cancelUnpaid(ctx: InvocationContext, order: OrderDoc): Promise<void> {
  const payment = await paymentForPurpose({ kind: 'order', id: order._id })
  if (payment) await closePayment(ctx, payment._id)
  else await releaseOrder(ctx, order._id)
}

/**
 * Timer `expireOrders` (every minute): cancels unpaid orders whose 15 minutes are over and
 * releases their stock. One failure does not stop the others; it is retried next minute.
 */
export async function expireOrders(ctx: InvocationContext): Promise<{ expired: number; failed: number }> {
  if (ctx.caller.source !== 'timer') throw new AppError('FORBIDDEN', '仅供定时任务调用')
  const db = database()
  const due = (await orders()
    .where({ status: 'awaiting_payment', expiresAt: db.command.lte(ctx.clock.now()) })
    .limit(100)
    .get()) as Rows<OrderDoc>
  let expired = 0
  let failed = 0
  for (const order of due.data) {
    try {
      await cancelUnpaid(ctx, order)
      expired++
    } catch (err) {
      failed++
      process.stderr.write(`${JSON.stringify({ fn: ctx.fn, action: ctx.action, requestId: ctx.requestId, orderId: order._id, error: (err as Error).message })}\n`)
    }
  }
  return { expired, failed }
}

/**
 * Gives an unpaid order's stock back.
 *
 * Guarantee: one transaction moves the order awaiting_payment → cancelled and returns every
 * line to its stock document, so stock is released once and never for a paid order.
 */
async function releaseOrder(ctx: InvocationContext, orderId: string): Promise<void> {
  const now = ctx.clock.now()
  await withTransaction(database(), async (t) => {
    const order = await txGet<OrderDoc>(t, COLLECTIONS.orders.name, orderId)
    if (!order || order.status !== 'awaiting_payment') return
    const rows: (StockDoc | null)[] = []
    for (const line of order.items) rows.push(await txGet<StockDoc>(t, COLLECTIONS.stock.name, stockId(line.productId, order.locationId)))
    for (const [i, line] of order.items.entries()) {
      const s = rows[i]
      if (s) await t.collection(COLLECTIONS.stock.name).doc(s._id).update({ available: s.available + line.qty, reserved: Math.max(0, s.reserved - line.qty), updatedAt: now })
    }
    await t.collection(COLLECTIONS.orders.name).doc(orderId).update({
      status: 'cancelled',
      cancelledAt: now,
      cancelReason: isPaymentWindowOver(order.expiresAt, now) ? 'expired' : 'cancelled',
    })
  })
}

// ------------------------------------------------------------------ after payment: extension points

/**
 * What else happens once an order is paid. Each step must be idempotent by its own key, because
 * this runs until it has returned once (a crash halfway means it runs again):
 * - points: credit `order:<id>:earn` on the paid amount (points module);
 * - commission: a pending entry for `order.attribution` on the net amount (commission module);
 * - tier recomputation over the trailing 365 days (points module).
 * None is wired yet; the order already carries what they need (memberId, attribution, totalFen).
 */
async function afterOrderPaid(_ctx: InvocationContext, _order: OrderDoc): Promise<void> {}

/**
 * Once per succeeded refund (keyed by out_refund_no): points take-back and commission reversal
 * will plug in here (points and commission modules).
 */
async function afterOrderRefunded(_ctx: InvocationContext, _order: OrderDoc, _refund: RefundDoc): Promise<void> {}

/**
 * Marks the order paid, sells its reserved stock, freezes the member's attribution for
 * commission and, for pickup, issues a unique pickup code.
 *
 * Guarantee: one transaction moves the order awaiting_payment → paid with everything above, so a
 * repeated call (the payments service calls until one returns) finds it paid and changes nothing.
 * A pickup code that collides with another order's fails the transaction on the unique index and
 * is drawn again.
 */
async function markOrderPaid(ctx: InvocationContext, payment: PaymentDoc): Promise<void> {
  const orderId = payment.purpose.id
  const now = ctx.clock.now()
  const member = await findOne<MemberDoc>(COLLECTIONS.members.name, { openid: payment.payerOpenid })
  const attribution = member && member.status === 'active' ? { storeId: member.storeId, clerkId: member.clerkId } : null
  for (let attempt = 1; ; attempt++) {
    try {
      await withTransaction(database(), async (t) => {
        const order = await txGet<OrderDoc>(t, COLLECTIONS.orders.name, orderId)
        if (!order) throw new Error(`order ${orderId} of payment ${payment._id} not found`)
        if (order.status === 'cancelled') throw new Error(`order ${orderId} was cancelled before its payment ${payment._id} succeeded`)
        if (order.status !== 'awaiting_payment') return
        const rows: (StockDoc | null)[] = []
        for (const line of order.items) rows.push(await txGet<StockDoc>(t, COLLECTIONS.stock.name, stockId(line.productId, order.locationId)))
        for (const [i, line] of order.items.entries()) {
          const s = rows[i]
          if (s) await t.collection(COLLECTIONS.stock.name).doc(s._id).update({ reserved: Math.max(0, s.reserved - line.qty), updatedAt: now })
        }
        await t.collection(COLLECTIONS.orders.name).doc(orderId).update({
          status: 'paid',
          paidAt: payment.paidAt ?? now,
          attribution,
          ...(order.fulfilment === 'pickup' ? { pickupCode: newPickupCode() } : {}),
        })
      })
      return
    } catch (err) {
      if (!isDbError(err, 'DATABASE_DUPLICATE_WRITE') || attempt >= 5) throw err
    }
  }
}

export const orderOwner: PaymentOwner = {
  async onPaid(ctx, payment) {
    await markOrderPaid(ctx, payment)
    const order = (await getOrder(payment.purpose.id))!
    if (order.status === 'paid' && !order.paidEffectsAt) {
      await afterOrderPaid(ctx, order)
      await orders().doc(order._id).update({ paidEffectsAt: ctx.clock.now() })
    }
  },
  async onClosed(ctx, payment) {
    await releaseOrder(ctx, payment.purpose.id)
  },
  async onRefunded(ctx, payment, refund) {
    const _ = database().command
    // Once per refund: the refund's number joins the order's list in the same conditional update.
    const res = (await orders()
      .where({ _id: payment.purpose.id, refundNos: _.neq(refund._id) })
      .update({ refundNos: _.push(refund._id), refundedFen: _.inc(refund.amountFen) })) as { updated?: number }
    if (res.updated === 1) await afterOrderRefunded(ctx, (await getOrder(payment.purpose.id))!, refund)
  },
}
