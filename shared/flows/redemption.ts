/**
 * Gift redemptions: a member redeems a gift for pickup at a store (points and that store's stock
 * taken, pickup code issued), a clerk of that store hands it over once, HQ can cancel one that
 * was not collected (points and stock go back), and a timer repairs redemptions whose
 * invocation died half way.
 *
 * Mail redemptions (central stock, address, shipping fee through WeChat Pay, cancelled if unpaid
 * after 15 minutes) use the same documents and the same taking of points and stock
 * (`fulfilment: 'mail'`, statuses awaitingPayment → awaitingShipment → shipped): see
 * mail-redemption-service.ts.
 */
import { lifecycleActor } from '../hq/rules/roles'
import { z } from 'zod'
import type { redemptionView } from '../points/contract'
import { COLLECTIONS } from '../collections'
import { collection } from '../platform/db/collection'
import type { GiftStockDoc, RedemptionDoc, RedemptionStatus } from '../gifts/documents'
import type { MemberDoc, PendingSpend } from '../membership/documents'
import type { PointsLedgerDoc } from '../points/documents'
import type { ClerkDoc } from '../staff/documents'
import { AppError } from '../platform/errors'
import { formatShanghaiMinute } from '../platform/calendar'
import { newPickupCode, normalisePickupCode } from '../gifts/rules/pickup-code'
import { claimPickupCode } from '../platform/claims/claims'
import { pointsExpiryFor } from '../points/rules/points'
import { findDebitGap, isExpiryDue } from '../points/rules/points-ledger'
import { database } from '../platform/runtime/cloudbase'
import type { InvocationContext } from '../platform/runtime/define-function'
import { unlessDuplicate } from '../platform/runtime/transaction'
import type { AdminSession } from '../hq/documents'
import { getStore, namesFor } from '../staff/lookups'
import { stockIdOf } from '../gifts/gift-service'
import { newDocId } from '../platform/ids'
import { requireOpenid } from '../platform/runtime/identity'
import { findMemberByOpenid, requireMember } from '../membership/lookups'
import { maskPhone } from '../platform/phone'
import {
  accountOf,
  clearPendingSpend,
  creditInTransaction,
  expireMemberPoints,
  getMember,
  takePoints,
  withMemberAccount,
  type PointsContext,
} from '../points/points-account-service'
import { loadPointsRules } from '../points/lookups'
import { requireStaff } from '../staff/lookups'
import { afterCursor, cursorOf } from '../platform/db/paging'
import type { Actor } from '../platform/lifecycle'
import {
  canTransition,
  nextRedemptionActions,
  REDEMPTION_STATUS_LABELS,
  statusesAllowing,
} from '../gifts/lifecycle'

type RedemptionView = z.infer<typeof redemptionView>

/** Who is looking, and when: the actions a view offers depend on both. */
export interface RedemptionViewer {
  actor: Actor
  now: Date
}

/** An invocation older than this has ended (function timeouts are seconds), whatever it did. */
export const PENDING_STALE_MS = 2 * 60_000

export const redemptions = () => collection(COLLECTIONS.redemptions)
const stock = () => collection(COLLECTIONS.giftStock)
const ledger = () => collection(COLLECTIONS.pointsLedger)

// ------------------------------------------------------------------ redeem

/**
 * Takes one unit of a store's stock. Guarantee: a single conditional decrement that matches only
 * while at least one unit is there and the gift is on sale, so concurrent redemptions never take
 * stock below zero; it also returns the gift's name and price as that row carries them.
 */
export async function takeStock(stockId: string): Promise<GiftStockDoc | null> {
  const _ = database().command
  return stock().updateAndReturn(
    { _id: stockId, available: _.gte(1), active: true },
    { available: _.inc(-1) },
  )
}

/** Compensation for takeStock when the points could not be taken. */
export async function returnStock(stockId: string): Promise<void> {
  await stock().update(stockId, { available: database().command.inc(1) })
}

