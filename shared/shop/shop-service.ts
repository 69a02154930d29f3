/**
 * The shop: products with one price, stock per store and in the central warehouse, and orders
 * for pickup at a store or for delivery. Stock is reserved when an order is created and released
 * if it is not paid within 15 minutes or is cancelled; a paid pickup order gets a pickup code.
 *
 * Orders are paid through the payments service; this service is the `order` owner
 * (payment-owners.ts): it hears onPaid / onClosed / onRefunded and never reads WeChat Pay itself.
 * onPaid does only what the payment notification must not wait for; the rest (points,
 * commission) follows through applyPaidEffects. A delivery order is shipped by HQ and received by
 * the member (or marked by HQ); its commission's refund window starts at delivery.
 */
import { createHash } from 'node:crypto'
import { COLLECTIONS } from '../collections'
import type { MemberDoc } from '../membership/documents'
import type { PaymentDoc, RefundDoc } from '../payments/documents'
import type { PostalAddressDoc, OrderDoc, OrderLineDoc, ProductDoc, StockDoc } from './documents'
import type { ClerkDoc, StoreDoc } from '../staff/documents'
import { AppError } from '../platform/errors'
import type { JsapiPayParams } from '../platform/ports/pay'
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
} from './rules/shop'
import { formatShanghaiMinute } from '../platform/calendar'
import { byDistance, homeStoreFirst, type LatLng } from './rules/store-distance'
import { settleAfterFor, type CommissionRules } from '../commission/rules/commission'
import { outRefundNoFor } from '../payments/rules/payment'
import { maskPhone } from '../platform/phone'
import { database } from '../platform/runtime/cloudbase'
import { requireTimer, type InvocationContext } from '../platform/runtime/define-function'
import { isDbError, withTransaction, type Transaction } from '../platform/runtime/transaction'
import { activeStores, findOne, getStore, namesFor } from '../staff/lookups'
import { newDocId, requireOpenid } from '../membership/member-service'
import type { PaymentOwner } from '../payments/owners'
import {
  bookCommission,
  commissionEntryId,
  loadCommissionRules,
  reverseCommission,
  saleCommissionKey,
} from '../commission/commission-service'
import {
  closePayment,
  createPayment,
  getPayment,
  getRefund,
  paymentForPurpose,
  requestRefund,
  syncPayment,
} from '../payments/payment-service'
import { creditPurchasePoints, reversePurchasePoints } from '../points/points-account-service'

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
  const products = (await database()
    .collection(COLLECTIONS.products.name)
    .where({ status: 'active' })
    .orderBy('sort', 'asc')
    .limit(1000)
    .get()) as Rows<ProductDoc>
  return productViews(products.data)
}

/** One active product for its detail page. */
export async function productDetail(input: { productId: string }): Promise<ProductView> {
  const res = (await database()
    .collection(COLLECTIONS.products.name)
    .doc(input.productId)
    .get()) as Rows<ProductDoc>
  const product = res.data[0]
  if (!product || product.status !== 'active')
    throw new AppError('NOT_FOUND', '商品不存在或已下架', 'productId')
  return (await productViews([product]))[0]!
}

/** Products with their stock, in one more round trip. */
async function productViews(products: ProductDoc[]): Promise<ProductView[]> {
  if (products.length === 0) return []
  const db = database()
  const stock = (await db
    .collection(COLLECTIONS.stock.name)
    .where({ productId: db.command.in(products.map((p) => p._id)) })
    .limit(1000)
    .get()) as Rows<StockDoc>
  const views = new Map<string, ProductView>(
    products.map((p) => [
      p._id,
      {
        productId: p._id,
        name: p.name,
        description: p.description,
        priceFen: p.priceFen,
        available: { central: 0, stores: {} },
      },
    ]),
  )
  for (const s of stock.data) {
    const view = views.get(s.productId)
    if (!view) continue
    if (s.locationId === CENTRAL) view.available.central = s.available
    else view.available.stores[s.locationId] = s.available
  }
  return [...views.values()]
}

// ------------------------------------------------------------------ pickup stores

