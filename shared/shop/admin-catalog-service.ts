/**
 * HQ keeps the shop's catalogue: products (name, images, one price, status, order, description)
 * and the shelf count of each product at the central warehouse and at every store.
 */
import { randomBytes } from 'node:crypto'
import { z } from 'zod'
import { COLLECTIONS } from '../collections'
import type { ProductDoc, StockDoc } from './documents'
import type { shopAdminInput, adminProductView, stockRowView } from './admin-contract'
import { MAX_PRODUCT_IMAGE_BYTES } from './rules/product-images'
import { AppError } from '../platform/errors'
import { newDocId } from '../platform/ids'
import { collection } from '../platform/db/collection'
import { database } from '../platform/runtime/cloudbase'
import type { InvocationContext } from '../platform/runtime/define-function'
import { ports } from '../platform/runtime/ports'
import { getStore } from '../staff/lookups'
import { CENTRAL, stockId } from './rules/shop'
import { afterSet, belowReservedMessage, onHand } from './rules/stock'

type Input<K extends keyof typeof shopAdminInput> = z.output<(typeof shopAdminInput)[K]>
type ProductView = z.infer<ReturnType<typeof adminProductView>>
type StockRowView = z.infer<ReturnType<typeof stockRowView>>

/** Product images live in one storage folder the admin function writes (never a client). */
export const PRODUCT_IMAGE_FOLDER = 'products'
const CENTRAL_NAME = '中央仓'
const STATUS_LABEL: Record<ProductDoc['status'], string> = { active: '在售', inactive: '已下架' }

const products = () => collection(COLLECTIONS.products)
const stock = () => collection(COLLECTIONS.stock)

async function requireProduct(productId: string): Promise<ProductDoc> {
  const product = await products().get(productId)
  if (!product) throw new AppError('NOT_FOUND', '商品不存在', 'productId')
  return product
}

interface StockTotals {
  central: number
  stores: number
  reserved: number
}

async function imageViews(fileIds: readonly string[]): Promise<ProductView['images']> {
  const storage = ports().storage
  return Promise.all(fileIds.map(async (fileId) => ({ fileId, url: await storage.url(fileId) })))
}

async function productView(p: ProductDoc, totals: StockTotals | undefined): Promise<ProductView> {
  return {
    productId: p._id,
    name: p.name,
    description: p.description,
    priceFen: p.priceFen,
    status: p.status,
    statusLabel: STATUS_LABEL[p.status],
    sort: p.sort,
    images: await imageViews(p.images ?? []),
    stock: totals ?? { central: 0, stores: 0, reserved: 0 },
    createdAt: p.createdAt.toISOString(),
    updatedAt: (p.updatedAt ?? p.createdAt).toISOString(),
  }
}

/**
 * Shelf counts summed per product in one aggregation (a product has a row per store: 200 stores
 * times the catalogue is more rows than one page of documents).
 */
async function stockTotals(productIds: string[]): Promise<Map<string, StockTotals>> {
  if (productIds.length === 0) return new Map()
  const _ = database().command
  const $ = _.aggregate
  // An aggregation is outside the typed layer (`raw`): one round trip, its groups typed here.
  const res = (await stock()
    .raw.aggregate()
    .match({ productId: _.in(productIds) })
    .group({
      _id: '$productId',
      central: $.sum(
        $.cond({
          if: $.eq(['$locationId', CENTRAL]),
          then: $.add(['$available', '$reserved']),
          else: 0,
        }),
      ),
      stores: $.sum(
        $.cond({
          if: $.eq(['$locationId', CENTRAL]),
          then: 0,
          else: $.add(['$available', '$reserved']),
        }),
      ),
      reserved: $.sum('$reserved'),
    })
    .limit(1000)
    .end()) as { data: (StockTotals & { _id: string })[] }
  return new Map(
    res.data.map((r) => [r._id, { central: r.central, stores: r.stores, reserved: r.reserved }]),
  )
}

/** The console's product list: two round trips (the products, their stock totals) and image URLs. */
export async function listProductsForAdmin(input: Input<'listProducts'>) {
  const where: Record<string, unknown> = {}
  if (input.status) where.status = input.status
  if (input.search)
    where.name = database().RegExp({
      regexp: input.search.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'),
      options: 'i',
    })
  const found = await products().find(where, {
    orderBy: [
      ['sort', 'asc'],
      ['createdAt', 'desc'],
    ],
    limit: 500,
  })
  const totals = await stockTotals(found.map((p) => p._id))
  return { items: await Promise.all(found.map((p) => productView(p, totals.get(p._id)))) }
}

