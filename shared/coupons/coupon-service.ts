/**
 * Coupon templates (HQ) and issuing coupons to members, over every channel: the coupon centre,
 * HQ's lists, and the flows that give one on first bind, with a campaign or for points.
 *
 * Guarantee (issuing), stated once. An issuance takes, in this order:
 *  1. one of the member's slots 1..perMemberLimit: a claim document whose `_id` names the slot,
 *     inserted once (a racing claim of the same member gets a duplicate and tries the next slot,
 *     or is refused at the limit), so `perMemberLimit` is never exceeded;
 *  2. one unit of the template: the conditional update
 *     `where({_id, status: 'active', issued: < totalQuantity}).update({issued: +1, pendingIssues: push})`,
 *     checked and written in one database operation, so `totalQuantity` is never exceeded however
 *     many claims race; a unit is only taken for a member whose slot is already held, so no unit
 *     is held back by a claim that will be refused, and exactly `totalQuantity` are issued;
 *  3. the coupon, then the pending entry is removed.
 * No read-then-write and no hot-document transaction (200 claims at once would only conflict and
 * retry). An invocation that dies half way is finished by repairCouponIssues: a unit with its
 * pending entry ends as exactly one coupon, a slot without a unit is freed.
 */
import { createHash } from 'node:crypto'
import { COLLECTIONS } from '../collections'
import type { MemberDoc } from '../membership/documents'
import { requireMember } from '../membership/lookups'
import { AppError } from '../platform/errors'
import { newDocId } from '../platform/ids'
import { shanghaiDay } from '../platform/calendar'
import { collection } from '../platform/db/collection'
import { database } from '../platform/runtime/cloudbase'
import type { InvocationContext } from '../platform/runtime/define-function'
import type { CreateCouponTemplateInput } from './contract'
import type {
  CouponDoc,
  CouponSourceKind,
  CouponTemplateDoc,
  CouponTermsDoc,
  PendingIssueDoc,
} from './documents'
import { couponWindow, issueRefusal, termsSummary } from './rules/coupons'
import { issueCouponCode } from './rules/coupon-code'
import { MEMBER_CODE_SEQUENCES, MEMBER_CODE_WINDOW_MS } from '../membership/rules/member-code'
import { ports } from '../platform/runtime/ports'
import { channelsText, couponView, restrictionNames, templateView, validityText } from './views'

const templates = () => collection(COLLECTIONS.couponTemplates)
const coupons = () => collection(COLLECTIONS.coupons)
const claims = () => collection(COLLECTIONS.couponClaims)

export function couponUnavailable(reason: string): AppError {
  return new AppError('COUPON_UNAVAILABLE', reason)
}

// ------------------------------------------------------------------ templates (HQ)

export async function createCouponTemplate(
  ctx: InvocationContext,
  createdBy: string,
  input: CreateCouponTemplateInput,
): Promise<{ templateId: string }> {
  const now = ctx.clock.now()
  const doc: CouponTemplateDoc = {
    _id: newDocId(),
    name: input.name,
    description: input.description ?? '',
    kind: input.kind,
    valueFen: input.valueFen ?? null,
    rateBp: input.rateBp ?? null,
    maxOffFen: input.maxOffFen ?? null,
    minSpendFen: input.minSpendFen ?? 0,
    giftName: input.giftName ?? null,
    channels: [...input.channels].sort(),
    storeIds: input.storeIds ?? null,
    productIds: input.productIds ?? null,
    tiers: input.tiers ?? null,
    validity:
      input.validDays !== undefined
        ? { kind: 'relative', validDays: input.validDays }
        : { kind: 'fixed', validFrom: input.validFrom!, validUntil: input.validUntil! },
    totalQuantity: input.totalQuantity ?? null,
    perMemberLimit: input.perMemberLimit,
    status: 'active',
    inCentre: input.publishToCentre ?? false,
    onBind: input.onBind ?? false,
    issued: 0,
    pendingIssues: [],
    createdAt: now,
    updatedAt: now,
    createdBy,
  }
  if (doc.validity.kind === 'fixed' && doc.validity.validUntil < shanghaiDay(now))
    throw new AppError('INVALID_INPUT', '结束日期已经过去', 'validUntil')
  await validateRestrictions(doc)
  await templates().insert(doc)
  return { templateId: doc._id }
}

