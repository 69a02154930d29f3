import { z } from 'zod'
import { lazyActions, onFirstUse } from '../platform/contract/lazy-actions'
import { docId, emptyInput, isoDate, storeCard, tier } from '../platform/contract/common'
import { payParams } from '../payments/contract'
import { REDEMPTION_ACTIONS, type RedemptionAction } from '../gifts/lifecycle'

export const fulfilment = onFirstUse(() => z.enum(['pickup', 'mail', 'coupon']))

export const redemptionStatus = onFirstUse(() =>
  z.enum([
    'awaitingPickup',
    'collected',
    'awaitingPayment',
    'awaitingShipment',
    'shipped',
    'cancelled',
    'issuing',
    'couponIssued',
  ]),
)

/** A postal address (mail redemptions and delivery orders), field by field as WeChat's address book has it. */
export const mailAddress = onFirstUse(() =>
  z.strictObject({
    name: z.string().trim().min(1, '请填写收件人姓名').max(20, '收件人姓名最多 20 个字'),
    phone: z
      .string()
      .trim()
      .regex(/^1\d{10}$/, '请填写 11 位手机号'),
    province: z.string().trim().min(1, '请选择省份').max(20, '省份最多 20 个字'),
    city: z.string().trim().min(1, '请选择城市').max(20, '城市最多 20 个字'),
    district: z.string().trim().min(1, '请选择区县').max(20, '区县最多 20 个字'),
    detail: z
      .string()
      .trim()
      .min(4, '详细地址至少 4 个字（街道、门牌号）')
      .max(120, '详细地址最多 120 个字'),
  }),
)

/** Opaque position in a newest-first list; pass back `nextCursor` for the next page. */
const cursor = onFirstUse(() =>
  z.string().regex(/^\d{1,15}\.[A-Za-z0-9_-]{1,64}$/, '分页位置无效，请刷新后重试'),
)

export const giftSummary = onFirstUse(() =>
  z.object({
    giftId: z.string(),
    name: z.string(),
    description: z.string(),
    pointsPrice: z.number().int(),
    images: z.array(z.string()),
    /** The first image, or null. */
    cover: z.string().nullable(),
    fulfilments: z.array(fulfilment()),
    shippingFeeFen: z.number().int(),
    /** Units available for pickup over all stores, and centrally for mail. */
    pickupAvailable: z.number().int(),
    mailAvailable: z.number().int(),
    /** A coupon gift: its template (HQ), and the coupon it gives with how many are left (null: no total). */
    couponTemplateId: z.string().nullable(),
    coupon: z
      .object({
        templateId: z.string(),
        name: z.string(),
        summary: z.string(),
        validityText: z.string(),
        channelsText: z.string(),
        remaining: z.number().int().nullable(),
      })
      .nullable(),
  }),
)

export const giftDetail = onFirstUse(() =>
  giftSummary().extend({
    /** Stores holding this gift for pickup, with what each has now. */
    stores: z.array(
      z.object({
        storeId: z.string(),
        storeName: z.string(),
        address: z.string(),
        available: z.number().int(),
      }),
    ),
  }),
)

export const nextExpiry = onFirstUse(() =>
  z.object({ points: z.number().int(), expiresAt: isoDate, lastDay: z.string() }).nullable(),
)

export const ledgerItem = onFirstUse(() =>
  z.object({
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
  }),
)

export const redemptionView = onFirstUse(() =>
  z.object({
    redemptionId: z.string(),
    giftId: z.string(),
    giftName: z.string(),
    giftImage: z.string().nullable(),
    points: z.number().int(),
    fulfilment: fulfilment(),
    status: redemptionStatus(),
    /** The one label of its status (gifts/lifecycle.ts), the same in both apps. */
    statusLabel: z.string(),
    /** The caller's next actions: the member's pay / cancel, the clerk's verifyPickup, HQ's ship / revoke. */
    actions: z.array(z.enum(REDEMPTION_ACTIONS as [RedemptionAction, ...RedemptionAction[]])),
    storeId: z.string().nullable(),
    storeName: z.string().nullable(),
    /** While awaiting pickup: the code to show, as text and as the content of a QR code. */
    pickupCode: z.string().nullable(),
    createdAt: isoDate,
    collectedAt: isoDate.nullable(),
    collectedByName: z.string().nullable(),
    cancelledAt: isoDate.nullable(),
    cancelReason: z.string().nullable(),
    /** Mail: where it goes, the shipping fee, until when it may be paid, and the parcel once shipped. */
    address: mailAddress().nullable(),
    shippingFeeFen: z.number().int().nullable(),
    payBy: isoDate.nullable(),
    paidAt: isoDate.nullable(),
    shippedAt: isoDate.nullable(),
    shipment: z.object({ carrier: z.string(), trackingNo: z.string() }).nullable(),
    /** A coupon gift's coupon, once issued (under 我的 → 优惠券). */
    couponId: z.string().nullable(),
  }),
)

