/**
 * A member's points account over the database: credits, debits, expiry, and the tier that the
 * trailing year's purchases give. The rules are in shared/rules/points*.ts and tiers.ts; this
 * file applies them.
 *
 * Two ways a balance changes, each stated once:
 *  - Spending (the hot path, redemptions) is one atomic conditional update on the member:
 *    see takePoints().
 *  - Everything else (earn, refund take-back, HQ adjustment, returned points, expiry) is a
 *    CloudBase transaction over the member document and one new ledger entry: see
 *    withMemberAccount(). The ledger entry's unique `key` makes each of them apply once.
 *
 * Functions the shop calls when an order is paid or refunded: creditPurchasePoints(),
 * reversePurchasePoints().
 */
import { COLLECTIONS } from '../collections'
import type { MemberDoc, PendingSpend } from '../membership/documents'
import type { PointsLedgerDoc, Tier } from './documents'
import { AppError } from '../platform/errors'
import type { Clock } from '../platform/ports/clock'
import { earnedPoints, pointsExpiryFor, refundTakeback, type PointsRules } from './rules/points'
import {
  isExpiryDue,
  planCredit,
  planDebit,
  planExpiry,
  type CreditSpan,
  type PointsAccount,
  type Span,
} from './rules/points-ledger'
import { NO_PAYMENT, tierFor, tierWindowStart } from './rules/tiers'
import { database } from '../platform/runtime/cloudbase'
import { unlessDuplicate, withTransaction, type Transaction } from '../platform/runtime/transaction'
import { collection } from '../platform/db/collection'
import { loadPointsRules, loadPointsRulesForPurchases } from './lookups'

/** What these services need from the caller: a clock (an InvocationContext is one). */
export interface PointsContext {
  clock: Clock
}

const ledger = () => collection(COLLECTIONS.pointsLedger)
const members = () => collection(COLLECTIONS.members)

export function accountOf(
  member: Pick<
    MemberDoc,
    'points' | 'pointsCredited' | 'pointsDebited' | 'nextExpiryAt' | 'latestExpiryAt'
  >,
): PointsAccount {
  return {
    points: member.points,
    credited: member.pointsCredited,
    debited: member.pointsDebited,
    nextExpiryAt: member.nextExpiryAt,
    latestExpiryAt: member.latestExpiryAt,
  }
}

export function creditSpanOf(entry: PointsLedgerDoc): CreditSpan | null {
  if (entry.points <= 0 || entry.start === undefined || entry.end === undefined || !entry.expiresAt)
    return null
  return { start: entry.start, end: entry.end, points: entry.points, expiresAt: entry.expiresAt }
}

/** The member's credits that still have points, oldest first (one round trip). */
export async function openCredits(
  memberId: string,
  debited: number,
  limit = 1000,
): Promise<{ credits: CreditSpan[]; complete: boolean }> {
  const _ = database().command
  const rows = await ledger().find(
    { memberId, end: _.gt(debited), points: _.gt(0) },
    { orderBy: ['end', 'asc'], limit },
  )
  const credits = rows.map(creditSpanOf).filter((c): c is CreditSpan => c !== null)
  return { credits, complete: rows.length < limit }
}

// ------------------------------------------------------------------ transactions on the account

/** Thrown inside a member transaction when points have come due: expire them, then run again. */
class ExpiryDue extends Error {}

async function readMember(t: Transaction, memberId: string): Promise<MemberDoc | null> {
  return collection(COLLECTIONS.members, t).get(memberId)
}

/**
 * Runs `body` in a transaction that has read the member. Every write the body makes to the
 * member bumps `ledgerVersion`, so any two of these transactions on one member serialise (the
 * later one conflicts and runs again on fresh data), and a spend's conditional update landing
 * in between also makes it run again. Points that have come due are expired first, in their own
 * transaction, so no other change ever sees them.
 */
