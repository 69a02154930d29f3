/**
 * Subscribe-message campaigns: the dispatcher (timer) that sends them.
 *
 * The walk: the members holding a campaign consent credit, in member id order (one read of
 * `subscribeConsents` per batch, by its memberId index), those of them in the segment (one read of
 * `members` by id), instead of every member of the segment: a campaign to 100,000 members of whom
 * 10,000 can receive it reads 10,000 rows, not 100,000. The cursor on the campaign is the last
 * member id walked: everyone up to it has been handled.
 *
 * Exactly-once per member and campaign, a wave of members at a time:
 *  1. CLAIM: one insert of the wave's delivery rows `<campaignId>:<memberId>` (status 'claimed',
 *     `claim` = the wave's token). The unique _id means a restarted or concurrent dispatch that
 *     reaches the same member again cannot claim it; on a duplicate the wave reads the keys back
 *     and keeps the rows carrying its token (insertManyUnlessTaken), inserting the free ones one
 *     by one.
 *  2. SPEND one credit per claimed member by one conditional update (consent-service: never below
 *     zero, once per member and campaign); a member whose credit went meanwhile loses the claim
 *     (the row is removed: as if never eligible).
 *  3. CAP: one slot of the member's week (weekly-slots); over the cap the credit is given back and
 *     the row is 'skipped'.
 *  4. SEND all at once, the answers recorded by one update per outcome.
 * Steps 1–4 run per wave of SEND_CONCURRENCY members (a crash strands at most one wave's claims,
 * as many as were in flight before), so about 5 round trips serve 50 messages.
 * A row left 'claimed' (the invocation died between claim and answer) is NEVER retried: whether
 * WeChat got the message is unknown, and a duplicate is worse than a miss; after CLAIM_STALE_MS
 * the dispatcher marks it failed ('interrupted') and it counts as failed in the results. Undoing
 * (refund, slot release) always happens before a row is removed, so a crash in between leaves a
 * claimed row (failed later), never a free member whose credit is still marked spent.
 */
import { randomBytes } from 'node:crypto'
import { COLLECTIONS } from '../collections'
import { collection } from '../platform/db/collection'
import type { CampaignDeliveryDoc, CampaignDoc } from './documents'
import type { MemberDoc } from '../membership/documents'
import { startOfShanghaiWeek } from '../platform/calendar'
import { amongMembers, campaignWeekKey, compileSegment, membersBetween } from './rules/segments'
import { database } from '../platform/runtime/cloudbase'
import type { InvocationContext } from '../platform/runtime/define-function'
import { ports } from '../platform/runtime/ports'
import {
  clearCampaignCredits,
  refundCampaignCredits,
  spendCampaignCredits,
} from './consent-service'
import { countQuery, toCloudbaseQuery } from './campaign-audience'
import { BATCH_SIZE, loadCampaignLimits } from './campaign-limits'
import { deliveryReward } from './delivery-rewards'
import { SUBSCRIBE_TEMPLATES } from './templates'
import { releaseWeeklySlots, takeWeeklySlots } from './weekly-slots'

/** Sends in flight at once, the time one run may take, and how long a run holds a campaign. */
const SEND_CONCURRENCY = 50
const TIME_BUDGET_MS = 20_000
const LEASE_MS = 60_000
export const CLAIM_STALE_MS = 5 * 60_000

export const campaigns = () => database().collection(COLLECTIONS.campaigns.name)
export const campaignDocs = () => collection(COLLECTIONS.campaigns)
export const deliveryDocs = () => collection(COLLECTIONS.campaignDeliveries)
const consentDocs = () => collection(COLLECTIONS.subscribeConsents)