export interface StoreOptionView {
  storeId: string
  name: string
  address: string
  location: { lat: number; lng: number } | null
  distanceM: number | null
  isHomeStore: boolean
  shortages: Array<{ productId: string; name: string; available: number; wanted: number }>
}

/**
 * The checkout's store picker: every active store, nearest to `near` first when the shopper
 * shared it, otherwise their own store first and then by name; each with the cart lines it
 * cannot fill now. Four reads, side by side.
 */
export async function pickupStores(
  ctx: InvocationContext,
  input: { items: OrderLine[]; near?: LatLng },
): Promise<StoreOptionView[]> {
  const lines = mergeLines(input.items)
  const db = database()
  const openid = ctx.caller.openid
  const [stores, priced, stock, member] = await Promise.all([
    activeStores(),
    lines.length ? priceLines(lines) : [],
    lines.length
      ? (db
          .collection(COLLECTIONS.stock.name)
          .where({ productId: db.command.in(lines.map((l) => l.productId)) })
          .limit(1000)
          .get() as Promise<Rows<StockDoc>>)
      : { data: [] },
    openid ? findOne<MemberDoc>(COLLECTIONS.members.name, { openid }) : null,
  ])
  const available = new Map(stock.data.map((s) => [s._id, s.available]))
  const homeStoreId = member?.status === 'active' ? member.storeId : null
  const options = stores.map((store) => ({
    storeId: store._id,
    name: store.name,
    address: store.address,
    location: store.location ?? null,
    isHomeStore: store._id === homeStoreId,
    shortages: priced.flatMap((line) => {
      const there = Math.max(0, available.get(stockId(line.productId, store._id)) ?? 0)
      return there >= line.qty
        ? []
        : [{ productId: line.productId, name: line.name, available: there, wanted: line.qty }]
    }),
  }))
  return input.near
    ? byDistance(options, input.near)
    : homeStoreFirst(options, homeStoreId).map((o) => ({ ...o, distanceM: null }))
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
  deliveryAddress: PostalAddressDoc | null
  shipment: { carrier: string; trackingNo: string; shippedAt: string } | null
  deliveredAt: string | null
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
  }
}

export interface CreateOrderInput {
  items: OrderLine[]
  fulfilment: Fulfilment
  storeId?: string
  /** Delivery only (and required there). */
  deliveryAddress?: PostalAddressDoc
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
    if (!product || product.status !== 'active')
      throw new AppError('NOT_FOUND', '商品不存在或已下架', `items.${i}.productId`)
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
): Promise<{
  orderId: string
  outTradeNo: string
  payParams: JsapiPayParams
  totalFen: number
  expiresAt: string
}> {
  const openid = requireOpenid(ctx)
  const now = ctx.clock.now()
  if (input.fulfilment === 'pickup') {
    if (!input.storeId) throw new AppError('INVALID_INPUT', '自提订单请选择门店', 'storeId')
    const store: StoreDoc | null = await getStore(input.storeId)
    if (!store) throw new AppError('NOT_FOUND', '门店不存在', 'storeId')
    if (store.status !== 'active') throw new AppError('CONFLICT', '该门店已停业，请选择其他门店')
    if (input.deliveryAddress)
      throw new AppError('INVALID_INPUT', '自提订单不需要收货地址', 'deliveryAddress')
  } else {
    if (input.storeId)
      throw new AppError('INVALID_INPUT', '配送订单由中心仓发货，不需要选择门店', 'storeId')
    if (!input.deliveryAddress)
      throw new AppError('INVALID_INPUT', '配送订单请填写收货地址', 'deliveryAddress')
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
    ...(input.fulfilment === 'delivery' ? { deliveryAddress: input.deliveryAddress } : {}),
  }

  const db = database()
  await withTransaction(db, async (t) => {
    const rows: StockDoc[] = []
    for (const line of items) {
      const s = await txGet<StockDoc>(
        t,
        COLLECTIONS.stock.name,
        stockId(line.productId, locationId),
      )
      if (!s || s.available < line.qty)
        throw new AppError(
          'CONFLICT',
          `库存不足：${line.name}${s ? `（剩余 ${s.available}）` : ''}`,
        )
      rows.push(s)
    }
    for (const [i, line] of items.entries()) {
      const s = rows[i]!
      await t
        .collection(COLLECTIONS.stock.name)
        .doc(s._id)
        .update({
          available: s.available - line.qty,
          reserved: s.reserved + line.qty,
          updatedAt: now,
        })
    }
    const { _id, ...fields } = order
    await t
      .collection(COLLECTIONS.orders.name)
      .doc(_id)
      .create(fields as never)
  })

  let started
  try {
    started = await startOrderPayment(ctx, order)
  } catch (err) {
    // Compensation next to the action: nothing can be paid, so give the stock back now.
    await cancelUnpaid(ctx, order).catch(() => undefined)
    throw err
  }
  await orders().doc(order._id).update({ outTradeNo: started.outTradeNo })
  return started
}

