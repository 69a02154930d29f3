/** HQ: the orders list and an order's payment and refunds, for the console's 订单与退款 page. */
import { z } from 'zod'
import type { adminInput, adminOrderRow } from '../hq/contract'
import { COLLECTIONS } from '../collections'
import { collection } from '../platform/db/collection'
import type { RefundDoc } from '../payments/documents'
import type { OrderDoc } from './documents'
import { AppError } from '../platform/errors'
import { SHANGHAI_OFFSET_MS } from '../platform/calendar'
import { database } from '../platform/runtime/cloudbase'
import { namesFor } from '../staff/lookups'
import { offsetPage } from '../platform/db/paging'
import type { Actor } from '../platform/lifecycle'
import { PAYMENT_STATUS_LABELS, REFUND_STATUS_LABELS, isRefundOpen } from '../payments/lifecycle'
import { nextOrderActions, orderState, orderStatusLabel } from './lifecycle'
import { normalisePhone } from '../platform/phone'
import { ORDER_NO } from './rules/order-number'

type Input<K extends keyof typeof adminInput> = z.output<(typeof adminInput)[K]>

const DAY_MS = 86_400_000

/** Midnight of a `YYYY-MM-DD` Asia/Shanghai day, as the instant stored dates compare with. */
function shanghaiDayStart(day: string): Date {
  return new Date(Date.parse(`${day}T00:00:00Z`) - SHANGHAI_OFFSET_MS)
}

/** Who is looking, and when: what HQ may do next depends on both. */
export interface Viewer {
  actor: Actor
  now: Date
  /** A store manager's stores (orders of other stores are not theirs to see); null: every store. */
  stores?: string[] | null
}

function orderRow(
  order: OrderDoc,
  stores: Map<string, string>,
  memberNos: Map<string, string>,
  viewer: Viewer,
): z.infer<ReturnType<typeof adminOrderRow>> {
  return {
    orderId: order._id,
    orderNo: order.orderNo ?? null,
    createdAt: order.createdAt.toISOString(),
    status: order.status,
    state: orderState(order),
    statusLabel: orderStatusLabel(order),
    actions: nextOrderActions(order, viewer.actor, viewer.now),
    fulfilment: order.fulfilment,
    storeId: order.storeId,
    storeName: order.storeId ? (stores.get(order.storeId) ?? '') : null,
    memberId: order.memberId,
    memberNo: order.memberId ? (memberNos.get(order.memberId) ?? null) : null,
    totalFen: order.totalFen,
    refundedFen: order.refundedFen,
    paidAt: order.paidAt?.toISOString() ?? null,
  }
}

async function memberNosOf(memberIds: string[]): Promise<Map<string, string>> {
  if (memberIds.length === 0) return new Map()
  const rows = await collection(COLLECTIONS.members).find(
    { _id: database().command.in([...new Set(memberIds)]) },
    { fields: ['memberNo'], limit: 1000 },
  )
  return new Map(rows.map((m) => [m._id, m.memberNo]))
}

/**
 * What HQ typed into the orders search, as a condition on orders: an order number (14 digits), a
 * member number (9 digits), a phone (11 digits from 1: that member's orders), a merchant payment
 * number (the payment names its order) or an order id (from a link). One indexed read at most
 * before the orders query; null when nothing can match.
 */
