import { SHANGHAI_OFFSET_MS } from '../../platform/calendar'
/**
 * Points rules that do not need the database: what HQ can set, how many points a payment earns,
 * and when points expire.
 *
 * Points expire on 31 December (Asia/Shanghai) of the year `expiryYears` after the year they were
 * earned (default 1): an entry earned any time in 2026 expires at 2028-01-01T00:00:00+08:00,
 * which is stored in UTC as 2027-12-31T16:00:00Z.
 */
import type { Tier } from '../documents'

export interface PointsRules {
  /** Points per whole yuan paid, before the tier multiplier (at most two decimals). */
  pointsPerYuan: number
  /** Earn multiplier per tier (at most two decimals). */
  multipliers: Record<Tier, number>
  /** Points credited when a member binds their card. */
  welcomeBonus: number
  /** Points earned in year Y expire at the end of year Y + expiryYears (Asia/Shanghai). */
  expiryYears: number
  /** Paid amount over the trailing 365 days that reaches each tier, in fen. */
  tierThresholdsFen: { silver: number; gold: number }
}

export const DEFAULT_POINTS_RULES: PointsRules = {
  pointsPerYuan: 1,
  multipliers: { standard: 1, silver: 1.2, gold: 1.5 },
  welcomeBonus: 100,
  expiryYears: 1,
  tierThresholdsFen: { silver: 100_000, gold: 500_000 },
}

export function shanghaiYear(at: Date): number {
  return new Date(at.getTime() + SHANGHAI_OFFSET_MS).getUTCFullYear()
}

export function pointsExpiryFor(
  earnedAt: Date,
  expiryYears = DEFAULT_POINTS_RULES.expiryYears,
): Date {
  return new Date(Date.UTC(shanghaiYear(earnedAt) + expiryYears + 1, 0, 1) - SHANGHAI_OFFSET_MS)
}

/** Hundredths as an integer, so 1.2 × 1.5 never meets binary floating point. */
const hundredths = (value: number) => Math.round(value * 100)

/**
 * Points a payment earns: whole yuan × points per yuan × the tier multiplier, rounded down.
 * The tier is the one the member holds when paying (before this payment counts towards it).
 */
export function earnedPoints(paidFen: number, tier: Tier, rules: PointsRules): number {
  if (paidFen <= 0) return 0
  const yuan = Math.floor(paidFen / 100)
  return Math.floor(
    (yuan * hundredths(rules.pointsPerYuan) * hundredths(rules.multipliers[tier])) / 10_000,
  )
}

/**
 * Points a refund takes back: the order's earned points in proportion to the amount refunded so
 * far, minus what earlier refunds of the order already took. Counting cumulatively means partial
 * refunds that add up to the whole order take back exactly what it earned, never more.
 */
export function refundTakeback(input: {
  earned: number
  paidFen: number
  refundedBeforeFen: number
  refundFen: number
}): number {
  const { earned, paidFen, refundedBeforeFen, refundFen } = input
  if (paidFen <= 0 || earned <= 0) return 0
  const upTo = (refundedFen: number) =>
    Math.floor((earned * Math.min(refundedFen, paidFen)) / paidFen)
  return upTo(refundedBeforeFen + refundFen) - upTo(refundedBeforeFen)
}

/** A mail redemption whose shipping fee is not paid within this is cancelled (points and stock back). */
export const MAIL_PAYMENT_WINDOW_MS = 15 * 60_000
