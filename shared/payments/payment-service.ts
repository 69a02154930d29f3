/**
 * Payments: one WeChat Pay payment per purpose (a shop order, a mail redemption), its
 * notifications, refunds and closing. The service that owns the purpose learns of each outcome
 * through its hooks (payment-owners.ts) and never reads WeChat Pay itself.
 *
 * Guarantees, each stated once next to the update that provides it:
 * - pending → paid happens once (a conditional update); the owner's hook runs until it has
 *   returned once, and is written to act once (its own conditional update), so any number of
 *   concurrent or repeated deliveries of a genuine notification have one effect;
 * - a refund's money moves once (an optimistic transaction over the refund and the payment), and
 *   refunds never add up to more than was paid;
 * - a refund notification that arrives before the payment's counts as proof of payment.
 */
import { COLLECTIONS } from '../collections'
import { collection } from '../platform/db/collection'
import type { PaymentDoc, PaymentPurpose, RefundDoc, RefundDocStatus } from './documents'
import { AppError } from '../platform/errors'
import {
  PayError,
  type JsapiPayParams,
  type NotificationRefusal,
  type PaymentSucceeded,
  type RefundSettled,
} from '../platform/ports/pay'
import { newOutTradeNo, outRefundNoFor, paymentMismatch, refundMismatch } from './rules/payment'
import { database } from '../platform/runtime/cloudbase'
import type { HttpReply, HttpRequest, InvocationContext } from '../platform/runtime/define-function'
import { payPort } from '../platform/runtime/pay-port'
import { unlessDuplicate, withTransaction } from '../platform/runtime/transaction'
import { ownerOf, registeredPaymentKinds } from './owners'
import { canTransition } from './lifecycle'

const payments = () => collection(COLLECTIONS.payments)
const refunds = () => collection(COLLECTIONS.refunds)

export async function getPayment(outTradeNo: string): Promise<PaymentDoc | null> {
  return payments().get(outTradeNo)
}

export async function getRefund(outRefundNo: string): Promise<RefundDoc | null> {
  return refunds().get(outRefundNo)
}

export async function paymentForPurpose(purpose: PaymentPurpose): Promise<PaymentDoc | null> {
  return payments().findOne({ 'purpose.kind': purpose.kind, 'purpose.id': purpose.id })
}

function unavailable(err: unknown): never {
  if (err instanceof PayError)
    throw new AppError('INTERNAL', `微信支付暂不可用，请稍后再试（${err.code}）`)
  throw err
}

// ------------------------------------------------------------------ creating

export interface CreatePaymentInput {
  purpose: PaymentPurpose
  description: string
  amountFen: number
  payerOpenid: string
  expiresAt: Date
  /**
   * Where WeChat Pay notifies about this payment and its refunds, when the owner is served by
   * another function than `pay` (the local stack's probe); default PAY_NOTIFY_URL.
   */
  notifyUrl?: string
  /**
   * The payment's out_trade_no when the owner chose it beforehand (an order writes it on itself
   * when it is created, so it needs no second write after the payment). Absent: a new one.
   */
  outTradeNo?: string
}

/**
 * Records the payment and asks WeChat for the prepay id; a purpose already paying returns its
 * payment (with fresh payment parameters for the same prepay id, as WeChat answers a repeated
 * order the same way).
 *
 * Order of the two: a new number is recorded first, then asked for. A number the owner chose
 * (`outTradeNo`) is asked for first and recorded once with its prepay id (one write, not two):
 * that is as safe, because nobody can pay before this call answers (the payer needs the
 * parameters signed from the prepay id, which only the answer carries), so a notification still
 * always finds the record; a call that dies in between leaves WeChat an order nobody can pay,
 * which lapses at `expiresAt`, and the owner asking again (payOrder) records it then.
 */
