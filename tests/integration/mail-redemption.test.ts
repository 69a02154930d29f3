/**
 * Mail redemptions through the local stack: the member redeems a gift from the central stock with
 * an address, pays the shipping fee in the WeChat Pay sandbox, HQ ships it and the member sees the
 * tracking number; an unpaid one is cancelled after 15 minutes (or by the member) with points and
 * stock back exactly once, however the closes race.
 */
import { expectLedgerConsistent } from '../support/points'
import { startTestStack, type Personas, type TestStack } from '../support/local-stack'

let stack: TestStack
let demo: Personas
const TOTE = 'demo-gift-tote'
const address = {
  name: '林小姐',
  phone: '13800000000',
  province: '上海市',
  city: '上海市',
  district: '静安区',
  detail: '南京西路 1 号 2 楼',
}

const points = (openid: string, body: object) => stack.call('points', body, { openid })
const centralStock = async (giftId: string) =>
  ((await stack.db.collection('giftStock').doc(`${giftId}_central`).get()) as { data: any[] })
    .data[0]?.available as number
const balance = async (memberId: string) =>
  ((await stack.db.collection('members').doc(memberId).get()) as { data: any[] }).data[0]!
    .points as number
const timer = () => stack.runJob('expireMailRedemptions') as Promise<any>

async function pay(outTradeNo: string, body: Record<string, unknown> = {}) {
  const res = await fetch(`${stack.url}/sandbox/pay/${outTradeNo}`, {
    method: 'POST',
    body: JSON.stringify(body),
  })
  return { status: res.status, body: (await res.json()) as any }
}

async function bind(openid: string, i: number) {
  const code = demo.codes.find((c) => c.kind === 'store')!
  const res = await stack.call(
    'member',
    { action: 'bind', scene: code.scene, phone: `136${String(20_000_000 + i).slice(-8)}` },
    { openid },
  )
  expect(res.status).toBe(200)
  return res.body.data as { memberId: string; memberNo: string; points: number }
}

async function ledgerKeys(memberId: string) {
  return (
    (await stack.db.collection('pointsLedger').where({ memberId }).limit(1000).get()) as {
      data: any[]
    }
  ).data as { key: string; points: number }[]
}

beforeAll(async () => {
  stack = await startTestStack({ seed: true })
  demo = await stack.personas()
})
afterAll(() => stack.stop())

