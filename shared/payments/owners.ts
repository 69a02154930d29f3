/**
 * Who owns what a payment pays for: one owner per purpose kind, the extension point between the
 * payments service and the services that sell things. The payments service calls these hooks;
 * owners never read WeChat Pay themselves.
 *
 * The contract every owner keeps (payments.ts relies on it for exactly-once effects):
 * - a hook may be called more than once for the same event (concurrent or repeated WeChat
 *   deliveries, a retry after a crash), so it acts once by itself: a conditional update on its
 *   own status (`where({_id, status: 'awaiting_payment'}).update(...)`) and side effects only
 *   when that update changed the document, or writes keyed by an idempotency key;
 * - onPaid never comes after onClosed (payments.ts refuses that), and onRefunded only after
 *   onPaid has returned.
 *
 * Kinds: `order` (shop-service.ts), `redemption` (mail redemptions' shipping fee,
 * mail-redemption-service.ts), `probe` (payment-probe.ts, local stack only).
 */
import type { PaymentDoc, PaymentPurposeKind, RefundDoc } from './documents'
import { AppError } from '../platform/errors'
import type { InvocationContext } from '../platform/runtime/define-function'
import { redemptionOwner } from '../flows/mail-redemption'
import { probeOwner } from '../services/payment-probe'
import { orderOwner } from '../shop/shop-service'

export interface PaymentOwner {
  /** The payment is paid: move the purpose on (once). */
  onPaid(ctx: InvocationContext, payment: PaymentDoc): Promise<void>
  /** The payment was closed unpaid: release what the purpose held (once). */
  onClosed(ctx: InvocationContext, payment: PaymentDoc): Promise<void>
  /** A refund succeeded (once per refund, keyed by its out_refund_no `refund._id`). */
  onRefunded(ctx: InvocationContext, payment: PaymentDoc, refund: RefundDoc): Promise<void>
}

/** Looked up at call time, so owners may import the payments service without an import cycle at load. */
export function ownerOf(kind: PaymentPurposeKind): PaymentOwner {
  switch (kind) {
    case 'probe':
      return probeOwner
    case 'order':
      return orderOwner
    case 'redemption':
      return redemptionOwner
    default:
      throw new AppError('INTERNAL', `没有处理「${kind}」支付的服务`)
  }
}
