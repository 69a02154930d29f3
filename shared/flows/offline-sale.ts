/**
 * Offline sales at the till: the clerk scans the member's dynamic code and books the amount and
 * receipt number; the member earns points and their attributed clerk earns commission, exactly as
 * for an online order, and the selling store is recorded. Within the refund window a clerk of the
 * selling store (or HQ) voids a sale by its receipt number: its points and commission go back.
 */
import { COLLECTIONS } from '../collections'
import { createHash } from 'node:crypto'
import { collection } from '../platform/db/collection'
import type { OfflineSaleDoc, OfflineSaleRefusalDoc } from '../shop/documents'
import type { MemberDoc } from '../membership/documents'
import type { ClerkDoc } from '../staff/documents'
import { AppError } from '../platform/errors'
import { formatShanghaiMinute, shanghaiDay } from '../platform/calendar'
import { insideRefundWindow, settleAfterFor } from '../commission/rules/commission'
import { database } from '../platform/runtime/cloudbase'
import type { InvocationContext } from '../platform/runtime/define-function'
import { unlessDuplicate, withTransaction, type Transaction } from '../platform/runtime/transaction'
import { returnCoupon, useCouponForSaleInTx } from '../coupons/coupon-use'
import { loadCommissionRules } from '../commission/lookups'
import { bookCommission, reverseCommission } from '../commission/commission-service'
import { newDocId } from '../platform/ids'
import { creditPurchasePoints, reversePurchasePoints } from '../points/points-account-service'
import { requireStaff } from '../staff/lookups'
import { isCouponCode } from '../coupons/rules/coupon-code'
import { resolveTillCode } from './till-code'
import { loadShopRules } from '../shop/lookups'
import { yuan } from '../shop/rules/shop-rules'

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
    grossFen: sale.grossFen ?? sale.amountFen,
    discountFen: sale.coupon?.discountFen ?? 0,
    coupon: sale.coupon
      ? { couponId: sale.coupon.couponId, name: sale.coupon.name, giftName: sale.coupon.giftName }
      : null,
    receiptNo: sale.receiptNo,
    storeId: sale.storeId,
    pointsEarned,
    at: sale.at.toISOString(),
  }
}

/** What the till checks before sending: HQ's per-receipt ceiling and when to ask for confirmation. */
export async function tillRules() {
  const rules = await loadShopRules()
  return {
    receiptLimitFen: rules.offlineReceiptLimitFen,
    confirmAboveFen: rules.offlineConfirmAboveFen,
  }
}

/**
 * Books a sale at the clerk's store for the member whose code was scanned.
 *
 * Guarantees: the code's use and the sale are created in one transaction, each guarded by a
 * unique index (`memberCodeUses.code`, `offlineSales.storeId+receiptNo`), so a code books one sale
 * and a receipt number counts once per store, however many scans or taps arrive at once. The same
 * request repeated (same code, receipt and amount) answers the sale already booked.
 *
 * Refused (and kept for HQ review, listRefusedSales): a sale to the clerk's own card (the same
 * WeChat identity), a receipt over HQ's per-receipt ceiling, and a sale that would take the
 * clerk's Asia/Shanghai day over HQ's per-clerk daily ceiling. The day's total lives in one
 * document per clerk and day, read and advanced inside the sale's transaction, so concurrent
 * sales never book more than the ceiling together.
 *
 * With a coupon (`couponId`, one of the member's, usable in this store at the till), `amountFen`
 * is the receipt before it: the coupon is used in the sale's own transaction
 * (coupons/coupon-use.ts), so a coupon is used by one sale or order at most, and the amount booked
 * (points, commission, the clerk's day) is what the member paid after the discount.
 */
