import { z } from 'zod'
import { docId, emptyInput, isoDate, tier } from './common'

export const fulfilment = z.enum(['pickup', 'mail'])

export const redemptionStatus = z.enum(['awaitingPickup', 'collected', 'awaitingPayment', 'awaitingShipment', 'shipped', 'cancelled'])

/** A mail redemption's address (mail opens with the WeChat Pay port). */
export const mailAddress = z.strictObject({
  name: z.string().trim().min(1).max(20),
  phone: z.string().regex(/^1\d{10}$/, '请填写 11 位手机号'),
  region: z.string().trim().min(1).max(60),
  detail: z.string().trim().min(1).max(120),
})

/** Opaque position in a newest-first list; pass back `nextCursor` for the next page. */
const cursor = z.string().regex(/^\d{1,15}\.[A-Za-z0-9_-]{1,64}$/, 'not a valid cursor')

export const giftSummary = z.object({
  giftId: z.string(),
  name: z.string(),
  description: z.string(),
  pointsPrice: z.number().int(),
  images: z.array(z.string()),
  /** The first image, or null. */
  cover: z.string().nullable(),
  fulfilments: z.array(fulfilment),
  shippingFeeFen: z.number().int(),
  /** Units available for pickup over all stores, and centrally for mail. */
  pickupAvailable: z.number().int(),
  mailAvailable: z.number().int(),
})

export const giftDetail = giftSummary.extend({
  /** Stores holding this gift for pickup, with what each has now. */
  stores: z.array(z.object({ storeId: z.string(), storeName: z.string(), address: z.string(), available: z.number().int() })),
})

export const nextExpiry = z.object({ points: z.number().int(), expiresAt: isoDate, lastDay: z.string() }).nullable()

export const ledgerItem = z.object({
  entryId: z.string(),
  kind: z.enum(['welcome', 'earn', 'spend', 'expire', 'refund', 'adjust', 'return']),
  /** Signed: credits positive, debits negative. */
  points: z.number().int(),
  at: isoDate,
  /** The source in words, for the list: 开卡礼 / 消费 ¥128.00 / 兑换 保温杯 / 积分过期 / … */
  title: z.string(),
  source: z.object({
    type: z.string(),
    orderId: z.string().optional(),
    refundId: z.string().optional(),
    redemptionId: z.string().optional(),
    giftName: z.string().optional(),
    reason: z.string().optional(),
  }),
  /** Credits: when they expire and how many of them are left. */
  expiresAt: isoDate.nullable(),
  remaining: z.number().int().nullable(),
  /** Refunds: points the balance could not cover. */
  shortfall: z.number().int().nullable(),
})

export const redemptionView = z.object({
  redemptionId: z.string(),
  giftId: z.string(),
  giftName: z.string(),
  giftImage: z.string().nullable(),
  points: z.number().int(),
  fulfilment,
  status: redemptionStatus,
  statusText: z.string(),
  storeId: z.string().nullable(),
  storeName: z.string().nullable(),
  /** While awaiting pickup: the code to show, as text and as the content of a QR code. */
  pickupCode: z.string().nullable(),
  createdAt: isoDate,
  collectedAt: isoDate.nullable(),
  collectedByName: z.string().nullable(),
  cancelledAt: isoDate.nullable(),
  cancelReason: z.string().nullable(),
})

export const pointsInput = {
  /** The gift catalog (anyone in the mini-program may browse). */
  gifts: emptyInput,
  gift: z.strictObject({ giftId: docId }),
  redeem: z
    .strictObject({
      giftId: docId,
      fulfilment,
      /** Pickup: the store to collect at. */
      storeId: docId.optional(),
      /** Mail: where to send it. */
      address: mailAddress.optional(),
    })
    .superRefine((value, issues) => {
      if (value.fulfilment === 'pickup' && !value.storeId) issues.addIssue({ code: 'custom', path: ['storeId'], message: '请选择自提门店' })
    }),
  /** Points history, newest first, grouped by month (Asia/Shanghai). */
  ledger: z.strictObject({ cursor: cursor.optional(), limit: z.number().int().min(1).max(50).default(20) }),
  /** The card: balance, tier, progress to the next tier, next expiring points. */
  summary: emptyInput,
  myRedemptions: z.strictObject({ status: redemptionStatus.optional(), cursor: cursor.optional(), limit: z.number().int().min(1).max(50).default(20) }),
  redemption: z.strictObject({ redemptionId: docId }),
  /** Timer: expire points that have come due (idempotent, resumable). */
  expirePoints: emptyInput,
  /** Timer: finish or cancel redemptions whose invocation died half way. */
  repairRedemptions: emptyInput,
} as const

export const pointsOutput = {
  gifts: z.array(giftSummary),
  gift: giftDetail,
  redeem: z.object({
    redemptionId: z.string(),
    pickupCode: z.string().optional(),
    status: redemptionStatus,
    points: z.number().int(),
    balance: z.number().int(),
  }),
  ledger: z.object({
    balance: z.number().int(),
    nextExpiry,
    /** This page's entries by month; a month may continue on the next page (merge by `month`). */
    groups: z.array(z.object({ month: z.string(), items: z.array(ledgerItem) })),
    nextCursor: z.string().nullable(),
  }),
  summary: z.object({
    points: z.number().int(),
    tier,
    tierName: z.string(),
    multiplier: z.number(),
    /** Paid over the trailing 365 days, refunds deducted. */
    paid365Fen: z.number().int(),
    nextTier: z.object({ tier, tierName: z.string(), thresholdFen: z.number().int(), remainingFen: z.number().int() }).nullable(),
    /** 0..1 of the way from this tier to the next. */
    progress: z.number(),
    nextExpiry,
  }),
  myRedemptions: z.object({ items: z.array(redemptionView), nextCursor: z.string().nullable() }),
  redemption: redemptionView,
  expirePoints: z.object({ members: z.number().int(), expiredPoints: z.number().int(), more: z.boolean() }),
  repairRedemptions: z.object({ checked: z.number().int(), completed: z.number().int(), cancelled: z.number().int() }),
} as const
