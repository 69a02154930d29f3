/**
 * The WeChat Pay edge as one port. Production: `WeChatPayAdapter` (wechatpay-node-v3 against
 * api.mch.weixin.qq.com). Local stack: the same adapter pointed at the pay sandbox
 * (scripts/local-cloud/pay-sandbox.ts), which emulates the v3 API and signs real notifications.
 *
 * Money is integer fen throughout; times are Dates (UTC). Names follow WeChat's where a caller
 * would look them up there (outTradeNo = out_trade_no, outRefundNo = out_refund_no).
 */

export interface JsapiOrderRequest {
  /** 6–32 characters of [A-Za-z0-9_-|*], unique per merchant. */
  outTradeNo: string
  /** Shown to the payer in WeChat (at most 127 characters). */
  description: string
  amountFen: number
  payerOpenid: string
  /** WeChat refuses payment after this moment. */
  expiresAt: Date
  /** Where WeChat notifies about this order; default the adapter's (PAY_NOTIFY_URL). */
  notifyUrl?: string
}

/** Exactly what `Taro.requestPayment` / `wx.requestPayment` takes. */
export interface JsapiPayParams {
  timeStamp: string
  nonceStr: string
  package: string
  signType: 'RSA'
  paySign: string
}

export interface JsapiOrder {
  prepayId: string
  payParams: JsapiPayParams
}

/** WeChat's trade_state. */
export type TradeState =
  'SUCCESS' | 'REFUND' | 'NOTPAY' | 'CLOSED' | 'REVOKED' | 'USERPAYING' | 'PAYERROR'

export interface PayTransaction {
  outTradeNo: string
  transactionId: string | null
  tradeState: TradeState
  appid: string
  mchid: string
  amountFen: number
  payerOpenid: string | null
  successTime: Date | null
}

export interface RefundRequest {
  outTradeNo: string
  /** Derived from the business reason (never random): a retried refund keeps its number. */
  outRefundNo: string
  refundFen: number
  totalFen: number
  reason?: string
  /** Where WeChat notifies about this refund; default the adapter's (PAY_NOTIFY_URL). */
  notifyUrl?: string
}

export type RefundStatus = 'SUCCESS' | 'CLOSED' | 'PROCESSING' | 'ABNORMAL'

export interface PayRefund {
  outRefundNo: string
  refundId: string
  outTradeNo: string
  status: RefundStatus
  refundFen: number
  totalFen: number
  successTime: Date | null
}

/** A payment notification after verification: TRANSACTION.SUCCESS. */
export interface PaymentSucceeded {
  kind: 'payment'
  outTradeNo: string
  transactionId: string
  appid: string
  mchid: string
  amountFen: number
  payerOpenid: string
  successTime: Date
}

/** A refund notification after verification: REFUND.SUCCESS / REFUND.ABNORMAL / REFUND.CLOSED. */
export interface RefundSettled {
  kind: 'refund'
  outTradeNo: string
  transactionId: string
  outRefundNo: string
  refundId: string
  mchid: string
  status: 'SUCCESS' | 'ABNORMAL' | 'CLOSED'
  refundFen: number
  totalFen: number
  successTime: Date | null
}

/** A genuine notification of a kind this system does not act on (answered 2xx so WeChat stops). */
export interface OtherEvent {
  kind: 'other'
}

export type PayEvent = PaymentSucceeded | RefundSettled | OtherEvent

/** Why a notification was refused. Each maps to one HTTP answer (shared/rules/payment.ts). */
export type NotificationRefusal =
  /** Wechatpay-* headers missing or malformed, or the body is not a notification envelope. */
  | 'malformed'
  /** Wechatpay-Timestamp more than 5 minutes from now (either way). */
  | 'stale'
  /** Wechatpay-Serial names no platform certificate or public key this merchant trusts. */
  | 'unknown-serial'
  /** The signature does not verify over the raw body with that key. */
  | 'bad-signature'
  /** The resource does not decrypt with the APIv3 key (the GCM tag does not verify). */
  | 'undecryptable'
  /** The decrypted resource is not the object its event type promises. */
  | 'invalid-resource'
  /** Genuine, but for another merchant or mini-program. */
  | 'wrong-merchant'

export interface NotificationRequest {
  /** HTTP headers as received (any case). */
  headers: Record<string, string | undefined>
  /** The body exactly as received: the signature covers these bytes. */
  rawBody: string
  /** The time to judge freshness against (the invocation's clock). */
  now: Date
}

export type NotificationVerdict =
  | { ok: true; notificationId: string; eventType: string; createTime: string; event: PayEvent }
  | { ok: false; reason: NotificationRefusal; detail: string }

export interface PayPort {
  /** The mini-program appid and merchant id payments are made to. */
  readonly appid: string
  readonly mchid: string
  /** JSAPI (mini-program) order; asking again for the same outTradeNo returns the same prepay id. */
  createJsapiOrder(request: JsapiOrderRequest): Promise<JsapiOrder>
  /** null when WeChat has no such order. */
  queryOrder(outTradeNo: string): Promise<PayTransaction | null>
  /** Closes an unpaid order; throws PayError `ORDERPAID` when it was paid meanwhile. */
  closeOrder(outTradeNo: string): Promise<void>
  /** Idempotent on outRefundNo: asking again returns the same refund. */
  refund(request: RefundRequest): Promise<PayRefund>
  /** null when WeChat has no such refund. */
  queryRefund(outRefundNo: string): Promise<PayRefund | null>
  /** Signature, freshness, decryption and shape of a notification; never throws for bad input. */
  verifyNotification(request: NotificationRequest): Promise<NotificationVerdict>
}

/** WeChat Pay refused a call (`code` is WeChat's, e.g. ORDERPAID, ORDER_CLOSED, NOT_ENOUGH) or was unreachable. */
export class PayError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly httpStatus: number | null = null,
  ) {
    super(message)
    this.name = 'PayError'
  }
}
