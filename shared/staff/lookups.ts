/** Reads of stores and clerks shared by the services. */
import { COLLECTIONS } from '../collections'
import { collection } from '../platform/db/collection'
import type { ClerkDoc, StoreDoc } from './documents'
import { database } from '../platform/runtime/cloudbase'
import { AppError } from '../platform/errors'
import type { InvocationContext } from '../platform/runtime/define-function'
import { requireOpenid } from '../platform/runtime/identity'
import { remembered } from '../platform/runtime/policy'
import type { StoreCard } from '../platform/contract/common'

const stores = () => collection(COLLECTIONS.stores)
const clerks = () => collection(COLLECTIONS.clerks)

/** What a shopper needs to find the store (shared/platform/contract/common.ts `storeCard`). */
export function storeCardOf(store: StoreDoc): StoreCard {
  return {
    storeId: store._id,
    name: store.name,
    address: store.address,
    hours: store.hours ?? null,
    location: store.location ?? null,
  }
}

/** The store's card, or null when there is no store (a delivery order) or it is gone. */
export async function storeCardFor(storeId: string | null): Promise<StoreCard | null> {
  if (!storeId) return null
  const store = await getStore(storeId)
  return store ? storeCardOf(store) : null
}

export async function getStore(storeId: string): Promise<StoreDoc | null> {
  return stores().get(storeId)
}

/** Every store open for business (a chain has tens, not thousands). */
export async function activeStores(): Promise<StoreDoc[]> {
  return stores().find({ status: 'active' }, { limit: 1000 })
}

export async function getClerk(clerkId: string): Promise<ClerkDoc | null> {
  return clerks().get(clerkId)
}

/** Stores and clerks by id in two round trips, for views that show names. */
export async function namesFor(
  storeIds: string[],
  clerkIds: string[],
): Promise<{ stores: Map<string, string>; clerks: Map<string, string> }> {
  const _ = database().command
  const unique = (ids: string[]) => [...new Set(ids)].slice(0, 1000)
  const [storeNames, clerkNames] = await Promise.all([
    storeIds.length
      ? stores().find({ _id: _.in(unique(storeIds)) }, { fields: ['name'], limit: 1000 })
      : [],
    clerkIds.length
      ? clerks().find({ _id: _.in(unique(clerkIds)) }, { fields: ['name'], limit: 1000 })
      : [],
  ])
  return {
    stores: new Map(storeNames.map((s) => [s._id, s.name])),
    clerks: new Map(clerkNames.map((c) => [c._id, c.name])),
  }
}

/** The caller's clerk record; FORBIDDEN for anyone who is not an active clerk. One round trip. */
/** The calling clerk (active), read once per invocation however often it is asked for. */
export function requireStaff(ctx: InvocationContext): Promise<ClerkDoc> {
  return remembered(ctx, 'clerk', async () => {
    const openid = requireOpenid(ctx)
    const clerk = await clerks().findOne({ openid })
    if (!clerk || clerk.status !== 'active') throw new AppError('FORBIDDEN', '仅限在岗店员使用')
    ctx.caller.role = clerk.isManager ? 'manager' : 'clerk'
    return clerk
  })
}

/** The calling store manager. */
export async function requireManager(ctx: InvocationContext): Promise<ClerkDoc> {
  const clerk = await requireStaff(ctx)
  if (!clerk.isManager) throw new AppError('FORBIDDEN', '仅店长可以使用')
  return clerk
}

/** Names and codes (门店编码, 导购编号) of stores and clerks, for reports people file (settlement). */
export async function directoryFor(
  storeIds: string[],
  clerkIds: string[],
): Promise<{
  stores: Map<string, { name: string; code: string }>
  clerks: Map<string, { name: string; code: string }>
}> {
  const _ = database().command
  const unique = (ids: string[]) => [...new Set(ids)].slice(0, 1000)
  const fields = ['name', 'code'] as const
  const [storeRows, clerkRows] = await Promise.all([
    storeIds.length ? stores().find({ _id: _.in(unique(storeIds)) }, { fields, limit: 1000 }) : [],
    clerkIds.length ? clerks().find({ _id: _.in(unique(clerkIds)) }, { fields, limit: 1000 }) : [],
  ])
  const byId = (rows: { _id: string; name: string; code: string }[]) =>
    new Map(rows.map((r) => [r._id, { name: r.name, code: r.code }]))
  return { stores: byId(storeRows), clerks: byId(clerkRows) }
}
