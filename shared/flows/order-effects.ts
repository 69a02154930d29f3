/**
 * What a paid order earns once it is paid: the member's points and the attributed clerk's
 * commission, and the start of the commission's refund window at handover. Applied after the
 * payment notification (by the next read or the timer), each step once by its idempotency key.
 */
import { COLLECTIONS } from '../collections'
import { collection } from '../platform/db/collection'
import type { OrderDoc } from '../shop/documents'
import { AppError } from '../platform/errors'
import { settleAfterFor, type CommissionRules } from '../commission/rules/commission'
import { database } from '../platform/runtime/cloudbase'
import type { InvocationContext } from '../platform/runtime/define-function'
import { withTransaction, type Transaction } from '../platform/runtime/transaction'
import { commissionEntryId, saleCommissionKey } from '../commission/rules/commission'
import { loadCommissionRules } from '../commission/lookups'
import { bookCommission } from '../commission/commission-service'
import { creditPurchasePoints } from '../points/points-account-service'
import { orders, settleHolds } from '../shop/orders'
import { useOrderCouponInTx } from './coupon-orders'

/**
 * A member who deleted their account (or an order that never earned points) has no points to
 * move: that must not keep the effects due forever.
 */
export function skipGoneMember(ctx: InvocationContext, order: OrderDoc) {
  return (err: unknown) => {
    if (!(err instanceof AppError && err.code === 'NOT_FOUND')) throw err
    process.stderr.write(
      `${JSON.stringify({ fn: ctx.fn, action: ctx.action, requestId: ctx.requestId, orderId: order._id, skipped: 'points', reason: err.message })}\n`,
    )
  }
}

/** When the commission's refund window starts: the order's pickup or delivery (null until then). */
const refundWindowFrom = (order: OrderDoc): Date | null =>
  order.pickedUpAt ?? order.deliveredAt ?? null

/**
 * Inside a transaction that has read `order` (after its pickup or delivery): starts the refund
 * window of its commission entry if the entry exists and has none yet. Whichever of the handover
 * and the after-payment effects commits second finds the entry and the handover together (both
 * write the order, so they serialise), so the window starts exactly once.
 */
export async function startRefundWindow(
  t: Transaction,
  order: OrderDoc,
  rules: CommissionRules,
): Promise<void> {
  const from = refundWindowFrom(order)
  if (!from || !order.attribution) return
  const entryId = commissionEntryId(saleCommissionKey({ kind: 'order', id: order._id }))
  const entry = await collection(COLLECTIONS.commissionLedger, t).get(entryId)
  if (entry && entry.settleAfter === null)
    await collection(COLLECTIONS.commissionLedger, t).update(entryId, {
      settleAfter: settleAfterFor(from, rules),
    })
}

/**
 * What follows an order's payment, off the notification's path: it runs until it has finished
 * once, from the `applyOrderEffects` timer (every minute) and from the next read of the order by
 * the member (the mini-program polls it after paying) or by a clerk at the counter, and before a
 * refund is applied. Each step is idempotent by its own key, so any number of runs, concurrent or
 * after a crash halfway, have one effect:
 * - points: `order:<id>:earn` on the paid amount, with the tier and lastPurchaseAt (points module);
 * - commission: a pending entry `order:<id>:commission` for the attribution frozen at payment;
 * - finally one transaction that re-reads the order: the reservation becomes a sale (stock's
 *   hold leaves `reserved`), the refund window starts if the order was already handed over, and
 *   the effects are marked done. The order's own transition makes that transaction act once.
 */
export async function applyPaidEffects(ctx: InvocationContext, order: OrderDoc): Promise<void> {
  if (!order.effectsDueAt) return
  const paidAt = order.paidAt ?? ctx.clock.now()
  const rules = await loadCommissionRules()
  if (order.memberId) {
    await creditPurchasePoints(ctx, {
      memberId: order.memberId,
      orderId: order._id,
      paidFen: order.totalFen,
      at: paidAt,
    }).catch(skipGoneMember(ctx, order))
  }
  if (order.attribution) {
    const from = refundWindowFrom(order)
    await bookCommission(
      ctx,
      {
        source: { kind: 'order', id: order._id },
        channel: 'online',
        memberId: order.memberId,
        attribution: order.attribution,
        sellingStoreId: order.storeId,
        baseFen: order.totalFen,
        at: paidAt,
        settleAfter: from ? settleAfterFor(from, rules) : null,
      },
      rules,
    )
  }
  const now = ctx.clock.now()
  await withTransaction(database(), async (t) => {
    const fresh = await collection(COLLECTIONS.orders, t).get(order._id)
    if (!fresh?.effectsDueAt) return
    const current = { ...fresh, _id: order._id }
    await settleHolds(t, current, 'sold', now)
    await startRefundWindow(t, current, rules)
    await collection(COLLECTIONS.orders, t).update(order._id, {
      effectsDueAt: null,
      paidEffectsAt: now,
    })
    await useOrderCouponInTx(t, current, now)
  })
}

/**
 * Timer `applyOrderEffects` (every minute): the after-payment effects nobody has read the order
 * for yet, oldest first, `parallel` orders at a time, batch after batch until none are due or the
 * time budget is spent (the function's timeout is 20 s). One failure does not stop the others: it
 * stays due for the next run, and this run does not pick it again.
 */
export async function applyDueOrderEffects(
  ctx: InvocationContext,
  options: { batch?: number; budgetMs?: number; parallel?: number } = {},
): Promise<{ applied: number; failed: number; more: boolean }> {
  const _ = database().command
  const { handled, failed, more } = await orders().sweepDue(
    { effectsDueAt: _.lte(ctx.clock.now()) },
    {
      orderBy: ['effectsDueAt', 'asc'],
      batch: options.batch ?? 100,
      budgetMs: options.budgetMs ?? 15_000,
      parallel: options.parallel ?? 4,
      onError: (order, err) =>
        process.stderr.write(
          `${JSON.stringify({ fn: ctx.fn, action: ctx.action, requestId: ctx.requestId, orderId: order._id, error: (err as Error).message })}\n`,
        ),
    },
    (order) => applyPaidEffects(ctx, order),
  )
  return { applied: handled, failed, more }
}
