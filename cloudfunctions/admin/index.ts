import '../../shared/flows/payment-owners'
import { adminInput, adminOutput } from '../../shared/hq/contract'
import { conversationForHq } from '../../shared/chat/chat-service'
import { accessGuard } from '../../shared/flows/access'
import { defineFunction } from '../../shared/platform/runtime/define-function'
import { transferMembers } from '../../shared/flows/transfer-members'
import {
  changeMyPassword,
  hqSession,
  codeImage,
  createStaffInvite,
  createStore,
  disableClerk,
  listClerks,
  listStores,
  login,
  logout,
  setAttributionPolicy,
  setStoreLocation,
} from '../../shared/hq/admin-service'
import {
  getAttributionPolicy,
  listAudit,
  listChatTemplates,
  listMembers,
  memberProfile,
  saveChatTemplate,
} from '../../shared/hq/admin-members-service'
import { audienceForHq } from '../../shared/campaigns/campaign-audience'
import { createCampaign } from '../../shared/campaigns/campaign-authoring'
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
  createExportJob,
  createImportJob,
  createTransferJob,
  jobDetail,
  listJobs,
  stepJob,
} from '../../shared/flows/hq-jobs'
import { markOrderDelivered } from '../../shared/flows/order-fulfilment'
import { refundOrder } from '../../shared/flows/orders'
import { loadShopRules, saveShopRules } from '../../shared/shop/lookups'
import { shipOrder } from '../../shared/shop/fulfilment-service'
import { listRefusedSales, voidSale } from '../../shared/flows/offline-sale'

