/**
 * The catalogue a shopper browses: products with their stock per store, and the stores to pick up
 * from, nearest first.
 */
import { COLLECTIONS } from '../collections'
import { collection } from '../platform/db/collection'
import type { ProductDoc } from './documents'
import { AppError } from '../platform/errors'
import { CENTRAL, mergeLines, stockId, type OrderLine } from './rules/shop'
import { byDistance, homeStoreFirst, type LatLng } from './rules/store-distance'
import { database } from '../platform/runtime/cloudbase'
import { ports } from '../platform/runtime/ports'
import { type InvocationContext } from '../platform/runtime/define-function'
import { activeStores } from '../staff/lookups'
import { priceLines } from './orders'

export interface ProductView {
  productId: string
  name: string
  description: string
  priceFen: number
  /** Image URLs to show (the first is the cover); none for a product without images. */
  images: string[]
  /** Orderable now: in the central warehouse (delivery) and per store (pickup). */
  available: { central: number; stores: Record<string, number> }
}

export async function listProducts(): Promise<ProductView[]> {
  const products = await collection(COLLECTIONS.products).find(
    { status: 'active' },
    { orderBy: ['sort', 'asc'], limit: 1000 },
  )
  return productViews(products)
}

/** One active product for its detail page. */
export async function productDetail(input: { productId: string }): Promise<ProductView> {
  const product = await collection(COLLECTIONS.products).get(input.productId)
  if (!product || product.status !== 'active')
    throw new AppError('NOT_FOUND', '商品不存在或已下架', 'productId')
  return (await productViews([product]))[0]!
}

/** Products with their stock, in one more round trip. */
async function productViews(products: ProductDoc[]): Promise<ProductView[]> {
  if (products.length === 0) return []
  const storage = ports().storage
  const [stock, images] = await Promise.all([
    collection(COLLECTIONS.stock).find(
      { productId: database().command.in(products.map((p) => p._id)) },
      { limit: 1000 },
    ),
    Promise.all(
      products.map((p) => Promise.all((p.images ?? []).map((fileId) => storage.url(fileId)))),
    ),
  ])
  const views = new Map<string, ProductView>(
    products.map((p, i) => [
      p._id,
      {
        productId: p._id,
        name: p.name,
        description: p.description,
        priceFen: p.priceFen,
        images: images[i]!,
        available: { central: 0, stores: {} },
      },
    ]),
  )
  for (const s of stock) {
    const view = views.get(s.productId)
    if (!view) continue
    if (s.locationId === CENTRAL) view.available.central = s.available
    else view.available.stores[s.locationId] = s.available
  }
  return [...views.values()]
}

// ------------------------------------------------------------------ pickup stores

export interface StoreOptionView {
  storeId: string
  name: string
  address: string
  location: { lat: number; lng: number } | null
  distanceM: number | null
  isHomeStore: boolean
  shortages: Array<{ productId: string; name: string; available: number; wanted: number }>
}

/**
 * The checkout's store picker: every active store, nearest to `near` first when the shopper
 * shared it, otherwise their own store first and then by name; each with the cart lines it
 * cannot fill now. Four reads, side by side.
 */
export async function pickupStores(
  ctx: InvocationContext,
  input: { items: OrderLine[]; near?: LatLng },
): Promise<StoreOptionView[]> {
  const lines = mergeLines(input.items)
  const db = database()
  const openid = ctx.caller.openid
  const [stores, priced, stock, member] = await Promise.all([
    activeStores(),
    lines.length ? priceLines(lines) : [],
    lines.length
      ? collection(COLLECTIONS.stock).find(
          { productId: db.command.in(lines.map((l) => l.productId)) },
          { limit: 1000 },
        )
      : [],
    openid ? collection(COLLECTIONS.members).findOne({ openid }) : null,
  ])
  const available = new Map(stock.map((s) => [s._id, s.available]))
  const homeStoreId = member?.status === 'active' ? member.storeId : null
  const options = stores.map((store) => ({
    storeId: store._id,
    name: store.name,
    address: store.address,
    location: store.location ?? null,
    isHomeStore: store._id === homeStoreId,
    shortages: priced.flatMap((line) => {
      const there = Math.max(0, available.get(stockId(line.productId, store._id)) ?? 0)
      return there >= line.qty
        ? []
        : [{ productId: line.productId, name: line.name, available: there, wanted: line.qty }]
    }),
  }))
  return input.near
    ? byDistance(options, input.near)
    : homeStoreFirst(options, homeStoreId).map((o) => ({ ...o, distanceM: null }))
}

// ------------------------------------------------------------------ orders
