/**
 * The coupons contract: zod schemas of every coupon action (HQ's templates and issuance, the
 * member's centre and coupons, the checkout's quote, the till), shared by the functions and both
 * apps. The admin, member, shop and staff contracts join these in (joinActions).
 */
import { z } from 'zod'
import { lazyActions, onFirstUse } from '../platform/contract/lazy-actions'
import { docId, emptyInput, isoDate, tier } from '../platform/contract/common'
import { COUPON_ACTIONS, COUPON_STATES, type CouponAction, type CouponState } from './lifecycle'

const fen = (label: string) => z.number().describe(label).int().min(0).max(100_000_000)
const day = (label: string) =>
  z
    .string()
    .describe(label)
    .regex(/^\d{4}-\d{2}-\d{2}$/, `${label}应为 年-月-日，例如 2026-12-31`)

export const couponKind = onFirstUse(() =>
  z.enum(['amountOff', 'discount', 'gift']).describe('优惠券类型'),
)
export const couponChannel = onFirstUse(() => z.enum(['online', 'offline']))
export const couponState = onFirstUse(() =>
  z.enum(COUPON_STATES as [CouponState, ...CouponState[]]),
)
export const couponActions = onFirstUse(() =>
  z.array(z.enum(COUPON_ACTIONS as [CouponAction, ...CouponAction[]])),
)

const templateFields = onFirstUse(() => ({
  name: z.string().describe('券名称').trim().min(1).max(20),
  description: z.string().describe('使用说明').trim().max(200).optional(),
  kind: couponKind(),
  valueFen: fen('减免金额').min(1).optional(),
  rateBp: z.number().describe('折扣').int().min(100).max(9_900).optional(),
  maxOffFen: fen('最多减免').min(1).optional(),
  minSpendFen: fen('使用门槛').optional(),
  giftName: z.string().describe('礼品名称').trim().min(1).max(20).optional(),
  channels: z.array(couponChannel()).describe('使用渠道').min(1).max(2),
  storeIds: z.array(docId).describe('适用门店').min(1).max(200).optional(),
  productIds: z.array(docId).describe('适用商品').min(1).max(200).optional(),
  tiers: z.array(tier).describe('会员等级').min(1).max(3).optional(),
  validDays: z.number().describe('有效天数').int().min(1).max(3_650).optional(),
  validFrom: day('开始日期').optional(),
  validUntil: day('结束日期').optional(),
  totalQuantity: z.number().describe('发放总量').int().min(1).max(10_000_000).optional(),
  perMemberLimit: z.number().describe('每人限领').int().min(1).max(100),
  publishToCentre: z.boolean().describe('发布到领券中心').optional(),
  onBind: z.boolean().describe('开卡赠送').optional(),
}))

/** HQ creates a template; the kind decides which amounts it needs (each refusal names its field). */
export const createCouponTemplateInput = onFirstUse(() =>
  z.strictObject(templateFields()).superRefine((t, ctx) => {
    const need = (field: keyof typeof t, message: string) =>
      ctx.addIssue({ code: 'custom', path: [field], message })
    if (t.kind === 'amountOff' && t.valueFen === undefined) need('valueFen', '满减券请填写减免金额')
    if (t.kind === 'discount' && t.rateBp === undefined) need('rateBp', '折扣券请填写折扣')
    if (t.kind === 'gift' && !t.giftName) need('giftName', '礼品券请填写礼品名称')
    if (t.kind === 'gift' && t.channels.includes('online'))
      need('channels', '礼品券在门店领取，只能选择门店使用')
    if (t.kind !== 'amountOff' && t.valueFen !== undefined)
      need('valueFen', '只有满减券填写减免金额')
    if (t.kind !== 'discount' && (t.rateBp !== undefined || t.maxOffFen !== undefined))
      need(t.rateBp !== undefined ? 'rateBp' : 'maxOffFen', '只有折扣券填写折扣和最多减免')
    if (
      t.kind === 'amountOff' &&
      t.valueFen !== undefined &&
      t.minSpendFen !== undefined &&
      t.minSpendFen > 0 &&
      t.valueFen >= t.minSpendFen
    )
      need('valueFen', '减免金额应小于使用门槛')
    if (new Set(t.channels).size !== t.channels.length) need('channels', '使用渠道不能重复')
    const fixed = t.validFrom !== undefined || t.validUntil !== undefined
    if (fixed && t.validDays !== undefined)
      need('validDays', '有效期请选择固定日期或领取后天数之一')
    else if (!fixed && t.validDays === undefined) need('validDays', '请填写有效期')
    else if (fixed && (t.validFrom === undefined || t.validUntil === undefined))
      need(t.validFrom === undefined ? 'validFrom' : 'validUntil', '固定有效期需要开始和结束日期')
    else if (fixed && t.validFrom! > t.validUntil!) need('validUntil', '结束日期不能早于开始日期')
    if (t.totalQuantity !== undefined && t.perMemberLimit > t.totalQuantity)
      need('perMemberLimit', '每人限领不能超过发放总量')
  }),
)
export type CreateCouponTemplateInput = z.infer<ReturnType<typeof createCouponTemplateInput>>

