import '../../shared/flows/payment-owners'
import { adminInput, adminOutput } from '../../shared/hq/contract'
import { conversationForHq } from '../../shared/chat/chat-service'
import { defineFunction } from '../../shared/platform/runtime/define-function'
import { transferMembers } from '../../shared/flows/transfer-members'
import {
  adminAction,
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
import {
  audienceCount,
  campaignResults,
  createCampaign,
  listCampaigns,
  loadCampaignLimits,
  resumeCampaign,
  saveCampaignLimits,
  sendCampaignNow,
  stopCampaign,
} from '../../shared/campaigns/campaign-service'
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
import { shipOrder } from '../../shared/shop/fulfilment-service'
import { voidSale } from '../../shared/flows/offline-sale'

export const main = defineFunction({
  name: 'admin',
  input: adminInput,
  output: adminOutput,
  handlers: {
    login: (ctx, input) => login(ctx, input),
    logout: (ctx) => logout(ctx),
    createStore: (ctx, input) => adminAction(ctx, 'write', input, () => createStore(ctx, input)),
    listStores: (ctx) => adminAction(ctx, 'read', {}, () => listStores()),
    setStoreLocation: (ctx, input) =>
      adminAction(ctx, 'write', input, () => setStoreLocation(input)),
    listClerks: (ctx, input) => adminAction(ctx, 'read', input, () => listClerks(input)),
    createStaffInvite: (ctx, input) =>
      adminAction(ctx, 'write', input, (s) => createStaffInvite(ctx, s, input)),
    disableClerk: (ctx, input) => adminAction(ctx, 'write', input, () => disableClerk(ctx, input)),
    transferMembers: (ctx, input) =>
      adminAction(ctx, 'write', input, (s) => transferMembers(ctx, s, input)),
    codeImage: (ctx, input) => adminAction(ctx, 'read', input, () => codeImage(input)),
    setAttributionPolicy: (ctx, input) =>
      adminAction(ctx, 'write', input, () => setAttributionPolicy(input)),
    getAttributionPolicy: (ctx) => adminAction(ctx, 'read', {}, () => getAttributionPolicy()),
    me: (ctx) =>
      adminAction(ctx, 'read', {}, async (session) => ({
        username: session.username,
        role: session.role,
      })),
    listMembers: (ctx, input) => adminAction(ctx, 'read', input, () => listMembers(input)),
    memberProfile: (ctx, input) =>
      adminAction(ctx, 'read', input, () => memberProfile(input), { auditRead: true }),
    setMemberBirthday: (ctx, input) =>
      adminAction(ctx, 'write', input, () => correctBirthday(input.memberId, input.birthday)),
    memberConversation: (ctx, input) =>
      adminAction(ctx, 'read', input, () => conversationForHq(input.memberId, input), {
        auditRead: true,
      }),
    listChatTemplates: (ctx) => adminAction(ctx, 'read', {}, () => listChatTemplates()),
    saveChatTemplate: (ctx, input) =>
      adminAction(ctx, 'write', input, () => saveChatTemplate(input, ctx.clock.now())),
    dashboard: (ctx, input) =>
      adminAction(ctx, 'read', input, () => dashboard(input, ctx.clock.now())),
    // Recomputing derived figures changes no business data: an analyst may refresh too.
    refreshDashboard: (ctx) => adminAction(ctx, 'read', {}, () => refreshToday(ctx.clock.now())),
    listAudit: (ctx, input) => adminAction(ctx, 'read', input, () => listAudit(input)),
    pointsRules: (ctx) => adminAction(ctx, 'read', {}, () => loadPointsRules()),
    setPointsRules: (ctx, input) => adminAction(ctx, 'write', input, () => savePointsRules(input)),
    adjustPoints: (ctx, input) =>
      adminAction(ctx, 'write', input, (s) => adjustPointsByMemberNo(ctx, s, input)),
    memberPoints: (ctx, input) =>
      adminAction(ctx, 'read', input, () => memberPointsForAdmin(ctx, input)),
    listGifts: (ctx, input) => adminAction(ctx, 'read', input, () => listGiftsForAdmin(input)),
    createGift: (ctx, input) =>
      adminAction(ctx, 'write', { ...input, images: input.images.length }, () =>
        createGift(ctx, input),
      ),
    updateGift: (ctx, input) =>
      adminAction(ctx, 'write', { ...input, images: input.images?.length }, () =>
        updateGift(ctx, input),
      ),
    adjustGiftStock: (ctx, input) =>
      adminAction(ctx, 'write', input, () => adjustGiftStock(ctx, input)),
    cancelRedemption: (ctx, input) =>
      adminAction(ctx, 'write', input, (s) => cancelRedemption(ctx, s, input)),
    mailRedemptions: (ctx, input) =>
      adminAction(ctx, 'read', input, () => mailRedemptionsForHq(input)),
    shipRedemption: (ctx, input) =>
      adminAction(ctx, 'write', input, (s) => shipRedemption(ctx, s, input)),
    refundOrder: (ctx, input) => adminAction(ctx, 'write', input, () => refundOrder(ctx, input)),
    shipOrder: (ctx, input) =>
      adminAction(ctx, 'write', input, (session) => shipOrder(ctx, input, session.username)),
    markOrderDelivered: (ctx, input) =>
      adminAction(ctx, 'write', input, () => markOrderDelivered(ctx, input)),
    voidOfflineSale: (ctx, input) =>
      adminAction(ctx, 'write', input, (session) =>
        voidSale(ctx, {
          ...input,
          by: { kind: 'hq', id: session.adminId, name: session.username },
        }),
      ),
    commissionRules: (ctx) => adminAction(ctx, 'read', {}, () => loadCommissionRules()),
    setCommissionRules: (ctx, input) =>
      adminAction(ctx, 'write', input, () => saveCommissionRules(input)),
    settlement: (ctx, input) =>
      adminAction(ctx, 'read', input, () => settlement(input), { auditRead: true }),
    settlementCsv: (ctx, input) =>
      adminAction(ctx, 'read', input, () => settlementCsv(input), { auditRead: true }),
    campaignAudienceCount: (ctx, input) =>
      adminAction(ctx, 'read', {}, () => audienceCount(ctx, input.segment)),
    createCampaign: (ctx, input) =>
      adminAction(ctx, 'write', { name: input.name, segment: input.segment }, (s) =>
        createCampaign(ctx, s.username, input),
      ),
    listCampaigns: (ctx, input) => adminAction(ctx, 'read', input, () => listCampaigns(input)),
    campaignResults: (ctx, input) =>
      adminAction(ctx, 'read', input, () => campaignResults(ctx, input.campaignId)),
    stopCampaign: (ctx, input) =>
      adminAction(ctx, 'write', input, () => stopCampaign(input.campaignId)),
    resumeCampaign: (ctx, input) =>
      adminAction(ctx, 'write', input, () => resumeCampaign(input.campaignId)),
    sendCampaignNow: (ctx, input) =>
      adminAction(ctx, 'write', input, () => sendCampaignNow(ctx, input.campaignId)),
    campaignLimits: (ctx) => adminAction(ctx, 'read', {}, () => loadCampaignLimits()),
    setCampaignLimits: (ctx, input) =>
      adminAction(ctx, 'write', input, () => saveCampaignLimits(input)),
    listOrders: (ctx, input) => adminAction(ctx, 'read', input, () => listOrders(input)),
    orderDetail: (ctx, input) => adminAction(ctx, 'read', input, () => orderForAdmin(input)),
    createImportJob: (ctx, input) =>
      adminAction(
        ctx,
        'write',
        { kind: input.kind, title: input.title, bytes: input.csv.length },
        (s) => createImportJob(ctx, s, input),
      ),
    createExportJob: (ctx, input) =>
      adminAction(ctx, 'write', input, (s) => createExportJob(ctx, s, input)),
    createTransferJob: (ctx, input) =>
      adminAction(ctx, 'write', input, (s) => createTransferJob(ctx, s, input)),
    jobStep: (ctx, input) => adminAction(ctx, 'write', input, () => stepJob(ctx, input.jobId)),
    listJobs: (ctx, input) => adminAction(ctx, 'read', input, () => listJobs(input)),
    // Audited like settlementCsv: the job's file is the settlement, or the imported clerks' invites.
    job: (ctx, input) =>
      adminAction(ctx, 'read', input, () => jobDetail(input), { auditRead: true }),
  },
})
