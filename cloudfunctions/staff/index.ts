import { staffInput, staffOutput } from '../../shared/contract/staff'
import { defineFunction } from '../../shared/runtime/define-function'
import { clerkPerformance } from '../../shared/services/commission-service'
import { pickupCodeDetail, verifyPickupCode } from '../../shared/services/counter-service'
import { recordSale, voidSaleOfMyStore } from '../../shared/services/offline-sale-service'
import { createStoreCampaign, storeAudienceCount } from '../../shared/services/campaign-service'
import {
  bindStaffInvite,
  listMyMembers,
  memberDetail,
  myCode,
  myStats,
  requireStaff,
  scanMember,
  staffMe,
} from '../../shared/services/staff-service'

export const main = defineFunction({
  name: 'staff',
  input: staffInput,
  output: staffOutput,
  handlers: {
    bindInvite: (ctx, input) => bindStaffInvite(ctx, input),
    me: (ctx) => staffMe(ctx),
    myMembers: (ctx, input) => listMyMembers(ctx, input),
    memberDetail: (ctx, input) => memberDetail(ctx, input),
    myCode: (ctx) => myCode(ctx),
    myStats: (ctx) => myStats(ctx),
    scanMember: (ctx, input) => scanMember(ctx, input),
    pickupDetail: (ctx, input) => pickupCodeDetail(ctx, input),
    verifyPickup: (ctx, input) => verifyPickupCode(ctx, input),
    recordSale: (ctx, input) => recordSale(ctx, input),
    voidSale: (ctx, input) => voidSaleOfMyStore(ctx, input),
    performance: async (ctx, input) =>
      clerkPerformance(ctx, (await requireStaff(ctx))._id, input.month),
    storeCampaignAudienceCount: async (ctx, input) =>
      storeAudienceCount(ctx, await requireStaff(ctx), input.segment),
    createStoreCampaign: async (ctx, input) =>
      createStoreCampaign(ctx, await requireStaff(ctx), input),
  },
})
