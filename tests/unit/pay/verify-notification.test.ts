/**
 * Verification of WeChat Pay notifications by the production adapter, in both modes, with an
 * injected clock and a fake HTTP layer (no network): what is accepted, and why each forgery,
 * edit, stale or garbled notification is refused.
 */
import Pay from 'wechatpay-node-v3'
import { WeChatPayAdapter } from '../../../shared/platform/adapters/pay-wechatpay'
import { encryptResource, formatWechatTime } from '../../../shared/platform/adapters/wechatpay-wire'
import { ManualClock } from '../../../shared/platform/ports/clock'
import { createPaySandboxKeys, type PaySandboxKeys } from '../../../scripts/local-cloud/pay-sandbox'
import {
  buildNotification,
  otherPrivateKey,
  refundResource,
  sandboxSigner,
  signNotificationHeaders,
  transactionResource,
} from '../../support/wechatpay'

const APPID = 'wx-unit-app'
let keys: PaySandboxKeys
let strangerKey: string
const clock = new ManualClock(new Date('2026-03-01T02:00:00Z'))

beforeAll(() => {
  keys = createPaySandboxKeys(clock.now())
  strangerKey = otherPrivateKey()
})
beforeEach(() => clock.set('2026-03-01T02:00:00Z'))

/** A fake WeChat Pay API that only serves /v3/certificates, counting downloads. */
function certificateServer() {
  const calls: string[] = []
  const fetchFn = (async (url: string | URL) => {
    calls.push(String(url))
    const body = {
      data: [
        {
          serial_no: keys.platform.serialNo,
          effective_time: formatWechatTime(new Date(Date.now() - 86_400_000)),
          expire_time: formatWechatTime(new Date(Date.now() + 86_400_000 * 365)),
          encrypt_certificate: encryptResource(
            keys.platform.certificate,
            keys.apiV3Key,
            'certificate',
            'certificate',
          ),
        },
      ],
    }
    return new Response(JSON.stringify(body), {
      status: 200,
      headers: { 'content-type': 'application/json' },
    })
  }) as typeof fetch
  return { calls, fetchFn }
}

function adapter(
  mode: 'public-key' | 'certificate',
  fetchFn: typeof fetch = (() =>
    Promise.reject(new Error('no network in unit tests'))) as typeof fetch,
) {
  return new WeChatPayAdapter({
    appid: APPID,
    mchid: keys.mchid,
    merchantSerialNo: keys.merchant.serialNo,
    merchantPrivateKey: keys.merchant.privateKey,
    apiV3Key: keys.apiV3Key,
    notifyUrl: 'https://example.test/pay/notify',
    ...(mode === 'public-key'
      ? { publicKey: { id: keys.wechatPublicKey.id, pem: keys.wechatPublicKey.publicKey } }
      : { platformCertificates: true }),
    baseUrl: 'https://wxpay.test',
    fetch: fetchFn,
  })
}

const payment = (extra: Record<string, unknown> = {}) =>
  transactionResource(
    {
      mchid: keys.mchid,
      appid: APPID,
      outTradeNo: 'P20260301100000abcdef012345',
      amountFen: 2590,
      openid: 'oPayer',
      at: clock.now(),
    },
    extra,
  )

function genuine(
  mode: 'public-key' | 'certificate' = 'public-key',
  resource: object | string = payment(),
  eventType = 'TRANSACTION.SUCCESS',
) {
  return buildNotification({
    eventType,
    resource,
    at: clock.now(),
    apiV3Key: keys.apiV3Key,
    signer: sandboxSigner(keys, mode),
  })
}

const verify = (a: WeChatPayAdapter, n: { headers: Record<string, string>; body: string }) =>
  a.verifyNotification({ headers: n.headers, rawBody: n.body, now: clock.now() })

describe('a genuine notification', () => {
  it('is accepted in public-key mode as a typed payment event', async () => {
    const verdict = await verify(adapter('public-key'), genuine())
    expect(verdict).toMatchObject({
      ok: true,
      eventType: 'TRANSACTION.SUCCESS',
      event: {
        kind: 'payment',
        outTradeNo: 'P20260301100000abcdef012345',
        amountFen: 2590,
        payerOpenid: 'oPayer',
        mchid: keys.mchid,
        appid: APPID,
      },
    })
    if (verdict.ok && verdict.event.kind === 'payment')
      expect(verdict.event.successTime.toISOString()).toBe('2026-03-01T02:00:00.000Z')
  })

  it('is accepted with headers in any case (as HTTP access may pass them)', async () => {
    const n = genuine()
    const upper = Object.fromEntries(
      Object.entries(n.headers).map(([k, v]) => [k.replace(/(^|-)\w/g, (c) => c.toUpperCase()), v]),
    )
    expect((await verify(adapter('public-key'), { headers: upper, body: n.body })).ok).toBe(true)
  })

  it('refund notifications are typed refund events', async () => {
    const resource = refundResource({
      mchid: keys.mchid,
      outTradeNo: 'P1234567',
      outRefundNo: 'R1',
      refundFen: 100,
      totalFen: 2590,
      status: 'SUCCESS',
      at: clock.now(),
    })
    const verdict = await verify(
      adapter('public-key'),
      genuine('public-key', resource, 'REFUND.SUCCESS'),
    )
    expect(verdict).toMatchObject({
      ok: true,
      event: {
        kind: 'refund',
        outRefundNo: 'R1',
        refundFen: 100,
        totalFen: 2590,
        status: 'SUCCESS',
      },
    })
  })

  it('of a kind this system does not act on is accepted as "other"', async () => {
    const verdict = await verify(
      adapter('public-key'),
      genuine('public-key', { anything: true }, 'MCHTRANSFER.BILL.FINISHED'),
    )
    expect(verdict).toMatchObject({ ok: true, event: { kind: 'other' } })
  })
})