export async function createPayment(
  ctx: InvocationContext,
  input: CreatePaymentInput,
): Promise<{ payment: PaymentDoc; payParams: JsapiPayParams }> {
  if (!Number.isSafeInteger(input.amountFen) || input.amountFen < 1)
    throw new AppError('INVALID_INPUT', '支付金额必须是正整数（分）', 'amountFen')
  ownerOf(input.purpose.kind)
  const pay = payPort()
  const now = ctx.clock.now()
  let payment: PaymentDoc = {
    _id: input.outTradeNo ?? newOutTradeNo(now),
    purpose: input.purpose,
    description: input.description,
    amountFen: input.amountFen,
    payerOpenid: input.payerOpenid,
    appid: pay.appid,
    mchid: pay.mchid,
    status: 'pending',
    prepayId: null,
    createdAt: now,
    expiresAt: input.expiresAt,
    transactionId: null,
    paidAt: null,
    paidVia: null,
    closedAt: null,
    refundedFen: 0,
    refundCommittedFen: 0,
    ownerPaidAt: null,
    ownerClosedAt: null,
    ...(input.notifyUrl ? { notifyUrl: input.notifyUrl } : {}),
  }
  const prepay = (p: PaymentDoc) =>
    pay
      .createJsapiOrder({
        outTradeNo: p._id,
        description: p.description,
        amountFen: p.amountFen,
        payerOpenid: p.payerOpenid,
        expiresAt: p.expiresAt,
        ...(p.notifyUrl ? { notifyUrl: p.notifyUrl } : {}),
      })
      .catch(unavailable)
  // A number the owner chose is asked for first; a refusal there (the purpose's payment is paid
  // or closed already) is answered from the record below when there is one.
  let asked: Awaited<ReturnType<typeof prepay>> | null = null
  let refused: unknown = null
  if (input.outTradeNo) {
    try {
      asked = await prepay(payment)
      payment = { ...payment, prepayId: asked.prepayId }
    } catch (err) {
      refused = err
    }
  }
  // One payment per purpose (its unique index): a retry or a racing call finds the first one.
  const created =
    refused === null
      ? await payments().insertOnce(payment, {
          existing: { 'purpose.kind': input.purpose.kind, 'purpose.id': input.purpose.id },
        })
      : { inserted: false, existing: await paymentForPurpose(input.purpose) }
  if (!created.inserted) {
    if (!created.existing) {
      if (refused !== null) throw refused
      throw new AppError('CONFLICT', '支付正在创建，请稍后重试')
    }
    // What WeChat was asked holds only for the same number.
    if (created.existing._id !== payment._id) asked = null
    payment = created.existing
  }
  if (!canTransition(payment, 'prepay'))
    throw new AppError('CONFLICT', payment.status === 'closed' ? '支付已关闭' : '已经支付过了')
  if (payment.amountFen !== input.amountFen || payment.payerOpenid !== input.payerOpenid)
    throw new AppError('CONFLICT', '该订单已有一笔不同的支付')
  if (refused !== null) throw refused
  asked ??= await prepay(payment)
  if (payment.prepayId !== asked.prepayId) {
    await payments().update(payment._id, { prepayId: asked.prepayId })
    payment = { ...payment, prepayId: asked.prepayId }
  }
  return { payment, payParams: asked.payParams }
}

// ------------------------------------------------------------------ notifications

const REFUSALS: Record<
  NotificationRefusal,
  [code: 'INVALID_INPUT' | 'UNAUTHENTICATED' | 'FORBIDDEN', message: string]
> = {
  malformed: ['INVALID_INPUT', '通知格式无效'],
  stale: ['UNAUTHENTICATED', '通知时间戳与当前时间相差超过 5 分钟'],
  'unknown-serial': ['UNAUTHENTICATED', '未知的微信支付平台证书序列号或公钥 ID'],
  'bad-signature': ['UNAUTHENTICATED', '通知签名无效'],
  undecryptable: ['INVALID_INPUT', '通知内容无法解密'],
  'invalid-resource': ['INVALID_INPUT', '通知内容不完整或不一致'],
  'wrong-merchant': ['FORBIDDEN', '通知不属于本商户或本小程序'],
}