/** Listed stores and products must exist: a typo would make a coupon nobody can use. */
async function validateRestrictions(t: CouponTermsDoc) {
  const { known } = await restrictionNames([t])
  const store = (t.storeIds ?? []).findIndex((id) => !known.stores.has(id))
  if (store >= 0)
    throw new AppError('INVALID_INPUT', '适用门店中有不存在的门店', `storeIds.${store}`)
  const product = (t.productIds ?? []).findIndex((id) => !known.products.has(id))
  if (product >= 0)
    throw new AppError('INVALID_INPUT', '适用商品中有不存在的商品', `productIds.${product}`)
}

export async function updateCouponTemplate(
  ctx: InvocationContext,
  input: {
    templateId: string
    name?: string
    description?: string
    status?: 'active' | 'paused'
    inCentre?: boolean
    onBind?: boolean
    totalQuantity?: number | null
    perMemberLimit?: number
  },
) {
  const { templateId, ...changes } = input
  const current = await templates().get(templateId)
  if (!current) throw new AppError('NOT_FOUND', '优惠券不存在', 'templateId')
  const total = changes.totalQuantity === undefined ? current.totalQuantity : changes.totalQuantity
  if (total !== null && (changes.perMemberLimit ?? current.perMemberLimit) > total)
    throw new AppError('INVALID_INPUT', '每人限领不能超过发放总量', 'perMemberLimit')
  const _ = database().command
  const patch: Record<string, unknown> = { updatedAt: ctx.clock.now() }
  for (const [k, v] of Object.entries(changes)) if (v !== undefined) patch[k] = v
  // Never below what was issued: checked in the same conditional update that lowers it (an
  // issuance racing with it either counted first and refuses this, or sees the new total).
  const where: Record<string, unknown> = { _id: templateId }
  if (typeof changes.totalQuantity === 'number') where.issued = _.lte(changes.totalQuantity)
  const after = await templates().updateAndReturn(where, patch)
  if (!after)
    throw new AppError(
      'INVALID_INPUT',
      `发放总量不能少于已发放的 ${(await templates().get(templateId))?.issued ?? current.issued} 张`,
      'totalQuantity',
    )
  return templateView(after)
}

export async function listCouponTemplates(input: { status?: 'active' | 'paused' }) {
  const items = await templates().find(input.status ? { status: input.status } : {}, {
    orderBy: ['createdAt', 'desc'],
    limit: 200,
  })
  return { items: items.map(templateView) }
}

/** Rule shown to HQ next to every template's figures. */
export const REFUND_RULE =
  '订单全额退款时，若券仍在有效期内，券退回会员；部分退款不退券，退款金额按各商品实付金额比例计算。'

/**
 * Per-template figures: issued (the counter), held, in use, used, expired, what its used coupons
 * took off and what those orders and sales paid. Counts from the (templateId, status, expiresAt)
 * index and one aggregate, all at once.
 */