export async function withMemberAccount<T>(
  memberId: string,
  now: Date,
  body: (t: Transaction, member: MemberDoc) => Promise<T>,
): Promise<T> {
  const db = database()
  for (let round = 0; ; round++) {
    try {
      return await withTransaction(db, async (t) => {
        const member = await readMember(t, memberId)
        if (!member) throw new AppError('NOT_FOUND', '会员不存在')
        if (isExpiryDue(accountOf(member), now)) throw new ExpiryDue()
        return body(t, member)
      })
    } catch (err) {
      if (!(err instanceof ExpiryDue) || round >= 10) throw err
      await expireMemberPoints(memberId, now)
    }
  }
}

export interface NewEntry {
  /** A deterministic id (ledgerEntryId of the key) makes a repeat fail at once, inside the transaction. */
  _id?: string
  key: string
  kind: PointsLedgerDoc['kind']
  source?: Record<string, unknown>
  order?: PointsLedgerDoc['order']
  at: Date
}

/**
 * Appends a credit to the member's queue inside `t`: the member's counters and the ledger entry
 * are written together. `extra` are further member fields the same write sets.
 */
export async function creditInTransaction(
  t: Transaction,
  member: MemberDoc,
  points: number,
  rulesExpiry: Date,
  entry: NewEntry,
  extra: Record<string, unknown> = {},
): Promise<{ entryId: string; account: PointsAccount }> {
  const _ = database().command
  const plan = planCredit(accountOf(member), points, rulesExpiry)
  await collection(COLLECTIONS.members, t).update(member._id, {
    points: _.inc(points),
    pointsCredited: _.inc(points),
    nextExpiryAt: plan.account.nextExpiryAt,
    latestExpiryAt: plan.account.latestExpiryAt,
    ledgerVersion: _.inc(1),
    ...extra,
  })
  const doc: Omit<PointsLedgerDoc, '_id'> = {
    ...entry,
    memberId: member._id,
    points,
    start: plan.span.start,
    end: plan.span.end,
    expiresAt: plan.span.expiresAt,
  }
  const entryId = await collection(COLLECTIONS.pointsLedger, t).insert(doc)
  return { entryId, account: plan.account }
}

/** Takes `points` from the front of the queue inside `t` (the caller checked they are there). */
async function debitInTransaction(
  t: Transaction,
  member: MemberDoc,
  points: number,
  now: Date,
  entry: NewEntry & { shortfall?: number },
  extra: Record<string, unknown> = {},
): Promise<{ entryId: string; account: PointsAccount }> {
  const _ = database().command
  let span: Span | undefined
  let account = accountOf(member)
  if (points > 0) {
    const plan = planDebit(account, points, now)
    if (!plan.ok) throw new AppError('CONFLICT', `积分不足：当前可用 ${member.points} 积分`)
    span = plan.span
    account = plan.account
  }
  await collection(COLLECTIONS.members, t).update(member._id, {
    points: _.inc(-points),
    pointsDebited: _.inc(points),
    ledgerVersion: _.inc(1),
    ...extra,
  })
  const doc: Omit<PointsLedgerDoc, '_id'> = {
    ...entry,
    memberId: member._id,
    points: -points,
    ...(span ? { start: span.start, end: span.end } : {}),
  }
  const entryId = await collection(COLLECTIONS.pointsLedger, t).insert(doc)
  return { entryId, account }
}

async function entryByKey(key: string): Promise<PointsLedgerDoc | null> {
  return ledger().findOne({ key })
}

/** Runs an idempotent ledger change: if its key was applied before (now or by a racing call), `replay` answers. */
async function once<T>(
  key: string,
  apply: () => Promise<T>,
  replay: (existing: PointsLedgerDoc) => Promise<T>,
): Promise<T> {
  const before = await entryByKey(key)
  if (before) return replay(before)
  return unlessDuplicate(apply, async (err) => {
    const winner = await entryByKey(key)
    if (!winner) throw err
    return replay(winner)
  })
}

// ------------------------------------------------------------------ spending (no transaction)

/**
 * Takes a redemption's points in ONE atomic conditional update on the member, found by the
 * caller's openid. Guarantee: the update matches only while the balance covers the price and no
 * points have come due, so concurrent spends can never take the balance below zero or spend
 * points that should have expired; each winner learns its own span of the points line from the
 * returned document (`pointsDebited` after its own increment). The same update records the spend
 * as pending on the member, so if the invocation dies before the ledger entry is written,
 * repairRedemptions() still knows exactly what was taken.
 */