async function searchCondition(search: string): Promise<Record<string, unknown> | null> {
  const members = (where: Record<string, unknown>) =>
    collection(COLLECTIONS.members).find(where, { fields: ['_id'], limit: 20 })
  const text = search.replace(/\s+/g, '')
  if (ORDER_NO.test(text)) return { orderNo: text }
  if (/^\d{9}$/.test(text)) {
    const [member] = await members({ memberNo: text })
    return member ? { memberId: member._id } : null
  }
  const phone = normalisePhone(text)
  if (phone) {
    // A phone may belong to more than one card over time (a deleted card, a new one).
    const holders = await members({ phone })
    return holders.length ? { memberId: database().command.in(holders.map((m) => m._id)) } : null
  }
  if (/^P\d{14}[0-9a-f]{12}$/.test(text)) {
    const [payment] = await collection(COLLECTIONS.payments).find(
      { _id: text },
      { fields: ['purpose'], limit: 1 },
    )
    const purpose = payment?.purpose
    return purpose?.kind === 'order' ? { _id: purpose.id } : null
  }
  // An order id: time-ordered, or derived from the app's requestId (shop/rules/shop.ts).
  if (/^[0-9a-f]{32}$/.test(text) || /^o[0-9a-f]{31}$/.test(text)) return { _id: text }
  throw new AppError(
    'INVALID_INPUT',
    '请输入 14 位订单号、9 位会员号、11 位手机号或商户支付单号',
    'search',
  )
}

export async function listOrders(input: Input<'listOrders'>, viewer: Viewer) {
  const db = database()
  const _ = db.command
  const where: Record<string, unknown> = {}
  if (input.status) where.status = input.status
  if (!input.includeAbandoned) where.cancelReason = _.neq('abandoned')
  if (input.storeId) where.storeId = input.storeId
  else if (viewer.stores) where.storeId = _.in(viewer.stores)
  const range = [
    ...(input.from ? [_.gte(shanghaiDayStart(input.from))] : []),
    ...(input.to ? [_.lt(new Date(shanghaiDayStart(input.to).getTime() + DAY_MS))] : []),
  ]
  if (range.length) where.createdAt = range.length === 2 ? _.and(range as never[]) : range[0]
  if (input.search) {
    const found = await searchCondition(input.search)
    if (!found) return { items: [], total: 0, page: input.page, pageSize: input.pageSize }
    Object.assign(where, found)
  }
  const page = await offsetPage(collection(COLLECTIONS.orders), where, input)
  const [names, memberNos] = await Promise.all([
    namesFor(
      page.rows.flatMap((o) => (o.storeId ? [o.storeId] : [])),
      [],
    ),
    memberNosOf(page.rows.flatMap((o) => (o.memberId ? [o.memberId] : []))),
  ])
  return {
    items: page.rows.map((o) => orderRow(o, names.stores, memberNos, viewer)),
    total: page.total,
    page: input.page,
    pageSize: input.pageSize,
  }
}

const REFUND_EVENT: Record<RefundDoc['status'], string> = {
  processing: '退款处理中',
  succeeded: '退款成功',
  abnormal: '退款异常',
  closed: '退款关闭',
  failed: '退款失败',
}