/**
 * `POST /pay/notify` (CloudBase HTTP access). WeChat's protocol: 204 when handled (also for a
 * repeat), otherwise 4xx/5xx with `{code, message}`, and WeChat retries. Refusals change nothing.
 */
export async function receiveNotification(
  ctx: InvocationContext,
  request: HttpRequest,
): Promise<HttpReply> {
  if (request.method !== 'POST') throw new AppError('INVALID_INPUT', '只接受 POST')
  const verdict = await payPort().verifyNotification({
    headers: request.headers,
    rawBody: request.rawBody,
    now: ctx.clock.now(),
  })
  if (!verdict.ok) {
    const [code, message] = REFUSALS[verdict.reason]
    throw new AppError(code, `${message}（${verdict.reason}: ${verdict.detail}）`)
  }
  const { event } = verdict
  if (event.kind === 'payment') await settlePayment(ctx, event, 'notification')
  else if (event.kind === 'refund') await settleRefund(ctx, event)
  return { statusCode: 204 }
}

async function recordAnomaly(
  payment: PaymentDoc,
  kind: string,
  detail: string,
  now: Date,
): Promise<void> {
  await payments().update(payment._id, { anomaly: { kind, detail, at: now } })
}

async function requirePayment(outTradeNo: string): Promise<PaymentDoc> {
  const payment = await getPayment(outTradeNo)
  if (!payment) throw new AppError('NOT_FOUND', `没有这笔支付：${outTradeNo}`)
  return payment
}

/**
 * A verified payment (notification or query) that must agree with what was ordered.
 *
 * The hot path is one round trip for the payment: the pending → paid update matches only a
 * payment that agrees with the event (merchant, app, amount, payer), and returns it. Anything
 * else (a repeat, a closed payment, a disagreement) reads the payment and is told apart there.
 */
async function settlePayment(
  ctx: InvocationContext,
  event: PaymentSucceeded,
  via: 'notification' | 'query',
): Promise<PaymentDoc> {
  const facts = { transactionId: event.transactionId, paidAt: event.successTime, via }
  const agreed = {
    mchid: event.mchid,
    appid: event.appid,
    amountFen: event.amountFen,
    payerOpenid: event.payerOpenid,
  }
  const moved = await movePendingToPaid(event.outTradeNo, facts, agreed)
  if (moved) return markPaid(ctx, moved, facts)
  const payment = await requirePayment(event.outTradeNo)
  const mismatch = paymentMismatch(payment, event)
  if (mismatch) {
    await recordAnomaly(
      payment,
      `payment-${mismatch}`,
      `WeChat reported ${event.mchid}/${event.appid}/${event.amountFen}/${event.payerOpenid}`,
      ctx.clock.now(),
    )
    throw new AppError('CONFLICT', `支付结果与订单不符（${mismatch}），已记录待核查`)
  }
  return markPaid(ctx, payment, facts)
}

type PaidFacts = { transactionId: string; paidAt: Date; via: NonNullable<PaymentDoc['paidVia']> }

/**
 * pending → paid, once. Guarantee: of any number of concurrent callers, exactly one moves it — the
 * conditional update `where({_id, status: 'pending', ...})` matches for one of them only; the
 * others get null (and so does a payment that is not pending, or disagrees with `agreed`).
 */
async function movePendingToPaid(
  outTradeNo: string,
  facts: PaidFacts,
  agreed: Partial<PaymentDoc> = {},
): Promise<PaymentDoc | null> {
  const change = {
    status: 'paid' as const,
    transactionId: facts.transactionId,
    paidAt: facts.paidAt,
    paidVia: facts.via,
  }
  const doc = await payments().updateAndReturn(
    { ...agreed, _id: outTradeNo, status: 'pending' },
    change,
  )
  return doc ? { ...doc, ...change, _id: outTradeNo } : null
}