export async function takePoints(
  openid: string,
  pending: PendingSpend,
  now: Date,
): Promise<{ member: MemberDoc; span: Span } | null> {
  const _ = database().command
  const member = await members().updateAndReturn(
    { openid, status: 'active', points: _.gte(pending.points), nextExpiryAt: _.gt(now) },
    {
      points: _.inc(-pending.points),
      pointsDebited: _.inc(pending.points),
      pendingSpends: _.push(pending),
    },
  )
  if (!member) return null
  const end = member.pointsDebited
  return { member, span: { start: end - pending.points, end } }
}

/** Removes a finished spend from the member's pending list (one round trip). */
export async function clearPendingSpend(memberId: string, redemptionId: string): Promise<void> {
  const _ = database().command
  await members().update(memberId, { pendingSpends: _.pull({ redemptionId }) })
}

// ------------------------------------------------------------------ expiry

/**
 * Expires one member's due points in a transaction. Idempotent and safe to run concurrently:
 * it re-reads the member inside the transaction and does nothing unless points are still due;
 * the expiry entry's key is the debit's start on the points line, so the same expiry can never
 * be written twice; and two runs at once conflict on the member, the loser re-reading a member
 * that is no longer due.
 */
export async function expireMemberPoints(memberId: string, now: Date): Promise<{ points: number }> {
  const db = database()
  const _ = db.command
  return withTransaction(db, async (t) => {
    const member = await readMember(t, memberId)
    if (!member || !isExpiryDue(accountOf(member), now)) return { points: 0 }
    const open = await openCredits(memberId, member.pointsDebited)
    const plan = planExpiry(accountOf(member), open.credits, open.complete, now)
    await collection(COLLECTIONS.members, t).update(memberId, {
      points: _.inc(-plan.points),
      pointsDebited: _.inc(plan.points),
      nextExpiryAt: plan.account.nextExpiryAt,
      ledgerVersion: _.inc(1),
    })
    if (plan.points > 0) {
      const entry: Omit<PointsLedgerDoc, '_id'> = {
        key: `member:${memberId}:expire:${plan.span.start}`,
        memberId,
        kind: 'expire',
        points: -plan.points,
        start: plan.span.start,
        end: plan.span.end,
        source: { type: 'expiry' },
        at: now,
      }
      await collection(COLLECTIONS.pointsLedger, t).insert(entry)
    }
    return { points: plan.points }
  })
}

/**
 * The expiry timer: expires every member with points due, in bounded batches. Resumable: each
 * member it finishes is no longer due (its `nextExpiryAt` moves past now), so a run that stops
 * half way, by crash or time budget, leaves exactly the unfinished members for the next run.
 */
export async function expireDuePoints(
  ctx: PointsContext,
  options: { batch?: number; budgetMs?: number; parallel?: number } = {},
) {
  const now = ctx.clock.now()
  const _ = database().command
  let points = 0
  const { handled, more } = await members().sweepDue(
    { nextExpiryAt: _.lte(now) },
    {
      fields: ['_id'],
      batch: options.batch ?? 100,
      budgetMs: options.budgetMs ?? 20_000,
      parallel: options.parallel ?? 4,
    },
    async ({ _id }) => {
      points += (await expireMemberPoints(_id, now)).points
    },
  )
  return { members: handled, expiredPoints: points, more }
}

// ------------------------------------------------------------------ purchases and tiers

/**
 * Paid amount over the trailing 365 days that end at `at`: purchases paid since the window
 * opened minus what was refunded of them, and the oldest of those purchases' payment times (null:
 * none). One aggregation round trip.
 */
