/**
 * WeChat Pay's side of a notification, for tests that need one WeChat would never send: signed
 * with the wrong key, stamped at another time, encrypted with another APIv3 key, or carrying a
 * resource of the wrong shape. Built from the same wire functions the sandbox uses.
 */
import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto'
import {
  encryptResource,
  formatWechatTime,
  signedMessage,
  signSha256Rsa,
} from '../../shared/platform/adapters/wechatpay-wire'
import type { PaySandboxKeys } from '../../scripts/local-cloud/pay-sandbox'

export interface Notification {
  headers: Record<string, string>
  body: string
}

export function otherPrivateKey(): string {
  return generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  }).privateKey
}

export interface BuildOptions {
  eventType?: string
  originalType?: string
  /** The decrypted resource: an object (JSON-encoded) or raw text. */
  resource: object | string
  /** When WeChat "sent" it (Wechatpay-Timestamp). */
  at: Date
  apiV3Key: string
  signer: { serial: string; privateKey: string }
}

/** Encrypts the resource, wraps it in the envelope and signs the body. */
export function buildNotification(options: BuildOptions): Notification {
  const originalType =
    options.originalType ?? (options.eventType?.startsWith('REFUND.') ? 'refund' : 'transaction')
  const plaintext =
    typeof options.resource === 'string' ? options.resource : JSON.stringify(options.resource)
  const body = JSON.stringify({
    id: randomUUID(),
    create_time: formatWechatTime(options.at),
    resource_type: 'encrypt-resource',
    event_type: options.eventType ?? 'TRANSACTION.SUCCESS',
    summary: '支付成功',
    resource: encryptResource(plaintext, options.apiV3Key, originalType, originalType),
  })
  return { headers: signNotificationHeaders(body, options.at, options.signer), body }
}

export function signNotificationHeaders(
  body: string,
  at: Date,
  signer: { serial: string; privateKey: string },
): Record<string, string> {
  const timestamp = String(Math.floor(at.getTime() / 1000))
  const nonce = randomBytes(16).toString('hex')
  return {
    'content-type': 'application/json',
    'wechatpay-timestamp': timestamp,
    'wechatpay-nonce': nonce,
    'wechatpay-signature': signSha256Rsa(signedMessage(timestamp, nonce, body), signer.privateKey),
    'wechatpay-serial': serial(signer),
    'wechatpay-signature-type': 'WECHATPAY2-SHA256-RSA2048',
  }
}

const serial = (signer: { serial: string }) => signer.serial

/** The sandbox's signer in a mode: the WeChat Pay public key or the platform certificate's key. */
export function sandboxSigner(
  keys: PaySandboxKeys,
  mode: 'public-key' | 'certificate',
): { serial: string; privateKey: string } {
  return mode === 'public-key'
    ? { serial: keys.wechatPublicKey.id, privateKey: keys.wechatPublicKey.privateKey }
    : { serial: keys.platform.serialNo, privateKey: keys.platform.privateKey }
}

/** A decrypted TRANSACTION.SUCCESS resource; override any field. */
export function transactionResource(
  fields: {
    mchid: string
    appid: string
    outTradeNo: string
    amountFen: number
    openid: string
    at: Date
  },
  extra: Record<string, unknown> = {},
) {
  return {
    mchid: fields.mchid,
    appid: fields.appid,
    out_trade_no: fields.outTradeNo,
    transaction_id: `4200${Date.now()}`,
    trade_type: 'JSAPI',
    trade_state: 'SUCCESS',
    trade_state_desc: '支付成功',
    bank_type: 'OTHERS',
    attach: '',
    success_time: formatWechatTime(fields.at),
    payer: { openid: fields.openid },
    amount: {
      total: fields.amountFen,
      payer_total: fields.amountFen,
      currency: 'CNY',
      payer_currency: 'CNY',
    },
    ...extra,
  }
}

/** A decrypted REFUND.* resource. */
export function refundResource(fields: {
  mchid: string
  outTradeNo: string
  outRefundNo: string
  refundFen: number
  totalFen: number
  status: 'SUCCESS' | 'ABNORMAL' | 'CLOSED'
  at: Date
}) {
  return {
    mchid: fields.mchid,
    out_trade_no: fields.outTradeNo,
    transaction_id: `4200${Date.now()}`,
    out_refund_no: fields.outRefundNo,
    refund_id: `5030${Date.now()}`,
    refund_status: fields.status,
    success_time: formatWechatTime(fields.at),
    user_received_account: '支付用户零钱',
    amount: {
      total: fields.totalFen,
      refund: fields.refundFen,
      payer_total: fields.totalFen,
      payer_refund: fields.refundFen,
    },
  }
}
