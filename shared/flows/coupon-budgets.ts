/**
 * Clerks' store budgets (issue #19): HQ sets, per store and template, how many coupons the store's
 * clerks may hand to their own members; a clerk gives one to a member of theirs.
 *
 * Guarantee, stated once: a store's budget is never exceeded, however many gives race, and each
 * unit taken ends exactly once as a coupon given or as a unit returned, even when the invocation
 * dies half way. A give (one invocation: its `attempt` id) first takes one unit of the budget and
 * records itself beside it in the same conditional update (`left ≥ 1` and no pending give of the
 * same request: `left − 1`, `given + 1`, a `pendingGives` entry naming the coupon's id, which
 * follows from the clerk and their `requestId`, and the attempt). Then it issues the coupon through
 * coupons' issueCoupon (which holds the template's total and the member's limit the same way),
 * keyed by the request, with the attempt written on the coupon (`source.attempt`). Then it settles:
 * a coupon of this attempt keeps the unit (the entry is pulled); a refusal, or a coupon an earlier
 * attempt of the same request gave, returns it (`left + 1`, `given − 1`, the entry pulled). Both
 * are one conditional update that requires the entry, so each happens once. An invocation that
 * dies in between leaves its entry: repairCouponGives (the repairCoupons job) settles it the same
 * way once it is older than any invocation lives, by whether the coupon of that attempt exists
 * (after the template's own half-done issuance has been finished: it waits while that is pending).
 */
import { COLLECTIONS } from '../collections'
import { couponIdFor, couponUnavailable, issueCoupon } from '../coupons/coupon-service'
import type { CouponBudgetDoc, PendingGiveDoc } from '../coupons/documents'
import { couponView, restrictionNames } from '../coupons/views'
import type { MemberDoc } from '../membership/documents'
import { AppError } from '../platform/errors'
import { newDocId } from '../platform/ids'
import { collection } from '../platform/db/collection'
import { database } from '../platform/runtime/cloudbase'
import type { InvocationContext } from '../platform/runtime/define-function'
import { requireStaff } from '../staff/lookups'
import { resolveMemberCode } from '../staff/staff-service'

const budgets = () => collection(COLLECTIONS.couponBudgets)
const budgetId = (storeId: string, templateId: string) => `${storeId}:${templateId}`

async function viewsOf(docs: CouponBudgetDoc[]) {
  if (docs.length === 0) return []
  const _ = database().command
  const storeIds = [...new Set(docs.map((d) => d.storeId))]
  const templateIds = [...new Set(docs.map((d) => d.templateId))]
  const [stores, templates] = await Promise.all([
    collection(COLLECTIONS.stores).find({ _id: _.in(storeIds) }, { limit: storeIds.length }),
    collection(COLLECTIONS.couponTemplates).find(
      { _id: _.in(templateIds) },
      { limit: templateIds.length },
    ),
  ])
  const storeNames = new Map(stores.map((s) => [s._id, s.name]))
  const templateNames = new Map(templates.map((t) => [t._id, t.name]))
  return docs.map((d) => ({
    storeId: d.storeId,
    storeName: storeNames.get(d.storeId) ?? '已关闭的门店',
    templateId: d.templateId,
    templateName: templateNames.get(d.templateId) ?? '',
    budget: d.budget,
    given: d.given,
    left: d.left,
    updatedAt: d.updatedAt.toISOString(),
  }))
}

/**
 * HQ sets a store's budget of a template. The change moves `budget` and `left` by the same
 * difference in one conditional update that also requires the budget read just before and enough
 * left to take away (a give racing with it makes the update miss; it is read again and retried).
 */
