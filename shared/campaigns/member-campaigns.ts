/** The member's campaign centre: what was sent to them. */
import { database } from '../platform/runtime/cloudbase'
import type { InvocationContext } from '../platform/runtime/define-function'
import { namesFor } from '../staff/lookups'
import { requireMember } from '../membership/lookups'
import { campaignDocs, deliveryDocs } from './campaign-dispatch'

const CAMPAIGN_CENTRE_SIZE = 50

/** The campaigns sent to the caller (delivered by WeChat), newest first: three round trips and the store names. */
export async function myCampaigns(ctx: InvocationContext) {
  const member = await requireMember(ctx)
  const _ = database().command
  const sent = await deliveryDocs().find(
    { memberId: member._id, status: 'sent' },
    { orderBy: ['doneAt', 'desc'], fields: ['campaignId', 'doneAt'], limit: CAMPAIGN_CENTRE_SIZE },
  )
  if (!sent.length) return { items: [] }
  const found = await campaignDocs().find(
    { _id: _.in(sent.map((d) => d.campaignId)) },
    { fields: ['name', 'storeId', 'page', 'fields'], limit: CAMPAIGN_CENTRE_SIZE },
  )
  const byId = new Map(found.map((c) => [c._id, c]))
  const storeIds = found.flatMap((c) => (c.storeId ? [c.storeId] : []))
  const names = storeIds.length ? await namesFor(storeIds, []) : null
  return {
    items: sent.flatMap((delivery) => {
      const campaign = byId.get(delivery.campaignId)
      if (!campaign) return []
      return [
        {
          campaignId: campaign._id,
          title: campaign.name,
          lines: Object.values(campaign.fields),
          storeName: campaign.storeId ? (names?.stores.get(campaign.storeId) ?? '') : null,
          page: campaign.page,
          sentAt: delivery.doneAt!.toISOString(),
        },
      ]
    }),
  }
}

// ---- results ----
