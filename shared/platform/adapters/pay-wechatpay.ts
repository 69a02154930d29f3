/**
 * Production WeChat Pay adapter on wechatpay-node-v3: the library builds and signs the v3 API
 * requests (JSAPI order, query, close, refunds, platform certificates) and the `paySign` of the
 * payment parameters; its HTTP layer is replaced (`createHttp`) by `fetch` against `baseUrl`, so
 * the local stack runs this same adapter against the pay sandbox.
 *
 * Notifications are verified here, not by the library, because of what it does not do:
 * - `verifySign` neither checks Wechatpay-Timestamp nor limits which serials it trusts: an
 *   unknown serial makes it download /v3/certificates (an outbound call anyone can trigger), and
 *   its key map is static, shared by every instance in the process;
 * - `decipher_gcm` never checks the GCM tag: a wrong key or edited ciphertext gives garbage.
 * So: freshness (5 minutes), a serial this merchant trusts (the WeChat Pay public key's
 * `PUB_KEY_ID_…` and/or platform certificates, refreshed at most once a minute), the signature
 * over the raw body, authenticated decryption, then the decrypted object validated with zod and
 * its merchant and appid checked. Amount and payer are the payments service's to check against
 * the order.
 *
 * The library (with superagent, @fidm/x509, tweetnacl and mime, about 350 KB bundled) is loaded
 * on the first call that needs it, not at cold start: verifying a notification with the WeChat Pay
 * public key never does, and most invocations of the functions that carry this adapter make no
 * payment call at all. scripts/build-functions.ts puts it in its own file beside index.js.
 */
import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto'
import type Pay from 'wechatpay-node-v3'
import { isFreshTimestamp } from './wechatpay-wire'
import {
  type JsapiOrder,
  type JsapiOrderRequest,
  type NotificationRefusal,
  type NotificationRequest,
  type NotificationVerdict,
  type PayEvent,
  PayError,
  type PayPort,
  type PayRefund,
  type PayTransaction,
  type RefundRequest,
} from '../ports/pay'
import {
  decryptResource,
  formatWechatTime,
  notificationEnvelope,
  refundAnswer,
  refundResource,
  signedMessage,
  transactionAnswer,
  transactionResource,
  verifySha256Rsa,
} from './wechatpay-wire'

export const WECHATPAY_API = 'https://api.mch.weixin.qq.com'

export interface WeChatPayOptions {
  /** The mini-program's appid (payments are made to it). */
  appid: string
  mchid: string
  /** Serial number of the merchant API certificate (商户API证书序列号). */
  merchantSerialNo: string
  /** The merchant API private key, PEM (apiclient_key.pem). */
  merchantPrivateKey: string
  /** The 32-character APIv3 key (APIv3密钥). */
  apiV3Key: string
  /**
   * Where WeChat posts notifications (the `pay` function's HTTP access path), unless an order or
   * a refund names its own (WeChat takes notify_url per request).
   */
  notifyUrl: string
  /** WeChat Pay public-key mode: the key's id (`PUB_KEY_ID_…`) and PEM. */
  publicKey?: { id: string; pem: string }
  /** Platform-certificate mode: trust the certificates /v3/certificates returns. */
  platformCertificates?: boolean
  /** Default https://api.mch.weixin.qq.com; the local stack points it at the sandbox. */
  baseUrl?: string
  fetch?: typeof fetch
  /** An unknown serial refreshes the platform certificates at most this often (default 60 s). */
  certificateRefreshMs?: number
  requestTimeoutMs?: number
}

interface Output {
  status: number
  data?: any
  error?: any
}

/** wechatpay-node-v3's HTTP layer over fetch; the library signs the URL path and the JSON it is given. */
class FetchHttp {
  constructor(
    private readonly baseUrl: string,
    private readonly fetchFn: typeof fetch,
    private readonly timeoutMs: number,
  ) {}

  private target(url: string): string {
    return url.startsWith(WECHATPAY_API) ? `${this.baseUrl}${url.slice(WECHATPAY_API.length)}` : url
  }

  private async send(
    method: string,
    url: string,
    headers: Record<string, string>,
    body?: string,
  ): Promise<Output> {
    // fetch negotiates compression itself.
    const { 'Accept-Encoding': _ignored, ...rest } = headers
    let res: Response
    let text: string
    try {
      res = await this.fetchFn(this.target(url), {
        method,
        headers: rest,
        body,
        signal: AbortSignal.timeout(this.timeoutMs),
      })
      text = await res.text()
    } catch (err) {
      // Unreachable or timed out: the outcome is unknown (a retry with the same numbers is safe).
      throw new PayError('NETWORK', `${method} ${new URL(url).pathname}: ${(err as Error).message}`)
    }
    let data: unknown = undefined
    try {
      data = text === '' ? undefined : JSON.parse(text)
    } catch {
      data = text
    }
    return res.ok ? { status: res.status, data } : { status: res.status, data, error: text }
  }

