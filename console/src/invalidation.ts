/**
 * What each admin action changes, as the console's cached reads see it: after a write succeeds,
 * the reads named here are marked stale and those on screen load again, so a list shows the
 * change without a reload. Every action is listed (the type makes a new action name its effects
 * before the console compiles); a read lists nothing.
 *
 * Every write is audited, so every write also makes the audit log stale (added in `staleAfter`).
 */
import type { AdminAction } from './api'

const STORES = ['listStores', 'storeClosingCheck', 'dashboard'] as const
const CLERKS = ['listClerks', 'listStores', 'listMembers', 'memberProfile'] as const
const ORDERS = ['listOrders', 'orderDetail', 'dashboard', 'settlement'] as const
const MEMBERS = ['listMembers', 'memberProfile', 'listStores', 'listClerks', 'dashboard'] as const

export const INVALIDATES: Record<AdminAction, readonly AdminAction[]> = {
  // Signing in or out starts from an empty cache (auth.tsx clears it), so these name nothing.
  login: [],
  logout: [],
  me: [],
  changeMyPassword: ['listAdminAccounts'],
  listAdminAccounts: [],
  createAdminAccount: ['listAdminAccounts'],
  updateAdminAccount: ['listAdminAccounts'],
  setAdminAccountStatus: ['listAdminAccounts'],
  resetAdminPassword: ['listAdminAccounts'],
  unlockAdminAccount: ['listAdminAccounts'],

  listStores: [],
  createStore: STORES,
  updateStore: STORES,
  setStoreHours: STORES,
  setStoreLocation: STORES,
  storeClosingCheck: [],
  closeStore: [...STORES, 'listClerks', 'listInvites'],
  reopenStore: [...STORES, 'listClerks'],
  agreements: [],
  setAgreement: ['agreements'],

  listClerks: [],
  createStaffInvite: ['listInvites'],
  disableClerk: CLERKS,
  enableClerk: CLERKS,
  moveClerk: [...CLERKS, 'listJobs'],
  transferMembers: [...MEMBERS, 'listJobs'],
  listInvites: [],
  revokeInvite: ['listInvites'],
  inviteCode: [],
  codeImage: [],
  poster: [],
  posterBrand: [],
  setPosterBrand: ['posterBrand'],
  createPosterJob: ['listJobs'],

  getAttributionPolicy: [],
  setAttributionPolicy: ['getAttributionPolicy'],
  listMembers: [],
  memberProfile: [],
  setMemberBirthday: ['memberProfile', 'listMembers'],
  memberConversation: [],
  listChatTemplates: [],
  saveChatTemplate: ['listChatTemplates'],

  dashboard: [],
  refreshDashboard: ['dashboard'],
  listAudit: [],

  pointsRules: [],
  setPointsRules: ['pointsRules'],
  adjustPoints: ['memberPoints', 'memberProfile', 'listMembers', 'dashboard'],
  memberPoints: [],

  listGifts: [],
  createGift: ['listGifts'],
  updateGift: ['listGifts'],
  adjustGiftStock: ['listGifts'],
  cancelRedemption: ['mailRedemptions', 'listGifts', 'memberPoints', 'memberProfile'],
  mailRedemptions: [],
  shipRedemption: ['mailRedemptions'],

  shopRules: [],
  setShopRules: ['shopRules'],
  refusedSales: [],
  refundOrder: [...ORDERS, 'memberProfile', 'memberPoints', 'memberCoupons'],
  shipOrder: ORDERS,
  markOrderDelivered: ORDERS,
  listOrders: [],
  orderDetail: [],
  listOfflineSales: [],
  voidOfflineSale: ['listOfflineSales', 'dashboard', 'settlement', 'memberProfile', 'memberPoints'],

  commissionRules: [],
  setCommissionRules: ['commissionRules', 'settlement'],
  settlement: [],
  settlementCsv: [],

  campaignAudienceCount: [],
  createCampaign: ['listCampaigns', 'listCouponTemplates', 'couponTemplateStats'],
  listCampaigns: [],
  campaignResults: [],
  stopCampaign: ['listCampaigns', 'campaignResults'],
  resumeCampaign: ['listCampaigns', 'campaignResults'],
  sendCampaignNow: ['listCampaigns', 'campaignResults'],
  campaignLimits: [],
  setCampaignLimits: ['campaignLimits'],

  listCouponTemplates: [],
  couponTemplateStats: [],
  memberCoupons: [],
  createCouponTemplate: ['listCouponTemplates'],
  updateCouponTemplate: ['listCouponTemplates', 'couponTemplateStats'],
  issueCoupons: ['listCouponTemplates', 'couponTemplateStats', 'memberCoupons'],
  couponBudgets: [],
  setCouponBudget: ['couponBudgets'],

  // A job's own writes land as it steps: each step makes what the job kind touches stale.
  createImportJob: ['listJobs'],
  createCouponIssueJob: ['listJobs'],
  createExportJob: ['listJobs'],
  createDataExport: ['listJobs'],
  createTransferJob: ['listJobs'],
  jobStep: [
    'listJobs',
    'listStores',
    'listClerks',
    'listInvites',
    'listMembers',
    'listProducts',
    // A coupon issue job's batches.
    'listCouponTemplates',
    'couponTemplateStats',
    'memberCoupons',
  ],
  listJobs: [],
  job: [],
  jobFile: [],
  jobProgress: [],
  jobFileRetention: [],
  setJobFileRetention: ['jobFileRetention'],

  listProducts: [],
  productStock: [],
  createProduct: ['listProducts'],
  updateProduct: ['listProducts'],
  setStock: ['listProducts', 'productStock'],
  uploadProductImage: ['listAudit'],
}

/** The reads a successful `action` makes stale: its own list, plus the audit log for a write. */
export function staleAfter(action: AdminAction): AdminAction[] {
  const reads = INVALIDATES[action]
  return reads.length > 0 ? [...new Set<AdminAction>([...reads, 'listAudit'])] : []
}
