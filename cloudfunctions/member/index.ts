import { memberInput, memberOutput } from '../../shared/membership/contract'
import { accessGuard } from '../../shared/flows/access'
import { defineFunction } from '../../shared/platform/runtime/define-function'
import { myCampaigns } from '../../shared/campaigns/member-campaigns'
import {
  claimCoupon,
  couponCentre,
  couponDetail,
  myCoupons,
} from '../../shared/coupons/coupon-service'
import { consentStatus, reportConsent } from '../../shared/campaigns/consent-service'
import {
  bindMember,
  deleteAccount,
  memberCode,
  memberProfile,
  myData,
  setBirthday,
  setPhone,
  storeCodeFor,
} from '../../shared/membership/member-service'
import { agreement } from '../../shared/membership/agreement-service'

export const main = defineFunction({
  name: 'member',
  input: memberInput,
  output: memberOutput,
  guard: accessGuard,
  policy: {
    bind: 'wechat',
    profile: 'member',
    setPhone: 'member',
    agreement: 'wechat',
    storeCode: 'wechat',
    memberCode: 'member',
    myData: 'member',
    deleteAccount: 'member',
    reportConsent: 'member',
    consentStatus: 'member',
    setBirthday: 'member',
    myCampaigns: 'member',
    couponCentre: 'member',
    claimCoupon: 'member',
    myCoupons: 'member',
    coupon: 'member',
  },
  handlers: {
    bind: (ctx, input) => bindMember(ctx, input),
    profile: (ctx) => memberProfile(ctx),
    setPhone: (ctx, input) => setPhone(ctx, input),
    agreement: (_ctx, input) => agreement(input.kind),
    storeCode: (_ctx, input) => storeCodeFor(input),
    memberCode: (ctx) => memberCode(ctx),
    myData: (ctx) => myData(ctx),
    deleteAccount: (ctx) => deleteAccount(ctx),
    reportConsent: (ctx, input) => reportConsent(ctx, input),
    consentStatus: (ctx) => consentStatus(ctx),
    setBirthday: (ctx, input) => setBirthday(ctx, input.birthday),
    myCampaigns: (ctx) => myCampaigns(ctx),
    couponCentre: (ctx) => couponCentre(ctx),
    claimCoupon: (ctx, input) => claimCoupon(ctx, input),
    myCoupons: (ctx, input) => myCoupons(ctx, input),
    coupon: (ctx, input) => couponDetail(ctx, input),
  },
})