/**
 * Moves the payment to paid (if it is still pending) and tells its owner. The owner's onPaid
 * runs on every call until one has returned (ownerPaidAt): a caller that crashed after the
 * transition leaves the hook to the next delivery. onPaid must therefore act once by itself (its
 * own conditional update), which makes the whole exactly-once in effect.
 */
async function markPaid(
  ctx: InvocationContext,
  payment: PaymentDoc,
  facts: PaidFacts,
): Promise<PaymentDoc> {
  if (payment.status === 'pending')
    payment = (await movePendingToPaid(payment._id, facts)) ?? (await requirePayment(payment._id))
  if (payment.status === 'closed') {
    // Closed at WeChat before it was closed here, so WeChat cannot have taken the money; if it
    // says it did, people must look (and refund): never reopen what the owner has released.
    await recordAnomaly(
      payment,
      'paid-after-close',
      `transaction ${facts.transactionId}`,
      ctx.clock.now(),
    )
    throw new AppError('CONFLICT', '支付已关闭却收到支付成功，已记录待人工退款')
  }
  if (!payment.ownerPaidAt) {
    await ownerOf(payment.purpose.kind).onPaid(ctx, payment)
    const ownerPaidAt = ctx.clock.now()
    await payments().update(payment._id, { ownerPaidAt })
    payment = { ...payment, ownerPaidAt }
  }
  return payment
}

const REFUND_STATUS: Record<RefundSettled['status'], RefundDocStatus> = {
  SUCCESS: 'succeeded',
  ABNORMAL: 'abnormal',
  CLOSED: 'closed',
}

async function settleRefund(ctx: InvocationContext, event: RefundSettled): Promise<void> {
  let payment = await requirePayment(event.outTradeNo)
  const mismatch = refundMismatch(payment, event)
  if (mismatch) {
    await recordAnomaly(
      payment,
      `refund-${mismatch}`,
      `WeChat reported refund ${event.outRefundNo} of ${event.refundFen}/${event.totalFen}`,
      ctx.clock.now(),
    )
    throw new AppError('CONFLICT', `退款结果与订单不符（${mismatch}），已记录待核查`)
  }
  if (payment.status === 'pending') {
    // WeChat refunds only paid transactions, so the refund proves the payment: its notification
    // is still on its way (or failed). The owner hears "paid" before "refunded", as it happened.
    payment = await markPaid(ctx, payment, {
      transactionId: event.transactionId,
      paidAt: ctx.clock.now(),
      via: 'refund-notification',
    })
  } else if (payment.status === 'closed') {
    await markPaid(ctx, payment, {
      transactionId: event.transactionId,
      paidAt: ctx.clock.now(),
      via: 'refund-notification',
    })
  }
  const refund = await applyRefundOutcome(ctx, payment._id, {
    outRefundNo: event.outRefundNo,
    refundId: event.refundId,
    amountFen: event.refundFen,
    status: REFUND_STATUS[event.status],
  })
  await notifyOwnerOfRefund(ctx, payment._id, refund)
}

/**
 * Records a refund's outcome and moves its money once.
 *
 * Guarantee: one optimistic transaction reads the refund and the payment and writes both, so
 * two deliveries of the same notification cannot both add the refund to refundedFen: the second
 * either conflicts and retries (then sees the refund settled) or starts after and sees it.
 * A refund this system did not request (made in the merchant platform) is recorded on arrival.
 */
