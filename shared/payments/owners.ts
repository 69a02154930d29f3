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
 * Kinds: `order` (flows/orders.ts), `redemption` (mail redemptions' shipping fee,
 * flows/mail-redemption.ts), `probe` (the local stack's fixture, scripts/local-cloud/fixtures/payprobe).
 */
import type { PaymentDoc, PaymentPurposeKind, RefundDoc } from './documents'
import { AppError } from '../platform/errors'
import type { InvocationContext } from '../platform/runtime/define-function'
export interface PaymentOwner {
  /** The payment is paid: move the purpose on (once). */
  onPaid(ctx: InvocationContext, payment: PaymentDoc): Promise<void>
  /** The payment was closed unpaid: release what the purpose held (once). */
  onClosed(ctx: InvocationContext, payment: PaymentDoc): Promise<void>
  /** A refund succeeded (once per refund, keyed by its out_refund_no `refund._id`). */
  onRefunded(ctx: InvocationContext, payment: PaymentDoc, refund: RefundDoc): Promise<void>
}

const owners = new Map<PaymentPurposeKind, PaymentOwner>()

/**
 * Wired where a function starts (shared/flows/payment-owners.ts for the shop and the points mall,
 * the local stack's payprobe fixture for its probes): the payments domain never imports what it sells.
 * Registering a kind twice with another owner is a wiring mistake and throws.
 */
export function registerPaymentOwner(kind: PaymentPurposeKind, owner: PaymentOwner): void {
  const existing = owners.get(kind)
  if (existing && existing !== owner) throw new Error(`payment owner for ${kind} registered twice`)
  owners.set(kind, owner)
}

export function ownerOf(kind: PaymentPurposeKind): PaymentOwner {
  const owner = owners.get(kind)
  if (!owner) throw new AppError('INTERNAL', `没有处理「${kind}」支付的服务`)
  return owner
}

/** The kinds with an owner in this function instance (the reconciliation job works on these only). */
export function registeredPaymentKinds(): PaymentPurposeKind[] {
  return [...owners.keys()]
}