export async function trailingWindowAt(
  memberId: string,
  at: Date,
): Promise<{ paidFen: number; oldestPaidAt: Date }> {
  const db = database()
  const $ = db.command.aggregate
  const res = (await ledger()
    .raw.aggregate()
    .match({ memberId, 'order.paidAt': db.command.gt(tierWindowStart(at)) })
    .group({
      _id: null,
      paid: $.sum('$order.paidFen'),
      refunded: $.sum('$order.refundFen'),
      oldest: $.min('$order.paidAt'),
    })
    .end()) as { data: { paid?: number; refunded?: number; oldest?: Date | null }[] }
  const row = res.data[0]
  return row
    ? { paidFen: (row.paid ?? 0) - (row.refunded ?? 0), oldestPaidAt: row.oldest ?? NO_PAYMENT }
    : { paidFen: 0, oldestPaidAt: NO_PAYMENT }
}

export async function trailingPaidFen(memberId: string, at: Date): Promise<number> {
  return (await trailingWindowAt(memberId, at)).paidFen
}

const earliest = (a: Date, b: Date): Date => (a.getTime() < b.getTime() ? a : b)

/**
 * The trailing paid amount after a purchase of `paidFen` paid at `at`, and the window it covers.
 * From the member's stored figure when nothing it counts has left the window since (its oldest
 * counted payment is still inside, and `at` is not before the figure's own window end); otherwise
 * summed from the ledger (one aggregation). Exact either way: every change to the ledger's paid
 * amounts writes the member in the same transaction.
 */
async function trailingAfterPurchase(
  member: MemberDoc,
  paidFen: number,
  at: Date,
): Promise<{ trailingSpendFen: number; trailingWindow: { asOf: Date; oldestPaidAt: Date } }> {
  const stored = member.trailingWindow
  const windowStart = tierWindowStart(at).getTime()
  if (
    stored &&
    member.trailingSpendFen !== undefined &&
    stored.asOf.getTime() <= at.getTime() &&
    stored.oldestPaidAt.getTime() > windowStart
  ) {
    return {
      trailingSpendFen: member.trailingSpendFen + paidFen,
      trailingWindow: { asOf: at, oldestPaidAt: earliest(stored.oldestPaidAt, at) },
    }
  }
  const summed = await trailingWindowAt(member._id, at)
  return {
    trailingSpendFen: summed.paidFen + paidFen,
    trailingWindow: { asOf: at, oldestPaidAt: earliest(summed.oldestPaidAt, at) },
  }
}

/** Ledger entry ids derived from their unique key, so inserting one twice is a duplicate write. */
export const ledgerEntryId = (key: string) => key.replace(/:/g, '_')

export interface PurchasePointsResult {
  /** false when this order was credited before (the call was a retry). */
  applied: boolean
  points: number
  tier: Tier
  balance: number
}

/**
 * An order was paid: credits its points (1 per whole yuan × the multiplier of the tier held when
 * paying, rounded down), records the paid amount and recomputes the tier over the trailing 365
 * days. Idempotent per order (`order:<id>:earn`): the entry's `_id` is derived from that key, so
 * in a repeat the transaction's insert is a duplicate write and nothing of it applies (no read
 * before). `alsoInTx` (a flow's step, e.g. marking the order) commits with the credit.
 *
 * The common case is one transaction of two operations (start, the member's conditional update
 * that returns it, the entry, commit): given `tier` (the tier when paid, frozen on the order),
 * the member is updated only while it still holds that tier, has no points due to expire, and
 * its stored trailing figure still covers the window (nothing has aged out of it), so the figure
 * plus this purchase is exact, and the returned document places the credit on the points line.
 * Otherwise the transaction reads the member first and sums the ledger when the figure is stale
 * (withMemberAccount). The tier is exact under concurrency either way: every purchase and refund
 * writes the member in its transaction, so two of them on one member serialise.
 */
