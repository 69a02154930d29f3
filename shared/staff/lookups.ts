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

const storeCards = new Map<string, { card: StoreCard | null; at: number }>()

/**
 * The store's card, or null when there is no store (a delivery order) or it is gone. Read at most
 * once a minute per instance (a chain has tens of stores; an edit to an address or opening hours
 * shows on order pages within the minute), so polling an order reads only the order.
 */
export async function storeCardFor(storeId: string | null): Promise<StoreCard | null> {
  if (!storeId) return null
  const cached = storeCards.get(storeId)
  if (cached && Date.now() - cached.at < 60_000) return cached.card
  const store = await getStore(storeId)
  const card = store ? storeCardOf(store) : null
  storeCards.set(storeId, { card, at: Date.now() })
  return card
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

/**
 * Stores and clerks as one instance last read them: names, codes and each store's roster (the
 * clerks a store code takes turns over). A chain has tens of stores and hundreds of clerks, so the
 * whole directory is two parallel reads, repeated at most once a minute per function instance.
 *
 * Only what may lag is taken from here: names shown on a card and codes resolved to ids (both
 * immutable or display-only). What decides a bind is read fresh: the scanned clerk's status, the
 * store's status and turn (`stores.bindSeq`), and the store's `rosterVersion`, which every change
 * of a roster bumps; a directory holding an older version of a store's roster is read again.
 */
export interface StaffDirectory {
  readAt: number
  stores: Map<string, StoreDoc>
  storesByCode: Map<string, StoreDoc>
  clerks: Map<string, ClerkDoc>
  clerksByCode: Map<string, ClerkDoc>
}

const DIRECTORY_TTL_MS = 60_000
let directoryCache: Promise<StaffDirectory> | undefined
let directoryReadAt = 0

async function readDirectory(): Promise<StaffDirectory> {
  const readAt = Date.now()
  const all = async <T extends { _id: string }>(read: (skip: number) => Promise<T[]>) => {
    const out: T[] = []
    for (let skip = 0; ; skip += 1000) {
      const page = await read(skip)
      out.push(...page)
      if (page.length < 1000) return out
    }
  }
  const [storeDocs, clerkDocs] = await Promise.all([
    all((skip) => stores().find({}, { orderBy: ['_id', 'asc'], skip, limit: 1000 })),
    all((skip) => clerks().find({}, { orderBy: ['_id', 'asc'], skip, limit: 1000 })),
  ])
  return {
    readAt,
    stores: new Map(storeDocs.map((s) => [s._id, s])),
    storesByCode: new Map(storeDocs.map((s) => [s.code, s])),
    clerks: new Map(clerkDocs.map((c) => [c._id, c])),
    clerksByCode: new Map(clerkDocs.map((c) => [c.code, c])),
  }
}

/**
 * The staff directory, read again when it is over a minute old or `fresh` asks for it (a code or
 * id it does not know, a roster older than the store says). Concurrent callers share one read.
 */
export async function staffDirectory(options: { fresh?: boolean } = {}): Promise<StaffDirectory> {
  const stale = Date.now() - directoryReadAt > DIRECTORY_TTL_MS
  if (!directoryCache || stale || options.fresh) {
    directoryReadAt = Date.now()
    const reading = readDirectory()
    directoryCache = reading
    reading.catch(() => {
      // A failed read is not remembered: the next caller reads again.
      if (directoryCache === reading) directoryCache = undefined
    })
  }
  return directoryCache
}

/** The store's roster version as the directory holds it (0 for a store never changed). */
export function rosterVersionOf(store: Pick<StoreDoc, 'rosterVersion'>): number {
  return store.rosterVersion ?? 0
}