export const main = defineFunction({
  name: 'admin',
  input: adminInput,
  output: adminOutput,
  guard: accessGuard,
  // Who may call what: analysts read (hq:read), HQ admins also write (hq:write, always audited);
  // reads that show personal data are audited too (auditRead).
  policy: {
    login: 'public',
    logout: 'hq:read',
    // Any role changes its own password (a read-only analyst too); audited without the passwords.
    changeMyPassword: { access: 'hq:read', auditRead: true, auditDetails: () => ({}) },
    me: 'hq:read',
    createStore: 'hq:write',
    listStores: 'hq:read',
    setStoreLocation: 'hq:write',
    listClerks: 'hq:read',
    createStaffInvite: 'hq:write',
    disableClerk: 'hq:write',
    transferMembers: 'hq:write',
    codeImage: 'hq:read',
    setAttributionPolicy: 'hq:write',
    getAttributionPolicy: 'hq:read',
    listMembers: 'hq:read',
    memberProfile: { access: 'hq:read', auditRead: true },
    setMemberBirthday: 'hq:write',
    memberConversation: { access: 'hq:read', auditRead: true },
    listChatTemplates: 'hq:read',
    saveChatTemplate: 'hq:write',
    dashboard: 'hq:read',
    // Recomputing derived figures changes no business data: an analyst may refresh too.
    refreshDashboard: 'hq:read',
    listAudit: 'hq:read',
    pointsRules: 'hq:read',
    setPointsRules: 'hq:write',
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
    setShopRules: 'hq:write',
    refusedSales: 'hq:read',
    refundOrder: 'hq:write',
    shipOrder: 'hq:write',
    markOrderDelivered: 'hq:write',
    voidOfflineSale: 'hq:write',
    commissionRules: 'hq:read',
    setCommissionRules: 'hq:write',
    settlement: { access: 'hq:read', auditRead: true },
    settlementCsv: { access: 'hq:read', auditRead: true },
    campaignAudienceCount: { access: 'hq:read', auditDetails: () => ({}) },
    createCampaign: {
      access: 'hq:write',
      auditDetails: (i) => ({ name: i.name, segment: i.segment }),
    },
    listCampaigns: 'hq:read',
    campaignResults: 'hq:read',
    stopCampaign: 'hq:write',
    resumeCampaign: 'hq:write',
    sendCampaignNow: 'hq:write',
    campaignLimits: 'hq:read',
    setCampaignLimits: 'hq:write',
    listOrders: 'hq:read',
    orderDetail: 'hq:read',
    createImportJob: {
      access: 'hq:write',
      auditDetails: (i) => ({ kind: i.kind, title: i.title, bytes: i.csv.length }),
    },
    createExportJob: 'hq:write',
    createTransferJob: 'hq:write',
    jobStep: 'hq:write',
    listJobs: 'hq:read',
    // Audited like settlementCsv: the job's file is the settlement, or the imported clerks' invites.
    job: { access: 'hq:read', auditRead: true },
  },
  handlers: {
    login: (ctx, input) => login(ctx, input),
    logout: (ctx) => logout(ctx),
    changeMyPassword: async (ctx, input) => changeMyPassword(ctx, await hqSession(ctx), input),
    me: async (ctx) => {
      const session = await hqSession(ctx)
      return { username: session.username, role: session.role }
    },
    createStore: (ctx, input) => createStore(ctx, input),
    listStores: () => listStores(),
    setStoreLocation: (_ctx, input) => setStoreLocation(input),
    listClerks: (_ctx, input) => listClerks(input),
    createStaffInvite: async (ctx, input) => createStaffInvite(ctx, await hqSession(ctx), input),
    disableClerk: (ctx, input) => disableClerk(ctx, input),
    transferMembers: async (ctx, input) => transferMembers(ctx, await hqSession(ctx), input),
    codeImage: (_ctx, input) => codeImage(input),
    setAttributionPolicy: (_ctx, input) => setAttributionPolicy(input),
    getAttributionPolicy: () => getAttributionPolicy(),
    listMembers: (_ctx, input) => listMembers(input),
    memberProfile: (_ctx, input) => memberProfile(input),
    setMemberBirthday: (_ctx, input) => correctBirthday(input.memberId, input.birthday),
    memberConversation: (_ctx, input) => conversationForHq(input.memberId, input),
    listChatTemplates: () => listChatTemplates(),
    saveChatTemplate: (ctx, input) => saveChatTemplate(input, ctx.clock.now()),
    dashboard: (ctx, input) => dashboard(input, ctx.clock.now()),
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
      mailRedemptionsForHq(input, { actor: (await hqSession(ctx)).role, now: ctx.clock.now() }),
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
    settlement: (_ctx, input) => settlement(input),
    settlementCsv: (_ctx, input) => settlementCsv(input),
    campaignAudienceCount: (ctx, input) => audienceForHq(ctx, input.segment),
    createCampaign: async (ctx, input) =>
      createCampaign(ctx, (await hqSession(ctx)).username, input),
    listCampaigns: async (ctx, input) => listCampaigns(input, (await hqSession(ctx)).role),
    campaignResults: async (ctx, input) =>
      campaignResults(ctx, input.campaignId, (await hqSession(ctx)).role),
    stopCampaign: (_ctx, input) => stopCampaign(input.campaignId),
    resumeCampaign: (_ctx, input) => resumeCampaign(input.campaignId),
    sendCampaignNow: (ctx, input) => sendCampaignNow(ctx, input.campaignId),
    campaignLimits: () => loadCampaignLimits(),
    setCampaignLimits: (_ctx, input) => saveCampaignLimits(input),
    listOrders: async (ctx, input) =>
      listOrders(input, { actor: (await hqSession(ctx)).role, now: ctx.clock.now() }),
    orderDetail: async (ctx, input) =>
      orderForAdmin(input, { actor: (await hqSession(ctx)).role, now: ctx.clock.now() }),
    createImportJob: async (ctx, input) => createImportJob(ctx, await hqSession(ctx), input),
    createExportJob: async (ctx, input) => createExportJob(ctx, await hqSession(ctx), input),
    createTransferJob: async (ctx, input) => createTransferJob(ctx, await hqSession(ctx), input),
    jobStep: (ctx, input) => stepJob(ctx, input.jobId),
    listJobs: async (ctx, input) => listJobs(input, (await hqSession(ctx)).role),
    job: async (ctx, input) => jobDetail(input, (await hqSession(ctx)).role),
  },
})
