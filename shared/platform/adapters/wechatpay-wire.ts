/**
 * The WeChat Pay v3 wire format, shared by the production adapter (which verifies) and the local
 * pay sandbox (which produces): the signature message, AEAD_AES_256_GCM with the APIv3 key, and
 * the shapes of notifications and of the API's answers, as zod schemas.
 *
 * Schemas are not strict: WeChat adds fields over time, and an unknown field must not make a
 * genuine notification fail. They check every field this system reads.
 */
import {
  createCipheriv,
  createDecipheriv,
  randomBytes,
  sign,
  verify,
  type KeyObject,
} from 'node:crypto'
import { z } from 'zod'

/** What WeChat signs in a notification or an answer: `${timestamp}\n${nonce}\n${body}\n`. */
export function signedMessage(timestamp: string, nonce: string, body: string): Buffer {
  return Buffer.from(`${timestamp}\n${nonce}\n${body}\n`, 'utf8')
}

export function signSha256Rsa(message: Buffer, privateKey: KeyObject | string): string {
  return sign('RSA-SHA256', message, privateKey).toString('base64')
}

export function verifySha256Rsa(
  message: Buffer,
  signatureBase64: string,
  publicKey: KeyObject,
): boolean {
  try {
    return verify('RSA-SHA256', message, publicKey, Buffer.from(signatureBase64, 'base64'))
  } catch {
    return false
  }
}

export interface EncryptedResource {
  algorithm: 'AEAD_AES_256_GCM'
  ciphertext: string
  associated_data: string
  nonce: string
  original_type: string
}

/** AEAD_AES_256_GCM with the 32-byte APIv3 key, as WeChat encrypts a notification's resource. */
export function encryptResource(
  plaintext: string,
  apiV3Key: string,
  originalType: string,
  associatedData: string,
): EncryptedResource {
  const nonce = randomBytes(9).toString('base64url').slice(0, 12)
  const cipher = createCipheriv(
    'aes-256-gcm',
    Buffer.from(apiV3Key, 'utf8'),
    Buffer.from(nonce, 'utf8'),
  )
  cipher.setAAD(Buffer.from(associatedData, 'utf8'))
  const body = Buffer.concat([
    cipher.update(plaintext, 'utf8'),
    cipher.final(),
    cipher.getAuthTag(),
  ])
  return {
    algorithm: 'AEAD_AES_256_GCM',
    ciphertext: body.toString('base64'),
    associated_data: associatedData,
    nonce,
    original_type: originalType,
  }
}

/**
 * Decrypts a resource and checks its GCM tag (`final()` throws on a wrong key, nonce, data or
 * tag). null when it does not authenticate. wechatpay-node-v3's `decipher_gcm` never calls
 * `final()`, so a wrong key gives garbage instead of an error; this is why it is not used here.
 */
export function decryptResource(
  resource: { ciphertext: string; nonce: string; associated_data?: string | undefined },
  apiV3Key: string,
): string | null {
  try {
    const data = Buffer.from(resource.ciphertext, 'base64')
    if (data.length <= 16) return null
    const decipher = createDecipheriv(
      'aes-256-gcm',
      Buffer.from(apiV3Key, 'utf8'),
      Buffer.from(resource.nonce, 'utf8'),
    )
    decipher.setAuthTag(data.subarray(data.length - 16))
    decipher.setAAD(Buffer.from(resource.associated_data ?? '', 'utf8'))
    return Buffer.concat([
      decipher.update(data.subarray(0, data.length - 16)),
      decipher.final(),
    ]).toString('utf8')
  } catch {
    return null
  }
}

/**
 * A schema built when first used. The functions that carry the WeChat Pay adapter (the shop's,
 * points', admin's, jobs') read these only in a payment call or a notification, so building the
 * ~190 zod objects below belongs to that call, not to every cold start.
 */
function onFirstUse<T>(build: () => T): () => T {
  let built: T | undefined
  return () => (built ??= build())
}

const fen = onFirstUse(() => z.number().int().min(0).max(Number.MAX_SAFE_INTEGER))
const id = (max: number) => z.string().min(1).max(max)
/** RFC 3339 with an offset, as WeChat writes times (`2026-01-01T10:00:00+08:00`). */
const wechatTime = onFirstUse(() =>
  z
    .string()
    .refine(
      (s) =>
        /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?([+-]\d\d:\d\d|Z)$/.test(s) &&
        !Number.isNaN(Date.parse(s)),
      'not an RFC 3339 time',
    ),
)

