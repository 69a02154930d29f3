/**
 * The gift catalog and its stock: what members browse, and what HQ keeps (gifts, images,
 * prices, stock per store for pickup and central stock for mail).
 */
import { z } from 'zod'
import type { giftDetail, giftSummary } from '../points/contract'
import type { pointsAdminInput } from '../points/admin-contract'
import { COLLECTIONS } from '../collections'
import type { GiftDoc, GiftStockDoc } from './documents'
import { AppError } from '../platform/errors'
import { database } from '../platform/runtime/cloudbase'
import type { InvocationContext } from '../platform/runtime/define-function'
import { collection } from '../platform/db/collection'
import { getStore } from '../staff/lookups'
import { newDocId } from '../platform/ids'

type AdminInput<K extends keyof typeof pointsAdminInput> = z.output<(typeof pointsAdminInput)[K]>

export const CENTRAL = 'central'

export function stockIdOf(giftId: string, storeId: string | null): string {
  return `${giftId}_${storeId ?? CENTRAL}`
}

const gifts = () => collection(COLLECTIONS.gifts)
const stock = () => collection(COLLECTIONS.giftStock)

export async function getGift(giftId: string): Promise<GiftDoc | null> {
  return gifts().get(giftId)
}

async function stockOf(giftIds: string[]): Promise<GiftStockDoc[]> {
  if (giftIds.length === 0) return []
  return stock().find({ giftId: database().command.in(giftIds) }, { limit: 1000 })
}

function summaryOf(gift: GiftDoc, rows: GiftStockDoc[]): z.infer<typeof giftSummary> {
  const mine = rows.filter((r) => r.giftId === gift._id)
  return {
    giftId: gift._id,
    name: gift.name,
    description: gift.description,
    pointsPrice: gift.pointsPrice,
    images: gift.images,
    cover: gift.images[0] ?? null,
    fulfilments: gift.fulfilments,
    shippingFeeFen: gift.shippingFeeFen,
    pickupAvailable: gift.fulfilments.includes('pickup')
      ? mine.filter((r) => r.storeId !== null).reduce((sum, r) => sum + r.available, 0)
      : 0,
    mailAvailable: gift.fulfilments.includes('mail')
      ? (mine.find((r) => r.storeId === null)?.available ?? 0)
      : 0,
    couponTemplateId: gift.couponTemplateId ?? null,
    // The coupon's terms are added by flows/coupon-exchange.ts (withCouponTerms).
    coupon: null,
  }
}

/** The catalog: active gifts in HQ's order with what is available. Two round trips. */
export async function listCatalog(): Promise<z.infer<typeof giftSummary>[]> {
  const active = await gifts().find(
    { status: 'active' },
    {
      orderBy: [
        ['sort', 'asc'],
        ['createdAt', 'desc'],
      ],
      limit: 200,
    },
  )
  const rows = await stockOf(active.map((g) => g._id))
  return active.map((gift) => summaryOf(gift, rows))
}

/** One gift with the stores that hold it for pickup (active stores only). Three round trips. */
export async function catalogGift(giftId: string): Promise<z.infer<typeof giftDetail>> {
  const gift = await getGift(giftId)
  if (!gift || gift.status !== 'active') throw new AppError('NOT_FOUND', '该礼品不存在或已下架')
  const rows = await stockOf([gift._id])
  const storeIds = rows.filter((r) => r.storeId !== null).map((r) => r.storeId!)
  const stores = storeIds.length
    ? await collection(COLLECTIONS.stores).find(
        { _id: database().command.in(storeIds), status: 'active' },
        { limit: 1000 },
      )
    : []
  const byId = new Map(stores.map((s) => [s._id, s]))
  return {
    ...summaryOf(gift, rows),
    stores: gift.fulfilments.includes('pickup')
      ? rows
          .filter((r) => r.storeId !== null && byId.has(r.storeId))
          .map((r) => ({
            storeId: r.storeId!,
            storeName: byId.get(r.storeId!)!.name,
            address: byId.get(r.storeId!)!.address,
            available: r.available,
          }))
          .sort((a, b) => a.storeName.localeCompare(b.storeName, 'zh'))
      : [],
  }
}

