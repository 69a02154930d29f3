/**
 * Mail redemptions: the member redeems a gift from the central stock, gives an address and pays
 * the gift's shipping fee with WeChat Pay; HQ ships it with a carrier and tracking number.
 *
 * awaitingPayment → awaitingShipment (paid) → shipped (HQ)
 * awaitingPayment → cancelled (unpaid after 15 minutes, or the member gives up): points and stock back
 *
 * Points and stock are taken exactly as for pickup (redemption-service.ts: one conditional update
 * each, the spend pending on the member until its entry and the redemption are written). This
 * service is the `redemption` payment owner (payment-owners.ts): it hears onPaid / onClosed /
 * onRefunded and never reads WeChat Pay itself; an unpaid redemption is only ever cancelled by
 * closing its payment first, so a payment can never succeed for a cancelled redemption.
 */
import { lifecycleActor } from '../hq/rules/roles'
import type { z } from 'zod'
import type { mailAddress } from '../points/contract'
import { COLLECTIONS } from '../collections'
import { collection } from '../platform/db/collection'
import type { RedemptionDoc } from '../gifts/documents'
import type { PendingSpend } from '../membership/documents'
import { AppError } from '../platform/errors'
import { formatShanghaiMinute } from '../platform/calendar'
import { MAIL_PAYMENT_WINDOW_MS } from '../points/rules/points'
import { isPaymentWindowOver } from '../shop/rules/shop'
import { database } from '../platform/runtime/cloudbase'
import type { InvocationContext } from '../platform/runtime/define-function'
import type { AdminSession } from '../hq/documents'
import { getGift, stockIdOf } from '../gifts/gift-service'
import { newDocId } from '../platform/ids'
import { requireOpenid } from '../platform/runtime/identity'
import { storeCardFor } from '../staff/lookups'
import type { PaymentOwner } from '../payments/owners'
import {
  closePayment,
  createPayment,
  paymentForPurpose,
  syncPayment,
} from '../payments/payment-service'
import { clearPendingSpend } from '../points/points-account-service'
import {
  cancelAndReturn,
  ownRedemption,
  redemptions,
  spendEntry,
  takePointsForUnit,
  takeStock,
  viewsOf,
  type RedemptionViewer,
} from './redemption'
import { canTransition, REDEMPTION_STATUS_LABELS } from '../gifts/lifecycle'

type MailAddress = z.output<ReturnType<typeof mailAddress>>

const ledger = () => collection(COLLECTIONS.pointsLedger)

async function getRedemption(redemptionId: string): Promise<RedemptionDoc | null> {
  return redemptions().get(redemptionId)
}

// ------------------------------------------------------------------ redeem

/**
 * Redeems a gift for mail: the gift is read (mail offered? its shipping fee), one unit of central
 * stock and the points are taken as for pickup, the spend entry and the redemption
 * (awaitingPayment, payable for 15 minutes) are written together, then the shipping fee's
 * payment is created. A gift shipped free goes straight to awaitingShipment. If the payment
 * cannot be created, the redemption is cancelled at once (points and stock back). Nine round
 * trips: gift, stock, points, entry and redemption (together), pending mark and payment record
 * (together), prepay id, out_trade_no on the redemption.
 */