describe('redeeming for mail, paying the shipping fee, shipping', () => {
  let member: { memberId: string; memberNo: string }
  let redeemed: { redemptionId: string; outTradeNo: string }

  beforeAll(async () => {
    member = await bind('oMailer', 1)
  })

  it('takes the points and one unit of central stock, and opens a 15-minute payment for the shipping fee', async () => {
    const before = await centralStock(TOTE)
    const res = await points('oMailer', {
      action: 'redeem',
      giftId: TOTE,
      fulfilment: 'mail',
      address,
    })
    expect(res.status).toBe(200)
    expect(res.body.data).toMatchObject({
      status: 'awaitingPayment',
      points: 80,
      balance: 20,
      shippingFeeFen: 800,
    })
    expect(res.body.data.payParams).toMatchObject({
      signType: 'RSA',
      package: expect.stringMatching(/^prepay_id=/),
    })
    expect(res.body.data.pickupCode).toBeUndefined()
    redeemed = res.body.data
    const payBy = new Date(res.body.data.payBy).getTime()
    expect(payBy - Date.now()).toBeGreaterThan(14 * 60_000)
    expect(payBy - Date.now()).toBeLessThanOrEqual(15 * 60_000)
    expect(await centralStock(TOTE)).toBe(before - 1)
    const payment = (
      (await stack.db.collection('payments').doc(redeemed.outTradeNo).get()) as { data: any[] }
    ).data[0]
    expect(payment).toMatchObject({
      purpose: { kind: 'redemption', id: redeemed.redemptionId },
      amountFen: 800,
      status: 'pending',
    })
    expect((await ledgerKeys(member.memberId)).map((e) => e.key)).toContain(
      `redemption:${redeemed.redemptionId}:spend`,
    )
    await expectLedgerConsistent(stack.db, member.memberId)
  })

  it('shows it waiting for payment, with the address, in the detail and in the list', async () => {
    const one = await points('oMailer', {
      action: 'redemption',
      redemptionId: redeemed.redemptionId,
    })
    expect(one.body.data).toMatchObject({
      fulfilment: 'mail',
      status: 'awaitingPayment',
      statusLabel: '待支付运费',
      actions: ['pay', 'cancel'],
      storeId: null,
      pickupCode: null,
      address,
      shippingFeeFen: 800,
    })
    expect(one.body.data.payBy).not.toBeNull()
    const mine = await points('oMailer', { action: 'myRedemptions' })
    expect(mine.body.data.items.map((r: any) => [r.redemptionId, r.fulfilment])).toEqual([
      [redeemed.redemptionId, 'mail'],
    ])
  })

  it('the member may ask for the payment again: the same order, fresh parameters', async () => {
    const again = await points('oMailer', {
      action: 'payRedemption',
      redemptionId: redeemed.redemptionId,
    })
    expect(again.status).toBe(200)
    expect(again.body.data).toMatchObject({ outTradeNo: redeemed.outTradeNo, shippingFeeFen: 800 })
    expect(
      (
        await points('oSomeoneElse', {
          action: 'payRedemption',
          redemptionId: redeemed.redemptionId,
        })
      ).status,
    ).toBe(404)
  })

  it('HQ cannot ship or cancel it before it is paid', async () => {
    const ship = await stack.admin({
      action: 'shipRedemption',
      redemptionId: redeemed.redemptionId,
      carrier: '顺丰速运',
      trackingNo: 'SF1234567890',
    })
    expect(ship.status).toBe(409)
    expect(ship.body.error.message).toContain('待支付运费')
    const cancel = await stack.admin({
      action: 'cancelRedemption',
      redemptionId: redeemed.redemptionId,
      reason: '测试取消',
    })
    expect(cancel.status).toBe(409)
    expect(cancel.body.error.message).toContain('等待会员支付运费')
  })

  it('paid in the sandbox, it waits for shipment (待发货), once however often WeChat notifies', async () => {
    const held = await pay(redeemed.outTradeNo, { notify: false })
    expect(held.status).toBe(200)
    const deliveries = await Promise.all(
      Array.from({ length: 5 }, () =>
        fetch(`${stack.url}/http/pay/notify`, {
          method: 'POST',
          headers: held.body.notification.headers,
          body: held.body.notification.body,
        }),
      ),
    )
    expect(deliveries.map((d) => d.status)).toEqual(Array(5).fill(204))
    const one = await points('oMailer', {
      action: 'redemption',
      redemptionId: redeemed.redemptionId,
    })
    expect(one.body.data).toMatchObject({
      status: 'awaitingShipment',
      statusLabel: '待发货',
      // Paid: nothing left for the member to do (HQ ships it).
      actions: [],
      shipment: null,
    })
    expect(one.body.data.paidAt).not.toBeNull()
    expect(await balance(member.memberId)).toBe(20)
    // Paid: it can no longer be cancelled by the member.
    const cancel = await points('oMailer', {
      action: 'cancelRedemption',
      redemptionId: redeemed.redemptionId,
    })
    expect(cancel.status).toBe(409)
    expect(cancel.body.error.message).toContain('已支付运费')
  })

  it('HQ lists it to ship, with the member number and address', async () => {
    const list = await stack.admin({ action: 'mailRedemptions' })
    expect(list.status).toBe(200)
    expect(list.body.data.items).toEqual([
      expect.objectContaining({
        redemptionId: redeemed.redemptionId,
        memberNo: member.memberNo,
        address,
        giftName: '帆布购物袋',
        statusLabel: '待发货',
        actions: ['ship'],
      }),
    ])
  })

  it('HQ ships it with carrier and tracking number (audited, once); the member sees 已发货 and the number', async () => {
    const bad = await stack.admin({
      action: 'shipRedemption',
      redemptionId: redeemed.redemptionId,
      carrier: '顺丰速运',
      trackingNo: '单号',
    })
    expect(bad.status).toBe(400)
    expect(bad.body.error.field).toBe('trackingNo')
    const shipped = await stack.admin({
      action: 'shipRedemption',
      redemptionId: redeemed.redemptionId,
      carrier: '顺丰速运',
      trackingNo: 'SF1234567890',
    })
    expect(shipped.status).toBe(200)
    expect(shipped.body.data).toMatchObject({
      status: 'shipped',
      statusLabel: '已发货',
      actions: [],
      shipment: { carrier: '顺丰速运', trackingNo: 'SF1234567890' },
    })
    const twice = await stack.admin({
      action: 'shipRedemption',
      redemptionId: redeemed.redemptionId,
      carrier: '中通快递',
      trackingNo: 'ZT0000000001',
    })
    expect(twice.status).toBe(409)
    expect(twice.body.error.message).toContain('SF1234567890')
    const one = await points('oMailer', {
      action: 'redemption',
      redemptionId: redeemed.redemptionId,
    })
    expect(one.body.data).toMatchObject({
      status: 'shipped',
      statusLabel: '已发货',
      shipment: { carrier: '顺丰速运', trackingNo: 'SF1234567890' },
    })
    expect(one.body.data.shippedAt).not.toBeNull()
    const audit = (await stack.db
      .collection('auditLog')
      .where({ action: 'shipRedemption' })
      .get()) as { data: any[] }
    // Before payment, the second shipment, and the one that shipped (invalid input never reaches the handler).
    expect(audit.data.map((a) => a.outcome).sort()).toEqual(['CONFLICT', 'CONFLICT', 'ok'])
    expect((await stack.admin({ action: 'mailRedemptions' })).body.data.items).toEqual([])
    expect(
      (await stack.admin({ action: 'mailRedemptions', status: 'shipped' })).body.data.items.map(
        (r: any) => r.redemptionId,
      ),
    ).toContain(redeemed.redemptionId)
  })

  it('deleting the account erases the address of a shipped redemption, not of one still owed', async () => {
    const free = await stack.admin({
      action: 'createGift',
      name: '包邮贴纸',
      pointsPrice: 10,
      fulfilments: ['mail'],
      shippingFeeFen: 0,
      stock: [{ storeId: null, available: 1 }],
    })
    const waiting = (
      await points('oMailer', {
        action: 'redeem',
        giftId: free.body.data.giftId,
        fulfilment: 'mail',
        address,
      })
    ).body.data
    expect(waiting.status).toBe('awaitingShipment')
    expect(
      (
        await stack.call(
          'member',
          { action: 'deleteAccount', confirm: 'DELETE' },
          { openid: 'oMailer' },
        )
      ).status,
    ).toBe(200)
    const doc = async (id: string) =>
      ((await stack.db.collection('redemptions').doc(id).get()) as { data: any[] }).data[0]
    expect((await doc(redeemed.redemptionId)).address).toBeUndefined()
    expect((await doc(waiting.redemptionId)).address).toEqual(address)
  })
})