export async function creditPurchasePoints(
  ctx: PointsContext,
  input: { memberId: string; orderId: string; paidFen: number; at: Date; tier?: Tier },
  alsoInTx?: (t: Transaction) => Promise<void>,
): Promise<PurchasePointsResult> {
  if (!Number.isInteger(input.paidFen) || input.paidFen < 0)
    throw new AppError('INVALID_INPUT', '实付金额必须是非负整数（分）', 'paidFen')
  const key = `order:${input.orderId}:earn`
  const rules = await loadPointsRulesForPurchases()
  const now = ctx.clock.now()
  const entryFor = (tier: Tier): NewEntry => ({
    _id: ledgerEntryId(key),
    key,
    kind: 'earn',
    order: { orderId: input.orderId, paidFen: input.paidFen, paidAt: input.at },
    source: { type: 'order', orderId: input.orderId, paidFen: input.paidFen, tier },
    at: input.at,
  })
  const credit = async (): Promise<PurchasePointsResult> => {
    if (input.tier) {
      const fast = await creditWithoutRead(input as typeof input & { tier: Tier }, {
        rules,
        now,
        entry: entryFor(input.tier),
        alsoInTx,
      })
      if (fast) return fast
    }
    return withMemberAccount(input.memberId, now, async (t, member) => {
      if (member.status !== 'active') throw new AppError('NOT_FOUND', '会员不存在或已注销')
      const points = earnedPoints(input.paidFen, member.tier, rules)
      const trailing = await trailingAfterPurchase(member, input.paidFen, input.at)
      const tier = tierFor(trailing.trailingSpendFen, rules.tierThresholdsFen)
      const lastPurchaseAt =
        member.lastPurchaseAt && member.lastPurchaseAt.getTime() > input.at.getTime()
          ? member.lastPurchaseAt
          : input.at
      const entry = entryFor(member.tier)
      const extra = { tier, lastPurchaseAt, ...trailing }
      let balance = member.points
      if (points > 0) {
        const { account } = await creditInTransaction(
          t,
          member,
          points,
          pointsExpiryFor(input.at, rules.expiryYears),
          entry,
          extra,
        )
        balance = account.points
      } else {
        // Nothing to credit: still record the paid amount (it counts towards the tier).
        await collection(COLLECTIONS.members, t).update(member._id, {
          ...extra,
          ledgerVersion: database().command.inc(1),
        })
        await collection(COLLECTIONS.pointsLedger, t).insert({
          ...entry,
          memberId: member._id,
          points: 0,
        })
      }
      if (alsoInTx) await alsoInTx(t)
      return { applied: true, points, tier, balance }
    })
  }
  return unlessDuplicate<PurchasePointsResult>(credit, async (err) => {
    // Credited before (a repeat, or a racing call that committed first).
    const [existing, member] = await Promise.all([entryByKey(key), getMember(input.memberId)])
    if (!existing) throw err
    return {
      applied: false,
      points: existing.points,
      tier: member?.tier ?? 'standard',
      balance: member?.points ?? 0,
    }
  })
}

/** The member did not match the one-update credit: the transaction ends and the full one runs. */
class NotSimple extends Error {}

/**
 * creditPurchasePoints' common case (see there): null when the member does not match it. The
 * member's conditional update comes first in the transaction, so nothing else of the member is
 * read before it and its snapshot is the one it writes.
 */
async function creditWithoutRead(
  input: { memberId: string; orderId: string; paidFen: number; at: Date; tier: Tier },
  options: {
    rules: PointsRules
    now: Date
    entry: NewEntry
    alsoInTx?: (t: Transaction) => Promise<void>
  },
): Promise<PurchasePointsResult | null> {
  const { rules, now, entry } = options
  const db = database()
  const _ = db.command
  const points = earnedPoints(input.paidFen, input.tier, options.rules)
  const expiresAt = pointsExpiryFor(input.at, rules.expiryYears)
  try {
    return await withTransaction(db, async (t) => {
      const member = await collection(COLLECTIONS.members, t).updateAndReturn(
        {
          _id: input.memberId,
          status: 'active',
          tier: input.tier,
          // Nothing due to expire, and this credit queues after every earlier one (planCredit:
          // its expiry is the new high-water mark; the oldest remaining still expires first).
          nextExpiryAt: _.gt(now).and(_.lte(expiresAt)),
          latestExpiryAt: _.lte(expiresAt),
          // The stored trailing figure still covers the window ending at this payment.
          trailingSpendFen: _.gte(0),
          'trailingWindow.asOf': _.lte(input.at),
          'trailingWindow.oldestPaidAt': _.gt(tierWindowStart(input.at)),
        },
        {
          ...(points > 0
            ? {
                points: _.inc(points),
                pointsCredited: _.inc(points),
                latestExpiryAt: expiresAt,
              }
            : {}),
          trailingSpendFen: _.inc(input.paidFen),
          'trailingWindow.asOf': input.at,
          'trailingWindow.oldestPaidAt': _.min(input.at),
          lastPurchaseAt: _.max(input.at),
          ledgerVersion: _.inc(1),
        },
      )
      if (!member) throw new NotSimple()
      const tier = tierFor(member.trailingSpendFen ?? 0, rules.tierThresholdsFen)
      if (tier !== member.tier)
        await collection(COLLECTIONS.members, t).update(member._id, { tier })
      const end = member.pointsCredited
      await collection(COLLECTIONS.pointsLedger, t).insert({
        ...entry,
        memberId: member._id,
        points,
        ...(points > 0 ? { start: end - points, end, expiresAt } : {}),
      })
      if (options.alsoInTx) await options.alsoInTx(t)
      return { applied: true, points, tier, balance: member.points }
    })
  } catch (err) {
    if (err instanceof NotSimple) return null
    throw err
  }
}