export async function orderForAdmin(input: Input<'orderDetail'>, viewer: Viewer) {
  const order = await collection(COLLECTIONS.orders).get(input.orderId)
  // Another store's order reads as missing to a store manager (its existence is not theirs either).
  if (!order || (viewer.stores && !(order.storeId && viewer.stores.includes(order.storeId))))
    throw new AppError('NOT_FOUND', '订单不存在', 'orderId')
  const [payment, refunds, names, memberNos] = await Promise.all([
    order.outTradeNo ? collection(COLLECTIONS.payments).get(order.outTradeNo) : null,
    order.outTradeNo
      ? collection(COLLECTIONS.refunds).find(
          { outTradeNo: order.outTradeNo },
          { orderBy: ['createdAt', 'asc'], limit: 100 },
        )
      : [],
    namesFor(order.storeId ? [order.storeId] : [], []),
    memberNosOf(order.memberId ? [order.memberId] : []),
  ])
  const pay = payment
  const timeline: { at: Date; event: string }[] = []
  if (order.paidAt)
    timeline.push({ at: order.paidAt, event: `支付成功 ¥${(order.totalFen / 100).toFixed(2)}` })
  if (order.pickedUpAt)
    timeline.push({
      at: order.pickedUpAt,
      event: `门店核销提货${order.pickedUpBy ? `（${order.pickedUpBy.name}）` : ''}`,
    })
  if (order.shipment)
    timeline.push({
      at: order.shipment.shippedAt,
      event: `已发货：${order.shipment.carrier} ${order.shipment.trackingNo}`,
    })
  if (order.deliveredAt)
    timeline.push({
      at: order.deliveredAt,
      event:
        order.deliveredBy === 'member'
          ? '会员确认收货'
          : order.deliveredBy === 'auto'
            ? '超时自动确认收货'
            : '总部标记签收',
    })
  if (order.cancelledAt)
    timeline.push({
      at: order.cancelledAt,
      event:
        order.cancelReason === 'expired'
          ? '超时未支付，已取消'
          : order.cancelReason === 'abandoned'
            ? '下单未完成，已自动取消'
            : '已取消',
    })
  for (const r of refunds) {
    timeline.push({
      at: r.createdAt,
      event: `申请退款 ¥${(r.amountFen / 100).toFixed(2)}${r.reason ? `：${r.reason}` : ''}`,
    })
    if (r.settledAt)
      timeline.push({
        at: r.settledAt,
        event: `${REFUND_EVENT[r.status]} ¥${(r.amountFen / 100).toFixed(2)}`,
      })
  }
  if (order.refundedAt) timeline.push({ at: order.refundedAt, event: '全额退款，库存已退回' })
  else if (order.fullyRefundedAt) timeline.push({ at: order.fullyRefundedAt, event: '已全额退款' })
  timeline.sort((a, b) => a.at.getTime() - b.at.getTime())
  // WeChat reports payment times to the second, so a payment can read as before the order: the order comes first regardless.
  timeline.unshift({ at: order.createdAt, event: '下单' })
  const refundableFen =
    pay && (pay.status === 'paid' || pay.status === 'refunded')
      ? Math.max(0, pay.amountFen - pay.refundCommittedFen)
      : 0
  const row = orderRow(order, names.stores, memberNos, viewer)
  // Refunds in flight may already commit the whole amount: nothing is left to refund, and an
  // order whose money is all on its way back is not shipped or marked delivered either.
  const fullRefundPending =
    refundableFen === 0 && row.state !== 'refunded' && refunds.some(isRefundOpen)
  return {
    order: {
      ...row,
      statusLabel: fullRefundPending ? `${row.statusLabel}（全额退款处理中）` : row.statusLabel,
      actions: fullRefundPending
        ? []
        : row.actions.filter((a) => a !== 'refund' || refundableFen > 0),
      items: order.items.map((i) => ({
        productId: i.productId,
        name: i.name,
        priceFen: i.priceFen,
        qty: i.qty,
      })),
      outTradeNo: order.outTradeNo,
      pickupCode: order.pickupCode ?? null,
      pickedUpBy: order.pickedUpBy?.name ?? null,
      deliveryAddress: order.deliveryAddress ?? null,
      shipment: order.shipment
        ? {
            carrier: order.shipment.carrier,
            trackingNo: order.shipment.trackingNo,
            shippedAt: order.shipment.shippedAt.toISOString(),
          }
        : null,
      deliveredAt: order.deliveredAt?.toISOString() ?? null,
    },
    payment: pay && {
      outTradeNo: pay._id,
      status: pay.status,
      statusLabel: PAYMENT_STATUS_LABELS[pay.status],
      amountFen: pay.amountFen,
      transactionId: pay.transactionId,
      paidAt: pay.paidAt?.toISOString() ?? null,
      refundedFen: pay.refundedFen,
    },
    refundableFen,
    refunds: refunds.map((r) => ({
      outRefundNo: r._id,
      amountFen: r.amountFen,
      reason: r.reason,
      status: r.status,
      statusLabel: REFUND_STATUS_LABELS[r.status],
      open: isRefundOpen(r),
      createdAt: r.createdAt.toISOString(),
      settledAt: r.settledAt?.toISOString() ?? null,
    })),
    timeline: timeline.map((t) => ({ at: t.at.toISOString(), event: t.event })),
  }
}