describe('unpaid mail redemptions', () => {
  it('unpaid after 15 minutes: cancelled once, points and stock back once, however many closes race', async () => {
    const member = await bind('oSlowMailer', 2)
    const before = await centralStock(TOTE)
    const { redemptionId, outTradeNo } = (
      await points('oSlowMailer', { action: 'redeem', giftId: TOTE, fulfilment: 'mail', address })
    ).body.data
    expect(await balance(member.memberId)).toBe(20)
    stack.setClockOffset(14 * 60_000)
    expect((await timer()).data).toMatchObject({ expired: 0 })
    expect(await centralStock(TOTE)).toBe(before - 1)
    stack.setClockOffset(15 * 60_000 + 1_000)
    // Two timer runs and the member's own cancel, all at once, then the timer again.
    const [first, second, late] = await Promise.all([
      timer(),
      timer(),
      points('oSlowMailer', { action: 'cancelRedemption', redemptionId }),
    ])
    expect(first.ok && second.ok).toBe(true)
    expect(late.status).toBe(200)
    expect(late.body.data.status).toBe('cancelled')
    expect((await timer()).data).toMatchObject({ expired: 0, failed: 0 })
    expect(await centralStock(TOTE)).toBe(before)
    expect(await balance(member.memberId)).toBe(100)
    const keys = (await ledgerKeys(member.memberId)).map((e) => e.key)
    expect(keys.filter((k) => k === `redemption:${redemptionId}:return`)).toHaveLength(1)
    const one = await points('oSlowMailer', { action: 'redemption', redemptionId })
    expect(one.body.data).toMatchObject({ status: 'cancelled', statusLabel: '已取消' })
    expect(one.body.data.cancelReason).toContain('15 分钟未支付')
    // Closed at WeChat: it can no longer be paid.
    expect((await pay(outTradeNo)).status).toBe(409)
    const payment = (
      (await stack.db.collection('payments').doc(outTradeNo).get()) as { data: any[] }
    ).data[0]
    expect(payment.status).toBe('closed')
    stack.setClockOffset(0)
    await expectLedgerConsistent(stack.db, member.memberId)
  })

  it('looked at after its 15 minutes, it is cancelled then, before the timer runs', async () => {
    const member = await bind('oLookerMail', 3)
    const before = await centralStock(TOTE)
    const { redemptionId } = (
      await points('oLookerMail', { action: 'redeem', giftId: TOTE, fulfilment: 'mail', address })
    ).body.data
    stack.setClockOffset(16 * 60_000)
    expect(
      (await points('oLookerMail', { action: 'redemption', redemptionId })).body.data.status,
    ).toBe('cancelled')
    expect((await points('oLookerMail', { action: 'payRedemption', redemptionId })).status).toBe(
      409,
    )
    stack.setClockOffset(0)
    expect(await centralStock(TOTE)).toBe(before)
    expect(await balance(member.memberId)).toBe(100)
  })

  it('the member cancels an unpaid one: points and stock back, the payment closed, cancelling again changes nothing', async () => {
    const member = await bind('oChangedMind', 4)
    const before = await centralStock(TOTE)
    const { redemptionId, outTradeNo } = (
      await points('oChangedMind', { action: 'redeem', giftId: TOTE, fulfilment: 'mail', address })
    ).body.data
    const cancelled = await points('oChangedMind', { action: 'cancelRedemption', redemptionId })
    expect(cancelled.body.data).toMatchObject({
      status: 'cancelled',
      cancelReason: '已取消支付运费，积分已退回',
    })
    expect(
      (await points('oChangedMind', { action: 'cancelRedemption', redemptionId })).body.data.status,
    ).toBe('cancelled')
    expect(await centralStock(TOTE)).toBe(before)
    expect(await balance(member.memberId)).toBe(100)
    expect((await pay(outTradeNo)).status).toBe(409)
    await expectLedgerConsistent(stack.db, member.memberId)
  })

  it('only the timer may run the expiry', async () => {
    const res = await stack.call(
      'jobs',
      { action: 'everyMinute', message: 'expireMailRedemptions' },
      { openid: 'oChangedMind' },
    )
    expect(res.status).toBe(403)
  })
})

