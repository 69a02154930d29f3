/** shop: shapes of the stored documents. Dates are Date (UTC); money is integer fen; points integers. */
import type { Tier } from '../points/documents'

export interface ProductDoc {
  _id: string
  name: string
  description: string
  /** One price online and in every store. */
  priceFen: number
  status: 'active' | 'inactive'
  sort: number
  /** Storage file ids (HQ uploads them through `admin.uploadProductImage`); the first is the cover. */
  images?: string[]
  createdAt: Date
  /** Last edit in the console; absent on products seeded before the console could edit them. */
  updatedAt?: Date
}

export interface StockDoc {
  /** `<productId>_<locationId>` */
  _id: string
  productId: string
  /** A store id, or `central` (the warehouse that ships deliveries). */
  locationId: string
  /** What can still be ordered; never below zero. */
  available: number
  /** Held by unpaid orders (counted out of available already). */
  reserved: number
  /**
   * The units each unpaid order holds here, by order id: the reservation record. An order takes
   * its hold with one conditional update (shop/orders.ts takeHold) and the hold is given back or
   * turned into a sale exactly once, by removing its key. Only open holds are kept.
   */
  holds?: Record<string, number>
  /**
   * When each hold was taken, by order id (removed with the hold; absent on holds taken before
   * it was kept). The order repair's clock: an order id derived from a request carries no time.
   */
  holdsAt?: Record<string, Date>
  updatedAt: Date
}

export type OrderStatus =
  'awaiting_payment' | 'paid' | 'cancelled' | 'picked_up' | 'refunded' | 'shipped' | 'delivered'

export interface OrderLineDoc {
  productId: string
  name: string
  priceFen: number
  qty: number
  /** This line's share of the order's coupon discount (absent: none). */
  discountFen?: number
}

export interface OrderDoc {
  _id: string
  /**
   * What people read and type: the Asia/Shanghai day and the day's sequence (`20261203000042`,
   * rules/order-number.ts). Absent on orders created before numbers were given.
   */
  orderNo?: string
  openid: string
  memberId: string | null
  fulfilment: 'pickup' | 'delivery'
  /** The pickup store; null for delivery. */
  storeId: string | null
  /** Where the stock is reserved: the pickup store or `central`. */
  locationId: string
  /**
   * The app's key for the checkout attempt that created it (shop.createOrder `requestId`): the
   * order's id is derived from it and the member (rules/shop.ts orderIdForRequest). Absent on
   * orders created without one.
   */
  requestId?: string
  items: OrderLineDoc[]
  /**
   * What the member pays (and WeChat Pay charges): the lines' prices less the coupon's discount.
   * Points, commission, refunds and the dashboard count this amount.
   */
  totalFen: number
  /** The lines' prices before the coupon (absent on orders without one: = totalFen). */
  subtotalFen?: number
  /** Taken off by the coupon (absent: 0). */
  discountFen?: number
  /** The coupon the order holds (locked while unpaid, used once paid). */
  coupon?: { couponId: string; name: string }
  status: OrderStatus
  outTradeNo: string | null
  /** Unpaid by then: cancelled and its stock released. */
  expiresAt: Date
  createdAt: Date
  paidAt: Date | null
  /** Issued when a pickup order is paid. */
  pickupCode?: string
  /** The member's attribution at the moment of payment, frozen for commission. */
  attribution: { storeId: string; clerkId: string } | null
  /** When the after-payment effects (points, commission) were done; they run until then. */
  paidEffectsAt: Date | null
  /** Its stock is held per order on the stock documents (StockDoc.holds); absent on older orders. */
  stockHolds?: boolean
  /** The member's tier when paid (frozen with the attribution): the points' multiplier. */
  paidTier?: Tier
  /** When the member's points for this order were credited (by the first read after payment). */
  pointsCreditedAt?: Date
  /**
   * Set with the payment (the effects are due), null once they are done: the timer sweep and the
   * next read of the order apply them. Absent on orders paid before effects were deferred.
   */
  effectsDueAt?: Date | null
  cancelledAt: Date | null
  /**
   * `abandoned`: the order id was closed without an order: the invocation creating it died before
   * writing it and the repair job wrote it cancelled (shop/orders.ts claimAbandonedOrder), or a
   * refused createOrder closed its request's id before giving back what the id held
   * (closeOrderId). Nobody ever saw such an order: the shopper's lists never show it, HQ's only
   * when asked.
   */
  cancelReason: 'expired' | 'cancelled' | 'abandoned' | null
  refundedFen: number
  refundNos: string[]
  /** Set when a clerk of the pickup store handed the order over. */
  pickedUpAt?: Date
  pickedUpBy?: { clerkId: string; name: string }
  /** A fully refunded pickup order that was never picked up: its stock went back. */
  refundedAt?: Date
  /** When the last refund made the order refunded in full (any order; stock back only as above). */
  fullyRefundedAt?: Date
  /** Delivery: where to send it (given when ordering). */
  deliveryAddress?: PostalAddressDoc
  /** Delivery: set when HQ hands it to the carrier. */
  shipment?: { carrier: string; trackingNo: string; shippedAt: Date; by: string }
  /** Delivery: received (confirmed by the member, or marked by HQ); the refund window starts here. */
  deliveredAt?: Date
  /** Who marked it delivered: the member, HQ, or the auto-delivery job (days after shipment). */
  deliveredBy?: 'member' | 'hq' | 'auto'
}

