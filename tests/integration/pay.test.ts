/**
 * The payment edge through the local stack in WeChat Pay public-key mode: a payment for a probe
 * (a purpose with nothing behind it; the local stack's `payprobe` fixture, never deployed), paid
 * in the sandbox, whose genuine signed and encrypted notification reaches the notify URL the
 * payment named, `POST /http/payprobe/notify`, as a CloudBase HTTP-access event. The fixture runs
 * the same payments service as `pay`; the refusals are checked at both. What must hold:
 * one transition and one owner effect however often a genuine notification arrives, nothing
 * changed by forged, tampered, stale, replayed or inconsistent ones (each with its HTTP answer),
 * refunds that move money once and never beyond what was paid, and a refund notification that
 * arrives before its payment's.
 */
import { createPublicKey, verify } from 'node:crypto'
import { readFileSync, readdirSync } from 'node:fs'
import path from 'node:path'
import { outRefundNoFor } from '../../shared/payments/rules/payment'
import { ensureFunctionsBuilt, startTestStack, type TestStack } from '../support/local-stack'
import {
  buildNotification,
  otherPrivateKey,
  transactionResource,
  type Notification,
} from '../support/wechatpay'

let stack: TestStack
const PAYER = 'oPayerPublicKey'
/** The local stack's probe function (scripts/local-cloud/fixtures/payprobe). */
const PROBE = 'payprobe'

beforeAll(async () => {
  // Refunds settle when a test says so (POST /sandbox/refund/…), not on a timer.
  stack = await startTestStack({ payVerification: 'public-key', refundSettleMs: null })
})
afterAll(() => stack.stop())
afterEach(() => stack.setClockOffset(0))

async function createProbe(amountFen: number, openid = PAYER) {
  const res = await stack.call(PROBE, { action: 'probeCreate', amountFen }, { openid })
  expect(res.status).toBe(200)
  return res.body.data as { probeId: string; outTradeNo: string; payParams: Record<string, string> }
}

async function probe(probeId: string, sync = false, openid = PAYER) {
  const res = await stack.call(
    PROBE,
    { action: 'probeStatus', probeId, ...(sync ? { sync } : {}) },
    { openid },
  )
  expect(res.status).toBe(200)
  return res.body.data
}