describe('mail redemptions that cannot go through', () => {
  let member: { memberId: string; memberNo: string }
  beforeAll(async () => {
    member = await bind('oRefusedMail', 5)
  })

  it.each([
    ['phone', { phone: '12345' }, '请填写 11 位手机号'],
    ['name', { name: ' ' }, '请填写收件人姓名'],
    ['district', { district: '' }, '请选择区县'],
    ['detail', { detail: '1号' }, '详细地址至少 4 个字'],
  ])(
    'an invalid address is refused naming the field (%s), taking nothing',
    async (field, change, message) => {
      const before = await centralStock(TOTE)
      const res = await points('oRefusedMail', {
        action: 'redeem',
        giftId: TOTE,
        fulfilment: 'mail',
        address: { ...address, ...change },
      })
      expect(res.status).toBe(400)
      expect(res.body.error).toMatchObject({ code: 'INVALID_INPUT', field: `address.${field}` })
      expect(res.body.error.message).toContain(message)
      expect(await centralStock(TOTE)).toBe(before)
      expect(await balance(member.memberId)).toBe(100)
    },
  )

  it('a gift not offered by mail, or with no central stock, is refused clearly, taking nothing', async () => {
    const pickupOnly = await points('oRefusedMail', {
      action: 'redeem',
      giftId: 'demo-gift-coffee',
      fulfilment: 'mail',
      address,
    })
    expect(pickupOnly.status).toBe(409)
    expect(pickupOnly.body.error.message).toContain('不支持邮寄')
    const created = await stack.admin({
      action: 'createGift',
      name: '中心仓售罄',
      pointsPrice: 10,
      fulfilments: ['pickup', 'mail'],
      shippingFeeFen: 600,
      stock: [{ storeId: null, available: 0 }],
    })
    const empty = await points('oRefusedMail', {
      action: 'redeem',
      giftId: created.body.data.giftId,
      fulfilment: 'mail',
      address,
    })
    expect(empty.status).toBe(409)
    expect(empty.body.error.message).toContain('中心仓暂无库存')
    expect(await balance(member.memberId)).toBe(100)
    expect(await centralStock(created.body.data.giftId)).toBe(0)
  })

  it('too few points: refused, and the central unit goes back', async () => {
    const before = await centralStock('demo-gift-mug')
    const res = await points('oRefusedMail', {
      action: 'redeem',
      giftId: 'demo-gift-mug',
      fulfilment: 'mail',
      address,
    })
    expect(res.status).toBe(409)
    expect(res.body.error.message).toContain('积分不足')
    expect(await centralStock('demo-gift-mug')).toBe(before)
  })

  it('a gift shipped free needs no payment: it waits for shipment at once', async () => {
    const created = await stack.admin({
      action: 'createGift',
      name: '包邮小样',
      pointsPrice: 10,
      fulfilments: ['mail'],
      shippingFeeFen: 0,
      stock: [{ storeId: null, available: 3 }],
    })
    const res = await points('oRefusedMail', {
      action: 'redeem',
      giftId: created.body.data.giftId,
      fulfilment: 'mail',
      address,
    })
    expect(res.status).toBe(200)
    expect(res.body.data).toMatchObject({
      status: 'awaitingShipment',
      shippingFeeFen: 0,
      balance: 90,
    })
    expect(res.body.data.outTradeNo).toBeUndefined()
    expect(await centralStock(created.body.data.giftId)).toBe(2)
  })
})

