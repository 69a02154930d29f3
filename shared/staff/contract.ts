import { z } from 'zod'
import { joinActions, lazyActions, onFirstUse } from '../platform/contract/lazy-actions'
import { campaignStaffInput, campaignStaffOutput } from '../campaigns/contract'
import { couponsStaffInput, couponsStaffOutput, tillCodeInput } from '../coupons/contract'
import { docId, emptyInput, isoDate, salesFigures, tier } from '../platform/contract/common'
import { redemptionView } from '../points/contract'
import { orderActions, orderStatus } from '../shop/contract'

const receiptNoInput = onFirstUse(() =>
  z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9_-]{1,40}$/, '小票号为 1-40 位字母、数字、- 或 _'),
)

export const voidReason = onFirstUse(() => z.string().trim().min(1, '请填写作废原因').max(80))

/** A voided offline sale: what was taken back, when, by whom and why. */
export const offlineSaleVoid = onFirstUse(() =>
  z.object({
    saleId: z.string(),
    receiptNo: z.string(),
    storeId: z.string(),
    amountFen: z.number().int(),
    pointsTakenBack: z.number().int(),
    /** Points the member had already spent: recorded, not taken. */
    pointsShortfall: z.number().int(),
    voidedAt: isoDate,
    voidedBy: z.string(),
    reason: z.string(),
  }),
)

export const staffProfile = onFirstUse(() =>
  z.object({
    clerkId: z.string(),
    name: z.string(),
    code: z.string(),
    isManager: z.boolean(),
    storeId: z.string(),
    storeName: z.string(),
    memberCount: z.number().int(),
  }),
)

export const memberListItem = onFirstUse(() =>
  z.object({
    memberId: z.string(),
    memberNo: z.string(),
    phoneMasked: z.string().nullable(),
    tier,
    points: z.number().int(),
    clerkId: z.string(),
    clerkName: z.string(),
    joinedAt: isoDate,
    lastPurchaseAt: isoDate.nullable(),
    tags: z.array(z.string()),
  }),
)

/** Scanned from the member's QR or typed (spaces and dashes allowed). */
const pickupCodeInput = onFirstUse(() =>
  z.string().regex(/^[\d\s-]{6,24}$/, '提货码为 8 位数字，兑换码为 10 位数字'),
)

export const pickupView = onFirstUse(() =>
  redemptionView().extend({
    memberNo: z.string(),
    phoneMasked: z.string().nullable(),
  }),
)

/** A shop order at the pickup counter (8-digit pickup code). */
export const orderPickupView = onFirstUse(() =>
  z.object({
    kind: z.literal('order'),
    orderId: z.string(),
    /** The human order number (date + the day's sequence); null only on orders older than numbers. */
    orderNo: z.string().nullable(),
    pickupCode: z.string(),
    status: orderStatus(),
    statusLabel: z.string(),
    /** verifyPickup while the clerk may hand it over. */
    actions: orderActions(),
    storeId: z.string(),
    items: z.array(
      z.object({
        productId: z.string(),
        name: z.string(),
        priceFen: z.number().int(),
        qty: z.number().int(),
      }),
    ),
    totalFen: z.number().int(),
    refundedFen: z.number().int(),
    paidAt: isoDate.nullable(),
    pickedUpAt: isoDate.nullable(),
    pickedUpBy: z.string().nullable(),
    memberNo: z.string().nullable(),
    phoneMasked: z.string().nullable(),
  }),
)

const month = onFirstUse(() => z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, '月份格式应为 YYYY-MM'))

