import { memberInput, memberOutput } from '../../shared/contract/member'
import { defineFunction } from '../../shared/runtime/define-function'
import { reportConsent } from '../../shared/services/consent-service'
import { bindMember, deleteAccount, memberCode, memberProfile, myData } from '../../shared/services/member-service'

export const main = defineFunction({
  name: 'member',
  input: memberInput,
  output: memberOutput,
  handlers: {
    bind: (ctx, input) => bindMember(ctx, input),
    profile: (ctx) => memberProfile(ctx),
    memberCode: (ctx) => memberCode(ctx),
    myData: (ctx) => myData(ctx),
    deleteAccount: (ctx) => deleteAccount(ctx),
    reportConsent: (ctx, input) => reportConsent(ctx, input),
  },
})
