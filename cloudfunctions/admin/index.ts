import { adminInput, adminOutput } from '../../shared/contract/admin'
import { defineFunction } from '../../shared/runtime/define-function'
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
  transferMembers,
} from '../../shared/services/admin-service'
import { adjustGiftStock, createGift, listGiftsForAdmin, updateGift } from '../../shared/services/gift-service'
import { adjustPointsByMemberNo } from '../../shared/services/points-admin-service'
import { loadPointsRules, savePointsRules } from '../../shared/services/points-rules-service'
import { memberPointsForAdmin } from '../../shared/services/points-views'
import { cancelRedemption } from '../../shared/services/redemption-service'

export const main = defineFunction({
  name: 'admin',
  input: adminInput,
  output: adminOutput,
  handlers: {
    login: (ctx, input) => login(ctx, input),
    logout: (ctx) => logout(ctx),
    createStore: (ctx, input) => adminAction(ctx, 'write', input, () => createStore(ctx, input)),
    listStores: (ctx) => adminAction(ctx, 'read', {}, () => listStores()),
    listClerks: (ctx, input) => adminAction(ctx, 'read', input, () => listClerks(input)),
    createStaffInvite: (ctx, input) => adminAction(ctx, 'write', input, (s) => createStaffInvite(ctx, s, input)),
    disableClerk: (ctx, input) => adminAction(ctx, 'write', input, () => disableClerk(ctx, input)),
    transferMembers: (ctx, input) => adminAction(ctx, 'write', input, (s) => transferMembers(ctx, s, input)),
    codeImage: (ctx, input) => adminAction(ctx, 'read', input, () => codeImage(input)),
    setAttributionPolicy: (ctx, input) => adminAction(ctx, 'write', input, () => setAttributionPolicy(input)),
    pointsRules: (ctx) => adminAction(ctx, 'read', {}, () => loadPointsRules()),
    setPointsRules: (ctx, input) => adminAction(ctx, 'write', input, () => savePointsRules(input)),
    adjustPoints: (ctx, input) => adminAction(ctx, 'write', input, (s) => adjustPointsByMemberNo(ctx, s, input)),
    memberPoints: (ctx, input) => adminAction(ctx, 'read', input, () => memberPointsForAdmin(ctx, input)),
    listGifts: (ctx, input) => adminAction(ctx, 'read', input, () => listGiftsForAdmin(input)),
    createGift: (ctx, input) => adminAction(ctx, 'write', { ...input, images: input.images.length }, () => createGift(ctx, input)),
    updateGift: (ctx, input) => adminAction(ctx, 'write', { ...input, images: input.images?.length }, () => updateGift(ctx, input)),
    adjustGiftStock: (ctx, input) => adminAction(ctx, 'write', input, () => adjustGiftStock(ctx, input)),
    cancelRedemption: (ctx, input) => adminAction(ctx, 'write', input, (s) => cancelRedemption(ctx, s, input)),
  },
})