export interface OrderPayment {
  orderId: string
  outTradeNo: string
  payParams: JsapiPayParams
  totalFen: number
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
  })
  return {
    orderId: order._id,
    outTradeNo: started.payment._id,
    payParams: started.payParams,
    totalFen: order.totalFen,
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
  if (order.status !== 'awaiting_payment') throw notPayable(order)
  return startOrderPayment(ctx, order)
}

function notPayable(order: OrderDoc): AppError {
  const expired = '订单已超过 15 分钟未支付，已自动取消，请重新下单'
  if (order.status === 'awaiting_payment') return new AppError('CONFLICT', expired)
  if (order.status === 'cancelled')
    return new AppError(
      'CONFLICT',
      order.cancelReason === 'expired' ? expired : '订单已取消，请重新下单',
    )
  return new AppError('CONFLICT', '订单已支付，无需再次支付')
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
 * notification). A paid one's due after-payment effects are applied.
 */
export async function orderDetail(
  ctx: InvocationContext,
  input: { orderId: string },
): Promise<OrderView> {
  let order = await ownOrder(ctx, input.orderId)
  if (order.status === 'awaiting_payment') {
    if (isPaymentWindowOver(order.expiresAt, ctx.clock.now())) await cancelUnpaid(ctx, order)
    else if (order.outTradeNo) await syncPayment(ctx, order.outTradeNo)
    order = (await getOrder(order._id))!
  }
  // The payer polls the order after paying: the points and commission follow right away.
  await applyPaidEffects(ctx, order)
  return toView(order)
}

export async function myOrders(ctx: InvocationContext): Promise<OrderView[]> {
  const openid = requireOpenid(ctx)
  const res = (await orders()
    .where({ openid })
    .orderBy('createdAt', 'desc')
    .limit(50)
    .get()) as Rows<OrderDoc>
  return res.data.map(toView)
}

/** The payer cancels an unpaid order: its payment is closed and its stock released. */
export async function cancelOrder(
  ctx: InvocationContext,
  input: { orderId: string },
): Promise<OrderView> {
  const order = await ownOrder(ctx, input.orderId)
  if (order.status === 'cancelled') return toView(order)
  if (order.status !== 'awaiting_payment')
    throw new AppError('CONFLICT', '订单已支付，如需退款请联系门店')
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
export async function expireOrders(
  ctx: InvocationContext,
): Promise<{ expired: number; failed: number }> {
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
      process.stderr.write(
        `${JSON.stringify({ fn: ctx.fn, action: ctx.action, requestId: ctx.requestId, orderId: order._id, error: (err as Error).message })}\n`,
      )
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
    for (const line of order.items)
      rows.push(
        await txGet<StockDoc>(t, COLLECTIONS.stock.name, stockId(line.productId, order.locationId)),
      )
    for (const [i, line] of order.items.entries()) {
      const s = rows[i]
      if (s)
        await t
          .collection(COLLECTIONS.stock.name)
          .doc(s._id)
          .update({
            available: s.available + line.qty,
            reserved: Math.max(0, s.reserved - line.qty),
            updatedAt: now,
          })
    }
    await t
      .collection(COLLECTIONS.orders.name)
      .doc(orderId)
      .update({
        status: 'cancelled',
        cancelledAt: now,
        cancelReason: isPaymentWindowOver(order.expiresAt, now) ? 'expired' : 'cancelled',
      })
  })
}