export interface RefundPointsResult {
  applied: boolean
  /** Points taken back now. */
  points: number
  /** What the balance could not cover (recorded on the entry). */
  shortfall: number
  tier: Tier
  balance: number
}

/**
 * A refund of a paid order: takes back the order's points in proportion to the amount refunded
 * (cumulatively over the order's refunds, so they add up to exactly what it earned), never below
 * zero: what the balance cannot cover is recorded as the entry's `shortfall`. Recomputes the tier.
 * Idempotent per refund (`order:<id>:refund:<refundId>`): a retried refund changes nothing.
 */
export async function reversePurchasePoints(
  ctx: PointsContext,
  input: { orderId: string; refundId: string; refundFen: number; at?: Date },
): Promise<RefundPointsResult> {
  if (!Number.isInteger(input.refundFen) || input.refundFen <= 0)
    throw new AppError('INVALID_INPUT', '退款金额必须是正整数（分）', 'refundFen')
  const earn = await entryByKey(`order:${input.orderId}:earn`)
  if (!earn || !earn.order?.paidFen)
    throw new AppError('NOT_FOUND', '该订单没有积分记录', 'orderId')
  const paid = { paidFen: earn.order.paidFen, paidAt: earn.order.paidAt, earned: earn.points }
  const key = `order:${input.orderId}:refund:${input.refundId}`
  const rules = await loadPointsRules()
  const now = ctx.clock.now()
  const at = input.at ?? now
  const replay = async (existing: PointsLedgerDoc): Promise<RefundPointsResult> => {
    const member = await getMember(existing.memberId)
    return {
      applied: false,
      points: -existing.points,
      shortfall: existing.shortfall ?? 0,
      tier: member?.tier ?? 'standard',
      balance: member?.points ?? 0,
    }
  }
  return once<RefundPointsResult>(
    key,
    () =>
      withMemberAccount(earn.memberId, now, async (t, member) => {
        const earlier = await ledger().find(
          { memberId: member._id, kind: 'refund', 'order.orderId': input.orderId },
          { limit: 1000 },
        )
        // A concurrent call with the same key committed after `once` looked: that one applied it.
        const mine = earlier.find((e) => e.key === key)
        if (mine) return replay(mine)
        const refundedBeforeFen = earlier.reduce((sum, e) => sum + (e.order?.refundFen ?? 0), 0)
        if (refundedBeforeFen + input.refundFen > paid.paidFen) {
          throw new AppError(
            'INVALID_INPUT',
            `退款总额超过订单实付金额（已退 ${refundedBeforeFen} 分，实付 ${paid.paidFen} 分）`,
            'refundFen',
          )
        }
        const due = refundTakeback({
          earned: paid.earned,
          paidFen: paid.paidFen,
          refundedBeforeFen,
          refundFen: input.refundFen,
        })
        const taken = Math.min(due, member.points)
        const shortfall = due - taken
        const window = await trailingWindowAt(member._id, now)
        const countsInWindow = paid.paidAt.getTime() > tierWindowStart(now).getTime()
        const trailingSpendFen = window.paidFen - (countsInWindow ? input.refundFen : 0)
        const trailingWindow = { asOf: now, oldestPaidAt: window.oldestPaidAt }
        const tier = tierFor(trailingSpendFen, rules.tierThresholdsFen)
        const { account } = await debitInTransaction(
          t,
          member,
          taken,
          now,
          {
            key,
            kind: 'refund',
            order: {
              orderId: input.orderId,
              paidAt: paid.paidAt,
              refundId: input.refundId,
              refundFen: input.refundFen,
            },
            source: {
              type: 'refund',
              orderId: input.orderId,
              refundId: input.refundId,
              refundFen: input.refundFen,
            },
            ...(shortfall > 0 ? { shortfall } : {}),
            at,
          },
          { tier, trailingSpendFen, trailingWindow },
        )
        return { applied: true, points: taken, shortfall, tier, balance: account.points }
      }),
    replay,
  )
}

