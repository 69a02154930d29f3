/**
 * Stock as HQ counts it. A stock row keeps what can still be ordered (`available`) and what unpaid
 * orders hold (`reserved`, already taken out of `available`); what is on the shelf is their sum.
 * HQ sets the shelf count after a stocktake; the orders' holds stay as they are.
 */

/** The most one location can hold (a stocktake typo of 10 million is refused, not stored). */
export const MAX_STOCK_QUANTITY = 1_000_000

export interface StockCounts {
  available: number
  reserved: number
}

/** What is on the shelf at a location: orderable plus held by unpaid orders. */
export function onHand(row: StockCounts): number {
  return row.available + row.reserved
}

/**
 * The row after HQ sets the shelf count to `quantity`: the holds stay, the rest is orderable.
 * Null when open orders hold more than `quantity` (the set would sell stock that is not there).
 */
export function afterSet(row: StockCounts, quantity: number): StockCounts | null {
  if (quantity < row.reserved) return null
  return { available: quantity - row.reserved, reserved: row.reserved }
}

/** The refusal a person reads when open orders hold more than the count they set. */
export function belowReservedMessage(reserved: number, quantity: number): string {
  return `有 ${reserved} 件被待支付订单占用，库存不能设为 ${quantity}（至少 ${reserved}）`
}