// ------------------------------------------------------------------ after payment

/**
 * A member who deleted their account (or an order that never earned points) has no points to
 * move: that must not keep the effects due forever.
 */
function skipGoneMember(ctx: InvocationContext, order: OrderDoc) {
  return (err: unknown) => {
    if (!(err instanceof AppError && err.code === 'NOT_FOUND')) throw err
    process.stderr.write(
      `${JSON.stringify({ fn: ctx.fn, action: ctx.action, requestId: ctx.requestId, orderId: order._id, skipped: 'points', reason: err.message })}\n`,
    )
  }
}

/** When the commission's refund window starts: the order's pickup or delivery (null until then). */
const refundWindowFrom = (order: OrderDoc): Date | null =>
  order.pickedUpAt ?? order.deliveredAt ?? null

/**
 * Inside a transaction that has read `order` (after its pickup or delivery): starts the refund
 * window of its commission entry if the entry exists and has none yet. Whichever of the handover
 * and the after-payment effects commits second finds the entry and the handover together (both
 * write the order, so they serialise), so the window starts exactly once.
 */
async function startRefundWindow(
  t: Transaction,
  order: OrderDoc,
  rules: CommissionRules,
): Promise<void> {
  const from = refundWindowFrom(order)
  if (!from || !order.attribution) return
  const entryId = commissionEntryId(saleCommissionKey({ kind: 'order', id: order._id }))
  const entry = await txGet<{ settleAfter: Date | null }>(
    t,
    COLLECTIONS.commissionLedger.name,
    entryId,
  )
  if (entry && entry.settleAfter === null)
    await t
      .collection(COLLECTIONS.commissionLedger.name)
      .doc(entryId)
      .update({ settleAfter: settleAfterFor(from, rules) })
}

/**
 * What follows an order's payment, off the notification's path: it runs until it has finished
 * once, from the `applyOrderEffects` timer (every minute) and from the next read of the order by
 * the member (the mini-program polls it after paying) or by a clerk at the counter, and before a
 * refund is applied. Each step is idempotent by its own key, so any number of runs, concurrent or
 * after a crash halfway, have one effect:
 * - points: `order:<id>:earn` on the paid amount, with the tier and lastPurchaseAt (points module);
 * - commission: a pending entry `order:<id>:commission` for the attribution frozen at payment;
 * - finally one transaction that re-reads the order: the reservation becomes a sale (stock's
 *   `reserved` goes down), the refund window starts if the order was already handed over, and
 *   the effects are marked done. The order's own transition makes that transaction act once.
 */
export async function applyPaidEffects(ctx: InvocationContext, order: OrderDoc): Promise<void> {
  if (!order.effectsDueAt) return
  const paidAt = order.paidAt ?? ctx.clock.now()
  const rules = await loadCommissionRules()
  if (order.memberId) {
    await creditPurchasePoints(ctx, {
      memberId: order.memberId,
      orderId: order._id,
      paidFen: order.totalFen,
      at: paidAt,
    }).catch(skipGoneMember(ctx, order))
  }
  if (order.attribution) {
    const from = refundWindowFrom(order)
    await bookCommission(
      ctx,
      {
        source: { kind: 'order', id: order._id },
        channel: 'online',
        memberId: order.memberId,
        attribution: order.attribution,
        sellingStoreId: order.storeId,
        baseFen: order.totalFen,
        at: paidAt,
        settleAfter: from ? settleAfterFor(from, rules) : null,
      },
      rules,
    )
  }
  const now = ctx.clock.now()
  await withTransaction(database(), async (t) => {
    const fresh = await txGet<OrderDoc>(t, COLLECTIONS.orders.name, order._id)
    if (!fresh?.effectsDueAt) return
    const current = { ...fresh, _id: order._id }
    const rows: (StockDoc | null)[] = []
    for (const line of current.items)
      rows.push(
        await txGet<StockDoc>(
          t,
          COLLECTIONS.stock.name,
          stockId(line.productId, current.locationId),
        ),
      )
    for (const [i, line] of current.items.entries()) {
      const s = rows[i]
      if (s)
        await t
          .collection(COLLECTIONS.stock.name)
          .doc(s._id)
          .update({ reserved: Math.max(0, s.reserved - line.qty), updatedAt: now })
    }
    await startRefundWindow(t, current, rules)
    await t
      .collection(COLLECTIONS.orders.name)
      .doc(order._id)
      .update({ effectsDueAt: null, paidEffectsAt: now })
  })
}