async function applyRefundOutcome(
  ctx: InvocationContext,
  outTradeNo: string,
  outcome: { outRefundNo: string; refundId: string; amountFen: number; status: RefundDocStatus },
): Promise<RefundDoc> {
  const db = database()
  const now = ctx.clock.now()
  return withTransaction(db, async (t) => {
    const payment = await collection(COLLECTIONS.payments, t).get(outTradeNo)
    if (!payment) throw new AppError('NOT_FOUND', `没有这笔支付：${outTradeNo}`)
    const existing = await collection(COLLECTIONS.refunds, t).get(outcome.outRefundNo)
    if (existing && existing.status !== 'processing' && existing.status !== 'abnormal')
      return existing
    let committed = payment.refundCommittedFen
    let refund: RefundDoc
    if (existing) {
      refund = { ...existing, status: outcome.status, refundId: outcome.refundId, settledAt: now }
      await collection(COLLECTIONS.refunds, t).update(existing._id, {
        status: refund.status,
        refundId: refund.refundId,
        settledAt: now,
      })
    } else {
      refund = {
        _id: outcome.outRefundNo,
        outTradeNo,
        purpose: payment.purpose,
        key: null,
        amountFen: outcome.amountFen,
        reason: '商户平台退款',
        status: outcome.status,
        refundId: outcome.refundId,
        createdAt: now,
        settledAt: now,
        ownerNotifiedAt: null,
      }
      await collection(COLLECTIONS.refunds, t).insert(refund)
      committed += refund.amountFen
    }
    if (refund.status === 'closed') committed -= refund.amountFen
    const refundedFen = payment.refundedFen + (refund.status === 'succeeded' ? refund.amountFen : 0)
    const status = refundedFen >= payment.amountFen ? 'refunded' : payment.status
    await collection(COLLECTIONS.payments, t).update(outTradeNo, {
      refundedFen,
      refundCommittedFen: committed,
      status,
    })
    return refund
  })
}

/** The owner's onRefunded, until it has returned once (it must act once by itself, keyed by out_refund_no). */
async function notifyOwnerOfRefund(
  ctx: InvocationContext,
  outTradeNo: string,
  refund: RefundDoc,
): Promise<void> {
  if (refund.status !== 'succeeded' || refund.ownerNotifiedAt) return
  let payment = await requirePayment(outTradeNo)
  // The owner hears "paid" before "refunded": a payment whose onPaid never returned gets it first.
  if (!payment.ownerPaidAt && payment.status !== 'closed' && payment.status !== 'pending')
    payment = await markPaid(ctx, payment, paidFactsOf(payment, ctx.clock.now()))
  await ownerOf(payment.purpose.kind).onRefunded(ctx, payment, refund)
  await refunds().update(refund._id, { ownerNotifiedAt: ctx.clock.now() })
}

// ------------------------------------------------------------------ refunds, closing, syncing

export interface RefundInput {
  outTradeNo: string
  /** The business reason as an idempotency key, e.g. `order:<id>:cancel`: one key, one refund. */
  key: string
  /** Fen, or `remaining`: what is left of the payment (a full refund), decided in the transaction. */
  amountFen: number | 'remaining'
  reason?: string
}

/**
 * Refunds (part of) a paid payment. Asking again with the same key is the same refund (same
 * out_refund_no, which WeChat refunds once), also after a timeout.
 *
 * Guarantee: the refund is reserved against the payment (refundCommittedFen) in the same
 * optimistic transaction that creates it, so concurrent refunds never exceed what was paid. The
 * refund's `_id` is its out_refund_no (from the key), so a repeat's insert is a duplicate write
 * that rolls the transaction back, and the refund made first answers (no read before).
 *
 * Round trips when new: the transaction (start, payment, refund, payment update, commit), then
 * WeChat. WeChat's refund id is recorded with the outcome (notification or reconciliation).
 */
