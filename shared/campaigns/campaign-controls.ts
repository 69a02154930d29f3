/** HQ's controls over campaigns (list, stop, resume, send now), their views and results. */
import type { z } from 'zod'
import type { campaignView } from './contract'
import { COLLECTIONS } from '../collections'
import { collection } from '../platform/db/collection'
import type { CampaignDeliveryDoc, CampaignDoc } from './documents'
import { AppError } from '../platform/errors'
import { tallyDeliveries } from './rules/segments'
import { sendFailures } from './rules/send-failures'
import { database } from '../platform/runtime/cloudbase'
import type { InvocationContext } from '../platform/runtime/define-function'
import type { Actor } from '../platform/lifecycle'
import {
  CAMPAIGN_STATUS_LABELS,
  CAMPAIGN_TRANSITIONS,
  nextCampaignActions,
  resumeEvent,
  statusesAllowing,
  type CampaignEvent,
} from './lifecycle'
import { campaignDocs, campaigns, deliveryDocs, finalizeStaleClaims } from './campaign-dispatch'

const DAY_MS = 86_400_000

/** The campaign as `actor` sees it: its status's label and what that caller may do next. */
export function campaignViewOf(
  c: CampaignDoc,
  actor: Actor,
): z.infer<ReturnType<typeof campaignView>> {
  return {
    campaignId: c._id,
    name: c.name,
    scope: c.scope,
    storeId: c.storeId,
    status: c.status,
    statusLabel: CAMPAIGN_STATUS_LABELS[c.status],
    actions: nextCampaignActions(c, actor),
    segment: c.segment as Record<string, unknown>,
    page: c.page,
    fields: c.fields,
    sendAt: c.sendAt.toISOString(),
    createdAt: c.createdAt.toISOString(),
    createdBy: c.createdBy,
    startedAt: c.startedAt?.toISOString() ?? null,
    finishedAt: c.finishedAt?.toISOString() ?? null,
    targeted: c.targeted,
    processed: c.processed,
    stopReason: c.stopReason ?? null,
    couponTemplateId: c.couponTemplateId ?? null,
  }
}

async function getCampaign(campaignId: string): Promise<CampaignDoc> {
  const doc = await campaignDocs().get(campaignId)
  if (!doc) throw new AppError('NOT_FOUND', '活动不存在', 'campaignId')
  return doc
}

export async function listCampaigns(input: { status?: CampaignDoc['status'] }, actor: Actor) {
  const list = await campaignDocs().find(input.status ? { status: input.status } : {}, {
    orderBy: ['createdAt', 'desc'],
    limit: 200,
  })
  return { items: list.map((c) => campaignViewOf(c, actor)) }
}

/**
 * HQ's state changes: the table (campaigns/lifecycle.ts) names the statuses an event may start from
 * and where it goes; the conditional update on the current status applies it, so a stop and a
 * finishing dispatch cannot both win.
 */
async function transition(
  campaignId: string,
  event: CampaignEvent,
  patch: Partial<CampaignDoc>,
  refusal: string,
) {
  const _ = database().command
  const from = statusesAllowing(event)
  const to = from.map((s) => CAMPAIGN_TRANSITIONS[s][event])[0]
  const res = (await campaigns()
    .where({ _id: campaignId, status: _.in(from) })
    .update({ ...patch, ...(to ? { status: to } : {}) })) as { updated: number }
  if (res.updated !== 1) {
    await getCampaign(campaignId)
    throw new AppError('CONFLICT', refusal)
  }
  // Only HQ's admins write (an analyst is refused before this).
  return campaignViewOf(await getCampaign(campaignId), 'hq-admin')
}

export const stopCampaign = (campaignId: string) =>
  transition(campaignId, 'stop', { leaseId: null, leaseUntil: null }, '活动已结束或已停止')

/** Resumes where it stopped: a campaign that had started goes on from its cursor. */
export async function resumeCampaign(campaignId: string) {
  const doc = await getCampaign(campaignId)
  return transition(campaignId, resumeEvent(doc), { stopReason: null }, '只有已停止的活动可以继续')
}

export const sendCampaignNow = (ctx: InvocationContext, campaignId: string) =>
  transition(campaignId, 'sendNow', { sendAt: ctx.clock.now() }, '只有待发送的活动可以立即发送')

// ---- dispatch (timer) ----

export async function campaignResults(ctx: InvocationContext, campaignId: string, actor: Actor) {
  const db = database()
  const _ = db.command
  const campaign = await getCampaign(campaignId)
  await finalizeStaleClaims(campaignId, ctx.clock.now())
  const rows: Pick<
    CampaignDeliveryDoc,
    '_id' | 'status' | 'errcode' | 'reason' | 'memberId' | 'doneAt'
  >[] = []
  let after = ''
  for (;;) {
    const page = await deliveryDocs().find(
      { campaignId, _id: _.gt(after) },
      {
        orderBy: ['_id', 'asc'],
        fields: ['status', 'errcode', 'reason', 'memberId', 'doneAt'],
        limit: 1000,
      },
    )
    rows.push(...page)
    if (page.length < 1000) break
    after = page[page.length - 1]!._id
  }
  const tally = tallyDeliveries(rows)
  let ordered = 0
  const sent = rows.filter((r) => r.status === 'sent' && r.doneAt)
  for (let i = 0; i < sent.length; i += 1000) {
    const chunk = sent.slice(i, i + 1000)
    const since = new Date(Math.min(...chunk.map((r) => r.doneAt!.getTime())))
    const members = await collection(COLLECTIONS.members).find(
      { _id: _.in(chunk.map((r) => r.memberId)), lastPurchaseAt: _.gte(since) },
      { fields: ['lastPurchaseAt'], limit: 1000 },
    )
    const sentAt = new Map(chunk.map((r) => [r.memberId, r.doneAt!.getTime()]))
    for (const m of members) {
      const t = sentAt.get(m._id)!
      const p = new Date(m.lastPurchaseAt!).getTime()
      if (p >= t && p <= t + 7 * DAY_MS) ordered++
    }
  }
  const targeted = campaign.targeted ?? 0
  const eligible = tally.sent + tally.failed + tally.inFlight + tally.skippedCap
  return {
    campaign: campaignViewOf(campaign, actor),
    targeted,
    eligible,
    noConsent:
      campaign.status === 'done'
        ? Math.max(0, targeted - eligible)
        : Math.max(0, campaign.processed - eligible),
    skippedCap: tally.skippedCap,
    sent: tally.sent,
    failed: tally.failed,
    failedByCode: tally.failedByCode,
    failures: sendFailures(tally.failedByCode),
    inFlight: tally.inFlight,
    orderedWithin7Days: ordered,
  }
}
