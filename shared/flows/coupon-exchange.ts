/**
 * Points for a coupon: a coupon gift in the points mall (`fulfilments: ['coupon']`, HQ's template
 * named on the gift) gives one coupon of that template for its points price.
 *
 * Guarantee, stated once: the points are taken and the coupon given exactly once per exchange,
 * whatever retries, races or crashes happen, and never past the template's total or the member's
 * limit.
 *  - The exchange is a redemption whose `_id` is derived from the member and the app's
 *    `requestId` (one per tap of 兑换), inserted once as `issuing` before anything is taken: a
 *    retried request finds it and answers it instead of starting again.
 *  - The coupon's unit is held first (coupons' holdCouponUnit: the member's slot, then one
 *    conditional update `issued < totalQuantity`), so an exchange refused because the template ran
 *    out takes no points: with 10 left, 50 racing exchanges take points 10 times, not 50 times
 *    with 40 given back.
 *  - Then the points, in one conditional update that also marks the spend pending on the member
 *    (points-account-service takePoints); if they cannot be taken, the unit goes back and the
 *    exchange is removed (nothing happened).
 *  - Then the spend entry, the coupon (its `_id` fixed when the exchange started) and the
 *    redemption's `issuing → couponIssued`, each once by key or condition; then the held entry and
 *    the pending mark go.
 * An invocation that dies half way leaves the redemption `issuing`: repairCouponExchanges (in the
 * repairCoupons job) decides by whether the points were taken (the pending mark, or the spend
 * entry once the points repair has written it): taken, it finishes forward (coupon, entry,
 * status); not taken, the unit goes back and the exchange is removed. The coupons' own repair
 * leaves held units alone, and the points repair only clears the mark of an existing redemption,
 * so one place decides each exchange.
 */
import { createHash } from 'node:crypto'
import { COLLECTIONS } from '../collections'
import {
  couponIdFor,
  holdCouponUnit,
  issueHeldCoupon,
  releaseHeldUnit,
  settleHeldUnit,
} from '../coupons/coupon-service'
import { issueRefusal, termsSummary } from '../coupons/rules/coupons'
import { channelsText, validityText } from '../coupons/views'
import type { CouponTemplateDoc, PendingIssueDoc } from '../coupons/documents'
import type { RedemptionDoc } from '../gifts/documents'
import { REDEMPTION_STATUS_LABELS } from '../gifts/lifecycle'
import type { MemberDoc, PendingSpend } from '../membership/documents'
import { findMemberByOpenid } from '../membership/lookups'
import { AppError } from '../platform/errors'
import { collection } from '../platform/db/collection'
import { database } from '../platform/runtime/cloudbase'
import type { InvocationContext } from '../platform/runtime/define-function'
import { requireOpenid } from '../platform/runtime/identity'
import {
  accountOf,
  clearPendingSpend,
  expireMemberPoints,
  getMember,
  takePoints,
} from '../points/points-account-service'
import { isExpiryDue } from '../points/rules/points-ledger'
import { ensureSpendEntry, PENDING_STALE_MS, redemptions, spendEntry } from './redemption'

/**
 * The mall's view of coupon gifts: the coupon each gives (its terms in words) and how many are
 * left. One read of the templates, only when the list has a coupon gift.
 */
export async function withCouponTerms<
  G extends { couponTemplateId: string | null; coupon: unknown },
>(items: G[]): Promise<G[]> {
  const ids = [...new Set(items.flatMap((g) => (g.couponTemplateId ? [g.couponTemplateId] : [])))]
  if (ids.length === 0) return items
  const found = await templates().find({ _id: database().command.in(ids) }, { limit: ids.length })
  const byId = new Map(found.map((t) => [t._id, t]))
  return items.map((g) => {
    const t = g.couponTemplateId ? byId.get(g.couponTemplateId) : undefined
    if (!t) return g
    return {
      ...g,
      coupon: {
        templateId: t._id,
        name: t.name,
        summary: termsSummary(t),
        validityText: validityText(t),
        channelsText: channelsText(t),
        remaining:
          t.status !== 'active'
            ? 0
            : t.totalQuantity === null
              ? null
              : Math.max(0, t.totalQuantity - t.issued),
      },
    }
  })
}

