/**
 * The local stack's WeChat open API: the production adapter (shared/platform/adapters/wechat-https.ts)
 * talks to it unchanged, with WECHAT_API_BASE pointed at `<stack>/sandbox/wechat` instead of
 * https://api.weixin.qq.com, and the stack's generated appid and secret. At WeChat's own paths:
 *
 *   POST /cgi-bin/stable_token                 {grant_type, appid, secret, force_refresh?} → {access_token, expires_in}
 *   POST /wxa/getwxacodeunlimit?access_token=  {scene, page, width…} → a PNG (a QR code of the H5
 *                                              app's page with the same scene), or errcode JSON
 *   POST /wxa/business/getuserphonenumber?…    {code} → {phone_info}
 *   POST /cgi-bin/message/subscribe/send?…     {touser, template_id, page, data, …} → {errcode, errmsg}
 *
 * with WeChat's error codes: 41001 no token, 40001 invalid token, 42001 expired token, 40013 bad
 * appid, 40125 bad secret, 40169 invalid scene, 40029 invalid phone code, 40037 unknown template,
 * 47003 a field breaks its type's rule (./wechat-field-rules.ts), 43101 the user holds no
 * subscription, 45009 the account's daily quota of the API is used up (counted per Beijing day,
 * only when a test sets a quota with `setDailyQuota`). Sent messages land in an outbox kept on disk (`<DATA_DIR>/outbox.jsonl`).
 *
 * Controls (local only, not WeChat):
 *   GET  /sandbox/messages?touser=&templateId=   the outbox
 *   POST /sandbox/wechat/refuse {openid, errcode?} WeChat refuses that user (43101 by default; 0 clears)
 *   POST /sandbox/wechat/phone-code {phone}        → {code}: what the phone button gives the app
 *   POST /sandbox/wechat/token {errcode: 40001|42001} the tokens issued so far stop working
 *   GET  /sandbox/wechat/stats                     → {tokensIssued}
 */
import { randomBytes, randomUUID } from 'node:crypto'
import { appendFileSync, existsSync, readFileSync } from 'node:fs'
import type http from 'node:http'
import path from 'node:path'
import QRCode from 'qrcode'
import { PayloadTooLargeError, readBody, sendJson } from './gateway'
import { wechatAcceptsField } from './wechat-field-rules'

export const WECHAT_API_PREFIX = '/sandbox/wechat'

export interface OutboxMessage {
  id: string
  at: string
  touser: string
  templateId: string
  page: string
  data: Record<string, { value: string }>
  errcode: number
}

export interface WeChatSandboxOptions {
  dataDir: string
  appid: string
  secret: string
  /** Template id → its keys, as configured in the mini-program's WeChat console. */
  templates: Record<string, readonly string[]>
  /** The stack's URL: a code opens its H5 app at the same page and scene. */
  h5BaseUrl: () => string
  now?: () => number
}

