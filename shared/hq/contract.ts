import { z } from 'zod'
import { joinActions, lazyActions, onFirstUse } from '../platform/contract/lazy-actions'
import { docId, emptyInput, isoDate, salesFigures, tier } from '../platform/contract/common'
import { HQ_ROLES } from './rules/roles'
import { campaignAdminInput, campaignAdminOutput } from '../campaigns/contract'
import { couponsAdminInput, couponsAdminOutput } from '../coupons/contract'
import { birthday } from '../membership/contract'
import { AGREEMENT_KINDS } from '../membership/rules/agreements'
import { pointsAdminInput, pointsAdminOutput } from '../points/admin-contract'
import { orderActions, orderState, orderStatus, orderView, shipOrderInput } from '../shop/contract'
import { offlineSaleVoid, voidReason } from '../staff/contract'
import { shopAdminInput, shopAdminOutput } from '../shop/admin-contract'

const storeCode = onFirstUse(() =>
  z.string().regex(/^[A-Za-z0-9]{1,12}$/, '门店编码为 1-12 位字母或数字'),
)

const statsDayInput = onFirstUse(() =>
  z.string().regex(/^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, '日期格式应为 YYYY-MM-DD'),
)

/** One day's (or a range's) dashboard figures; money in fen, sales gross with refunds apart. */
const dailyFigures = onFirstUse(() =>
  z.object({
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
  }),
)

const agreementView = onFirstUse(() =>
  z.object({
    kind: z.enum(AGREEMENT_KINDS),
    title: z.string(),
    body: z.string(),
    updatedAt: isoDate.nullable(),
  }),
)

const storeHours = onFirstUse(() => z.string().trim().min(1).max(40).describe('营业时间'))

const settlementMonth = onFirstUse(() =>
  z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, '月份格式应为 YYYY-MM'),
)
const shopRulesView = onFirstUse(() =>
  z.object({
    offlineReceiptLimitFen: z.number().int(),
    offlineClerkDailyLimitFen: z.number().int(),
    offlineConfirmAboveFen: z.number().int(),
    autoDeliverDays: z.number().int(),
  }),
)
const commissionRulesView = onFirstUse(() =>
  z.object({
    rateBp: z.number().int(),
    refundWindowDays: z.number().int(),
  }),
)

export const adminRole = onFirstUse(() => z.enum(HQ_ROLES))

const adminUsername = onFirstUse(() =>
  z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9_.-]{3,32}$/, '用户名为 3-32 位字母、数字、点、- 或 _')
    .describe('用户名'),
)
const accountPassword = onFirstUse(() =>
  z.string().min(8, '密码至少 8 位').max(200, '密码最多 200 位').describe('密码'),
)

/** A store manager names at least one store; any other role names none (create and update). */
function storesMatchRole(
  input: { role: string; storeIds?: string[] },
  issues: z.RefinementCtx,
): void {
  const stores = input.storeIds ?? []
  if (input.role === 'storeManager' && stores.length === 0)
    issues.addIssue({ code: 'custom', path: ['storeIds'], message: '门店店长至少选择一个门店' })
  if (input.role !== 'storeManager' && stores.length > 0)
    issues.addIssue({ code: 'custom', path: ['storeIds'], message: '只有门店店长需要选择门店' })
}

export const adminAccountView = onFirstUse(() =>
  z.object({
    adminId: z.string(),
    username: z.string(),
    displayName: z.string(),
    role: adminRole(),
    roleLabel: z.string(),
    status: z.enum(['active', 'disabled']),
    /** 正常, 已锁定 (too many wrong passwords, until `lockedUntil`) or 已停用. */
    statusLabel: z.string(),
    lockedUntil: isoDate.nullable(),
    /** What the viewer may do next (an admin; never to their own account). */
    actions: z.array(z.enum(['edit', 'disable', 'enable', 'resetPassword', 'unlock'])),
    /** A store manager's stores, with their names for the list. */
    stores: z.array(z.object({ storeId: z.string(), name: z.string(), code: z.string() })),
    self: z.boolean(),
    createdAt: isoDate,
    createdBy: z.string().nullable(),
    lastLoginAt: isoDate.nullable(),
  }),
)

export const storeView = onFirstUse(() =>
  z.object({
    storeId: z.string(),
    code: z.string(),
    name: z.string(),
    address: z.string(),
    /** For the shoppers' store picker (nearest first); null until HQ sets it. */
    location: z.object({ lat: z.number(), lng: z.number() }).nullable(),
    /** Opening hours shoppers see on pickup orders and gift redemptions; null until set. */
    hours: z.string().nullable(),
    status: z.enum(['active', 'closed']),
    statusLabel: z.string(),
    /** What the caller may do next (staff/lifecycle.ts): edit, close, reopen. */
    actions: z.array(z.enum(['edit', 'close', 'reopen'])),
    clerkCount: z.number().int(),
    memberCount: z.number().int(),
    createdAt: isoDate,
    closedAt: isoDate.nullable(),
    closedReason: z.string().nullable(),
  }),
)

