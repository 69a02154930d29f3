import { z } from 'zod'
import { docId, emptyInput, isoDate } from './common'
import { payParams } from './pay'

const fulfilment = z.enum(['pickup', 'delivery'])

/** Where a delivery order goes. */
export const deliveryAddress = z.object({
  name: z.string().trim().min(1).max(20),
  phone: z.string().trim().regex(/^1[3-9]\d{9}$/, '请输入 11 位手机号'),
  region: z.string().trim().min(2).max(40),
  detail: z.string().trim().min(4).max(100),
})

const cartItems = z.array(z.strictObject({ productId: docId, qty: z.number().int().min(1).max(99) })).max(20)

/** A pickup store for the checkout's picker, with whether it can fill the cart now. */
export const storeOption = z.object({
  storeId: z.string(),
  name: z.string(),
  address: z.string(),
  location: z.object({ lat: z.number(), lng: z.number() }).nullable(),
  /** Metres from the shopper; null when either location is unknown. */
  distanceM: z.number().int().nullable(),
  /** The store the member belongs to. */
  isHomeStore: z.boolean(),
  /** Cart lines this store cannot fill (empty: it has everything). */
  shortages: z.array(z.object({ productId: z.string(), name: z.string(), available: z.number().int(), wanted: z.number().int() })),
})

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
  /** Delivery orders: where it goes. */
  deliveryAddress: deliveryAddress.nullable(),
  /** Delivery orders, once handed to the carrier. */
  shipment: z.object({ carrier: z.string(), trackingNo: z.string(), shippedAt: isoDate }).nullable(),
  deliveredAt: isoDate.nullable(),
})

export const shopInput = {
  /** Active products with one price and what is orderable where. */
  products: emptyInput,
  /** One active product with what is orderable where. */
  product: z.strictObject({ productId: docId }),
  /**
   * Active pickup stores, nearest first when the shopper shares `near` (otherwise their own store
   * first, then by name), each with what of `items` it cannot fill.
   */
  stores: z.strictObject({
    items: cartItems,
    near: z.strictObject({ lat: z.number().min(-90).max(90), lng: z.number().min(-180).max(180) }).optional(),
  }),
  /** Reserves stock (pickup: at the store; delivery: central) and starts a WeChat Pay payment. */
  createOrder: z.strictObject({
    items: cartItems.min(1),
    fulfilment,
    storeId: docId.optional(),
    deliveryAddress: deliveryAddress.optional(),
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
  product: productView,
  stores: z.array(storeOption),
  createOrder: z.object({ orderId: z.string(), outTradeNo: z.string(), payParams, totalFen: z.number().int(), expiresAt: isoDate }),
  order: orderView,
  myOrders: z.array(orderView),
  cancelOrder: orderView,
  expireOrders: z.object({ expired: z.number().int(), failed: z.number().int() }),
  settleCommission: z.object({ settled: z.number().int(), more: z.boolean() }),
} as const