async function whyNoStock(giftId: string, stockId: string): Promise<AppError> {
  const [row, gift] = await Promise.all([
    stock().get(stockId),
    collection(COLLECTIONS.gifts).get(giftId),
  ])
  if (!gift) return new AppError('NOT_FOUND', '该礼品不存在', 'giftId')
  if (gift.status !== 'active') return new AppError('CONFLICT', '该礼品已下架')
  if (!gift.fulfilments.includes('pickup'))
    return new AppError('CONFLICT', '该礼品不支持到店自提', 'fulfilment')
  if (!row) return new AppError('CONFLICT', '该门店暂无此礼品，请选择其他门店', 'storeId')
  return new AppError('CONFLICT', '该门店库存不足，请选择其他门店', 'storeId')
}

/**
 * Takes the member's points for a unit of stock already taken (one conditional update that also
 * marks the spend pending); if they cannot be taken, the unit goes back and the member is told
 * why. Shared by pickup and mail.
 */
export async function takePointsForUnit(
  ctx: InvocationContext,
  openid: string,
  pending: PendingSpend,
): Promise<{ member: MemberDoc; span: { start: number; end: number } }> {
  const now = pending.at
  let taken = await takePoints(openid, pending, now)
  if (!taken) {
    let member = await findMemberByOpenid(openid)
    if (member?.status === 'active' && isExpiryDue(accountOf(member), now)) {
      // Points came due and the expiry timer has not run yet: expire them here, then try again.
      await expireMemberPoints(member._id, now)
      taken = await takePoints(openid, pending, now)
      if (!taken) member = await findMemberByOpenid(openid)
    }
    if (!taken) {
      await returnStock(pending.stockId)
      if (!member || member.status !== 'active')
        throw new AppError('NOT_FOUND', '还不是会员：请扫描门店或导购的二维码开卡')
      ctx.caller.role = 'member'
      throw new AppError(
        'CONFLICT',
        `积分不足：兑换需要 ${pending.points} 积分，你当前有 ${member.points} 积分`,
      )
    }
  }
  ctx.caller.role = 'member'
  return taken
}

/** What a redemption's spend entry says it paid for (the ledger line's source). */
function spendSource(pending: PendingSpend) {
  return {
    type: 'redemption' as const,
    redemptionId: pending.redemptionId,
    giftId: pending.giftId,
    giftName: pending.giftName,
    storeId: pending.storeId,
  }
}

/** The spend entry of a redemption, placed on the span its debit took (`redemption:<id>:spend`). */
export function spendEntry(
  pending: PendingSpend,
  memberId: string,
  span: { start: number; end: number },
): Omit<PointsLedgerDoc, '_id'> {
  return {
    key: `redemption:${pending.redemptionId}:spend`,
    memberId,
    kind: 'spend',
    points: -pending.points,
    start: span.start,
    end: span.end,
    source: spendSource(pending),
    at: pending.at,
  }
}

/**
 * Redeems a gift for pickup in five steps of six round trips: take the store's unit while reading
 * that the store is open (1), take the
 * points and claim a pickup code (2, 3, sent together), write the spend entry and the redemption
 * with its code (4, 5, sent together), clear the pending mark (6). Stock is taken first because it also reads the price; if the points then
 * cannot be taken, the unit goes back. A crash between 1 and 2 can under-count one unit (never
 * oversell); one after 2 is finished or undone by repairRedemptions().
 */