/**
 * One timer run: starts due scheduled campaigns and advances sending ones, each under a lease
 * (conditional update on leaseUntil, so two timer runs never walk one campaign at once), at most
 * `dispatchBatchesPerRun` (settings) batches of `dispatchBatchSize` credit holders or
 * TIME_BUDGET_MS in all. `processed` counts the segment's members walked past (with or without a
 * credit), so progress reads against `targeted`: written when a run leaves the campaign.
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
    const processed = campaign.processed
    // Whether this run still holds the campaign's lease (not finished, stopped or taken over).
    let holding = true
    for (;;) {
      if (batches >= MAX_BATCHES_PER_INVOCATION || Date.now() - started > TIME_BUDGET_MS) break
      batches++
      // Who can receive it next: credit holders after the cursor, in member id order.
      const holders = await consentDocs().find(
        {
          templateKey: 'campaign',
          credits: _.gt(0),
          ...(cursor === null ? {} : { memberId: _.gt(cursor) }),
        },
        { orderBy: ['memberId', 'asc'], fields: ['memberId'], limit: batchSize },
      )
      const last = holders.length < batchSize
      const through = holders.length ? holders[holders.length - 1]!.memberId : cursor
      const recipients = holders.length
        ? await collection(COLLECTIONS.members).find(
            toCloudbaseQuery(
              db,
              amongMembers(
                query,
                holders.map((h) => h.memberId),
              ),
            ),
            { fields: ['_id', 'openid'], limit: 1000 },
          )
        : []
      const outcome = await sendBatch(ctx, campaign, recipients, `${leaseId}:${batches}`)
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
        holding = false
        break
      }
      // The cursor moves only under our lease and while the campaign is still sending: a stop wins.
      const patch = last
        ? {
            cursor: through,
            processed: await countQuery(query),
            status: 'done' as const,
            finishedAt: now(),
            leaseId: null,
            leaseUntil: null,
          }
        : { cursor: through, leaseUntil: new Date(now().getTime() + LEASE_MS) }
      const moved = (await campaigns()
        .where({ _id: campaign._id, status: 'sending', leaseId })
        .update(patch)) as { updated: number }
      if (moved.updated !== 1) break // stopped by HQ, or the lease lapsed and another run took it
      cursor = through
      if (last) {
        totals.processed += patch.processed! - processed
        holding = false
        break
      }
    }
    if (!holding) continue
    // Progress, once per run: the segment's members up to the cursor (a count over the range the
    // members' _id index orders on CloudBase). A run that died leaves it behind until the next one.
    const progress =
      cursor !== null && cursor !== campaign.cursor
        ? await countQuery(membersBetween(query, null, cursor))
        : processed
    const released = (await campaigns()
      .where({ _id: campaign._id, leaseId })
      .update({ leaseId: null, leaseUntil: null, processed: progress })) as { updated: number }
    if (released.updated === 1) totals.processed += progress - processed
  }
  return totals
}

/** Rows claimed by an invocation that died before recording WeChat's answer: counted failed, never resent. */
export async function finalizeStaleClaims(campaignId: string, at: Date): Promise<number> {
  const _ = database().command
  return deliveryDocs().updateWhere(
    {
      campaignId,
      status: 'claimed',
      claimedAt: _.lt(new Date(at.getTime() - CLAIM_STALE_MS)),
    },
    { status: 'failed', reason: 'interrupted', doneAt: at },
  )
}

/**
 * Claims the rows in one insert; the members whose row this batch holds. On a duplicate (a
 * restart, a concurrent run) the keys are read back: rows carrying `claim` are ours (a database
 * that kept part of the insert), absent ones are inserted one by one, others belong elsewhere.
 */
async function claimDeliveries(rows: CampaignDeliveryDoc[], claim: string): Promise<Set<string>> {
  if (await deliveryDocs().insertManyUnlessTaken(rows)) return new Set(rows.map((r) => r.memberId))
  const _ = database().command
  const held = new Map(
    (
      await deliveryDocs().find(
        { _id: _.in(rows.map((r) => r._id)) },
        { fields: ['claim'], limit: 1000 },
      )
    ).map((row) => [row._id, row.claim]),
  )
  const mine = new Set<string>()
  await Promise.all(
    rows.map(async (row) => {
      if (!held.has(row._id)) {
        if ((await deliveryDocs().insertOnce(row)).inserted) mine.add(row.memberId)
      } else if (held.get(row._id) === claim) mine.add(row.memberId)
    }),
  )
  return mine
}