export async function couponTemplateStats(ctx: InvocationContext, input: { templateId: string }) {
  const now = ctx.clock.now()
  const _ = database().command
  const $ = _.aggregate
  const { templateId } = input
  const [template, available, locked, used, expired, sums] = await Promise.all([
    templates().get(templateId),
    coupons().count({ templateId, status: 'available', expiresAt: _.gt(now) }),
    coupons().count({ templateId, status: 'locked' }),
    coupons().count({ templateId, status: 'used' }),
    coupons().count({ templateId, status: 'available', expiresAt: _.lte(now) }),
    coupons()
      .raw.aggregate()
      .match({ templateId, status: 'used' })
      .group({ _id: null, discountFen: $.sum('$use.discountFen'), salesFen: $.sum('$use.paidFen') })
      .end() as Promise<{ data: { discountFen: number; salesFen: number }[] }>,
  ])
  if (!template) throw new AppError('NOT_FOUND', '优惠券不存在')
  return {
    templateId,
    name: template.name,
    issued: template.issued,
    available,
    locked,
    used,
    expired,
    discountFen: sums.data[0]?.discountFen ?? 0,
    salesFen: sums.data[0]?.salesFen ?? 0,
    refundRule: REFUND_RULE,
  }
}

// ------------------------------------------------------------------ issuing

export interface Recipient {
  _id: string
  memberNo: string
  tier: MemberDoc['tier']
}

export interface IssueSource {
  kind: CouponSourceKind
  /**
   * Makes the issuance happen once (`welcome:<memberId>`, `campaign:<id>`, `points:<redemptionId>`):
   * the coupon's `_id` is derived from it, so a repeat finds the coupon instead of a second one.
   * Null for a claim in the centre (bounded by the member's limit instead).
   */
  key: string | null
  /** A clerk's give: the attempt whose budget unit pays for it (kept on the coupon). */
  attempt?: string
}

const keyedId = (templateId: string, key: string) =>
  createHash('sha256').update(`${templateId}\n${key}`).digest('hex').slice(0, 32)

function couponFrom(template: CouponTemplateDoc, p: PendingIssueDoc): CouponDoc {
  const { name, kind, valueFen, rateBp, maxOffFen, minSpendFen, giftName } = template
  const { channels, storeIds, productIds } = template
  return {
    _id: p.couponId,
    templateId: template._id,
    memberId: p.memberId,
    memberNo: p.memberNo,
    slot: p.slot,
    terms: {
      name,
      kind,
      valueFen,
      rateBp,
      maxOffFen,
      minSpendFen,
      giftName,
      channels,
      storeIds,
      productIds,
    },
    ...couponWindow(template.validity, p.at),
    status: 'available',
    source: p.source,
    issuedAt: p.at,
    lock: null,
    use: null,
    history: [],
  }
}

/** Takes one unit of the template with `pending` recorded beside it; whether it was taken. */
async function takeUnit(template: CouponTemplateDoc, pending: PendingIssueDoc): Promise<boolean> {
  const _ = database().command
  // Guarantee: see the file's header, step 2 (the one place `issued` goes up).
  return templates().updateIf(
    {
      _id: template._id,
      status: 'active',
      ...(template.totalQuantity !== null ? { issued: _.lt(template.totalQuantity) } : {}),
    },
    { issued: _.inc(1), pendingIssues: _.push(pending) },
  )
}

/** Gives a unit back, once: only while its pending entry is still there. */
async function giveUnitBack(templateId: string, couponId: string): Promise<void> {
  const _ = database().command
  await templates().updateIf(
    { _id: templateId, 'pendingIssues.couponId': couponId },
    { issued: _.inc(-1), pendingIssues: _.pull({ couponId }) },
  )
}

async function settlePending(templateId: string, couponId: string): Promise<void> {
  const _ = database().command
  await templates().updateIf(
    { _id: templateId, 'pendingIssues.couponId': couponId },
    { pendingIssues: _.pull({ couponId }) },
  )
}

const claimId = (templateId: string, memberId: string, slot: number) =>
  `${templateId}:${memberId}:${slot}`

/**
 * Issues one coupon of `templateId` to `member`: the coupon, or COUPON_UNAVAILABLE with the
 * reason (paused, exhausted, over the member's limit, not for their tier). A keyed issuance
 * repeated answers the coupon it issued. Round trips: the template, then slot, unit, coupon and
 * settling (5); a refusal by the template after the first, a taken slot one more each.
 */
