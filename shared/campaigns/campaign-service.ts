/**
 * Subscribe-message campaigns to member segments.
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
import type { z } from 'zod'
import type { campaignView } from './contract'
import { COLLECTIONS } from '../collections'
import type { CampaignDeliveryDoc, CampaignDoc } from './documents'
import type { MemberDoc } from '../membership/documents'
import type { ClerkDoc } from '../staff/documents'
import { AppError } from '../platform/errors'
import { startOfShanghaiWeek } from '../platform/calendar'
import {
  afterMember,
  campaignWeekKey,
  compileSegment,
  MEMBER_CAMPAIGNS_PER_WEEK,
  tallyDeliveries,
  type Query,
  type Segment,
} from './rules/segments'
import { database } from '../platform/runtime/cloudbase'
import type { InvocationContext } from '../platform/runtime/define-function'
import { ports } from '../platform/runtime/ports'
import { isDbError } from '../platform/runtime/transaction'
import { clearConsent, refundConsent, spendConsent } from './consent-service'
import { sendFailures } from './rules/send-failures'
import { SUBSCRIBE_TEMPLATES } from './templates'
import { namesFor } from '../staff/lookups'
import { requireMember } from '../membership/lookups'
import type { Actor } from '../platform/lifecycle'
import {
  CAMPAIGN_STATUS_LABELS,
  CAMPAIGN_TRANSITIONS,
  nextCampaignActions,
  resumeEvent,
  statusesAllowing,
  type CampaignEvent,
} from './lifecycle'

type Rows<T> = { data: T[] }
type Db = ReturnType<typeof database>

/** Members read per batch (settings may lower it), sends in flight at once, and the time one run may take. */
export const BATCH_SIZE = 500
const SEND_CONCURRENCY = 50
const TIME_BUDGET_MS = 20_000
const LEASE_MS = 60_000
export const CLAIM_STALE_MS = 5 * 60_000
const DAY_MS = 86_400_000

const campaigns = () => database().collection(COLLECTIONS.campaigns.name)
const deliveries = () => database().collection(COLLECTIONS.campaignDeliveries.name)

/** The pure rules' MongoDB-style query as CloudBase `db.command` conditions. */
export function toCloudbaseQuery(db: Db, query: Query): Record<string, unknown> {
  const _ = db.command
  const convert = (q: Query): unknown => {
    if (Array.isArray(q.$and)) return _.and((q.$and as Query[]).map(convert) as never[])
    if (Array.isArray(q.$or)) return _.or((q.$or as Query[]).map(convert) as never[])
    const out: Record<string, unknown> = {}
    for (const [field, cond] of Object.entries(q)) {
      if (cond === null || cond instanceof Date || typeof cond !== 'object') {
        out[field] = cond
        continue
      }
      const ops = Object.entries(cond as Record<string, unknown>).map(([op, v]) => {
        switch (op) {
          case '$in':
            return _.in(v as never[])
          case '$gte':
            return _.gte(v)
          case '$gt':
            return _.gt(v)
          case '$lte':
            return _.lte(v)
          case '$lt':
            return _.lt(v)
          case '$exists':
            return _.exists(v as boolean)
          default:
            throw new Error(`segment operator ${op} has no CloudBase form`)
        }
      })
      out[field] = ops.length === 1 ? ops[0] : _.and(ops as never[])
    }
    return out
  }
  return convert(query) as Record<string, unknown>
}

async function countQuery(query: Query): Promise<number> {
  const db = database()
  const res = (await db
    .collection(COLLECTIONS.members.name)
    .where(toCloudbaseQuery(db, query))
    .count()) as { total: number }
  return res.total
}

export async function audienceCount(
  ctx: InvocationContext,
  segment: Segment,
): Promise<{ count: number }> {
  return { count: await countQuery(compileSegment(segment, ctx.clock.now())) }
}

/**
 * What HQ sees before sending: the members the segment matches, and how many of them can receive
 * the campaign now (an unused consent credit for its template; the weekly cap is applied when each
 * member's turn comes). Two counts at once; the second joins each matching member's consent.
 */
