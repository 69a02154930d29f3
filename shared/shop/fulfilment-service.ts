/**
 * Handing orders over: finding a paid order by its pickup code for the clerk at the counter, and
 * shipping delivery orders (HQ).
 */
import { COLLECTIONS } from '../collections'
import { collection } from '../platform/db/collection'
import type { OrderDoc, OrderLineDoc } from './documents'
import type { ClerkDoc } from '../staff/documents'
import { AppError } from '../platform/errors'
import { formatShanghaiMinute } from '../platform/calendar'
import { maskPhone } from '../platform/phone'
import { type InvocationContext } from '../platform/runtime/define-function'
import { namesFor } from '../staff/lookups'
import { OrderView, getOrder, orders, toView } from './orders'
import { canTransition, nextOrderActions, orderStatusLabel, type OrderAction } from './lifecycle'

export interface OrderPickupView {
  kind: 'order'
  orderId: string
  /** What the clerk reads out and the shopper sees on their order (date + the day's sequence). */
  orderNo: string | null
  pickupCode: string
  status: OrderDoc['status']
  statusLabel: string
  /** The clerk's next action: verifyPickup while it may be handed over. */
  actions: OrderAction[]
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

export async function orderPickupView(order: OrderDoc, now: Date): Promise<OrderPickupView> {
  const member = order.memberId ? await collection(COLLECTIONS.members).get(order.memberId) : null
  return {
    kind: 'order',
    orderId: order._id,
    orderNo: order.orderNo ?? null,
    pickupCode: order.pickupCode ?? '',
    status: order.status,
    statusLabel: orderStatusLabel(order),
    actions: nextOrderActions(order, 'clerk', now),
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

export async function orderByPickupCode(clerk: ClerkDoc, code: string): Promise<OrderDoc> {
  const order = await orders().findOne({ pickupCode: code })
  if (!order) throw new AppError('NOT_FOUND', '提货码不存在，请核对后重试', 'pickupCode')
  if (order.storeId !== clerk.storeId) {
    const storeName = order.storeId
      ? ((await namesFor([order.storeId], [])).stores.get(order.storeId) ?? '其他门店')
      : ''
    throw new AppError('FORBIDDEN', `该订单需在「${storeName}」提货，本店不能核销`)
  }
  return order
}

export function notPickable(order: OrderDoc): AppError {
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
 * The table (shop/lifecycle.ts) decides whether it may ship: paid, for delivery, not fully refunded.
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
      return toView(order, 'hq-admin', ctx.clock.now())
    if (!canTransition(order, 'ship')) throw notShippable(order)
    const shipment = {
      carrier: input.carrier,
      trackingNo: input.trackingNo,
      shippedAt: ctx.clock.now(),
      by,
    }
    const shipped = await orders().updateIf(
      { _id: order._id, status: 'paid', refundedFen: order.refundedFen },
      { status: 'shipped', shipment },
    )
    if (shipped)
      return toView({ ...order, status: 'shipped', shipment }, 'hq-admin', ctx.clock.now())
  }
  throw new AppError('CONFLICT', '订单状态正在变化，请刷新后重试')
}

export function notReceivable(order: OrderDoc): AppError {
  if (order.status === 'paid') return new AppError('CONFLICT', '订单尚未发货，不能确认收货')
  if (order.status === 'refunded' || order.refundedFen >= order.totalFen)
    return new AppError('CONFLICT', '该订单已退款')
  return new AppError('CONFLICT', '该订单未支付或已取消')
}
