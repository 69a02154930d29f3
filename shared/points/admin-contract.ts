/** HQ's points, gift and stock actions on the `admin` function (spread into admin.ts). */
import { z } from 'zod'
import { docId, emptyInput, isoDate, tier } from '../platform/contract/common'
import { fulfilment, giftSummary, ledgerItem, redemptionView } from './contract'

/** A mail redemption as HQ ships it: who it is for, on top of what the member sees. */
export const mailRedemptionView = redemptionView.extend({ memberNo: z.string() })

const twoDecimals = (min: number, max: number) =>
  z
    .number()
    .min(min)
    .max(max)
    .refine((n) => Math.abs(n * 100 - Math.round(n * 100)) < 1e-9, '最多两位小数')

const memberNo = z.string().regex(/^\d{9}$/, '会员号为 9 位数字')

const imageRef = z
  .string()
  .max(4096)
  .regex(/^(cloud:\/\/|https:\/\/|data:image\/)/, '图片应为云存储 fileID（cloud://）或 https 地址')

export const pointsRulesView = z.object({
  pointsPerYuan: z.number(),
  multipliers: z.object({ standard: z.number(), silver: z.number(), gold: z.number() }),
  welcomeBonus: z.number().int(),
  expiryYears: z.number().int(),
  tierThresholdsFen: z.object({ silver: z.number().int(), gold: z.number().int() }),
})

export const adminGiftView = giftSummary.extend({
  status: z.enum(['active', 'inactive']),
  sort: z.number().int(),
  stock: z.array(
    z.object({
      storeId: z.string().nullable(),
      storeName: z.string(),
      available: z.number().int(),
    }),
  ),
  createdAt: isoDate,
  updatedAt: isoDate,
})

const giftFields = {
  name: z.string().trim().min(1).max(40).describe('礼品名称'),
  description: z.string().trim().max(1000).describe('礼品介绍'),
  pointsPrice: z.number().int().min(1).max(10_000_000).describe('所需积分'),
  images: z.array(imageRef).max(9).describe('礼品图片'),
  fulfilments: z.array(fulfilment).min(1).max(2).describe('兑换方式'),
  shippingFeeFen: z.number().int().min(0).max(100_000).describe('运费'),
  sort: z.number().int().min(0).max(1_000_000).describe('排序'),
}

