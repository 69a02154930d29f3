/** A store manager's view of their store's campaigns: the list with HQ's limits, and results. */
import { COLLECTIONS } from '../collections'
import type { ClerkDoc } from '../staff/documents'
import { AppError } from '../platform/errors'
import { startOfShanghaiWeek } from '../platform/calendar'
import { collection } from '../platform/db/collection'
import type { InvocationContext } from '../platform/runtime/define-function'
import { campaignWeekKey } from './rules/segments'
import { campaignResults, campaignViewOf } from './campaign-controls'
import { campaignDocs } from './campaign-dispatch'
import { loadCampaignLimits } from './campaign-limits'

function requireManager(clerk: ClerkDoc): void {
  if (!clerk.isManager) throw new AppError('FORBIDDEN', '仅店长可以查看门店活动')
}

/** The store's campaigns (newest first), HQ's limits and how many this week has used: 3 reads in parallel. */
export async function storeCampaigns(ctx: InvocationContext, clerk: ClerkDoc) {
  requireManager(clerk)
  // The same counter createStoreCampaign takes its weekly slot from.
  const counterId = `storeCampaigns:${clerk.storeId}:${campaignWeekKey(startOfShanghaiWeek(ctx.clock.now()))}`
  const [limits, list, counter] = await Promise.all([
    loadCampaignLimits(),
    campaignDocs().find({ storeId: clerk.storeId }, { orderBy: ['createdAt', 'desc'], limit: 50 }),
    collection(COLLECTIONS.counters).get(counterId),
  ])
  return {
    maxStoreCampaignsPerWeek: limits.maxStoreCampaignsPerWeek,
    maxStoreAudience: limits.maxStoreAudience,
    usedThisWeek: counter?.value ?? 0,
    items: list.map((c) => campaignViewOf(c, 'clerk')),
  }
}

/** One of the store's campaigns with its results; another store's is not found. */
export async function storeCampaignResults(
  ctx: InvocationContext,
  clerk: ClerkDoc,
  campaignId: string,
) {
  requireManager(clerk)
  const campaign = await campaignDocs().get(campaignId)
  if (!campaign || campaign.storeId !== clerk.storeId) throw new AppError('NOT_FOUND', '活动不存在')
  return campaignResults(ctx, campaignId, 'clerk')
}