export async function issueCoupon(
  ctx: InvocationContext,
  templateId: string,
  member: Recipient,
  source: IssueSource,
  /** The template, when the caller has read it already. */
  known?: CouponTemplateDoc | null,
  /** Set to whether this call issued the coupon (false: a keyed repeat answered the earlier one). */
  outcome?: { fresh: boolean },
  /**
   * A keyed issuance's coupon as the caller just read it (null: not there), when it read a
   * batch's coupons at once (a repeat racing this call is still caught by the coupon's `_id`).
   */
  earlierKnown?: CouponDoc | null,
): Promise<CouponDoc> {
  const now = ctx.clock.now()
  const couponId = source.key ? keyedId(templateId, source.key) : newDocId()
  const [template, earlier] = await Promise.all([
    known !== undefined ? known : templates().get(templateId),
    !source.key ? null : earlierKnown !== undefined ? earlierKnown : coupons().get(couponId),
  ])
  if (earlier) return earlier
  if (!template) throw new AppError('NOT_FOUND', '优惠券不存在')
  // Slots are tried from the first: a taken one answers a duplicate at once (most members hold
  // none yet, so this costs less than counting them first).
  for (let slot = 1; ; slot++) {
    const refusal = issueRefusal(template, slot - 1, member.tier, now)
    if (refusal) {
      // A keyed twin racing this call took the slot for the same coupon: answer that coupon.
      const twin = source.key ? await coupons().get(couponId) : null
      if (twin) return twin
      throw couponUnavailable(refusal)
    }
    // Step 1: the member's slot (a racing claim of theirs holds it: try the next one).
    const claim = { templateId, memberId: member._id, slot, couponId, at: now }
    const slotId = claimId(templateId, member._id, slot)
    if (!(await claims().insertOnce({ _id: slotId, ...claim })).inserted) continue
    // Step 2: the unit. Not taken: the last units went to claims racing this one (or HQ paused
    // it just now); the slot is freed again.
    const pending: PendingIssueDoc = {
      couponId,
      memberId: member._id,
      memberNo: member.memberNo,
      slot,
      source,
      at: now,
    }
    if (!(await takeUnit(template, pending))) {
      await claims().remove(slotId)
      throw couponUnavailable('该优惠券已被领完')
    }
    // Step 3: the coupon (a keyed one a racing twin inserted first: give ours back).
    const inserted = await coupons().insertOnce(couponFrom(template, pending), { existing: 'id' })
    if (!inserted.inserted) {
      await giveUnitBack(templateId, couponId)
      await claims().remove(slotId)
      return inserted.existing ?? (await coupons().get(couponId))!
    }
    await settlePending(templateId, couponId)
    if (outcome) outcome.fresh = true
    return couponFrom(template, pending)
  }
}

/**
 * Timer `repairCouponIssues`, for invocations that died half way (a function lives at most its
 * timeout, far under the minute waited here): a unit whose pending entry is over a minute old
 * becomes its coupon (the id is in the entry, so at most once) and the entry is settled; a slot
 * taken over a minute ago with neither a coupon nor a pending unit is freed.
 */