export const pointsAdminInput = {
  pointsRules: emptyInput,
  setPointsRules: z
    .strictObject({
      pointsPerYuan: twoDecimals(0, 100),
      multipliers: z.strictObject({
        standard: twoDecimals(0, 10),
        silver: twoDecimals(0, 10),
        gold: twoDecimals(0, 10),
      }),
      welcomeBonus: z.number().int().min(0).max(100_000),
      /** Points earned in year Y expire at the end of year Y + expiryYears. */
      expiryYears: z.number().int().min(0).max(10),
      tierThresholdsFen: z.strictObject({
        silver: z.number().int().min(1),
        gold: z.number().int().min(1),
      }),
    })
    .superRefine((value, issues) => {
      if (value.tierThresholdsFen.gold <= value.tierThresholdsFen.silver) {
        issues.addIssue({
          code: 'custom',
          path: ['tierThresholdsFen', 'gold'],
          message: '金卡门槛必须高于银卡门槛',
        })
      }
    }),
  /** Add (positive) or remove (negative) points by hand, with the reason. */
  adjustPoints: z.strictObject({
    memberNo,
    points: z
      .number()
      .int()
      .min(-1_000_000)
      .max(1_000_000)
      .refine((n) => n !== 0, '调整积分不能为 0')
      .describe('调整积分'),
    reason: z.string().trim().min(2).max(200).describe('调整原因'),
    /** One per form submission: a retried submission applies once. */
    requestKey: z
      .string()
      .regex(/^[A-Za-z0-9_-]{8,64}$/)
      .optional(),
  }),
  /** A member's points, tier and recent ledger. */
  memberPoints: z.strictObject({ memberNo }),
  listGifts: z.strictObject({ status: z.enum(['active', 'inactive']).optional() }),
  createGift: z
    .strictObject({
      ...giftFields,
      description: giftFields.description.default(''),
      images: giftFields.images.default([]),
      fulfilments: giftFields.fulfilments.default(['pickup']),
      shippingFeeFen: giftFields.shippingFeeFen.default(0),
      sort: giftFields.sort.default(100),
      /** A coupon gift (`fulfilments: ['coupon']`): the coupon template it gives. */
      couponTemplateId: docId.describe('兑换的优惠券').optional(),
      /** Opening stock: storeId null is the central warehouse (mail). */
      stock: z
        .array(
          z.strictObject({
            storeId: docId.nullable(),
            available: z.number().int().min(0).max(1_000_000).describe('初始库存'),
          }),
        )
        .max(500)
        .default([]),
    })
    .superRefine((g, issues) => {
      const need = (path: string, message: string) =>
        issues.addIssue({ code: 'custom', path: [path], message })
      if (!g.fulfilments.includes('coupon')) {
        if (g.couponTemplateId) need('couponTemplateId', '只有优惠券礼品选择优惠券')
        return
      }
      if (g.fulfilments.length > 1) need('fulfilments', '优惠券礼品不能同时自提或邮寄')
      if (!g.couponTemplateId) need('couponTemplateId', '请选择要兑换的优惠券')
      if (g.stock.length > 0) need('stock', '优惠券礼品没有库存，剩余数量即优惠券的发放余量')
    }),
  updateGift: z.strictObject({
    giftId: docId,
    name: giftFields.name.optional(),
    description: giftFields.description.optional(),
    pointsPrice: giftFields.pointsPrice.optional(),
    images: giftFields.images.optional(),
    fulfilments: giftFields.fulfilments.optional(),
    shippingFeeFen: giftFields.shippingFeeFen.optional(),
    sort: giftFields.sort.optional(),
    status: z.enum(['active', 'inactive']).optional(),
  }),
  /** Add or remove stock at a store (storeId) or centrally (storeId null). */
  adjustGiftStock: z.strictObject({
    giftId: docId,
    storeId: docId.nullable(),
    delta: z
      .number()
      .int()
      .min(-1_000_000)
      .max(1_000_000)
      .refine((n) => n !== 0, '调整数量不能为 0')
      .describe('调整数量'),
    reason: z.string().trim().min(2).max(200).describe('调整原因'),
  }),
  /** Cancel a redemption not yet collected: points and stock go back. */
  cancelRedemption: z.strictObject({
    redemptionId: docId,
    reason: z.string().trim().min(2).max(200),
  }),
  /** Mail redemptions, oldest first: paid and waiting to be shipped, or shipped. */
  mailRedemptions: z.strictObject({
    status: z.enum(['awaitingShipment', 'shipped']).default('awaitingShipment'),
    limit: z.number().int().min(1).max(200).default(100),
  }),
  /** HQ hands a paid mail redemption to the carrier: the member sees the tracking number. */
  shipRedemption: z.strictObject({
    redemptionId: docId,
    carrier: z.string().trim().min(2, '请填写快递公司').max(20, '快递公司最多 20 个字'),
    trackingNo: z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9-]{6,32}$/, '运单号为 6–32 位字母或数字'),
  }),
} as const

export const pointsAdminOutput = {
  pointsRules: pointsRulesView,
  setPointsRules: pointsRulesView,
  adjustPoints: z.object({
    applied: z.boolean(),
    entryId: z.string(),
    memberNo: z.string(),
    balance: z.number().int(),
  }),
  memberPoints: z.object({
    memberId: z.string(),
    memberNo: z.string(),
    points: z.number().int(),
    tier,
    paid365Fen: z.number().int(),
    ledger: z.array(ledgerItem),
  }),
  listGifts: z.object({ items: z.array(adminGiftView) }),
  createGift: adminGiftView,
  updateGift: adminGiftView,
  adjustGiftStock: z.object({
    giftId: z.string(),
    storeId: z.string().nullable(),
    available: z.number().int(),
  }),
  cancelRedemption: redemptionView,
  mailRedemptions: z.object({ items: z.array(mailRedemptionView) }),
  shipRedemption: mailRedemptionView,
} as const
