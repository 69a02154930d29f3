/** Creating campaigns: HQ's to any segment, a store manager's to their own store within HQ's limits. */
import { randomBytes } from 'node:crypto'
import { COLLECTIONS } from '../collections'
import type { CampaignDoc } from './documents'
import type { ClerkDoc } from '../staff/documents'
import { AppError } from '../platform/errors'
import { startOfShanghaiWeek } from '../platform/calendar'
import { campaignWeekKey, type Segment } from './rules/segments'
import { database } from '../platform/runtime/cloudbase'
import type { InvocationContext } from '../platform/runtime/define-function'
import { audienceCount, storeSegment } from './campaign-audience'
import { campaignViewOf } from './campaign-controls'
import { campaigns } from './campaign-dispatch'
import { loadCampaignLimits } from './campaign-limits'

interface CampaignInput {
  name: string
  segment: Segment
  templateKey: 'campaign'
  page: string
  fields: Record<string, string>
  sendAt?: string
}

async function insertCampaign(
  ctx: InvocationContext,
  input: CampaignInput,
  scope: CampaignDoc['scope'],
  storeId: string | null,
  createdBy: string,
) {
  const now = ctx.clock.now()
  const doc: CampaignDoc = {
    _id: `cmp_${now.getTime().toString(36)}${randomBytes(6).toString('hex')}`,
    name: input.name,
    scope,
    storeId,
    segment: input.segment,
    templateKey: 'campaign',
    page: input.page,
    fields: input.fields,
    status: 'scheduled',
    sendAt: input.sendAt ? new Date(input.sendAt) : now,
    createdAt: now,
    createdBy,
    startedAt: null,
    finishedAt: null,
    targeted: null,
    cursor: null,
    processed: 0,
    leaseId: null,
    leaseUntil: null,
  }
  await campaigns().add(doc)
  // HQ creates HQ campaigns; a store's manager (a clerk) creates the store's.
  return campaignViewOf(doc, scope === 'hq' ? 'hq-admin' : 'clerk')
}

export async function createCampaign(ctx: InvocationContext, by: string, input: CampaignInput) {
  return insertCampaign(ctx, input, 'hq', null, by)
}

// ---- limits for store campaigns (settings/campaigns) ----

/**
 * A store manager's campaign, within HQ's limits: the audience at most maxStoreAudience now, and
 * at most maxStoreCampaignsPerWeek per store per Shanghai week. The weekly count is a counter
 * document taken by a conditional increment (count < max), so concurrent creations cannot pass it.
 */
export async function createStoreCampaign(
  ctx: InvocationContext,
  clerk: ClerkDoc,
  input: CampaignInput,
) {
  const segment = storeSegment(clerk, input.segment)
  const limits = await loadCampaignLimits()
  const { count } = await audienceCount(ctx, segment)
  if (count > limits.maxStoreAudience) {
    throw new AppError(
      'CONFLICT',
      `目标会员 ${count} 人，超过总部设定的上限 ${limits.maxStoreAudience} 人`,
      'segment',
    )
  }
  const db = database()
  const _ = db.command
  const now = ctx.clock.now()
  const counterId = `storeCampaigns:${clerk.storeId}:${campaignWeekKey(startOfShanghaiWeek(now))}`
  const counters = db.collection(COLLECTIONS.counters.name)
  const take = async () =>
    (
      (await counters
        .where({ _id: counterId, value: _.lt(limits.maxStoreCampaignsPerWeek) })
        .update({ value: _.inc(1) })) as { updated: number }
    ).updated === 1
  let taken = await take()
  if (!taken && limits.maxStoreCampaignsPerWeek > 0) {
    try {
      await counters.add({ _id: counterId, value: 1 })
      taken = true
    } catch {
      taken = await take() // created concurrently: try the conditional increment once more
    }
  }
  if (!taken)
    throw new AppError('CONFLICT', `本周门店活动已达上限（${limits.maxStoreCampaignsPerWeek} 个）`)
  return insertCampaign(ctx, { ...input, segment }, 'store', clerk.storeId, `clerk:${clerk._id}`)
}

// ---- HQ controls ----
