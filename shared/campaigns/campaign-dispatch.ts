/**
 * Subscribe-message campaigns: the dispatcher (timer) that sends them.
 *
 * Exactly-once per member and campaign: the dispatcher walks the segment in member _id order, in
 * bounded batches, and for each member with a consent credit first INSERTS the delivery row
 * `<campaignId>:<memberId>` (status 'claimed'), then spends the credit and a weekly-cap slot,
 * then sends, then records WeChat's answer on the row. The unique _id means a restarted or
 * concurrent dispatch that reaches the same member again fails the insert and moves on, so no
 * member is sent one campaign twice. A row left 'claimed' (the invocation died between claim and
 * answer) is NEVER retried: whether WeChat got the message is unknown, and a duplicate is worse
 * than a miss; after CLAIM_STALE_MS the dispatcher marks it failed ('interrupted') and it counts
 * as failed in the results.
 */
import { randomBytes } from 'node:crypto'
import { COLLECTIONS } from '../collections'
import { collection } from '../platform/db/collection'
import type { CampaignDeliveryDoc, CampaignDoc } from './documents'
import type { MemberDoc } from '../membership/documents'
import { startOfShanghaiWeek } from '../platform/calendar'
import {
  afterMember,
  campaignWeekKey,
  compileSegment,
  MEMBER_CAMPAIGNS_PER_WEEK,
} from './rules/segments'
import { database } from '../platform/runtime/cloudbase'
import type { InvocationContext } from '../platform/runtime/define-function'
import { ports } from '../platform/runtime/ports'
import { clearConsent, refundConsent, spendConsent } from './consent-service'
import { countQuery, toCloudbaseQuery } from './campaign-audience'
import { BATCH_SIZE, loadCampaignLimits } from './campaign-limits'
import { deliveryReward } from './delivery-rewards'
import { SUBSCRIBE_TEMPLATES } from './templates'

/** Sends in flight at once, the time one run may take, and how long a run holds a campaign. */
const SEND_CONCURRENCY = 50
const TIME_BUDGET_MS = 20_000
const LEASE_MS = 60_000
export const CLAIM_STALE_MS = 5 * 60_000

export const campaigns = () => database().collection(COLLECTIONS.campaigns.name)
const deliveries = () => database().collection(COLLECTIONS.campaignDeliveries.name)
export const campaignDocs = () => collection(COLLECTIONS.campaigns)
export const deliveryDocs = () => collection(COLLECTIONS.campaignDeliveries)

/**
 * One timer run: starts due scheduled campaigns and advances sending ones, each under a lease
 * (conditional update on leaseUntil, so two timer runs never walk one campaign at once), at most
 * `dispatchBatchesPerRun` (settings) batches of `dispatchBatchSize` members or TIME_BUDGET_MS in all.
 */
