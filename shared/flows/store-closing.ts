/**
 * Closing a store (staff, shop and gifts meet here). What closing means:
 * - the store's code stops opening member cards; shoppers can no longer pick it for a pickup
 *   order (the order checks the store) and the console no longer offers it for invites, imports
 *   or a clerk's move;
 * - it closes only with nothing left there: no active clerk (move them, their members following
 *   or staying, or disable them first), no paid or unpaid pickup order waiting at the store, no
 *   gift waiting to be picked up there. Each of these is named to HQ when it stands in the way;
 * - its members keep it as their store: their history, points and the commission already booked
 *   stay where they were earned; HQ moves them with the transfer job when it wants them served
 *   elsewhere. Reopening brings the store back as it was.
 */
import { COLLECTIONS } from '../collections'
import { AppError } from '../platform/errors'
import { database } from '../platform/runtime/cloudbase'
import type { InvocationContext } from '../platform/runtime/define-function'
import type { StoreDoc } from '../staff/documents'
import { getStore } from '../staff/lookups'
import { storeView } from '../hq/staff-admin-service'
import type { AdminSession } from '../hq/documents'
import type { Input } from '../hq/admin-service'
import { lifecycleActor } from '../hq/rules/roles'
import { collection } from '../platform/db/collection'

/** Orders that still need the store: unpaid (may yet be paid) or paid and not picked up. */
const OPEN_PICKUP_ORDER = ['awaiting_payment', 'paid']

async function blockersOf(storeId: string) {
  const db = database()
  const _ = db.command
  const [activeClerks, openOrders, pendingPickups, members] = await Promise.all([
    collection(COLLECTIONS.clerks).count({ storeId, status: 'active' }),
    collection(COLLECTIONS.orders).count({
      storeId,
      fulfilment: 'pickup',
      status: _.in(OPEN_PICKUP_ORDER),
    }),
    collection(COLLECTIONS.redemptions).count({ storeId, status: 'awaitingPickup' }),
    collection(COLLECTIONS.members).count({ storeId, status: 'active' }),
  ])
  const blockers = [
    ...(activeClerks
      ? [`还有 ${activeClerks} 名在岗导购：请先调到其他门店（会员可随调或留店）或停用`]
      : []),
    ...(openOrders ? [`还有 ${openOrders} 笔自提订单未完成：请等顾客取货，或退款后再停业`] : []),
    ...(pendingPickups ? [`还有 ${pendingPickups} 件礼品待顾客到店领取`] : []),
  ]
  return { storeId, activeClerks, openOrders, pendingPickups, members, blockers }
}

async function requireStore(storeId: string): Promise<StoreDoc> {
  const store = await getStore(storeId)
  if (!store) throw new AppError('NOT_FOUND', '门店不存在', 'storeId')
  return store
}

export async function storeClosingCheck(input: Input<'storeClosingCheck'>) {
  await requireStore(input.storeId)
  return blockersOf(input.storeId)
}

/**
 * Guarantee: nothing is left at a closed store. The blockers are counted, the store is closed
 * by a conditional update (`status: 'active'`), then counted again: an order, an invite or a move
 * checks the store's status, so anything that arrived between the two counts is seen by the
 * second, and the close is taken back (conditionally, on this close's own `closedAt`).
 */
export async function closeStore(
  ctx: InvocationContext,
  session: AdminSession,
  input: Input<'closeStore'>,
) {
  const store = await requireStore(input.storeId)
  if (store.status === 'closed') return storeView(store, lifecycleActor(session.role))
  const before = await blockersOf(store._id)
  if (before.blockers.length) throw new AppError('CONFLICT', before.blockers.join('；'), 'storeId')
  const now = ctx.clock.now()
  const stores = collection(COLLECTIONS.stores)
  const closed = await stores.updateIf(
    { _id: store._id, status: 'active' },
    {
      status: 'closed',
      closedAt: now,
      closedReason: input.reason,
      closedBy: session.username,
      updatedAt: now,
    },
  )
  if (closed) {
    const after = await blockersOf(store._id)
    if (after.blockers.length) {
      await stores.updateIf(
        { _id: store._id, status: 'closed', closedAt: now },
        { status: 'active', updatedAt: now },
      )
      throw new AppError('CONFLICT', after.blockers.join('；'), 'storeId')
    }
  }
  return storeView(await requireStore(store._id), lifecycleActor(session.role))
}

export async function reopenStore(
  ctx: InvocationContext,
  session: AdminSession,
  input: Input<'reopenStore'>,
) {
  const store = await requireStore(input.storeId)
  if (store.status === 'closed')
    await collection(COLLECTIONS.stores).updateIf(
      { _id: store._id, status: 'closed' },
      { status: 'active', updatedAt: ctx.clock.now() },
    )
  return storeView(await requireStore(store._id), lifecycleActor(session.role))
}
