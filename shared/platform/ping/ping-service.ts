import { PING_COLLECTIONS as COLLECTIONS } from './collections'
import { database } from '../runtime/cloudbase'
import type { InvocationContext } from '../runtime/define-function'
import type { PingResult } from './contract'

/**
 * Writes one ping document and reads it back: proves identity, the database path and the
 * envelope end to end. Two round trips, by design.
 */
export async function recordPing(
  ctx: InvocationContext,
  note: string | undefined,
): Promise<PingResult> {
  const db = database()
  const pings = db.collection(COLLECTIONS.pings.name)
  const storedAt = ctx.clock.now()
  const added = (await pings.add({
    openid: ctx.caller.openid,
    note: note ?? null,
    requestId: ctx.requestId,
    storedAt,
    receivedAt: db.serverDate(),
  })) as { id: string }
  const read = (await pings.doc(added.id).get()) as { data: { storedAt?: unknown }[] }
  const readBack = read.data.length === 1 && read.data[0]?.storedAt instanceof Date
  return {
    openid: ctx.caller.openid,
    appid: ctx.caller.appid,
    note: note ?? null,
    pingId: added.id,
    storedAt: storedAt.toISOString(),
    readBack,
  }
}