export async function dispatchCampaigns(ctx: InvocationContext) {
  const db = database()
  const _ = db.command
  const started = Date.now()
  const totals = {
    campaigns: 0,
    processed: 0,
    sent: 0,
    failed: 0,
    skipped: 0,
    finalized: 0,
    stopped: 0,
  }
  let batches = 0
  const now = () => ctx.clock.now()
  const limits = await loadCampaignLimits()
  const MAX_BATCHES_PER_INVOCATION = limits.dispatchBatchesPerRun ?? 20
  const batchSize = Math.min(1000, limits.dispatchBatchSize ?? BATCH_SIZE)
  const due = await campaignDocs().find(
    _.or([{ status: 'sending' }, { status: 'scheduled', sendAt: _.lte(now()) }]),
    { orderBy: ['sendAt', 'asc'], limit: 20 },
  )
  for (const candidate of due) {
    if (batches >= MAX_BATCHES_PER_INVOCATION || Date.now() - started > TIME_BUDGET_MS) break
    const leaseId = randomBytes(8).toString('hex')
    const at = now()
    const leased = (await campaigns()
      .where(
        _.and([
          { _id: candidate._id, status: _.in(['scheduled', 'sending']) },
          _.or([{ leaseUntil: null }, { leaseUntil: _.lt(at) }]),
        ]),
      )
      .update({ leaseId, leaseUntil: new Date(at.getTime() + LEASE_MS) })) as { updated: number }
    if (leased.updated !== 1) continue
    totals.campaigns++
    let campaign = candidate
    if (campaign.status === 'scheduled') {
      const startedAt = at
      const targeted = await countQuery(compileSegment(campaign.segment, startedAt))
      const res = (await campaigns()
        .where({ _id: campaign._id, status: 'scheduled', leaseId })
        .update({ status: 'sending', startedAt, targeted })) as { updated: number }
      if (res.updated !== 1) continue
      campaign = { ...campaign, status: 'sending', startedAt, targeted }
    }
    totals.finalized += await finalizeStaleClaims(campaign._id, at)
    const query = compileSegment(campaign.segment, campaign.startedAt!)
    let cursor = campaign.cursor
    let processed = campaign.processed
    for (;;) {
      if (batches >= MAX_BATCHES_PER_INVOCATION || Date.now() - started > TIME_BUDGET_MS) break
      batches++
      const page = await collection(COLLECTIONS.members).find(
        toCloudbaseQuery(db, afterMember(query, cursor)),
        { orderBy: ['_id', 'asc'], fields: ['_id', 'openid'], limit: batchSize },
      )
      const outcome = await sendBatch(ctx, campaign, page)
      totals.sent += outcome.sent
      totals.failed += outcome.failed
      totals.skipped += outcome.skipped
      if (outcome.halt) {
        // WeChat refused what we send to everyone: stop here (the cursor stays, so a resumed
        // campaign reaches the members this batch did not), and tell HQ why.
        await collection(COLLECTIONS.campaigns).updateIf(
          { _id: campaign._id, status: 'sending', leaseId },
          { status: 'stopped', stopReason: outcome.halt, leaseId: null, leaseUntil: null },
        )
        totals.stopped++
        break
      }
      totals.processed += page.length
      processed += page.length
      const last = page.length < batchSize
      if (page.length) cursor = page[page.length - 1]!._id
      // The cursor moves only under our lease and while the campaign is still sending: a stop wins.
      const patch = last
        ? {
            cursor,
            processed,
            status: 'done' as const,
            finishedAt: now(),
            leaseId: null,
            leaseUntil: null,
          }
        : { cursor, processed, leaseUntil: new Date(now().getTime() + LEASE_MS) }
      const moved = (await campaigns()
        .where({ _id: campaign._id, status: 'sending', leaseId })
        .update(patch)) as { updated: number }
      if (moved.updated !== 1 || last) break
    }
    await campaigns()
      .where({ _id: campaign._id, leaseId })
      .update({ leaseId: null, leaseUntil: null })
  }
  return totals
}

/** Rows claimed by an invocation that died before recording WeChat's answer: counted failed, never resent. */
export async function finalizeStaleClaims(campaignId: string, at: Date): Promise<number> {
  const _ = database().command
  const res = (await deliveries()
    .where({
      campaignId,
      status: 'claimed',
      claimedAt: _.lt(new Date(at.getTime() - CLAIM_STALE_MS)),
    })
    .update({ status: 'failed', reason: 'interrupted', doneAt: at })) as { updated: number }
  return res.updated
}