describe('refused before anything is read', () => {
  it('a forged signature (another key naming the real public-key id)', async () => {
    const n = buildNotification({
      resource: payment(),
      at: clock.now(),
      apiV3Key: keys.apiV3Key,
      signer: { serial: keys.wechatPublicKey.id, privateKey: strangerKey },
    })
    expect(await verify(adapter('public-key'), n)).toMatchObject({
      ok: false,
      reason: 'bad-signature',
    })
  })

  it('a tampered body (one character of a genuine notification changed)', async () => {
    const n = genuine()
    const tampered = { headers: n.headers, body: n.body.replace('支付成功', '支付成兑') }
    expect(tampered.body).not.toBe(n.body)
    expect(await verify(adapter('public-key'), tampered)).toMatchObject({
      ok: false,
      reason: 'bad-signature',
    })
  })

  it('a tampered signature header or nonce', async () => {
    const n = genuine()
    const nonce = { ...n.headers, 'wechatpay-nonce': `${n.headers['wechatpay-nonce']}0` }
    expect(await verify(adapter('public-key'), { headers: nonce, body: n.body })).toMatchObject({
      ok: false,
      reason: 'bad-signature',
    })
    const time = {
      ...n.headers,
      'wechatpay-timestamp': String(Number(n.headers['wechatpay-timestamp']) + 1),
    }
    expect(await verify(adapter('public-key'), { headers: time, body: n.body })).toMatchObject({
      ok: false,
      reason: 'bad-signature',
    })
  })

  it('stale: more than 5 minutes old, or more than 5 minutes ahead (injected clock)', async () => {
    const a = adapter('public-key')
    const n = genuine()
    clock.advance(5 * 60_000)
    expect((await verify(a, n)).ok).toBe(true)
    clock.advance(1_000)
    expect(await verify(a, n)).toMatchObject({ ok: false, reason: 'stale' })
    clock.set('2026-03-01T02:00:00Z')
    clock.advance(-5 * 60_000 - 1_000)
    expect(await verify(a, n)).toMatchObject({ ok: false, reason: 'stale' })
  })

  it('replayed: the same genuine notification verifies again within the window (the payments service makes it harmless) and not after', async () => {
    const a = adapter('public-key')
    const n = genuine()
    const first = await verify(a, n)
    const again = await verify(a, n)
    expect(first.ok && again.ok && first.notificationId === again.notificationId).toBe(true)
    clock.advance(5 * 60_000 + 1_000)
    expect(await verify(a, n)).toMatchObject({ ok: false, reason: 'stale' })
  })

  it('an unknown serial, without calling out in public-key mode', async () => {
    let called = 0
    const a = adapter('public-key', (() => {
      called++
      return Promise.reject(new Error('must not call'))
    }) as typeof fetch)
    const n = buildNotification({
      resource: payment(),
      at: clock.now(),
      apiV3Key: keys.apiV3Key,
      signer: { serial: 'PUB_KEY_ID_0000000000FAKE', privateKey: strangerKey },
    })
    expect(await verify(a, n)).toMatchObject({ ok: false, reason: 'unknown-serial' })
    const cert = genuine('certificate')
    expect(await verify(a, cert)).toMatchObject({ ok: false, reason: 'unknown-serial' })
    expect(called).toBe(0)
  })

  it.each([
    ['no signature', (h: Record<string, string>) => ({ ...h, 'wechatpay-signature': '' })],
    ['no serial', (h: Record<string, string>) => ({ ...h, 'wechatpay-serial': '' })],
    [
      'a timestamp that is not a number',
      (h: Record<string, string>) => ({ ...h, 'wechatpay-timestamp': '12a' }),
    ],
    [
      'another signature type',
      (h: Record<string, string>) => ({
        ...h,
        'wechatpay-signature-type': 'WECHATPAY2-SM2-WITH-SM3',
      }),
    ],
  ])('malformed headers: %s', async (_title, edit) => {
    const n = genuine()
    expect(
      await verify(adapter('public-key'), { headers: edit(n.headers), body: n.body }),
    ).toMatchObject({ ok: false, reason: 'malformed' })
  })

  it('a signed body that is not a notification envelope', async () => {
    const body = '{"hello":"world"}'
    const n = {
      headers: signNotificationHeaders(body, clock.now(), sandboxSigner(keys, 'public-key')),
      body,
    }
    expect(await verify(adapter('public-key'), n)).toMatchObject({ ok: false, reason: 'malformed' })
  })
})

