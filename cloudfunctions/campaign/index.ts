import { campaignInput, campaignOutput } from '../../shared/contract/campaign'
import { defineFunction, requireTimer } from '../../shared/runtime/define-function'
import { dispatchCampaigns } from '../../shared/services/campaign-service'

export const main = defineFunction({
  name: 'campaign',
  input: campaignInput,
  output: campaignOutput,
  handlers: {
    dispatch: async (ctx) => {
      requireTimer(ctx)
      return dispatchCampaigns(ctx)
    },
  },
})
