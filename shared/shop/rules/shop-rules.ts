/**
 * HQ's shop rules for the till and for delivery: the ceilings of offline sales (per receipt and
 * per clerk per Asia/Shanghai day, so a clerk cannot mint points by booking huge sales) and the
 * days after shipment when a delivery nobody confirmed counts as delivered.
 */
export interface ShopRules {
  /** One receipt may book at most this much (fen). */
  offlineReceiptLimitFen: number
  /** One clerk may book at most this much per Asia/Shanghai day, all receipts together (fen). */
  offlineClerkDailyLimitFen: number
  /**
   * The till asks the clerk to confirm a sale above this amount (fen) before sending it: a typo
   * of a few zeros is caught at the counter, below the hard per-receipt ceiling.
   */
  offlineConfirmAboveFen: number
  /** A shipped delivery order is marked delivered this many days after shipment. */
  autoDeliverDays: number
}

export const DEFAULT_SHOP_RULES: ShopRules = {
  offlineReceiptLimitFen: 2_000_000,
  offlineClerkDailyLimitFen: 10_000_000,
  offlineConfirmAboveFen: 500_000,
  // Chinese e-commerce commonly confirms receipt 7-15 days after shipping.
  autoDeliverDays: 10,
}

export const SHOP_SETTINGS_ID = 'shop'

export function yuan(fen: number): string {
  return (fen / 100).toFixed(2).replace(/\.00$/, '')
}