/**
 * HQ changes what does not alter issued coupons: name and text, pause or resume, publishing to
 * the centre, the welcome flag, and the quantities (never below what was issued). The terms
 * themselves (amounts, stores, validity) are fixed: a different offer is a new template.
 */
export const updateCouponTemplateInput = onFirstUse(() =>
  z.strictObject({
    templateId: docId,
    name: templateFields().name.optional(),
    description: templateFields().description,
    status: z.enum(['active', 'paused']).describe('状态').optional(),
    inCentre: z.boolean().describe('发布到领券中心').optional(),
    onBind: templateFields().onBind,
    totalQuantity: templateFields().totalQuantity.nullable(),
    perMemberLimit: templateFields().perMemberLimit.optional(),
  }),
)

export const couponTemplateView = onFirstUse(() =>
  z.object({
    templateId: z.string(),
    name: z.string(),
    description: z.string(),
    kind: couponKind(),
    summary: z.string(),
    valueFen: z.number().int().nullable(),
    rateBp: z.number().int().nullable(),
    maxOffFen: z.number().int().nullable(),
    minSpendFen: z.number().int(),
    giftName: z.string().nullable(),
    channels: z.array(couponChannel()),
    storeIds: z.array(z.string()).nullable(),
    productIds: z.array(z.string()).nullable(),
    tiers: z.array(tier).nullable(),
    validity: z.union([
      z.object({ kind: z.literal('fixed'), validFrom: z.string(), validUntil: z.string() }),
      z.object({ kind: z.literal('relative'), validDays: z.number().int() }),
    ]),
    validityText: z.string(),
    totalQuantity: z.number().int().nullable(),
    perMemberLimit: z.number().int(),
    issued: z.number().int(),
    status: z.enum(['active', 'paused']),
    statusLabel: z.string(),
    inCentre: z.boolean(),
    onBind: z.boolean(),
    createdAt: isoDate,
  }),
)

export const couponTemplateStats = onFirstUse(() =>
  z.object({
    templateId: z.string(),
    name: z.string(),
    issued: z.number().int(),
    available: z.number().int(),
    locked: z.number().int(),
    used: z.number().int(),
    expired: z.number().int(),
    /** Taken off orders and sales by its used coupons. */
    discountFen: z.number().int(),
    /** Paid in the orders and sales that used it (after the discount). */
    salesFen: z.number().int(),
    /** The rule HQ reads next to the figures. */
    refundRule: z.string(),
  }),
)

/** One member's coupon, as the member, a clerk or HQ sees it. */
export const couponView = onFirstUse(() =>
  z.object({
    couponId: z.string(),
    templateId: z.string(),
    name: z.string(),
    kind: couponKind(),
    summary: z.string(),
    giftName: z.string().nullable(),
    status: z.enum(['available', 'locked', 'used']),
    state: couponState(),
    statusLabel: z.string(),
    actions: couponActions(),
    channels: z.array(couponChannel()),
    startsAt: isoDate,
    expiresAt: isoDate,
    /** `有效期至 12月31日`. */
    validText: z.string(),
    /** The rules, one per line (amounts, dates, channels, stores, products). */
    rules: z.array(z.string()),
    source: z.string(),
    issuedAt: isoDate,
    used: z
      .object({
        kind: z.enum(['order', 'sale']),
        id: z.string(),
        discountFen: z.number().int(),
        at: isoDate,
      })
      .nullable(),
  }),
)

