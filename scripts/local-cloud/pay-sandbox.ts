/**
 * The local stack's WeChat Pay: a sandbox merchant with its own keys that
 * - emulates the v3 API the production adapter calls, under `/sandbox/wxpay` (the adapter's base
 *   URL locally): JSAPI orders, query, close, refunds, refund query, platform certificates. It
 *   checks each request's merchant signature as WeChat does and signs its answers;
 * - pays an order on `POST /sandbox/pay/<out_trade_no>` and posts a genuine notification to the
 *   order's notify_url: signed with the platform key (certificate mode) or the WeChat Pay public
 *   key (`PUB_KEY_ID_…` mode), resource encrypted with AEAD_AES_256_GCM under the APIv3 key;
 * - refunds on `POST /sandbox/refund/<out_trade_no>` (as if from the merchant platform, or to
 *   settle a refund the API created) and posts the refund notification. Refunds created through
 *   the API settle by themselves a moment later, as WeChat's do.
 *
 * Keys are generated once per data folder (`<DATA_DIR>/pay-sandbox-keys.json`) and reach the
 * functions as the same PAY_* environment variables production uses (README, "Deploying");
 * transactions and refunds persist in `<DATA_DIR>/pay-sandbox-state.json`.
 */
import {
  createPublicKey,
  generateKeyPairSync,
  randomBytes,
  randomUUID,
  type KeyObject,
} from 'node:crypto'
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import type http from 'node:http'
import path from 'node:path'
import { z } from 'zod'
import {
  encryptResource,
  formatWechatTime,
  signedMessage,
  signSha256Rsa,
  verifySha256Rsa,
  type RefundResource,
  type TransactionResource,
} from '../../shared/platform/adapters/wechatpay-wire'
import { readBody, sendJson } from './gateway'
import { selfSignedCertificate } from './x509'

export type PayVerificationMode = 'public-key' | 'certificate'

export interface PaySandboxKeys {
  mchid: string
  apiV3Key: string
  merchant: { serialNo: string; privateKey: string; publicKey: string }
  platform: { serialNo: string; privateKey: string; certificate: string }
  wechatPublicKey: { id: string; privateKey: string; publicKey: string }
}

function rsaPair(): { privateKey: string; publicKey: string } {
  return generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  })
}

const hexSerial = () => randomBytes(20).toString('hex').toUpperCase()

export function createPaySandboxKeys(now = new Date()): PaySandboxKeys {
  const mchid = '1900012345'
  const platform = rsaPair()
  const platformSerial = hexSerial()
  const day = now.toISOString().slice(0, 10).replace(/-/g, '')
  return {
    mchid,
    apiV3Key: randomBytes(24).toString('base64url'),
    merchant: { serialNo: hexSerial(), ...rsaPair() },
    platform: {
      serialNo: platformSerial,
      privateKey: platform.privateKey,
      certificate: selfSignedCertificate(platform.privateKey, {
        serialHex: platformSerial,
        commonName: 'Local WeChat Pay Platform Certificate',
        notBefore: new Date(now.getTime() - 86_400_000),
        notAfter: new Date(now.getTime() + 5 * 365 * 86_400_000),
      }),
    },
    wechatPublicKey: {
      id: `PUB_KEY_ID_01${mchid}${day}${String(randomBytes(4).readUInt32BE()).padStart(10, '0')}`,
      ...rsaPair(),
    },
  }
}

/** Generated once per data folder and kept beside the data, like secrets.json. */
export function loadOrCreatePaySandboxKeys(dataDir: string): PaySandboxKeys {
  const file = path.join(dataDir, 'pay-sandbox-keys.json')
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as PaySandboxKeys
  const keys = createPaySandboxKeys()
  writeFileSync(file, `${JSON.stringify(keys, null, 2)}\n`, { mode: 0o600 })
  return keys
}