export const clerkView = onFirstUse(() =>
  z.object({
    clerkId: z.string(),
    code: z.string(),
    name: z.string(),
    storeId: z.string(),
    isManager: z.boolean(),
    status: z.enum(['active', 'disabled']),
    statusLabel: z.string(),
    /** What the caller may do next (staff/lifecycle.ts): disable, enable, move. */
    actions: z.array(z.enum(['disable', 'enable', 'move'])),
    memberCount: z.number().int(),
    bound: z.boolean(),
    createdAt: isoDate,
    disabledReason: z.string().nullable(),
  }),
)

export const inviteStatus = onFirstUse(() => z.enum(['pending', 'used', 'expired', 'revoked']))

export const inviteView = onFirstUse(() =>
  z.object({
    inviteId: z.string(),
    /** The signed scene the invite's code carries. */
    invite: z.string(),
    status: inviteStatus(),
    statusLabel: z.string(),
    actions: z.array(z.enum(['download', 'revoke'])),
    name: z.string(),
    isManager: z.boolean(),
    storeId: z.string(),
    storeName: z.string(),
    storeCode: z.string(),
    expiresAt: isoDate,
    createdAt: isoDate,
    createdBy: z.string(),
    usedAt: isoDate.nullable(),
    /** The clerk the invite made (used invites). */
    clerkId: z.string().nullable(),
    revokedAt: isoDate.nullable(),
    revokedBy: z.string().nullable(),
  }),
)

const reasonText = (label: string) =>
  z.string().trim().min(1, `请填写${label}`).max(200, `${label}不能超过 200 个字`).describe(label)

const pageInput = onFirstUse(() => ({
  page: z.number().int().min(1).max(10_000).default(1),
  pageSize: z.number().int().min(1).max(100).default(20),
}))

const paged = <T extends z.ZodType>(item: T) =>
  z.object({
    items: z.array(item),
    total: z.number().int(),
    page: z.number().int(),
    pageSize: z.number().int(),
  })

export const adminMemberRow = onFirstUse(() =>
  z.object({
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
  }),
)

const shanghaiDayInput = onFirstUse(() =>
  z.string().regex(/^\d{4}-\d{2}-\d{2}$/, '日期格式应为 YYYY-MM-DD'),
)

export const adminOrderRow = onFirstUse(() =>
  z.object({
    /** For links only; people read `orderNo`. */
    orderId: z.string(),
    orderNo: z.string().nullable(),
    createdAt: isoDate,
    status: orderStatus(),
    state: orderState(),
    statusLabel: z.string(),
    /** HQ's next actions (ship, markDelivered, refund); none for an analyst. */
    actions: orderActions(),
    fulfilment: z.enum(['pickup', 'delivery']),
    storeId: z.string().nullable(),
    storeName: z.string().nullable(),
    memberId: z.string().nullable(),
    memberNo: z.string().nullable(),
    totalFen: z.number().int(),
    refundedFen: z.number().int(),
    paidAt: isoDate.nullable(),
  }),
)

const jobKind = onFirstUse(() =>
  z.enum([
    'importStores',
    'importClerks',
    'importStock',
    'exportSettlement',
    'exportOrders',
    'exportMembers',
    'exportOfflineSales',
    'transferMembers',
    'exportPosters',
    'issueCouponsCsv',
  ]),
)
const rowError = onFirstUse(() =>
  z.object({ line: z.number().int(), field: z.string(), reason: z.string() }),
)
export const jobView = onFirstUse(() =>
  z.object({
    jobId: z.string(),
    kind: jobKind(),
    title: z.string(),
    status: z.enum(['running', 'succeeded', 'failed']),
    /** The one label of its status (hq/lifecycle.ts); a failed import says how many rows were wrong. */
    statusLabel: z.string(),
    /** step (advance a batch: HQ admins while it runs), download (its file, when there is one). */
    actions: z.array(z.enum(['step', 'download'])),
    total: z.number().int(),
    done: z.number().int(),
    created: z.number().int(),
    skipped: z.number().int(),
    /** The first row errors of a failed import (all of them are in `job`). */
    errors: z.array(rowError()),
    errorCount: z.number().int(),
    hasOutput: z.boolean(),
    /** Set once the job's file was deleted after the retention days: the list says so, no link. */
    fileExpiredLabel: z.string().nullable(),
    createdBy: z.string(),
    createdAt: isoDate,
    finishedAt: isoDate.nullable(),
  }),
)

