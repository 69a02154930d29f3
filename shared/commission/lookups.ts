/**
 * The commission rules HQ set, cached briefly per instance: read-only, for other domains.
 */
import { COLLECTIONS } from '../collections'
import { DEFAULT_COMMISSION_RULES, type CommissionRules } from './rules/commission'
import { database } from '../platform/runtime/cloudbase'

export const SETTINGS_ID = 'commission'

let cached: { rules: CommissionRules; at: number } | null = null

/** After HQ saves new rules, this instance reads them at once (others within 30 s). */
export function rememberCommissionRules(rules: CommissionRules): void {
  cached = { rules, at: Date.now() }
}

/** The commission rules, cached for 30 s per instance (saves a round trip on every payment). */
export async function loadCommissionRules(): Promise<CommissionRules> {
  if (cached && Date.now() - cached.at < 30_000) return cached.rules
  // Handlers running side by side on a fresh instance (the timer's parallel batch) share one read.
  inFlight ??= readCommissionRules().finally(() => (inFlight = null))
  return inFlight
}

let inFlight: Promise<CommissionRules> | null = null

async function readCommissionRules(): Promise<CommissionRules> {
  const res = (await database().collection(COLLECTIONS.settings.name).doc(SETTINGS_ID).get()) as {
    data: Partial<CommissionRules>[]
  }
  const stored = res.data[0]
  const rules = {
    rateBp: stored?.rateBp ?? DEFAULT_COMMISSION_RULES.rateBp,
    refundWindowDays: stored?.refundWindowDays ?? DEFAULT_COMMISSION_RULES.refundWindowDays,
  }
  rememberCommissionRules(rules)
  return rules
}
