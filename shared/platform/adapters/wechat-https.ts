/**
 * Production WeChat adapter: api.weixin.qq.com over HTTPS. The access token is shared by every
 * function instance through the database (`wechatTokens`), refreshed five minutes before it
 * expires; `stable_token` is used so that concurrent refreshes do not invalidate each other.
 * Each instance also keeps the token it last used in memory until then, so a campaign's
 * thousands of sends do not read it from the database once each; a token WeChat refuses is
 * dropped and the database asked again (another instance may have refreshed it) before a refresh.
 */
import { normalisePhone } from '../phone'
import {
  WeChatError,
  type MiniProgramCodeRequest,
  type PhoneProof,
  type SubscribeMessage,
  type SubscribeResult,
  type WeChatPort,
} from '../ports/wechat'

export interface TokenStore {
  read(appid: string): Promise<{ token: string; expiresAt: Date } | null>
  write(appid: string, token: string, expiresAt: Date): Promise<void>
}

export interface WeChatHttpsOptions {
  appid: string
  secret: string
  tokens: TokenStore
  now?: () => Date
  fetch?: typeof fetch
  baseUrl?: string
  /** `release` in production; `trial`/`develop` for test builds. */
  envVersion?: 'release' | 'trial' | 'develop'
}

const REFRESH_MARGIN_MS = 5 * 60_000

export class WeChatHttpsAdapter implements WeChatPort {
  private readonly fetch: typeof fetch
  private readonly baseUrl: string
  private readonly now: () => Date

  constructor(private readonly options: WeChatHttpsOptions) {
    this.fetch = options.fetch ?? fetch
    this.baseUrl = options.baseUrl ?? 'https://api.weixin.qq.com'
    this.now = options.now ?? (() => new Date())
  }

  private held: { token: string; expiresAt: Date } | null = null

  /** A valid token: this instance's, the shared one, or a new one; never `refused`. */
  async accessToken(refused: string | null = null): Promise<string> {
    const usable = (
      t: { token: string; expiresAt: Date } | null,
    ): t is { token: string; expiresAt: Date } =>
      t !== null &&
      t.token !== refused &&
      t.expiresAt.getTime() - REFRESH_MARGIN_MS > this.now().getTime()
    if (usable(this.held)) return this.held.token
    const stored = await this.options.tokens.read(this.options.appid)
    if (usable(stored)) {
      this.held = stored
      return stored.token
    }
    const res = await this.fetch(`${this.baseUrl}/cgi-bin/stable_token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        grant_type: 'client_credential',
        appid: this.options.appid,
        secret: this.options.secret,
      }),
    })
    const body = (await res.json()) as {
      access_token?: string
      expires_in?: number
      errcode?: number
      errmsg?: string
    }
    if (!body.access_token)
      throw new WeChatError(body.errcode ?? res.status, body.errmsg ?? 'no access token')
    const expiresAt = new Date(this.now().getTime() + (body.expires_in ?? 7200) * 1000)
    await this.options.tokens.write(this.options.appid, body.access_token, expiresAt)
    this.held = { token: body.access_token, expiresAt }
    return body.access_token
  }

  /** POSTs JSON with the access token; retries once with a fresh token if WeChat says it expired. */
  private async post(path: string, payload: unknown): Promise<Response> {
    let refused: string | null = null
    for (const refresh of [false, true]) {
      const token = await this.accessToken(refused)
      const res = await this.fetch(
        `${this.baseUrl}${path}?access_token=${encodeURIComponent(token)}`,
        {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(payload),
        },
      )
      if (!refresh && (res.headers.get('content-type') ?? '').includes('json')) {
        const peek = (await res.clone().json()) as { errcode?: number }
        if (peek.errcode === 40001 || peek.errcode === 42001) {
          refused = token
          if (this.held?.token === token) this.held = null
          continue
        }
      }
      return res
    }
    throw new WeChatError(42001, 'access token refused twice')
  }

  async getUnlimitedCode(request: MiniProgramCodeRequest): Promise<Buffer> {
    const res = await this.post('/wxa/getwxacodeunlimit', {
      scene: request.scene,
      page: request.page,
      width: request.width ?? 430,
      check_path: false,
      env_version: this.options.envVersion ?? 'release',
    })
    const type = res.headers.get('content-type') ?? ''
    if (type.includes('json')) {
      const err = (await res.json()) as { errcode?: number; errmsg?: string }
      throw new WeChatError(err.errcode ?? -1, err.errmsg ?? 'getwxacodeunlimit failed')
    }
    return Buffer.from(await res.arrayBuffer())
  }

  async resolvePhone(proof: PhoneProof): Promise<string> {
    if (!proof.phoneCode)
      throw new WeChatError(40029, 'phoneCode from the getPhoneNumber button is required')
    const res = await this.post('/wxa/business/getuserphonenumber', { code: proof.phoneCode })
    const body = (await res.json()) as {
      errcode?: number
      errmsg?: string
      phone_info?: { purePhoneNumber?: string; countryCode?: string }
    }
    if (body.errcode)
      throw new WeChatError(body.errcode, body.errmsg ?? 'getuserphonenumber failed')
    const phone =
      body.phone_info?.purePhoneNumber && body.phone_info.countryCode === '86'
        ? normalisePhone(body.phone_info.purePhoneNumber)
        : null
    if (!phone) throw new WeChatError(40001, 'only mainland China mobile numbers can open a card')
    return phone
  }

  async sendSubscribeMessage(message: SubscribeMessage): Promise<SubscribeResult> {
    const res = await this.post('/cgi-bin/message/subscribe/send', {
      touser: message.touser,
      template_id: message.templateId,
      page: message.page,
      data: message.data,
      miniprogram_state:
        this.options.envVersion === 'develop'
          ? 'developer'
          : this.options.envVersion === 'trial'
            ? 'trial'
            : 'formal',
      lang: 'zh_CN',
    })
    const body = (await res.json()) as { errcode?: number; errmsg?: string }
    return { errcode: body.errcode ?? 0, errmsg: body.errmsg ?? 'ok' }
  }
}
