/**
 * Offline sales at the till: the clerk scans the member's dynamic code and books the amount and
 * receipt number; the member earns points and their attributed clerk earns commission, exactly as
 * for an online order, and the selling store is recorded. Within the refund window a clerk of the
 * selling store (or HQ) voids a sale by its receipt number: its points and commission go back.
 */
import { COLLECTIONS } from '../collections'
import { collection } from '../platform/db/collection'
import type { OfflineSaleDoc } from '../shop/documents'
import type { ClerkDoc } from '../staff/documents'
import { AppError } from '../platform/errors'
import { formatShanghaiMinute } from '../platform/calendar'
import { insideRefundWindow, settleAfterFor } from '../commission/rules/commission'
import { database } from '../platform/runtime/cloudbase'
import type { InvocationContext } from '../platform/runtime/define-function'
import { unlessDuplicate, withTransaction } from '../platform/runtime/transaction'
import { loadCommissionRules } from '../commission/lookups'
import { bookCommission, reverseCommission } from '../commission/commission-service'
import { newDocId } from '../platform/ids'
import { creditPurchasePoints, reversePurchasePoints } from '../points/points-account-service'
import { requireStaff } from '../staff/lookups'
import { resolveMemberCode } from '../staff/staff-service'

const sales = () => collection(COLLECTIONS.offlineSales)

async function saleByReceipt(storeId: string, receiptNo: string): Promise<OfflineSaleDoc | null> {
  return sales().findOne({ storeId, receiptNo })
}

function receiptTaken(sale: OfflineSaleDoc): AppError {
  return new AppError(
    'CONFLICT',
    `小票号 ${sale.receiptNo} 已于 ${formatShanghaiMinute(sale.at)} 由 ${sale.clerkName} 登记，不能重复登记`,
    'receiptNo',
  )
}

/**
 * Points and commission of a booked sale; idempotent by key (`order:<saleId>:earn`,
 * `offline:<saleId>:commission`), so a retried request completes what a crash left undone.
 */
async function bookEffects(ctx: InvocationContext, sale: OfflineSaleDoc): Promise<number> {
  const rules = await loadCommissionRules()
  const points = await creditPurchasePoints(ctx, {
    memberId: sale.memberId,
    orderId: sale._id,
    paidFen: sale.amountFen,
    at: sale.at,
  })
  await bookCommission(
    ctx,
    {
      source: { kind: 'offline', id: sale._id },
      channel: 'offline',
      memberId: sale.memberId,
      attribution: sale.attribution,
      sellingStoreId: sale.storeId,
      baseFen: sale.amountFen,
      at: sale.at,
      settleAfter: settleAfterFor(sale.at, rules),
    },
    rules,
  )
  if (!sale.effectsAt) await sales().update(sale._id, { effectsAt: ctx.clock.now() })
  return points.points
}

function view(sale: OfflineSaleDoc, pointsEarned: number) {
  return {
    saleId: sale._id,
    memberNo: sale.memberNo,
    amountFen: sale.amountFen,
    receiptNo: sale.receiptNo,
    storeId: sale.storeId,
    pointsEarned,
    at: sale.at.toISOString(),
  }
}

/**
 * Books a sale at the clerk's store for the member whose code was scanned.
 *
 * Guarantees: the code's use and the sale are created in one transaction, each guarded by a
 * unique index (`memberCodeUses.code`, `offlineSales.storeId+receiptNo`), so a code books one sale
 * and a receipt number counts once per store, however many scans or taps arrive at once. The same
 * request repeated (same code, receipt and amount) answers the sale already booked.
 */