export const adminInput = joinActions(
  lazyActions({
    login: () =>
      z.strictObject({
        username: z.string().min(1).max(64),
        password: z.string().min(1).max(200),
      }),
    logout: () => emptyInput,
    /** The signed-in account's own password; every session of the account ends, the caller's too. */
    changeMyPassword: () =>
      z.strictObject({
        oldPassword: z.string().min(1).max(200).describe('原密码'),
        newPassword: z.string().min(8).max(200).describe('新密码'),
      }),
    /** HQ accounts (admins only): who can sign in to the console, with which role. */
    listAdminAccounts: () => emptyInput,
    /** A new console account; a store manager names the stores it sees. */
    createAdminAccount: () =>
      z
        .strictObject({
          username: adminUsername(),
          displayName: z.string().trim().min(1).max(20).describe('姓名'),
          role: adminRole().describe('角色'),
          password: accountPassword(),
          storeIds: z.array(docId).max(500).describe('所管门店').optional(),
        })
        .superRefine(storesMatchRole),
    /**
     * Another account's role, stores or name (admins only). A change of role or stores ends every
     * session of that account; nobody changes their own role (an admin may rename themselves).
     */
    updateAdminAccount: () =>
      z
        .strictObject({
          username: adminUsername(),
          role: adminRole().describe('角色'),
          storeIds: z.array(docId).max(500).describe('所管门店').optional(),
          displayName: z.string().trim().min(1).max(20).describe('姓名').optional(),
        })
        .superRefine(storesMatchRole),
    /** Disable (every session ends at once) or enable an account. */
    setAdminAccountStatus: () =>
      z.strictObject({
        adminId: docId,
        status: z.enum(['active', 'disabled']).describe('状态'),
      }),
    /** Sets another account's password (and unlocks it); every session of that account ends. */
    resetAdminPassword: () =>
      z.strictObject({
        adminId: docId,
        newPassword: accountPassword().describe('新密码'),
      }),
    /** Lifts a lock left by too many wrong passwords. */
    unlockAdminAccount: () => z.strictObject({ adminId: docId }),
    createStore: () =>
      z.strictObject({
        code: storeCode(),
        name: z.string().trim().min(1).max(40).describe('门店名称'),
        address: z.string().trim().min(1).max(120).describe('门店地址'),
        lat: z.number().min(-90).max(90).describe('纬度').optional(),
        lng: z.number().min(-180).max(180).describe('经度').optional(),
        hours: storeHours().optional(),
      }),
    /** Every store (a chain has hundreds, not thousands), or those whose name or code matches. */
    listStores: () =>
      z.strictObject({
        search: z.string().trim().max(40, '搜索内容不能超过 40 个字').optional(),
        status: z.enum(['active', 'closed']).optional(),
      }),
    /** The member agreement and the privacy policy as shoppers read them (defaults until saved). */
    agreements: () => emptyInput,
    setAgreement: () =>
      z.strictObject({
        kind: z.enum(AGREEMENT_KINDS),
        title: z.string().trim().min(1).max(40).describe('标题'),
        body: z.string().trim().min(20).max(20_000).describe('正文'),
      }),
    /** Opening hours as shoppers read them, e.g. "10:00–22:00" or "周一至周五 9:00–21:00". */
    setStoreHours: () => z.strictObject({ storeId: docId, hours: storeHours() }),
    /** Name and address (and location); the code is printed in every code of the store and never changes. */
    updateStore: () =>
      z.strictObject({
        storeId: docId,
        name: z
          .string()
          .trim()
          .min(1, '请填写门店名称')
          .max(40, '门店名称不能超过 40 个字')
          .describe('门店名称'),
        address: z
          .string()
          .trim()
          .min(1, '请填写门店地址')
          .max(120, '门店地址不能超过 120 个字')
          .describe('门店地址'),
        lat: z
          .number()
          .min(-90, '纬度在 -90 到 90 之间')
          .max(90, '纬度在 -90 到 90 之间')
          .optional(),
        lng: z
          .number()
          .min(-180, '经度在 -180 到 180 之间')
          .max(180, '经度在 -180 到 180 之间')
          .optional(),
      }),
    /** What stands in the way of closing a store (clerks, open pickup orders and gift pickups). */
    storeClosingCheck: () => z.strictObject({ storeId: docId }),
    /** Closes a store with nothing left there; refused (naming what is left) otherwise. */
    closeStore: () => z.strictObject({ storeId: docId, reason: reasonText('停业原因') }),
    reopenStore: () => z.strictObject({ storeId: docId }),
    /** A disabled clerk back at work (their code binds again); their store must be open. */
    enableClerk: () => z.strictObject({ clerkId: docId }),
    /**
     * A clerk to another store. `follow`: their members move with them (store and conversations);
     * `stay`: their members stay with the old store and go to `toClerkId` there. Either way the
     * members move as a job (the transfer flow), each exactly once.
     */
    moveClerk: () =>
      z.strictObject({
        clerkId: docId,
        toStoreId: docId,
        members: z.enum(['follow', 'stay']),
        toClerkId: docId.optional(),
        reason: reasonText('调店原因'),
      }),
    /** Staff invites by status, newest first. */
    listInvites: () =>
      z.strictObject({
        ...pageInput(),
        status: inviteStatus().optional(),
        storeId: docId.optional(),
      }),
    /** Withdraws a pending invite: its code never binds afterwards. */
    revokeInvite: () => z.strictObject({ inviteId: docId }),
    /** A pending invite's code again (the dialog that showed it was closed). */
    inviteCode: () => z.strictObject({ inviteId: docId }),
    /** A printable poster (PNG): the brand, the store's or clerk's (or invited clerk's) name, the code. */
    poster: () => z.strictObject({ kind: z.enum(['store', 'clerk', 'invite']), id: docId }),
    /** The posters of a store and every active clerk of it, as a ZIP made by a job. */
    createPosterJob: () => z.strictObject({ storeId: docId }),
    /** The brand at the top of every poster. */
    posterBrand: () => emptyInput,
    setPosterBrand: () =>
      z.strictObject({
        brand: z.string().trim().min(1, '请填写品牌名称').max(20, '品牌名称不能超过 20 个字'),
      }),
    /** Where the store is (GCJ-02, as Chinese maps give it), so shoppers see it by distance. */
    setStoreLocation: () =>
      z.strictObject({
        storeId: docId,
        lat: z.number().min(-90).max(90).describe('纬度'),
        lng: z.number().min(-180).max(180).describe('经度'),
      }),
    listClerks: () => z.strictObject({ storeId: docId.optional() }),
    createStaffInvite: () =>
      z.strictObject({
        storeId: docId,
        name: z.string().trim().min(1).max(20),
        isManager: z.boolean().default(false),
        validHours: z.number().int().min(1).max(168).default(72),
      }),
    disableClerk: () =>
      z.strictObject({ clerkId: docId, reason: z.string().trim().min(1).max(200) }),
    /** Move all of a clerk's members (or the chosen ones) to another clerk; at most 200 per call. */
    transferMembers: () =>
      z.strictObject({
        fromClerkId: docId,
        toClerkId: docId,
        memberIds: z.array(docId).min(1).max(200).optional(),
        reason: z.string().trim().min(1).max(200),
      }),
    codeImage: () => z.strictObject({ kind: z.enum(['store', 'clerk']), id: docId }),
    setAttributionPolicy: () =>
      z.strictObject({
        protectionDays: z.number().int().min(1).max(3650).nullable(),
      }),
    getAttributionPolicy: () => emptyInput,
    me: () => emptyInput,
    listMembers: () =>
      z.strictObject({
        ...pageInput(),
        search: z.string().trim().max(20).optional(),
        storeId: docId.optional(),
        clerkId: docId.optional(),
        tier: tier.optional(),
        sortBy: z.enum(['joinedAt', 'points', 'lastPurchaseAt']).default('joinedAt'),
        sortOrder: z.enum(['asc', 'desc']).default('desc'),
      }),
    memberProfile: () => z.strictObject({ memberId: docId }),
    /** HQ corrects a birthday the member set wrong (members set theirs once). */
    setMemberBirthday: () =>
      z.strictObject({
        memberId: docId,
        birthday: birthday(),
        reason: z.string().trim().min(1).max(80),
      }),
    listChatTemplates: () => emptyInput,
    /** HQ reads a member's conversation with their clerk (audited: it is personal data). */
    memberConversation: () =>
      z.strictObject({
        memberId: docId,
        beforeSeq: z.number().int().min(1).optional(),
        limit: z.number().int().min(1).max(100).default(50),
      }),
    saveChatTemplate: () =>
      z.strictObject({
        templateId: docId.optional(),
        title: z.string().trim().min(1).max(30),
        text: z.string().trim().min(1).max(1000),
        active: z.boolean().default(true),
        sort: z.number().int().min(0).max(10_000).default(100),
      }),
    /** Figures per Asia/Shanghai day from the daily rollup; the range defaults to the 30 days ending today. */
    dashboard: () =>
      z.strictObject({
        storeId: docId.optional(),
        from: statsDayInput().optional(),
        to: statsDayInput().optional(),
      }),
    /** Recomputes today's figures now (the 刷新 button); the timer does it every few minutes anyway. */
    refreshDashboard: () => emptyInput,
    /** `auditAction`, not `action`: a request's `action` names the admin action being called. */
    listAudit: () =>
      z.strictObject({
        ...pageInput(),
        auditAction: z.string().max(40).optional(),
        username: z.string().max(64).optional(),
        /** Changes apart from reads of personal data and sign-ins. */
        kind: z.enum(['write', 'read', 'signIn']).optional(),
        /** Asia/Shanghai days, both included. */
        from: shanghaiDayInput().describe('开始日期').optional(),
        to: shanghaiDayInput().describe('结束日期').optional(),
        /** An action's name (退款) or an account's user name. */
        search: z.string().trim().max(40).describe('搜索内容').optional(),
      }),
  }),
  pointsAdminInput,
  lazyActions({
    /** Refund a paid order, fully (no amount) or partly; a retried request is the same refund. */
    refundOrder: () =>
      z.strictObject({
        orderId: docId,
        amountFen: z.number().int().min(1).max(100_000_000).optional(),
        reason: z.string().trim().min(1).max(80),
      }),
    /** Hand a paid delivery order to the carrier; the same carrier and tracking number again is the same shipment. */
    shipOrder: () => shipOrderInput(),
    /** Mark a shipped delivery order delivered (the member can also confirm receipt); its commission's refund window starts. */
    markOrderDelivered: () => z.strictObject({ orderId: docId }),
    /** Void a store's offline sale by its receipt number, within the refund window: points and commission go back. */
    voidOfflineSale: () =>
      z.strictObject({
        storeId: docId,
        receiptNo: z
          .string()
          .trim()
          .regex(/^[A-Za-z0-9_-]{1,40}$/, '小票号为 1-40 位字母、数字、- 或 _'),
        reason: voidReason(),
      }),
    /** Offline-sale ceilings and auto-delivery days. */
    shopRules: () => emptyInput,
    setShopRules: () =>
      z.strictObject({
        offlineReceiptLimitFen: z.number().int().min(100).max(100_000_000),
        offlineClerkDailyLimitFen: z.number().int().min(100).max(1_000_000_000),
        /** The till asks the clerk to confirm a sale above this amount; kept as it was when absent. */
        offlineConfirmAboveFen: z
          .number()
          .int()
          .min(100)
          .max(100_000_000)
          .describe('需店员确认的金额')
          .optional(),
        autoDeliverDays: z.number().int().min(1).max(60),
      }),
    /** Offline sales the till refused (ceilings, a clerk's own card), newest first, for review. */
    refusedSales: () => z.strictObject({ limit: z.number().int().min(1).max(200).optional() }),
    commissionRules: () => emptyInput,
    /**
     * The commission rate (basis points: 300 = 3%) and the refund window (days after pickup,
     * delivery or an offline sale). New sales book at the new rate; booked entries keep theirs.
     * The console shows the rate in percent, so the messages speak percent.
     */
    setCommissionRules: () =>
      z.strictObject({
        rateBp: z
          .number('请填写提成比例')
          .int('提成比例最多保留两位小数')
          .min(0, '提成比例不能为负数')
          .max(5_000, '提成比例不能超过 50%')
          .describe('提成比例'),
        refundWindowDays: z
          .number('请填写退款期')
          .int('退款期须为整数天')
          .min(0, '退款期不能为负数')
          .max(90, '退款期最多 90 天')
          .describe('退款期'),
      }),
    /** The month's commission settlement, one row per clerk or per (attributed) store. */
    settlement: () => z.strictObject({ month: settlementMonth(), by: z.enum(['clerk', 'store']) }),
    /** The same as CSV for Excel (UTF-8 with BOM, amounts in yuan). */
    settlementCsv: () =>
      z.strictObject({ month: settlementMonth(), by: z.enum(['clerk', 'store']) }),
  }),
  campaignAdminInput,
  couponsAdminInput,
  lazyActions({
    /**
     * HQ's orders, filtered and sorted on the server. `search`: a 14-digit order number, a 9-digit
     * member number, an 11-digit phone, a merchant payment number (out_trade_no, `P…`) or an order id.
     */
    listOrders: () =>
      z.strictObject({
        ...pageInput(),
        status: orderStatus().optional(),
        storeId: docId.optional(),
        from: shanghaiDayInput().optional(),
        to: shanghaiDayInput().optional(),
        search: z.string().trim().max(64).optional(),
        /**
         * Also the order ids closed without an order (下单未完成: a checkout that died or was
         * refused half way; nobody saw or paid them). Left out unless asked for.
         */
        includeAbandoned: z.boolean().optional(),
        sortBy: z.enum(['createdAt', 'totalFen']).default('createdAt'),
        sortOrder: z.enum(['asc', 'desc']).default('desc'),
      }),
    orderDetail: () => z.strictObject({ orderId: docId }),
    /** Starts a CSV import (validated in full first: a file with errors writes nothing). */
    createImportJob: () =>
      z.strictObject({
        kind: z.enum(['importStores', 'importClerks', 'importStock']),
        title: z.string().trim().min(1).max(100),
        csv: z.string().min(1).max(1_000_000),
      }),
    /**
     * Gives a coupon to each member of a CSV of member numbers (会员号, one a line, up to 5000), as
     * a job; the list is checked in full first (a file with errors issues nothing). The result
     * file lists each row: issued, or not and why.
     */
    createCouponIssueJob: () =>
      z.strictObject({
        templateId: docId,
        title: z.string().trim().min(1).max(100),
        csv: z.string().min(1).max(1_000_000),
      }),
    createExportJob: () =>
      z.strictObject({
        kind: z.literal('exportSettlement'),
        month: settlementMonth(),
        by: z.enum(['clerk', 'store']),
      }),
    /**
     * Orders, members or offline sales as a CSV file, written by a job in batches (any size); by
     * store and Asia/Shanghai days. Members' phones are masked unless the caller's role may see them.
     */
    createDataExport: () =>
      z.strictObject({
        kind: z.enum(['exportOrders', 'exportMembers', 'exportOfflineSales']),
        storeId: docId.optional(),
        from: shanghaiDayInput().optional(),
        to: shanghaiDayInput().optional(),
        status: orderStatus().optional(),
        tier: tier.optional(),
      }),
    /** One part of a job's large file (a data export), in order from 0; the console joins them. */
    jobFile: () => z.strictObject({ jobId: docId, part: z.number().int().min(0).max(100_000) }),
    /** All of a clerk's members to another clerk, as a job (any number of members; leave and come back). */
    createTransferJob: () =>
      z.strictObject({
        fromClerkId: docId,
        toClerkId: docId,
        reason: z.string().trim().min(1).max(200),
      }),
    /** Advances a running job by one batch (the console calls it while the page is open; a timer otherwise). */
    jobStep: () => z.strictObject({ jobId: docId }),
    listJobs: () => z.strictObject({ ...pageInput() }),
    job: () => z.strictObject({ jobId: docId }),
    /** One job's progress as the list shows it, without its file (unaudited: a notice polls it). */
    jobProgress: () => z.strictObject({ jobId: docId }),
    /** Days a finished job's files are kept; the hourly `expireJobFiles` deletes them after. */
    jobFileRetention: () => emptyInput,
    setJobFileRetention: () =>
      z.strictObject({
        retentionDays: z.number().int().min(1).max(365).describe('文件保留天数'),
      }),
  }),
  shopAdminInput,
)