export async function requestRefund(
  ctx: InvocationContext,
  input: RefundInput,
): Promise<RefundDoc> {
  if (
    input.amountFen !== 'remaining' &&
    (!Number.isSafeInteger(input.amountFen) || input.amountFen < 1)
  )
    throw new AppError('INVALID_INPUT', '退款金额必须是正整数（分）', 'amountFen')
  const outRefundNo = outRefundNoFor(input.key)
  const db = database()
  const now = ctx.clock.now()
  let paid: PaymentDoc | null = null
  const made = () =>
    withTransaction(db, async (t) => {
      const payment = await collection(COLLECTIONS.payments, t).get(input.outTradeNo)
      if (!payment) throw new AppError('NOT_FOUND', `没有这笔支付：${input.outTradeNo}`)
      const amountFen =
        input.amountFen === 'remaining'
          ? payment.amountFen - payment.refundCommittedFen
          : input.amountFen
      const refusal = !canTransition(payment, 'requestRefund')
        ? payment.status === 'refunded'
          ? '已全额退款'
          : '只有已支付的订单可以退款'
        : amountFen <= 0
          ? '已全额退款'
          : payment.refundCommittedFen + amountFen > payment.amountFen
            ? '退款金额超过可退金额'
            : null
      if (refusal) {
        // Refused now, but this very request may have been made before: that refund answers.
        const existing = await collection(COLLECTIONS.refunds, t).get(outRefundNo)
        if (existing) return existing
        throw new AppError('CONFLICT', refusal)
      }
      const created: RefundDoc = {
        _id: outRefundNo,
        outTradeNo: payment._id,
        purpose: payment.purpose,
        key: input.key,
        amountFen,
        reason: input.reason ?? null,
        status: 'processing',
        refundId: null,
        createdAt: now,
        settledAt: null,
        ownerNotifiedAt: null,
      }
      await collection(COLLECTIONS.refunds, t).insert(created)
      await collection(COLLECTIONS.payments, t).update(payment._id, {
        refundCommittedFen: payment.refundCommittedFen + amountFen,
      })
      paid = payment
      return created
    })
  let refund = await unlessDuplicate(made, async (err) => {
    paid = null
    const existing = await getRefund(outRefundNo)
    if (!existing) throw err
    return existing
  })
  if (
    refund.outTradeNo !== input.outTradeNo ||
    (input.amountFen !== 'remaining' && refund.amountFen !== input.amountFen)
  )
    throw new AppError('CONFLICT', '同一退款请求的金额或订单不一致')
  if (refund.status !== 'processing') {
    // Asked again (HQ retries): a refund whose owner never finished applying it finishes now.
    await notifyOwnerOfRefund(ctx, refund.outTradeNo, refund)
    return refund
  }
  const payment: PaymentDoc = paid ?? (await requirePayment(refund.outTradeNo))
  let answer
  try {
    answer = await payPort().refund({
      outTradeNo: refund.outTradeNo,
      outRefundNo,
      refundFen: refund.amountFen,
      totalFen: payment.amountFen,
      ...(input.reason ? { reason: input.reason } : {}),
      ...(payment.notifyUrl ? { notifyUrl: payment.notifyUrl } : {}),
    })
  } catch (err) {
    if (
      err instanceof PayError &&
      err.httpStatus !== null &&
      err.httpStatus >= 400 &&
      err.httpStatus < 500 &&
      err.code !== 'SYSTEM_ERROR' &&
      err.code !== 'FREQUENCY_LIMITED'
    ) {
      // Refused for good: release the reservation once (the conditional update decides who does).
      const failed = await refunds().updateIf(
        { _id: outRefundNo, status: 'processing' },
        { status: 'failed', failure: `${err.code}: ${err.message}` },
      )
      if (failed)
        await payments().update(refund.outTradeNo, {
          refundCommittedFen: db.command.inc(-refund.amountFen),
        })
      throw new AppError('CONFLICT', `微信支付拒绝退款（${err.code}）`)
    }
    return unavailable(err)
  }
  if (answer.status === 'PROCESSING') return { ...refund, refundId: answer.refundId }
  refund = await applyRefundOutcome(ctx, refund.outTradeNo, {
    outRefundNo,
    refundId: answer.refundId,
    amountFen: refund.amountFen,
    status: REFUND_STATUS[answer.status],
  })
  await notifyOwnerOfRefund(ctx, refund.outTradeNo, refund)
  return refund
}

/**
 * Asks WeChat how the payment stands and applies it (after the payer returns from
 * requestPayment, or before giving up on an unpaid one). A genuine answer from the API is as
 * good as a notification; it must agree with the order the same way.
 */