async function sendBatch(
  ctx: InvocationContext,
  campaign: CampaignDoc,
  members: Pick<MemberDoc, '_id' | 'openid'>[],
) {
  const db = database()
  const _ = db.command
  const out = { sent: 0, failed: 0, skipped: 0, halt: null as string | null }
  if (!members.length) return out
  // Who has a consent credit now: one read for the batch instead of one failed spend per member.
  const consents = await collection(COLLECTIONS.subscribeConsents).find(
    { _id: _.in(members.map((m) => `${m._id}:campaign`)), credits: _.gt(0) },
    { fields: ['memberId'], limit: 1000 },
  )
  const consenting = new Set(consents.map((c) => c.memberId))
  const weekKey = campaignWeekKey(startOfShanghaiWeek(ctx.clock.now()))
  const templateId = ports().templateId('campaign')
  const page = `${campaign.page}${campaign.page.includes('?') ? '&' : '?'}campaign=${campaign._id}`
  const data = Object.fromEntries(
    Object.entries(campaign.fields).map(([k, v]) => [k, { value: v }]),
  )
  const todo = members.filter((m) => consenting.has(m._id) && m.openid)
  for (let i = 0; i < todo.length; i += SEND_CONCURRENCY) {
    await Promise.all(
      todo.slice(i, i + SEND_CONCURRENCY).map(async (member) => {
        if (out.halt) return
        const id = `${campaign._id}:${member._id}`
        const row: CampaignDeliveryDoc = {
          _id: id,
          campaignId: campaign._id,
          memberId: member._id,
          openid: member.openid!,
          status: 'claimed',
          claimedAt: ctx.clock.now(),
        }
        // Claimed before (a restart or a concurrent run): this member is handled once, elsewhere.
        // Any other failure fails the run before the cursor moves, so the next run retries the batch.
        if (!(await deliveryDocs().insertOnce(row)).inserted) return
        const finish = (patch: Partial<CampaignDeliveryDoc>) =>
          deliveries()
            .doc(id)
            .update({ ...patch, doneAt: ctx.clock.now() })
        if (!(await spendConsent(member._id, 'campaign'))) {
          await deliveries().doc(id).remove() // credit spent meanwhile: no consent, as if never eligible
          return
        }
        if (!(await takeWeeklySlot(member._id, weekKey))) {
          await refundConsent(member._id, 'campaign')
          await finish({ status: 'skipped', reason: 'weeklyCap' })
          out.skipped++
          return
        }
        let result: { errcode: number; errmsg: string }
        try {
          result = await ports().wechat.sendSubscribeMessage({
            touser: member.openid!,
            templateId,
            page,
            data,
          })
        } catch (err) {
          // No answer from WeChat: the message may or may not have gone; not retried (see top).
          await finish({
            status: 'failed',
            reason: 'interrupted',
            errmsg: err instanceof Error ? err.message.slice(0, 200) : 'error',
          })
          out.failed++
          return
        }
        if (result.errcode === 0) {
          // Reached: the campaign's coupon, if it carries one (once per member, by its key).
          const couponId = campaign.couponTemplateId
            ? await deliveryReward()(ctx, campaign, member._id)
            : null
          await finish({ status: 'sent', errcode: 0, ...(couponId ? { couponId } : {}) })
          out.sent++
        } else if (campaignWideRefusal(result)) {
          // Our fault, the same for every recipient: the member's credit is not used, nothing is
          // recorded for them (a resumed campaign can still reach them), and the campaign stops.
          await releaseWeeklySlot(member._id, weekKey)
          await refundConsent(member._id, 'campaign')
          await deliveries().doc(id).remove()
          out.halt ??= campaignWideRefusal(result)
        } else {
          // 43101: the member holds no subscription, so our credit count was wrong.
          if (result.errcode === 43101) await clearConsent(member._id, 'campaign')
          // Refused by WeChat: the message did not reach them, so it does not count toward their week.
          await releaseWeeklySlot(member._id, weekKey)
          await finish({
            status: 'failed',
            errcode: result.errcode,
            errmsg: result.errmsg.slice(0, 200),
          })
          out.failed++
        }
      }),
    )
  }
  return out
}

/**
 * WeChat refusals that are the same for every recipient (our template id, our data, our page): the
 * Chinese reason HQ sees on the stopped campaign, or null for a refusal about one member.
 */
export function campaignWideRefusal(result: { errcode: number; errmsg: string }): string | null {
  switch (result.errcode) {
    case 47003: {
      // Said as HQ reads the form: the field's label, not WeChat's key or code.
      const key = /data\.([A-Za-z_]+\d*)/.exec(result.errmsg)?.[1]
      const label = SUBSCRIBE_TEMPLATES.campaign.fields.find((f) => f.key === key)?.label
      return `微信拒绝了消息内容：${label ? `「${label}」` : ''}不符合模板规则。活动已停止，会员的订阅次数未被使用，请修改活动内容后重新创建。`
    }
    case 40037:
      return '微信不认识活动模板（40037）：请检查部署变量 WECHAT_TEMPLATE_CAMPAIGN 后继续发送。会员的订阅次数未被使用。'
    case 41030:
      return '活动页面不在已发布的小程序中：请修改页面后重新创建。会员的订阅次数未被使用。'
    default:
      return null
  }
}

/** At most MEMBER_CAMPAIGNS_PER_WEEK per member and week: a conditional increment (count < cap). */
export async function takeWeeklySlot(memberId: string, weekKey: string): Promise<boolean> {
  const db = database()
  const _ = db.command
  const weeks = db.collection(COLLECTIONS.campaignWeeks.name)
  const id = `${memberId}:${weekKey}`
  const take = async () =>
    (
      (await weeks
        .where({ _id: id, count: _.lt(MEMBER_CAMPAIGNS_PER_WEEK) })
        .update({ count: _.inc(1) })) as { updated: number }
    ).updated === 1
  if (await take()) return true
  try {
    await weeks.add({ _id: id, memberId, week: weekKey, count: 1 })
    return true
  } catch {
    return take() // the week's row exists (full, or created concurrently)
  }
}

async function releaseWeeklySlot(memberId: string, weekKey: string) {
  const _ = database().command
  await database()
    .collection(COLLECTIONS.campaignWeeks.name)
    .where({ _id: `${memberId}:${weekKey}`, count: _.gt(0) })
    .update({ count: _.inc(-1) })
}

// ---- the member's campaign centre ----
