import { z } from 'zod'
import { docId } from '../platform/contract/common'

/** What `Taro.requestPayment` takes, as the functions hand it to the mini-program. */
export const payParams = z.object({
  timeStamp: z.string(),
  nonceStr: z.string(),
  package: z.string(),
  signType: z.literal('RSA'),
  paySign: z.string(),
})
export type PayParams = z.infer<typeof payParams>

const probeView = z.object({
  probeId: z.string(),
  outTradeNo: z.string(),
  status: z.enum(['awaiting_payment', 'paid', 'closed']),
  amountFen: z.number().int(),
  onPaidCalls: z.number().int(),
  paidEffects: z.number().int(),
  refundedFen: z.number().int(),
  refundEffects: z.number().int(),
  payment: z
    .object({
      status: z.enum(['pending', 'paid', 'refunded', 'closed']),
      amountFen: z.number().int(),
      refundedFen: z.number().int(),
      paidVia: z.enum(['notification', 'query', 'refund-notification']).nullable(),
      paidAt: z.string().nullable(),
      anomaly: z.string().nullable(),
    })
    .nullable(),
})

/**
 * `pay`: WeChat Pay's notifications arrive on the HTTP access path `/pay/notify` (not an action).
 * The `probe*` actions pay for nothing, to check the payment edge end to end; only the local
 * stack enables them (elsewhere FORBIDDEN).
 */
export const payInput = {
  probeCreate: z.strictObject({
    amountFen: z.number().int().min(1).max(1_000_000),
    description: z.string().min(1).max(60).optional(),
  }),
  probeStatus: z.strictObject({ probeId: docId, sync: z.boolean().optional() }),
  probeRefund: z.strictObject({
    probeId: docId,
    amountFen: z.number().int().min(1).max(1_000_000),
    /** The refund's idempotency key: the same key is the same refund. */
    key: z.string().regex(/^[A-Za-z0-9_-]{1,32}$/, 'letters, digits, _ and - only'),
  }),
  probeClose: z.strictObject({ probeId: docId }),
} as const

export const payOutput = {
  probeCreate: z.object({ probeId: z.string(), outTradeNo: z.string(), payParams }),
  probeStatus: probeView,
  probeRefund: z.object({
    outRefundNo: z.string(),
    status: z.enum(['processing', 'succeeded', 'abnormal', 'closed', 'failed']),
    amountFen: z.number().int(),
  }),
  probeClose: probeView,
} as const