/**
 * Timer `applyOrderEffects` (every minute): the after-payment effects nobody has read the order
 * for yet, oldest first, `parallel` orders at a time, batch after batch until none are due or the
 * time budget is spent (the function's timeout is 20 s). One failure does not stop the others: it
 * stays due for the next run, and this run does not pick it again.
 */
export async function applyDueOrderEffects(
  ctx: InvocationContext,
  options: { batch?: number; budgetMs?: number; parallel?: number } = {},
): Promise<{ applied: number; failed: number; more: boolean }> {
  requireTimer(ctx)
  const batch = options.batch ?? 100
  const budgetMs = options.budgetMs ?? 15_000
  const parallel = options.parallel ?? 4
  const started = Date.now()
  const _ = database().command
  const dueBy = ctx.clock.now()
  const failedIds: string[] = []
  let applied = 0
  let more: boolean
  do {
    const due = (await orders()
      .where({ effectsDueAt: _.lte(dueBy), ...(failedIds.length ? { _id: _.nin(failedIds) } : {}) })
      .orderBy('effectsDueAt', 'asc')
      .limit(batch)
      .get()) as Rows<OrderDoc>
    more = due.data.length === batch
    for (let i = 0; i < due.data.length; i += parallel) {
      await Promise.all(
        due.data.slice(i, i + parallel).map(async (order) => {
          try {
            await applyPaidEffects(ctx, order)
            applied++
          } catch (err) {
            failedIds.push(order._id)
            process.stderr.write(
              `${JSON.stringify({ fn: ctx.fn, action: ctx.action, requestId: ctx.requestId, orderId: order._id, error: (err as Error).message })}\n`,
            )
          }
        }),
      )
    }
  } while (more && Date.now() - started < budgetMs)
  return { applied, failed: failedIds.length, more }
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
  if (order.refundedFen >= order.totalFen) await restockRefundedOrder(ctx, order._id)
}

/**
 * A fully refunded order nobody picked up: its sold units go back to the store's stock.
 *
 * Guarantee: one transaction moves the order paid → refunded and adds its lines back, so the
 * stock returns once; a picked-up order (or a delivery order, which may have shipped) keeps it.
 */
async function restockRefundedOrder(ctx: InvocationContext, orderId: string): Promise<void> {
  const now = ctx.clock.now()
  await withTransaction(database(), async (t) => {
    const order = await txGet<OrderDoc>(t, COLLECTIONS.orders.name, orderId)
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
        await txGet<StockDoc>(t, COLLECTIONS.stock.name, stockId(line.productId, order.locationId)),
      )
    for (const [i, line] of order.items.entries()) {
      const s = rows[i]
      if (s)
        await t
          .collection(COLLECTIONS.stock.name)
          .doc(s._id)
          .update({ available: s.available + line.qty, updatedAt: now })
    }
    await t
      .collection(COLLECTIONS.orders.name)
      .doc(orderId)
      .update({ status: 'refunded', refundedAt: now })
  })
}

/**
 * What must happen before the payment notification is answered: the order becomes paid with the
 * member's attribution frozen onto it, a pickup order gets its unique pickup code, and the
 * after-payment effects are recorded as due (effectsDueAt) in the same write, so they can never
 * be forgotten. Two reads (order and member, at once) and one write.
 *
 * Guarantee: the conditional update `where({_id, status: 'awaiting_payment'})` moves the order
 * once; a repeated call finds it paid and changes nothing. A concurrent cancellation (a
 * transaction over the order) conflicts with it and re-reads. A pickup code that collides with
 * another order's fails the update on the unique index and is drawn again.
 */