export async function repairCouponIssues(
  ctx: InvocationContext,
): Promise<{ finished: number; freed: number }> {
  const _ = database().command
  const now = ctx.clock.now()
  const cutoff = new Date(now.getTime() - 60_000)
  const [stale, recentSlots] = await Promise.all([
    templates().find({ 'pendingIssues.at': _.lte(cutoff) }, { limit: 100 }),
    // Slots from the last half hour (the timer runs every 5 minutes: each is seen several times).
    claims().find(
      { at: _.gte(new Date(now.getTime() - 30 * 60_000)).and(_.lte(cutoff)) },
      { limit: 1000 },
    ),
  ])
  let finished = 0
  for (const template of stale) {
    // A held unit waits on its purchase, whose repair decides (flows/coupon-exchange.ts).
    for (const pending of template.pendingIssues.filter((p) => p.at <= cutoff && !p.heldFor)) {
      await coupons().insertOnce(couponFrom(template, pending))
      await settlePending(template._id, pending.couponId)
      finished++
    }
  }
  let freed = 0
  if (recentSlots.length) {
    const ids = [...new Set(recentSlots.map((c) => c.couponId))]
    const templateIds = [...new Set(recentSlots.map((c) => c.templateId))]
    const [issued, owners] = await Promise.all([
      coupons().find({ _id: _.in(ids) }, { fields: ['_id'], limit: ids.length }),
      templates().find({ _id: _.in(templateIds) }, { limit: templateIds.length }),
    ])
    const exists = new Set(issued.map((c) => c._id))
    const inFlight = new Set(owners.flatMap((t) => t.pendingIssues.map((p) => p.couponId)))
    for (const slot of recentSlots)
      if (!exists.has(slot.couponId) && !inFlight.has(slot.couponId)) {
        await claims().remove(slot._id)
        freed++
      }
  }
  return { finished, freed }
}

// ------------------------------------------------------------------ units held for a purchase

/**
 * Holds one unit of `template` for `member` while they pay for it (points for a coupon gift):
 * the same slot and unit as issueCoupon (steps 1 and 2 of the file's guarantee, so the total and
 * the member's limit hold however many purchases race), with the pending entry marked `heldFor`.
 * The purchase then either pays and calls issueHeldCoupon, or calls releaseHeldUnit. Refused:
 * COUPON_UNAVAILABLE with the reason, nothing held.
 */
export async function holdCouponUnit(
  ctx: InvocationContext,
  template: CouponTemplateDoc,
  member: Recipient,
  couponId: string,
  source: IssueSource,
  heldFor: NonNullable<PendingIssueDoc['heldFor']>,
): Promise<PendingIssueDoc> {
  const now = ctx.clock.now()
  for (let slot = 1; ; slot++) {
    const refusal = issueRefusal(template, slot - 1, member.tier, now)
    if (refusal) throw couponUnavailable(refusal)
    const slotId = claimId(template._id, member._id, slot)
    const claim = { templateId: template._id, memberId: member._id, slot, couponId, at: now }
    if (!(await claims().insertOnce({ _id: slotId, ...claim })).inserted) continue
    const pending: PendingIssueDoc = {
      couponId,
      memberId: member._id,
      memberNo: member.memberNo,
      slot,
      source,
      at: now,
      heldFor,
    }
    if (!(await takeUnit(template, pending))) {
      await claims().remove(slotId)
      throw couponUnavailable('该优惠券已被领完')
    }
    return pending
  }
}

/** The held unit becomes its coupon (once: the coupon's `_id` is the held one). */
export async function issueHeldCoupon(
  template: CouponTemplateDoc,
  pending: PendingIssueDoc,
): Promise<CouponDoc> {
  const coupon = couponFrom(template, pending)
  await coupons().insertOnce(coupon)
  return coupon
}

/** The coupon exists: the held entry goes (after issueHeldCoupon). */
export async function settleHeldUnit(templateId: string, couponId: string): Promise<void> {
  await settlePending(templateId, couponId)
}

/**
 * The purchase did not pay: the unit goes back (once, while its entry is there) and the member's
 * slot is freed.
 */
export async function releaseHeldUnit(
  templateId: string,
  memberId: string,
  couponId: string,
  slot: number | null,
): Promise<void> {
  await giveUnitBack(templateId, couponId)
  if (slot !== null) {
    await claims().remove(claimId(templateId, memberId, slot))
    return
  }
  // The entry was gone already: free whichever slot names this coupon.
  const mine = await claims().find({ templateId, memberId }, { limit: 1000 })
  for (const c of mine.filter((c) => c.couponId === couponId)) await claims().remove(c._id)
}

/** A coupon's id for a keyed issuance (`points:<redemptionId>`): the same key, the same coupon. */
export function couponIdFor(templateId: string, key: string): string {
  return keyedId(templateId, key)
}

