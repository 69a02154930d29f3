/**
 * An order's lifecycle (pure). The stored `status` says where the order is in the shop's
 * processes; its state also folds in what the refunds and the payment window did, so a fully
 * refunded order that was shipped reads 已退款 and offers nothing more, and an order cancelled by
 * the 15-minute timer reads 已超时取消.
 *
 *   pickup:   awaiting_payment ─pay→ awaiting_pickup ─verifyPickup→ picked_up
 *   delivery: awaiting_payment ─pay→ awaiting_shipment ─ship→ shipped ─confirmReceipt|markDelivered→ delivered
 *   unpaid:   ─cancel→ cancelled, ─expire→ expired; paid: ─refund→ (same state, partly refunded), ─refundAll→ refunded
 *
 * Where each happens: pay in flows/orders.ts (markOrderPaid), cancel / expire in shop/orders.ts
 * (releaseOrder), verifyPickup and confirmReceipt / markDelivered in flows/order-fulfilment.ts,
 * ship in shop/fulfilment-service.ts, refunds in flows/orders.ts (refundOrder, onRefunded).
 */
import type { OrderDoc, OrderStatus } from './documents'
import { type Actor, nextState, type TransitionTable } from '../platform/lifecycle'

export type OrderState =
  | 'awaiting_payment'
  | 'awaiting_pickup'
  | 'awaiting_shipment'
  | 'shipped'
  | 'delivered'
  | 'picked_up'
  | 'cancelled'
  | 'expired'
  | 'refunded'

export type OrderEvent =
  | 'pay'
  | 'cancel'
  | 'expire'
  | 'verifyPickup'
  | 'ship'
  | 'confirmReceipt'
  | 'markDelivered'
  | 'refund'
  | 'refundAll'

/** What a caller may be offered: the events a person triggers (pay: fresh payment parameters). */
export type OrderAction =
  'pay' | 'cancel' | 'confirmReceipt' | 'verifyPickup' | 'ship' | 'markDelivered' | 'refund'

export const ORDER_STATES: readonly OrderState[] = [
  'awaiting_payment',
  'awaiting_pickup',
  'awaiting_shipment',
  'shipped',
  'delivered',
  'picked_up',
  'cancelled',
  'expired',
  'refunded',
]

export const ORDER_ACTIONS: readonly OrderAction[] = [
  'pay',
  'cancel',
  'confirmReceipt',
  'verifyPickup',
  'ship',
  'markDelivered',
  'refund',
]

const unpaid = (paid: OrderState) =>
  ({ pay: paid, cancel: 'cancelled', expire: 'expired' }) as const

/** One table per fulfilment: the states a pickup order never reaches have no way in. */
export const ORDER_TRANSITIONS: Record<
  OrderDoc['fulfilment'],
  TransitionTable<OrderState, OrderEvent>
> = {
  pickup: {
    awaiting_payment: unpaid('awaiting_pickup'),
    awaiting_pickup: {
      verifyPickup: 'picked_up',
      refund: 'awaiting_pickup',
      refundAll: 'refunded',
    },
    picked_up: { refund: 'picked_up', refundAll: 'refunded' },
    awaiting_shipment: {},
    shipped: {},
    delivered: {},
    cancelled: {},
    expired: {},
    refunded: {},
  },
  delivery: {
    awaiting_payment: unpaid('awaiting_shipment'),
    awaiting_shipment: { ship: 'shipped', refund: 'awaiting_shipment', refundAll: 'refunded' },
    shipped: {
      confirmReceipt: 'delivered',
      markDelivered: 'delivered',
      refund: 'shipped',
      refundAll: 'refunded',
    },
    delivered: { refund: 'delivered', refundAll: 'refunded' },
    awaiting_pickup: {},
    picked_up: {},
    cancelled: {},
    expired: {},
    refunded: {},
  },
}

