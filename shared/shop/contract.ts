import { z } from 'zod'
import { lazyActions, onFirstUse } from '../platform/contract/lazy-actions'
import { docId, emptyInput, isoDate, storeCard } from '../platform/contract/common'
import { payParams } from '../payments/contract'
import { mailAddress } from '../points/contract'
import { orderQuote, orderQuoteInput } from '../coupons/contract'
import { ORDER_ACTIONS, ORDER_STATES, type OrderAction, type OrderState } from './lifecycle'

const fulfilment = onFirstUse(() => z.enum(['pickup', 'delivery']))

const cartItems = onFirstUse(() =>
  z.array(z.strictObject({ productId: docId, qty: z.number().int().min(1).max(99) })).max(20),
)

/** A pickup store for the checkout's picker, with whether it can fill the cart now. */
export const storeOption = onFirstUse(() =>
  z.object({
    storeId: z.string(),
    name: z.string(),
    address: z.string(),
    location: z.object({ lat: z.number(), lng: z.number() }).nullable(),
    /** Metres from the shopper; null when either location is unknown. */
    distanceM: z.number().int().nullable(),
    /** The store the member belongs to. */
    isHomeStore: z.boolean(),
    /** Cart lines this store cannot fill (empty: it has everything). */
    shortages: z.array(
      z.object({
        productId: z.string(),
        name: z.string(),
        available: z.number().int(),
        wanted: z.number().int(),
      }),
    ),
  }),
)
export const orderStatus = onFirstUse(() =>
  z.enum([
    'awaiting_payment',
    'paid',
    'cancelled',
    'picked_up',
    'refunded',
    'shipped',
    'delivered',
  ]),
)

/** The order's lifecycle state (shop/lifecycle.ts): the status with refunds and expiry folded in. */
export const orderState = onFirstUse(() => z.enum(ORDER_STATES as [OrderState, ...OrderState[]]))
/** What the caller may do next with an order (the server decides; the apps only render it). */
export const orderActions = onFirstUse(() =>
  z.array(z.enum(ORDER_ACTIONS as [OrderAction, ...OrderAction[]])),
)

/** Where a delivery order is sent (required for delivery, refused for pickup): the same address a mail redemption takes. */
export const deliveryAddress = onFirstUse(() => mailAddress())

export const productView = onFirstUse(() =>
  z.object({
    productId: z.string(),
    name: z.string(),
    description: z.string(),
    priceFen: z.number().int(),
    /** Image URLs (the first is the cover); empty when HQ gave none. */
    images: z.array(z.string()),
    /** Orderable now: central warehouse (delivery) and per store id (pickup). */
    available: z.object({
      central: z.number().int(),
      stores: z.record(z.string(), z.number().int()),
    }),
  }),
)

export const orderView = onFirstUse(() =>
  z.object({
    orderId: z.string(),
    /** What people read and type (date + the day's sequence); null only on orders older than numbers. */
    orderNo: z.string().nullable(),
    status: orderStatus(),
    state: orderState(),
    /** The one label of its state (the same in both apps), with 部分退款 when part of it went back. */
    statusLabel: z.string(),
    /** The member's next actions: pay, cancel, confirmReceipt. */
    actions: orderActions(),
    fulfilment: fulfilment(),
    storeId: z.string().nullable(),
    items: z.array(
      z.object({
        productId: z.string(),
        name: z.string(),
        priceFen: z.number().int(),
        qty: z.number().int(),
        /** This line's share of the coupon's discount. */
        discountFen: z.number().int(),
      }),
    ),
    /** What is paid: the subtotal less the coupon's discount. */
    totalFen: z.number().int(),
    subtotalFen: z.number().int(),
    discountFen: z.number().int(),
    coupon: z.object({ couponId: z.string(), name: z.string() }).nullable(),
    outTradeNo: z.string().nullable(),
    expiresAt: isoDate,
    createdAt: isoDate,
    paidAt: isoDate.nullable(),
    /** Shown at the counter; only on a paid pickup order. */
    pickupCode: z.string().nullable(),
    /** Delivery orders: where it goes, the carrier's tracking once shipped, and when it arrived. */
    deliveryAddress: deliveryAddress().nullable(),
    shipment: z
      .object({ carrier: z.string(), trackingNo: z.string(), shippedAt: isoDate })
      .nullable(),
    deliveredAt: isoDate.nullable(),
    refundedFen: z.number().int(),
  }),
)