export async function redeemForMail(
  ctx: InvocationContext,
  input: { giftId: string; address?: MailAddress },
) {
  const openid = requireOpenid(ctx)
  if (!input.address) throw new AppError('INVALID_INPUT', '请填写收货地址', 'address')
  const now = ctx.clock.now()
  const gift = await getGift(input.giftId)
  if (!gift) throw new AppError('NOT_FOUND', '该礼品不存在', 'giftId')
  if (gift.status !== 'active') throw new AppError('CONFLICT', '该礼品已下架')
  if (!gift.fulfilments.includes('mail'))
    throw new AppError('CONFLICT', '该礼品不支持邮寄，请选择到店自提', 'fulfilment')
  const stockId = stockIdOf(gift._id, null)
  const unit = await takeStock(stockId)
  if (!unit)
    throw new AppError('CONFLICT', '该礼品中心仓暂无库存，不能邮寄，可选择到店自提', 'fulfilment')

  const redemptionId = newDocId()
  const pending: PendingSpend = {
    redemptionId,
    points: unit.pointsPrice,
    stockId,
    giftId: unit.giftId,
    giftName: unit.giftName,
    storeId: null,
    at: now,
  }
  const { member, span } = await takePointsForUnit(ctx, openid, pending)
  const fee = gift.shippingFeeFen
  const payBy = new Date(now.getTime() + MAIL_PAYMENT_WINDOW_MS)
  const redemption: Omit<RedemptionDoc, '_id'> = {
    memberId: member._id,
    giftId: unit.giftId,
    giftName: unit.giftName,
    points: unit.pointsPrice,
    fulfilment: 'mail',
    stockId,
    storeId: null,
    status: fee > 0 ? 'awaitingPayment' : 'awaitingShipment',
    address: input.address,
    shippingFeeFen: fee,
    ...(fee > 0 ? { payBy } : {}),
    createdAt: now,
  }
  await Promise.all([
    ledger().insert(spendEntry(pending, member._id, span)),
    redemptions().insert({ _id: redemptionId, ...redemption }),
  ])
  const done = {
    redemptionId,
    status: redemption.status,
    points: unit.pointsPrice,
    balance: member.points,
    shippingFeeFen: fee,
  }
  if (fee === 0) {
    await clearPendingSpend(member._id, redemptionId)
    return done
  }
  let started
  try {
    ;[, started] = await Promise.all([
      clearPendingSpend(member._id, redemptionId),
      startPayment(ctx, { _id: redemptionId, ...redemption }, openid),
    ])
  } catch (err) {
    // Compensation next to the action: nothing can be paid, so give the points and stock back now.
    await cancelUnpaid(ctx, { _id: redemptionId, ...redemption }).catch(() => undefined)
    throw err
  }
  return {
    ...done,
    outTradeNo: started.outTradeNo,
    payParams: started.payParams,
    payBy: payBy.toISOString(),
  }
}

/** The shipping fee's payment (created once per redemption; asking again returns it with fresh parameters). */
async function startPayment(ctx: InvocationContext, doc: RedemptionDoc, openid: string) {
  const { payment, payParams } = await createPayment(ctx, {
    purpose: { kind: 'redemption', id: doc._id },
    description: `积分兑换运费-${doc.giftName}`,
    amountFen: doc.shippingFeeFen!,
    payerOpenid: openid,
    expiresAt: doc.payBy!,
  })
  if (doc.outTradeNo !== payment._id)
    await redemptions().update(doc._id, { outTradeNo: payment._id })
  return { outTradeNo: payment._id, payParams }
}

/** The member pays an unpaid one again (back from WeChat's payment sheet without paying). */
export async function payRedemption(ctx: InvocationContext, input: { redemptionId: string }) {
  const doc = await ownRedemption(ctx, input.redemptionId)
  if (!canTransition(doc, 'pay'))
    throw new AppError(
      'CONFLICT',
      `该兑换当前状态为「${REDEMPTION_STATUS_LABELS[doc.status]}」，无需支付`,
    )
  if (isPaymentWindowOver(doc.payBy!, ctx.clock.now())) {
    await cancelUnpaid(ctx, doc)
    throw new AppError('CONFLICT', '超过 15 分钟未支付运费，兑换已取消，积分已退回')
  }
  const started = await startPayment(ctx, doc, requireOpenid(ctx))
  return {
    redemptionId: doc._id,
    ...started,
    shippingFeeFen: doc.shippingFeeFen!,
    payBy: doc.payBy!.toISOString(),
  }
}

// ------------------------------------------------------------------ the member's view, cancelling, expiry

/**
 * The caller's redemption. An unpaid mail one is brought up to date first: after its 15 minutes
 * it is cancelled; otherwise WeChat Pay is asked (the member may just have paid).
 */
