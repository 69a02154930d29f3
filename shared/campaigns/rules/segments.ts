/**
 * Campaign audiences. A segment is a conjunction of optional conditions over the member
 * documents; `compileSegment` turns it into one MongoDB-style query (plain `$` operators, no
 * CloudBase import) that the campaign service translates to `db.command` and the unit tests run
 * with mingo over a seeded population. Relative dates ("within N days") are resolved against
 * `now`, so a campaign compiles its segment once, when it starts sending, and keeps that query.
 *
 * Trailing spend is the member's `trailingSpendFen`, written with the tier on every purchase and
 * refund: a member whose last purchase left the 365-day window has spent nothing in it, whatever
 * the stored figure (written before the purchases aged out) says.
 */
import type { Tier } from '../../points/documents'
import { tierWindowStart } from '../../points/rules/tiers'

const DAY_MS = 86_400_000

export interface Segment {
  tiers?: Tier[]
  storeIds?: string[]
  clerkIds?: string[]
  pointsMin?: number
  pointsMax?: number
  /** Bought within the last N days (lastPurchaseAt >= now − N days). */
  purchasedWithinDays?: number
  /** Lapsed: no purchase in the last N days (never bought, or lastPurchaseAt < now − N days). */
  notPurchasedWithinDays?: number
  /** Joined within the last N days. */
  joinedWithinDays?: number
  /** Carries any of these tags. */
  tags?: string[]
  /** Paid at least / at most this much (fen) over the trailing 365 days. */
  spendMinFen?: number
  spendMaxFen?: number
  /** Born in any of these months (1–12). */
  birthdayMonths?: number[]
}

/** Every 'MM-DD' of a month sorts between 'MM-01' and 'MM-31', so a month is one range on the field. */
function birthdayMonthRange(month: number): Query {
  const mm = String(month).padStart(2, '0')
  return { birthday: { $gte: `${mm}-01`, $lte: `${mm}-31` } }
}

export type Query = Record<string, unknown>

export function compileSegment(segment: Segment, now: Date): Query {
  const all: Query[] = [{ status: 'active' }, { openid: { $exists: true } }]
  if (segment.tiers?.length) all.push({ tier: { $in: [...segment.tiers] } })
  if (segment.storeIds?.length) all.push({ storeId: { $in: [...segment.storeIds] } })
  if (segment.clerkIds?.length) all.push({ clerkId: { $in: [...segment.clerkIds] } })
  if (segment.pointsMin !== undefined) all.push({ points: { $gte: segment.pointsMin } })
  if (segment.pointsMax !== undefined) all.push({ points: { $lte: segment.pointsMax } })
  if (segment.purchasedWithinDays !== undefined) {
    all.push({
      lastPurchaseAt: { $gte: new Date(now.getTime() - segment.purchasedWithinDays * DAY_MS) },
    })
  }
  if (segment.notPurchasedWithinDays !== undefined) {
    const cutoff = new Date(now.getTime() - segment.notPurchasedWithinDays * DAY_MS)
    all.push({ $or: [{ lastPurchaseAt: null }, { lastPurchaseAt: { $lt: cutoff } }] })
  }
  if (segment.joinedWithinDays !== undefined) {
    all.push({ joinedAt: { $gte: new Date(now.getTime() - segment.joinedWithinDays * DAY_MS) } })
  }
  if (segment.tags?.length) all.push({ tags: { $in: [...segment.tags] } })
  if (segment.spendMinFen !== undefined && segment.spendMinFen > 0) {
    all.push(
      { trailingSpendFen: { $gte: segment.spendMinFen } },
      { lastPurchaseAt: { $gt: tierWindowStart(now) } },
    )
  }
  if (segment.spendMaxFen !== undefined) {
    // Nothing stored, or a last purchase outside the window, is a trailing spend of 0.
    all.push({
      $or: [
        { trailingSpendFen: { $lte: segment.spendMaxFen } },
        { trailingSpendFen: { $exists: false } },
        { lastPurchaseAt: null },
        { lastPurchaseAt: { $lte: tierWindowStart(now) } },
      ],
    })
  }
  if (segment.birthdayMonths?.length) {
    const months = [...new Set(segment.birthdayMonths)].sort((a, b) => a - b)
    all.push(
      months.length === 1
        ? birthdayMonthRange(months[0]!)
        : { $or: months.map(birthdayMonthRange) },
    )
  }
  return { $and: all }
}

/**
 * The same query restricted to the members after `afterId` up to and including `throughId`
 * (null: no bound on that side): the segment's members one dispatch batch walked past.
 */
export function membersBetween(
  query: Query,
  afterId: string | null,
  throughId: string | null,
): Query {
  const range: Record<string, string> = {}
  if (afterId !== null) range.$gt = afterId
  if (throughId !== null) range.$lte = throughId
  if (!Object.keys(range).length) return query
  return { $and: [...(query.$and as Query[]), { _id: range }] }
}

/** The same query restricted to these members (dispatch: the ones holding a consent credit). */
export function amongMembers(query: Query, memberIds: readonly string[]): Query {
  return { $and: [...(query.$and as Query[]), { _id: { $in: [...memberIds] } }] }
}

/** At most this many campaigns reach one member per Shanghai calendar week (Monday start). */
export const MEMBER_CAMPAIGNS_PER_WEEK = 2

/** The key of a week's counter: the UTC instant its Shanghai Monday starts, as yyyy-mm-dd of that day. */
export function campaignWeekKey(weekStart: Date): string {
  return new Date(weekStart.getTime() + 8 * 3_600_000).toISOString().slice(0, 10)
}

/** Whether one more campaign may reach a member who already had `alreadyThisWeek`. */
export function underWeeklyCap(alreadyThisWeek: number, cap = MEMBER_CAMPAIGNS_PER_WEEK): boolean {
  return alreadyThisWeek < cap
}

export interface DeliveryTally {
  status: 'claimed' | 'sent' | 'failed' | 'skipped'
  errcode?: number
  reason?: string
}

/**
 * Results from the delivery rows: eligible = members with a consent credit who were claimed
 * (sent + failed + interrupted); skipped rows (weekly cap) are counted apart.
 */
export function tallyDeliveries(rows: readonly DeliveryTally[]) {
  let sent = 0
  let skippedCap = 0
  let claimed = 0
  const failedByCode: Record<string, number> = {}
  for (const row of rows) {
    if (row.status === 'sent') sent++
    else if (row.status === 'skipped') skippedCap++
    else if (row.status === 'claimed') claimed++
    else {
      const code = String(row.errcode ?? row.reason ?? 'unknown')
      failedByCode[code] = (failedByCode[code] ?? 0) + 1
    }
  }
  const failed = Object.values(failedByCode).reduce((a, b) => a + b, 0)
  return { sent, failed, failedByCode, skippedCap, inFlight: claimed }
}