export async function redeemGift(
  ctx: InvocationContext,
  input: { giftId: string; storeId?: string },
) {
  const openid = requireOpenid(ctx)
  const storeId = input.storeId
  if (!storeId) throw new AppError('INVALID_INPUT', '请选择自提门店', 'storeId')
  const now = ctx.clock.now()
  const stockId = stockIdOf(input.giftId, storeId)

  // The store is read beside the first write (no extra wait): a closed store hands out nothing,
  // and a unit taken there goes back. A close that lands after this read counts the store's
  // redemptions again once closed (flows/store-closing.ts) and is taken back if it sees this one;
  // one written after that second count is the same narrow window a pickup order has.
  const [unit, store] = await Promise.all([takeStock(stockId), getStore(storeId)])
  if (!store || store.status !== 'active') {
    if (unit) await returnStock(stockId)
    throw store
      ? new AppError('CONFLICT', '该门店已停业，请选择其他门店自提', 'storeId')
      : new AppError('NOT_FOUND', '门店不存在', 'storeId')
  }
  if (!unit) throw await whyNoStock(input.giftId, stockId)

  const redemptionId = newDocId()
  const pending: PendingSpend = {
    redemptionId,
    points: unit.pointsPrice,
    stockId,
    giftId: unit.giftId,
    giftName: unit.giftName,
    storeId,
    at: now,
  }
  // The pickup code is claimed (pickupCodes, `_id` = the code) while the points are taken; if
  // they cannot be, the claimed code stays unused, which is harmless (platform/claims).
  const [{ member, span }, pickupCode] = await Promise.all([
    takePointsForUnit(ctx, openid, pending),
    claimPickupCode(newPickupCode, { kind: 'redemption', ownerId: redemptionId }, now),
  ])
  const redemption: Omit<RedemptionDoc, '_id'> = {
    memberId: member._id,
    giftId: unit.giftId,
    giftName: unit.giftName,
    points: unit.pointsPrice,
    fulfilment: 'pickup',
    stockId,
    storeId,
    status: 'awaitingPickup',
    pickupCode,
    createdAt: now,
  }
  await Promise.all([
    ledger().insert(spendEntry(pending, member._id, span)),
    redemptions().insert({ _id: redemptionId, ...redemption }),
  ])
  await clearPendingSpend(member._id, redemptionId)
  return {
    redemptionId,
    pickupCode,
    status: 'awaitingPickup' as const,
    points: unit.pointsPrice,
    balance: member.points,
  }
}

// ------------------------------------------------------------------ the member's redemptions

export async function viewsOf(
  docs: RedemptionDoc[],
  viewer: RedemptionViewer,
): Promise<RedemptionView[]> {
  if (docs.length === 0) return []
  const giftIds = [...new Set(docs.map((d) => d.giftId))]
  const [names, gifts] = await Promise.all([
    namesFor(
      docs.flatMap((d) => (d.storeId ? [d.storeId] : [])),
      [],
    ),
    collection(COLLECTIONS.gifts).find(
      { _id: database().command.in(giftIds) },
      { fields: ['images'], limit: 1000 },
    ),
  ])
  const covers = new Map(gifts.map((g) => [g._id, g.images[0] ?? null]))
  return docs.map((d) =>
    viewOf(
      d,
      d.storeId ? (names.stores.get(d.storeId) ?? '') : null,
      covers.get(d.giftId) ?? null,
      viewer,
    ),
  )
}

export function viewOf(
  doc: RedemptionDoc,
  storeName: string | null,
  giftImage: string | null,
  viewer: RedemptionViewer,
): RedemptionView {
  return {
    redemptionId: doc._id,
    giftId: doc.giftId,
    giftName: doc.giftName,
    giftImage,
    points: doc.points,
    fulfilment: doc.fulfilment,
    status: doc.status,
    statusLabel: REDEMPTION_STATUS_LABELS[doc.status],
    actions: nextRedemptionActions(doc, viewer.actor, viewer.now),
    storeId: doc.storeId,
    storeName,
    pickupCode: doc.status === 'awaitingPickup' ? (doc.pickupCode ?? null) : null,
    createdAt: doc.createdAt.toISOString(),
    collectedAt: doc.collectedAt ? doc.collectedAt.toISOString() : null,
    collectedByName: doc.collectedBy?.name ?? null,
    cancelledAt: doc.cancelledAt ? doc.cancelledAt.toISOString() : null,
    cancelReason: doc.cancelReason ?? null,
    address: doc.address ?? null,
    shippingFeeFen: doc.shippingFeeFen ?? null,
    payBy: doc.payBy ? doc.payBy.toISOString() : null,
    paidAt: doc.paidAt ? doc.paidAt.toISOString() : null,
    shippedAt: doc.shippedAt ? doc.shippedAt.toISOString() : null,
    shipment: doc.shipment
      ? { carrier: doc.shipment.carrier, trackingNo: doc.shipment.trackingNo }
      : null,
    couponId: doc.status === 'couponIssued' ? (doc.couponId ?? null) : null,
  }
}

