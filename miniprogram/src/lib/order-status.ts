/** What an order's state is called, the same in the order list and on the order page. */
import type { Contracts, OutputOf } from '../api/contracts'

type Order = OutputOf<Contracts, 'shop', 'order'>

const STATUS_LABELS: Record<Order['status'], string> = {
  awaiting_payment: '待付款',
  paid: '已付款',
  cancelled: '已取消',
  picked_up: '已完成',
  refunded: '已退款',
  shipped: '已发货',
  delivered: '已签收',
}

/** A paid delivery order says how far it has come: waiting for the warehouse, shipped, delivered. */
export function orderStatusLabel(
  order: Pick<Order, 'status' | 'fulfilment' | 'shipment' | 'deliveredAt'>,
): string {
  // The status moves paid → shipped → delivered; the facts decide too, so a view that carries
  // the shipment before its status (or an older order) still reads right.
  if ((order.status === 'paid' || order.status === 'shipped') && order.fulfilment === 'delivery') {
    if (order.deliveredAt) return '已签收'
    return order.shipment ? '已发货' : '待发货'
  }
  return STATUS_LABELS[order.status]
}
