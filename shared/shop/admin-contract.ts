/**
 * HQ's products, stock and offline sales on the `admin` function (joined into hq/contract.ts):
 * the console's 商品与库存 and 线下销售 pages.
 */
import { z } from 'zod'
import { lazyActions, onFirstUse } from '../platform/contract/lazy-actions'
import { docId, isoDate } from '../platform/contract/common'
import { MAX_PRODUCT_IMAGE_BYTES, MAX_PRODUCT_IMAGES } from './rules/product-images'
import { MAX_STOCK_QUANTITY } from './rules/stock'

const shanghaiDay = onFirstUse(() =>
  z.string().regex(/^\d{4}-\d{2}-\d{2}$/, '日期格式应为 YYYY-MM-DD'),
)

const productFields = onFirstUse(() => ({
  name: z
    .string()
    .trim()
    .min(1, '请填写商品名称')
    .max(40, '商品名称不能超过 40 个字')
    .describe('商品名称'),
  description: z.string().trim().max(1000, '商品介绍不能超过 1000 个字').describe('商品介绍'),
  /** One price online and in every store, in fen (the console shows and takes yuan). */
  priceFen: z
    .number()
    .int('价格最多两位小数')
    .min(1, '价格至少 ¥0.01')
    .max(100_000_000, '价格不能超过 ¥1,000,000')
    .describe('价格'),
  status: z.enum(['active', 'inactive']).describe('状态'),
  sort: z
    .number()
    .int('排序应为整数')
    .min(0, '排序不能小于 0')
    .max(1_000_000, '排序不能超过 1000000')
    .describe('排序'),
  /** Storage file ids from `uploadProductImage`; the first is the cover. */
  images: z
    .array(z.string().max(1024))
    .max(MAX_PRODUCT_IMAGES, `最多 ${MAX_PRODUCT_IMAGES} 张图片`)
    .describe('商品图片'),
}))

/** `central` (the warehouse that ships deliveries) or a store id. */
const locationId = onFirstUse(() => docId)

const quantity = onFirstUse(() =>
  z
    .number()
    .int('库存应为整数')
    .min(0, '库存不能小于 0')
    .max(MAX_STOCK_QUANTITY, `库存不能超过 ${MAX_STOCK_QUANTITY}`),
)

export const productStatusView = onFirstUse(() =>
  z.object({
    status: z.enum(['active', 'inactive']),
    statusLabel: z.string(),
  }),
)

export const adminProductView = onFirstUse(() =>
  z.object({
    productId: z.string(),
    name: z.string(),
    description: z.string(),
    priceFen: z.number().int(),
    status: z.enum(['active', 'inactive']),
    /** 在售 / 已下架 */
    statusLabel: z.string(),
    sort: z.number().int(),
    images: z.array(z.object({ fileId: z.string(), url: z.string() })),
    /** On the shelf (orderable plus held by unpaid orders), summed: central and all stores. */
    stock: z.object({
      central: z.number().int(),
      stores: z.number().int(),
      reserved: z.number().int(),
    }),
    createdAt: isoDate,
    updatedAt: isoDate,
  }),
)

export const stockRowView = onFirstUse(() =>
  z.object({
    productId: z.string(),
    locationId: z.string(),
    /** 中央仓, or the store's name. */
    locationName: z.string(),
    /** The store's code; 中央仓 for the warehouse. */
    locationCode: z.string(),
    onHand: z.number().int(),
    available: z.number().int(),
    reserved: z.number().int(),
    updatedAt: isoDate.nullable(),
  }),
)

export const offlineSaleRow = onFirstUse(() =>
  z.object({
    saleId: z.string(),
    at: isoDate,
    storeId: z.string(),
    storeName: z.string(),
    clerkName: z.string(),
    memberNo: z.string(),
    amountFen: z.number().int(),
    receiptNo: z.string(),
    status: z.enum(['valid', 'voided']),
    /** 有效 / 已作废 */
    statusLabel: z.string(),
    /** What HQ may do with it now: void (an HQ admin, not voided, inside the refund window). */
    actions: z.array(z.enum(['void'])),
    voided: z.object({ at: isoDate, by: z.string(), reason: z.string() }).nullable(),
  }),
)

export const shopAdminInput = lazyActions({
  /** Products for the console, in the shop's order (sort, then newest), with stock totals. */
  listProducts: () =>
    z.strictObject({
      status: z.enum(['active', 'inactive']).optional(),
      search: z.string().trim().max(40).optional(),
    }),
  /** One product's stock at the central warehouse and every store (stores without a row show 0). */
  productStock: () => z.strictObject({ productId: docId }),
  createProduct: () =>
    z.strictObject({
      ...productFields(),
      description: productFields().description.default(''),
      status: productFields().status.default('active'),
      sort: productFields().sort.default(100),
      images: productFields().images.default([]),
    }),
  updateProduct: () =>
    z.strictObject({
      productId: docId,
      name: productFields().name.optional(),
      description: productFields().description.optional(),
      priceFen: productFields().priceFen.optional(),
      status: productFields().status.optional(),
      sort: productFields().sort.optional(),
      images: productFields().images.optional(),
    }),
  /** Sets the shelf count at one place; never below what unpaid orders hold there. */
  setStock: () =>
    z.strictObject({
      productId: docId,
      locationId: locationId(),
      quantity: quantity().describe('库存'),
    }),
  /** Stores one product image (PNG or JPEG, base64) and answers its file id for create/update. */
  uploadProductImage: () =>
    z.strictObject({
      contentType: z.enum(['image/png', 'image/jpeg'], '图片只能是 PNG 或 JPG'),
      dataBase64: z
        .string()
        .min(1, '图片是空的')
        .max(
          Math.ceil(MAX_PRODUCT_IMAGE_BYTES / 3) * 4,
          `图片不能超过 ${MAX_PRODUCT_IMAGE_BYTES / 1024} KB`,
        )
        .regex(/^[A-Za-z0-9+/]+={0,2}$/, '图片内容无法识别'),
    }),
  /** Offline sales, newest first; by store and Asia/Shanghai days; `search` a receipt or member number. */
  listOfflineSales: () =>
    z.strictObject({
      page: z.number().int().min(1).max(10_000).default(1),
      pageSize: z.number().int().min(1).max(100).default(20),
      storeId: docId.optional(),
      from: shanghaiDay().optional(),
      to: shanghaiDay().optional(),
      search: z.string().trim().max(40).optional(),
    }),
})

export const shopAdminOutput = lazyActions({
  listProducts: () => z.object({ items: z.array(adminProductView()) }),
  productStock: () => z.object({ productId: z.string(), rows: z.array(stockRowView()) }),
  createProduct: () => adminProductView(),
  updateProduct: () => adminProductView(),
  setStock: () => stockRowView(),
  uploadProductImage: () => z.object({ fileId: z.string(), url: z.string() }),
  listOfflineSales: () =>
    z.object({
      items: z.array(offlineSaleRow()),
      total: z.number().int(),
      page: z.number().int(),
      pageSize: z.number().int(),
    }),
})