export async function myRedemptions(
  ctx: InvocationContext,
  input: { status?: RedemptionStatus; cursor?: string; limit: number },
) {
  const member = await requireMember(ctx)
  const db = database()
  const mine: Record<string, unknown> = { memberId: member._id }
  if (input.status) mine.status = input.status
  const after = afterCursor(db, 'createdAt', input.cursor)
  const page = await redemptions().find(after ? db.command.and([mine, after]) : mine, {
    orderBy: [
      ['createdAt', 'desc'],
      ['_id', 'desc'],
    ],
    limit: input.limit + 1,
  })
  const docs = page.slice(0, input.limit)
  const last = docs.at(-1)
  return {
    items: await viewsOf(docs, { actor: 'member', now: ctx.clock.now() }),
    nextCursor: page.length > input.limit && last ? cursorOf(last.createdAt, last._id) : null,
  }
}

/** The caller's own redemption (NOT_FOUND for anyone else's). */
export async function ownRedemption(
  ctx: InvocationContext,
  redemptionId: string,
): Promise<RedemptionDoc> {
  const member = await requireMember(ctx)
  const doc = await redemptions().get(redemptionId)
  if (!doc || doc.memberId !== member._id) throw new AppError('NOT_FOUND', '兑换记录不存在')
  return doc
}

// ------------------------------------------------------------------ the counter

async function byPickupCode(pickupCode: string): Promise<RedemptionDoc> {
  const code = normalisePickupCode(pickupCode)
  const doc = await redemptions().findOne({ pickupCode: code })
  if (!doc) throw new AppError('NOT_FOUND', '兑换码不存在，请核对后重试', 'pickupCode')
  return doc
}

async function refuseOtherStore(clerk: ClerkDoc, doc: RedemptionDoc): Promise<void> {
  if (doc.fulfilment === 'pickup' && doc.storeId === clerk.storeId) return
  const storeName = doc.storeId
    ? ((await namesFor([doc.storeId], [])).stores.get(doc.storeId) ?? '其他门店')
    : '邮寄'
  throw new AppError(
    'FORBIDDEN',
    doc.storeId ? `该兑换需在「${storeName}」核销，本店不能核销` : '邮寄兑换无需到店核销',
  )
}

function alreadyDone(doc: RedemptionDoc): AppError {
  if (doc.status === 'collected' && doc.collectedAt) {
    return new AppError(
      'CONFLICT',
      `该兑换码已于 ${formatShanghaiMinute(doc.collectedAt)} 由 ${doc.collectedBy?.name ?? '店员'} 核销，礼品已领取`,
    )
  }
  if (doc.status === 'cancelled') return new AppError('CONFLICT', '该兑换已取消，不能核销')
  return new AppError(
    'CONFLICT',
    `该兑换当前状态为「${REDEMPTION_STATUS_LABELS[doc.status]}」，不能核销`,
  )
}

async function pickupView(doc: RedemptionDoc, now: Date) {
  const [view, member] = await Promise.all([
    viewsOf([doc], { actor: 'clerk', now }),
    getMember(doc.memberId),
  ])
  return {
    ...view[0]!,
    memberNo: member?.memberNo ?? '',
    phoneMasked: member?.phone ? maskPhone(member.phone) : null,
  }
}

/** What a scanned or typed pickup code is for, before handing the gift over (clerks of that store). */
export async function pickupDetail(ctx: InvocationContext, input: { pickupCode: string }) {
  const clerk = await requireStaff(ctx)
  const doc = await byPickupCode(input.pickupCode)
  await refuseOtherStore(clerk, doc)
  return pickupView(doc, ctx.clock.now())
}

/**
 * A clerk of the redemption's store hands the gift over. Guarantee: the status moves from
 * awaitingPickup to collected in one conditional update, so of any number of verifications of
 * one code (two clerks scanning at once, a double tap) exactly one succeeds; every other one is
 * told when and by whom it was collected.
 */
export async function verifyPickup(ctx: InvocationContext, input: { pickupCode: string }) {
  const clerk = await requireStaff(ctx)
  const doc = await byPickupCode(input.pickupCode)
  await refuseOtherStore(clerk, doc)
  if (!canTransition(doc, 'verifyPickup')) throw alreadyDone(doc)
  const now = ctx.clock.now()
  const collectedBy = { clerkId: clerk._id, name: clerk.name }
  const handedOver = await redemptions().updateIf(
    { _id: doc._id, status: 'awaitingPickup' },
    { status: 'collected', collectedAt: now, collectedBy },
  )
  if (!handedOver) {
    const winner = (await redemptions().get(doc._id))!
    throw alreadyDone(winner)
  }
  return pickupView({ ...doc, status: 'collected', collectedAt: now, collectedBy }, now)
}

