/**
 * The payment edge with platform-certificate verification: the sandbox signs notifications with
 * its platform certificate's key, and the functions trust only the certificates the v3 API
 * serves (downloaded through wechatpay-node-v3, decrypted with the APIv3 key). The payments are
 * the local stack's probes (`payprobe`, scripts/local-cloud/fixtures), notified at their own
 * `/http/payprobe/notify`; the production `pay` function verifies the same way (checked at the end).
 */
import { startTestStack, type TestStack } from '../support/local-stack'
import {
  buildNotification,
  otherPrivateKey,
  sandboxSigner,
  transactionResource,
  type Notification,
} from '../support/wechatpay'

let stack: TestStack
const PAYER = 'oPayerCertificate'

beforeAll(async () => {
  stack = await startTestStack({ payVerification: 'certificate', refundSettleMs: null })
})
afterAll(() => stack.stop())

async function notify(n: Notification, fn: 'payprobe' | 'pay' = 'payprobe') {
  return (
    await fetch(`${stack.url}/http/${fn}/notify`, {
      method: 'POST',
      headers: n.headers,
      body: n.body,
    })
  ).status
}

async function createProbe(amountFen: number) {
  const res = await stack.call('payprobe', { action: 'probeCreate', amountFen }, { openid: PAYER })
  expect(res.status).toBe(200)
  return res.body.data as { probeId: string; outTradeNo: string }
}

const probe = async (probeId: string) =>
  (await stack.call('payprobe', { action: 'probeStatus', probeId }, { openid: PAYER })).body.data

describe('platform-certificate mode', () => {
  it('a payment is verified with the downloaded platform certificate and applied once', async () => {
    const { probeId, outTradeNo } = await createProbe(1288)
    const res = await fetch(`${stack.url}/sandbox/pay/${outTradeNo}`, { method: 'POST' })
    const body = (await res.json()) as { notification: Notification; delivery: { status: number } }
    expect(body.notification.headers['wechatpay-serial']).toBe(stack.payKeys.platform.serialNo)
    expect(body.delivery.status).toBe(204)
    const statuses = await Promise.all(Array.from({ length: 10 }, () => notify(body.notification)))
    expect(statuses).toEqual(Array(10).fill(204))
    expect(await probe(probeId)).toMatchObject({
      status: 'paid',
      paidEffects: 1,
      payment: { status: 'paid' },
    })
  })

  it('refuses a notification signed with the WeChat Pay public key (not trusted in this mode), a forged serial and a forged signature', async () => {
    const { probeId, outTradeNo } = await createProbe(990)
    const resource = transactionResource({
      mchid: stack.payKeys.mchid,
      appid: stack.functions.appid,
      outTradeNo,
      amountFen: 990,
      openid: PAYER,
      at: new Date(),
    })
    const build = (signer: { serial: string; privateKey: string }) =>
      buildNotification({ resource, at: new Date(), apiV3Key: stack.payKeys.apiV3Key, signer })
    expect(await notify(build(sandboxSigner(stack.payKeys, 'public-key')))).toBe(401)
    expect(await notify(build({ serial: 'ABCDEF0123456789', privateKey: otherPrivateKey() }))).toBe(
      401,
    )
    expect(
      await notify(
        build({ serial: stack.payKeys.platform.serialNo, privateKey: otherPrivateKey() }),
      ),
    ).toBe(401)
    expect(await probe(probeId)).toMatchObject({
      status: 'awaiting_payment',
      paidEffects: 0,
      payment: { status: 'pending' },
    })
    // The genuine signer is accepted.
    expect(await notify(build(sandboxSigner(stack.payKeys, 'certificate')))).toBe(204)
    expect(await probe(probeId)).toMatchObject({ status: 'paid', paidEffects: 1 })
  })

  it('refund notifications are verified the same way', async () => {
    const { probeId, outTradeNo } = await createProbe(500)
    await fetch(`${stack.url}/sandbox/pay/${outTradeNo}`, { method: 'POST' })
    const refund = await stack.call(
      'payprobe',
      { action: 'probeRefund', probeId, amountFen: 500, key: 'all' },
      { openid: PAYER },
    )
    expect(refund.status).toBe(200)
    const settled = await fetch(`${stack.url}/sandbox/refund/${outTradeNo}`, {
      method: 'POST',
      body: JSON.stringify({ outRefundNo: refund.body.data.outRefundNo }),
    })
    expect(((await settled.json()) as { delivery: { status: number } }).delivery.status).toBe(204)
    expect(await probe(probeId)).toMatchObject({
      refundedFen: 500,
      refundEffects: 1,
      payment: { status: 'refunded' },
    })
  })

  it('the production pay function refuses the same forgeries, and knows the genuine signer', async () => {
    const { probeId, outTradeNo } = await createProbe(770)
    const resource = transactionResource({
      mchid: stack.payKeys.mchid,
      appid: stack.functions.appid,
      outTradeNo,
      amountFen: 770,
      openid: PAYER,
      at: new Date(),
    })
    const build = (signer: { serial: string; privateKey: string }) =>
      buildNotification({ resource, at: new Date(), apiV3Key: stack.payKeys.apiV3Key, signer })
    expect(await notify(build(sandboxSigner(stack.payKeys, 'public-key')), 'pay')).toBe(401)
    expect(
      await notify(
        build({ serial: stack.payKeys.platform.serialNo, privateKey: otherPrivateKey() }),
        'pay',
      ),
    ).toBe(401)
    // Genuine but disagreeing with the payment (another amount): verified, then refused as such.
    const other = buildNotification({
      resource: transactionResource({
        mchid: stack.payKeys.mchid,
        appid: stack.functions.appid,
        outTradeNo,
        amountFen: 1,
        openid: PAYER,
        at: new Date(),
      }),
      at: new Date(),
      apiV3Key: stack.payKeys.apiV3Key,
      signer: sandboxSigner(stack.payKeys, 'certificate'),
    })
    expect(await notify(other, 'pay')).toBe(409)
    expect(await probe(probeId)).toMatchObject({
      status: 'awaiting_payment',
      paidEffects: 0,
      payment: { status: 'pending', anomaly: 'payment-amount' },
    })
  })
})