/** The member claims a coupon published in the centre. */
export async function claimCoupon(ctx: InvocationContext, input: { templateId: string }) {
  const member = await requireMember(ctx)
  const template = await templates().get(input.templateId)
  if (!template || !template.inCentre) throw new AppError('NOT_FOUND', '该优惠券不在领券中心')
  const source = { kind: 'centre' as const, key: null }
  const coupon = await issueCoupon(ctx, input.templateId, member, source, template)
  return couponView(coupon, 'member', ctx.clock.now(), await restrictionNames([coupon.terms]))
}

/**
 * HQ gives one coupon to each listed member. The same list for the same template on the same
 * Asia/Shanghai day is one issuance (a retried or double-clicked request gives nobody a second);
 * each member's refusal is listed with its reason.
 */
export async function issueCouponsToMembers(
  ctx: InvocationContext,
  input: { templateId: string; memberNos: string[] },
) {
  const memberNos = [...new Set(input.memberNos)]
  const batch = createHash('sha256')
    .update(`${shanghaiDay(ctx.clock.now())}\n${[...memberNos].sort().join(',')}`)
    .digest('hex')
    .slice(0, 16)
  const _ = database().command
  const [template, members] = await Promise.all([
    templates().get(input.templateId),
    collection<MemberDoc>(COLLECTIONS.members).find(
      { memberNo: _.in(memberNos) },
      { limit: memberNos.length },
    ),
  ])
  if (!template) throw new AppError('NOT_FOUND', '优惠券不存在', 'templateId')
  const byNo = new Map(members.map((m) => [m.memberNo, m]))
  const refused: { memberNo: string; reason: string }[] = []
  let issued = 0
  // One at a time: every issuance writes the template, so running them at once would only
  // make them conflict with each other.
  for (const memberNo of memberNos) {
    const member = byNo.get(memberNo)
    if (!member || member.status !== 'active') {
      refused.push({ memberNo, reason: '会员不存在或已注销' })
      continue
    }
    try {
      await issueCoupon(ctx, template._id, member, {
        kind: 'hq',
        key: `hq:${batch}:${member._id}`,
      })
      issued++
    } catch (err) {
      if (!(err instanceof AppError) || err.code !== 'COUPON_UNAVAILABLE') throw err
      refused.push({ memberNo, reason: err.message })
    }
  }
  return { issued, refused }
}

// ------------------------------------------------------------------ the member's coupons

/** Published templates with what is left and what the member holds. Three reads. */
export async function couponCentre(ctx: InvocationContext) {
  const [member, published] = await Promise.all([
    requireMember(ctx),
    templates().find({ inCentre: true, status: 'active' }, { limit: 100 }),
  ])
  const _ = database().command
  const mine = published.length
    ? await claims().find(
        { templateId: _.in(published.map((t) => t._id)), memberId: member._id },
        { fields: ['templateId'], limit: 1000 },
      )
    : []
  const held = new Map<string, number>()
  for (const c of mine) held.set(c.templateId, (held.get(c.templateId) ?? 0) + 1)
  const now = ctx.clock.now()
  const items = published
    .map((t) => {
      const claimed = held.get(t._id) ?? 0
      const reason = issueRefusal(t, claimed, member.tier, now)
      return {
        templateId: t._id,
        name: t.name,
        description: t.description,
        kind: t.kind,
        summary: termsSummary(t),
        validityText: validityText(t),
        channelsText: channelsText(t),
        remaining: t.totalQuantity === null ? null : Math.max(0, t.totalQuantity - t.issued),
        claimed,
        perMemberLimit: t.perMemberLimit,
        canClaim: reason === null,
        reason,
      }
    })
    // Claimable first, then newest.
    .sort((a, b) => Number(b.canClaim) - Number(a.canClaim))
  return { items }
}