/** A coupon as a purchase sees it: usable (with what it takes off) or greyed with the reason. */
export const couponOption = onFirstUse(() =>
  z.object({
    couponId: z.string(),
    name: z.string(),
    summary: z.string(),
    kind: couponKind(),
    giftName: z.string().nullable(),
    expiresAt: isoDate,
    validText: z.string(),
    usable: z.boolean(),
    /** Null when usable; otherwise the reason, e.g. 未满 ¥100, 不适用于该门店, 已过期. */
    reason: z.string().nullable(),
    discountFen: z.number().int(),
  }),
)

export const centreItem = onFirstUse(() =>
  z.object({
    templateId: z.string(),
    name: z.string(),
    description: z.string(),
    kind: couponKind(),
    summary: z.string(),
    validityText: z.string(),
    channelsText: z.string(),
    /** Left to claim (null: no total). */
    remaining: z.number().int().nullable(),
    /** How many of it the member holds already, and may hold. */
    claimed: z.number().int(),
    perMemberLimit: z.number().int(),
    canClaim: z.boolean(),
    /** Why it cannot be claimed (已领完, 每人限领 1 张，已领完 …), or null. */
    reason: z.string().nullable(),
  }),
)

const memberNo = onFirstUse(() => z.string().regex(/^\d{9}$/, '会员号为 9 位数字'))

export const couponsAdminInput = lazyActions({
  createCouponTemplate: () => createCouponTemplateInput(),
  updateCouponTemplate: () => updateCouponTemplateInput(),
  listCouponTemplates: () =>
    z.strictObject({
      status: z.enum(['active', 'paused']).describe('状态').optional(),
    }),
  couponTemplateStats: () => z.strictObject({ templateId: docId }),
  /** Issue one coupon to each listed member (up to 200; larger lists as an import job). */
  issueCoupons: () =>
    z.strictObject({
      templateId: docId,
      memberNos: z.array(memberNo()).describe('会员号').min(1).max(200),
    }),
  /** A member's coupons for the member detail page. */
  memberCoupons: () => z.strictObject({ memberId: docId }),
  /** What a store's clerks may hand to their own members of a template (0 stops it). */
  setCouponBudget: () =>
    z.strictObject({
      storeId: docId,
      templateId: docId,
      budget: z.number().describe('门店额度').int().min(0).max(1_000_000),
    }),
  couponBudgets: () => z.strictObject({ storeId: docId.optional(), templateId: docId.optional() }),
})

export const couponBudgetView = onFirstUse(() =>
  z.object({
    storeId: z.string(),
    storeName: z.string(),
    templateId: z.string(),
    templateName: z.string(),
    budget: z.number().int(),
    given: z.number().int(),
    left: z.number().int(),
    updatedAt: isoDate,
  }),
)

export const couponsAdminOutput = lazyActions({
  createCouponTemplate: () => z.object({ templateId: z.string() }),
  updateCouponTemplate: () => couponTemplateView(),
  listCouponTemplates: () => z.object({ items: z.array(couponTemplateView()) }),
  couponTemplateStats: () => couponTemplateStats(),
  issueCoupons: () =>
    z.object({
      issued: z.number().int(),
      refused: z.array(z.object({ memberNo: z.string(), reason: z.string() })),
    }),
  memberCoupons: () => z.object({ items: z.array(couponView()) }),
  setCouponBudget: () => couponBudgetView(),
  couponBudgets: () => z.object({ items: z.array(couponBudgetView()) }),
})