/** The notification envelope (the body WeChat posts). */
export const notificationEnvelope = onFirstUse(() =>
  z.object({
    id: id(64),
    create_time: wechatTime(),
    event_type: id(64),
    resource_type: z.literal('encrypt-resource'),
    summary: z.string().max(256).optional(),
    resource: z.object({
      algorithm: z.literal('AEAD_AES_256_GCM'),
      ciphertext: z.string().min(1).max(65_536),
      associated_data: z.string().max(256).optional(),
      nonce: z.string().min(1).max(64),
      original_type: z.string().max(64).optional(),
    }),
  }),
)
export type NotificationEnvelope = z.infer<ReturnType<typeof notificationEnvelope>>

/** The decrypted resource of TRANSACTION.SUCCESS. */
export const transactionResource = onFirstUse(() =>
  z.object({
    mchid: id(32),
    appid: id(32),
    out_trade_no: id(32),
    transaction_id: id(32),
    trade_type: z.string().max(16),
    trade_state: z.literal('SUCCESS'),
    success_time: wechatTime(),
    payer: z.object({ openid: id(128) }),
    amount: z.object({
      total: fen().min(1),
      payer_total: fen().optional(),
      currency: z.literal('CNY'),
      payer_currency: z.string().optional(),
    }),
  }),
)
export type TransactionResource = z.infer<ReturnType<typeof transactionResource>>

/** The decrypted resource of REFUND.SUCCESS / REFUND.ABNORMAL / REFUND.CLOSED. */
export const refundResource = onFirstUse(() =>
  z.object({
    mchid: id(32),
    out_trade_no: id(32),
    transaction_id: id(32),
    out_refund_no: id(64),
    refund_id: id(32),
    refund_status: z.enum(['SUCCESS', 'ABNORMAL', 'CLOSED']),
    success_time: wechatTime().optional(),
    user_received_account: z.string().max(64).optional(),
    amount: z.object({
      total: fen().min(1),
      refund: fen().min(1),
      payer_total: fen().optional(),
      payer_refund: fen().optional(),
    }),
  }),
)
export type RefundResource = z.infer<ReturnType<typeof refundResource>>

/** GET /v3/pay/transactions/out-trade-no/{out_trade_no} */
export const transactionAnswer = onFirstUse(() =>
  z.object({
    mchid: id(32),
    appid: id(32),
    out_trade_no: id(32),
    transaction_id: id(32).optional(),
    trade_state: z.enum([
      'SUCCESS',
      'REFUND',
      'NOTPAY',
      'CLOSED',
      'REVOKED',
      'USERPAYING',
      'PAYERROR',
    ]),
    success_time: wechatTime().optional(),
    payer: z.object({ openid: id(128).optional() }).optional(),
    amount: z
      .object({
        total: fen().min(1).optional(),
        payer_total: fen().optional(),
        currency: z.string().optional(),
      })
      .optional(),
  }),
)

/** POST /v3/refund/domestic/refunds and GET /v3/refund/domestic/refunds/{out_refund_no} */
export const refundAnswer = onFirstUse(() =>
  z.object({
    refund_id: id(32),
    out_refund_no: id(64),
    transaction_id: id(32),
    out_trade_no: id(32),
    status: z.enum(['SUCCESS', 'CLOSED', 'PROCESSING', 'ABNORMAL']),
    success_time: wechatTime().optional(),
    amount: z.object({ total: fen().min(1), refund: fen().min(1) }),
  }),
)

/** WeChat writes times in Beijing time with an explicit offset. */
export function formatWechatTime(at: Date): string {
  return `${new Date(at.getTime() + 8 * 3_600_000).toISOString().slice(0, 19)}+08:00`
}

/** A notification whose Wechatpay-Timestamp is further than this from now is refused (either way). */
export const NOTIFICATION_MAX_SKEW_MS = 5 * 60_000

export function isFreshTimestamp(timestampSeconds: number, now: Date): boolean {
  return (
    Number.isSafeInteger(timestampSeconds) &&
    Math.abs(now.getTime() - timestampSeconds * 1000) <= NOTIFICATION_MAX_SKEW_MS
  )
}
