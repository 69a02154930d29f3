import '../../shared/flows/payment-owners'
import { pointsInput, pointsOutput } from '../../shared/points/contract'
import { accessGuard } from '../../shared/flows/access'
import { defineFunction } from '../../shared/platform/runtime/define-function'
import { catalogGift, listCatalog } from '../../shared/gifts/gift-service'
import { pointsHistory, pointsSummary } from '../../shared/points/points-views'
import {
  cancelMyRedemption,
  payRedemption,
  redeemForMail,
  redemptionDetail,
} from '../../shared/flows/mail-redemption'
import { myRedemptions, redeemGift } from '../../shared/flows/redemption'
import { exchangeForCoupon, withCouponTerms } from '../../shared/flows/coupon-exchange'

export const main = defineFunction({
  name: 'points',
  input: pointsInput,
  output: pointsOutput,
  guard: accessGuard,
  policy: {
    gifts: 'wechat',
    gift: 'wechat',
    redeem: 'member',
    ledger: 'member',
    summary: 'member',
    myRedemptions: 'member',
    redemption: 'member',
    payRedemption: 'member',
    cancelRedemption: 'member',
  },
  handlers: {
    gifts: async () => withCouponTerms(await listCatalog()),
    gift: async (_ctx, input) => (await withCouponTerms([await catalogGift(input.giftId)]))[0]!,
    redeem: (ctx, input) =>
      input.fulfilment === 'mail'
        ? redeemForMail(ctx, input)
        : input.fulfilment === 'coupon'
          ? exchangeForCoupon(ctx, input)
          : redeemGift(ctx, input),
    ledger: (ctx, input) => pointsHistory(ctx, input),
    summary: (ctx) => pointsSummary(ctx),
    myRedemptions: (ctx, input) => myRedemptions(ctx, input),
    redemption: (ctx, input) => redemptionDetail(ctx, input),
    payRedemption: (ctx, input) => payRedemption(ctx, input),
    cancelRedemption: (ctx, input) => cancelMyRedemption(ctx, input),
  },
})