async function sandbox(path: string, body: unknown = {}) {
  const res = await fetch(`${stack.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
  return { status: res.status, body: (await res.json()) as any }
}

/** Pays in the sandbox but holds the notification, returning it (genuine, signed now). */
async function payHeld(
  outTradeNo: string,
  overrides: Record<string, unknown> = {},
): Promise<Notification> {
  const res = await sandbox(`/sandbox/pay/${outTradeNo}`, { notify: false, ...overrides })
  expect(res.status).toBe(200)
  return res.body.notification
}

/** Delivers a notification to a function's HTTP access: the probe's own by default, as WeChat would. */
async function notify(n: Notification, fn: 'payprobe' | 'pay' = PROBE) {
  const res = await fetch(`${stack.url}/http/${fn}/notify`, {
    method: 'POST',
    headers: n.headers,
    body: n.body,
  })
  const text = await res.text()
  return { status: res.status, body: text === '' ? null : JSON.parse(text) }
}

describe('paying', () => {
  it('createPayment answers Taro.requestPayment parameters signed with the merchant key', async () => {
    const { payParams } = await createProbe(100)
    expect(payParams).toEqual({
      timeStamp: expect.stringMatching(/^\d+$/),
      nonceStr: expect.any(String),
      package: expect.stringMatching(/^prepay_id=wx/),
      signType: 'RSA',
      paySign: expect.any(String),
    })
    const message = `${stack.functions.appid}\n${payParams.timeStamp}\n${payParams.nonceStr}\n${payParams.package}\n`
    expect(
      verify(
        'RSA-SHA256',
        Buffer.from(message),
        createPublicKey(stack.payKeys.merchant.publicKey),
        Buffer.from(payParams.paySign!, 'base64'),
      ),
    ).toBe(true)
  })

  it('POST /sandbox/pay/<out_trade_no> pays: the notification is answered 204 and the owner acts once', async () => {
    const { probeId, outTradeNo } = await createProbe(2590)
    expect(await probe(probeId)).toMatchObject({
      status: 'awaiting_payment',
      payment: { status: 'pending' },
    })
    const paid = await sandbox(`/sandbox/pay/${outTradeNo}`)
    expect(paid.status).toBe(200)
    expect(paid.body.delivery).toEqual({ status: 204, body: '' })
    expect(await probe(probeId)).toMatchObject({
      status: 'paid',
      paidEffects: 1,
      onPaidCalls: 1,
      payment: { status: 'paid', paidVia: 'notification', amountFen: 2590 },
    })
  })

  it('the same genuine notification delivered 10 times at once changes the state once', async () => {
    const { probeId, outTradeNo } = await createProbe(1999)
    const n = await payHeld(outTradeNo)
    const answers = await Promise.all(Array.from({ length: 10 }, () => notify(n)))
    expect(answers.map((a) => a.status)).toEqual(Array(10).fill(204))
    const after = await probe(probeId)
    expect(after).toMatchObject({ status: 'paid', paidEffects: 1, payment: { status: 'paid' } })
    expect(after.onPaidCalls).toBeGreaterThanOrEqual(1)
  })

  it('WeChat sending it again later (its retries, or a replay within 5 minutes) is answered 204 and changes nothing', async () => {
    const { probeId, outTradeNo } = await createProbe(500)
    const n = await payHeld(outTradeNo)
    expect((await notify(n)).status).toBe(204)
    stack.setClockOffset(4 * 60_000)
    expect((await notify(n)).status).toBe(204)
    const again = await sandbox(`/sandbox/pay/${outTradeNo}`)
    expect(again.body.delivery.status).toBe(204)
    expect(await probe(probeId)).toMatchObject({ status: 'paid', paidEffects: 1 })
  })

  it('the owner learns of a payment whose notification never came, from a query', async () => {
    const { probeId, outTradeNo } = await createProbe(700)
    await payHeld(outTradeNo)
    expect(await probe(probeId)).toMatchObject({ status: 'awaiting_payment' })
    expect(await probe(probeId, true)).toMatchObject({
      status: 'paid',
      paidEffects: 1,
      payment: { status: 'paid', paidVia: 'query' },
    })
  })
})

describe.each(['pay', PROBE] as const)(
  'refused notifications change nothing (at /http/%s/notify)',
  (fn) => {
    let probeId: string
    let outTradeNo: string
    let genuine: Notification

    beforeAll(async () => {
      ;({ probeId, outTradeNo } = await createProbe(3000))
      genuine = await payHeld(outTradeNo)
    })

    async function unchanged() {
      expect(await probe(probeId)).toMatchObject({
        status: 'awaiting_payment',
        onPaidCalls: 0,
        paidEffects: 0,
        payment: { status: 'pending' },
      })
    }

    it('a forged signature: 401', async () => {
      const forged = buildNotification({
        resource: transactionResource({
          mchid: stack.payKeys.mchid,
          appid: stack.functions.appid,
          outTradeNo,
          amountFen: 3000,
          openid: PAYER,
          at: new Date(),
        }),
        at: new Date(),
        apiV3Key: stack.payKeys.apiV3Key,
        signer: { serial: stack.payKeys.wechatPublicKey.id, privateKey: otherPrivateKey() },
      })
      const res = await notify(forged, fn)
      expect(res).toEqual({
        status: 401,
        body: { code: 'UNAUTHENTICATED', message: expect.stringContaining('bad-signature') },
      })
      await unchanged()
    })

    it('a tampered body: 401', async () => {
      const res = await notify(
        {
          headers: genuine.headers,
          body: genuine.body.replace('"summary":"支付成功"', '"summary":"支付成功 "'),
        },
        fn,
      )
      expect(res.status).toBe(401)
      await unchanged()
    })

    it('a stale one (the clock 6 minutes on): 401', async () => {
      stack.setClockOffset(6 * 60_000)
      const res = await notify(genuine, fn)
      expect(res.status).toBe(401)
      expect(res.body.message).toContain('stale')
      stack.setClockOffset(0)
      await unchanged()
    })

    it('an unknown serial: 401; no headers: 400; not a POST: 400', async () => {
      expect(
        (
          await notify(
            {
              headers: {
                ...genuine.headers,
                'wechatpay-serial': 'PUB_KEY_ID_00000000000000000000',
              },
              body: genuine.body,
            },
            fn,
          )
        ).status,
      ).toBe(401)
      expect(
        (await notify({ headers: { 'content-type': 'application/json' }, body: genuine.body }, fn))
          .status,
      ).toBe(400)
      const get = await fetch(`${stack.url}/http/${fn}/notify`)
      expect(get.status).toBe(400)
      await unchanged()
    })

    it.each([
      ['amount', 409, { amountFen: 1 }],
      ['payer', 409, { openid: 'oSomeoneElse' }],
      ['mchid', 403, { mchid: '1900099999' }],
      ['appid', 403, { appid: 'wx-another-app' }],
    ])(
      'genuinely signed but another %s: %i, anomaly noted when it is ours',
      async (field, status, overrides) => {
        const n = await payHeld(outTradeNo, overrides)
        const res = await notify(n, fn)
        expect(res.status).toBe(status)
        expect(Object.keys(res.body)).toEqual(['code', 'message'])
        const after = await probe(probeId)
        expect(after).toMatchObject({
          status: 'awaiting_payment',
          paidEffects: 0,
          payment: { status: 'pending' },
        })
        if (status === 409) expect(after.payment.anomaly).toBe(`payment-${field}`)
      },
    )

    it("and then the genuine one, at the probe's own notify URL, is accepted once", async () => {
      expect((await notify(genuine)).status).toBe(204)
      expect(await probe(probeId)).toMatchObject({ status: 'paid', paidEffects: 1 })
    })
  },
)

describe('refunds', () => {
  async function paidProbe(amountFen: number) {
    const created = await createProbe(amountFen)
    expect((await sandbox(`/sandbox/pay/${created.outTradeNo}`)).body.delivery.status).toBe(204)
    return created
  }

  const refund = (probeId: string, amountFen: number, key: string) =>
    stack.call(PROBE, { action: 'probeRefund', probeId, amountFen, key }, { openid: PAYER })

  it('a refund settles once: its notification 10 times at once moves the money once; the same key is the same refund', async () => {
    const { probeId, outTradeNo } = await paidProbe(1000)
    const first = await refund(probeId, 300, 'r1')
    expect(first.body.data).toMatchObject({ status: 'processing', amountFen: 300 })
    const outRefundNo = first.body.data.outRefundNo
    // A retry (say, after a timeout) with the same key: the same out_refund_no, nothing new at WeChat.
    const retry = await refund(probeId, 300, 'r1')
    expect(retry.body.data.outRefundNo).toBe(outRefundNo)
    const settled = await sandbox(`/sandbox/refund/${outTradeNo}`, { outRefundNo, notify: false })
    expect(settled.status).toBe(200)
    const answers = await Promise.all(
      Array.from({ length: 10 }, () => notify(settled.body.notification)),
    )
    expect(answers.map((a) => a.status)).toEqual(Array(10).fill(204))
    expect(await probe(probeId)).toMatchObject({
      refundedFen: 300,
      refundEffects: 1,
      payment: { status: 'paid', refundedFen: 300 },
    })
    // The same key with another amount is refused, not a second refund.
    expect((await refund(probeId, 200, 'r1')).status).toBe(409)
  })

  it('concurrent refunds never add up to more than was paid; a full refund ends the payment', async () => {
    const { probeId, outTradeNo } = await paidProbe(1000)
    const answers = await Promise.all(
      ['a', 'b', 'c', 'd', 'e'].map((key) => refund(probeId, 400, key)),
    )
    expect(answers.filter((a) => a.status === 200)).toHaveLength(2)
    expect(answers.filter((a) => a.status === 409)).toHaveLength(3)
    for (const a of answers.filter((x) => x.status === 200)) {
      expect(
        (await sandbox(`/sandbox/refund/${outTradeNo}`, { outRefundNo: a.body.data.outRefundNo }))
          .body.delivery.status,
      ).toBe(204)
    }
    const rest = await refund(probeId, 200, 'rest')
    expect(rest.status).toBe(200)
    expect(
      (await sandbox(`/sandbox/refund/${outTradeNo}`, { outRefundNo: rest.body.data.outRefundNo }))
        .body.delivery.status,
    ).toBe(204)
    expect(await probe(probeId)).toMatchObject({
      refundedFen: 1000,
      refundEffects: 3,
      payment: { status: 'refunded', refundedFen: 1000 },
    })
    expect((await refund(probeId, 1, 'more')).status).toBe(409)
  })

  it('a refund notification before the payment notification: paid, then refunded, each once; the late payment notification changes nothing', async () => {
    const { probeId, outTradeNo } = await createProbe(800)
    const heldPayment = await payHeld(outTradeNo)
    // Refunded in the merchant platform while the payment notification is still on its way.
    const refunded = await sandbox(`/sandbox/refund/${outTradeNo}`, { amountFen: 800 })
    expect(refunded.body.delivery.status).toBe(204)
    expect(await probe(probeId)).toMatchObject({
      status: 'paid',
      paidEffects: 1,
      refundedFen: 800,
      refundEffects: 1,
      payment: { status: 'refunded', paidVia: 'refund-notification', refundedFen: 800 },
    })
    expect((await notify(heldPayment)).status).toBe(204)
    expect(await probe(probeId)).toMatchObject({
      status: 'paid',
      paidEffects: 1,
      refundEffects: 1,
      payment: { status: 'refunded' },
    })
  })

  it('a refund that WeChat closes releases its amount', async () => {
    const { probeId, outTradeNo } = await paidProbe(600)
    const r = await refund(probeId, 600, 'closing')
    expect(
      (
        await sandbox(`/sandbox/refund/${outTradeNo}`, {
          outRefundNo: r.body.data.outRefundNo,
          status: 'CLOSED',
        })
      ).body.delivery.status,
    ).toBe(204)
    expect(await probe(probeId)).toMatchObject({
      refundedFen: 0,
      refundEffects: 0,
      payment: { status: 'paid' },
    })
    expect((await refund(probeId, 600, 'again')).status).toBe(200)
  })

  it('out_refund_no is derived from the business key', async () => {
    const { probeId } = await paidProbe(100)
    const r = await refund(probeId, 100, 'k')
    expect(r.body.data.outRefundNo).toBe(outRefundNoFor(`probe:${probeId}:k`))
  })
})

describe('closing an unpaid payment', () => {
  it('closes at WeChat first, then here; the owner releases once; the payer can no longer pay', async () => {
    const { probeId, outTradeNo } = await createProbe(400)
    const closed = await stack.call(PROBE, { action: 'probeClose', probeId }, { openid: PAYER })
    expect(closed.body.data).toMatchObject({ status: 'closed', payment: { status: 'closed' } })
    expect((await sandbox(`/sandbox/pay/${outTradeNo}`)).status).toBe(409)
    expect(await probe(probeId)).toMatchObject({ status: 'closed', paidEffects: 0 })
  })

  it('a payment made just before closing is settled as paid instead', async () => {
    const { probeId, outTradeNo } = await createProbe(400)
    await payHeld(outTradeNo)
    const closed = await stack.call(PROBE, { action: 'probeClose', probeId }, { openid: PAYER })
    expect(closed.body.data).toMatchObject({
      status: 'paid',
      paidEffects: 1,
      payment: { status: 'paid', paidVia: 'query' },
    })
  })

  it("another user's probe is not found", async () => {
    const { probeId } = await createProbe(400)
    expect(
      (await stack.call(PROBE, { action: 'probeStatus', probeId }, { openid: 'oSomeoneElse' }))
        .status,
    ).toBe(404)
  })
})

describe('the probe is a local-stack fixture, not part of the production pay function', () => {
  it("a probe payment's notifications (payment and refund) reach the probe's own HTTP access, never pay", async () => {
    const seen: string[] = []
    const invoke = stack.functions.invoke.bind(stack.functions)
    stack.functions.invoke = (name, event, caller) => {
      if (caller?.source === 'http') seen.push(name)
      return invoke(name, event, caller)
    }
    try {
      const { probeId, outTradeNo } = await createProbe(1500)
      expect((await sandbox(`/sandbox/pay/${outTradeNo}`)).body.delivery.status).toBe(204)
      const r = await stack.call(
        PROBE,
        { action: 'probeRefund', probeId, amountFen: 500, key: 'route' },
        { openid: PAYER },
      )
      expect(r.status).toBe(200)
      const settled = await sandbox(`/sandbox/refund/${outTradeNo}`, {
        outRefundNo: r.body.data.outRefundNo,
      })
      expect(settled.body.delivery.status).toBe(204)
      expect(await probe(probeId)).toMatchObject({ status: 'paid', refundedFen: 500 })
    } finally {
      stack.functions.invoke = invoke
    }
    expect(seen).toEqual([PROBE, PROBE])
  })

  it.each(['probeCreate', 'probeStatus', 'probeRefund', 'probeClose'])(
    'pay has no %s action (it has no actions at all)',
    async (action) => {
      const res = await stack.call('pay', { action, amountFen: 100 }, { openid: PAYER })
      expect(res.status).toBe(400)
      expect(res.body.error).toMatchObject({
        code: 'UNKNOWN_ACTION',
        message: 'pay 没有可调用的操作',
      })
    },
  )

  it('no production bundle carries the probe: its actions, collection, messages or names', async () => {
    const { functionsDir, fixturesDir } = await ensureFunctionsBuilt()
    // esbuild writes non-ASCII text as \uXXXX escapes: read the bundle as its strings would read.
    const text = (file: string) =>
      readFileSync(file, 'utf8').replace(/\\u([0-9a-fA-F]{4})/g, (_m, hex: string) =>
        String.fromCharCode(parseInt(hex, 16)),
      )
    const traces = (source: string) =>
      [/probe/i, /探针/].filter((pattern) => pattern.test(source)).map(String)
    // The check can fail: the fixture's own bundle has every trace.
    expect(traces(text(path.join(fixturesDir, PROBE, 'index.js')))).toEqual(['/probe/i', '/探针/'])
    const bundles = readdirSync(functionsDir, { withFileTypes: true }).filter((d) =>
      d.isDirectory(),
    )
    expect(bundles.map((d) => d.name)).toContain('pay')
    expect(bundles.map((d) => d.name)).not.toContain(PROBE)
    for (const bundle of bundles)
      expect({
        bundle: bundle.name,
        traces: traces(text(path.join(functionsDir, bundle.name, 'index.js'))),
      }).toEqual({ bundle: bundle.name, traces: [] })
  })

  it('the reconciliation job (jobs) leaves probe payments to their function and fails on none', async () => {
    const { probeId, outTradeNo } = await createProbe(900)
    await payHeld(outTradeNo)
    stack.setClockOffset(2 * 60_000)
    const run = (await stack.runJob('reconcilePayments')) as any
    expect(run.ok).toBe(true)
    expect(run.data).toMatchObject({ failed: 0, pendingChecked: 0, paidApplied: 0 })
    expect(await probe(probeId)).toMatchObject({ status: 'awaiting_payment', paidEffects: 0 })
    // Its own function learns of it by asking WeChat.
    expect(await probe(probeId, true)).toMatchObject({ status: 'paid', paidEffects: 1 })
  })
})