/** The functions' PAY_* environment for this sandbox: the production variable names. */
export function payEnvironment(
  keys: PaySandboxKeys,
  options: { appid: string; stackUrl: string; mode: PayVerificationMode },
): Record<string, string> {
  const env: Record<string, string> = {
    PAY_APPID: options.appid,
    PAY_MCHID: keys.mchid,
    PAY_MCH_SERIAL_NO: keys.merchant.serialNo,
    PAY_MCH_PRIVATE_KEY: keys.merchant.privateKey,
    PAY_API_V3_KEY: keys.apiV3Key,
    PAY_NOTIFY_URL: `${options.stackUrl}/http/pay/notify`,
    PAY_API_BASE_URL: `${options.stackUrl}${API_PREFIX}`,
  }
  if (options.mode === 'public-key') {
    env.PAY_PUBLIC_KEY_ID = keys.wechatPublicKey.id
    env.PAY_PUBLIC_KEY = keys.wechatPublicKey.publicKey
  } else {
    env.PAY_PLATFORM_CERTIFICATES = 'on'
  }
  return env
}

export const API_PREFIX = '/sandbox/wxpay'

type TradeState = 'NOTPAY' | 'SUCCESS' | 'CLOSED' | 'REFUND'

interface SandboxTransaction {
  appid: string
  mchid: string
  outTradeNo: string
  description: string
  amountFen: number
  payerOpenid: string
  notifyUrl: string
  timeExpire: string | null
  prepayId: string
  /** The first request's body: WeChat answers a repeat with the same prepay_id only if it matches. */
  request: string
  tradeState: TradeState
  transactionId: string | null
  successTime: string | null
  createdAt: string
}

type RefundState = 'PROCESSING' | 'SUCCESS' | 'ABNORMAL' | 'CLOSED'

interface SandboxRefund {
  outRefundNo: string
  refundId: string
  outTradeNo: string
  transactionId: string
  refundFen: number
  totalFen: number
  reason: string | null
  notifyUrl: string | null
  status: RefundState
  createdAt: string
  successTime: string | null
}

interface SandboxState {
  transactions: Record<string, SandboxTransaction>
  refunds: Record<string, SandboxRefund>
}

export interface SignedNotification {
  url: string
  headers: Record<string, string>
  body: string
}

export interface Delivery {
  status: number
  body: string
}

export interface PaySandboxOptions {
  keys: PaySandboxKeys
  mode: PayVerificationMode
  dataDir: string
  /** The stack's own origin: the only place notifications are posted to. */
  stackUrl: string
  /** The stack's clock (tests move it). */
  now: () => number
  /** Delay before an API-created refund settles; null holds refunds until /sandbox/refund. */
  refundSettleMs?: number | null
}

class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message)
  }
}

const jsapiRequest = z.object({
  appid: z.string().min(1).max(32),
  mchid: z.string().min(1).max(32),
  description: z.string().min(1).max(127),
  out_trade_no: z.string().regex(/^[A-Za-z0-9_|*-]{6,32}$/),
  time_expire: z.string().optional(),
  notify_url: z.string().url().max(256),
  amount: z.object({ total: z.number().int().min(1), currency: z.literal('CNY').optional() }),
  payer: z.object({ openid: z.string().min(1).max(128) }),
})

const refundRequest = z.object({
  out_trade_no: z.string().min(1).max(32).optional(),
  transaction_id: z.string().min(1).max(32).optional(),
  out_refund_no: z.string().regex(/^[A-Za-z0-9_|*@-]{1,64}$/),
  reason: z.string().max(80).optional(),
  notify_url: z.string().url().max(256).optional(),
  amount: z.object({
    refund: z.number().int().min(1),
    total: z.number().int().min(1),
    currency: z.literal('CNY'),
  }),
})

const payControl = z.strictObject({
  /** false: mark paid at "WeChat" but hold the notification (returned in the answer). */
  notify: z.boolean().optional(),
  /** Genuinely signed notifications whose facts disagree with the order (tests of the checks). */
  amountFen: z.number().int().min(1).optional(),
  mchid: z.string().min(1).max(32).optional(),
  appid: z.string().min(1).max(32).optional(),
  openid: z.string().min(1).max(128).optional(),
})