export async function recordSale(
  ctx: InvocationContext,
  input: { memberCode: string; amountFen: number; receiptNo: string },
) {
  const clerk: ClerkDoc = await requireStaff(ctx)
  const receiptNo = input.receiptNo.trim()
  const existing = await saleByReceipt(clerk.storeId, receiptNo)
  if (existing) {
    if (existing.memberCode !== input.memberCode || existing.amountFen !== input.amountFen)
      throw receiptTaken(existing)
    return view(existing, await bookEffects(ctx, existing))
  }
  const member = await resolveMemberCode(ctx, input.memberCode)
  const now = ctx.clock.now()
  const sale: OfflineSaleDoc = {
    _id: newDocId(),
    memberId: member._id,
    memberNo: member.memberNo,
    amountFen: input.amountFen,
    receiptNo,
    storeId: clerk.storeId,
    clerkId: clerk._id,
    clerkName: clerk.name,
    attribution: { storeId: member.storeId, clerkId: member.clerkId },
    memberCode: input.memberCode,
    at: now,
    effectsAt: null,
  }
  // The member code's and the receipt's unique keys: of two racing scans one books the sale.
  const booked = await unlessDuplicate(
    () =>
      withTransaction(database(), async (t) => {
        await collection(COLLECTIONS.memberCodeUses, t).insert({
          _id: newDocId(),
          code: input.memberCode,
          memberId: member._id,
          saleId: sale._id,
          storeId: clerk.storeId,
          at: now,
        })
        await collection(COLLECTIONS.offlineSales, t).insert(sale)
        return true
      }),
    async () => false,
  )
  if (!booked) {
    const raced = await saleByReceipt(clerk.storeId, receiptNo)
    if (raced) {
      if (raced.memberCode === input.memberCode && raced.amountFen === input.amountFen)
        return view(raced, await bookEffects(ctx, raced))
      throw receiptTaken(raced)
    }
    throw new AppError('CONFLICT', '该会员码已使用过，请顾客刷新会员码后重新扫描', 'memberCode')
  }
  return view(sale, await bookEffects(ctx, sale))
}

// ------------------------------------------------------------------ voiding

/** The refund number a void uses in the points and commission ledgers (one void per sale). */
const VOID_REFUND_NO = 'void'

export interface VoidSaleInput {
  storeId: string
  receiptNo: string
  reason: string
  by: NonNullable<OfflineSaleDoc['voided']>['by']
}

/**
 * Voids a sale of `storeId` by its receipt number, within the refund window after the sale: the
 * points it earned are taken back (never below zero; a shortfall is recorded) and its commission
 * is cancelled. Voiding a voided sale again answers the same void.
 *
 * Guarantee: the sale becomes voided by one conditional update (`where({_id, voided: null})`), so
 * of concurrent voids one decides (and its reason and author are kept); every call then runs the
 * reversals, each idempotent by its key (`order:<saleId>:refund:void`, the commission entry's
 * `reversals`), so a void that crashed halfway is completed by the next call and nothing is
 * taken back twice. A sale whose own points and commission had not been booked yet gets them
 * first, so what is reversed always exists.
 */
export async function voidSale(ctx: InvocationContext, input: VoidSaleInput) {
  const receiptNo = input.receiptNo.trim()
  let sale = await saleByReceipt(input.storeId, receiptNo)
  if (!sale)
    throw new AppError('NOT_FOUND', `本店没有小票号为 ${receiptNo} 的会员消费记录`, 'receiptNo')
  if (!sale.voided) {
    const rules = await loadCommissionRules()
    const now = ctx.clock.now()
    if (!insideRefundWindow(settleAfterFor(sale.at, rules), now)) {
      throw new AppError(
        'CONFLICT',
        `小票 ${receiptNo} 登记于 ${formatShanghaiMinute(sale.at)}，已超过 ${rules.refundWindowDays} 天退货期，不能作废`,
      )
    }
    const voided = { at: now, by: input.by, reason: input.reason }
    const applied = await sales().updateIf({ _id: sale._id, voided: null }, { voided })
    sale = applied ? { ...sale, voided } : ((await saleByReceipt(input.storeId, receiptNo)) ?? sale)
  }
  if (!sale.effectsAt) await bookEffects(ctx, sale)
  const points = await reversePurchasePoints(ctx, {
    orderId: sale._id,
    refundId: VOID_REFUND_NO,
    refundFen: sale.amountFen,
    at: sale.voided!.at,
  })
  await reverseCommission(ctx, {
    source: { kind: 'offline', id: sale._id },
    refundNo: VOID_REFUND_NO,
    refundFen: sale.amountFen,
  })
  return {
    saleId: sale._id,
    receiptNo: sale.receiptNo,
    storeId: sale.storeId,
    amountFen: sale.amountFen,
    pointsTakenBack: points.points,
    pointsShortfall: points.shortfall,
    voidedAt: sale.voided!.at.toISOString(),
    voidedBy: sale.voided!.by.name,
    reason: sale.voided!.reason,
  }
}

/** A clerk (or manager) voids a sale of their own store: another store's receipts are not found. */
export async function voidSaleOfMyStore(
  ctx: InvocationContext,
  input: { receiptNo: string; reason: string },
) {
  const clerk = await requireStaff(ctx)
  return voidSale(ctx, {
    storeId: clerk.storeId,
    receiptNo: input.receiptNo,
    reason: input.reason,
    by: { kind: 'clerk', id: clerk._id, name: clerk.name },
  })
}