/**
 * Brings the stored tier and trailing spend in line with the trailing window as of now (purchases
 * age out of it without any purchase or refund happening); one transaction, only when they changed.
 */
export async function refreshTier(
  member: MemberDoc,
  now: Date,
  rules: PointsRules,
): Promise<{ tier: Tier; paidFen: number }> {
  const paidFen = await trailingPaidFen(member._id, now)
  const tier = tierFor(paidFen, rules.tierThresholdsFen)
  if (tier === member.tier && paidFen === (member.trailingSpendFen ?? 0)) return { tier, paidFen }
  return withMemberAccount(member._id, now, async (t, fresh) => {
    const window = await trailingWindowAt(fresh._id, now)
    const recount = window.paidFen
    const current = tierFor(recount, rules.tierThresholdsFen)
    if (current !== fresh.tier || recount !== (fresh.trailingSpendFen ?? 0)) {
      await collection(COLLECTIONS.members, t).update(fresh._id, {
        tier: current,
        trailingSpendFen: recount,
        trailingWindow: { asOf: now, oldestPaidAt: window.oldestPaidAt },
        ledgerVersion: database().command.inc(1),
      })
    }
    return { tier: current, paidFen: recount }
  })
}

// ------------------------------------------------------------------ HQ adjustments

/**
 * HQ adds or removes points by hand with a reason (the ledger entry keeps the reason and who;
 * the admin function's audit log keeps the request). Removing more than the balance is refused.
 * Idempotent per `requestKey` (the console sends one per form submission).
 */
export async function adjustMemberPoints(
  ctx: PointsContext,
  input: { memberId: string; points: number; reason: string; by: string; requestKey: string },
): Promise<{ applied: boolean; entryId: string; balance: number }> {
  const key = `adjust:${input.requestKey}`
  const rules = await loadPointsRules()
  const now = ctx.clock.now()
  return once<{ applied: boolean; entryId: string; balance: number }>(
    key,
    () =>
      withMemberAccount(input.memberId, now, async (t, member) => {
        const entry: NewEntry = {
          key,
          kind: 'adjust',
          source: { type: 'adjustment', reason: input.reason, by: input.by },
          at: now,
        }
        if (input.points > 0) {
          const done = await creditInTransaction(
            t,
            member,
            input.points,
            pointsExpiryFor(now, rules.expiryYears),
            entry,
          )
          return { applied: true, entryId: done.entryId, balance: done.account.points }
        }
        const take = -input.points
        if (member.points < take)
          throw new AppError(
            'CONFLICT',
            `该会员当前只有 ${member.points} 积分，不能扣减 ${take} 积分`,
            'points',
          )
        const done = await debitInTransaction(t, member, take, now, entry)
        return { applied: true, entryId: done.entryId, balance: done.account.points }
      }),
    async (existing) => ({
      applied: false,
      entryId: existing._id,
      balance: (await getMember(existing.memberId))?.points ?? 0,
    }),
  )
}

export async function getMember(memberId: string): Promise<MemberDoc | null> {
  return members().get(memberId)
}
