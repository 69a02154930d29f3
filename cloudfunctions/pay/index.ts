import '../../shared/flows/payment-owners'
import { payInput, payOutput } from '../../shared/payments/contract'
import { defineFunction } from '../../shared/platform/runtime/define-function'
import { receiveNotification } from '../../shared/payments/payment-service'

export const main = defineFunction({
  name: 'pay',
  input: payInput,
  output: payOutput,
  policy: {},
  handlers: {},
  // Its HTTP access (`/pay/notify`) is WeChat Pay's notifications (payments and refunds):
  // verified, applied once, answered 204, whatever path CloudBase hands over.
  http: {
    action: 'notify',
    role: 'wechatpay',
    handle: (ctx, request) => receiveNotification(ctx, request),
  },
})