export async function syncPayment(ctx: InvocationContext, outTradeNo: string): Promise<PaymentDoc> {
  const payment = await requirePayment(outTradeNo)
  if (payment.status !== 'pending' && payment.ownerPaidAt) return payment
  const transaction = await payPort().queryOrder(outTradeNo).catch(unavailable)
  if (!transaction || (transaction.tradeState !== 'SUCCESS' && transaction.tradeState !== 'REFUND'))
    return payment
  return settlePayment(
    ctx,
    {
      kind: 'payment',
      outTradeNo,
      transactionId: transaction.transactionId ?? '',
      appid: transaction.appid,
      mchid: transaction.mchid,
      amountFen: transaction.amountFen,
      payerOpenid: transaction.payerOpenid ?? '',
      successTime: transaction.successTime ?? ctx.clock.now(),
    },
    'query',
  )
}

/**
 * Gives up on an unpaid payment: closes it at WeChat first (after which it cannot be paid), then
 * here, then tells the owner (who releases what it held). If WeChat says it was paid meanwhile,
 * it is settled as paid instead.
 *
 * Guarantee: pending → closed happens once (conditional update); onClosed runs until it has
 * returned once and must act once by itself.
 */
export async function closePayment(
  ctx: InvocationContext,
  outTradeNo: string,
): Promise<PaymentDoc> {
  let payment = await requirePayment(outTradeNo)
  if (payment.status === 'pending') {
    try {
      await payPort().closeOrder(outTradeNo)
    } catch (err) {
      if (err instanceof PayError && err.code === 'ORDERPAID') return syncPayment(ctx, outTradeNo)
      // WeChat never took the order (its prepay request failed): nothing there can be paid.
      if (!(err instanceof PayError && err.code === 'ORDER_NOT_EXIST')) return unavailable(err)
    }
    const closedAt = ctx.clock.now()
    const closed = await payments().updateIf(
      { _id: outTradeNo, status: 'pending' },
      { status: 'closed', closedAt },
    )
    payment = closed ? { ...payment, status: 'closed', closedAt } : await requirePayment(outTradeNo)
  }
  if (payment.status === 'closed' && !payment.ownerClosedAt) {
    await ownerOf(payment.purpose.kind).onClosed(ctx, payment)
    const ownerClosedAt = ctx.clock.now()
    await payments().update(outTradeNo, { ownerClosedAt })
    payment = { ...payment, ownerClosedAt }
  }
  return payment
}

// ------------------------------------------------------------------ reconciliation

function paidFactsOf(payment: PaymentDoc, now: Date): PaidFacts {
  return {
    transactionId: payment.transactionId ?? '',
    paidAt: payment.paidAt ?? now,
    via: payment.paidVia ?? 'query',
  }
}

/** Work younger than this is left to the invocation that may still be doing it. */
export const RECONCILE_GRACE_MS = 60_000
/** Pending payments and processing refunds are looked at for this long, then left to people. */
const RECONCILE_HORIZON_MS = 7 * 86_400_000

export interface ReconcileResult {
  /** Paid payments whose owner had never heard of it, now told. */
  paidApplied: number
  /** Pending payments asked at WeChat (a notification may have been lost)… */
  pendingChecked: number
  /** …of which WeChat said paid. */
  pendingPaid: number
  /** Succeeded refunds whose owner had never finished applying them, now finished. */
  refundsApplied: number
  /** Processing refunds asked at WeChat (their notification may have been lost). */
  refundsChecked: number
  failed: number
  /** True when the budget ran out before every list was worked through. */
  more: boolean
}

/**
 * Scheduled job `reconcilePayments`: finishes what a crash or a lost notification left half
 * done, oldest first, in bounded batches, within `budgetMs`:
 * 1. payments paid here whose owner's onPaid never returned (ownerPaidAt null): onPaid now;
 * 2. payments still pending here after a minute: WeChat is asked (its notification may be lost);
 * 3. refunds succeeded here whose owner's onRefunded never returned (ownerNotifiedAt null);
 * 4. refunds still processing here after a minute: WeChat is asked, and the outcome applied.
 *
 * Exactly once: each step goes through the same path as a notification (pending → paid by a
 * conditional update, a refund's money by one transaction) and the owners' hooks act once by
 * themselves (payments/owners.ts), so running it again, or alongside a late notification, adds
 * nothing; the markers are written only after a hook returned. One item's failure is logged and
 * the others go on; it is retried on the next run.
 */