/** The member's coupons: `available` (usable or held by an unpaid order), `used` or `expired`. */
export async function myCoupons(
  ctx: InvocationContext,
  input: { status?: 'available' | 'used' | 'expired' },
) {
  const member = await requireMember(ctx)
  const now = ctx.clock.now()
  const list = await couponsOf(member._id, input.status, now)
  const names = await restrictionNames(list.map((c) => c.terms))
  return { items: list.map((c) => couponView(c, 'member', now, names)) }
}

export async function couponsOf(
  memberId: string,
  status: 'available' | 'used' | 'expired' | undefined,
  now: Date,
): Promise<CouponDoc[]> {
  const _ = database().command
  const where =
    status === 'available'
      ? { memberId, status: _.in(['available', 'locked']), expiresAt: _.gt(now) }
      : status === 'used'
        ? { memberId, status: 'used' }
        : status === 'expired'
          ? { memberId, status: 'available', expiresAt: _.lte(now) }
          : { memberId }
  return coupons().find(where, {
    orderBy: status === 'available' ? ['expiresAt', 'asc'] : ['issuedAt', 'desc'],
    limit: 100,
  })
}

/**
 * One of the member's coupons with its rules and, while it can be used at a till, its coupon code
 * (券码, rules/coupon-code.ts): the first of this minute's codes no sale has used yet (one round
 * trip over the used-codes unique index), so right after a clerk books it the page gets a fresh
 * one. The page asks again when told, and so also sees the coupon turn used.
 */
export async function couponDetail(ctx: InvocationContext, input: { couponId: string }) {
  const member = await requireMember(ctx)
  const coupon = await coupons().get(input.couponId)
  if (!coupon || coupon.memberId !== member._id) throw new AppError('NOT_FOUND', '优惠券不存在')
  const now = ctx.clock.now()
  const view = couponView(coupon, 'member', now, await restrictionNames([coupon.terms]))
  const atTill = view.state === 'available' && coupon.terms.channels.includes('offline')
  return {
    ...view,
    tillCode: atTill ? await freshCouponCode(member.memberNo, coupon._id, now) : null,
  }
}

async function freshCouponCode(memberNo: string, couponId: string, now: Date) {
  const secret = ports().secrets.memberCode
  const candidates = Array.from({ length: MEMBER_CODE_SEQUENCES }, (_, sequence) =>
    issueCouponCode(memberNo, couponId, now, secret, sequence),
  )
  const used = await collection(COLLECTIONS.memberCodeUses).find(
    { code: database().command.in(candidates.map((c) => c.code)) },
    { fields: ['code'], limit: MEMBER_CODE_SEQUENCES },
  )
  const usedCodes = new Set(used.map((u) => u.code))
  const issued = candidates.find((c) => !usedCodes.has(c.code)) ?? candidates.at(-1)!
  const toBoundary = MEMBER_CODE_WINDOW_MS - (now.getTime() % MEMBER_CODE_WINDOW_MS)
  return {
    code: issued.code,
    expiresAt: issued.expiresAt.toISOString(),
    // The next window, or sooner: a sale may use this code (and the coupon) any moment.
    refreshAfterMs: Math.min(toBoundary, COUPON_CODE_POLL_MS),
  }
}

/** How often the coupon page asks whether its code (and the coupon) was used. */
const COUPON_CODE_POLL_MS = 5_000

/** HQ's view of a member's coupons (member detail page). */
export async function memberCouponsForHq(ctx: InvocationContext, input: { memberId: string }) {
  const now = ctx.clock.now()
  const list = await couponsOf(input.memberId, undefined, now)
  const names = await restrictionNames(list.map((c) => c.terms))
  return { items: list.map((c) => couponView(c, 'hq-admin', now, names)) }
}

/** Active templates HQ marked to give on first bind. */
export async function welcomeTemplates(): Promise<CouponTemplateDoc[]> {
  return templates().find({ onBind: true, status: 'active' }, { limit: 20 })
}
