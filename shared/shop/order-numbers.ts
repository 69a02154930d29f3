/** Hands out the human order numbers (rules/order-number.ts) from one counter per Shanghai day. */
import { COLLECTIONS } from '../collections'
import type { OrderCounterDoc } from './documents'
import { database } from '../platform/runtime/cloudbase'
import { isDbError } from '../platform/runtime/transaction'
import { formatOrderNo, orderNoCounterId, orderNoDay } from './rules/order-number'

/**
 * The next order number of `now`'s Asia/Shanghai day: one round trip (two more on the day's
 * first order, which creates the counter).
 *
 * Guarantee: the number comes from one atomic `_.inc` on the day's counter
 * (`updateAndReturn` answers the value after the increment), never from a read followed by a
 * write, so any number of concurrent orders get distinct numbers. The counter's creation is an
 * insert with a fixed `_id`: of concurrent first orders one creates it, the others' duplicate
 * write is ignored and they increment it. A number taken by an order that then fails (no stock)
 * is not reused: the day's numbers may have gaps, never repeats.
 */
export async function allocateOrderNo(now: Date): Promise<string> {
  const db = database()
  const day = orderNoDay(now)
  const id = orderNoCounterId(day)
  for (let attempt = 0; attempt < 3; attempt++) {
    const res = (await db
      .collection(COLLECTIONS.orderCounters.name)
      .where({ _id: id })
      .updateAndReturn({ seq: db.command.inc(1) })) as { doc?: OrderCounterDoc | null }
    if (res.doc) return formatOrderNo(day, res.doc.seq)
    try {
      await db.collection(COLLECTIONS.orderCounters.name).add({ _id: id, day, seq: 0 })
    } catch (err) {
      if (!isDbError(err, 'DATABASE_DUPLICATE_WRITE')) throw err
    }
  }
  throw new Error(`order number counter ${id} could not be created`)
}