export const staffInput = joinActions(
  lazyActions({
    /** Open a one-time staff invite (its scene) and become a clerk of that store. */
    bindInvite: () => z.strictObject({ invite: z.string().min(1).max(32) }),
    me: () => emptyInput,
    myMembers: () =>
      z.strictObject({
        /** Last 4 digits of the phone, the full phone, or the 9-digit member number. */
        search: z
          .string()
          .regex(/^\d{4,11}$/, '请输入手机号后四位、完整手机号或会员号')
          .optional(),
        sort: z.enum(['lastPurchase', 'joined']).default('joined'),
        tag: z.string().min(1).max(20).optional(),
        /** `store`: the whole store (managers only). */
        scope: z.enum(['mine', 'store']).default('mine'),
        offset: z.number().int().min(0).max(100_000).default(0),
        limit: z.number().int().min(1).max(100).default(20),
      }),
    memberDetail: () => z.strictObject({ memberId: docId }),
    myCode: () => emptyInput,
    myStats: () => emptyInput,
    /** Look up the member behind a scanned member code or coupon code (any active clerk, any store). */
    scanMember: () => z.strictObject({ memberCode: tillCodeInput() }),
    /** What a scanned or typed code is for: a shop order (8 digits) or a gift redemption (10), clerks of its store. */
    pickupDetail: () => z.strictObject({ pickupCode: pickupCodeInput() }),
    /** Hand a paid pickup order (8 digits) or a redeemed gift (10 digits) over: once per code, by a clerk of its store. */
    verifyPickup: () => z.strictObject({ pickupCode: pickupCodeInput() }),
    /** Book an offline sale for the member whose dynamic code was scanned; a receipt number counts once per store. */
    recordSale: () =>
      z.strictObject({
        /** The member code, or a coupon code: the sale then uses that coupon (couponId optional). */
        memberCode: tillCodeInput(),
        /** The receipt's amount; with a coupon, before its discount. */
        amountFen: z.number().int().min(1).max(100_000_000),
        receiptNo: receiptNoInput(),
        /** One of the member's coupons usable at this store's till (see memberCoupons). */
        couponId: docId.optional(),
      }),
    /** What the till checks before sending a sale: HQ's per-receipt ceiling and the confirmation threshold. */
    saleRules: () => emptyInput,
    /** Void an offline sale of my store by its receipt number, within the refund window: points and commission go back. */
    voidSale: () => z.strictObject({ receiptNo: receiptNoInput(), reason: voidReason() }),
    /** My members' sales and my commission for a month (default: this month), with a 6-month trend. */
    performance: () => z.strictObject({ month: month().optional() }),
  }),
  campaignStaffInput,
  couponsStaffInput,
)

export const staffOutput = joinActions(
  lazyActions({
    bindInvite: () => staffProfile(),
    me: () => staffProfile(),
    myMembers: () =>
      z.object({ items: z.array(memberListItem()), nextOffset: z.number().int().nullable() }),
    memberDetail: () =>
      z.object({
        member: memberListItem().extend({
          phone: z.string().nullable(),
          storeId: z.string(),
          storeName: z.string(),
        }),
        attributionLog: z.array(
          z.object({
            reason: z.string(),
            fromClerkName: z.string().nullable(),
            toClerkName: z.string(),
            at: isoDate,
            note: z.string().nullable(),
          }),
        ),
        visits: z.array(z.object({ storeName: z.string(), at: isoDate })),
        pointsLedger: z.array(
          z.object({ kind: z.string(), points: z.number().int(), at: isoDate }),
        ),
      }),
    myCode: () => z.object({ scene: z.string(), pngBase64: z.string(), page: z.string() }),
    myStats: () =>
      z.object({
        memberCount: z.number().int(),
        newMembersToday: z.number().int(),
        newMembersThisWeek: z.number().int(),
        newMembersThisMonth: z.number().int(),
        /** 今日业绩: the clerk's members' sales booked today (Asia/Shanghai) and their commission. */
        today: z.object({
          orders: z.number().int(),
          salesFen: z.number().int(),
          commissionFen: z.number().int(),
        }),
      }),
    scanMember: () =>
      z.object({
        memberId: z.string(),
        memberNo: z.string(),
        phoneMasked: z.string().nullable(),
        tier,
        points: z.number().int(),
        storeName: z.string(),
        clerkName: z.string(),
        /** The coupon's name when a coupon code was scanned. */
        couponName: z.string().nullable(),
      }),
    pickupDetail: () => z.union([orderPickupView(), pickupView()]),
    verifyPickup: () => z.union([orderPickupView(), pickupView()]),
    recordSale: () =>
      z.object({
        saleId: z.string(),
        memberNo: z.string(),
        /** What the member paid (after the coupon): points and commission count this. */
        amountFen: z.number().int(),
        grossFen: z.number().int(),
        discountFen: z.number().int(),
        coupon: z
          .object({ couponId: z.string(), name: z.string(), giftName: z.string().nullable() })
          .nullable(),
        receiptNo: z.string(),
        storeId: z.string(),
        pointsEarned: z.number().int(),
        at: isoDate,
      }),
    saleRules: () =>
      z.object({
        /** One receipt may book at most this much (fen). */
        receiptLimitFen: z.number().int(),
        /** Above this amount (fen) the till asks the clerk to confirm. */
        confirmAboveFen: z.number().int(),
      }),
    voidSale: () => offlineSaleVoid(),
    performance: () =>
      salesFigures.extend({
        month: z.string(),
        trend: z.array(
          z.object({
            month: z.string(),
            salesFen: z.number().int(),
            commissionFen: z.number().int(),
          }),
        ),
      }),
  }),
  campaignStaffOutput,
  couponsStaffOutput,
)