/** Images must be uploads of the admin function into the products folder of this storage. */
function checkImages(images: readonly string[] | undefined): void {
  const storage = ports().storage
  for (const [i, fileId] of (images ?? []).entries())
    if (!storage.ownsUpload(fileId, PRODUCT_IMAGE_FOLDER))
      throw new AppError('INVALID_INPUT', '图片无效，请重新上传', `images.${i}`)
}

export async function createProduct(ctx: InvocationContext, input: Input<'createProduct'>) {
  checkImages(input.images)
  const now = ctx.clock.now()
  const product: ProductDoc = {
    _id: newDocId(),
    name: input.name,
    description: input.description,
    priceFen: input.priceFen,
    status: input.status,
    sort: input.sort,
    images: input.images,
    createdAt: now,
    updatedAt: now,
  }
  await products().insert(product)
  return productView(product, undefined)
}

/**
 * Edits a product. Orders already placed keep the name and price they were priced with (their
 * lines are copies); the next order reads the new ones.
 */
export async function updateProduct(ctx: InvocationContext, input: Input<'updateProduct'>) {
  checkImages(input.images)
  const { productId, ...fields } = input
  const changes = Object.fromEntries(
    Object.entries(fields).filter(([, v]) => v !== undefined),
  ) as Partial<ProductDoc>
  const now = ctx.clock.now()
  const updated = await products().update(productId, {
    ...changes,
    // An array is replaced whole (set), not merged element by element.
    ...(changes.images ? { images: database().command.set(changes.images) } : {}),
    updatedAt: now,
  })
  if (!updated) throw new AppError('NOT_FOUND', '商品不存在', 'productId')
  const [product, totals] = await Promise.all([requireProduct(productId), stockTotals([productId])])
  return productView(product, totals.get(productId))
}

/** Stores one product image under a random name; the product keeps its file id. */
export async function uploadProductImage(input: Input<'uploadProductImage'>) {
  const bytes = Buffer.from(input.dataBase64, 'base64')
  if (bytes.length > MAX_PRODUCT_IMAGE_BYTES)
    throw new AppError(
      'PAYLOAD_TOO_LARGE',
      `图片不能超过 ${MAX_PRODUCT_IMAGE_BYTES / 1024} KB`,
      'dataBase64',
    )
  const png = bytes.subarray(0, 8).equals(Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]))
  const jpeg = bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff
  if ((input.contentType === 'image/png' && !png) || (input.contentType === 'image/jpeg' && !jpeg))
    throw new AppError('INVALID_INPUT', '文件不是有效的 PNG 或 JPG 图片', 'dataBase64')
  const name = `${randomBytes(12).toString('hex')}.${png ? 'png' : 'jpg'}`
  const storage = ports().storage
  const fileId = await storage.put(`${PRODUCT_IMAGE_FOLDER}/${name}`, bytes, input.contentType)
  return { fileId, url: await storage.url(fileId) }
}

// ------------------------------------------------------------------ stock

function stockRow(
  productId: string,
  location: { id: string; name: string; code: string },
  row: StockDoc | undefined,
): StockRowView {
  return {
    productId,
    locationId: location.id,
    locationName: location.name,
    locationCode: location.code,
    onHand: row ? onHand(row) : 0,
    available: row?.available ?? 0,
    reserved: row?.reserved ?? 0,
    updatedAt: row?.updatedAt ? row.updatedAt.toISOString() : null,
  }
}

/**
 * One product at the central warehouse and every store: the open stores, and a closed one only
 * while it still holds some. Three reads side by side.
 */
export async function productStock(input: Input<'productStock'>) {
  const [product, rows, stores] = await Promise.all([
    requireProduct(input.productId),
    stock().find({ productId: input.productId }, { limit: 1000 }),
    collection(COLLECTIONS.stores).find(
      {},
      { fields: ['code', 'name', 'status'], orderBy: ['code', 'asc'], limit: 1000 },
    ),
  ])
  const byLocation = new Map(rows.map((r) => [r.locationId, r]))
  return {
    productId: product._id,
    rows: [
      stockRow(
        product._id,
        { id: CENTRAL, name: CENTRAL_NAME, code: CENTRAL_NAME },
        byLocation.get(CENTRAL),
      ),
      ...stores
        .filter((s) => {
          const row = byLocation.get(s._id)
          return s.status === 'active' || (row !== undefined && onHand(row) > 0)
        })
        .map((s) =>
          stockRow(product._id, { id: s._id, name: s.name, code: s.code }, byLocation.get(s._id)),
        ),
    ],
  }
}