// ------------------------------------------------------------------ cancelling and repair

/**
 * Cancels a redemption and gives back its points and stock, all in one transaction: the
 * redemption's status, the stock row, the member's balance and the `return` ledger entry change
 * together or not at all, and only from one of the statuses `from`, so a cancellation applies
 * once even when retried or racing with the counter. `missing` recreates a redemption that was
 * never written (repair of a spend whose invocation died), as cancelled. With `alreadyCancelledIsDone`
 * a redemption found cancelled is returned as it is (a repeated hook), not refused.
 */
export async function cancelAndReturn(
  ctx: PointsContext,
  target: {
    redemptionId: string
    memberId: string
    stockId: string
    points: number
    giftName: string
  },
  reason: string,
  options: {
    from: RedemptionStatus[]
    missing?: Omit<RedemptionDoc, '_id' | 'status'>
    alreadyCancelledIsDone?: boolean
  },
): Promise<RedemptionDoc> {
  const { missing } = options
  const now = ctx.clock.now()
  const rules = await loadPointsRules()
  const _ = database().command
  return withMemberAccount(target.memberId, now, async (t, member) => {
    const docRef = t.collection(COLLECTIONS.redemptions.name).doc(target.redemptionId)
    const current = ((await docRef.get()) as { data: RedemptionDoc | null }).data
    let cancelled: RedemptionDoc
    if (current) {
      if (current.status === 'cancelled' && options.alreadyCancelledIsDone) return current
      if (!options.from.includes(current.status)) throw alreadyDoneForCancel(current)
      cancelled = { ...current, status: 'cancelled', cancelledAt: now, cancelReason: reason }
      await docRef.update({ status: 'cancelled', cancelledAt: now, cancelReason: reason })
    } else {
      if (!missing) throw new AppError('NOT_FOUND', '兑换记录不存在')
      cancelled = {
        _id: target.redemptionId,
        ...missing,
        status: 'cancelled',
        cancelledAt: now,
        cancelReason: reason,
      }
      await docRef.create({
        ...missing,
        status: 'cancelled',
        cancelledAt: now,
        cancelReason: reason,
      })
    }
    await collection(COLLECTIONS.giftStock, t).update(target.stockId, { available: _.inc(1) })
    await creditInTransaction(
      t,
      member,
      target.points,
      pointsExpiryFor(now, rules.expiryYears),
      {
        key: `redemption:${target.redemptionId}:return`,
        kind: 'return',
        source: {
          type: 'redemptionCancelled',
          redemptionId: target.redemptionId,
          giftName: target.giftName,
        },
        at: now,
      },
      { pendingSpends: _.pull({ redemptionId: target.redemptionId }) },
    )
    return cancelled
  })
}

function alreadyDoneForCancel(doc: RedemptionDoc): AppError {
  if (doc.status === 'cancelled') return new AppError('CONFLICT', '该兑换已取消')
  if (doc.status === 'collected' && doc.collectedAt) {
    return new AppError(
      'CONFLICT',
      `该兑换已于 ${formatShanghaiMinute(doc.collectedAt)} 由 ${doc.collectedBy?.name ?? '店员'} 核销，不能取消`,
    )
  }
  return new AppError(
    'CONFLICT',
    `该兑换当前状态为「${REDEMPTION_STATUS_LABELS[doc.status]}」，不能取消`,
  )
}

/** HQ cancels a redemption that was not collected: points and stock go back. */
export async function cancelRedemption(
  ctx: InvocationContext,
  session: AdminSession,
  input: { redemptionId: string; reason: string },
) {
  const doc = await redemptions().get(input.redemptionId)
  if (!doc) throw new AppError('NOT_FOUND', '兑换记录不存在', 'redemptionId')
  // An unpaid mail redemption still has an open WeChat Pay order: it is cancelled by closing that
  // (the member's cancel or the 15-minute timer), never behind its back.
  if (doc.status === 'awaitingPayment')
    throw new AppError('CONFLICT', '该邮寄兑换正在等待会员支付运费，15 分钟内未支付会自动取消')
  const cancelled = await cancelAndReturn(
    ctx,
    {
      redemptionId: doc._id,
      memberId: doc.memberId,
      stockId: doc.stockId,
      points: doc.points,
      giftName: doc.giftName,
    },
    `${input.reason}（总部 ${session.username}）`,
    { from: statusesAllowing('revoke') },
  )
  return (
    await viewsOf([cancelled], { actor: lifecycleActor(session.role), now: ctx.clock.now() })
  )[0]!
}