export const couponsMemberInput = lazyActions({
  /** Published templates the member may claim, with what is left and what they hold. */
  couponCentre: () => emptyInput,
  claimCoupon: () => z.strictObject({ templateId: docId }),
  /** The member's coupons: available (and in use), used or expired. */
  myCoupons: () =>
    z.strictObject({
      status: z.enum(['available', 'used', 'expired']).describe('状态').optional(),
    }),
  /** One coupon with its rules and the code a clerk scans. */
  coupon: () => z.strictObject({ couponId: docId }),
})

export const couponsMemberOutput = lazyActions({
  couponCentre: () => z.object({ items: z.array(centreItem()) }),
  claimCoupon: () => couponView(),
  myCoupons: () => z.object({ items: z.array(couponView()) }),
  coupon: () =>
    couponView().extend({
      /** The coupon code (券码) a clerk scans, while the coupon can be used at a till; else null. */
      tillCode: z
        .object({ code: z.string(), expiresAt: isoDate, refreshAfterMs: z.number().int() })
        .nullable(),
    }),
})

export const memberCodeInput = onFirstUse(() =>
  z.string().regex(/^\d{20}$/, '会员码应为 20 位数字'),
)

/** What a till scans: a member code (20 digits) or a coupon code (22 digits, rules/coupon-code.ts). */
export const tillCodeInput = onFirstUse(() =>
  z.string().regex(/^(?:\d{20}|\d{22})$/, '请扫描会员码（20 位数字）或券码（22 位数字）'),
)

export const couponsStaffInput = lazyActions({
  /** The scanned member's coupons at the clerk's store: usable at the till, or why not. */
  memberCoupons: () =>
    z.strictObject({
      /** A member code, or a coupon code: then that coupon is `scannedCouponId`. */
      memberCode: tillCodeInput(),
      amountFen: z.number().describe('金额').int().min(1).max(100_000_000).optional(),
    }),
  /** The store's budgets a clerk may give from (what is left of each). */
  couponBudgets: () => emptyInput,
  /**
   * A clerk gives one coupon of a budgeted template to one of their own members (by the scanned
   * member code or from their member list); `requestId` makes a retried tap give once.
   */
  giveCoupon: () =>
    z
      .strictObject({
        memberCode: memberCodeInput().optional(),
        memberId: docId.optional(),
        templateId: docId,
        requestId: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, '请求编号格式不对'),
      })
      .superRefine((v, issues) => {
        if (!v.memberCode === !v.memberId)
          issues.addIssue({
            code: 'custom',
            path: ['memberCode'],
            message: '请扫描会员码或选择会员',
          })
      }),
})

export const couponsStaffOutput = lazyActions({
  memberCoupons: () =>
    z.object({
      memberNo: z.string(),
      items: z.array(couponOption()),
      /** The coupon a scanned coupon code names (preselected for the sale); null for a member code. */
      scanned: couponOption().nullable(),
    }),
  couponBudgets: () => z.object({ items: z.array(couponBudgetView()) }),
  giveCoupon: () =>
    z.object({ memberNo: z.string(), coupon: couponView(), left: z.number().int() }),
})

const cartItems = onFirstUse(() =>
  z
    .array(
      z.strictObject({ productId: docId, qty: z.number().describe('数量').int().min(1).max(99) }),
    )
    .max(20),
)

export const orderQuoteInput = onFirstUse(() =>
  z.strictObject({
    items: cartItems().min(1),
    fulfilment: z.enum(['pickup', 'delivery']),
    storeId: docId.optional(),
    /** The coupon to apply; absent: the best one; null: none. */
    couponId: docId.nullable().optional(),
  }),
)

export const orderQuote = onFirstUse(() =>
  z.object({
    lines: z.array(
      z.object({
        productId: z.string(),
        name: z.string(),
        priceFen: z.number().int(),
        qty: z.number().int(),
        discountFen: z.number().int(),
      }),
    ),
    subtotalFen: z.number().int(),
    discountFen: z.number().int(),
    payableFen: z.number().int(),
    /** The coupon applied (the best usable one unless another was chosen), or null. */
    couponId: z.string().nullable(),
    coupons: z.array(couponOption()),
  }),
)