// ------------------------------------------------------------------ HQ

function adminGiftView(gift: GiftDoc, rows: GiftStockDoc[], storeNames: Map<string, string>) {
  return {
    ...summaryOf(gift, rows),
    status: gift.status,
    sort: gift.sort,
    stock: rows
      .filter((r) => r.giftId === gift._id)
      .map((r) => ({
        storeId: r.storeId,
        storeName: r.storeId ? (storeNames.get(r.storeId) ?? '') : '中央仓',
        available: r.available,
      })),
    createdAt: gift.createdAt.toISOString(),
    updatedAt: gift.updatedAt.toISOString(),
  }
}

export async function listGiftsForAdmin(input: AdminInput<'listGifts'>) {
  const where = input.status ? { status: input.status } : {}
  const list = await gifts().find(where, {
    orderBy: [
      ['sort', 'asc'],
      ['createdAt', 'desc'],
    ],
    limit: 500,
  })
  const rows = await stockOf(list.map((g) => g._id))
  const stores = await collection(COLLECTIONS.stores).find({}, { fields: ['name'], limit: 1000 })
  const names = new Map(stores.map((s) => [s._id, s.name]))
  return { items: list.map((gift) => adminGiftView(gift, rows, names)) }
}

/** Store stock serves pickup and central stock serves mail: a gift holds only what it offers. */
async function requireStockPlace(
  fulfilments: GiftDoc['fulfilments'],
  storeId: string | null,
  field: string,
): Promise<void> {
  if (storeId === null) {
    if (!fulfilments.includes('mail'))
      throw new AppError('INVALID_INPUT', '该礼品不支持邮寄，不能设置中央仓库存', field)
    return
  }
  if (!fulfilments.includes('pickup'))
    throw new AppError('INVALID_INPUT', '该礼品不支持到店自提，不能设置门店库存', field)
  const store = await getStore(storeId)
  if (!store) throw new AppError('NOT_FOUND', '门店不存在', field)
}

/** A stock row can be redeemed while the gift is on sale and offers that row's fulfilment. */
function rowActive(gift: Pick<GiftDoc, 'status' | 'fulfilments'>, storeId: string | null): boolean {
  return gift.status === 'active' && gift.fulfilments.includes(storeId === null ? 'mail' : 'pickup')
}

function stockRowFor(
  gift: GiftDoc,
  storeId: string | null,
  available: number,
  now: Date,
): GiftStockDoc {
  return {
    _id: stockIdOf(gift._id, storeId),
    giftId: gift._id,
    storeId,
    available,
    giftName: gift.name,
    pointsPrice: gift.pointsPrice,
    active: rowActive(gift, storeId),
    updatedAt: now,
  }
}

export async function createGift(ctx: InvocationContext, input: AdminInput<'createGift'>) {
  const now = ctx.clock.now()
  if (input.fulfilments.includes('coupon')) {
    // A coupon gift has no stock of its own: the template's total is what is left.
    const template = input.couponTemplateId
      ? await collection(COLLECTIONS.couponTemplates).get(input.couponTemplateId)
      : null
    if (!template) throw new AppError('INVALID_INPUT', '请选择要兑换的优惠券', 'couponTemplateId')
    if (template.status !== 'active')
      throw new AppError('INVALID_INPUT', '该优惠券已暂停发放', 'couponTemplateId')
  }
  for (const [i, row] of input.stock.entries())
    await requireStockPlace(input.fulfilments, row.storeId, `stock.${i}.storeId`)
  const gift: GiftDoc = {
    _id: newDocId(),
    name: input.name,
    description: input.description,
    pointsPrice: input.pointsPrice,
    images: input.images,
    fulfilments: input.fulfilments,
    shippingFeeFen: input.shippingFeeFen,
    couponTemplateId: input.fulfilments.includes('coupon') ? input.couponTemplateId! : null,
    status: 'active',
    sort: input.sort,
    createdAt: now,
    updatedAt: now,
  }
  await gifts().insert(gift)
  const rows = input.stock.map((row) => stockRowFor(gift, row.storeId, row.available, now))
  if (rows.length) await stock().insertMany(rows)
  const names = new Map<string, string>()
  for (const row of rows)
    if (row.storeId) names.set(row.storeId, (await getStore(row.storeId))?.name ?? '')
  return adminGiftView(gift, rows, names)
}