const refundControl = z.strictObject({
  /** Settle this API-created refund; without it, a new refund as if made in the merchant platform. */
  outRefundNo: z.string().min(1).max(64).optional(),
  amountFen: z.number().int().min(1).optional(),
  status: z.enum(['SUCCESS', 'ABNORMAL', 'CLOSED']).optional(),
  notify: z.boolean().optional(),
})

export class PaySandbox {
  private readonly state: SandboxState
  private readonly stateFile: string
  private readonly merchantKey: KeyObject
  private readonly timers = new Set<NodeJS.Timeout>()

  constructor(private readonly options: PaySandboxOptions) {
    this.stateFile = path.join(options.dataDir, 'pay-sandbox-state.json')
    this.state = existsSync(this.stateFile)
      ? (JSON.parse(readFileSync(this.stateFile, 'utf8')) as SandboxState)
      : { transactions: {}, refunds: {} }
    this.merchantKey = createPublicKey(options.keys.merchant.publicKey)
  }

  handles(pathname: string): boolean {
    return (
      pathname.startsWith(`${API_PREFIX}/`) || /^\/sandbox\/(pay|refund)\/[^/]+$/.test(pathname)
    )
  }

  close(): void {
    for (const timer of this.timers) clearTimeout(timer)
    this.timers.clear()
  }

  private save(): void {
    const temp = `${this.stateFile}.tmp`
    writeFileSync(temp, JSON.stringify(this.state))
    renameSync(temp, this.stateFile)
  }

  private nowIso(): string {
    return formatWechatTime(new Date(this.options.now()))
  }

  // ---------------------------------------------------------------- notifications

  /** The key WeChat signs with in this mode, and the serial it names. */
  private signer(): { serial: string; privateKey: string } {
    return this.options.mode === 'public-key'
      ? {
          serial: this.options.keys.wechatPublicKey.id,
          privateKey: this.options.keys.wechatPublicKey.privateKey,
        }
      : {
          serial: this.options.keys.platform.serialNo,
          privateKey: this.options.keys.platform.privateKey,
        }
  }

  /** Wechatpay-* headers over a body, as WeChat signs notifications and API answers. */
  signHeaders(body: string, at = this.options.now()): Record<string, string> {
    const { serial, privateKey } = this.signer()
    const timestamp = String(Math.floor(at / 1000))
    const nonce = randomBytes(16).toString('hex')
    return {
      'wechatpay-timestamp': timestamp,
      'wechatpay-nonce': nonce,
      'wechatpay-signature': signSha256Rsa(signedMessage(timestamp, nonce, body), privateKey),
      'wechatpay-serial': serial,
      'wechatpay-signature-type': 'WECHATPAY2-SHA256-RSA2048',
    }
  }

  /** A genuine notification: the resource encrypted with the APIv3 key, the body signed. */
  notification(
    url: string,
    eventType: string,
    originalType: 'transaction' | 'refund',
    resource: object,
    summary: string,
  ): SignedNotification {
    const body = JSON.stringify({
      id: randomUUID(),
      create_time: this.nowIso(),
      resource_type: 'encrypt-resource',
      event_type: eventType,
      summary,
      resource: encryptResource(
        JSON.stringify(resource),
        this.options.keys.apiV3Key,
        originalType,
        originalType,
      ),
    })
    return { url, headers: { 'content-type': 'application/json', ...this.signHeaders(body) }, body }
  }

  async deliver(notification: SignedNotification): Promise<Delivery> {
    const res = await fetch(notification.url, {
      method: 'POST',
      headers: notification.headers,
      body: notification.body,
    })
    return { status: res.status, body: await res.text() }
  }

