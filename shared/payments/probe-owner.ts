/**
 * Payment probes: a payment with nothing behind it, owned by this tiny service, to check the
 * payment edge end to end (order → requestPayment → notification → owner) without a shop. The
 * local stack enables it (PAY_PROBE_ENABLED=on); elsewhere every action refuses.
 *
 * It is also the reference owner (payment-owners.ts): each hook acts once through a conditional
 * update and counts its effects, so tests can see that many deliveries had one effect.
 */
import { randomBytes } from 'node:crypto'
import { COLLECTIONS } from '../collections'
import { collection } from '../platform/db/collection'
import type { PaymentDoc, PayProbeDoc, RefundDoc } from './documents'
import { AppError } from '../platform/errors'
import type { JsapiPayParams } from '../platform/ports/pay'
import { database } from '../platform/runtime/cloudbase'
import type { InvocationContext } from '../platform/runtime/define-function'
import type { PaymentOwner } from './owners'
import {
  closePayment,
  createPayment,
  getPayment,
  requestRefund,
  syncPayment,
} from './payment-service'

const PROBE_PAYMENT_WINDOW_MS = 15 * 60_000

const probes = () => database().collection(COLLECTIONS.payProbes.name)

function requireProbesEnabled(ctx: InvocationContext): string {
  if (process.env.PAY_PROBE_ENABLED !== 'on')
    throw new AppError('FORBIDDEN', '支付探针只在本地环境可用')
  if (!ctx.caller.openid) throw new AppError('UNAUTHENTICATED', '请在微信中打开小程序')
  ctx.caller.role = 'wechat-user'
  return ctx.caller.openid
}

async function ownProbe(ctx: InvocationContext, probeId: string): Promise<PayProbeDoc> {
  const openid = requireProbesEnabled(ctx)
  const probe = await collection(COLLECTIONS.payProbes).get(probeId)
  if (!probe || probe.openid !== openid) throw new AppError('NOT_FOUND', '没有这个支付探针')
  return probe
}

export async function createProbe(
  ctx: InvocationContext,
  input: { amountFen: number; description?: string },
): Promise<{ probeId: string; outTradeNo: string; payParams: JsapiPayParams }> {
  const openid = requireProbesEnabled(ctx)
  const now = ctx.clock.now()
  const probeId = randomBytes(16).toString('hex')
  const { payment, payParams } = await createPayment(ctx, {
    purpose: { kind: 'probe', id: probeId },
    description: input.description ?? '支付探针',
    amountFen: input.amountFen,
    payerOpenid: openid,
    expiresAt: new Date(now.getTime() + PROBE_PAYMENT_WINDOW_MS),
  })
  const probe: Omit<PayProbeDoc, '_id'> = {
    openid,
    amountFen: input.amountFen,
    outTradeNo: payment._id,
    status: 'awaiting_payment',
    onPaidCalls: 0,
    paidEffects: 0,
    refundNos: [],
    refundedFen: 0,
    refundEffects: 0,
    createdAt: now,
    paidAt: null,
  }
  // Written after the payment: a notification that beats this write finds no probe, fails, and
  // WeChat delivers it again.
  await probes().doc(probeId).set(probe)
  return { probeId, outTradeNo: payment._id, payParams }
}

function view(probe: PayProbeDoc, payment: PaymentDoc | null) {
  return {
    probeId: probe._id,
    outTradeNo: probe.outTradeNo,
    status: probe.status,
    amountFen: probe.amountFen,
    onPaidCalls: probe.onPaidCalls,
    paidEffects: probe.paidEffects,
    refundedFen: probe.refundedFen,
    refundEffects: probe.refundEffects,
    payment: payment && {
      status: payment.status,
      amountFen: payment.amountFen,
      refundedFen: payment.refundedFen,
      paidVia: payment.paidVia,
      paidAt: payment.paidAt?.toISOString() ?? null,
      anomaly: payment.anomaly?.kind ?? null,
    },
  }
}

export async function probeStatus(
  ctx: InvocationContext,
  input: { probeId: string; sync?: boolean },
) {
  let probe = await ownProbe(ctx, input.probeId)
  const payment = input.sync
    ? await syncPayment(ctx, probe.outTradeNo)
    : await getPayment(probe.outTradeNo)
  if (input.sync) probe = await ownProbe(ctx, input.probeId)
  return view(probe, payment)
}

export async function refundProbe(
  ctx: InvocationContext,
  input: { probeId: string; amountFen: number; key: string },
) {
  const probe = await ownProbe(ctx, input.probeId)
  const refund = await requestRefund(ctx, {
    outTradeNo: probe.outTradeNo,
    key: `probe:${probe._id}:${input.key}`,
    amountFen: input.amountFen,
    reason: '探针退款',
  })
  return { outRefundNo: refund._id, status: refund.status, amountFen: refund.amountFen }
}

export async function closeProbe(ctx: InvocationContext, input: { probeId: string }) {
  const probe = await ownProbe(ctx, input.probeId)
  const payment = await closePayment(ctx, probe.outTradeNo)
  return view(await ownProbe(ctx, probe._id), payment)
}

export const probeOwner: PaymentOwner = {
  async onPaid(ctx, payment) {
    const _ = database().command
    const id = payment.purpose.id
    await probes()
      .doc(id)
      .update({ onPaidCalls: _.inc(1) })
    const res = (await probes()
      .where({ _id: id, status: 'awaiting_payment' })
      .update({ status: 'paid', paidAt: ctx.clock.now() })) as { updated?: number }
    if (res.updated === 1)
      await probes()
        .doc(id)
        .update({ paidEffects: _.inc(1) })
    else if (!(await collection(COLLECTIONS.payProbes).get(id)))
      throw new Error(`probe ${id} not written yet`)
  },
  async onClosed(_ctx, payment) {
    await probes()
      .where({ _id: payment.purpose.id, status: 'awaiting_payment' })
      .update({ status: 'closed' })
  },
  async onRefunded(_ctx, payment, refund: RefundDoc) {
    const _ = database().command
    const id = payment.purpose.id
    const res = (await probes()
      .where({ _id: id, refundNos: _.neq(refund._id) })
      .update({ refundNos: _.push(refund._id), refundedFen: _.inc(refund.amountFen) })) as {
      updated?: number
    }
    if (res.updated === 1)
      await probes()
        .doc(id)
        .update({ refundEffects: _.inc(1) })
  },
}