async function markOrderPaid(ctx: InvocationContext, payment: PaymentDoc): Promise<void> {
  const orderId = payment.purpose.id
  const now = ctx.clock.now()
  const [order, member] = await Promise.all([
    getOrder(orderId),
    findOne<MemberDoc>(COLLECTIONS.members.name, { openid: payment.payerOpenid }),
  ])
  if (!order) throw new Error(`order ${orderId} of payment ${payment._id} not found`)
  const unpaid = (o: OrderDoc) => {
    if (o.status === 'cancelled')
      throw new Error(`order ${orderId} was cancelled before its payment ${payment._id} succeeded`)
    return o.status === 'awaiting_payment'
  }
  if (!unpaid(order)) {
    // Paid before effects were deferred, by a call that died before finishing them: due now.
    if (!order.paidEffectsAt && !order.effectsDueAt)
      await orders().doc(orderId).update({ effectsDueAt: now })
    return
  }
  const attribution =
    member && member.status === 'active'
      ? { storeId: member.storeId, clerkId: member.clerkId }
      : null
  for (let attempt = 1; ; attempt++) {
    const paid = {
      status: 'paid' as const,
      paidAt: payment.paidAt ?? now,
      attribution,
      effectsDueAt: now,
      ...(order.fulfilment === 'pickup' ? { pickupCode: newPickupCode() } : {}),
    }
    try {
      const res = (await orders()
        .where({ _id: orderId, status: 'awaiting_payment' })
        .update(paid)) as { updated?: number }
      if (res.updated === 1) return
      const current = await getOrder(orderId)
      if (!current || !unpaid(current)) return
    } catch (err) {
      if (!isDbError(err, 'DATABASE_DUPLICATE_WRITE')) throw err
    }
    if (attempt >= 5) throw new AppError('CONFLICT', '订单状态更新冲突，请稍后重试')
  }
}

export const orderOwner: PaymentOwner = {
  async onPaid(ctx, payment) {
    await markOrderPaid(ctx, payment)
  },
  async onClosed(ctx, payment) {
    await releaseOrder(ctx, payment.purpose.id)
  },
  async onRefunded(ctx, payment, refund) {
    const _ = database().command
    // A refund takes back what the payment gave: the effects must have happened first.
    const paid = await getOrder(payment.purpose.id)
    if (paid) await applyPaidEffects(ctx, paid)
    // Once per refund: the refund's number joins the order's list in the same conditional update.
    await orders()
      .where({ _id: payment.purpose.id, refundNos: _.neq(refund._id) })
      .update({ refundNos: _.push(refund._id), refundedFen: _.inc(refund.amountFen) })
    // Every step of afterOrderRefunded is idempotent by key, so it runs on every call until the
    // payments service records that one returned (a crash after the update above still finishes).
    await afterOrderRefunded(ctx, (await getOrder(payment.purpose.id))!, refund)
  },
}

// ------------------------------------------------------------------ the counter: order pickup

export interface OrderPickupView {
  kind: 'order'
  orderId: string
  pickupCode: string
  status: OrderDoc['status']
  storeId: string
  items: OrderLineDoc[]
  totalFen: number
  refundedFen: number
  paidAt: string | null
  pickedUpAt: string | null
  pickedUpBy: string | null
  memberNo: string | null
  phoneMasked: string | null
}

async function orderPickupView(order: OrderDoc): Promise<OrderPickupView> {
  const member = order.memberId
    ? ((
        (await database()
          .collection(COLLECTIONS.members.name)
          .doc(order.memberId)
          .get()) as Rows<MemberDoc>
      ).data[0] ?? null)
    : null
  return {
    kind: 'order',
    orderId: order._id,
    pickupCode: order.pickupCode ?? '',
    status: order.status,
    storeId: order.storeId ?? '',
    items: order.items,
    totalFen: order.totalFen,
    refundedFen: order.refundedFen,
    paidAt: order.paidAt?.toISOString() ?? null,
    pickedUpAt: order.pickedUpAt?.toISOString() ?? null,
    pickedUpBy: order.pickedUpBy?.name ?? null,
    memberNo: member?.memberNo ?? null,
    phoneMasked: member?.phone ? maskPhone(member.phone) : null,
  }
}