/** One order on its own page: also where to collect it (a pickup order's store; null for delivery). */
export const orderDetailView = onFirstUse(() => orderView().extend({ store: storeCard.nullable() }))

const orderPayment = onFirstUse(() =>
  z.object({
    orderId: z.string(),
    outTradeNo: z.string(),
    payParams: payParams(),
    /** What WeChat Pay charges (= payableFen). */
    totalFen: z.number().int(),
    subtotalFen: z.number().int(),
    discountFen: z.number().int(),
    payableFen: z.number().int(),
    expiresAt: isoDate,
  }),
)

/** HQ (admin function) ships a paid delivery order. */
export const shipOrderInput = onFirstUse(() =>
  z.strictObject({
    orderId: docId,
    carrier: z.string().trim().min(1).max(20),
    trackingNo: z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9-]{4,40}$/, '运单号只能包含字母、数字和连字符（4–40 位）'),
  }),
)

export const shopInput = lazyActions({
  /** Active products with one price and what is orderable where. */
  products: () => emptyInput,
  /** One active product with what is orderable where. */
  product: () => z.strictObject({ productId: docId }),
  /**
   * Active pickup stores, nearest first when the shopper shares `near` (otherwise their own store
   * first, then by name), each with what of `items` it cannot fill.
   */
  stores: () =>
    z.strictObject({
      items: cartItems(),
      near: z
        .strictObject({ lat: z.number().min(-90).max(90), lng: z.number().min(-180).max(180) })
        .optional(),
    }),
  /** Reserves stock (pickup: at the store; delivery: central) and starts a WeChat Pay payment. */
  createOrder: () =>
    z.strictObject({
      items: cartItems().min(1),
      fulfilment: fulfilment(),
      storeId: docId.optional(),
      deliveryAddress: deliveryAddress().optional(),
      /** One of the member's coupons; it is locked by the order until paid (then used) or cancelled. */
      couponId: docId.optional(),
      /**
       * The app's key for this checkout attempt (random, kept across retries of the same submit,
       * new once the cart changes or an answer came): the same member and requestId always name
       * the same order. Optional while app versions without it are in use.
       */
      requestId: z
        .string()
        .regex(/^[A-Za-z0-9_-]{16,64}$/, '下单请求编号格式不正确，请返回购物车重新提交')
        .optional(),
    }),
  /** Prices a cart: the lines, the member's coupons (usable with their discount, or greyed with the reason), the best applied. */
  orderQuote: () => orderQuoteInput(),
  /** One of the caller's orders, brought up to date (asks WeChat Pay while unpaid). */
  order: () => z.strictObject({ orderId: docId }),
  myOrders: () => emptyInput,
  /** Cancels an unpaid order: closes its payment and releases its stock. */
  cancelOrder: () => z.strictObject({ orderId: docId }),
  /** Fresh payment parameters for an unpaid order's one payment (the payer left the pay sheet). */
  payOrder: () => z.strictObject({ orderId: docId }),
  /** The member confirms a shipped delivery order arrived; its commission's refund window starts. */
  confirmReceipt: () => z.strictObject({ orderId: docId }),
})

export const shopOutput = lazyActions({
  products: () => z.array(productView()),
  product: () => productView(),
  stores: () => z.array(storeOption()),
  createOrder: () => orderPayment(),
  orderQuote: () => orderQuote(),
  order: () => orderDetailView(),
  myOrders: () => z.array(orderView()),
  cancelOrder: () => orderView(),
  payOrder: () => orderPayment(),
  confirmReceipt: () => orderView(),
})