export async function audienceForHq(
  ctx: InvocationContext,
  segment: Segment,
): Promise<{ count: number; reachable: number }> {
  const db = database()
  const _ = db.command
  const query = toCloudbaseQuery(db, compileSegment(segment, ctx.clock.now()))
  const [count, reachable] = await Promise.all([
    countQuery(compileSegment(segment, ctx.clock.now())),
    db
      .collection(COLLECTIONS.members.name)
      .aggregate()
      .match(query)
      .lookup({
        from: COLLECTIONS.subscribeConsents.name,
        localField: '_id',
        foreignField: 'memberId',
        as: 'consents',
      })
      .match({ consents: _.elemMatch({ templateKey: 'campaign', credits: _.gt(0) }) })
      .count('n')
      .end() as Promise<Rows<{ n: number }>>,
  ])
  return { count, reachable: reachable.data[0]?.n ?? 0 }
}

/** The campaign as `actor` sees it: its status's label and what that caller may do next. */
export function campaignViewOf(c: CampaignDoc, actor: Actor): z.infer<typeof campaignView> {
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
  }
}

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

export interface CampaignLimits {
  maxStoreCampaignsPerWeek: number
  maxStoreAudience: number
  /** Batches one timer run may send, and members per batch (throughput vs the function's timeout). */
  dispatchBatchesPerRun?: number
  dispatchBatchSize?: number
}
const DEFAULT_LIMITS: CampaignLimits = {
  maxStoreCampaignsPerWeek: 2,
  maxStoreAudience: 2000,
  dispatchBatchesPerRun: 20,
  dispatchBatchSize: BATCH_SIZE,
}

export async function loadCampaignLimits(): Promise<CampaignLimits> {
  const res = (await database()
    .collection(COLLECTIONS.settings.name)
    .doc('campaigns')
    .get()) as Rows<Partial<CampaignLimits>>
  return { ...DEFAULT_LIMITS, ...(res.data[0] ?? {}) }
}

export async function saveCampaignLimits(limits: CampaignLimits): Promise<CampaignLimits> {
  await database()
    .collection(COLLECTIONS.settings.name)
    .doc('campaigns')
    .set({ ...limits })
  return limits
}

function storeSegment(clerk: ClerkDoc, segment: Segment): Segment {
  if (!clerk.isManager) throw new AppError('FORBIDDEN', '仅店长可以创建门店活动')
  if (segment.storeIds && segment.storeIds.some((s) => s !== clerk.storeId)) {
    throw new AppError('FORBIDDEN', '门店活动只能面向本店会员', 'segment.storeIds')
  }
  return { ...segment, storeIds: [clerk.storeId] }
}

export async function storeAudienceCount(
  ctx: InvocationContext,
  clerk: ClerkDoc,
  segment: Segment,
) {
  return audienceCount(ctx, storeSegment(clerk, segment))
}

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

async function getCampaign(campaignId: string): Promise<CampaignDoc> {
  const res = (await campaigns().doc(campaignId).get()) as Rows<CampaignDoc>
  const doc = res.data[0]
  if (!doc) throw new AppError('NOT_FOUND', '活动不存在', 'campaignId')
  return doc
}

