/**
 * The points rules HQ set: read-only, for other domains (welcome points at binding).
 */
import { COLLECTIONS } from '../collections'
import { DEFAULT_POINTS_RULES, type PointsRules } from './rules/points'
import { database } from '../platform/runtime/cloudbase'
import { POINTS_SETTINGS_ID } from './points-rules-service'

/** One round trip. Read on every use: a rule HQ saves applies to the next purchase. */
export async function loadPointsRules(): Promise<PointsRules> {
  const res = (await database()
    .collection(COLLECTIONS.settings.name)
    .doc(POINTS_SETTINGS_ID)
    .get()) as { data: Partial<PointsRules>[] }
  const stored = res.data[0]
  if (!stored) return DEFAULT_POINTS_RULES
  return {
    pointsPerYuan: stored.pointsPerYuan ?? DEFAULT_POINTS_RULES.pointsPerYuan,
    multipliers: { ...DEFAULT_POINTS_RULES.multipliers, ...stored.multipliers },
    welcomeBonus: stored.welcomeBonus ?? DEFAULT_POINTS_RULES.welcomeBonus,
    expiryYears: stored.expiryYears ?? DEFAULT_POINTS_RULES.expiryYears,
    tierThresholdsFen: { ...DEFAULT_POINTS_RULES.tierThresholdsFen, ...stored.tierThresholdsFen },
  }
}
