/**
 * Tiers by paid amount over the trailing 365 days (refunds deducted): silver and gold from
 * thresholds HQ sets (defaults 1,000 and 5,000 yuan).
 */
import type { Tier } from '../documents'
import type { PointsRules } from './points'

export const TIER_WINDOW_MS = 365 * 86_400_000

export const TIER_ORDER: readonly Tier[] = ['standard', 'silver', 'gold']

/** Start of the trailing window that ends at `at`. */
/** A member's trailing window with no purchase in it: its oldest payment is "never" (far future). */
export const NO_PAYMENT = new Date(Date.UTC(9999, 11, 31))

export function tierWindowStart(at: Date): Date {
  return new Date(at.getTime() - TIER_WINDOW_MS)
}

export function tierFor(paidFen: number, thresholds: PointsRules['tierThresholdsFen']): Tier {
  if (paidFen >= thresholds.gold) return 'gold'
  if (paidFen >= thresholds.silver) return 'silver'
  return 'standard'
}

export interface TierProgress {
  tier: Tier
  paidFen: number
  /** The next tier up and how much more paid amount reaches it; null at the top tier. */
  next: { tier: Tier; thresholdFen: number; remainingFen: number } | null
  /** 0..1 from the current tier's threshold to the next one (1 at the top tier). */
  ratio: number
}

export function tierProgress(
  paidFen: number,
  thresholds: PointsRules['tierThresholdsFen'],
): TierProgress {
  const tier = tierFor(paidFen, thresholds)
  const floorOf: Record<Tier, number> = {
    standard: 0,
    silver: thresholds.silver,
    gold: thresholds.gold,
  }
  const nextTier = TIER_ORDER[TIER_ORDER.indexOf(tier) + 1]
  if (!nextTier) return { tier, paidFen, next: null, ratio: 1 }
  const thresholdFen = floorOf[nextTier]
  const span = thresholdFen - floorOf[tier]
  const ratio = span > 0 ? Math.min(1, Math.max(0, (paidFen - floorOf[tier]) / span)) : 1
  return {
    tier,
    paidFen,
    next: { tier: nextTier, thresholdFen, remainingFen: Math.max(0, thresholdFen - paidFen) },
    ratio: Number(ratio.toFixed(4)),
  }
}
