/**
 * The production WeChat adapter (shared/platform/adapters/wechat-https.ts), unchanged, against the
 * local stack's WeChat sandbox at WeChat's own paths: access-token caching and one refresh on
 * 40001/42001, mini-program codes (a real PNG; scene at most 32 of WeChat's characters), the phone
 * button's code, and subscribe messages with WeChat's field rules and error codes. Then the same
 * adapter inside the functions: codes, binding with a phone code, the token cached across
 * invocations in `wechatTokens`.
 */
import { WeChatHttpsAdapter, type TokenStore } from '../../shared/platform/adapters/wechat-https'
import { WeChatError } from '../../shared/platform/ports/wechat'
import { startTestStack, type TestStack } from '../support/local-stack'

let stack: TestStack
const appid = 'wx-local-app'

beforeAll(async () => {
  stack = await startTestStack({ seed: true })
})
afterAll(() => stack.stop())

const post = (path: string, body: unknown) =>
  fetch(`${stack.url}${path}`, { method: 'POST', body: JSON.stringify(body) })
const tokensIssued = async () =>
  ((await (await fetch(`${stack.url}/sandbox/wechat/stats`)).json()) as { tokensIssued: number })
    .tokensIssued
const phoneCode = async (phone: string) =>
  ((await (await post('/sandbox/wechat/phone-code', { phone })).json()) as { code: string }).code

function memoryTokens(): TokenStore & { writes: number } {
  let saved: { token: string; expiresAt: Date } | null = null
  return {
    writes: 0,
    async read() {
      return saved
    },
    async write(_appid, token, expiresAt) {
      this.writes++
      saved = { token, expiresAt }
    },
  }
}

function adapter(tokens = memoryTokens(), secret = stack.secrets.WECHAT_SECRET) {
  const calls: string[] = []
  const wechat = new WeChatHttpsAdapter({
    appid,
    secret,
    tokens,
    baseUrl: `${stack.url}/sandbox/wechat`,
    fetch: (input, init) => {
      calls.push(new URL(String(input)).pathname.replace('/sandbox/wechat', ''))
      return fetch(input, init)
    },
  })
  return { wechat, calls, tokens }
}

const errcodeOf = async (promise: Promise<unknown>) => {
  try {
    await promise
  } catch (err) {
    if (err instanceof WeChatError) return err.errcode
    throw err
  }
  return 0
}

describe('access token', () => {
  it('is fetched once with stable_token and cached; a wrong secret is refused (40125)', async () => {
    const { wechat, calls, tokens } = adapter()
    const before = await tokensIssued()
    await wechat.getUnlimitedCode({ scene: 'abc', page: 'pages/bind/index' })
    await wechat.getUnlimitedCode({ scene: 'abd', page: 'pages/bind/index' })
    expect(calls.filter((c) => c === '/cgi-bin/stable_token')).toHaveLength(1)
    expect(tokens.writes).toBe(1)
    expect(await tokensIssued()).toBeLessThanOrEqual(before + 1)
    expect(await errcodeOf(adapter(memoryTokens(), 'wrong').wechat.accessToken())).toBe(40125)
  })

  it.each([42001, 40001])(
    'is refreshed once and the call retried when WeChat answers %i',
    async (errcode) => {
      const { wechat, calls, tokens } = adapter()
      await wechat.accessToken()
      await post('/sandbox/wechat/token', { errcode })
      calls.length = 0
      const png = await wechat.getUnlimitedCode({ scene: 'refresh', page: 'pages/bind/index' })
      expect(png.subarray(1, 4).toString()).toBe('PNG')
      expect(calls).toEqual([
        '/wxa/getwxacodeunlimit',
        '/cgi-bin/stable_token',
        '/wxa/getwxacodeunlimit',
      ])
      expect(tokens.writes).toBe(2)
    },
  )

  it('a call without a valid token is refused by the sandbox (41001, 40001)', async () => {
    const res = await post('/sandbox/wechat/wxa/getwxacodeunlimit', { scene: 'a' })
    expect(await res.json()).toMatchObject({ errcode: 41001 })
    const bad = await post('/sandbox/wechat/wxa/getwxacodeunlimit?access_token=forged', {
      scene: 'a',
    })
    expect(await bad.json()).toMatchObject({ errcode: 40001 })
  })
})

describe('wxa/getwxacodeunlimit', () => {
  it('answers a PNG for a scene of 32 allowed characters', async () => {
    const { wechat } = adapter()
    const scene = "09azAZ!#$&'()*+,/:;=?@-._~xyzXYZ"
    expect(scene).toHaveLength(32)
    const png = await wechat.getUnlimitedCode({ scene, page: 'pages/bind/index' })
    expect(png.subarray(0, 8)).toEqual(
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    )
  })

  it.each([['x'.repeat(33)], ['中文'], ['a b'], ['a%b'], ['']])(
    'refuses the scene %j with 40169',
    async (scene) => {
      const { wechat } = adapter()
      expect(await errcodeOf(wechat.getUnlimitedCode({ scene, page: 'pages/bind/index' }))).toBe(
        40169,
      )
    },
  )
})