async function orderByPickupCode(clerk: ClerkDoc, code: string): Promise<OrderDoc> {
  const res = (await orders().where({ pickupCode: code }).limit(1).get()) as Rows<OrderDoc>
  const order = res.data[0]
  if (!order) throw new AppError('NOT_FOUND', '提货码不存在，请核对后重试', 'pickupCode')
  if (order.storeId !== clerk.storeId) {
    const storeName = order.storeId
      ? ((await namesFor([order.storeId], [])).stores.get(order.storeId) ?? '其他门店')
      : ''
    throw new AppError('FORBIDDEN', `该订单需在「${storeName}」提货，本店不能核销`)
  }
  return order
}

function notPickable(order: OrderDoc): AppError {
  if (order.status === 'picked_up' && order.pickedUpAt) {
    return new AppError(
      'CONFLICT',
      `该订单已于 ${formatShanghaiMinute(order.pickedUpAt)} 由 ${order.pickedUpBy?.name ?? '店员'} 核销提货`,
    )
  }
  if (order.status === 'refunded' || order.refundedFen >= order.totalFen)
    return new AppError('CONFLICT', '该订单已退款，不能提货')
  return new AppError('CONFLICT', '该订单未支付或已取消，不能提货')
}

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
  return orderPickupView(order)
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
  if (found.status !== 'paid' || found.refundedFen >= found.totalFen) throw notPickable(found)
  const rules = await loadCommissionRules()
  const now = ctx.clock.now()
  const pickedUpBy = { clerkId: clerk._id, name: clerk.name }
  const picked = await withTransaction(database(), async (t) => {
    const order = await txGet<OrderDoc>(t, COLLECTIONS.orders.name, found._id)
    if (!order || order.status !== 'paid' || order.refundedFen >= order.totalFen)
      throw notPickable(order ?? found)
    const handedOver = {
      ...order,
      _id: found._id,
      status: 'picked_up' as const,
      pickedUpAt: now,
      pickedUpBy,
    }
    await t
      .collection(COLLECTIONS.orders.name)
      .doc(found._id)
      .update({ status: 'picked_up', pickedUpAt: now, pickedUpBy })
    await startRefundWindow(t, handedOver, rules)
    return handedOver
  })
  return orderPickupView(picked)
}

// ------------------------------------------------------------------ delivery: shipping and receipt

async function deliveryOrder(orderId: string): Promise<OrderDoc> {
  const order = await getOrder(orderId)
  if (!order || order.fulfilment !== 'delivery') throw new AppError('NOT_FOUND', '配送订单不存在')
  return order
}

function notShippable(order: OrderDoc): AppError {
  if (order.shipment)
    return new AppError(
      'CONFLICT',
      `该订单已于 ${formatShanghaiMinute(order.shipment.shippedAt)} 发货（${order.shipment.carrier} ${order.shipment.trackingNo}）`,
    )
  if (order.refundedFen >= order.totalFen)
    return new AppError('CONFLICT', '该订单已全额退款，不能发货')
  if (order.status === 'cancelled') return new AppError('CONFLICT', '订单已取消，不能发货')
  return new AppError('CONFLICT', '订单尚未支付，不能发货')
}

/**
 * HQ hands a paid delivery order to the carrier. Sending the same carrier and tracking number
 * again (a retry, a double click) is the same shipment.
 *
 * Guarantee: the conditional update `where({_id, status: 'paid', refundedFen})` ships once, and
 * never an order a refund (which raises refundedFen) has just fully refunded: that one reads again.
 */