const gifts = () => collection(COLLECTIONS.gifts)
const templates = () => collection(COLLECTIONS.couponTemplates)
const ledger = () => collection(COLLECTIONS.pointsLedger)

/** The exchange's id: the same member and request, the same exchange. */
function exchangeId(memberId: string, requestId: string): string {
  return createHash('sha256')
    .update(`coupon-exchange\n${memberId}\n${requestId}`)
    .digest('hex')
    .slice(0, 32)
}

function pendingSpendOf(r: RedemptionDoc): PendingSpend {
  return {
    redemptionId: r._id,
    points: r.points,
    stockId: '',
    giftId: r.giftId,
    giftName: r.giftName,
    storeId: null,
    at: r.createdAt,
  }
}

function answerOf(r: RedemptionDoc, balance: number) {
  return {
    redemptionId: r._id,
    status: r.status,
    points: r.points,
    balance,
    ...(r.couponId ? { couponId: r.couponId } : {}),
  }
}

/** Takes the points (one conditional update with the pending mark), expiring due points first. */
async function takeExchangePoints(openid: string, pending: PendingSpend) {
  let taken = await takePoints(openid, pending, pending.at)
  if (taken) return taken
  const member = await findMemberByOpenid(openid)
  if (member?.status === 'active' && isExpiryDue(accountOf(member), pending.at)) {
    // Points came due and the expiry timer has not run yet: expire them here, then try again.
    await expireMemberPoints(member._id, pending.at)
    taken = await takePoints(openid, pending, pending.at)
  }
  return taken
}

/**
 * The member exchanges points for a coupon gift (`points.redeem {fulfilment: 'coupon', requestId}`).
 * Eight round trips: gift and member, the template, the exchange, slot, unit, points, then entry
 * + coupon + status together, then the held entry and the mark together.
 */
export async function exchangeForCoupon(
  ctx: InvocationContext,
  input: { giftId: string; requestId?: string },
) {
  const openid = requireOpenid(ctx)
  const now = ctx.clock.now()
  if (!input.requestId) throw new AppError('INVALID_INPUT', '缺少请求编号', 'requestId')
  const [gift, member] = await Promise.all([gifts().get(input.giftId), findMemberByOpenid(openid)])
  if (!member || member.status !== 'active')
    throw new AppError('NOT_FOUND', '还不是会员：请扫描门店或导购的二维码开卡')
  ctx.caller.role = 'member'
  if (!gift || gift.status !== 'active') throw new AppError('NOT_FOUND', '该礼品不存在或已下架')
  if (!gift.fulfilments.includes('coupon') || !gift.couponTemplateId)
    throw new AppError('INVALID_INPUT', '该礼品不是优惠券', 'fulfilment')

  const redemptionId = exchangeId(member._id, input.requestId)
  const template = await templates().get(gift.couponTemplateId)
  if (!template) throw new AppError('CONFLICT', '该优惠券已停止兑换')
  // Refusals that need no write (a retry of a finished exchange is answered below, not refused).
  const refusal = issueRefusal(template, 0, member.tier, now)
  const earlier = refusal || member.points < gift.pointsPrice
  if (earlier) {
    const done = await redemptions().get(redemptionId)
    if (done) return answered(done, member)
    if (refusal) throw new AppError('COUPON_UNAVAILABLE', refusal.replace('领完', '兑完'))
    throw new AppError(
      'CONFLICT',
      `积分不足：兑换需要 ${gift.pointsPrice} 积分，你当前有 ${member.points} 积分`,
    )
  }

  const couponId = couponIdFor(template._id, `points:${redemptionId}`)
  const exchange: RedemptionDoc = {
    _id: redemptionId,
    memberId: member._id,
    giftId: gift._id,
    giftName: gift.name,
    points: gift.pointsPrice,
    fulfilment: 'coupon',
    stockId: '',
    storeId: null,
    status: 'issuing',
    couponTemplateId: template._id,
    couponId,
    createdAt: now,
  }
  const started = await redemptions().insertOnce(exchange, { existing: 'id' })
  if (!started.inserted) return answered(started.existing ?? exchange, member)

  // The unit first: refused here, nothing was taken.
  let held: PendingIssueDoc
  try {
    held = await holdCouponUnit(
      ctx,
      template,
      member,
      couponId,
      { kind: 'points', key: `points:${redemptionId}` },
      { kind: 'points', redemptionId },
    )
  } catch (err) {
    await redemptions().remove(redemptionId)
    if (err instanceof AppError && err.code === 'COUPON_UNAVAILABLE')
      throw new AppError('COUPON_UNAVAILABLE', err.message.replace('领完', '兑完'))
    throw err
  }

  const pending = pendingSpendOf(exchange)
  const taken = await takeExchangePoints(openid, pending)
  if (!taken) {
    await releaseHeldUnit(template._id, member._id, couponId, held.slot)
    await redemptions().remove(redemptionId)
    const now2 = await findMemberByOpenid(openid)
    throw new AppError(
      'CONFLICT',
      `积分不足：兑换需要 ${gift.pointsPrice} 积分，你当前有 ${now2?.points ?? 0} 积分`,
    )
  }

  await Promise.all([
    ledger().insertOnce(spendEntry(pending, member._id, taken.span)),
    issueHeldCoupon(template, held),
    redemptions().updateIf({ _id: redemptionId, status: 'issuing' }, { status: 'couponIssued' }),
  ])
  await Promise.all([
    settleHeldUnit(template._id, couponId),
    clearPendingSpend(member._id, redemptionId),
  ])
  return answerOf({ ...exchange, status: 'couponIssued' }, taken.member.points)
}

