import { z } from 'zod'
import { docId, emptyInput, isoDate } from './common'
import { payParams } from './pay'

const fulfilment = z.enum(['pickup', 'delivery'])

export const productView = z.object({
  productId: z.string(),
  name: z.string(),
  description: z.string(),
  priceFen: z.number().int(),
  /** Orderable now: central warehouse (delivery) and per store id (pickup). */
  available: z.object({ central: z.number().int(), stores: z.record(z.string(), z.number().int()) }),
})

export const orderView = z.object({
  orderId: z.string(),
  status: z.enum(['awaiting_payment', 'paid', 'cancelled', 'picked_up', 'refunded']),
  fulfilment,
  storeId: z.string().nullable(),
  items: z.array(z.object({ productId: z.string(), name: z.string(), priceFen: z.number().int(), qty: z.number().int() })),
  totalFen: z.number().int(),
  outTradeNo: z.string().nullable(),
  expiresAt: isoDate,
  createdAt: isoDate,
  paidAt: isoDate.nullable(),
  /** Shown at the counter; only on a paid pickup order. */
  pickupCode: z.string().nullable(),
})

export const shopInput = {
  /** Active products with one price and what is orderable where. */
  products: emptyInput,
  /** Reserves stock (pickup: at the store; delivery: central) and starts a WeChat Pay payment. */
  createOrder: z.strictObject({
    items: z
      .array(z.strictObject({ productId: docId, qty: z.number().int().min(1).max(99) }))
      .min(1)
      .max(20),
    fulfilment,
    storeId: docId.optional(),
  }),
  /** One of the caller's orders, brought up to date (asks WeChat Pay while unpaid). */
  order: z.strictObject({ orderId: docId }),
  myOrders: emptyInput,
  /** Cancels an unpaid order: closes its payment and releases its stock. */
  cancelOrder: z.strictObject({ orderId: docId }),
  /** Timer trigger (every minute): unpaid orders past their 15 minutes are cancelled. */
  expireOrders: emptyInput,
  /** Timer trigger (daily): pending commission whose refund window is over settles. */
  settleCommission: emptyInput,
} as const

export const shopOutput = {
  products: z.array(productView),
  createOrder: z.object({ orderId: z.string(), outTradeNo: z.string(), payParams, totalFen: z.number().int(), expiresAt: isoDate }),
  order: orderView,
  myOrders: z.array(orderView),
  cancelOrder: orderView,
  expireOrders: z.object({ expired: z.number().int(), failed: z.number().int() }),
  settleCommission: z.object({ settled: z.number().int(), more: z.boolean() }),
} as const