export async function shipOrder(
  ctx: InvocationContext,
  input: { orderId: string; carrier: string; trackingNo: string },
  by: string,
): Promise<OrderView> {
  for (let attempt = 1; attempt <= 5; attempt++) {
    const order = await deliveryOrder(input.orderId)
    if (
      order.shipment &&
      order.shipment.carrier === input.carrier &&
      order.shipment.trackingNo === input.trackingNo
    )
      return toView(order)
    if (order.status !== 'paid' || order.refundedFen >= order.totalFen) throw notShippable(order)
    const shipment = {
      carrier: input.carrier,
      trackingNo: input.trackingNo,
      shippedAt: ctx.clock.now(),
      by,
    }
    const res = (await orders()
      .where({ _id: order._id, status: 'paid', refundedFen: order.refundedFen })
      .update({ status: 'shipped', shipment })) as { updated?: number }
    if (res.updated === 1) return toView({ ...order, status: 'shipped', shipment })
  }
  throw new AppError('CONFLICT', '订单状态正在变化，请刷新后重试')
}

function notReceivable(order: OrderDoc): AppError {
  if (order.status === 'paid') return new AppError('CONFLICT', '订单尚未发货，不能确认收货')
  if (order.status === 'refunded' || order.refundedFen >= order.totalFen)
    return new AppError('CONFLICT', '该订单已退款')
  return new AppError('CONFLICT', '该订单未支付或已取消')
}

/**
 * A shipped delivery order arrived (the member confirms, or HQ marks it from the carrier's
 * tracking), and the commission's refund window starts. Marking it again changes nothing.
 *
 * Guarantee: one transaction moves the order shipped → delivered and starts the commission
 * entry's window (startRefundWindow), so the window starts once however often it is marked.
 */
async function markDelivered(
  ctx: InvocationContext,
  orderId: string,
  by: NonNullable<OrderDoc['deliveredBy']>,
): Promise<OrderView> {
  const rules = await loadCommissionRules()
  const now = ctx.clock.now()
  const order = await withTransaction(database(), async (t) => {
    const found = await txGet<OrderDoc>(t, COLLECTIONS.orders.name, orderId)
    if (!found || found.fulfilment !== 'delivery') throw new AppError('NOT_FOUND', '配送订单不存在')
    const current = { ...found, _id: orderId }
    if (current.status === 'delivered') return current
    if (current.status !== 'shipped') throw notReceivable(current)
    const delivered = {
      ...current,
      status: 'delivered' as const,
      deliveredAt: now,
      deliveredBy: by,
    }
    await t
      .collection(COLLECTIONS.orders.name)
      .doc(orderId)
      .update({ status: 'delivered', deliveredAt: now, deliveredBy: by })
    await startRefundWindow(t, delivered, rules)
    return delivered
  })
  return toView(order)
}

/** The member confirms that their delivery arrived. */
export async function confirmReceipt(
  ctx: InvocationContext,
  input: { orderId: string },
): Promise<OrderView> {
  const order = await ownOrder(ctx, input.orderId)
  if (order.fulfilment !== 'delivery')
    throw new AppError('CONFLICT', '自提订单请到门店出示提货码取货')
  return markDelivered(ctx, order._id, 'member')
}

/** HQ marks a shipped order delivered (the carrier's tracking says it arrived). */
export async function markOrderDelivered(
  ctx: InvocationContext,
  input: { orderId: string },
): Promise<OrderView> {
  return markDelivered(ctx, input.orderId, 'hq')
}

// ------------------------------------------------------------------ refunds from the console

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
}> {
  const order = await getOrder(input.orderId)
  if (!order) throw new AppError('NOT_FOUND', '订单不存在')
  if (!order.outTradeNo || order.status === 'awaiting_payment' || order.status === 'cancelled')
    throw new AppError('CONFLICT', '只有已支付的订单可以退款')
  let key: string
  let amountFen: number
  if (input.amountFen === undefined) {
    key = `order:${order._id}:refund:full`
    const earlier = await getRefund(outRefundNoFor(key))
    if (earlier) amountFen = earlier.amountFen
    else {
      const payment = await getPayment(order.outTradeNo)
      amountFen = payment ? payment.amountFen - payment.refundCommittedFen : 0
      if (amountFen <= 0) throw new AppError('CONFLICT', '该订单已全额退款')
    }
  } else {
    amountFen = input.amountFen
    key = `order:${order._id}:refund:${amountFen}:${createHash('sha256').update(input.reason.trim()).digest('hex').slice(0, 12)}`
  }
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
  }
}
