import '../../shared/flows/payment-owners'
import { payInput, payOutput } from '../../shared/payments/contract'
import { defineFunction } from '../../shared/platform/runtime/define-function'
import {
  closeProbe,
  createProbe,
  probeStatus,
  refundProbe,
  probeOwner,
} from '../../shared/payments/probe-owner'
import { registerPaymentOwner } from '../../shared/payments/owners'
import { receiveNotification } from '../../shared/payments/payment-service'

// The probe pays for nothing; it exists to exercise the payment edge on the local stack only.
registerPaymentOwner('probe', probeOwner)

export const main = defineFunction({
  name: 'pay',
  input: payInput,
  output: payOutput,
  policy: {
    probeCreate: 'wechat',
    probeStatus: 'wechat',
    probeRefund: 'wechat',
    probeClose: 'wechat',
  },
  handlers: {
    probeCreate: (ctx, input) => createProbe(ctx, input),
    probeStatus: (ctx, input) => probeStatus(ctx, input),
    probeRefund: (ctx, input) => refundProbe(ctx, input),
    probeClose: (ctx, input) => closeProbe(ctx, input),
  },
  // Its HTTP access (`/pay/notify`) is WeChat Pay's notifications (payments and refunds):
  // verified, applied once, answered 204, whatever path CloudBase hands over.
  http: {
    action: 'notify',
    role: 'wechatpay',
    handle: (ctx, request) => receiveNotification(ctx, request),
  },
})