/**
 * Edits a gift. Name, price and whether each row can be redeemed are copied onto its stock rows
 * (what a redemption reads), right after the gift itself: a redemption racing with an edit pays
 * the price its stock row carried when it took the unit, and records that price.
 */
export async function updateGift(ctx: InvocationContext, input: AdminInput<'updateGift'>) {
  const gift = await getGift(input.giftId)
  if (!gift) throw new AppError('NOT_FOUND', '礼品不存在', 'giftId')
  const { giftId: _giftId, ...changes } = input
  if (
    changes.fulfilments !== undefined &&
    changes.fulfilments.includes('coupon') !== gift.fulfilments.includes('coupon')
  )
    throw new AppError(
      'INVALID_INPUT',
      '优惠券礼品和实物礼品不能互相转换，请新建礼品',
      'fulfilments',
    )
  const now = ctx.clock.now()
  const next: GiftDoc = { ...gift, ...changes, updatedAt: now }
  await gifts().update(gift._id, { ...changes, updatedAt: now })
  if (
    changes.name !== undefined ||
    changes.pointsPrice !== undefined ||
    changes.status !== undefined ||
    changes.fulfilments !== undefined
  ) {
    const copy = { giftName: next.name, pointsPrice: next.pointsPrice, updatedAt: now }
    const _ = database().command
    await stock().updateWhere(
      { giftId: gift._id, storeId: _.neq(null) },
      { ...copy, active: rowActive(next, 'store') },
    )
    await stock().updateWhere(
      { giftId: gift._id, storeId: null },
      { ...copy, active: rowActive(next, null) },
    )
  }
  const rows = await stockOf([gift._id])
  const names = new Map<string, string>()
  for (const row of rows)
    if (row.storeId) names.set(row.storeId, (await getStore(row.storeId))?.name ?? '')
  return adminGiftView(next, rows, names)
}

/**
 * Adds or removes stock at one place. Guarantee: one conditional increment, matched only while
 * the result stays at or above zero, so HQ's corrections and members' redemptions at the same
 * moment never take stock below zero nor lose an update. A place without a row yet gets one.
 */
export async function adjustGiftStock(
  ctx: InvocationContext,
  input: AdminInput<'adjustGiftStock'>,
) {
  const gift = await getGift(input.giftId)
  if (!gift) throw new AppError('NOT_FOUND', '礼品不存在', 'giftId')
  await requireStockPlace(gift.fulfilments, input.storeId, 'storeId')
  const _ = database().command
  const id = stockIdOf(gift._id, input.storeId)
  const now = ctx.clock.now()
  for (let attempt = 0; attempt < 3; attempt++) {
    const row = await stock().updateAndReturn(
      { _id: id, available: _.gte(Math.max(0, -input.delta)) },
      { available: _.inc(input.delta), updatedAt: now },
    )
    if (row) return { giftId: gift._id, storeId: input.storeId, available: row.available }
    const existing = await stock().get(id)
    if (existing) {
      if (existing.available + input.delta < 0)
        throw new AppError(
          'CONFLICT',
          `库存不足：当前 ${existing.available} 件，不能减少 ${-input.delta} 件`,
          'delta',
        )
      continue
    }
    if (input.delta < 0) throw new AppError('CONFLICT', '该地点还没有这件礼品的库存', 'delta')
    // A row created meanwhile by a concurrent adjustment: go round and increment it.
    const created = await stock().insertOnce(stockRowFor(gift, input.storeId, input.delta, now))
    if (created.inserted)
      return { giftId: gift._id, storeId: input.storeId, available: input.delta }
  }
  throw new AppError('CONFLICT', '库存正在变动，请重试')
}
