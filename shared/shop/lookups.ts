/** The shop rules HQ set, cached briefly per instance: read-only, for flows and other domains. */
import { COLLECTIONS } from '../collections'
import { DEFAULT_SHOP_RULES, SHOP_SETTINGS_ID, type ShopRules } from './rules/shop-rules'
import { database } from '../platform/runtime/cloudbase'

let cached: { rules: ShopRules; at: number } | null = null

/** After HQ saves new rules, this instance reads them at once (others within 30 s). */
export function rememberShopRules(rules: ShopRules): void {
  cached = { rules, at: Date.now() }
}

export async function loadShopRules(): Promise<ShopRules> {
  if (cached && Date.now() - cached.at < 30_000) return cached.rules
  const res = (await database()
    .collection(COLLECTIONS.settings.name)
    .doc(SHOP_SETTINGS_ID)
    .get()) as { data: Partial<ShopRules>[] }
  const stored = res.data[0]
  const rules: ShopRules = {
    offlineReceiptLimitFen:
      stored?.offlineReceiptLimitFen ?? DEFAULT_SHOP_RULES.offlineReceiptLimitFen,
    offlineClerkDailyLimitFen:
      stored?.offlineClerkDailyLimitFen ?? DEFAULT_SHOP_RULES.offlineClerkDailyLimitFen,
    offlineConfirmAboveFen:
      stored?.offlineConfirmAboveFen ?? DEFAULT_SHOP_RULES.offlineConfirmAboveFen,
    autoDeliverDays: stored?.autoDeliverDays ?? DEFAULT_SHOP_RULES.autoDeliverDays,
  }
  rememberShopRules(rules)
  return rules
}

/** HQ saves the rules (the admin function audits the request). */
export async function saveShopRules(
  input: Omit<ShopRules, 'offlineConfirmAboveFen'> & { offlineConfirmAboveFen?: number },
): Promise<ShopRules> {
  const rules: ShopRules = {
    ...input,
    offlineConfirmAboveFen:
      input.offlineConfirmAboveFen ?? (await loadShopRules()).offlineConfirmAboveFen,
  }
  await database()
    .collection(COLLECTIONS.settings.name)
    .doc(SHOP_SETTINGS_ID)
    .set({ ...rules })
  rememberShopRules(rules)
  return rules
}
