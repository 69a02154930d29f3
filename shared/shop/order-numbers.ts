/** Hands out the human order numbers (rules/order-number.ts) from one counter per Shanghai day. */
import { COLLECTIONS } from '../collections'
import { collection } from '../platform/db/collection'
import { database } from '../platform/runtime/cloudbase'
import { formatOrderNo, orderNoCounterId, orderNoDay } from './rules/order-number'

/**
 * The next order number of `now`'s Asia/Shanghai day: one round trip (two more on the day's
 * first order, which creates the counter).
 *
 * Guarantee: the number comes from one atomic `_.inc` on the day's counter
 * (`updateAndReturn` answers the value after the increment), never from a read followed by a
 * write, so any number of concurrent orders get distinct numbers. The counter's creation is an
 * insert with a fixed `_id` (insertOnce): of concurrent first orders one creates it, the others
 * find it taken, and all of them increment it. A number taken by an order that then fails (no
 * stock) is not reused: the day's numbers may have gaps, never repeats.
 */
export async function allocateOrderNo(now: Date): Promise<string> {
  const counters = collection(COLLECTIONS.orderCounters)
  const day = orderNoDay(now)
  const id = orderNoCounterId(day)
  for (let attempt = 0; attempt < 3; attempt++) {
    const counter = await counters.updateAndReturn({ _id: id }, { seq: database().command.inc(1) })
    if (counter) return formatOrderNo(day, counter.seq)
    await counters.insertOnce({ _id: id, day, seq: 0 })
  }
  throw new Error(`order number counter ${id} could not be created`)
}
