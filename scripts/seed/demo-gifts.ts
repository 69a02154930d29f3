/**
 * Demo gifts: a few items with stock in every store (pickup) and in the central warehouse (mail).
 * Idempotent: fixed ids, and nothing is written once any gift exists.
 */
import { COLLECTIONS } from '../../shared/collections'
import type { GiftDoc, GiftStockDoc } from '../../shared/gifts/documents'
import type { Database } from '../../shared/platform/runtime/cloudbase'
import { isDbError } from '../../shared/platform/runtime/transaction'
import { stockIdOf } from '../../shared/gifts/gift-service'

/** A flat illustration as an SVG data URI, so the demo needs no image hosting. */
function picture(background: string, shape: string): string {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 120 120"><rect width="120" height="120" rx="12" fill="${background}"/>${shape}</svg>`
  return `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`
}

interface DemoGift {
  _id: string
  name: string
  description: string
  pointsPrice: number
  images: string[]
  fulfilments: GiftDoc['fulfilments']
  shippingFeeFen: number
  sort: number
  perStore: number
  central: number
}

export const DEMO_GIFTS: DemoGift[] = [
  {
    _id: 'demo-gift-tote',
    name: '帆布购物袋',
    description: '品牌帆布袋，可折叠，承重 10 公斤。',
    pointsPrice: 80,
    images: [
      picture(
        '#f4e3c3',
        '<path d="M35 45h50l-5 50H40z" fill="#c8a46e"/><path d="M48 45a12 12 0 0 1 24 0" stroke="#8a6a3a" stroke-width="4" fill="none"/>',
      ),
    ],
    fulfilments: ['pickup', 'mail'],
    shippingFeeFen: 800,
    sort: 10,
    perStore: 50,
    central: 200,
  },
  {
    _id: 'demo-gift-mug',
    name: '保温杯',
    description: '不锈钢保温杯 350ml，保温 12 小时。',
    pointsPrice: 300,
    images: [
      picture(
        '#d7e8f5',
        '<rect x="42" y="30" width="36" height="62" rx="8" fill="#3d6f99"/><rect x="42" y="26" width="36" height="10" rx="3" fill="#22445f"/>',
      ),
    ],
    fulfilments: ['pickup', 'mail'],
    shippingFeeFen: 1000,
    sort: 20,
    perStore: 20,
    central: 100,
  },
  {
    _id: 'demo-gift-coffee',
    name: '门店咖啡券',
    description: '到店兑换一杯美式咖啡，限自提门店领取。',
    pointsPrice: 50,
    images: [
      picture(
        '#efe0d6',
        '<path d="M38 50h40v22a20 20 0 0 1-40 0z" fill="#6b4226"/><path d="M78 56h6a8 8 0 0 1 0 16h-6" stroke="#6b4226" stroke-width="4" fill="none"/>',
      ),
    ],
    fulfilments: ['pickup'],
    shippingFeeFen: 0,
    sort: 30,
    perStore: 100,
    central: 0,
  },
]

export async function seedDemoGifts(
  db: Database,
  now: Date = new Date(),
): Promise<{ seeded: boolean }> {
  const gifts = db.collection(COLLECTIONS.gifts.name)
  const any = (await gifts.limit(1).get()) as { data: unknown[] }
  if (any.data.length > 0) return { seeded: false }
  const stores = (
    (await db
      .collection(COLLECTIONS.stores.name)
      .where({ status: 'active' })
      .limit(1000)
      .get()) as { data: { _id: string }[] }
  ).data
  const ignoreDuplicate = (err: unknown) => {
    if (!isDbError(err, 'DATABASE_DUPLICATE_WRITE')) throw err
  }
  for (const demo of DEMO_GIFTS) {
    const { perStore, central, ...fields } = demo
    const gift: GiftDoc = { ...fields, status: 'active', createdAt: now, updatedAt: now }
    const row = (storeId: string | null, available: number): GiftStockDoc => ({
      _id: stockIdOf(gift._id, storeId),
      giftId: gift._id,
      storeId,
      available,
      giftName: gift.name,
      pointsPrice: gift.pointsPrice,
      active: true,
      updatedAt: now,
    })
    const rows = [
      ...stores.map((s) => row(s._id, perStore)),
      ...(demo.fulfilments.includes('mail') ? [row(null, central)] : []),
    ]
    for (const doc of [gift, ...rows]) {
      const { _id, ...rest } = doc
      const collection = doc === gift ? gifts : db.collection(COLLECTIONS.giftStock.name)
      await (collection.doc(_id) as unknown as { create(data: object): Promise<unknown> })
        .create(rest)
        .catch(ignoreDuplicate)
    }
  }
  return { seeded: true }
}