  private transactionResource(
    t: SandboxTransaction,
    overrides: z.infer<typeof payControl> = {},
  ): TransactionResource & Record<string, unknown> {
    return {
      mchid: overrides.mchid ?? t.mchid,
      appid: overrides.appid ?? t.appid,
      out_trade_no: t.outTradeNo,
      transaction_id: t.transactionId!,
      trade_type: 'JSAPI',
      trade_state: 'SUCCESS',
      trade_state_desc: '支付成功',
      bank_type: 'OTHERS',
      attach: '',
      success_time: t.successTime!,
      payer: { openid: overrides.openid ?? t.payerOpenid },
      amount: {
        total: overrides.amountFen ?? t.amountFen,
        payer_total: overrides.amountFen ?? t.amountFen,
        currency: 'CNY',
        payer_currency: 'CNY',
      },
    }
  }

  private refundResource(r: SandboxRefund): RefundResource & Record<string, unknown> {
    return {
      mchid: this.options.keys.mchid,
      out_trade_no: r.outTradeNo,
      transaction_id: r.transactionId,
      out_refund_no: r.outRefundNo,
      refund_id: r.refundId,
      refund_status: r.status as 'SUCCESS' | 'ABNORMAL' | 'CLOSED',
      ...(r.successTime ? { success_time: r.successTime } : {}),
      user_received_account: '支付用户零钱',
      amount: {
        total: r.totalFen,
        refund: r.refundFen,
        payer_total: r.totalFen,
        payer_refund: r.refundFen,
      },
    }
  }

  // ---------------------------------------------------------------- control: pay and refund

  /** `POST /sandbox/pay/<out_trade_no>`: the payer pays; WeChat notifies. */
  async pay(
    outTradeNo: string,
    control: z.infer<typeof payControl> = {},
  ): Promise<{ status: number; body: unknown }> {
    const t = this.state.transactions[outTradeNo]
    if (!t)
      return {
        status: 404,
        body: { code: 'ORDER_NOT_EXIST', message: `no sandbox order ${outTradeNo}` },
      }
    if (
      t.tradeState === 'NOTPAY' &&
      t.timeExpire &&
      Date.parse(t.timeExpire) <= this.options.now()
    ) {
      t.tradeState = 'CLOSED'
      this.save()
    }
    if (t.tradeState === 'CLOSED')
      return { status: 409, body: { code: 'ORDER_CLOSED', message: '订单已关闭' } }
    if (t.tradeState === 'NOTPAY') {
      t.tradeState = 'SUCCESS'
      t.transactionId = `42000${Date.now()}${randomBytes(4).readUInt32BE() % 100_000}`.slice(0, 28)
      t.successTime = this.nowIso()
      this.save()
    }
    // Already paid: WeChat sends the notification again (as its retries do).
    const notification = this.notification(
      t.notifyUrl,
      'TRANSACTION.SUCCESS',
      'transaction',
      this.transactionResource(t, control),
      '支付成功',
    )
    const delivery = control.notify === false ? null : await this.deliver(notification)
    return {
      status: 200,
      body: {
        outTradeNo,
        transactionId: t.transactionId,
        tradeState: t.tradeState,
        notification,
        delivery,
      },
    }
  }

  /** `POST /sandbox/refund/<out_trade_no>`: a refund settles (or is made in the merchant platform). */
  async settleRefund(
    outTradeNo: string,
    control: z.infer<typeof refundControl> = {},
  ): Promise<{ status: number; body: unknown }> {
    const t = this.state.transactions[outTradeNo]
    if (!t)
      return {
        status: 404,
        body: { code: 'ORDER_NOT_EXIST', message: `no sandbox order ${outTradeNo}` },
      }
    if (t.tradeState !== 'SUCCESS' && t.tradeState !== 'REFUND')
      return { status: 409, body: { code: 'TRADE_NOT_PAID', message: '订单未支付' } }
    let refund = control.outRefundNo ? this.state.refunds[control.outRefundNo] : undefined
    if (control.outRefundNo && (!refund || refund.outTradeNo !== outTradeNo))
      return { status: 404, body: { code: 'RESOURCE_NOT_EXISTS', message: '退款单不存在' } }
    if (!refund) {
      const amount = control.amountFen ?? t.amountFen - this.refundedFen(outTradeNo)
      if (amount <= 0 || amount > t.amountFen - this.refundedFen(outTradeNo))
        return {
          status: 400,
          body: { code: 'INVALID_REQUEST', message: '退款金额超过订单可退金额' },
        }
      refund = this.newRefund(
        t,
        `MP${Date.now()}${randomBytes(3).toString('hex')}`,
        amount,
        '商户平台退款',
        null,
      )
    }
    return this.finishRefund(refund, control.status ?? 'SUCCESS', control.notify !== false)
  }