/** Who may trigger which action (an analyst reads only). */
export const ORDER_ACTIONS_BY: Record<Actor, readonly OrderAction[]> = {
  member: ['pay', 'cancel', 'confirmReceipt'],
  clerk: ['verifyPickup'],
  'hq-admin': ['ship', 'markDelivered', 'refund'],
  analyst: [],
}

/** The one label per state, in the console and in the mini-program alike. */
export const ORDER_STATUS_LABELS: Record<OrderState, string> = {
  awaiting_payment: '待付款',
  awaiting_pickup: '待提货',
  awaiting_shipment: '待发货',
  shipped: '待收货',
  delivered: '已签收',
  picked_up: '已提货',
  cancelled: '已取消',
  expired: '已超时取消',
  refunded: '已退款',
}

/** An order id closed without an order (the repair's claim, a refused checkout's close). */
export const ABANDONED_LABEL = `${ORDER_STATUS_LABELS.cancelled}（下单未完成）`

/** Labels for filtering by the stored status (HQ's order list filters on what is stored). */
export const ORDER_STORED_STATUS_LABELS: Record<OrderStatus, string> = {
  awaiting_payment: ORDER_STATUS_LABELS.awaiting_payment,
  paid: `${ORDER_STATUS_LABELS.awaiting_pickup} / ${ORDER_STATUS_LABELS.awaiting_shipment}`,
  shipped: ORDER_STATUS_LABELS.shipped,
  delivered: ORDER_STATUS_LABELS.delivered,
  picked_up: ORDER_STATUS_LABELS.picked_up,
  cancelled: `${ORDER_STATUS_LABELS.cancelled} / ${ORDER_STATUS_LABELS.expired}`,
  refunded: ORDER_STATUS_LABELS.refunded,
}

export type OrderFacts = Pick<
  OrderDoc,
  'status' | 'fulfilment' | 'refundedFen' | 'totalFen' | 'cancelReason'
>

/** The order's state: its stored status with the refunds and the expiry folded in. */
export function orderState(order: OrderFacts): OrderState {
  if (order.status === 'cancelled')
    return order.cancelReason === 'expired' ? 'expired' : 'cancelled'
  if (order.status === 'awaiting_payment') return 'awaiting_payment'
  if (order.status === 'refunded' || (order.totalFen > 0 && order.refundedFen >= order.totalFen))
    return 'refunded'
  if (order.status === 'paid')
    return order.fulfilment === 'pickup' ? 'awaiting_pickup' : 'awaiting_shipment'
  return order.status
}

/** Whether the table lets `event` happen to the order now. */
export function canTransition(order: OrderFacts, event: OrderEvent): boolean {
  return nextState(ORDER_TRANSITIONS[order.fulfilment], orderState(order), event) !== null
}

/** Partly refunded: some money went back, the order goes on. */
export function isPartlyRefunded(order: OrderFacts): boolean {
  return order.refundedFen > 0 && orderState(order) !== 'refunded'
}

/**
 * The status as a person reads it: the state's label, and whether part of it was refunded. An
 * order id closed without an order (cancelReason `abandoned`, only HQ sees it, and only when it
 * asks) says so: 已取消（下单未完成）.
 */
export function orderStatusLabel(order: OrderFacts): string {
  if (order.status === 'cancelled' && order.cancelReason === 'abandoned') return ABANDONED_LABEL
  const label = ORDER_STATUS_LABELS[orderState(order)]
  return isPartlyRefunded(order) ? `${label}（部分退款）` : label
}

/**
 * What `actor` may do with the order now: the actor's actions the table accepts. An unpaid order
 * past its payment window offers nothing (the next read or the timer cancels it).
 */
export function nextOrderActions(
  order: OrderFacts & Pick<OrderDoc, 'expiresAt'>,
  actor: Actor,
  now: Date,
): OrderAction[] {
  // The same instant as rules/shop.ts isPaymentWindowOver (not imported: this file reaches the apps).
  if (orderState(order) === 'awaiting_payment' && now.getTime() >= order.expiresAt.getTime())
    return []
  return ORDER_ACTIONS_BY[actor].filter((action) => canTransition(order, action))
}