type SendAnswer =
  | { kind: 'sent'; couponId: string | null }
  | { kind: 'refused'; errcode: number; errmsg: string }
  | { kind: 'halt'; reason: string }
  | { kind: 'noAnswer'; errmsg: string }

async function sendBatch(
  ctx: InvocationContext,
  campaign: CampaignDoc,
  members: Pick<MemberDoc, '_id' | 'openid'>[],
  batchToken: string,
) {
  const out = { sent: 0, failed: 0, skipped: 0, halt: null as string | null }
  const openids = new Map(members.filter((m) => m.openid).map((m) => [m._id, m.openid!]))
  const reachable = [...openids.keys()]
  const weekKey = campaignWeekKey(startOfShanghaiWeek(ctx.clock.now()))
  for (let i = 0; i < reachable.length && !out.halt; i += SEND_CONCURRENCY) {
    const wave = reachable.slice(i, i + SEND_CONCURRENCY)
    const tally = await sendWave(ctx, campaign, wave, openids, weekKey, `${batchToken}:${i}`)
    out.sent += tally.sent
    out.failed += tally.failed
    out.skipped += tally.skipped
    out.halt = tally.halt
  }
  return out
}

/**
 * One wave of at most SEND_CONCURRENCY members, claimed, spent and capped together and sent at
 * once: a crash strands at most one wave's claims (never resent, failed once stale).
 */
async function sendWave(
  ctx: InvocationContext,
  campaign: CampaignDoc,
  wave: string[],
  openids: Map<string, string>,
  weekKey: string,
  claim: string,
) {
  const _ = database().command
  const out = { sent: 0, failed: 0, skipped: 0, halt: null as string | null }
  const cid = campaign._id
  const rowsOf = (ids: Iterable<string>) => ({ _id: _.in([...ids].map((id) => `${cid}:${id}`)) })
  const claimedAt = ctx.clock.now()
  const claimed = await claimDeliveries(
    wave.map((memberId) => ({
      _id: `${cid}:${memberId}`,
      campaignId: cid,
      memberId,
      openid: openids.get(memberId)!,
      status: 'claimed',
      claimedAt,
      claim,
    })),
    claim,
  )
  const spent = await spendCampaignCredits([...claimed], cid)
  // Credit spent meanwhile (another campaign): no consent, as if never eligible.
  const unspent = [...claimed].filter((id) => !spent.has(id))
  if (unspent.length) await deliveryDocs().removeWhere({ ...rowsOf(unspent), claim })
  const slotted = await takeWeeklySlots([...spent], weekKey, cid)
  const capped = [...spent].filter((id) => !slotted.has(id))
  if (capped.length) {
    await refundCampaignCredits(capped, cid)
    await deliveryDocs().updateWhere(
      { ...rowsOf(capped), status: 'claimed' },
      { status: 'skipped', reason: 'weeklyCap', doneAt: ctx.clock.now() },
    )
    out.skipped += capped.length
  }

  const templateId = ports().templateId('campaign')
  const page = `${campaign.page}${campaign.page.includes('?') ? '&' : '?'}campaign=${cid}`
  const data = Object.fromEntries(
    Object.entries(campaign.fields).map(([k, v]) => [k, { value: v }]),
  )
  const send = async (memberId: string): Promise<SendAnswer> => {
    let result: { errcode: number; errmsg: string }
    try {
      result = await ports().wechat.sendSubscribeMessage({
        touser: openids.get(memberId)!,
        templateId,
        page,
        data,
      })
    } catch (err) {
      // No answer from WeChat: the message may or may not have gone; not retried (see top).
      return {
        kind: 'noAnswer',
        errmsg: err instanceof Error ? err.message.slice(0, 200) : 'error',
      }
    }
    if (result.errcode === 0) {
      // Reached: the campaign's coupon, if it carries one (once per member, by its key).
      const couponId = campaign.couponTemplateId
        ? await deliveryReward()(ctx, campaign, memberId)
        : null
      return { kind: 'sent', couponId }
    }
    const halt = campaignWideRefusal(result)
    if (halt) return { kind: 'halt', reason: halt }
    return { kind: 'refused', errcode: result.errcode, errmsg: result.errmsg.slice(0, 200) }
  }
  const answers = await Promise.all(
    [...slotted].map(async (memberId) => ({ memberId, answer: await send(memberId) })),
  )
  const halted = answers.filter((a) => a.answer.kind === 'halt').map((a) => a.memberId)
  const recorded = await recordWave(ctx, cid, answers, weekKey)
  out.sent += recorded.sent
  out.failed += recorded.failed
  if (halted.length) {
    // Our fault, the same for every recipient: their credit and week slot are given back and
    // their row removed (in that order: see top), so a resumed campaign can still reach them.
    const first = answers.find((a) => a.answer.kind === 'halt')!.answer as { reason: string }
    out.halt = first.reason
    await Promise.all([
      releaseWeeklySlots(halted, weekKey, cid),
      refundCampaignCredits(halted, cid),
    ])
    await deliveryDocs().removeWhere({ ...rowsOf(halted), claim })
  }
  return out
}