  private refundedFen(outTradeNo: string): number {
    return Object.values(this.state.refunds)
      .filter(
        (r) => r.outTradeNo === outTradeNo && (r.status === 'SUCCESS' || r.status === 'PROCESSING'),
      )
      .reduce((sum, r) => sum + r.refundFen, 0)
  }

  private newRefund(
    t: SandboxTransaction,
    outRefundNo: string,
    refundFen: number,
    reason: string | null,
    notifyUrl: string | null,
  ): SandboxRefund {
    const refund: SandboxRefund = {
      outRefundNo,
      refundId: `50300${Date.now()}${randomBytes(3).readUIntBE(0, 3)}`.slice(0, 29),
      outTradeNo: t.outTradeNo,
      transactionId: t.transactionId!,
      refundFen,
      totalFen: t.amountFen,
      reason,
      notifyUrl,
      status: 'PROCESSING',
      createdAt: this.nowIso(),
      successTime: null,
    }
    this.state.refunds[outRefundNo] = refund
    this.save()
    return refund
  }

  private async finishRefund(
    refund: SandboxRefund,
    status: 'SUCCESS' | 'ABNORMAL' | 'CLOSED',
    notify: boolean,
  ): Promise<{ status: number; body: unknown }> {
    if (refund.status === 'PROCESSING') {
      refund.status = status
      if (status === 'SUCCESS') {
        refund.successTime = this.nowIso()
        const t = this.state.transactions[refund.outTradeNo]!
        t.tradeState = 'REFUND'
      }
      this.save()
    }
    const url = refund.notifyUrl ?? this.state.transactions[refund.outTradeNo]!.notifyUrl
    const notification = this.notification(
      url,
      `REFUND.${refund.status}`,
      'refund',
      this.refundResource(refund),
      '退款状态变更',
    )
    const delivery = notify ? await this.deliver(notification) : null
    return {
      status: 200,
      body: {
        outTradeNo: refund.outTradeNo,
        outRefundNo: refund.outRefundNo,
        refundStatus: refund.status,
        notification,
        delivery,
      },
    }
  }

  // ---------------------------------------------------------------- the v3 API