  post(
    url: string,
    params: Record<string, unknown>,
    headers: Record<string, string>,
  ): Promise<Output> {
    // The same JSON.stringify of the same object the library signed.
    return this.send('POST', url, headers, JSON.stringify(params))
  }

  get(url: string, headers: Record<string, string>): Promise<Output> {
    return this.send('GET', url, headers)
  }

  upload(): Promise<Output> {
    return Promise.reject(new Error('uploads are not used'))
  }
}

function headerOf(headers: Record<string, string | undefined>, name: string): string | undefined {
  for (const [key, value] of Object.entries(headers)) if (key.toLowerCase() === name) return value
  return undefined
}

function refuse(reason: NotificationRefusal, detail: string): NotificationVerdict {
  return { ok: false, reason, detail }
}

/** A WeChat error answer: `{code, message}` in the body. */
function payErrorOf(operation: string, out: Output): PayError {
  const body = (typeof out.data === 'object' && out.data !== null ? out.data : {}) as {
    code?: unknown
    message?: unknown
  }
  const code = typeof body.code === 'string' ? body.code : `HTTP_${out.status}`
  const message =
    typeof body.message === 'string' ? body.message : `${operation} failed with HTTP ${out.status}`
  return new PayError(code, `${operation}: ${message}`, out.status)
}

/** wechatpay-node-v3, required on first use (a `require` the build keeps out of index.js). */
function wechatpayLibrary(): typeof Pay {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('wechatpay-node-v3') as typeof Pay
}

export class WeChatPayAdapter implements PayPort {
  readonly appid: string
  readonly mchid: string
  private readonly merchantPrivateKey: KeyObject
  private library: Pay | undefined
  /** serial (certificate serial or PUB_KEY_ID_…) → the key WeChat signs with. */
  private readonly trusted = new Map<string, KeyObject>()
  private refreshing: Promise<void> | null = null
  private lastRefreshAt = -Infinity

  constructor(private readonly options: WeChatPayOptions) {
    if (Buffer.byteLength(options.apiV3Key, 'utf8') !== 32)
      throw new Error('the APIv3 key must be 32 bytes')
    if (!options.publicKey && !options.platformCertificates)
      throw new Error('configure a WeChat Pay public key or platform certificates (or both)')
    this.appid = options.appid
    this.mchid = options.mchid
    // Parsed here, so a malformed key fails when the port is built, as before the library was lazy.
    this.merchantPrivateKey = createPrivateKey(options.merchantPrivateKey)
    if (options.publicKey)
      this.trusted.set(options.publicKey.id, createPublicKey(options.publicKey.pem))
  }

  /** The library's client, built on the first call that signs a request or reads certificates. */
  private get pay(): Pay {
    if (this.library) return this.library
    const { options, merchantPrivateKey: privateKey } = this
    const Library = wechatpayLibrary()
    const pay = new Library({
      appid: options.appid,
      mchid: options.mchid,
      serial_no: options.merchantSerialNo,
      // Only read to find the serial when serial_no is absent; the merchant's public key is honest filler.
      publicKey: Buffer.from(
        createPublicKey(privateKey).export({ type: 'spki', format: 'pem' }) as string,
      ),
      privateKey: Buffer.from(privateKey.export({ type: 'pkcs8', format: 'pem' }) as string),
      key: options.apiV3Key,
    })
    pay.createHttp(
      new FetchHttp(
        (options.baseUrl ?? WECHATPAY_API).replace(/\/$/, ''),
        options.fetch ?? fetch,
        options.requestTimeoutMs ?? 10_000,
      ) as never,
    )
    this.library = pay
    return pay
  }