export async function redemptionDetail(ctx: InvocationContext, input: { redemptionId: string }) {
  let doc = await ownRedemption(ctx, input.redemptionId)
  if (doc.status === 'awaitingPayment') {
    if (isPaymentWindowOver(doc.payBy!, ctx.clock.now())) await cancelUnpaid(ctx, doc)
    else if (doc.outTradeNo) await syncPayment(ctx, doc.outTradeNo)
    doc = (await getRedemption(doc._id))!
  }
  const [views, store] = await Promise.all([
    viewsOf([doc], { actor: 'member', now: ctx.clock.now() }),
    storeCardFor(doc.fulfilment === 'pickup' ? doc.storeId : null),
  ])
  return { ...views[0]!, store }
}

/** The member gives up an unpaid mail redemption: its payment is closed, points and stock go back. */
export async function cancelMyRedemption(ctx: InvocationContext, input: { redemptionId: string }) {
  const doc = await ownRedemption(ctx, input.redemptionId)
  const viewer = { actor: 'member', now: ctx.clock.now() } as const
  if (doc.status === 'cancelled') return (await viewsOf([doc], viewer))[0]!
  if (!canTransition(doc, 'cancel')) {
    throw new AppError(
      'CONFLICT',
      doc.fulfilment === 'pickup'
        ? '到店自提的兑换不能自行取消，请联系门店'
        : `该兑换已支付运费（${REDEMPTION_STATUS_LABELS[doc.status]}），不能取消`,
    )
  }
  await cancelUnpaid(ctx, doc)
  // Paid just before the close reached WeChat: it stays paid.
  return (await viewsOf([(await getRedemption(doc._id))!], viewer))[0]!
}

/**
 * Cancels an unpaid mail redemption through its payment (closed at WeChat first, so it can no
 * longer be paid; the payments service then calls onClosed); directly only when no payment was
 * ever created (the invocation died before, or WeChat refused the order).
 */
async function cancelUnpaid(ctx: InvocationContext, doc: RedemptionDoc): Promise<void> {
  const payment = doc.outTradeNo
    ? { _id: doc.outTradeNo }
    : await paymentForPurpose({ kind: 'redemption', id: doc._id })
  if (payment) await closePayment(ctx, payment._id)
  else await releaseUnpaid(ctx, doc)
}

/** Points and stock back, once: the transaction moves awaitingPayment → cancelled with them. */
async function releaseUnpaid(ctx: InvocationContext, doc: RedemptionDoc): Promise<void> {
  const expired = doc.payBy ? isPaymentWindowOver(doc.payBy, ctx.clock.now()) : true
  await cancelAndReturn(
    ctx,
    {
      redemptionId: doc._id,
      memberId: doc.memberId,
      stockId: doc.stockId,
      points: doc.points,
      giftName: doc.giftName,
    },
    expired ? '超过 15 分钟未支付运费，已自动取消，积分已退回' : '已取消支付运费，积分已退回',
    { from: ['awaitingPayment'], alreadyCancelledIsDone: true },
  )
}

/**
 * Timer `expireMailRedemptions` (every minute): cancels mail redemptions unpaid after their 15
 * minutes. One failure does not stop the others; it is retried next minute. Safe to run
 * concurrently, with itself and with the member's cancel: closing is conditional and the
 * release is one transaction from awaitingPayment.
 */
export async function expireMailRedemptions(
  ctx: InvocationContext,
): Promise<{ expired: number; failed: number }> {
  const due = await redemptions().find(
    { status: 'awaitingPayment', payBy: database().command.lte(ctx.clock.now()) },
    { limit: 100 },
  )
  let expired = 0
  let failed = 0
  for (const doc of due) {
    try {
      await cancelUnpaid(ctx, doc)
      expired++
    } catch (err) {
      failed++
      process.stderr.write(
        `${JSON.stringify({ fn: ctx.fn, action: ctx.action, requestId: ctx.requestId, redemptionId: doc._id, error: (err as Error).message })}\n`,
      )
    }
  }
  return { expired, failed }
}

// ------------------------------------------------------------------ the payment owner