/**
 * The spend entry of a spend whose points were taken (the pending mark was written in the same
 * update), written if missing (idempotent by key), placed in the gap its debit left on the
 * points line.
 */
export async function ensureSpendEntry(member: MemberDoc, pending: PendingSpend): Promise<void> {
  const key = `redemption:${pending.redemptionId}:spend`
  const existing = await ledger().findOne({ key })
  if (!existing) {
    const debits = await ledger().find(
      { memberId: member._id, points: database().command.lt(0) },
      { fields: ['start', 'end'], limit: 1000 },
    )
    const recorded = debits.filter((d) => d.start !== undefined && d.end !== undefined) as {
      start: number
      end: number
    }[]
    const gap = findDebitGap(recorded, member.pointsDebited, pending.points)
    // Written meanwhile by a concurrent repair (the key is unique): nothing to add.
    await ledger().insertOnce({
      key,
      memberId: member._id,
      kind: 'spend',
      points: -pending.points,
      ...(gap ? { start: gap.start, end: gap.end } : {}),
      source: { ...spendSource(pending), repaired: true },
      at: pending.at,
    })
  }
}

/**
 * Settles one spend whose invocation ended before clearing its pending mark. The points were
 * taken (the mark was written in the same update), so the spend entry must exist: it is written
 * if missing (idempotent by key), placed in the gap its debit left on the points line. Then, if
 * the redemption exists the spend was complete and the mark goes; if not, the member never got
 * a pickup code, so the redemption is recorded as cancelled and the points and stock go back.
 */
async function settlePendingSpend(
  ctx: PointsContext,
  member: MemberDoc,
  pending: PendingSpend,
): Promise<'completed' | 'cancelled'> {
  await ensureSpendEntry(member, pending)
  const redemption = await redemptions().get(pending.redemptionId)
  if (redemption) {
    await clearPendingSpend(member._id, pending.redemptionId)
    return 'completed'
  }
  try {
    // A late write of the redemption itself won the race (its id is taken) or it was handed over
    // meanwhile (CONFLICT): then it is complete after all.
    const outcome = await unlessDuplicate(
      async () => {
        await cancelAndReturn(
          ctx,
          { ...pending, memberId: member._id },
          '兑换未完成，积分与库存已退回',
          {
            from: ['awaitingPickup'],
            missing: {
              memberId: member._id,
              giftId: pending.giftId,
              giftName: pending.giftName,
              points: pending.points,
              // Mail spends take central stock and carry no store.
              fulfilment: pending.storeId ? 'pickup' : 'mail',
              stockId: pending.stockId,
              storeId: pending.storeId,
              createdAt: pending.at,
            },
          },
        )
        return 'cancelled' as const
      },
      async () => 'completed' as const,
    )
    if (outcome === 'cancelled') return 'cancelled'
  } catch (err) {
    if (!(err instanceof AppError && err.code === 'CONFLICT')) throw err
  }
  await clearPendingSpend(member._id, pending.redemptionId)
  return 'completed'
}

/**
 * The repair timer: settles every pending spend older than PENDING_STALE_MS. Idempotent and safe
 * to run concurrently (each step is keyed or conditional); bounded to `batch` members per run.
 */
export async function repairRedemptions(ctx: PointsContext, options: { batch?: number } = {}) {
  const now = ctx.clock.now()
  const before = new Date(now.getTime() - PENDING_STALE_MS)
  const stale = await collection(COLLECTIONS.members).find(
    { 'pendingSpends.at': database().command.lt(before) },
    { limit: options.batch ?? 50 },
  )
  let checked = 0
  let completed = 0
  let cancelled = 0
  for (const member of stale) {
    for (const pending of member.pendingSpends ?? []) {
      if (pending.at.getTime() >= before.getTime()) continue
      checked++
      const outcome = await settlePendingSpend(ctx, member, pending)
      if (outcome === 'completed') completed++
      else cancelled++
    }
  }
  return { checked, completed, cancelled }
}