  async createJsapiOrder(request: JsapiOrderRequest): Promise<JsapiOrder> {
    const out = (await this.pay.transactions_jsapi({
      description: request.description.slice(0, 127),
      out_trade_no: request.outTradeNo,
      time_expire: formatWechatTime(request.expiresAt),
      notify_url: request.notifyUrl ?? this.options.notifyUrl,
      amount: { total: request.amountFen, currency: 'CNY' },
      payer: { openid: request.payerOpenid },
    })) as Output
    const data = out.data as
      { package?: unknown; timeStamp?: unknown; nonceStr?: unknown; paySign?: unknown } | undefined
    if (
      out.status !== 200 ||
      typeof data?.package !== 'string' ||
      !data.package.startsWith('prepay_id=')
    )
      throw payErrorOf('JSAPI order', out)
    return {
      prepayId: data.package.slice('prepay_id='.length),
      payParams: {
        timeStamp: String(data.timeStamp),
        nonceStr: String(data.nonceStr),
        package: data.package,
        signType: 'RSA',
        paySign: String(data.paySign),
      },
    }
  }

  async queryOrder(outTradeNo: string): Promise<PayTransaction | null> {
    const out = (await this.pay.query({ out_trade_no: outTradeNo })) as Output
    if (out.status === 404) return null
    if (out.status !== 200) throw payErrorOf('query order', out)
    const parsed = transactionAnswer().safeParse(out.data)
    if (!parsed.success)
      throw new PayError(
        'INVALID_ANSWER',
        `query order: unexpected answer (${parsed.error.issues[0]?.message})`,
        out.status,
      )
    const t = parsed.data
    return {
      outTradeNo: t.out_trade_no,
      transactionId: t.transaction_id ?? null,
      tradeState: t.trade_state,
      appid: t.appid,
      mchid: t.mchid,
      amountFen: t.amount?.total ?? 0,
      payerOpenid: t.payer?.openid ?? null,
      successTime: t.success_time ? new Date(t.success_time) : null,
    }
  }

  async closeOrder(outTradeNo: string): Promise<void> {
    const out = (await this.pay.close(outTradeNo)) as Output
    if (out.status !== 204 && out.status !== 200) throw payErrorOf('close order', out)
  }

  async refund(request: RefundRequest): Promise<PayRefund> {
    const out = (await this.pay.refunds({
      out_trade_no: request.outTradeNo,
      out_refund_no: request.outRefundNo,
      ...(request.reason ? { reason: request.reason.slice(0, 80) } : {}),
      notify_url: request.notifyUrl ?? this.options.notifyUrl,
      amount: { refund: request.refundFen, total: request.totalFen, currency: 'CNY' },
    })) as Output
    if (out.status !== 200) throw payErrorOf('refund', out)
    return this.refundOf(out)
  }

  async queryRefund(outRefundNo: string): Promise<PayRefund | null> {
    const out = (await this.pay.find_refunds(outRefundNo)) as Output
    if (out.status === 404) return null
    if (out.status !== 200) throw payErrorOf('query refund', out)
    return this.refundOf(out)
  }

  private refundOf(out: Output): PayRefund {
    const parsed = refundAnswer().safeParse(out.data)
    if (!parsed.success)
      throw new PayError(
        'INVALID_ANSWER',
        `refund: unexpected answer (${parsed.error.issues[0]?.message})`,
        out.status,
      )
    const r = parsed.data
    return {
      outRefundNo: r.out_refund_no,
      refundId: r.refund_id,
      outTradeNo: r.out_trade_no,
      status: r.status,
      refundFen: r.amount.refund,
      totalFen: r.amount.total,
      successTime: r.success_time ? new Date(r.success_time) : null,
    }
  }

  /**
   * The key behind a serial. A public-key id is known from configuration; an unknown serial in
   * platform-certificate mode refreshes the certificates, at most once per `certificateRefreshMs`
   * (concurrent callers share one download), so forged serials cannot make this server call out.
   */
  private async keyFor(serial: string): Promise<KeyObject | null> {
    const known = this.trusted.get(serial)
    if (known || !this.options.platformCertificates || !/^[0-9A-Fa-f]{1,64}$/.test(serial))
      return known ?? null
    if (!this.refreshing) {
      if (Date.now() - this.lastRefreshAt < (this.options.certificateRefreshMs ?? 60_000))
        return null
      this.lastRefreshAt = Date.now()
      this.refreshing = this.refreshCertificates().finally(() => {
        this.refreshing = null
      })
    }
    await this.refreshing
    return this.trusted.get(serial) ?? null
  }

  /** Downloads the platform certificates (the library decrypts them and reads the X.509). */
  async refreshCertificates(): Promise<void> {
    const certificates = (await this.pay.get_certificates(this.options.apiV3Key)) as {
      serial_no: string
      expire_time: string
      publicKey: string
    }[]
    for (const certificate of certificates) {
      if (Date.parse(certificate.expire_time) <= Date.now()) continue
      this.trusted.set(certificate.serial_no, createPublicKey(certificate.publicKey))
    }
  }

