/**
 * Orders a dying createOrder left half done (flows/orders.ts): it holds stock and locks the
 * coupon under the order's id before it writes the order, so an invocation that dies in between
 * (its function's timeout, a lost instance) leaves holds and a lock that no order will ever give
 * back or sell. Timer `repairOrders` (every 5 minutes) finds them and gives them back once.
 */
import type { InvocationContext } from '../platform/runtime/define-function'
import { timeOfId } from '../platform/ids'
import { database } from '../platform/runtime/cloudbase'
import { claimAbandonedOrder, giveBackHold, orders, stockWithHolds } from '../shop/orders'
import { prepareOrderDay } from '../shop/order-numbers'
import { couponsLockedBefore, unlockCoupon } from '../coupons/coupon-use'

/**
 * How old a hold or lock must be before its missing order counts as never coming: well past the
 * longest a createOrder can run (the shop function's timeout, 20 s). Only a speed-up: exactness
 * comes from claiming the order's id (claimAbandonedOrder), not from this.
 */
export const ORDER_REPAIR_GRACE_MS = 2 * 60_000

const PAGE = 100

interface Leftover {
  createdAt: Date
  holds: { stockId: string; productId: string; locationId: string; qty: number }[]
  coupon: { couponId: string; memberId: string } | null
}

/**
 * Gives back the holds and coupon locks whose order was never written, then makes the next
 * day's order-number counter ahead (shop/order-numbers.ts prepareOrderDay).
 *
 * Guarantee: a leftover is given back only after its order id is claimed as abandoned (an
 * insert under that id: whoever inserts it first wins, so the late order of a stalled
 * invocation can no longer be written, and createOrder gives back instead), or when its order
 * exists and is cancelled (its own cancellation gives back in the same transaction; this finds
 * only what an interrupted repair left), or when its order is paid and its sale booked (a late
 * repeat of the same request took it after the sale). Each give-back is conditional on that order's key
 * (giveBackHold, unlockCoupon), so concurrent runs, a rerun after a crash, and the stalled
 * invocation's own give-back move each unit and each coupon once. A hold or lock whose order
 * is live is left to the order (its expiry, or its sale once paid).
 */
export async function repairOrders(
  ctx: InvocationContext,
  options: { budgetMs?: number } = {},
): Promise<{
  checked: number
  abandoned: number
  holdsGivenBack: number
  couponsReleased: number
}> {
  const budgetMs = options.budgetMs ?? 15_000
  const started = Date.now()
  const inBudget = () => Date.now() - started < budgetMs
  const now = ctx.clock.now()
  const before = new Date(now.getTime() - ORDER_REPAIR_GRACE_MS)
  const leftovers = new Map<string, Leftover>()
  const leftover = (orderId: string, at: Date) => {
    let found = leftovers.get(orderId)
    if (!found) leftovers.set(orderId, (found = { createdAt: at, holds: [], coupon: null }))
    return found
  }

  // Holds older than the grace (an order's id says when it was chosen), page by page.
  for (let after: string | null = null; ;) {
    const page = await stockWithHolds(after, PAGE)
    for (const doc of page)
      for (const [orderId, qty] of Object.entries(doc.holds ?? {})) {
        // When the hold was taken; holds from before that was kept have a time-ordered id.
        const at = doc.holdsAt?.[orderId] ?? timeOfId(orderId)
        if (!at || at > before) continue
        leftover(orderId, at).holds.push({
          stockId: doc._id,
          productId: doc.productId,
          locationId: doc.locationId,
          qty,
        })
      }
    if (page.length < PAGE || !inBudget()) break
    after = page[page.length - 1]!._id
  }
  // Coupons locked before the grace, page by page.
  for (let after: Date | undefined; ;) {
    const page = await couponsLockedBefore(before, { after, limit: PAGE })
    for (const c of page)
      if (c.lock)
        leftover(c.lock.orderId, c.lock.at).coupon = { couponId: c._id, memberId: c.memberId }
    if (page.length < PAGE || !inBudget()) break
    after = page[page.length - 1]!.lock?.at
  }

  let abandoned = 0
  let holdsGivenBack = 0
  let couponsReleased = 0
  const ids = [...leftovers.keys()]
  const _ = database().command
  for (let i = 0; i < ids.length && inBudget(); i += PAGE) {
    const chunk = ids.slice(i, i + PAGE)
    const found = await orders().find(
      { _id: _.in(chunk) },
      { limit: chunk.length, fields: ['status', 'paidEffectsAt', 'stockHolds'] },
    )
    const status = new Map(found.map((o) => [o._id, o.status]))
    // A paid order whose sale is booked holds nothing any more (the sale removed its keys): a
    // hold under its id is a late repeat's of the same request that died before giving it back.
    const sold = new Set(found.filter((o) => o.stockHolds && o.paidEffectsAt).map((o) => o._id))
    for (const orderId of chunk) {
      const left = leftovers.get(orderId)!
      const known = status.get(orderId)
      const gone =
        known === undefined
          ? await claimAbandonedOrder(
              orderId,
              {
                createdAt: left.createdAt,
                locationId: left.holds[0]?.locationId ?? null,
                lines: left.holds.map((h) => ({ productId: h.productId, qty: h.qty })),
                memberId: left.coupon?.memberId ?? null,
              },
              now,
            )
          : known === 'cancelled' || sold.has(orderId)
      if (!gone) continue
      if (known === undefined) abandoned++
      const [holds, coupon] = await Promise.all([
        Promise.all(left.holds.map((h) => giveBackHold(orderId, h.stockId, h.qty, now))),
        left.coupon ? unlockCoupon(left.coupon.couponId, orderId, now, { repair: true }) : false,
      ])
      holdsGivenBack += holds.filter(Boolean).length
      if (coupon) couponsReleased++
    }
  }
  await prepareOrderDay(now)
  return { checked: leftovers.size, abandoned, holdsGivenBack, couponsReleased }
}