export async function setCouponBudget(
  ctx: InvocationContext,
  by: string,
  input: { storeId: string; templateId: string; budget: number },
) {
  const _ = database().command
  const [store, template] = await Promise.all([
    collection(COLLECTIONS.stores).get(input.storeId),
    collection(COLLECTIONS.couponTemplates).get(input.templateId),
  ])
  if (!store) throw new AppError('INVALID_INPUT', '门店不存在', 'storeId')
  if (!template) throw new AppError('INVALID_INPUT', '优惠券不存在', 'templateId')
  if (!template.channels.includes('offline'))
    throw new AppError('INVALID_INPUT', '仅限线上使用的券不能由店员发放', 'templateId')
  const id = budgetId(input.storeId, input.templateId)
  const now = ctx.clock.now()
  for (let attempt = 0; attempt < 5; attempt++) {
    const current = await budgets().get(id)
    if (!current) {
      const doc: CouponBudgetDoc = {
        _id: id,
        storeId: input.storeId,
        templateId: input.templateId,
        budget: input.budget,
        given: 0,
        left: input.budget,
        updatedAt: now,
        updatedBy: by,
      }
      if ((await budgets().insertOnce(doc)).inserted) return (await viewsOf([doc]))[0]!
      continue
    }
    const delta = input.budget - current.budget
    if (current.left + delta < 0)
      throw new AppError('INVALID_INPUT', `门店额度不能少于已发放的 ${current.given} 张`, 'budget')
    const after = await budgets().updateAndReturn(
      { _id: id, budget: current.budget, left: _.gte(-delta) },
      { budget: _.inc(delta), left: _.inc(delta), updatedAt: now, updatedBy: by },
    )
    if (after) return (await viewsOf([after]))[0]!
  }
  throw new AppError('CONFLICT', '门店额度正在变动，请重试')
}

export async function listCouponBudgets(input: { storeId?: string; templateId?: string }) {
  const where: Record<string, unknown> = {}
  if (input.storeId) where.storeId = input.storeId
  if (input.templateId) where.templateId = input.templateId
  return { items: await viewsOf(await budgets().find(where, { limit: 500 })) }
}

/** The clerk's store's budgets (what each still allows). */
export async function myStoreBudgets(ctx: InvocationContext) {
  const clerk = await requireStaff(ctx)
  const docs = await budgets().find({ storeId: clerk.storeId }, { limit: 200 })
  return { items: await viewsOf(docs.filter((d) => d.budget > 0)) }
}

/**
 * A clerk gives a coupon of a budgeted template to one of their own members (a manager: to a
 * member of their store). Round trips: clerk and member, the budget unit, then issueCoupon's
 * (about 5), then the view's names.
 */
export async function giveCoupon(
  ctx: InvocationContext,
  input: { memberCode?: string; memberId?: string; templateId: string; requestId: string },
) {
  const clerk = await requireStaff(ctx)
  const member: MemberDoc | null = input.memberCode
    ? await resolveMemberCode(ctx, input.memberCode)
    : await collection(COLLECTIONS.members).get(input.memberId!)
  if (!member || member.status !== 'active') throw new AppError('NOT_FOUND', '会员不存在或已注销')
  const own = clerk.isManager ? member.storeId === clerk.storeId : member.clerkId === clerk._id
  if (!own)
    throw new AppError(
      'FORBIDDEN',
      clerk.isManager ? '只能给本店的会员发券' : '只能给自己的会员发券',
    )
  if (clerk.openid && member.openid === clerk.openid)
    throw new AppError('FORBIDDEN', '不能给自己的会员卡发券')
  const _ = database().command
  const id = budgetId(clerk.storeId, input.templateId)
  const key = `clerk:${clerk._id}:${input.requestId}`
  const give: PendingGiveDoc = {
    giveId: couponIdFor(input.templateId, key),
    attempt: newDocId(),
    memberId: member._id,
    clerkId: clerk._id,
    at: ctx.clock.now(),
  }
  // Guarantee: see the file's header (the one place `left` goes down).
  const taken = await budgets().updateAndReturn(
    { _id: id, left: _.gte(1), 'pendingGives.giveId': _.neq(give.giveId) },
    { left: _.inc(-1), given: _.inc(1), pendingGives: _.push(give) },
  )
  if (!taken) {
    const budget = await budgets().get(id)
    if (budget?.pendingGives?.some((g) => g.giveId === give.giveId))
      throw new AppError('CONFLICT', '这次发券还在处理中，请稍后再试')
    throw couponUnavailable(
      !budget || budget.budget === 0 ? '本店没有这张券的发放额度' : '本店这张券的额度已用完',
    )
  }
  let coupon
  try {
    coupon = await issueCoupon(ctx, input.templateId, member, {
      kind: 'clerk',
      key,
      attempt: give.attempt,
    })
  } catch (err) {
    // Not issued: the unit goes back (the coupon was refused, nothing was given).
    await returnGive(id, give.attempt)
    throw err
  }
  // A retried tap answered with the coupon an earlier attempt gave: this unit was not used.
  const fresh = coupon.source.attempt === give.attempt
  await (fresh ? settleGive(id, give.attempt) : returnGive(id, give.attempt))
  const names = await restrictionNames([coupon.terms])
  return {
    memberNo: member.memberNo,
    coupon: couponView(coupon, 'clerk', ctx.clock.now(), names),
    left: fresh ? taken.left : taken.left + 1,
  }
}