/** A repeated request: the finished exchange, or why it is not finished yet. */
function answered(r: RedemptionDoc, member: MemberDoc) {
  if (r.memberId !== member._id || r.fulfilment !== 'coupon')
    throw new AppError('CONFLICT', '请求编号已被使用')
  if (r.status === 'couponIssued') return answerOf(r, member.points)
  throw new AppError(
    'CONFLICT',
    `这次兑换${REDEMPTION_STATUS_LABELS[r.status]}，请稍后在「我的兑换」查看`,
  )
}

/**
 * Finishes or undoes coupon exchanges left `issuing` by an invocation that ended (older than
 * PENDING_STALE_MS, far past any function's timeout): see the file's guarantee. Idempotent; at
 * most `batch` per run.
 */
export async function repairCouponExchanges(
  ctx: InvocationContext,
  options: { batch?: number } = {},
): Promise<{ exchangesFinished: number; exchangesUndone: number }> {
  const _ = database().command
  const before = new Date(ctx.clock.now().getTime() - PENDING_STALE_MS)
  const stale = await redemptions().find(
    { status: 'issuing', createdAt: _.lt(before) },
    { limit: options.batch ?? 50 },
  )
  let exchangesFinished = 0
  let exchangesUndone = 0
  for (const r of stale) {
    const pending = pendingSpendOf(r)
    // The member first, then the ledger: the points repair writes the entry before it clears the
    // mark, so a mark gone by the first read means the entry is there for the second.
    const member = await getMember(r.memberId)
    const marked = member?.pendingSpends?.some((p) => p.redemptionId === r._id) ?? false
    const paid = marked || (await ledger().findOne({ key: `redemption:${r._id}:spend` })) !== null
    const template: CouponTemplateDoc | null = await templates().get(r.couponTemplateId!)
    const held = template?.pendingIssues.find((p) => p.couponId === r.couponId) ?? null
    if (paid) {
      if (template && held) await issueHeldCoupon(template, held)
      if (member && marked) await ensureSpendEntry(member, pending)
      await redemptions().updateIf({ _id: r._id, status: 'issuing' }, { status: 'couponIssued' })
      if (held) await settleHeldUnit(r.couponTemplateId!, r.couponId!)
      if (marked) await clearPendingSpend(r.memberId, r._id)
      exchangesFinished++
    } else {
      // The unit back and the slot freed before the exchange goes, so a crash here is seen again.
      await releaseHeldUnit(r.couponTemplateId!, r.memberId, r.couponId!, held?.slot ?? null)
      await redemptions().removeWhere({ _id: r._id, status: 'issuing' })
      exchangesUndone++
    }
  }
  return { exchangesFinished, exchangesUndone }
}