export const redemptionOwner: PaymentOwner = {
  async onPaid(ctx, payment) {
    const now = ctx.clock.now()
    // Once: only the call that moves awaitingPayment → awaitingShipment changes anything.
    const paid = await redemptions().updateIf(
      { _id: payment.purpose.id, status: 'awaitingPayment' },
      { status: 'awaitingShipment', paidAt: payment.paidAt ?? now },
    )
    if (paid) return
    const doc = await getRedemption(payment.purpose.id)
    if (!doc)
      throw new Error(`redemption ${payment.purpose.id} of payment ${payment._id} not found`)
    if (doc.status === 'cancelled')
      throw new Error(
        `redemption ${doc._id} was cancelled before its payment ${payment._id} succeeded`,
      )
  },
  async onClosed(ctx, payment) {
    const doc = await getRedemption(payment.purpose.id)
    if (!doc)
      throw new Error(`redemption ${payment.purpose.id} of payment ${payment._id} not found`)
    await releaseUnpaid(ctx, doc)
  },
  async onRefunded(_ctx, payment, refund) {
    // Refunds of a shipping fee are made by hand in the merchant platform: recorded once per refund.
    const _ = database().command
    await redemptions().updateIf(
      { _id: payment.purpose.id, refundNos: _.neq(refund._id) },
      { refundNos: _.push(refund._id), refundedFen: _.inc(refund.amountFen) },
    )
  },
}

// ------------------------------------------------------------------ HQ: shipping

async function mailViewsOf(docs: RedemptionDoc[], viewer: RedemptionViewer) {
  if (docs.length === 0) return []
  const memberIds = [...new Set(docs.map((d) => d.memberId))]
  const [views, members] = await Promise.all([
    viewsOf(docs, viewer),
    collection(COLLECTIONS.members).find(
      { _id: database().command.in(memberIds) },
      { fields: ['memberNo'], limit: 1000 },
    ),
  ])
  const numbers = new Map(members.map((m) => [m._id, m.memberNo]))
  return views.map((view, i) => ({ ...view, memberNo: numbers.get(docs[i]!.memberId) ?? '' }))
}

/** Mail redemptions in one status, oldest first (the order they should ship in). */
export async function mailRedemptionsForHq(
  input: {
    status: 'awaitingShipment' | 'shipped'
    limit: number
  },
  viewer: RedemptionViewer,
) {
  const docs = await redemptions().find(
    { status: input.status, fulfilment: 'mail' },
    { orderBy: ['createdAt', 'asc'], limit: input.limit },
  )
  return { items: await mailViewsOf(docs, viewer) }
}

/**
 * HQ hands a paid mail redemption to the carrier. Guarantee: awaitingShipment → shipped is one
 * conditional update, so of two HQ users shipping it at once one wins and the other is told
 * what was recorded.
 */
export async function shipRedemption(
  ctx: InvocationContext,
  session: AdminSession,
  input: { redemptionId: string; carrier: string; trackingNo: string },
) {
  const now = ctx.clock.now()
  const shipment = { carrier: input.carrier, trackingNo: input.trackingNo, by: session.username }
  const shipped = await redemptions().updateAndReturn(
    { _id: input.redemptionId, fulfilment: 'mail', status: 'awaitingShipment' },
    { status: 'shipped', shippedAt: now, shipment },
  )
  if (shipped)
    return (await mailViewsOf([shipped], { actor: lifecycleActor(session.role), now }))[0]!
  const doc = await getRedemption(input.redemptionId)
  if (!doc) throw new AppError('NOT_FOUND', '兑换记录不存在', 'redemptionId')
  if (doc.fulfilment !== 'mail') throw new AppError('CONFLICT', '到店自提的兑换无需发货')
  if (doc.status === 'shipped' && doc.shippedAt && doc.shipment) {
    throw new AppError(
      'CONFLICT',
      `该兑换已于 ${formatShanghaiMinute(doc.shippedAt)} 发货（${doc.shipment.carrier} ${doc.shipment.trackingNo}）`,
    )
  }
  throw new AppError(
    'CONFLICT',
    `该兑换当前状态为「${REDEMPTION_STATUS_LABELS[doc.status]}」，不能发货`,
  )
}
