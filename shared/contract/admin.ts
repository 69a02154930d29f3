import { z } from 'zod'
import { docId, emptyInput, isoDate, salesFigures, tier } from './common'
import { campaignAdminInput, campaignAdminOutput } from './campaign'
import { pointsAdminInput, pointsAdminOutput } from './points-admin'

const storeCode = z.string().regex(/^[A-Za-z0-9]{1,12}$/, '门店编码为 1-12 位字母或数字')

const statsDayInput = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, '日期格式应为 YYYY-MM-DD')

/** One day's (or a range's) dashboard figures; money in fen, sales gross with refunds apart. */
const dailyFigures = z.object({
  newMembers: z.number().int(),
  onlineOrders: z.number().int(),
  onlineSalesFen: z.number().int(),
  offlineSales: z.number().int(),
  offlineSalesFen: z.number().int(),
  refundsFen: z.number().int(),
  pointsIssued: z.number().int(),
  pointsRedeemed: z.number().int(),
  commissionAccruedFen: z.number().int(),
  commissionReversedFen: z.number().int(),
})

const settlementMonth = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, '月份格式应为 YYYY-MM')
const commissionRulesView = z.object({ rateBp: z.number().int(), refundWindowDays: z.number().int() })

export const adminRole = z.enum(['hq-admin', 'analyst'])

export const storeView = z.object({
  storeId: z.string(),
  code: z.string(),
  name: z.string(),
  address: z.string(),
  status: z.enum(['active', 'closed']),
  clerkCount: z.number().int(),
  memberCount: z.number().int(),
  createdAt: isoDate,
})

export const clerkView = z.object({
  clerkId: z.string(),
  code: z.string(),
  name: z.string(),
  storeId: z.string(),
  isManager: z.boolean(),
  status: z.enum(['active', 'disabled']),
  memberCount: z.number().int(),
  bound: z.boolean(),
  createdAt: isoDate,
})

const pageInput = {
  page: z.number().int().min(1).max(10_000).default(1),
  pageSize: z.number().int().min(1).max(100).default(20),
}

const paged = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), total: z.number().int(), page: z.number().int(), pageSize: z.number().int() })

export const adminMemberRow = z.object({
  memberId: z.string(),
  memberNo: z.string(),
  phone: z.string().nullable(),
  phoneMasked: z.string().nullable(),
  tier,
  points: z.number().int(),
  storeId: z.string(),
  storeName: z.string(),
  clerkId: z.string(),
  clerkName: z.string(),
  joinedAt: isoDate,
  lastPurchaseAt: isoDate.nullable(),
  status: z.enum(['active', 'deleted']),
})

export const adminInput = {
  login: z.strictObject({ username: z.string().min(1).max(64), password: z.string().min(1).max(200) }),
  logout: emptyInput,
  createStore: z.strictObject({
    code: storeCode,
    name: z.string().trim().min(1).max(40),
    address: z.string().trim().min(1).max(120),
    lat: z.number().min(-90).max(90).optional(),
    lng: z.number().min(-180).max(180).optional(),
  }),
  listStores: emptyInput,
  listClerks: z.strictObject({ storeId: docId.optional() }),
  createStaffInvite: z.strictObject({
    storeId: docId,
    name: z.string().trim().min(1).max(20),
    isManager: z.boolean().default(false),
    validHours: z.number().int().min(1).max(168).default(72),
  }),
  disableClerk: z.strictObject({ clerkId: docId, reason: z.string().trim().min(1).max(200) }),
  /** Move all of a clerk's members (or the chosen ones) to another clerk; at most 200 per call. */
  transferMembers: z.strictObject({
    fromClerkId: docId,
    toClerkId: docId,
    memberIds: z.array(docId).min(1).max(200).optional(),
    reason: z.string().trim().min(1).max(200),
  }),
  codeImage: z.strictObject({ kind: z.enum(['store', 'clerk']), id: docId }),
  setAttributionPolicy: z.strictObject({ protectionDays: z.number().int().min(1).max(3650).nullable() }),
  getAttributionPolicy: emptyInput,
  me: emptyInput,
  listMembers: z.strictObject({
    ...pageInput,
    search: z.string().trim().max(20).optional(),
    storeId: docId.optional(),
    clerkId: docId.optional(),
    tier: tier.optional(),
    sortBy: z.enum(['joinedAt', 'points', 'lastPurchaseAt']).default('joinedAt'),
    sortOrder: z.enum(['asc', 'desc']).default('desc'),
  }),
  memberProfile: z.strictObject({ memberId: docId }),
  listChatTemplates: emptyInput,
  /** HQ reads a member's conversation with their clerk (audited: it is personal data). */
  memberConversation: z.strictObject({ memberId: docId, beforeSeq: z.number().int().min(1).optional(), limit: z.number().int().min(1).max(100).default(50) }),
  saveChatTemplate: z.strictObject({
    templateId: docId.optional(),
    title: z.string().trim().min(1).max(30),
    text: z.string().trim().min(1).max(1000),
    active: z.boolean().default(true),
    sort: z.number().int().min(0).max(10_000).default(100),
  }),
  /** Figures per Asia/Shanghai day from the daily rollup; the range defaults to the 30 days ending today. */
  dashboard: z.strictObject({ storeId: docId.optional(), from: statsDayInput.optional(), to: statsDayInput.optional() }),
  /** Recomputes today's figures now (the 刷新 button); the timer does it every few minutes anyway. */
  refreshDashboard: emptyInput,
  /** Timer: the daily rollup the dashboard reads. */
  rollupDailyStats: emptyInput,
  listAudit: z.strictObject({ ...pageInput, action: z.string().max(40).optional(), username: z.string().max(64).optional() }),
  ...pointsAdminInput,
  /** Refund a paid order, fully (no amount) or partly; a retried request is the same refund. */
  refundOrder: z.strictObject({ orderId: docId, amountFen: z.number().int().min(1).max(100_000_000).optional(), reason: z.string().trim().min(1).max(80) }),
  commissionRules: emptyInput,
  setCommissionRules: z.strictObject({ rateBp: z.number().int().min(0).max(5_000), refundWindowDays: z.number().int().min(0).max(90) }),
  /** The month's commission settlement, one row per clerk or per (attributed) store. */
  settlement: z.strictObject({ month: settlementMonth, by: z.enum(['clerk', 'store']) }),
  /** The same as CSV for Excel (UTF-8 with BOM, amounts in yuan). */
  settlementCsv: z.strictObject({ month: settlementMonth, by: z.enum(['clerk', 'store']) }),
  ...campaignAdminInput,
} as const

