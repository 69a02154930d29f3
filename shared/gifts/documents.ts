/** gifts: shapes of the stored documents. Dates are Date (UTC); money is integer fen; points integers. */

import type { PostalAddressDoc } from '../shop/documents'

/** `coupon`: a coupon gift, exchanged in the mall for one coupon of HQ's template (no stock of its own). */
export type GiftFulfilment = 'pickup' | 'mail' | 'coupon'

export interface GiftDoc {
  _id: string
  name: string
  description: string
  pointsPrice: number
  /** cloud:// file ids or https URLs; the first is the cover. */
  images: string[]
  fulfilments: GiftFulfilment[]
  /** Mail only: the shipping fee the member pays with WeChat Pay. */
  shippingFeeFen: number
  /** A coupon gift (`fulfilments: ['coupon']`): the template whose coupon it gives. */
  couponTemplateId?: string | null
  status: 'active' | 'inactive'
  /** Catalog order, ascending. */
  sort: number
  createdAt: Date
  updatedAt: Date
}

/**
 * Stock of one gift at one place: `<giftId>_<storeId>` for pickup at a store, `<giftId>_central`
 * for mail. Name, price and status are copied from the gift so a redemption reads and takes
 * stock in one conditional update; HQ's gift edits rewrite the copies.
 */
export interface GiftStockDoc {
  _id: string
  giftId: string
  /** null for the central warehouse. */
  storeId: string | null
  available: number
  giftName: string
  pointsPrice: number
  active: boolean
  updatedAt: Date
}

export type RedemptionStatus =
  | 'awaitingPickup'
  | 'collected'
  | 'awaitingPayment'
  | 'awaitingShipment'
  | 'shipped'
  | 'cancelled'
  /** A coupon gift while its points are taken and its coupon issued (flows/coupon-exchange.ts). */
  | 'issuing'
  | 'couponIssued'

export interface RedemptionDoc {
  _id: string
  memberId: string
  giftId: string
  giftName: string
  points: number
  fulfilment: GiftFulfilment
  stockId: string
  /** Pickup: the chosen store. */
  storeId: string | null
  status: RedemptionStatus
  /** Coupon gifts: the template and the coupon it gives (the coupon's id is fixed when it starts). */
  couponTemplateId?: string
  couponId?: string
  /** Pickup: what the member shows (as text and QR); unique. */
  pickupCode?: string
  /** Mail: where to send it, and the shipping fee order (WeChat Pay). */
  address?: PostalAddressDoc
  shippingFeeFen?: number
  outTradeNo?: string
  /** Mail: cancelled (points and stock back) if the shipping fee is not paid by then. */
  payBy?: Date
  paidAt?: Date
  shippedAt?: Date
  shipment?: { carrier: string; trackingNo: string; by: string }
  /** Mail: refunds of the shipping fee made in the merchant platform, once each (out_refund_no). */
  refundNos?: string[]
  refundedFen?: number
  createdAt: Date
  collectedAt?: Date
  collectedBy?: { clerkId: string; name: string }
  cancelledAt?: Date
  cancelReason?: string
}
