import { pointsInput, pointsOutput } from '../../shared/contract/points'
import { defineFunction } from '../../shared/runtime/define-function'
import { catalogGift, listCatalog } from '../../shared/services/gift-service'
import { expireDuePoints } from '../../shared/services/points-account-service'
import { pointsHistory, pointsSummary } from '../../shared/services/points-views'
import {
  cancelMyRedemption,
  expireMailRedemptions,
  payRedemption,
  redeemForMail,
  redemptionDetail,
} from '../../shared/services/mail-redemption-service'
import {
  myRedemptions,
  redeemGift,
  repairRedemptions,
} from '../../shared/services/redemption-service'
import { runAsTimer } from '../../shared/services/system-jobs'

export const main = defineFunction({
  name: 'points',
  input: pointsInput,
  output: pointsOutput,
  handlers: {
    gifts: () => listCatalog(),
    gift: (_ctx, input) => catalogGift(input.giftId),
    redeem: (ctx, input) =>
      input.fulfilment === 'mail' ? redeemForMail(ctx, input) : redeemGift(ctx, input),
    ledger: (ctx, input) => pointsHistory(ctx, input),
    summary: (ctx) => pointsSummary(ctx),
    myRedemptions: (ctx, input) => myRedemptions(ctx, input),
    redemption: (ctx, input) => redemptionDetail(ctx, input),
    payRedemption: (ctx, input) => payRedemption(ctx, input),
    cancelRedemption: (ctx, input) => cancelMyRedemption(ctx, input),
    expirePoints: (ctx) => runAsTimer(ctx, () => expireDuePoints(ctx)),
    repairRedemptions: (ctx) => runAsTimer(ctx, () => repairRedemptions(ctx)),
    expireMailRedemptions: (ctx) => runAsTimer(ctx, () => expireMailRedemptions(ctx)),
  },
})