/** The give's unit is used by its coupon: only its entry goes (once: it requires the entry). */
async function settleGive(id: string, attempt: string): Promise<boolean> {
  const _ = database().command
  return budgets().updateIf(
    { _id: id, 'pendingGives.attempt': attempt },
    { pendingGives: _.pull({ attempt }) },
  )
}

/** The give's unit goes back to the budget with its entry (once: it requires the entry). */
async function returnGive(id: string, attempt: string): Promise<boolean> {
  const _ = database().command
  return budgets().updateIf(
    { _id: id, 'pendingGives.attempt': attempt },
    { left: _.inc(1), given: _.inc(-1), pendingGives: _.pull({ attempt }) },
  )
}

/** Past any invocation's life (functions end at their timeout, at most a minute). */
export const GIVE_STALE_MS = 2 * 60_000

/**
 * repairCoupons' step for gives whose invocation died between taking the unit and settling it
 * (entries older than GIVE_STALE_MS): the template first, then the coupon. While the template
 * still holds this attempt's half-done issuance (repairCouponIssues finishes it into the coupon),
 * the give waits; otherwise the coupon read after it is final: a coupon of this attempt keeps the
 * unit, none (or one an earlier attempt gave) returns it. Each settles once (the entry is the
 * condition), however many runs race. At most `batch` budgets per run.
 */
export async function repairCouponGives(
  ctx: InvocationContext,
  options: { batch?: number } = {},
): Promise<{ givesFinished: number; givesReturned: number }> {
  const _ = database().command
  const before = new Date(ctx.clock.now().getTime() - GIVE_STALE_MS)
  const stale = await budgets().find(
    { 'pendingGives.at': _.lte(before) },
    { limit: options.batch ?? 50 },
  )
  let givesFinished = 0
  let givesReturned = 0
  for (const budget of stale) {
    for (const give of (budget.pendingGives ?? []).filter((g) => g.at <= before)) {
      // The template before the coupon: a pending issuance settles only after its coupon is in.
      const template = await collection(COLLECTIONS.couponTemplates).get(budget.templateId)
      const issuing = template?.pendingIssues.some(
        (p) => p.couponId === give.giveId && p.source.attempt === give.attempt,
      )
      if (issuing) continue
      const coupon = await collection(COLLECTIONS.coupons).get(give.giveId)
      if (coupon?.source.attempt === give.attempt) {
        if (await settleGive(budget._id, give.attempt)) givesFinished++
      } else if (await returnGive(budget._id, give.attempt)) givesReturned++
    }
  }
  return { givesFinished, givesReturned }
}
