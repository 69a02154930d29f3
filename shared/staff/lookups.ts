/** Reads of stores and clerks shared by the services. */
import { COLLECTIONS } from '../collections'
import type { ClerkDoc, StoreDoc } from './documents'
import { database } from '../platform/runtime/cloudbase'
import { AppError } from '../platform/errors'
import type { InvocationContext } from '../platform/runtime/define-function'
import { requireOpenid } from '../platform/runtime/identity'
import { remembered } from '../platform/runtime/policy'

type Rows<T> = { data: T[] }

export async function getStore(storeId: string): Promise<StoreDoc | null> {
  const res = (await database()
    .collection(COLLECTIONS.stores.name)
    .doc(storeId)
    .get()) as Rows<StoreDoc>
  return res.data[0] ?? null
}

/** Every store open for business (a chain has tens, not thousands). */
export async function activeStores(): Promise<StoreDoc[]> {
  const res = (await database()
    .collection(COLLECTIONS.stores.name)
    .where({ status: 'active' })
    .limit(1000)
    .get()) as Rows<StoreDoc>
  return res.data
}

export async function getClerk(clerkId: string): Promise<ClerkDoc | null> {
  const res = (await database()
    .collection(COLLECTIONS.clerks.name)
    .doc(clerkId)
    .get()) as Rows<ClerkDoc>
  return res.data[0] ?? null
}

export async function findOne<T>(
  collection: string,
  where: Record<string, unknown>,
): Promise<T | null> {
  const res = (await database().collection(collection).where(where).limit(1).get()) as Rows<T>
  return res.data[0] ?? null
}

/** Stores and clerks by id in two round trips, for views that show names. */
export async function namesFor(
  storeIds: string[],
  clerkIds: string[],
): Promise<{ stores: Map<string, string>; clerks: Map<string, string> }> {
  const db = database()
  const _ = db.command
  const unique = (ids: string[]) => [...new Set(ids)].slice(0, 1000)
  const [stores, clerks] = await Promise.all([
    storeIds.length
      ? (db
          .collection(COLLECTIONS.stores.name)
          .where({ _id: _.in(unique(storeIds)) })
          .field({ name: true })
          .limit(1000)
          .get() as Promise<Rows<{ _id: string; name: string }>>)
      : { data: [] },
    clerkIds.length
      ? (db
          .collection(COLLECTIONS.clerks.name)
          .where({ _id: _.in(unique(clerkIds)) })
          .field({ name: true })
          .limit(1000)
          .get() as Promise<Rows<{ _id: string; name: string }>>)
      : { data: [] },
  ])
  return {
    stores: new Map(stores.data.map((s) => [s._id, s.name])),
    clerks: new Map(clerks.data.map((c) => [c._id, c.name])),
  }
}

/** The caller's clerk record; FORBIDDEN for anyone who is not an active clerk. One round trip. */
/** The calling clerk (active), read once per invocation however often it is asked for. */
export function requireStaff(ctx: InvocationContext): Promise<ClerkDoc> {
  return remembered(ctx, 'clerk', async () => {
    const openid = requireOpenid(ctx)
    const clerk = await findOne<ClerkDoc>(COLLECTIONS.clerks.name, { openid })
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
  const db = database()
  const _ = db.command
  const read = (collection: string, ids: string[]) =>
    ids.length
      ? (db
          .collection(collection)
          .where({ _id: _.in([...new Set(ids)].slice(0, 1000)) })
          .field({ name: true, code: true })
          .limit(1000)
          .get() as Promise<Rows<{ _id: string; name: string; code: string }>>)
      : Promise.resolve({ data: [] as { _id: string; name: string; code: string }[] })
  const [stores, clerks] = await Promise.all([
    read(COLLECTIONS.stores.name, storeIds),
    read(COLLECTIONS.clerks.name, clerkIds),
  ])
  const byId = (rows: { _id: string; name: string; code: string }[]) =>
    new Map(rows.map((r) => [r._id, { name: r.name, code: r.code }]))
  return { stores: byId(stores.data), clerks: byId(clerks.data) }
}
