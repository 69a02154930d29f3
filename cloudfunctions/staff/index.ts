import { staffInput, staffOutput } from '../../shared/staff/contract'
import { accessGuard } from '../../shared/flows/access'
import { defineFunction } from '../../shared/platform/runtime/define-function'
import { clerkPerformance } from '../../shared/commission/commission-service'
import { pickupCodeDetail, verifyPickupCode } from '../../shared/flows/pickup-counter'
import { recordSale, tillRules, voidSaleOfMyStore } from '../../shared/flows/offline-sale'
import { memberCouponsAtTill } from '../../shared/flows/coupon-till'
import { scanTillCode } from '../../shared/flows/till-code'
import { giveCoupon, myStoreBudgets } from '../../shared/flows/coupon-budgets'
import { storeAudienceCount } from '../../shared/campaigns/campaign-audience'
import { createStoreCampaign } from '../../shared/campaigns/campaign-authoring'
import { storeCampaignResults, storeCampaigns } from '../../shared/campaigns/store-campaigns'
import { requireStaff } from '../../shared/staff/lookups'
import { deskStats } from '../../shared/flows/staff-desk'
import {
  bindStaffInvite,
  listMyMembers,
  memberDetail,
  myCode,
  staffMe,
} from '../../shared/staff/staff-service'

export const main = defineFunction({
  name: 'staff',
  input: staffInput,
  output: staffOutput,
  guard: accessGuard,
  policy: {
    bindInvite: 'wechat',
    me: 'clerk',
    myMembers: 'clerk',
    memberDetail: 'clerk',
    myCode: 'clerk',
    myStats: 'clerk',
    scanMember: 'clerk',
    pickupDetail: 'clerk',
    verifyPickup: 'clerk',
    recordSale: 'clerk',
    saleRules: 'clerk',
    memberCoupons: 'clerk',
    couponBudgets: 'clerk',
    giveCoupon: 'clerk',
    voidSale: 'clerk',
    performance: 'clerk',
    storeCampaignAudienceCount: 'manager',
    createStoreCampaign: 'manager',
    storeCampaigns: 'manager',
    storeCampaignResults: 'manager',
  },
  handlers: {
    bindInvite: (ctx, input) => bindStaffInvite(ctx, input),
    me: (ctx) => staffMe(ctx),
    myMembers: (ctx, input) => listMyMembers(ctx, input),
    memberDetail: (ctx, input) => memberDetail(ctx, input),
    myCode: (ctx) => myCode(ctx),
    myStats: (ctx) => deskStats(ctx),
    scanMember: (ctx, input) => scanTillCode(ctx, input),
    pickupDetail: (ctx, input) => pickupCodeDetail(ctx, input),
    verifyPickup: (ctx, input) => verifyPickupCode(ctx, input),
    recordSale: (ctx, input) => recordSale(ctx, input),
    saleRules: () => tillRules(),
    memberCoupons: (ctx, input) => memberCouponsAtTill(ctx, input),
    couponBudgets: (ctx) => myStoreBudgets(ctx),
    giveCoupon: (ctx, input) => giveCoupon(ctx, input),
    voidSale: (ctx, input) => voidSaleOfMyStore(ctx, input),
    performance: async (ctx, input) =>
      clerkPerformance(ctx, (await requireStaff(ctx))._id, input.month),
    storeCampaignAudienceCount: async (ctx, input) =>
      storeAudienceCount(ctx, await requireStaff(ctx), input.segment),
    createStoreCampaign: async (ctx, input) =>
      createStoreCampaign(ctx, await requireStaff(ctx), input),
    storeCampaigns: async (ctx) => storeCampaigns(ctx, await requireStaff(ctx)),
    storeCampaignResults: async (ctx, input) =>
      storeCampaignResults(ctx, await requireStaff(ctx), input.campaignId),
  },
})