export async function reconcilePayments(
  ctx: InvocationContext,
  options: { budgetMs?: number; batch?: number } = {},
): Promise<ReconcileResult> {
  const budgetMs = options.budgetMs ?? 15_000
  const batch = options.batch ?? 50
  const startedAt = Date.now()
  const outOfTime = () => Date.now() - startedAt > budgetMs
  const db = database()
  const _ = db.command
  const now = ctx.clock.now()
  const settled = new Date(now.getTime() - RECONCILE_GRACE_MS)
  const horizon = new Date(now.getTime() - RECONCILE_HORIZON_MS)
  const kinds = registeredPaymentKinds()
  const result: ReconcileResult = {
    paidApplied: 0,
    pendingChecked: 0,
    pendingPaid: 0,
    refundsApplied: 0,
    refundsChecked: 0,
    failed: 0,
    more: false,
  }
  const attempt = async (what: string, id: string, step: () => Promise<void>) => {
    if (outOfTime()) {
      result.more = true
      return
    }
    try {
      await step()
    } catch (err) {
      result.failed++
      process.stderr.write(
        `${JSON.stringify({ fn: ctx.fn, action: ctx.action, requestId: ctx.requestId, reconcile: what, id, error: (err as Error).message })}\n`,
      )
    }
  }
  if (!kinds.length) return result

  const unacknowledged = await payments().find(
    {
      ownerPaidAt: null,
      status: _.in(['paid', 'refunded']),
      paidAt: _.lte(settled),
      'purpose.kind': _.in(kinds),
    },
    { orderBy: ['paidAt', 'asc'], limit: batch },
  )
  for (const payment of unacknowledged)
    await attempt('paid', payment._id, async () => {
      await markPaid(ctx, payment, paidFactsOf(payment, now))
      result.paidApplied++
    })

  const pending = await payments().find(
    {
      status: 'pending',
      createdAt: _.and(_.gte(horizon), _.lte(settled)),
      'purpose.kind': _.in(kinds),
    },
    { orderBy: ['createdAt', 'asc'], limit: batch },
  )
  for (const payment of pending)
    await attempt('pending', payment._id, async () => {
      result.pendingChecked++
      const after = await syncPayment(ctx, payment._id)
      if (after.status !== 'pending') result.pendingPaid++
    })

  const unapplied = await refunds().find(
    {
      status: 'succeeded',
      ownerNotifiedAt: null,
      settledAt: _.lte(settled),
      'purpose.kind': _.in(kinds),
    },
    { orderBy: ['createdAt', 'asc'], limit: batch },
  )
  for (const refund of unapplied)
    await attempt('refund', refund._id, async () => {
      await notifyOwnerOfRefund(ctx, refund.outTradeNo, refund)
      result.refundsApplied++
    })

  const processing = await refunds().find(
    {
      status: 'processing',
      createdAt: _.and(_.gte(horizon), _.lte(settled)),
      'purpose.kind': _.in(kinds),
    },
    { orderBy: ['createdAt', 'asc'], limit: batch },
  )
  for (const refund of processing)
    await attempt('processing', refund._id, async () => {
      result.refundsChecked++
      const answer = await payPort().queryRefund(refund._id).catch(unavailable)
      if (!answer || answer.status === 'PROCESSING') return
      const outcome = await applyRefundOutcome(ctx, refund.outTradeNo, {
        outRefundNo: refund._id,
        refundId: answer.refundId,
        amountFen: refund.amountFen,
        status: REFUND_STATUS[answer.status],
      })
      await notifyOwnerOfRefund(ctx, refund.outTradeNo, outcome)
      if (outcome.status === 'succeeded') result.refundsApplied++
    })
  return result
}