describe('platform-certificate mode', () => {
  it('downloads the certificates once for an unknown serial, then verifies', async () => {
    const server = certificateServer()
    const a = adapter('certificate', server.fetchFn)
    const verdicts = await Promise.all(
      Array.from({ length: 10 }, () => verify(a, genuine('certificate'))),
    )
    expect(verdicts.every((v) => v.ok)).toBe(true)
    expect(server.calls).toEqual(['https://wxpay.test/v3/certificates'])
  })

  it('forged serials cannot make it download again and again (at most once a minute)', async () => {
    const server = certificateServer()
    const a = adapter('certificate', server.fetchFn)
    for (let i = 0; i < 5; i++) {
      const n = buildNotification({
        resource: payment(),
        at: clock.now(),
        apiV3Key: keys.apiV3Key,
        signer: { serial: `ABCDEF${i}`, privateKey: strangerKey },
      })
      expect(await verify(a, n)).toMatchObject({ ok: false, reason: 'unknown-serial' })
    }
    expect(server.calls).toHaveLength(1)
    expect(await verify(a, genuine('public-key'))).toMatchObject({
      ok: false,
      reason: 'unknown-serial',
    })
  })

  it('the platform key does not verify a notification forged with another key under its serial', async () => {
    const a = adapter('certificate', certificateServer().fetchFn)
    const n = buildNotification({
      resource: payment(),
      at: clock.now(),
      apiV3Key: keys.apiV3Key,
      signer: { serial: keys.platform.serialNo, privateKey: strangerKey },
    })
    expect(await verify(a, n)).toMatchObject({ ok: false, reason: 'bad-signature' })
  })
})

describe('refused after the signature verified', () => {
  it.each([
    ['mchid', { mchid: '1900099999' }],
    ['appid', { appid: 'wx-another-app' }],
  ])('another merchant or mini-program (%s)', async (_field, extra) => {
    expect(
      await verify(adapter('public-key'), genuine('public-key', payment(extra))),
    ).toMatchObject({ ok: false, reason: 'wrong-merchant' })
  })

  it('garbage after decryption: a resource encrypted with another APIv3 key', async () => {
    const otherKey = 'A'.repeat(32)
    const n = buildNotification({
      resource: payment(),
      at: clock.now(),
      apiV3Key: otherKey,
      signer: sandboxSigner(keys, 'public-key'),
    })
    expect(await verify(adapter('public-key'), n)).toMatchObject({
      ok: false,
      reason: 'undecryptable',
    })
    // What the library would have done: no error, just garbage (it never checks the GCM tag).
    const resource = JSON.parse(n.body).resource
    const lib = new Pay({
      appid: APPID,
      mchid: keys.mchid,
      serial_no: keys.merchant.serialNo,
      publicKey: Buffer.from(keys.merchant.publicKey),
      privateKey: Buffer.from(keys.merchant.privateKey),
    })
    const garbage = lib.decipher_gcm<unknown>(
      resource.ciphertext,
      resource.associated_data,
      resource.nonce,
      keys.apiV3Key,
    )
    expect(typeof garbage).toBe('string')
    expect(garbage).not.toContain('out_trade_no')
  })

  it('garbage after decryption: text that is not JSON', async () => {
    expect(
      await verify(adapter('public-key'), genuine('public-key', 'not json at all')),
    ).toMatchObject({ ok: false, reason: 'invalid-resource' })
  })

  it.each([
    ['a missing amount', { amount: undefined }],
    ['a negative amount', { amount: { total: -1, currency: 'CNY' } }],
    ['another currency', { amount: { total: 100, currency: 'USD' } }],
    ['an unpaid trade state', { trade_state: 'NOTPAY' }],
    ['no payer', { payer: undefined }],
    ['a success time that is not a time', { success_time: 'yesterday' }],
  ])('a decrypted transaction with %s', async (_title, extra) => {
    expect(
      await verify(adapter('public-key'), genuine('public-key', payment(extra))),
    ).toMatchObject({ ok: false, reason: 'invalid-resource' })
  })

  it('a refund event whose resource says another refund status', async () => {
    const resource = refundResource({
      mchid: keys.mchid,
      outTradeNo: 'P1234567',
      outRefundNo: 'R1',
      refundFen: 100,
      totalFen: 2590,
      status: 'CLOSED',
      at: clock.now(),
    })
    expect(
      await verify(adapter('public-key'), genuine('public-key', resource, 'REFUND.SUCCESS')),
    ).toMatchObject({ ok: false, reason: 'invalid-resource' })
  })
})