describe('concurrency', () => {
  it('20 mail redemptions at once by a member whose points cover 5: exactly 5, stock and points exact', async () => {
    const member = await bind('oEagerMailer', 6)
    const created = await stack.admin({
      action: 'createGift',
      name: '限量帆布包',
      pointsPrice: 100,
      fulfilments: ['mail'],
      shippingFeeFen: 500,
      stock: [{ storeId: null, available: 50 }],
    })
    const giftId = created.body.data.giftId as string
    expect(
      (
        await stack.admin({
          action: 'adjustPoints',
          memberNo: member.memberNo,
          points: 400,
          reason: '并发测试',
        })
      ).status,
    ).toBe(200)
    const results = await Promise.all(
      Array.from({ length: 20 }, () =>
        points('oEagerMailer', { action: 'redeem', giftId, fulfilment: 'mail', address }),
      ),
    )
    const ok = results.filter((r) => r.status === 200)
    expect(ok).toHaveLength(5)
    expect(
      results
        .filter((r) => r.status === 409)
        .every((r) => String(r.body.error.message).includes('积分不足')),
    ).toBe(true)
    expect(results.filter((r) => r.status !== 200 && r.status !== 409)).toEqual([])
    expect(await centralStock(giftId)).toBe(45)
    expect(await balance(member.memberId)).toBe(0)
    const payments = (await stack.db
      .collection('payments')
      .where({ 'purpose.kind': 'redemption', payerOpenid: 'oEagerMailer' })
      .get()) as { data: any[] }
    expect(payments.data).toHaveLength(5)
    const mine = (await stack.db
      .collection('redemptions')
      .where({ memberId: member.memberId })
      .get()) as { data: any[] }
    expect(mine.data.map((r) => r.status)).toEqual(Array(5).fill('awaitingPayment'))
    const memberDoc = (
      (await stack.db.collection('members').doc(member.memberId).get()) as { data: any[] }
    ).data[0]
    expect(memberDoc.pendingSpends ?? []).toEqual([])
    await expectLedgerConsistent(stack.db, member.memberId)
  })
})
