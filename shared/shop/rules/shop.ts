/**
 * Shop rules that need no database: where an order's stock comes from, what it costs, how long
 * it may stay unpaid, and pickup codes.
 */
import { randomInt } from 'node:crypto'

/** Stock is reserved on creation and released if the order is not paid within this. */
export const ORDER_PAYMENT_WINDOW_MS = 15 * 60_000

/** Stock for delivery comes from the central warehouse; for pickup from the chosen store. */
export const CENTRAL = 'central'

export type Fulfilment = 'pickup' | 'delivery'

export function stockLocation(fulfilment: Fulfilment, storeId: string | undefined): string {
  if (fulfilment === 'delivery') return CENTRAL
  if (!storeId) throw new Error('a pickup order needs a store')
  return storeId
}

/** One stock document per product and location. */
export function stockId(productId: string, locationId: string): string {
  return `${productId}_${locationId}`
}

export interface OrderLine {
  productId: string
  qty: number
}

/** The same product twice in one order counts once, with the quantities added. */
export function mergeLines(lines: readonly OrderLine[]): OrderLine[] {
  const merged = new Map<string, number>()
  for (const line of lines) merged.set(line.productId, (merged.get(line.productId) ?? 0) + line.qty)
  return [...merged].map(([productId, qty]) => ({ productId, qty }))
}

export function orderTotalFen(lines: readonly { priceFen: number; qty: number }[]): number {
  return lines.reduce((sum, line) => sum + line.priceFen * line.qty, 0)
}

/** 8 digits, not starting with 0, shown to the clerk at the counter. */
export function newPickupCode(): string {
  return String(randomInt(10_000_000, 100_000_000))
}

export function isPaymentWindowOver(expiresAt: Date, now: Date): boolean {
  return now.getTime() >= expiresAt.getTime()
}