  /** Checks `Authorization: WECHATPAY2-SHA256-RSA2048 mchid=…,serial_no=…,signature=…` as WeChat does. */
  private authenticate(req: http.IncomingMessage, pathWithQuery: string, body: string): void {
    const header = req.headers.authorization ?? ''
    const scheme = 'WECHATPAY2-SHA256-RSA2048 '
    if (!header.startsWith(scheme))
      throw new ApiError(401, 'SIGN_ERROR', '缺少或无法识别的 Authorization')
    const fields = Object.fromEntries(
      [...header.slice(scheme.length).matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]),
    )
    if (fields.mchid !== this.options.keys.mchid)
      throw new ApiError(401, 'SIGN_ERROR', '商户号与签名不匹配')
    if (fields.serial_no !== this.options.keys.merchant.serialNo)
      throw new ApiError(401, 'SIGN_ERROR', '商户证书序列号有误')
    const timestamp = Number(fields.timestamp)
    // The library stamps requests with the machine's time, not the stack's (movable) clock.
    if (!Number.isInteger(timestamp) || Math.abs(Date.now() / 1000 - timestamp) > 300)
      throw new ApiError(401, 'SIGN_ERROR', '请求时间戳过期')
    const message = Buffer.from(
      `${req.method}\n${pathWithQuery}\n${fields.timestamp}\n${fields.nonce_str}\n${body}\n`,
      'utf8',
    )
    if (!verifySha256Rsa(message, fields.signature ?? '', this.merchantKey))
      throw new ApiError(401, 'SIGN_ERROR', '签名错误')
  }

  private transactionAnswer(t: SandboxTransaction): object {
    return {
      appid: t.appid,
      mchid: t.mchid,
      out_trade_no: t.outTradeNo,
      ...(t.transactionId
        ? {
            transaction_id: t.transactionId,
            trade_type: 'JSAPI',
            bank_type: 'OTHERS',
            success_time: t.successTime,
          }
        : {}),
      trade_state: t.tradeState,
      trade_state_desc: {
        NOTPAY: '未支付',
        SUCCESS: '支付成功',
        CLOSED: '已关闭',
        REFUND: '转入退款',
      }[t.tradeState],
      attach: '',
      ...(t.transactionId ? { payer: { openid: t.payerOpenid } } : {}),
      amount: {
        total: t.amountFen,
        currency: 'CNY',
        ...(t.transactionId ? { payer_total: t.amountFen, payer_currency: 'CNY' } : {}),
      },
    }
  }

  private refundAnswer(r: SandboxRefund): object {
    return {
      refund_id: r.refundId,
      out_refund_no: r.outRefundNo,
      transaction_id: r.transactionId,
      out_trade_no: r.outTradeNo,
      channel: 'ORIGINAL',
      user_received_account: '支付用户零钱',
      ...(r.successTime ? { success_time: r.successTime } : {}),
      create_time: r.createdAt,
      status: r.status,
      amount: {
        total: r.totalFen,
        refund: r.refundFen,
        payer_total: r.totalFen,
        payer_refund: r.refundFen,
        settlement_total: r.totalFen,
        settlement_refund: r.refundFen,
        discount_refund: 0,
        currency: 'CNY',
      },
    }
  }

  private transactionFor(outTradeNo: string): SandboxTransaction {
    const t = this.state.transactions[outTradeNo]
    if (!t) throw new ApiError(404, 'ORDER_NOT_EXIST', '订单不存在')
    if (
      t.tradeState === 'NOTPAY' &&
      t.timeExpire &&
      Date.parse(t.timeExpire) <= this.options.now()
    ) {
      t.tradeState = 'CLOSED'
      this.save()
    }
    return t
  }

  private parse<T>(schema: z.ZodType<T>, body: string): T {
    let json: unknown
    try {
      json = JSON.parse(body)
    } catch {
      throw new ApiError(400, 'PARAM_ERROR', '请求体不是 JSON')
    }
    const parsed = schema.safeParse(json)
    if (!parsed.success) {
      const issue = parsed.error.issues[0]
      throw new ApiError(400, 'PARAM_ERROR', `${issue?.path.join('.')}: ${issue?.message}`)
    }
    return parsed.data
  }

  private async api(
    method: string,
    route: string,
    query: URLSearchParams,
    body: string,
  ): Promise<{ status: number; body?: object }> {
    const keys = this.options.keys
    if (method === 'POST' && route === '/v3/pay/transactions/jsapi') {
      const input = this.parse(jsapiRequest, body)
      if (input.mchid !== keys.mchid) throw new ApiError(400, 'MCH_NOT_EXISTS', '商户号不存在')
      if (!input.notify_url.startsWith(`${this.options.stackUrl}/`))
        throw new ApiError(400, 'PARAM_ERROR', 'notify_url 必须指向本地服务')
      const existing = this.state.transactions[input.out_trade_no]
      if (existing) {
        if (existing.tradeState === 'SUCCESS' || existing.tradeState === 'REFUND')
          throw new ApiError(400, 'ORDERPAID', '该订单已支付')
        if (existing.tradeState === 'CLOSED') throw new ApiError(400, 'ORDER_CLOSED', '订单已关闭')
        if (existing.request !== body)
          throw new ApiError(400, 'INVALID_REQUEST', '201 商户订单号重复：参数与首次请求不一致')
        return { status: 200, body: { prepay_id: existing.prepayId } }
      }
      const t: SandboxTransaction = {
        appid: input.appid,
        mchid: input.mchid,
        outTradeNo: input.out_trade_no,
        description: input.description,
        amountFen: input.amount.total,
        payerOpenid: input.payer.openid,
        notifyUrl: input.notify_url,
        timeExpire: input.time_expire ?? null,
        prepayId: `wx${Date.now()}${randomBytes(8).toString('hex')}`.slice(0, 64),
        request: body,
        tradeState: 'NOTPAY',
        transactionId: null,
        successTime: null,
        createdAt: this.nowIso(),
      }
      this.state.transactions[t.outTradeNo] = t
      this.save()
      return { status: 200, body: { prepay_id: t.prepayId } }
    }
    let m = /^\/v3\/pay\/transactions\/out-trade-no\/([^/]+)$/.exec(route)
    if (method === 'GET' && m) {
      if (query.get('mchid') !== keys.mchid)
        throw new ApiError(400, 'PARAM_ERROR', 'mchid 与订单不符')
      return {
        status: 200,
        body: this.transactionAnswer(this.transactionFor(decodeURIComponent(m[1]!))),
      }
    }
    m = /^\/v3\/pay\/transactions\/id\/([^/]+)$/.exec(route)
    if (method === 'GET' && m) {
      const t = Object.values(this.state.transactions).find(
        (x) => x.transactionId === decodeURIComponent(m![1]!),
      )
      if (!t) throw new ApiError(404, 'ORDER_NOT_EXIST', '订单不存在')
      return { status: 200, body: this.transactionAnswer(t) }
    }
    m = /^\/v3\/pay\/transactions\/out-trade-no\/([^/]+)\/close$/.exec(route)
    if (method === 'POST' && m) {
      const input = this.parse(z.object({ mchid: z.string() }), body)
      if (input.mchid !== keys.mchid) throw new ApiError(400, 'PARAM_ERROR', 'mchid 与订单不符')
      const t = this.transactionFor(decodeURIComponent(m[1]!))
      if (t.tradeState === 'SUCCESS' || t.tradeState === 'REFUND')
        throw new ApiError(400, 'ORDERPAID', '订单已支付，不能关闭')
      t.tradeState = 'CLOSED'
      this.save()
      return { status: 204 }
    }
    if (method === 'POST' && route === '/v3/refund/domestic/refunds') {
      const input = this.parse(refundRequest, body)
      const t = input.out_trade_no
        ? this.state.transactions[input.out_trade_no]
        : Object.values(this.state.transactions).find(
            (x) => x.transactionId === input.transaction_id,
          )
      if (!t) throw new ApiError(404, 'RESOURCE_NOT_EXISTS', '订单不存在')
      const existing = this.state.refunds[input.out_refund_no]
      if (existing) {
        // The same out_refund_no is the same refund: a retry never refunds twice.
        if (existing.outTradeNo !== t.outTradeNo || existing.refundFen !== input.amount.refund)
          throw new ApiError(400, 'INVALID_REQUEST', '退款单号重复：参数与首次请求不一致')
        return { status: 200, body: this.refundAnswer(existing) }
      }
      if (t.tradeState !== 'SUCCESS' && t.tradeState !== 'REFUND')
        throw new ApiError(400, 'TRADE_NOT_PAID', '订单未支付')
      if (input.amount.total !== t.amountFen)
        throw new ApiError(400, 'PARAM_ERROR', '订单金额与原订单不符')
      if (input.amount.refund > t.amountFen - this.refundedFen(t.outTradeNo))
        throw new ApiError(400, 'NOT_ENOUGH', '申请退款金额超过订单可退金额')
      const refund = this.newRefund(
        t,
        input.out_refund_no,
        input.amount.refund,
        input.reason ?? null,
        input.notify_url ?? null,
      )
      const delay = this.options.refundSettleMs === undefined ? 50 : this.options.refundSettleMs
      if (delay !== null) {
        const timer = setTimeout(() => {
          this.timers.delete(timer)
          this.finishRefund(refund, 'SUCCESS', true).catch((err) =>
            process.stderr.write(
              `[pay-sandbox] refund ${refund.outRefundNo}: ${(err as Error).message}\n`,
            ),
          )
        }, delay)
        this.timers.add(timer)
      }
      return { status: 200, body: this.refundAnswer(refund) }
    }
    m = /^\/v3\/refund\/domestic\/refunds\/([^/]+)$/.exec(route)
    if (method === 'GET' && m) {
      const refund = this.state.refunds[decodeURIComponent(m[1]!)]
      if (!refund) throw new ApiError(404, 'RESOURCE_NOT_EXISTS', '退款单不存在')
      return { status: 200, body: this.refundAnswer(refund) }
    }
    if (method === 'GET' && route === '/v3/certificates') {
      const c = this.options.keys.platform
      return {
        status: 200,
        body: {
          data: [
            {
              serial_no: c.serialNo,
              effective_time: formatWechatTime(new Date(Date.now() - 86_400_000)),
              expire_time: formatWechatTime(new Date(Date.now() + 365 * 86_400_000)),
              encrypt_certificate: encryptResource(
                c.certificate,
                this.options.keys.apiV3Key,
                'certificate',
                'certificate',
              ),
            },
          ],
        },
      }
    }
    throw new ApiError(404, 'NOT_FOUND', `no sandbox API at ${method} ${route}`)
  }

  async serve(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    pathname: string,
  ): Promise<void> {
    const body = (await readBody(req, 64 * 1024)).toString('utf8')
    const control = /^\/sandbox\/(pay|refund)\/([^/]+)$/.exec(pathname)
    if (control) {
      if (req.method !== 'POST')
        return sendJson(res, 405, { code: 'METHOD_NOT_ALLOWED', message: 'use POST' })
      const outTradeNo = decodeURIComponent(control[2]!)
      let input: unknown
      try {
        input = body.trim() === '' ? {} : JSON.parse(body)
      } catch {
        return sendJson(res, 400, { code: 'PARAM_ERROR', message: 'body is not JSON' })
      }
      const schema = control[1] === 'pay' ? payControl : refundControl
      const parsed = schema.safeParse(input)
      if (!parsed.success)
        return sendJson(res, 400, {
          code: 'PARAM_ERROR',
          message: parsed.error.issues[0]?.message ?? 'invalid body',
        })
      const answer =
        control[1] === 'pay'
          ? await this.pay(outTradeNo, parsed.data)
          : await this.settleRefund(outTradeNo, parsed.data as z.infer<typeof refundControl>)
      return sendJson(res, answer.status, answer.body)
    }
    const url = new URL(req.url ?? '/', 'http://sandbox')
    const route = url.pathname.slice(API_PREFIX.length)
    let status: number
    let answer = ''
    try {
      this.authenticate(req, `${route}${url.search}`, body)
      const out = await this.api(req.method ?? 'GET', route, url.searchParams, body)
      status = out.status
      answer = out.body ? JSON.stringify(out.body) : ''
    } catch (err) {
      if (!(err instanceof ApiError)) throw err
      status = err.status
      answer = JSON.stringify({ code: err.code, message: err.message })
    }
    // WeChat signs every answer too.
    const headers: Record<string, string> = {
      ...this.signHeaders(answer, Date.now()),
      'request-id': randomUUID(),
    }
    if (answer !== '') headers['content-type'] = 'application/json; charset=utf-8'
    res.writeHead(status, headers)
    res.end(answer)
  }
}