/** A day's order-number counter (`_id` = `orderNo:<YYYYMMDD>`). */
export interface OrderCounterDoc {
  _id: string
  day: string
  seq: number
}

/** A postal address in mainland China as WeChat's address book gives it (orders for delivery, mail redemptions). */
export interface PostalAddressDoc {
  name: string
  phone: string
  province: string
  city: string
  district: string
  detail: string
}

/** A sale at a store's till, booked by a clerk scanning the member's code (one per store and receipt). */
export interface OfflineSaleDoc {
  _id: string
  memberId: string
  memberNo: string
  /** What the member paid at the till (after a coupon's discount): points and commission count this. */
  amountFen: number
  /** The receipt before the coupon, as the clerk typed it (absent: no coupon, = amountFen). */
  grossFen?: number
  /** The coupon applied at the till and what it took off (a gift coupon takes 0 and names the gift). */
  coupon?: { couponId: string; name: string; discountFen: number; giftName: string | null }
  receiptNo: string
  /** The store where the sale happened (the clerk's). */
  storeId: string
  clerkId: string
  clerkName: string
  /** The member's attribution at the moment of the sale, for commission. */
  attribution: { storeId: string; clerkId: string }
  memberCode: string
  at: Date
  /** When points and commission were booked; they run (idempotently) until then. */
  effectsAt: Date | null
  /** Voided within the refund window (the till took it back): points and commission reversed. */
  voided?: { at: Date; by: { kind: 'clerk' | 'hq'; id: string; name: string }; reason: string }
}

/**
 * What one clerk booked on one Asia/Shanghai day, `_id` = `<clerkId>:<YYYY-MM-DD>`: advanced in
 * the same transaction as each sale, so the clerk's daily ceiling holds under concurrency.
 */
export interface OfflineSaleDayDoc {
  _id: string
  clerkId: string
  day: string
  totalFen: number
  sales: number
}

/** A sale the till refused (a ceiling, or the clerk's own card), kept for HQ review. */
export interface OfflineSaleRefusalDoc {
  _id: string
  reason: 'receiptLimit' | 'dailyLimit' | 'ownCard'
  message: string
  clerkId: string
  clerkName: string
  storeId: string
  memberId: string
  memberNo: string
  amountFen: number
  receiptNo: string
  /** The ceiling in force when refused (fen); null for the clerk's own card. */
  limitFen: number | null
  /** The clerk's total that day before this sale (daily ceiling only). */
  bookedTodayFen?: number
  at: Date
}
