import '../../shared/flows/payment-owners'
import { createCampaignWithCoupon } from '../../shared/flows/campaign-coupons'
import { listCouponBudgets, setCouponBudget } from '../../shared/flows/coupon-budgets'
import { adminInput, adminOutput } from '../../shared/hq/contract'
import { conversationForHq } from '../../shared/chat/chat-service'
import { accessGuard } from '../../shared/flows/access'
import {
  defineFunction,
  type InvocationContext,
} from '../../shared/platform/runtime/define-function'
import { transferMembers } from '../../shared/flows/transfer-members'
import { agreements, saveAgreement } from '../../shared/membership/agreement-service'
import { closeStore, reopenStore, storeClosingCheck } from '../../shared/flows/store-closing'
import { moveClerk } from '../../shared/flows/move-clerk'
import {
  enableClerk,
  inviteCode,
  listInvites,
  revokeInvite,
  updateStore,
} from '../../shared/hq/staff-admin-service'
import { posterBrand, posterFor, savePosterBrand } from '../../shared/hq/poster-service'
import {
  createAdminAccount,
  listAdminAccounts,
  resetAdminPassword,
  setAdminAccountStatus,
  unlockAdminAccount,
  updateAdminAccount,
} from '../../shared/hq/admin-accounts-service'
import { lifecycleActor, ROLE_LABELS, seesFullPhone } from '../../shared/hq/rules/roles'
import { listAudit } from '../../shared/hq/audit-service'
import type { AdminSession } from '../../shared/hq/documents'
import {
  changeMyPassword,
  hqSession,
  hqStoreScope,
  codeImage,
  createStaffInvite,
  createStore,
  disableClerk,
  listClerks,
  listStores,
  login,
  logout,
  setAttributionPolicy,
  setStoreHours,
  setStoreLocation,
} from '../../shared/hq/admin-service'
import {
  getAttributionPolicy,
  listChatTemplates,
  listMembers,
  memberProfile,
  saveChatTemplate,
} from '../../shared/hq/admin-members-service'
import { audienceForHq } from '../../shared/campaigns/campaign-audience'
import {
  campaignResults,
  listCampaigns,
  resumeCampaign,
  sendCampaignNow,
  stopCampaign,
} from '../../shared/campaigns/campaign-controls'
import { loadCampaignLimits, saveCampaignLimits } from '../../shared/campaigns/campaign-limits'
import {
  adjustGiftStock,
  createGift,
  listGiftsForAdmin,
  updateGift,
} from '../../shared/gifts/gift-service'
import { adjustPointsByMemberNo } from '../../shared/points/points-admin-service'
import { loadPointsRules } from '../../shared/points/lookups'
import { savePointsRules } from '../../shared/points/points-rules-service'
import { memberPointsForAdmin } from '../../shared/points/points-views'
import { mailRedemptionsForHq, shipRedemption } from '../../shared/flows/mail-redemption'
import { cancelRedemption } from '../../shared/flows/redemption'
import { correctBirthday } from '../../shared/membership/member-service'
import { dashboard, refreshToday } from '../../shared/hq/daily-stats-service'
import { loadCommissionRules } from '../../shared/commission/lookups'
import {
  saveCommissionRules,
  settlement,
  settlementCsv,
} from '../../shared/commission/commission-service'
import { listOrders, orderForAdmin } from '../../shared/shop/admin-orders-service'
import {
  createDataExport,
  createExportJob,
  createImportJob,
  createCouponIssueJob,
  jobFilePart,
  createPosterJob,
  createTransferJob,
  jobDetail,
  jobFileRetentionDays,
  jobProgress,
  listJobs,
  setJobFileRetentionDays,
  stepJob,
} from '../../shared/flows/hq-jobs'
import { markOrderDelivered } from '../../shared/flows/order-fulfilment'
import { refundOrder } from '../../shared/flows/orders'
import { loadShopRules, saveShopRules } from '../../shared/shop/lookups'
import { shipOrder } from '../../shared/shop/fulfilment-service'
import { listRefusedSales, voidSale } from '../../shared/flows/offline-sale'
import { listOfflineSales } from '../../shared/flows/offline-sales-hq'
import {
  createProduct,
  listProductsForAdmin,
  productStock,
  setStockLevel,
  updateProduct,
  uploadProductImage,
} from '../../shared/shop/admin-catalog-service'
import {
  couponTemplateStats,
  createCouponTemplate,
  issueCouponsToMembers,
  listCouponTemplates,
  memberCouponsForHq,
  updateCouponTemplate,
} from '../../shared/coupons/coupon-service'