  async verifyNotification(request: NotificationRequest): Promise<NotificationVerdict> {
    const timestamp = headerOf(request.headers, 'wechatpay-timestamp')
    const nonce = headerOf(request.headers, 'wechatpay-nonce')
    const signature = headerOf(request.headers, 'wechatpay-signature')
    const serial = headerOf(request.headers, 'wechatpay-serial')
    const signatureType = headerOf(request.headers, 'wechatpay-signature-type')
    if (
      !timestamp ||
      !/^\d{1,12}$/.test(timestamp) ||
      !nonce ||
      nonce.length > 64 ||
      !signature ||
      signature.length > 1024 ||
      !serial ||
      serial.length > 64
    ) {
      return refuse('malformed', 'Wechatpay-Timestamp, -Nonce, -Signature and -Serial are required')
    }
    if (signatureType !== undefined && signatureType !== 'WECHATPAY2-SHA256-RSA2048')
      return refuse('malformed', `unsupported signature type ${signatureType}`)
    if (!isFreshTimestamp(Number(timestamp), request.now))
      return refuse('stale', `timestamp ${timestamp} is more than 5 minutes from now`)
    const key = await this.keyFor(serial)
    if (!key) return refuse('unknown-serial', `no trusted key has serial ${serial}`)
    if (!verifySha256Rsa(signedMessage(timestamp, nonce, request.rawBody), signature, key))
      return refuse('bad-signature', 'the signature does not verify over the body')

    let envelope
    try {
      envelope = notificationEnvelope().safeParse(JSON.parse(request.rawBody))
    } catch {
      return refuse('malformed', 'the body is not JSON')
    }
    if (!envelope.success)
      return refuse(
        'malformed',
        `not a notification: ${envelope.error.issues[0]?.path.join('.')} ${envelope.error.issues[0]?.message}`,
      )
    const { id, event_type: eventType, create_time: createTime, resource } = envelope.data
    const plaintext = decryptResource(resource, this.options.apiV3Key)
    if (plaintext === null)
      return refuse('undecryptable', 'the resource does not decrypt with the APIv3 key')
    let decrypted: unknown
    try {
      decrypted = JSON.parse(plaintext)
    } catch {
      return refuse('invalid-resource', 'the decrypted resource is not JSON')
    }

    let event: PayEvent
    if (eventType === 'TRANSACTION.SUCCESS') {
      const parsed = transactionResource().safeParse(decrypted)
      if (!parsed.success)
        return refuse(
          'invalid-resource',
          `transaction: ${parsed.error.issues[0]?.path.join('.')} ${parsed.error.issues[0]?.message}`,
        )
      const t = parsed.data
      if (t.mchid !== this.mchid || t.appid !== this.appid)
        return refuse('wrong-merchant', `for ${t.mchid}/${t.appid}`)
      event = {
        kind: 'payment',
        outTradeNo: t.out_trade_no,
        transactionId: t.transaction_id,
        appid: t.appid,
        mchid: t.mchid,
        amountFen: t.amount.total,
        payerOpenid: t.payer.openid,
        successTime: new Date(t.success_time),
      }
    } else if (
      eventType === 'REFUND.SUCCESS' ||
      eventType === 'REFUND.ABNORMAL' ||
      eventType === 'REFUND.CLOSED'
    ) {
      const parsed = refundResource().safeParse(decrypted)
      if (!parsed.success)
        return refuse(
          'invalid-resource',
          `refund: ${parsed.error.issues[0]?.path.join('.')} ${parsed.error.issues[0]?.message}`,
        )
      const r = parsed.data
      if (`REFUND.${r.refund_status}` !== eventType)
        return refuse('invalid-resource', `${eventType} carries refund_status ${r.refund_status}`)
      if (r.mchid !== this.mchid) return refuse('wrong-merchant', `for ${r.mchid}`)
      event = {
        kind: 'refund',
        outTradeNo: r.out_trade_no,
        transactionId: r.transaction_id,
        outRefundNo: r.out_refund_no,
        refundId: r.refund_id,
        mchid: r.mchid,
        status: r.refund_status,
        refundFen: r.amount.refund,
        totalFen: r.amount.total,
        successTime: r.success_time ? new Date(r.success_time) : null,
      }
    } else {
      event = { kind: 'other' }
    }
    return { ok: true, notificationId: id, eventType, createTime, event }
  }
}
