import { campaignInput, campaignOutput } from '../../shared/campaigns/contract'
import { defineFunction, requireTimer } from '../../shared/platform/runtime/define-function'
import { dispatchCampaigns } from '../../shared/campaigns/campaign-service'

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