/**
 * Records a wave's answers on its rows: one update for all plain sends, one per kind of failure
 * (the same errcode and errmsg), one per member given a coupon. A refusal about one member gives
 * their week's slot back (the message did not reach them), not the credit (the attempt used it);
 * 43101 (they hold no subscription: our count was wrong) sets their credits to 0.
 */
async function recordWave(
  ctx: InvocationContext,
  campaignId: string,
  answers: { memberId: string; answer: SendAnswer }[],
  weekKey: string,
): Promise<{ sent: number; failed: number }> {
  const _ = database().command
  const doneAt = ctx.clock.now()
  const rowsOf = (ids: string[]) => ({ _id: _.in(ids.map((id) => `${campaignId}:${id}`)) })
  const writes: Promise<unknown>[] = []
  const plain: string[] = []
  const failures = new Map<string, { patch: Partial<CampaignDeliveryDoc>; ids: string[] }>()
  const refused: string[] = []
  const noSubscription: string[] = []
  let sent = 0
  let failed = 0
  const fail = (memberId: string, patch: Partial<CampaignDeliveryDoc>) => {
    const key = JSON.stringify(patch)
    const group = failures.get(key) ?? { patch, ids: [] }
    group.ids.push(memberId)
    failures.set(key, group)
    failed++
  }
  for (const { memberId, answer } of answers) {
    switch (answer.kind) {
      case 'sent':
        sent++
        if (answer.couponId)
          writes.push(
            deliveryDocs().update(`${campaignId}:${memberId}`, {
              status: 'sent',
              errcode: 0,
              couponId: answer.couponId,
              doneAt,
            }),
          )
        else plain.push(memberId)
        break
      case 'refused':
        refused.push(memberId)
        if (answer.errcode === 43101) noSubscription.push(memberId)
        fail(memberId, { status: 'failed', errcode: answer.errcode, errmsg: answer.errmsg })
        break
      case 'noAnswer':
        fail(memberId, { status: 'failed', reason: 'interrupted', errmsg: answer.errmsg })
        break
      case 'halt':
        break
    }
  }
  if (plain.length)
    writes.push(deliveryDocs().updateWhere(rowsOf(plain), { status: 'sent', errcode: 0, doneAt }))
  for (const { patch, ids } of failures.values())
    writes.push(deliveryDocs().updateWhere(rowsOf(ids), { ...patch, doneAt }))
  if (refused.length) writes.push(releaseWeeklySlots(refused, weekKey, campaignId))
  if (noSubscription.length) writes.push(clearCampaignCredits(noSubscription))
  await Promise.all(writes)
  return { sent, failed }
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
    case 45009:
      // The account's daily quota (every campaign and reminder shares it): later sends today
      // would all be refused, so the campaign waits for HQ to resume it on another day.
      return '今日微信订阅消息的发送量已达上限：活动已停止，未收到的会员订阅次数未被使用，明天可在活动列表中继续发送。'
    case 41030:
      return '活动页面不在已发布的小程序中：请修改页面后重新创建。会员的订阅次数未被使用。'
    default:
      return null
  }
}

// ---- the member's campaign centre ----
