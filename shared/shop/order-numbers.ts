/** Hands out the human order numbers (rules/order-number.ts) from one counter per Shanghai day. */
import { COLLECTIONS } from '../collections'
import { collection } from '../platform/db/collection'
import { database } from '../platform/runtime/cloudbase'
import { formatOrderNo, orderNoCounterId, orderNoDay } from './rules/order-number'

const DAY_MS = 24 * 60 * 60_000

/**
 * The next order number of `now`'s Asia/Shanghai day: one round trip (one more on the day's
 * first order when the counter was not made ahead by prepareOrderDay).
 *
 * Guarantee: the number comes from one atomic `_.inc` on the day's counter
 * (`updateAndReturn` answers the value after the increment), never from a read followed by a
 * write, so any number of concurrent orders get distinct numbers. A missing counter is created
 * by an insert with a fixed `_id` holding the first number (insertOnce): of concurrent first
 * orders one creates it and takes 1, the others find it taken and increment it. A number taken
 * by an order that then fails (no stock) is not reused: the day's numbers may have gaps, never
 * repeats.
 */
export async function allocateOrderNo(now: Date): Promise<string> {
  const counters = collection(COLLECTIONS.orderCounters)
  const day = orderNoDay(now)
  const id = orderNoCounterId(day)
  for (let attempt = 0; attempt < 3; attempt++) {
    const counter = await counters.updateAndReturn({ _id: id }, { seq: database().command.inc(1) })
    if (counter) return formatOrderNo(day, counter.seq)
    if ((await counters.insertOnce({ _id: id, day, seq: 1 })).inserted) return formatOrderNo(day, 1)
  }
  throw new Error(`order number counter ${id} could not be created`)
}

/**
 * Makes the next Shanghai day's counter ahead of time (at 0, so its first order takes 1), so the
 * day's first order costs one round trip like the rest. Idempotent: an existing counter is kept.
 */
export async function prepareOrderDay(now: Date): Promise<void> {
  const day = orderNoDay(new Date(now.getTime() + DAY_MS))
  await collection(COLLECTIONS.orderCounters).insertOnce({
    _id: orderNoCounterId(day),
    day,
    seq: 0,
  })
}