async function locationOf(locationId: string): Promise<{ id: string; name: string; code: string }> {
  if (locationId === CENTRAL) return { id: CENTRAL, name: CENTRAL_NAME, code: CENTRAL_NAME }
  const store = await getStore(locationId)
  if (!store) throw new AppError('NOT_FOUND', '门店不存在', 'locationId')
  return { id: store._id, name: store.name, code: store.code }
}

/**
 * Sets the shelf count of a product at one place (a stocktake), keeping what unpaid orders hold.
 * Returns the row as written. Up to a few round trips: read, one conditional write, and a retry
 * only when an order moved the row in between.
 */
export async function setStockLevel(
  ctx: InvocationContext,
  input: { productId: string; locationId: string; quantity: number },
  known?: { location: { id: string; name: string; code: string } },
): Promise<StockRowView> {
  const [product, location] = await Promise.all([
    known ? null : requireProduct(input.productId),
    known ? known.location : locationOf(input.locationId),
  ])
  const productId = product?._id ?? input.productId
  const id = stockId(productId, location.id)
  const _ = database().command
  for (let attempt = 0; attempt < 10; attempt++) {
    const now = ctx.clock.now()
    const current = await stock().get(id)
    if (!current) {
      const row: StockDoc = {
        _id: id,
        productId,
        locationId: location.id,
        available: input.quantity,
        reserved: 0,
        updatedAt: now,
      }
      // An order cannot reserve a row that does not exist, but another set may have made it: then set that one.
      if ((await stock().insertOnce(row)).inserted) return stockRow(productId, location, row)
      continue
    }
    const next = afterSet(current, input.quantity)
    if (!next)
      throw new AppError(
        'CONFLICT',
        belowReservedMessage(current.reserved, input.quantity),
        'quantity',
      )
    // Guarantee: a compare-and-set on both counts. An order reserving or releasing, a payment
    // turning a hold into a sale, or another set between the read and this write changes them, so
    // this matches nothing and the set reads again; the holds of open orders are never
    // overwritten and `available` is never below zero. (An order's transaction that read the row
    // before this write fails its own write with a conflict and retries against the new count.)
    const set = await stock().updateIf(
      { _id: id, available: current.available, reserved: current.reserved },
      { available: next.available, updatedAt: now },
    )
    if (set) return stockRow(productId, location, { ...current, ...next, updatedAt: now })
  }
  throw new AppError('CONFLICT', '库存正在变动，请稍后重试')
}

/** Locations by what a stock file calls them: a store code, or 中央仓 / central. */
export async function stockLocationsByCode(
  codes: string[],
): Promise<Map<string, { id: string; name: string; code: string; closed: boolean }>> {
  const _ = database().command
  const out = new Map<string, { id: string; name: string; code: string; closed: boolean }>()
  const storeCodes = codes.filter((c) => c !== CENTRAL)
  for (let i = 0; i < storeCodes.length; i += 1000) {
    const found = await collection(COLLECTIONS.stores).find(
      { code: _.in(storeCodes.slice(i, i + 1000)) },
      { fields: ['code', 'name', 'status'], limit: 1000 },
    )
    for (const s of found)
      out.set(s.code, { id: s._id, name: s.name, code: s.code, closed: s.status !== 'active' })
  }
  if (codes.includes(CENTRAL))
    out.set(CENTRAL, { id: CENTRAL, name: CENTRAL_NAME, code: CENTRAL_NAME, closed: false })
  return out
}

/** Which of these product ids exist (a stock file names products by id). */
export async function existingProductIds(ids: string[]): Promise<Set<string>> {
  const _ = database().command
  const out = new Set<string>()
  for (let i = 0; i < ids.length; i += 1000) {
    const found = await products().find(
      { _id: _.in(ids.slice(i, i + 1000)) },
      { fields: ['status'], limit: 1000 },
    )
    for (const p of found) out.add(p._id)
  }
  return out
}
