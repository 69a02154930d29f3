/**
 * Demo data for the local stack: two stores in Shanghai, each with a manager and two clerks,
 * gifts with stock in every store and centrally, and the personas the H5 persona switcher
 * offers. Written through the real SDK, so it goes the same path as production writes.
 * Idempotent: what a data folder already has is left alone.
 */
import { COLLECTIONS } from '../../shared/collections'
import { signScene } from '../../shared/membership/rules/scene'
import type { Database } from '../../shared/platform/runtime/cloudbase'
import { seedDemoGifts } from './demo-gifts'
import { openidClaim } from '../../shared/platform/claims/claims'
import { newDocId } from '../../shared/platform/ids'

export interface Persona {
  openid: string
  role: 'member' | 'clerk' | 'manager'
  name: string
  storeId: string | null
}

export interface DemoCode {
  kind: 'store' | 'clerk'
  storeId: string
  /** Which store and clerk the code binds to, for people reading /dev/personas. */
  storeName: string
  clerkId: string | null
  /** The clerk's name; null for a store code (the store's least-loaded clerk is assigned). */
  clerkName: string | null
  scene: string
  /** Opens binding with this scene in the H5 app: `/?scene=<scene>`. */
  h5Path: string
}

interface DemoStore {
  code: string
  name: string
  address: string
  location: { lat: number; lng: number }
  hours: string
  staff: { code: string; name: string; openid: string; isManager: boolean }[]
}

const DEMO_STORES: DemoStore[] = [
  {
    code: 'SH001',
    name: '静安寺店',
    address: '上海市静安区南京西路 1618 号',
    location: { lat: 31.2235, lng: 121.4453 },
    hours: '10:00–22:00',
    staff: [
      { code: 'C1001', name: '周店长', openid: 'demo-manager-1', isManager: true },
      { code: 'C1002', name: '王小美', openid: 'demo-clerk-1', isManager: false },
      { code: 'C1003', name: '李晓雯', openid: 'demo-clerk-1b', isManager: false },
    ],
  },
  {
    code: 'SH002',
    name: '徐家汇店',
    address: '上海市徐汇区虹桥路 1 号',
    location: { lat: 31.1955, lng: 121.4375 },
    hours: '10:00–21:30',
    staff: [
      { code: 'C2001', name: '陈店长', openid: 'demo-manager-2', isManager: true },
      { code: 'C2002', name: '张婷', openid: 'demo-clerk-2', isManager: false },
      { code: 'C2003', name: '刘洋', openid: 'demo-clerk-2b', isManager: false },
    ],
  },
]

export const DEMO_SHOPPERS: Persona[] = [
  { openid: 'demo-shopper-a', role: 'member', name: '顾客 A（林女士）', storeId: null },
  { openid: 'demo-shopper-b', role: 'member', name: '顾客 B（赵先生）', storeId: null },
]

export async function seedDemoData(
  db: Database,
  now: Date = new Date(),
): Promise<{ seeded: boolean }> {
  const stores = db.collection(COLLECTIONS.stores.name)
  const existing = (await stores.limit(1).get()) as { data: unknown[] }
  if (existing.data.length > 0) return seedDemoGifts(db, now)
  for (const store of DEMO_STORES) {
    const added = (await stores.add({
      code: store.code,
      name: store.name,
      address: store.address,
      location: store.location,
      hours: store.hours,
      status: 'active',
      createdAt: now,
    })) as { id: string }
    const staffIds = store.staff.map(() => newDocId())
    await db.collection(COLLECTIONS.clerks.name).add(
      store.staff.map((staff, i) => ({
        _id: staffIds[i],
        code: staff.code,
        storeId: added.id,
        name: staff.name,
        openid: staff.openid,
        isManager: staff.isManager,
        status: 'active',
        memberCount: 0,
        createdAt: now,
      })),
    )
    // Bound clerks hold their openid's claim, as bindStaffInvite would have written it.
    await db
      .collection(COLLECTIONS.openidClaims.name)
      .add(store.staff.map((staff, i) => openidClaim('clerk', staff.openid, staffIds[i]!, now)))
  }
  await seedDemoGifts(db, now)
  return { seeded: true }
}

/** What `GET /dev/personas` answers: demo identities and the scenes of every store and clerk code. */
export async function listPersonas(
  db: Database,
  sceneSecret: string,
): Promise<{ personas: Persona[]; codes: DemoCode[] }> {
  const storeDocs = (
    (await db.collection(COLLECTIONS.stores.name).limit(1000).get()) as {
      data: { _id: string; code: string; name: string }[]
    }
  ).data
  const storeNames = new Map(storeDocs.map((s) => [s._id, s.name]))
  const clerkDocs = (
    (await db.collection(COLLECTIONS.clerks.name).limit(1000).get()) as {
      data: {
        _id: string
        code: string
        storeId: string
        name: string
        openid?: string
        isManager: boolean
        status: string
      }[]
    }
  ).data
  const personas: Persona[] = [...DEMO_SHOPPERS]
  const codes: DemoCode[] = []
  const h5Path = (scene: string) => `/?scene=${encodeURIComponent(scene)}`
  for (const store of storeDocs) {
    const scene = signScene({ kind: 'store', code: store.code }, sceneSecret)
    codes.push({
      kind: 'store',
      storeId: store._id,
      storeName: store.name,
      clerkId: null,
      clerkName: null,
      scene,
      h5Path: h5Path(scene),
    })
  }
  for (const clerk of clerkDocs) {
    if (clerk.status !== 'active') continue
    const scene = signScene({ kind: 'clerk', code: clerk.code }, sceneSecret)
    codes.push({
      kind: 'clerk',
      storeId: clerk.storeId,
      storeName: storeNames.get(clerk.storeId) ?? '',
      clerkId: clerk._id,
      clerkName: clerk.name,
      scene,
      h5Path: h5Path(scene),
    })
    if (clerk.openid?.startsWith('demo-')) {
      personas.push({
        openid: clerk.openid,
        role: clerk.isManager ? 'manager' : 'clerk',
        name: clerk.name,
        storeId: clerk.storeId,
      })
    }
  }
  return { personas, codes }
}
