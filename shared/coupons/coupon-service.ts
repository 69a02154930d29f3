/**
 * Coupon templates (HQ) and issuing coupons to members, over every channel: the coupon centre,
 * HQ's lists, and the flows that give one on first bind, with a campaign or for points.
 *
 * Guarantee (issuing), stated once: a coupon is issued by one transaction that reads the template
 * and the member's claim counter, advances both and inserts the coupon. A concurrent issuance of
 * the same template writes the same template document, so one of them conflicts and retries
 * against the new count: `totalQuantity` and `perMemberLimit` are never exceeded however many
 * claims race, and a counter never counts a coupon that does not exist (or the reverse).
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
import { unlessDuplicate, withTransaction } from '../platform/runtime/transaction'
import type { CreateCouponTemplateInput } from './contract'
import type { CouponDoc, CouponSourceKind, CouponTemplateDoc, CouponTermsDoc } from './documents'
import { couponWindow, issueRefusal } from './rules/coupons'
import { channelsText, couponView, restrictionNames, templateView, validityText } from './views'
import { termsSummary } from './rules/coupons'

const templates = () => collection(COLLECTIONS.couponTemplates)
const coupons = () => collection(COLLECTIONS.coupons)

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
}

const keyedId = (templateId: string, key: string) =>
  createHash('sha256').update(`${templateId}\n${key}`).digest('hex').slice(0, 32)

/**
 * Issues one coupon of `templateId` to `member`: the coupon, or COUPON_UNAVAILABLE with the
 * reason (paused, exhausted, over the member's limit, not for their tier). A keyed issuance
 * repeated answers the coupon it issued.
 */
export async function issueCoupon(
  ctx: InvocationContext,
  templateId: string,
  member: Recipient,
  source: IssueSource,
): Promise<CouponDoc> {
  const now = ctx.clock.now()
  const couponId = source.key ? keyedId(templateId, source.key) : newDocId()
  const claimId = `${templateId}:${member._id}`
  const issue = () =>
    withTransaction(database(), async (t) => {
      const tx = {
        templates: collection(COLLECTIONS.couponTemplates, t),
        claims: collection(COLLECTIONS.couponClaims, t),
        coupons: collection(COLLECTIONS.coupons, t),
      }
      if (source.key) {
        const earlier = await tx.coupons.get(couponId)
        if (earlier) return earlier
      }
      const [template, claim] = await Promise.all([
        tx.templates.get(templateId),
        tx.claims.get(claimId),
      ])
      if (!template) throw new AppError('NOT_FOUND', '优惠券不存在')
      const refusal = issueRefusal(template, claim?.count ?? 0, member.tier, now)
      if (refusal) throw couponUnavailable(refusal)
      // Guarantee: see the file's header. The template and the claim counter are written from
      // this transaction's snapshot; a concurrent issuance that wrote either makes this conflict.
      await tx.templates.update(templateId, { issued: template.issued + 1 })
      await tx.claims.set(claimId, {
        templateId,
        memberId: member._id,
        count: (claim?.count ?? 0) + 1,
        updatedAt: now,
      })
      const { name, kind, valueFen, rateBp, maxOffFen, minSpendFen, giftName } = template
      const { channels, storeIds, productIds } = template
      const coupon: CouponDoc = {
        _id: couponId,
        templateId,
        memberId: member._id,
        memberNo: member.memberNo,
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
        ...couponWindow(template.validity, now),
        status: 'available',
        source,
        issuedAt: now,
        lock: null,
        use: null,
        history: [],
      }
      await tx.coupons.insert(coupon)
      return coupon
    })
  // Two keyed issuances racing: the loser's insert finds the winner's coupon.
  return unlessDuplicate(issue, async () => {
    const coupon = await coupons().get(couponId)
    if (!coupon) throw new AppError('CONFLICT', '发券冲突，请稍后重试')
    return coupon
  })
}

/** The member claims a coupon published in the centre. */
export async function claimCoupon(ctx: InvocationContext, input: { templateId: string }) {
  const member = await requireMember(ctx)
  const template = await templates().get(input.templateId)
  if (!template || !template.inCentre) throw new AppError('NOT_FOUND', '该优惠券不在领券中心')
  const coupon = await issueCoupon(ctx, input.templateId, member, { kind: 'centre', key: null })
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
  const claims = published.length
    ? await collection(COLLECTIONS.couponClaims).find(
        { _id: _.in(published.map((t) => `${t._id}:${member._id}`)) },
        { limit: published.length },
      )
    : []
  const held = new Map(claims.map((c) => [c.templateId, c.count]))
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

/** One of the member's coupons with its rules; the code a clerk scans is the coupon's id. */
export async function couponDetail(ctx: InvocationContext, input: { couponId: string }) {
  const member = await requireMember(ctx)
  const coupon = await coupons().get(input.couponId)
  if (!coupon || coupon.memberId !== member._id) throw new AppError('NOT_FOUND', '优惠券不存在')
  const view = couponView(coupon, 'member', ctx.clock.now(), await restrictionNames([coupon.terms]))
  return { ...view, code: coupon._id }
}

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