export const adminOutput = {
  login: z.object({ token: z.string(), expiresAt: isoDate, role: adminRole, username: z.string() }),
  logout: z.object({ loggedOut: z.literal(true) }),
  createStore: storeView,
  listStores: z.object({ items: z.array(storeView) }),
  listClerks: z.object({ items: z.array(clerkView) }),
  createStaffInvite: z.object({ invite: z.string(), expiresAt: isoDate, pngBase64: z.string(), page: z.string() }),
  disableClerk: clerkView,
  transferMembers: z.object({ moved: z.number().int(), skipped: z.number().int(), remaining: z.number().int() }),
  codeImage: z.object({ scene: z.string(), pngBase64: z.string(), page: z.string() }),
  setAttributionPolicy: z.object({ protectionDays: z.number().int().nullable() }),
  getAttributionPolicy: z.object({ protectionDays: z.number().int().nullable() }),
  me: z.object({ username: z.string(), role: adminRole }),
  listMembers: paged(adminMemberRow),
  memberProfile: z.object({
    member: adminMemberRow.extend({ openedStoreName: z.string(), openedClerkName: z.string(), tags: z.array(z.string()) }),
    attributionLog: z.array(
      z.object({ reason: z.string(), fromClerkName: z.string().nullable(), toClerkName: z.string(), actor: z.string(), note: z.string().nullable(), at: isoDate }),
    ),
    visits: z.array(z.object({ storeName: z.string(), at: isoDate })),
    pointsLedger: z.array(z.object({ key: z.string(), kind: z.string(), points: z.number().int(), at: isoDate })),
  }),
  listChatTemplates: z.object({
    items: z.array(z.object({ templateId: z.string(), title: z.string(), text: z.string(), active: z.boolean(), sort: z.number().int(), updatedAt: isoDate })),
  }),
  saveChatTemplate: z.object({ templateId: z.string() }),
  memberConversation: z.object({
    clerkName: z.string(),
    lastSeq: z.number().int(),
    items: z.array(z.object({ seq: z.number().int(), sender: z.enum(['member', 'clerk']), senderName: z.string(), type: z.string(), text: z.string().nullable(), at: isoDate })),
  }),
  dashboard: z.object({
    from: z.string(),
    to: z.string(),
    totalMembers: z.number().int(),
    totals: dailyFigures,
    byDay: z.array(dailyFigures.extend({ day: z.string() })),
    /** When the last day of the range was computed; null before the rollup first covered it. */
    updatedAt: isoDate.nullable(),
  }),
  refreshDashboard: z.object({ updatedAt: isoDate }),
  rollupDailyStats: z.object({ days: z.number().int(), written: z.number().int(), done: z.boolean(), nextDay: z.string().nullable() }),
  listAudit: paged(
    z.object({ id: z.string(), at: isoDate, username: z.string().nullable(), action: z.string(), details: z.string(), outcome: z.string(), requestId: z.string() }),
  ),
  ...pointsAdminOutput,
  refundOrder: z.object({ orderId: z.string(), outRefundNo: z.string(), amountFen: z.number().int(), status: z.enum(['processing', 'succeeded', 'abnormal', 'closed', 'failed']) }),
  commissionRules: commissionRulesView,
  setCommissionRules: commissionRulesView,
  settlement: z.object({
    month: z.string(),
    by: z.enum(['clerk', 'store']),
    rows: z.array(
      salesFigures.extend({
        id: z.string(),
        name: z.string(),
        storeId: z.string(),
        storeName: z.string(),
        payableFen: z.number().int(),
      }),
    ),
  }),
  settlementCsv: z.object({ filename: z.string(), csv: z.string() }),
  ...campaignAdminOutput,
} as const
