/** HQ's points rules, one settings document (`settings/points`); defaults until HQ saves some. */
import { COLLECTIONS } from '../collections'
import { type PointsRules } from './rules/points'
import { database } from '../platform/runtime/cloudbase'

export const POINTS_SETTINGS_ID = 'points'

export async function savePointsRules(rules: PointsRules): Promise<PointsRules> {
  await database()
    .collection(COLLECTIONS.settings.name)
    .doc(POINTS_SETTINGS_ID)
    .set({ ...rules })
  return rules
}