/** The lifecycle tables' actor for the signed-in account (who may take a status's next actions). */
const hqActor = async (ctx: InvocationContext) => lifecycleActor((await hqSession(ctx)).role)
const memberViewer = (session: AdminSession) => ({
  stores: session.role === 'storeManager' ? session.storeIds : null,
  fullPhone: seesFullPhone(session.role),
})
const orderViewer = async (ctx: InvocationContext) => {
  const session = await hqSession(ctx)
  return {
    actor: lifecycleActor(session.role),
    now: ctx.clock.now(),
    stores: session.role === 'storeManager' ? session.storeIds : null,
  }
}

const jobReader = (session: AdminSession) => ({
  actor: lifecycleActor(session.role),
  owner: session.role === 'storeManager' ? session.username : null,
})

export const main = defineFunction({
  name: 'admin',
  input: adminInput,
  output: adminOutput,
  guard: accessGuard,
  // Who may call what (shared/hq/rules/roles.ts): hq:read for admins, operators and analysts;
  // hq:write (always audited) for admins and operators; hq:admin (accounts and rules) for admins;
  // `stores` opens an action to store managers, for their own stores; reads that show personal
  // data are audited too (auditRead).
  policy: {
    login: 'public',
    logout: 'hq:session',
    // Any role changes its own password (a read-only analyst too); audited without the passwords.
    changeMyPassword: { access: 'hq:session', auditRead: true, auditDetails: () => ({}) },
    me: 'hq:session',
    listAdminAccounts: 'hq:admin',
    createAdminAccount: {
      access: 'hq:admin',
      auditDetails: ({ password: _password, ...rest }) => rest,
    },
    updateAdminAccount: 'hq:admin',
    setAdminAccountStatus: 'hq:admin',
    resetAdminPassword: { access: 'hq:admin', auditDetails: (i) => ({ adminId: i.adminId }) },
    unlockAdminAccount: 'hq:admin',
    createStore: 'hq:write',
    listStores: { access: 'hq:read', stores: () => undefined },
    setStoreLocation: 'hq:write',
    setStoreHours: 'hq:write',
    agreements: 'hq:read',
    // The texts shoppers agree to are rules: admins only.
    setAgreement: 'hq:admin',
    listClerks: { access: 'hq:read', stores: (i) => i.storeId },
    createStaffInvite: 'hq:write',
    disableClerk: 'hq:write',
    transferMembers: 'hq:write',
    codeImage: 'hq:read',
    updateStore: 'hq:write',
    storeClosingCheck: 'hq:read',
    closeStore: 'hq:write',
    reopenStore: 'hq:write',
    enableClerk: 'hq:write',
    moveClerk: 'hq:write',
    listInvites: 'hq:read',
    revokeInvite: 'hq:write',
    // The scene in an invite's code makes whoever opens it a clerk: handing one out is audited.
    inviteCode: { access: 'hq:read', auditRead: true },
    poster: { access: 'hq:read', auditRead: true },
    posterBrand: 'hq:read',
    setPosterBrand: 'hq:write',
    createPosterJob: 'hq:write',
    setAttributionPolicy: 'hq:admin',
    getAttributionPolicy: 'hq:read',
    listMembers: { access: 'hq:read', stores: (i) => i.storeId },
    memberProfile: { access: 'hq:read', auditRead: true, stores: () => undefined },
    setMemberBirthday: 'hq:write',
    memberConversation: { access: 'hq:read', auditRead: true, chatContent: true },
    listChatTemplates: 'hq:read',
    saveChatTemplate: 'hq:write',
    dashboard: { access: 'hq:read', stores: (i) => i.storeId },
    // Recomputing derived figures changes no business data: an analyst may refresh too.
    refreshDashboard: 'hq:read',
    listAudit: 'hq:read',
    pointsRules: 'hq:read',
    setPointsRules: 'hq:admin',
    adjustPoints: 'hq:write',
    memberPoints: 'hq:read',
    listGifts: 'hq:read',
    createGift: { access: 'hq:write', auditDetails: (i) => ({ ...i, images: i.images.length }) },
    updateGift: { access: 'hq:write', auditDetails: (i) => ({ ...i, images: i.images?.length }) },
    adjustGiftStock: 'hq:write',
    cancelRedemption: 'hq:write',
    mailRedemptions: 'hq:read',
    shipRedemption: 'hq:write',
    shopRules: 'hq:read',
    setShopRules: 'hq:admin',
    refusedSales: 'hq:read',
    refundOrder: 'hq:write',
    shipOrder: 'hq:write',
    markOrderDelivered: 'hq:write',
    voidOfflineSale: { access: 'hq:write', stores: (i) => i.storeId },
    commissionRules: 'hq:read',
    setCommissionRules: 'hq:admin',
    settlement: { access: 'hq:read', auditRead: true, stores: () => undefined },
    settlementCsv: { access: 'hq:read', auditRead: true, stores: () => undefined },
    campaignAudienceCount: { access: 'hq:read', auditDetails: () => ({}) },
    createCampaign: {
      access: 'hq:write',
      auditDetails: (i) => ({
        name: i.name,
        segment: i.segment,
        couponTemplateId: i.couponTemplateId,
      }),
    },
    listCampaigns: 'hq:read',
    campaignResults: 'hq:read',
    stopCampaign: 'hq:write',
    resumeCampaign: 'hq:write',
    sendCampaignNow: 'hq:write',
    campaignLimits: 'hq:read',
    setCampaignLimits: 'hq:admin',
    listOrders: { access: 'hq:read', stores: (i) => i.storeId },
    orderDetail: { access: 'hq:read', stores: () => undefined },
    createImportJob: {
      access: 'hq:write',
      auditDetails: (i) => ({ kind: i.kind, title: i.title, bytes: i.csv.length }),
    },
    createExportJob: 'hq:write',
    createTransferJob: 'hq:write',
    jobStep: 'hq:write',
    // A store manager sees only the jobs they created (their exports; flows/hq-jobs.ts).
    listJobs: { access: 'hq:read', stores: () => undefined },
    // Audited like settlementCsv: the job's file is the settlement, or the imported clerks' invites.
    job: { access: 'hq:read', auditRead: true, stores: () => undefined },
    // Progress only (no file, nothing personal): unaudited, so a notice may poll it.
    jobProgress: { access: 'hq:read', stores: () => undefined },
    // The jobs page says how long files are kept, to every role that sees it (store managers too).
    jobFileRetention: { access: 'hq:read', stores: () => undefined },
    setJobFileRetention: 'hq:admin',
    // Exports hold personal data: any HQ role may export what it may read (phones masked unless
    // its role may see them; a store manager only their stores' rows, checked at creation and at
    // every batch), and both the export and every download are audited.
    createDataExport: { access: 'hq:read', auditRead: true, stores: (i) => i.storeId },
    jobFile: { access: 'hq:read', auditRead: true, stores: () => undefined },
    listProducts: 'hq:read',
    productStock: 'hq:read',
    createProduct: { access: 'hq:write', auditDetails: (i) => ({ ...i, images: i.images.length }) },
    updateProduct: {
      access: 'hq:write',
      auditDetails: (i) => ({ ...i, images: i.images?.length }),
    },
    setStock: 'hq:write',
    uploadProductImage: {
      access: 'hq:write',
      auditDetails: (i) => ({
        contentType: i.contentType,
        bytes: Math.floor((i.dataBase64.length * 3) / 4),
      }),
    },
    listOfflineSales: { access: 'hq:read', stores: (i) => i.storeId },
    createCouponTemplate: 'hq:write',
    updateCouponTemplate: 'hq:write',
    listCouponTemplates: 'hq:read',
    couponTemplateStats: 'hq:read',
    issueCoupons: {
      access: 'hq:write',
      auditDetails: (i) => ({ templateId: i.templateId, members: i.memberNos.length }),
    },
    createCouponIssueJob: {
      access: 'hq:write',
      auditDetails: (i) => ({ templateId: i.templateId, title: i.title, bytes: i.csv.length }),
    },
    memberCoupons: { access: 'hq:read', auditRead: true },
    setCouponBudget: 'hq:write',
    couponBudgets: 'hq:read',
  },
  handlers: {
    login: (ctx, input) => login(ctx, input),
    logout: (ctx) => logout(ctx),
    changeMyPassword: async (ctx, input) => changeMyPassword(ctx, await hqSession(ctx), input),
    me: async (ctx) => {
      const session = await hqSession(ctx)
      return {
        username: session.username,
        role: session.role,
        roleLabel: ROLE_LABELS[session.role],
        storeIds: session.storeIds,
      }
    },
    listAdminAccounts: async (ctx) => listAdminAccounts(ctx, await hqSession(ctx)),
    createAdminAccount: async (ctx, input) => createAdminAccount(ctx, await hqSession(ctx), input),
    updateAdminAccount: async (ctx, input) => updateAdminAccount(ctx, await hqSession(ctx), input),
    setAdminAccountStatus: async (ctx, input) =>
      setAdminAccountStatus(ctx, await hqSession(ctx), input),
    resetAdminPassword: async (ctx, input) => resetAdminPassword(ctx, await hqSession(ctx), input),
    unlockAdminAccount: async (ctx, input) => unlockAdminAccount(ctx, await hqSession(ctx), input),
    createStore: (ctx, input) => createStore(ctx, input),
    listStores: async (ctx, input) => {
      const [all, scope, actor] = await Promise.all([
        listStores(input),
        hqStoreScope(ctx),
        hqActor(ctx),
      ])
      const items = scope ? all.items.filter((s) => scope.includes(s.storeId)) : all.items
      return { items: items.map((s) => ({ ...s, actions: actor === 'hq-admin' ? s.actions : [] })) }
    },
    setStoreLocation: (_ctx, input) => setStoreLocation(input),
    setStoreHours: (_ctx, input) => setStoreHours(input),
    agreements: () => agreements(),
    setAgreement: async (ctx, input) => saveAgreement(ctx, input, (await hqSession(ctx)).username),
    listClerks: async (ctx, input) => {
      const [all, scope, actor] = await Promise.all([
        listClerks(input),
        hqStoreScope(ctx),
        hqActor(ctx),
      ])
      const items = scope ? all.items.filter((c) => scope.includes(c.storeId)) : all.items
      return { items: items.map((c) => ({ ...c, actions: actor === 'hq-admin' ? c.actions : [] })) }
    },
    createStaffInvite: async (ctx, input) => createStaffInvite(ctx, await hqSession(ctx), input),
    disableClerk: (ctx, input) => disableClerk(ctx, input),
    transferMembers: async (ctx, input) => transferMembers(ctx, await hqSession(ctx), input),
    codeImage: (_ctx, input) => codeImage(input),
    updateStore: (ctx, input) => updateStore(ctx, input),
    storeClosingCheck: (_ctx, input) => storeClosingCheck(input),
    closeStore: async (ctx, input) => closeStore(ctx, await hqSession(ctx), input),
    reopenStore: async (ctx, input) => reopenStore(ctx, await hqSession(ctx), input),
    enableClerk: (ctx, input) => enableClerk(ctx, input),
    moveClerk: async (ctx, input) => moveClerk(ctx, await hqSession(ctx), input),
    listInvites: async (ctx, input) => listInvites(ctx, input, await hqActor(ctx)),
    revokeInvite: async (ctx, input) => revokeInvite(ctx, await hqSession(ctx), input),
    inviteCode: (ctx, input) => inviteCode(ctx, input),
    poster: (ctx, input) => posterFor(input, ctx.clock.now()),
    posterBrand: async () => ({ brand: await posterBrand() }),
    setPosterBrand: (_ctx, input) => savePosterBrand(input.brand),
    createPosterJob: async (ctx, input) => createPosterJob(ctx, await hqSession(ctx), input),
    setAttributionPolicy: (_ctx, input) => setAttributionPolicy(input),
    getAttributionPolicy: () => getAttributionPolicy(),
    listMembers: async (ctx, input) => listMembers(input, memberViewer(await hqSession(ctx))),
    memberProfile: async (ctx, input) => memberProfile(input, memberViewer(await hqSession(ctx))),
    setMemberBirthday: (_ctx, input) => correctBirthday(input.memberId, input.birthday),
    memberConversation: (_ctx, input) => conversationForHq(input.memberId, input),
    listChatTemplates: () => listChatTemplates(),
    saveChatTemplate: (ctx, input) => saveChatTemplate(input, ctx.clock.now()),
    dashboard: async (ctx, input) => {
      // A store manager without a store chosen sees their first store.
      const scope = await hqStoreScope(ctx)
      return dashboard({ ...input, storeId: input.storeId ?? scope?.[0] }, ctx.clock.now())
    },
    refreshDashboard: (ctx) => refreshToday(ctx.clock.now()),
    listAudit: (_ctx, input) => listAudit(input),
    pointsRules: () => loadPointsRules(),
    setPointsRules: (_ctx, input) => savePointsRules(input),
    adjustPoints: async (ctx, input) => adjustPointsByMemberNo(ctx, await hqSession(ctx), input),
    memberPoints: (ctx, input) => memberPointsForAdmin(ctx, input),
    listGifts: (_ctx, input) => listGiftsForAdmin(input),
    createGift: (ctx, input) => createGift(ctx, input),
    updateGift: (ctx, input) => updateGift(ctx, input),
    adjustGiftStock: (ctx, input) => adjustGiftStock(ctx, input),
    cancelRedemption: async (ctx, input) => cancelRedemption(ctx, await hqSession(ctx), input),
    mailRedemptions: async (ctx, input) =>
      mailRedemptionsForHq(input, { actor: await hqActor(ctx), now: ctx.clock.now() }),
    shipRedemption: async (ctx, input) => shipRedemption(ctx, await hqSession(ctx), input),
    shopRules: () => loadShopRules(),
    setShopRules: (_ctx, input) => saveShopRules(input),
    refusedSales: (_ctx, input) => listRefusedSales(input),
    refundOrder: (ctx, input) => refundOrder(ctx, input),
    shipOrder: async (ctx, input) => shipOrder(ctx, input, (await hqSession(ctx)).username),
    markOrderDelivered: (ctx, input) => markOrderDelivered(ctx, input),
    voidOfflineSale: async (ctx, input) => {
      const session = await hqSession(ctx)
      return voidSale(ctx, {
        ...input,
        by: { kind: 'hq', id: session.adminId, name: session.username },
      })
    },
    commissionRules: () => loadCommissionRules(),
    setCommissionRules: (_ctx, input) => saveCommissionRules(input),
    settlement: async (ctx, input) => settlement(input, await hqStoreScope(ctx)),
    settlementCsv: async (ctx, input) => settlementCsv(input, await hqStoreScope(ctx)),
    campaignAudienceCount: (ctx, input) => audienceForHq(ctx, input.segment),
    createCampaign: async (ctx, input) =>
      createCampaignWithCoupon(ctx, (await hqSession(ctx)).username, input),
    listCampaigns: async (ctx, input) => listCampaigns(input, await hqActor(ctx)),
    campaignResults: async (ctx, input) =>
      campaignResults(ctx, input.campaignId, await hqActor(ctx)),
    stopCampaign: (_ctx, input) => stopCampaign(input.campaignId),
    resumeCampaign: (_ctx, input) => resumeCampaign(input.campaignId),
    sendCampaignNow: (ctx, input) => sendCampaignNow(ctx, input.campaignId),
    campaignLimits: () => loadCampaignLimits(),
    setCampaignLimits: (_ctx, input) => saveCampaignLimits(input),
    listOrders: async (ctx, input) => listOrders(input, await orderViewer(ctx)),
    orderDetail: async (ctx, input) => orderForAdmin(input, await orderViewer(ctx)),
    createImportJob: async (ctx, input) => createImportJob(ctx, await hqSession(ctx), input),
    createExportJob: async (ctx, input) => createExportJob(ctx, await hqSession(ctx), input),
    createTransferJob: async (ctx, input) => createTransferJob(ctx, await hqSession(ctx), input),
    jobStep: (ctx, input) => stepJob(ctx, input.jobId),
    listJobs: async (ctx, input) => listJobs(input, jobReader(await hqSession(ctx))),
    job: async (ctx, input) => jobDetail(input, jobReader(await hqSession(ctx))),
    jobProgress: async (ctx, input) => jobProgress(input, jobReader(await hqSession(ctx))),
    jobFileRetention: async () => ({ retentionDays: await jobFileRetentionDays() }),
    setJobFileRetention: (_ctx, input) => setJobFileRetentionDays(input.retentionDays),
    createDataExport: async (ctx, input) => createDataExport(ctx, await hqSession(ctx), input),
    jobFile: async (ctx, input) => jobFilePart(input, await hqSession(ctx)),
    listProducts: (_ctx, input) => listProductsForAdmin(input),
    productStock: (_ctx, input) => productStock(input),
    createProduct: (ctx, input) => createProduct(ctx, input),
    updateProduct: (ctx, input) => updateProduct(ctx, input),
    setStock: (ctx, input) => setStockLevel(ctx, input),
    uploadProductImage: (_ctx, input) => uploadProductImage(input),
    listOfflineSales: async (ctx, input) =>
      listOfflineSales(input, {
        actor: await hqActor(ctx),
        now: ctx.clock.now(),
        stores: await hqStoreScope(ctx),
      }),
    createCouponTemplate: async (ctx, input) =>
      createCouponTemplate(ctx, (await hqSession(ctx)).username, input),
    updateCouponTemplate: (ctx, input) => updateCouponTemplate(ctx, input),
    listCouponTemplates: (_ctx, input) => listCouponTemplates(input),
    couponTemplateStats: (ctx, input) => couponTemplateStats(ctx, input),
    issueCoupons: (ctx, input) => issueCouponsToMembers(ctx, input),
    createCouponIssueJob: async (ctx, input) =>
      createCouponIssueJob(ctx, await hqSession(ctx), input),
    memberCoupons: (ctx, input) => memberCouponsForHq(ctx, input),
    setCouponBudget: async (ctx, input) =>
      setCouponBudget(ctx, (await hqSession(ctx)).username, input),
    couponBudgets: (_ctx, input) => listCouponBudgets(input),
  },
})