/** The characters WeChat allows in a scene (at most 32 of them). */
const SCENE = /^[0-9A-Za-z!#$&'()*+,/:;=?@\-._~]{1,32}$/
const TOKEN_TTL_S = 7200
const PHONE_CODE_TTL_MS = 5 * 60_000

type WxAnswer = { errcode: number; errmsg: string; [k: string]: unknown }
const err = (errcode: number, errmsg: string): WxAnswer => ({ errcode, errmsg })

export class WeChatSandbox {
  private readonly file: string
  private readonly refusals = new Map<string, number>()
  private readonly tokens = new Map<string, { expiresAt: number; revoked: number }>()
  private readonly phoneCodes = new Map<string, { phone: string; expiresAt: number }>()
  private current: string | null = null
  private messages: OutboxMessage[]
  private tokensIssued = 0
  private dailyQuota: number | null = null
  private readonly now: () => number

  constructor(private readonly options: WeChatSandboxOptions) {
    this.now = options.now ?? Date.now
    this.file = path.join(options.dataDir, 'outbox.jsonl')
    this.messages = existsSync(this.file)
      ? readFileSync(this.file, 'utf8')
          .split('\n')
          .filter(Boolean)
          .map((line) => JSON.parse(line) as OutboxMessage)
      : []
  }

  /** The base URL the production adapter uses (WECHAT_API_BASE) on a stack at `stackUrl`. */
  static apiBase(stackUrl: string): string {
    return `${stackUrl}${WECHAT_API_PREFIX}`
  }

  handles(pathname: string): boolean {
    return pathname === '/sandbox/messages' || pathname.startsWith(`${WECHAT_API_PREFIX}/`)
  }

  async serve(req: http.IncomingMessage, res: http.ServerResponse, pathname: string) {
    const url = new URL(req.url ?? '/', 'http://sandbox')
    if (pathname === '/sandbox/messages' && req.method === 'GET') {
      return sendJson(res, 200, {
        messages: this.list({
          touser: url.searchParams.get('touser'),
          templateId: url.searchParams.get('templateId'),
        }),
      })
    }
    const route = pathname.slice(WECHAT_API_PREFIX.length)
    if (req.method === 'GET' && route === '/stats')
      return sendJson(res, 200, { tokensIssued: this.tokensIssued })
    if (req.method !== 'POST') return sendJson(res, 200, err(43002, 'require POST method'))
    let body: Record<string, unknown>
    try {
      const raw = (await readBody(req, 64 * 1024)).toString('utf8')
      const parsed: unknown = raw.trim() === '' ? {} : JSON.parse(raw)
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error()
      body = parsed as Record<string, unknown>
    } catch (error) {
      // Over the limit: the stack answers 413 with the envelope, as at every local entry.
      if (error instanceof PayloadTooLargeError) throw error
      return sendJson(res, 200, err(47001, 'data format error'))
    }
    switch (route) {
      case '/refuse': {
        if (typeof body.openid !== 'string')
          return sendJson(res, 400, {
            ok: false,
            error: { code: 'INVALID_INPUT', message: 'openid is required', field: 'openid' },
          })
        this.refuse(body.openid, Number(body.errcode ?? 43101))
        return sendJson(res, 200, { ok: true })
      }
      case '/phone-code': {
        if (typeof body.phone !== 'string' || !/^1\d{10}$/.test(body.phone))
          return sendJson(res, 400, {
            ok: false,
            error: { code: 'INVALID_INPUT', message: 'phone: 11 digits', field: 'phone' },
          })
        return sendJson(res, 200, { code: this.issuePhoneCode(body.phone) })
      }
      case '/token': {
        const errcode = Number(body.errcode ?? 42001)
        for (const token of this.tokens.values()) token.revoked = errcode
        this.current = null
        return sendJson(res, 200, { ok: true })
      }
      case '/cgi-bin/stable_token':
        return sendJson(res, 200, this.stableToken(body))
    }
    const checked = this.checkToken(url.searchParams.get('access_token'))
    if (checked) return sendJson(res, 200, checked)
    switch (route) {
      case '/wxa/getwxacodeunlimit': {
        const scene = body.scene
        if (typeof scene !== 'string' || !SCENE.test(scene))
          return sendJson(res, 200, err(40169, 'invalid length for scene, or the data is not json'))
        const page = typeof body.page === 'string' ? body.page : 'pages/index/index'
        if (!/^[A-Za-z0-9_/-]+$/.test(page) || page.startsWith('/'))
          return sendJson(res, 200, err(41030, 'invalid page'))
        const width = Math.min(1280, Math.max(280, Number(body.width) || 430))
        const target = `${this.options.h5BaseUrl().replace(/\/$/, '')}/#/${page}?scene=${encodeURIComponent(scene)}`
        const png = await QRCode.toBuffer(target, { type: 'png', width, margin: 2 })
        res.writeHead(200, { 'content-type': 'image/png', 'content-length': png.length })
        return void res.end(png)
      }
      case '/wxa/business/getuserphonenumber':
        return sendJson(res, 200, this.phoneNumber(body.code))
      case '/cgi-bin/message/subscribe/send':
        return sendJson(res, 200, this.send(body))
    }
    return sendJson(res, 404, err(-1, `no sandbox API at ${pathname}`))
  }

  /** WeChat answers a token without errcode, and an error with it. */
  private stableToken(body: Record<string, unknown>): Record<string, unknown> {
    if (body.grant_type !== 'client_credential') return err(40002, 'invalid grant_type')
    if (body.appid !== this.options.appid) return err(40013, 'invalid appid')
    if (body.secret !== this.options.secret) return err(40125, 'invalid appsecret')
    const now = this.now()
    const live = this.current ? this.tokens.get(this.current) : undefined
    // stable_token answers the same token while it lives, unless force_refresh asks for a new one.
    if (this.current && live && live.revoked === 0 && live.expiresAt > now && !body.force_refresh)
      return {
        access_token: this.current,
        expires_in: Math.floor((live.expiresAt - now) / 1000),
      }
    const token = randomBytes(48).toString('base64url')
    this.tokens.set(token, { expiresAt: now + TOKEN_TTL_S * 1000, revoked: 0 })
    this.current = token
    this.tokensIssued++
    return { access_token: token, expires_in: TOKEN_TTL_S }
  }

  private checkToken(token: string | null): WxAnswer | null {
    if (!token) return err(41001, 'access_token missing')
    const known = this.tokens.get(token)
    if (!known) return err(40001, 'invalid credential, access_token is invalid or not latest')
    if (known.revoked === 42001 || known.expiresAt <= this.now())
      return err(42001, 'access_token expired')
    if (known.revoked)
      return err(known.revoked, 'invalid credential, access_token is invalid or not latest')
    return null
  }

  issuePhoneCode(phone: string): string {
    const code = randomBytes(16).toString('hex')
    this.phoneCodes.set(code, { phone, expiresAt: this.now() + PHONE_CODE_TTL_MS })
    return code
  }

  private phoneNumber(code: unknown): WxAnswer {
    const entry = typeof code === 'string' ? this.phoneCodes.get(code) : undefined
    if (!entry || entry.expiresAt <= this.now()) return err(40029, 'invalid code')
    this.phoneCodes.delete(code as string) // a code is good for one exchange
    return {
      errcode: 0,
      errmsg: 'ok',
      phone_info: {
        phoneNumber: entry.phone,
        purePhoneNumber: entry.phone,
        countryCode: '86',
        watermark: { timestamp: Math.floor(this.now() / 1000), appid: this.options.appid },
      },
    }
  }

  send(body: Record<string, unknown>): WxAnswer {
    const { touser, template_id: templateId, data } = body
    if (typeof touser !== 'string' || !/^[A-Za-z0-9_-]{1,64}$/.test(touser))
      return err(40003, 'invalid openid')
    if (typeof templateId !== 'string') return err(40037, 'invalid template_id')
    const keys = this.options.templates[templateId]
    if (!keys) return err(40037, 'invalid template_id')
    if (typeof data !== 'object' || data === null || Array.isArray(data))
      return err(47003, 'argument invalid! data invalid')
    const fields = data as Record<string, unknown>
    for (const [key, field] of Object.entries(fields)) {
      const value = (field as { value?: unknown } | null)?.value
      if (!keys.includes(key) || !wechatAcceptsField(key, value))
        return err(47003, `argument invalid! data.${key}.value invalid`)
    }
    const page = typeof body.page === 'string' ? body.page : ''
    if (this.dailyQuota !== null && this.sentToday() >= this.dailyQuota)
      return err(45009, 'reach max api daily quota limit')
    const errcode = this.refusals.get(touser) ?? 0
    if (errcode !== 0) return err(errcode, 'user refuse to accept the msg')
    const message: OutboxMessage = {
      id: randomUUID(),
      at: new Date(this.now()).toISOString(),
      touser,
      templateId,
      page,
      data: fields as OutboxMessage['data'],
      errcode: 0,
    }
    this.messages.push(message)
    appendFileSync(this.file, `${JSON.stringify(message)}\n`)
    return err(0, 'ok')
  }

  /** Adds, changes or (with null) deletes a template, as in the mini-program's WeChat console. */
  setTemplate(templateId: string, keys: readonly string[] | null): void {
    if (keys) this.options.templates[templateId] = keys
    else delete this.options.templates[templateId]
  }

  /** WeChat's daily quota of subscribe messages for the account (null: no limit, the default). */
  setDailyQuota(limit: number | null): void {
    this.dailyQuota = limit
  }

  /** Messages sent since 00:00 Beijing time, when WeChat's daily quotas start again. */
  sentToday(): number {
    const beijingDay = (ms: number) => Math.floor((ms + 8 * 3_600_000) / 86_400_000)
    const today = beijingDay(this.now())
    return this.messages.filter((m) => beijingDay(Date.parse(m.at)) === today).length
  }

  refuse(openid: string, errcode: number): void {
    if (errcode === 0) this.refusals.delete(openid)
    else this.refusals.set(openid, errcode)
  }

  list(filter: { touser?: string | null; templateId?: string | null }): OutboxMessage[] {
    return this.messages.filter(
      (m) =>
        (!filter.touser || m.touser === filter.touser) &&
        (!filter.templateId || m.templateId === filter.templateId),
    )
  }
}
