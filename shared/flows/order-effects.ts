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
import { stockId } from '../shop/rules/shop'
import { useOrderCoupon, useOrderCouponInTx } from './coupon-orders'

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
 * refund is applied. Every step acts once by itself, so the steps run side by side, and any
 * number of runs, concurrent or after a crash halfway, have one effect:
 * - points: one transaction whose ledger entry `order:<id>:earn` has an id derived from its key
 *   (a repeat is a duplicate write and changes nothing), with the tier and lastPurchaseAt;
 * - commission: a pending entry `order:<id>:commission` for the attribution frozen at payment
 *   (its id is its key: inserted once);
 * - stock: each line's hold leaves `reserved` by a conditional update that removes the hold
 *   (only while the order still has it), so the reservation becomes a sale once;
 * - coupon: locked by this order → used, one conditional update on the coupon;
 * - last, the order's own conditional update clears `effectsDueAt` (only while it is set). A run
 *   that dies before it leaves the order due, and the next run finds each step done. If the order
 *   was handed over before that update, the refund window starts on the entry (once: only while
 *   it has none); a handover after it finds the entry there (startRefundWindow), since both write
 *   the order and the entry was inserted first.
 * Orders reserved before holds existed (no `stockHolds`) settle their stock in one transaction
 * with the order's update instead, as they always did.
 *
 * The member's read of the order (`scope: 'points'`) does what the member sees: it credits the
 * points, marking the order (`pointsCreditedAt`) in the points' transaction so neither later
 * reads nor the timer credit them again, and uses the order's coupon (one more round trip, for
 * an order with one); the timer finishes the rest within the minute.
 *
 * Round trips (a one-line pickup order, warm instance): points 4 (its transaction: start, the
 * member's conditional update, the entry, commit; 5 with the order's mark), commission 1,
 * stock 1, order 1.
 */
export async function applyPaidEffects(
  ctx: InvocationContext,
  order: OrderDoc,
  scope: 'all' | 'points' = 'all',
): Promise<void> {
  if (!order.effectsDueAt) return
  const paidAt = order.paidAt ?? ctx.clock.now()
  const now = ctx.clock.now()
  const credit = (alsoInTx?: (t: Transaction) => Promise<void>) =>
    order.memberId && !order.pointsCreditedAt
      ? creditPurchasePoints(
          ctx,
          {
            memberId: order.memberId,
            orderId: order._id,
            paidFen: order.totalFen,
            at: paidAt,
            ...(order.paidTier ? { tier: order.paidTier } : {}),
          },
          alsoInTx,
        ).catch(skipGoneMember(ctx, order))
      : undefined
  if (scope === 'points') {
    // The member's read: what they see follows now, their points (with the order marked in the
    // same transaction, so later reads skip them) and their coupon used; the rest is bookkeeping
    // nobody waits for (commission, the stock's hold), left to the timer.
    const results = await Promise.allSettled([
      credit(async (t) => {
        await collection(COLLECTIONS.orders, t).update(order._id, { pointsCreditedAt: now })
      }),
      order.pointsCreditedAt ? undefined : useOrderCoupon(order, now),
    ])
    for (const r of results) if (r.status === 'rejected') throw r.reason
    return
  }
  const rules = await loadCommissionRules()
  const points = credit()
  const from = refundWindowFrom(order)
  const commission = order.attribution
    ? bookCommission(
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
    : undefined
  const sale = order.stockHolds
    ? Promise.all(order.items.map((line) => sellHold(order, line.productId, line.qty, now)))
    : undefined
  // (An order reserved without holds also has its coupon used in its transaction: a no-op then.)
  const coupon = useOrderCoupon(order, now)
  // allSettled first: no step is abandoned half way because another failed; then the first error.
  const results = await Promise.allSettled([points, commission, sale, coupon])
  for (const r of results) if (r.status === 'rejected') throw r.reason
  if (!order.stockHolds) {
    await finishWithoutHolds(order, rules, now)
    return
  }
  const _ = database().command
  const done = await orders().updateAndReturn(
    { _id: order._id, effectsDueAt: _.neq(null) },
    { effectsDueAt: null, paidEffectsAt: now },
  )
  // Handed over before the update above: the window starts here (whether or not the entry was
  // inserted with it, by this run or an earlier one that died).
  if (done && order.attribution) {
    const handedOver = refundWindowFrom(done)
    if (handedOver)
      await collection(COLLECTIONS.commissionLedger).updateIf(
        {
          _id: commissionEntryId(saleCommissionKey({ kind: 'order', id: order._id })),
          settleAfter: null,
        },
        { settleAfter: settleAfterFor(handedOver, rules) },
      )
  }
}

/** The order's hold on one stock document becomes a sale (once: only while the hold is there). */
async function sellHold(order: OrderDoc, productId: string, qty: number, now: Date) {
  const _ = database().command
  await collection(COLLECTIONS.stock).updateIf(
    {
      _id: stockId(productId, order.locationId),
      [`holds.${order._id}`]: _.exists(true),
    },
    {
      reserved: _.inc(-qty),
      [`holds.${order._id}`]: _.remove(),
      [`holdsAt.${order._id}`]: _.remove(),
      updatedAt: now,
    },
  )
}

/**
 * An order reserved without holds: one transaction re-reads the order and, while its effects
 * are still due, turns its reservation into a sale, starts the refund window if it was handed
 * over, uses its coupon and marks the effects done. The order's own transition makes it act once.
 */
async function finishWithoutHolds(order: OrderDoc, rules: CommissionRules, now: Date) {
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
