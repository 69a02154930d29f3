import { memberInput, memberOutput } from '../../shared/membership/contract'
import { accessGuard } from '../../shared/flows/access'
import { defineFunction } from '../../shared/platform/runtime/define-function'
import { myCampaigns } from '../../shared/campaigns/member-campaigns'
import { consentStatus, reportConsent } from '../../shared/campaigns/consent-service'
import {
  bindMember,
  deleteAccount,
  memberCode,
  memberProfile,
  myData,
  setBirthday,
} from '../../shared/membership/member-service'

export const main = defineFunction({
  name: 'member',
  input: memberInput,
  output: memberOutput,
  guard: accessGuard,
  policy: {
    bind: 'wechat',
    profile: 'member',
    memberCode: 'member',
    myData: 'member',
    deleteAccount: 'member',
    reportConsent: 'member',
    consentStatus: 'member',
    setBirthday: 'member',
    myCampaigns: 'member',
  },
  handlers: {
    bind: (ctx, input) => bindMember(ctx, input),
    profile: (ctx) => memberProfile(ctx),
    memberCode: (ctx) => memberCode(ctx),
    myData: (ctx) => myData(ctx),
    deleteAccount: (ctx) => deleteAccount(ctx),
    reportConsent: (ctx, input) => reportConsent(ctx, input),
    consentStatus: (ctx) => consentStatus(ctx),
    setBirthday: (ctx, input) => setBirthday(ctx, input.birthday),
    myCampaigns: (ctx) => myCampaigns(ctx),
  },
})
