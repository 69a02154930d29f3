/**
 * The points rules HQ set: read-only, for other domains (welcome points at binding).
 */
import { COLLECTIONS } from '../collections'
import { DEFAULT_POINTS_RULES, type PointsRules } from './rules/points'
import { database } from '../platform/runtime/cloudbase'
import { POINTS_SETTINGS_ID } from './points-rules-service'

let cached: { rules: PointsRules; at: number } | null = null

/**
 * The rules for a purchase's points, read at most every 30 s per instance (as the commission
 * rules): a rule HQ saves applies to purchases credited from then on (this instance at once,
 * others within 30 s). Binding and views read them fresh (loadPointsRules).
 */
export async function loadPointsRulesForPurchases(): Promise<PointsRules> {
  if (cached && Date.now() - cached.at < 30_000) return cached.rules
  // Handlers running side by side on a fresh instance (the timer's parallel batch) share one read.
  inFlight ??= loadPointsRules().finally(() => (inFlight = null))
  return inFlight
}

let inFlight: Promise<PointsRules> | null = null

/** After HQ saves new rules, this instance uses them at once. */
export function rememberPointsRules(rules: PointsRules): void {
  cached = { rules, at: Date.now() }
}

/** One round trip. Read on every use: a rule HQ saves applies to the next bind. */
export async function loadPointsRules(): Promise<PointsRules> {
  const res = (await database()
    .collection(COLLECTIONS.settings.name)
    .doc(POINTS_SETTINGS_ID)
    .get()) as { data: Partial<PointsRules>[] }
  const stored = res.data[0]
  const rules = stored ? rulesFrom(stored) : DEFAULT_POINTS_RULES
  rememberPointsRules(rules)
  return rules
}

function rulesFrom(stored: Partial<PointsRules>): PointsRules {
  return {
    pointsPerYuan: stored.pointsPerYuan ?? DEFAULT_POINTS_RULES.pointsPerYuan,
    multipliers: { ...DEFAULT_POINTS_RULES.multipliers, ...stored.multipliers },
    welcomeBonus: stored.welcomeBonus ?? DEFAULT_POINTS_RULES.welcomeBonus,
    expiryYears: stored.expiryYears ?? DEFAULT_POINTS_RULES.expiryYears,
    tierThresholdsFen: { ...DEFAULT_POINTS_RULES.tierThresholdsFen, ...stored.tierThresholdsFen },
  }
}