export async function listCampaigns(input: { status?: CampaignDoc['status'] }, actor: Actor) {
  const q = input.status ? campaigns().where({ status: input.status }) : campaigns().where({})
  const res = (await q.orderBy('createdAt', 'desc').limit(200).get()) as Rows<CampaignDoc>
  return { items: res.data.map((c) => campaignViewOf(c, actor)) }
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
  const due = (await campaigns()
    .where(_.or([{ status: 'sending' }, { status: 'scheduled', sendAt: _.lte(now()) }]))
    .orderBy('sendAt', 'asc')
    .limit(20)
    .get()) as Rows<CampaignDoc>
  for (const candidate of due.data) {
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
      const page = (await db
        .collection(COLLECTIONS.members.name)
        .where(toCloudbaseQuery(db, afterMember(query, cursor)))
        .orderBy('_id', 'asc')
        .field({ _id: true, openid: true })
        .limit(batchSize)
        .get()) as Rows<Pick<MemberDoc, '_id' | 'openid'>>
      const outcome = await sendBatch(ctx, campaign, page.data)
      totals.sent += outcome.sent
      totals.failed += outcome.failed
      totals.skipped += outcome.skipped
      if (outcome.halt) {
        // WeChat refused what we send to everyone: stop here (the cursor stays, so a resumed
        // campaign reaches the members this batch did not), and tell HQ why.
        await campaigns()
          .where({ _id: campaign._id, status: 'sending', leaseId })
          .update({ status: 'stopped', stopReason: outcome.halt, leaseId: null, leaseUntil: null })
        totals.stopped++
        break
      }
      totals.processed += page.data.length
      processed += page.data.length
      const last = page.data.length < batchSize
      if (page.data.length) cursor = page.data[page.data.length - 1]!._id
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
async function finalizeStaleClaims(campaignId: string, at: Date): Promise<number> {
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
  const consents = (await db
    .collection(COLLECTIONS.subscribeConsents.name)
    .where({ _id: _.in(members.map((m) => `${m._id}:campaign`)), credits: _.gt(0) })
    .field({ memberId: true })
    .limit(1000)
    .get()) as Rows<{ memberId: string }>
  const consenting = new Set(consents.data.map((c) => c.memberId))
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
        try {
          await deliveries().add(row)
        } catch (err) {
          // Claimed before (a restart or a concurrent run): this member is handled once, elsewhere.
          // Any other failure fails the run before the cursor moves, so the next run retries the batch.
          if (isDbError(err, 'DATABASE_DUPLICATE_WRITE')) return
          throw err
        }
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
          await finish({ status: 'sent', errcode: 0 })
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

const CAMPAIGN_CENTRE_SIZE = 50

/** The campaigns sent to the caller (delivered by WeChat), newest first: three round trips and the store names. */
export async function myCampaigns(ctx: InvocationContext) {
  const member = await requireMember(ctx)
  const _ = database().command
  const sent = (await deliveries()
    .where({ memberId: member._id, status: 'sent' })
    .orderBy('doneAt', 'desc')
    .field({ campaignId: true, doneAt: true })
    .limit(CAMPAIGN_CENTRE_SIZE)
    .get()) as Rows<Pick<CampaignDeliveryDoc, 'campaignId' | 'doneAt'>>
  if (!sent.data.length) return { items: [] }
  const found = (await campaigns()
    .where({ _id: _.in(sent.data.map((d) => d.campaignId)) })
    .field({ name: true, storeId: true, page: true, fields: true })
    .limit(CAMPAIGN_CENTRE_SIZE)
    .get()) as Rows<Pick<CampaignDoc, '_id' | 'name' | 'storeId' | 'page' | 'fields'>>
  const byId = new Map(found.data.map((c) => [c._id, c]))
  const storeIds = found.data.flatMap((c) => (c.storeId ? [c.storeId] : []))
  const names = storeIds.length ? await namesFor(storeIds, []) : null
  return {
    items: sent.data.flatMap((delivery) => {
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

export async function campaignResults(ctx: InvocationContext, campaignId: string, actor: Actor) {
  const db = database()
  const _ = db.command
  const campaign = await getCampaign(campaignId)
  await finalizeStaleClaims(campaignId, ctx.clock.now())
  const rows: (CampaignDeliveryDoc & { _id: string })[] = []
  let after = ''
  for (;;) {
    const page = (await deliveries()
      .where({ campaignId, _id: _.gt(after) })
      .orderBy('_id', 'asc')
      .field({ status: true, errcode: true, reason: true, memberId: true, doneAt: true })
      .limit(1000)
      .get()) as Rows<CampaignDeliveryDoc>
    rows.push(...page.data)
    if (page.data.length < 1000) break
    after = page.data[page.data.length - 1]!._id
  }
  const tally = tallyDeliveries(rows)
  let ordered = 0
  const sent = rows.filter((r) => r.status === 'sent' && r.doneAt)
  for (let i = 0; i < sent.length; i += 1000) {
    const chunk = sent.slice(i, i + 1000)
    const since = new Date(Math.min(...chunk.map((r) => r.doneAt!.getTime())))
    const members = (await db
      .collection(COLLECTIONS.members.name)
      .where({ _id: _.in(chunk.map((r) => r.memberId)), lastPurchaseAt: _.gte(since) })
      .field({ lastPurchaseAt: true })
      .limit(1000)
      .get()) as Rows<{ _id: string; lastPurchaseAt: Date }>
    const sentAt = new Map(chunk.map((r) => [r.memberId, r.doneAt!.getTime()]))
    for (const m of members.data) {
      const t = sentAt.get(m._id)!
      const p = new Date(m.lastPurchaseAt).getTime()
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