export const adminOutput = joinActions(
  lazyActions({
    login: () =>
      z.object({
        token: z.string(),
        expiresAt: isoDate,
        role: adminRole(),
        username: z.string(),
        displayName: z.string(),
        storeIds: z.array(z.string()),
      }),
    listAdminAccounts: () => z.object({ items: z.array(adminAccountView()) }),
    createAdminAccount: () => adminAccountView(),
    updateAdminAccount: () => adminAccountView().extend({ sessionsEnded: z.number().int() }),
    setAdminAccountStatus: () => adminAccountView().extend({ sessionsEnded: z.number().int() }),
    resetAdminPassword: () => adminAccountView().extend({ sessionsEnded: z.number().int() }),
    unlockAdminAccount: () => adminAccountView(),
    logout: () => z.object({ loggedOut: z.literal(true) }),
    changeMyPassword: () => z.object({ sessionsEnded: z.number().int() }),
    createStore: () => storeView(),
    listStores: () => z.object({ items: z.array(storeView()) }),
    updateStore: () => storeView(),
    storeClosingCheck: () =>
      z.object({
        storeId: z.string(),
        activeClerks: z.number().int(),
        openOrders: z.number().int(),
        pendingPickups: z.number().int(),
        members: z.number().int(),
        /** Each thing that must be settled first, as HQ reads it; empty when the store can close. */
        blockers: z.array(z.string()),
      }),
    closeStore: () => storeView(),
    reopenStore: () => storeView(),
    enableClerk: () => clerkView(),
    moveClerk: () => z.object({ clerk: clerkView(), job: jobView().nullable() }),
    listInvites: () => paged(inviteView()),
    revokeInvite: () => inviteView(),
    inviteCode: () =>
      z.object({
        invite: z.string(),
        expiresAt: isoDate,
        pngBase64: z.string(),
        page: z.string(),
      }),
    poster: () => z.object({ filename: z.string(), pngBase64: z.string() }),
    createPosterJob: () => jobView(),
    posterBrand: () => z.object({ brand: z.string() }),
    setPosterBrand: () => z.object({ brand: z.string() }),
    setStoreLocation: () =>
      z.object({
        storeId: z.string(),
        location: z.object({ lat: z.number(), lng: z.number() }),
      }),
    setStoreHours: () => z.object({ storeId: z.string(), hours: z.string() }),
    agreements: () => z.object({ items: z.array(agreementView()) }),
    setAgreement: () => agreementView(),
    listClerks: () => z.object({ items: z.array(clerkView()) }),
    createStaffInvite: () =>
      z.object({
        invite: z.string(),
        expiresAt: isoDate,
        pngBase64: z.string(),
        page: z.string(),
      }),
    disableClerk: () => clerkView(),
    transferMembers: () =>
      z.object({
        moved: z.number().int(),
        skipped: z.number().int(),
        remaining: z.number().int(),
      }),
    codeImage: () => z.object({ scene: z.string(), pngBase64: z.string(), page: z.string() }),
    setAttributionPolicy: () => z.object({ protectionDays: z.number().int().nullable() }),
    getAttributionPolicy: () => z.object({ protectionDays: z.number().int().nullable() }),
    me: () =>
      z.object({
        username: z.string(),
        role: adminRole(),
        roleLabel: z.string(),
        storeIds: z.array(z.string()),
      }),
    listMembers: () => paged(adminMemberRow()),
    memberProfile: () =>
      z.object({
        member: adminMemberRow().extend({
          openedStoreName: z.string(),
          openedClerkName: z.string(),
          tags: z.array(z.string()),
          birthday: z.string().nullable(),
          trailingSpendFen: z.number().int(),
        }),
        attributionLog: z.array(
          z.object({
            reason: z.string(),
            fromClerkName: z.string().nullable(),
            toClerkName: z.string(),
            actor: z.string(),
            note: z.string().nullable(),
            at: isoDate,
          }),
        ),
        visits: z.array(z.object({ storeName: z.string(), at: isoDate })),
        pointsLedger: z.array(
          z.object({ key: z.string(), kind: z.string(), points: z.number().int(), at: isoDate }),
        ),
      }),
    setMemberBirthday: () => z.object({ memberId: z.string(), birthday: z.string() }),
    listChatTemplates: () =>
      z.object({
        items: z.array(
          z.object({
            templateId: z.string(),
            title: z.string(),
            text: z.string(),
            active: z.boolean(),
            sort: z.number().int(),
            updatedAt: isoDate,
          }),
        ),
      }),
    saveChatTemplate: () => z.object({ templateId: z.string() }),
    memberConversation: () =>
      z.object({
        clerkName: z.string(),
        lastSeq: z.number().int(),
        items: z.array(
          z.object({
            seq: z.number().int(),
            sender: z.enum(['member', 'clerk']),
            senderName: z.string(),
            type: z.string(),
            text: z.string().nullable(),
            at: isoDate,
          }),
        ),
      }),
    dashboard: () =>
      z.object({
        from: z.string(),
        to: z.string(),
        totalMembers: z.number().int(),
        totals: dailyFigures(),
        byDay: z.array(dailyFigures().extend({ day: z.string() })),
        /** The as-long period just before `from`, for comparison. */
        previous: z.object({ from: z.string(), to: z.string(), totals: dailyFigures() }),
        /** Every store with activity in either period, by net sales (online + offline − refunds). */
        storeRanking: z.array(
          z.object({
            storeId: z.string(),
            storeName: z.string(),
            storeCode: z.string(),
            netSalesFen: z.number().int(),
            onlineSalesFen: z.number().int(),
            offlineSalesFen: z.number().int(),
            refundsFen: z.number().int(),
            orders: z.number().int(),
            newMembers: z.number().int(),
            previousNetSalesFen: z.number().int(),
          }),
        ),
        /** The best clerks (at most 50) by their members' sales net of refunds, in the store asked. */
        clerkRanking: z.array(
          z.object({
            clerkId: z.string(),
            clerkName: z.string(),
            clerkCode: z.string(),
            storeName: z.string(),
            salesFen: z.number().int(),
            orders: z.number().int(),
            commissionFen: z.number().int(),
            previousSalesFen: z.number().int(),
          }),
        ),
        /** When the last day of the range was computed; null before the rollup first covered it. */
        updatedAt: isoDate.nullable(),
      }),
    refreshDashboard: () => z.object({ updatedAt: isoDate }),
    listAudit: () =>
      paged(
        z.object({
          id: z.string(),
          at: isoDate,
          username: z.string().nullable(),
          /** The action's code, for links; people read `actionLabel`. */
          action: z.string(),
          actionLabel: z.string(),
          kind: z.enum(['write', 'read', 'signIn']),
          kindLabel: z.string(),
          /** What was done, with names and numbers (no ids, no JSON). */
          summary: z.string(),
          ok: z.boolean(),
          outcomeLabel: z.string(),
          /** A refusal's message, as the person saw it. */
          message: z.string().nullable(),
        }),
      ),
  }),
  pointsAdminOutput,
  lazyActions({
    refundOrder: () =>
      z.object({
        orderId: z.string(),
        outRefundNo: z.string(),
        amountFen: z.number().int(),
        status: z.enum(['processing', 'succeeded', 'abnormal', 'closed', 'failed']),
        statusLabel: z.string(),
      }),
    /** The order as HQ sees it next (actions for an HQ admin). */
    shipOrder: () => orderView(),
    markOrderDelivered: () => orderView(),
    voidOfflineSale: () => offlineSaleVoid(),
    shopRules: () => shopRulesView(),
    setShopRules: () => shopRulesView(),
    refusedSales: () =>
      z.object({
        items: z.array(
          z.object({
            refusalId: z.string(),
            reason: z.enum(['receiptLimit', 'dailyLimit', 'ownCard']),
            message: z.string(),
            clerkId: z.string(),
            clerkName: z.string(),
            storeId: z.string(),
            memberNo: z.string(),
            amountFen: z.number().int(),
            receiptNo: z.string(),
            limitFen: z.number().int().nullable(),
            at: z.string(),
          }),
        ),
      }),
    commissionRules: () => commissionRulesView(),
    setCommissionRules: () => commissionRulesView(),
    settlement: () =>
      z.object({
        month: z.string(),
        by: z.enum(['clerk', 'store']),
        rows: z.array(
          salesFigures.extend({
            id: z.string(),
            name: z.string(),
            clerkId: z.string().nullable(),
            clerkCode: z.string().nullable(),
            storeId: z.string(),
            storeName: z.string(),
            storeCode: z.string(),
            payableFen: z.number().int(),
          }),
        ),
        /** The rules in force now (new sales book at this rate). */
        rules: commissionRulesView(),
      }),
    settlementCsv: () => z.object({ filename: z.string(), csv: z.string() }),
  }),
  campaignAdminOutput,
  couponsAdminOutput,
  lazyActions({
    listOrders: () => paged(adminOrderRow()),
    orderDetail: () =>
      z.object({
        order: adminOrderRow().extend({
          items: z.array(
            z.object({
              productId: z.string(),
              name: z.string(),
              priceFen: z.number().int(),
              qty: z.number().int(),
            }),
          ),
          outTradeNo: z.string().nullable(),
          pickupCode: z.string().nullable(),
          pickedUpBy: z.string().nullable(),
          /** Delivery orders: where it goes, the shipment once HQ sent it, and when it arrived. */
          deliveryAddress: orderView().shape.deliveryAddress,
          shipment: orderView().shape.shipment,
          deliveredAt: isoDate.nullable(),
        }),
        payment: z
          .object({
            outTradeNo: z.string(),
            status: z.enum(['pending', 'paid', 'refunded', 'closed']),
            statusLabel: z.string(),
            amountFen: z.number().int(),
            transactionId: z.string().nullable(),
            paidAt: isoDate.nullable(),
            refundedFen: z.number().int(),
          })
          .nullable(),
        /** What a new refund may still take: paid minus every refund not failed. */
        refundableFen: z.number().int(),
        refunds: z.array(
          z.object({
            outRefundNo: z.string(),
            amountFen: z.number().int(),
            reason: z.string().nullable(),
            status: z.enum(['processing', 'succeeded', 'abnormal', 'closed', 'failed']),
            statusLabel: z.string(),
            /** Not settled yet by WeChat Pay (the console looks again while one is). */
            open: z.boolean(),
            createdAt: isoDate,
            settledAt: isoDate.nullable(),
          }),
        ),
        timeline: z.array(z.object({ at: isoDate, event: z.string() })),
      }),
    createImportJob: () => jobView(),
    createCouponIssueJob: () => jobView(),
    createExportJob: () => jobView(),
    createTransferJob: () => jobView(),
    jobStep: () => jobView(),
    listJobs: () => paged(jobView()),
    jobProgress: () => jobView(),
    jobFileRetention: () => z.object({ retentionDays: z.number().int() }),
    setJobFileRetention: () => z.object({ retentionDays: z.number().int() }),
    job: () =>
      jobView().extend({
        allErrors: z.array(rowError()),
        output: z.object({ filename: z.string(), csv: z.string() }).nullable(),
        /**
         * A file the job made: a ZIP in storage (posters) with a short-lived download address, or a
         * data export written in parts (fetch 0…parts-1 with `jobFile` and join them).
         */
        file: z
          .object({
            filename: z.string(),
            url: z.string().optional(),
            parts: z.number().int().optional(),
          })
          .nullable(),
      }),
    createDataExport: () => jobView(),
    jobFile: () =>
      z.object({
        filename: z.string(),
        part: z.number().int(),
        parts: z.number().int(),
        csv: z.string(),
      }),
  }),
  shopAdminOutput,
)