export async function recordSale(
  ctx: InvocationContext,
  input: { memberCode: string; amountFen: number; receiptNo: string; couponId?: string },
) {
  const [clerk, rules] = await Promise.all([requireStaff(ctx), loadShopRules()])
  const receiptNo = input.receiptNo.trim()
  const existing = await saleByReceipt(clerk.storeId, receiptNo)
  // A coupon code's sale uses the coupon it names (couponId, when sent, must be that one).
  const byCouponCode = isCouponCode(input.memberCode)
  const sameSale = (s: OfflineSaleDoc) =>
    s.memberCode === input.memberCode &&
    (s.grossFen ?? s.amountFen) === input.amountFen &&
    (s.coupon?.couponId ?? null) ===
      (input.couponId ?? (byCouponCode ? (s.coupon?.couponId ?? null) : null))
  if (existing) {
    if (!sameSale(existing)) throw receiptTaken(existing)
    return view(existing, await bookEffects(ctx, existing))
  }
  const scanned = await resolveTillCode(ctx, input.memberCode)
  const member = scanned.member
  if (scanned.coupon && input.couponId && input.couponId !== scanned.coupon._id)
    throw new AppError('INVALID_INPUT', '所选优惠券与顾客出示的券码不符，请重新扫描', 'couponId')
  const couponId = scanned.coupon?._id ?? input.couponId
  const now = ctx.clock.now()
  const attempt = { ctx, clerk, member, input: { ...input, receiptNo }, now }
  if (isOwnCard(ctx, clerk, member))
    await refuse(attempt, 'ownCard', '店员不能给自己（或同一微信身份）的会员卡登记消费', null)
  if (input.amountFen > rules.offlineReceiptLimitFen)
    await refuse(
      attempt,
      'receiptLimit',
      `单张小票金额 ¥${yuan(input.amountFen)} 超过总部设定的单笔上限 ¥${yuan(rules.offlineReceiptLimitFen)}，已提交总部核查`,
      rules.offlineReceiptLimitFen,
    )
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
  const dayId = await ensureClerkDay(clerk._id, now)
  // The member code's and the receipt's unique keys: of two racing scans one books the sale.
  const booked = await unlessDuplicate(
    () =>
      withTransaction(database(), async (t) => {
        // The clerk's day total is read and advanced in the sale's own transaction: two sales
        // that both read the old total conflict at the write, and the loser retries and sees it.
        if (couponId) await applySaleCouponInTx(t, sale, couponId, input.amountFen, now)
        const days = collection(COLLECTIONS.offlineSaleDays, t)
        const day = await days.get(dayId)
        const bookedFen = day?.totalFen ?? 0
        if (bookedFen + sale.amountFen > rules.offlineClerkDailyLimitFen)
          throw new DailyLimitReached(bookedFen)
        await days.update(dayId, {
          totalFen: bookedFen + sale.amountFen,
          sales: (day?.sales ?? 0) + 1,
        })
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
  ).catch((err: unknown) => {
    if (!(err instanceof DailyLimitReached)) throw err
    return refuse(
      attempt,
      'dailyLimit',
      `今日已登记 ¥${yuan(err.bookedFen)}，加上本单 ¥${yuan(input.amountFen)} 超过总部设定的每位店员每日上限 ¥${yuan(rules.offlineClerkDailyLimitFen)}，已提交总部核查`,
      rules.offlineClerkDailyLimitFen,
      err.bookedFen,
    )
  })
  if (!booked) {
    const raced = await saleByReceipt(clerk.storeId, receiptNo)
    if (raced) {
      if (sameSale(raced)) return view(raced, await bookEffects(ctx, raced))
      throw receiptTaken(raced)
    }
    throw new AppError(
      'CONFLICT',
      byCouponCode
        ? '该券码已使用过，请顾客刷新券码后重新扫描'
        : '该会员码已使用过，请顾客刷新会员码后重新扫描',
      'memberCode',
    )
  }
  return view(sale, await bookEffects(ctx, sale))
}

/** Inside the sale's transaction: the coupon is used by the sale, and the sale books what is paid. */
async function applySaleCouponInTx(
  t: Transaction,
  sale: OfflineSaleDoc,
  couponId: string,
  grossFen: number,
  now: Date,
): Promise<void> {
  const { coupon, discountFen } = await useCouponForSaleInTx(t, {
    couponId,
    memberId: sale.memberId,
    saleId: sale._id,
    storeId: sale.storeId,
    use: { channel: 'offline', storeId: sale.storeId, lines: null, amountFen: grossFen },
    now,
  })
  sale.grossFen = grossFen
  sale.amountFen = grossFen - discountFen
  sale.coupon = { couponId, name: coupon.terms.name, discountFen, giftName: coupon.terms.giftName }
}

class DailyLimitReached extends Error {
  constructor(readonly bookedFen: number) {
    super('daily limit reached')
  }
}

/** The member card is the clerk's own: the same WeChat identity (openid, or unionid when the caller has one). */
function isOwnCard(ctx: InvocationContext, clerk: ClerkDoc, member: MemberDoc): boolean {
  if (member.openid && (member.openid === clerk.openid || member.openid === ctx.caller.openid))
    return true
  return !!member.unionid && member.unionid === ctx.caller.unionid
}

/** The clerk's counter for the day, created once (a concurrent creator wins; both go on). */
async function ensureClerkDay(clerkId: string, now: Date): Promise<string> {
  const day = shanghaiDay(now)
  const _id = `${clerkId}:${day}`
  await collection(COLLECTIONS.offlineSaleDays).insertOnce({
    _id,
    clerkId,
    day,
    totalFen: 0,
    sales: 0,
  })
  return _id
}

interface SaleAttempt {
  ctx: InvocationContext
  clerk: ClerkDoc
  member: MemberDoc
  input: { memberCode: string; amountFen: number; receiptNo: string }
  now: Date
}

/**
 * Refuses a sale: kept for HQ review (once per scanned code and receipt, however often the clerk
 * retries), then the clerk is told which rule refused it.
 */
async function refuse(
  attempt: SaleAttempt,
  reason: OfflineSaleRefusalDoc['reason'],
  message: string,
  limitFen: number | null,
  bookedTodayFen?: number,
): Promise<never> {
  const { clerk, member, input, now } = attempt
  const refusal: OfflineSaleRefusalDoc = {
    _id: createHash('sha256')
      .update(`${clerk.storeId}\n${input.receiptNo}\n${input.memberCode}\n${input.amountFen}`)
      .digest('hex')
      .slice(0, 32),
    reason,
    message,
    clerkId: clerk._id,
    clerkName: clerk.name,
    storeId: clerk.storeId,
    memberId: member._id,
    memberNo: member.memberNo,
    amountFen: input.amountFen,
    receiptNo: input.receiptNo,
    limitFen,
    ...(bookedTodayFen !== undefined ? { bookedTodayFen } : {}),
    at: now,
  }
  await collection(COLLECTIONS.offlineSaleRefusals).insertOnce(refusal)
  throw new AppError(
    reason === 'ownCard' ? 'FORBIDDEN' : 'CONFLICT',
    message,
    reason === 'ownCard' ? 'memberCode' : 'amountFen',
  )
}

/** HQ's review list of refused sales, newest first. */
export async function listRefusedSales(input: { limit?: number }) {
  const refusals = await collection(COLLECTIONS.offlineSaleRefusals).find(
    {},
    { orderBy: ['at', 'desc'], limit: Math.min(input.limit ?? 100, 200) },
  )
  return {
    items: refusals.map((r) => ({
      refusalId: r._id,
      reason: r.reason,
      message: r.message,
      clerkId: r.clerkId,
      clerkName: r.clerkName,
      storeId: r.storeId,
      memberNo: r.memberNo,
      amountFen: r.amountFen,
      receiptNo: r.receiptNo,
      limitFen: r.limitFen,
      at: new Date(r.at).toISOString(),
    })),
  }
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
  // A voided sale is a full refund: its coupon comes back while still valid (once: returnCoupon).
  if (sale.coupon)
    await returnCoupon(sale.coupon.couponId, { kind: 'sale', id: sale._id }, ctx.clock.now())
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
