/**
 * Demo shop: a few products with one price, stock in every store and in the central warehouse.
 * Idempotent: a data folder that already has products is left alone.
 */
import { COLLECTIONS } from '../../shared/collections'
import type { ProductDoc, StockDoc } from '../../shared/shop/documents'
import type { Database } from '../../shared/platform/runtime/cloudbase'
import { CENTRAL, stockId } from '../../shared/shop/rules/shop'

export const DEMO_PRODUCTS: {
  id: string
  name: string
  description: string
  priceFen: number
  perStore: number
  central: number
}[] = [
  {
    id: 'p-rose-cream',
    name: '玫瑰保湿面霜 50g',
    description: '温和保湿，四季可用',
    priceFen: 16_800,
    perStore: 20,
    central: 200,
  },
  {
    id: 'p-tea-gift',
    name: '明前龙井礼盒 250g',
    description: '2026 年春茶，送礼自饮皆宜',
    priceFen: 39_900,
    perStore: 10,
    central: 80,
  },
  {
    id: 'p-silk-scarf',
    name: '真丝方巾 90cm',
    description: '桑蚕丝，多色可选',
    priceFen: 25_900,
    perStore: 15,
    central: 120,
  },
  {
    id: 'p-hand-cream',
    name: '护手霜三支装',
    description: '旅行装，随身携带',
    priceFen: 5_900,
    perStore: 50,
    central: 500,
  },
]

export async function seedShopDemo(
  db: Database,
  now: Date = new Date(),
): Promise<{ seeded: boolean }> {
  const products = db.collection(COLLECTIONS.products.name)
  const existing = (await products.limit(1).get()) as { data: unknown[] }
  if (existing.data.length > 0) return { seeded: false }
  const stores = (
    (await db.collection(COLLECTIONS.stores.name).limit(1000).get()) as { data: { _id: string }[] }
  ).data
  for (const [sort, p] of DEMO_PRODUCTS.entries()) {
    const product: Omit<ProductDoc, '_id'> = {
      name: p.name,
      description: p.description,
      priceFen: p.priceFen,
      status: 'active',
      sort,
      createdAt: now,
    }
    await products.doc(p.id).set(product)
    const stock: StockDoc[] = [
      {
        _id: stockId(p.id, CENTRAL),
        productId: p.id,
        locationId: CENTRAL,
        available: p.central,
        reserved: 0,
        updatedAt: now,
      },
      ...stores.map((s) => ({
        _id: stockId(p.id, s._id),
        productId: p.id,
        locationId: s._id,
        available: p.perStore,
        reserved: 0,
        updatedAt: now,
      })),
    ]
    await db.collection(COLLECTIONS.stock.name).add(stock)
  }
  return { seeded: true }
}
