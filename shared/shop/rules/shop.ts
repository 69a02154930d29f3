/**
 * Shop rules that need no database: where an order's stock comes from, what it costs, how long
 * it may stay unpaid, and pickup codes.
 */
import { createHash, randomInt } from 'node:crypto'

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

/**
 * The order id of one member's checkout attempt (`requestId`, made by the app and kept across
 * retries of the same submit): every call with the same member and requestId names the same
 * order, so its stock holds, coupon lock and the order's insert are the same writes however often
 * and however concurrently they are sent. `o` and 31 hex digits: never the shape of a
 * time-ordered id (platform/ids.ts timeOfId), so nothing reads a time into it.
 */
export function orderIdForRequest(openid: string, requestId: string): string {
  return `o${createHash('sha256').update(`${openid}\n${requestId}`).digest('hex').slice(0, 31)}`
}

/** What a checkout attempt asks for: the same requestId must always ask for the same. */
export interface CartRequest {
  fulfilment: Fulfilment
  locationId: string
  items: readonly OrderLine[]
  couponId: string | null
  deliveryAddress: Readonly<Record<string, string>> | null
}

/**
 * Whether two checkout attempts ask for the same order: the same lines (product and quantity, in
 * any order), the same place, the same coupon and the same address. Prices are not part of it: an
 * earlier attempt's order keeps the prices it was made with.
 */
export function sameCart(a: CartRequest, b: CartRequest): boolean {
  const lines = (r: CartRequest) =>
    mergeLines(r.items)
      .map((l) => `${l.productId}\u0000${l.qty}`)
      .sort()
      .join('\u0001')
  const address = (r: CartRequest) =>
    r.deliveryAddress
      ? Object.keys(r.deliveryAddress)
          .sort()
          .map((k) => `${k}\u0000${r.deliveryAddress![k]}`)
          .join('\u0001')
      : ''
  return (
    a.fulfilment === b.fulfilment &&
    a.locationId === b.locationId &&
    a.couponId === b.couponId &&
    lines(a) === lines(b) &&
    address(a) === address(b)
  )
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