export const pointsInput = lazyActions({
  /** The gift catalog (anyone in the mini-program may browse). */
  gifts: () => emptyInput,
  gift: () => z.strictObject({ giftId: docId }),
  redeem: () =>
    z
      .strictObject({
        giftId: docId,
        fulfilment: fulfilment(),
        /** Pickup: the store to collect at. */
        storeId: docId.optional(),
        /** Mail: where to send it. */
        address: mailAddress().optional(),
        /**
         * Coupon gifts: one per tap of 兑换, sent again unchanged when the app retries, so a retried
         * exchange takes the points and gives the coupon once.
         */
        requestId: z
          .string()
          .regex(/^[A-Za-z0-9_-]{8,64}$/, '请求编号格式不对')
          .optional(),
      })
      .superRefine((value, issues) => {
        if (value.fulfilment === 'coupon' && !value.requestId)
          issues.addIssue({ code: 'custom', path: ['requestId'], message: '缺少请求编号' })
        if (value.fulfilment === 'coupon' && (value.storeId || value.address))
          issues.addIssue({
            code: 'custom',
            path: [value.storeId ? 'storeId' : 'address'],
            message: '兑换优惠券不需要门店或地址',
          })
        if (value.fulfilment === 'pickup' && !value.storeId)
          issues.addIssue({ code: 'custom', path: ['storeId'], message: '请选择自提门店' })
        if (value.fulfilment === 'mail' && !value.address)
          issues.addIssue({ code: 'custom', path: ['address'], message: '请填写收货地址' })
        if (value.fulfilment === 'mail' && value.storeId)
          issues.addIssue({
            code: 'custom',
            path: ['storeId'],
            message: '邮寄兑换由中心仓发货，不需要选择门店',
          })
      }),
  /** Points history, newest first, grouped by month (Asia/Shanghai). */
  ledger: () =>
    z.strictObject({
      cursor: cursor().optional(),
      limit: z.number().int().min(1).max(50).default(20),
    }),
  /** The card: balance, tier, progress to the next tier, next expiring points. */
  summary: () => emptyInput,
  myRedemptions: () =>
    z.strictObject({
      status: redemptionStatus().optional(),
      cursor: cursor().optional(),
      limit: z.number().int().min(1).max(50).default(20),
    }),
  redemption: () => z.strictObject({ redemptionId: docId }),
  /** Mail, unpaid: the payment parameters again (the member left WeChat's payment sheet). */
  payRedemption: () => z.strictObject({ redemptionId: docId }),
  /** Mail, unpaid: the member gives up; points and stock go back. */
  cancelRedemption: () => z.strictObject({ redemptionId: docId }),
})

export const pointsOutput = lazyActions({
  gifts: () => z.array(giftSummary()),
  gift: () => giftDetail(),
  redeem: () =>
    z.object({
      redemptionId: z.string(),
      pickupCode: z.string().optional(),
      status: redemptionStatus(),
      points: z.number().int(),
      balance: z.number().int(),
      /** Mail with a shipping fee: the WeChat Pay order to pay before `payBy`. */
      outTradeNo: z.string().optional(),
      payParams: payParams().optional(),
      shippingFeeFen: z.number().int().optional(),
      payBy: isoDate.optional(),
      /** Coupon gifts: the coupon given (under 我的 → 优惠券). */
      couponId: z.string().optional(),
    }),
  ledger: () =>
    z.object({
      balance: z.number().int(),
      nextExpiry: nextExpiry(),
      /** This page's entries by month; a month may continue on the next page (merge by `month`). */
      groups: z.array(z.object({ month: z.string(), items: z.array(ledgerItem()) })),
      nextCursor: z.string().nullable(),
    }),
  summary: () =>
    z.object({
      points: z.number().int(),
      tier,
      tierName: z.string(),
      multiplier: z.number(),
      /** Paid over the trailing 365 days, refunds deducted. */
      paid365Fen: z.number().int(),
      nextTier: z
        .object({
          tier,
          tierName: z.string(),
          thresholdFen: z.number().int(),
          remainingFen: z.number().int(),
        })
        .nullable(),
      /** 0..1 of the way from this tier to the next. */
      progress: z.number(),
      nextExpiry: nextExpiry(),
    }),
  myRedemptions: () =>
    z.object({ items: z.array(redemptionView()), nextCursor: z.string().nullable() }),
  /** One redemption on its own page: also where to collect it (pickup; null for mail). */
  redemption: () => redemptionView().extend({ store: storeCard.nullable() }),
  payRedemption: () =>
    z.object({
      redemptionId: z.string(),
      outTradeNo: z.string(),
      payParams: payParams(),
      shippingFeeFen: z.number().int(),
      payBy: isoDate,
    }),
  cancelRedemption: () => redemptionView(),
})