describe('wxa/business/getuserphonenumber', () => {
  it('exchanges a phone-button code once for the number', async () => {
    const { wechat } = adapter()
    const code = await phoneCode('13900001234')
    expect(await wechat.resolvePhone({ phoneCode: code })).toBe('13900001234')
    expect(await errcodeOf(wechat.resolvePhone({ phoneCode: code }))).toBe(40029)
    expect(await errcodeOf(wechat.resolvePhone({ phoneCode: 'made-up' }))).toBe(40029)
  })
})

describe('cgi-bin/message/subscribe/send', () => {
  const message = (data: Record<string, string>, over: object = {}) => ({
    touser: 'oSubscriber1',
    templateId: 'local-campaign',
    page: 'pages/index/index',
    data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, { value: v }])),
    ...over,
  })

  it('sends a message that keeps the template rules to the outbox', async () => {
    const { wechat } = adapter()
    const result = await wechat.sendSubscribeMessage(
      message({ thing1: '二'.repeat(20), time2: '2026年12月12日 10:00' }),
    )
    expect(result).toEqual({ errcode: 0, errmsg: 'ok' })
    const outbox = (await (
      await fetch(`${stack.url}/sandbox/messages?touser=oSubscriber1`)
    ).json()) as { messages: { data: Record<string, { value: string }> }[] }
    expect(outbox.messages.at(-1)?.data.thing1?.value).toBe('二'.repeat(20))
  })

  it('answers 47003 naming the field that breaks its type, 40037 for an unknown template', async () => {
    const { wechat } = adapter()
    const tooLong = await wechat.sendSubscribeMessage(message({ thing1: '二'.repeat(21) }))
    expect(tooLong.errcode).toBe(47003)
    expect(tooLong.errmsg).toContain('data.thing1')
    const badTime = await wechat.sendSubscribeMessage(
      message({ thing1: '会员日', time2: '11月30日前' }),
    )
    expect(badTime).toMatchObject({ errcode: 47003, errmsg: expect.stringContaining('time2') })
    const unknownKey = await wechat.sendSubscribeMessage(message({ phrase9: '配送中' }))
    expect(unknownKey.errcode).toBe(47003)
    const unknown = await wechat.sendSubscribeMessage(
      message({ thing1: '会员日' }, { templateId: 'no-such-template' }),
    )
    expect(unknown.errcode).toBe(40037)
    const outbox = (await (
      await fetch(`${stack.url}/sandbox/messages?touser=oSubscriber1`)
    ).json()) as { messages: unknown[] }
    expect(outbox.messages).toHaveLength(1)
  })

  it('answers 43101 for a user who holds no subscription', async () => {
    await post('/sandbox/wechat/refuse', { openid: 'oRefuser', errcode: 43101 })
    const { wechat } = adapter()
    const result = await wechat.sendSubscribeMessage(
      message({ thing1: '会员日' }, { touser: 'oRefuser' }),
    )
    expect(result.errcode).toBe(43101)
  })
})

describe('the functions use the same adapter', () => {
  it('codes come from the sandbox; the token is cached across invocations in wechatTokens', async () => {
    const { personas } = await stack.personas()
    const clerk = personas.find((p) => p.role === 'clerk')!
    const first = await stack.call('staff', { action: 'myCode' }, { openid: clerk.openid })
    expect(first.status).toBe(200)
    expect(Buffer.from(first.body.data.pngBase64, 'base64').subarray(1, 4).toString()).toBe('PNG')
    const issued = await tokensIssued()
    const stored = (await stack.db.collection('wechatTokens').doc(appid).get()) as {
      data: { token: string; expiresAt: Date }[]
    }
    expect(stored.data[0]?.token).toEqual(expect.any(String))
    await stack.call('staff', { action: 'myCode' }, { openid: clerk.openid })
    expect(await tokensIssued()).toBe(issued)

    await post('/sandbox/wechat/token', { errcode: 42001 })
    const again = await stack.call('staff', { action: 'myCode' }, { openid: clerk.openid })
    expect(again.status).toBe(200)
    expect(await tokensIssued()).toBe(issued + 1)
    const refreshed = (await stack.db.collection('wechatTokens').doc(appid).get()) as {
      data: { token: string }[]
    }
    expect(refreshed.data[0]?.token).not.toBe(stored.data[0]?.token)
  })

  it('binds with the phone button code through getuserphonenumber; a bad code is refused', async () => {
    const { codes } = await stack.personas()
    const scene = codes.find((c) => c.kind === 'store')!.scene
    const bad = await stack.call(
      'member',
      { action: 'bind', scene, phoneCode: 'not-from-wechat' },
      { openid: 'oPhoneCodeA' },
    )
    expect(bad.status).toBe(400)
    expect(bad.body.error.field).toBe('phoneCode')
    const code = await phoneCode('13700005678')
    const bound = await stack.call(
      'member',
      { action: 'bind', scene, phoneCode: code },
      { openid: 'oPhoneCodeA' },
    )
    expect(bound.status).toBe(200)
    expect(bound.body.data.phoneMasked).toBe('137****5678')
  })
})
