/**
 * What members (and HQ) read about points: the history with the source of every entry, the
 * card with the tier and its progress, and the next points to expire.
 */
import { z } from 'zod'
import type { ledgerItem, nextExpiry } from './contract'
import { COLLECTIONS } from '../collections'
import type { MemberDoc } from '../membership/documents'
import type { PointsLedgerDoc, Tier } from './documents'
import { AppError } from '../platform/errors'
import { shanghaiDay, shanghaiMonth } from '../platform/calendar'
import { nextExpiringBatch, remainingOf } from './rules/points-ledger'
import { tierProgress } from './rules/tiers'
import { database } from '../platform/runtime/cloudbase'
import { collection } from '../platform/db/collection'
import type { InvocationContext } from '../platform/runtime/define-function'
import { requireMember } from '../membership/lookups'
import { creditSpanOf, openCredits, refreshTier, trailingPaidFen } from './points-account-service'
import { loadPointsRules } from './lookups'
import { afterCursor, cursorOf } from '../platform/db/paging'

type LedgerItem = z.infer<ReturnType<typeof ledgerItem>>

export const TIER_NAMES: Record<Tier, string> = {
  standard: '普通会员',
  silver: '银卡会员',
  gold: '金卡会员',
}

const yuan = (fen: number) => `¥${(fen / 100).toFixed(2)}`

/** The source of an entry in words, as the history list shows it. */
export function entryTitle(entry: PointsLedgerDoc): string {
  const source = (entry.source ?? {}) as Record<string, unknown>
  switch (entry.kind) {
    case 'welcome':
      return '开卡礼'
    case 'earn':
      return `消费 ${yuan(entry.order?.paidFen ?? 0)}`
    case 'spend':
      return `兑换 ${String(source.giftName ?? '礼品')}`
    case 'expire':
      return '积分过期'
    case 'refund':
      return `退款扣回（退款 ${yuan(entry.order?.refundFen ?? 0)}）`
    case 'return':
      return `兑换取消退回：${String(source.giftName ?? '礼品')}`
    case 'adjust':
      return `人工调整：${String(source.reason ?? '')}`
  }
}

export function ledgerItemOf(entry: PointsLedgerDoc, debited: number): LedgerItem {
  const source = (entry.source ?? {}) as Record<string, unknown>
  const pick = (key: string) =>
    typeof source[key] === 'string' ? { [key]: source[key] as string } : {}
  const credit = creditSpanOf(entry)
  return {
    entryId: entry._id,
    kind: entry.kind,
    points: entry.points,
    at: entry.at.toISOString(),
    title: entryTitle(entry),
    source: {
      type: typeof source.type === 'string' ? source.type : entry.kind,
      ...pick('orderId'),
      ...pick('refundId'),
      ...pick('redemptionId'),
      ...pick('giftName'),
      ...pick('reason'),
    },
    expiresAt: credit ? credit.expiresAt.toISOString() : null,
    remaining: credit ? remainingOf(credit, debited) : null,
    shortfall: entry.shortfall ?? null,
  }
}

/** The oldest points still there and when they expire (the last day they can be used). */
async function nextExpiryOf(member: MemberDoc): Promise<z.infer<ReturnType<typeof nextExpiry>>> {
  if (member.points <= 0) return null
  const open = await openCredits(member._id, member.pointsDebited, 50)
  const batch = nextExpiringBatch(open.credits, member.pointsDebited)
  if (!batch) return null
  return {
    points: batch.points,
    expiresAt: batch.expiresAt.toISOString(),
    lastDay: shanghaiDay(new Date(batch.expiresAt.getTime() - 1)),
  }
}

/** Points history, newest first, one page; groups are months in Asia/Shanghai. */
export async function pointsHistory(
  ctx: InvocationContext,
  input: { cursor?: string; limit: number },
) {
  const member = await requireMember(ctx)
  const db = database()
  const after = afterCursor(db, 'at', input.cursor)
  const where = after ? db.command.and([{ memberId: member._id }, after]) : { memberId: member._id }
  const [page, expiry] = await Promise.all([
    collection(COLLECTIONS.pointsLedger).find(where, {
      orderBy: [
        ['at', 'desc'],
        ['_id', 'desc'],
      ],
      limit: input.limit + 1,
    }),
    input.cursor ? Promise.resolve(null) : nextExpiryOf(member),
  ])
  const entries = page.slice(0, input.limit)
  const groups: { month: string; items: LedgerItem[] }[] = []
  for (const entry of entries) {
    const month = shanghaiMonth(entry.at)
    let group = groups.at(-1)
    if (!group || group.month !== month) groups.push((group = { month, items: [] }))
    group.items.push(ledgerItemOf(entry, member.pointsDebited))
  }
  const last = entries.at(-1)
  return {
    balance: member.points,
    nextExpiry: input.cursor ? null : expiry,
    groups,
    nextCursor: page.length > input.limit && last ? cursorOf(last.at, last._id) : null,
  }
}

/** The member card: balance, tier with progress to the next one, the next points to expire. */
export async function pointsSummary(ctx: InvocationContext) {
  const member = await requireMember(ctx)
  const now = ctx.clock.now()
  const rules = await loadPointsRules()
  const [{ tier, paidFen }, expiry] = await Promise.all([
    refreshTier(member, now, rules),
    nextExpiryOf(member),
  ])
  const progress = tierProgress(paidFen, rules.tierThresholdsFen)
  return {
    points: member.points,
    tier,
    tierName: TIER_NAMES[tier],
    multiplier: rules.multipliers[tier],
    paid365Fen: paidFen,
    nextTier: progress.next ? { ...progress.next, tierName: TIER_NAMES[progress.next.tier] } : null,
    progress: progress.ratio,
    nextExpiry: expiry,
  }
}

/** HQ: a member's points at a glance, by member number. */
export async function memberPointsForAdmin(ctx: InvocationContext, input: { memberNo: string }) {
  const member = await collection(COLLECTIONS.members).findOne({ memberNo: input.memberNo })
  if (!member) throw new AppError('NOT_FOUND', '会员不存在', 'memberNo')
  const [recent, paidFen] = await Promise.all([
    collection(COLLECTIONS.pointsLedger).find(
      { memberId: member._id },
      { orderBy: ['at', 'desc'], limit: 50 },
    ),
    trailingPaidFen(member._id, ctx.clock.now()),
  ])
  return {
    memberId: member._id,
    memberNo: member.memberNo,
    points: member.points,
    tier: member.tier,
    paid365Fen: paidFen,
    ledger: recent.map((e) => ledgerItemOf(e, member.pointsDebited)),
  }
}
