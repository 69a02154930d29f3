/**
 * The shop through the local stack, as the mini-program calls it: products with one price and
 * stock per location; orders for pickup or delivery that reserve stock on creation, are paid
 * through the WeChat Pay sandbox (a paid pickup order gets a pickup code), and give their stock
 * back when cancelled or unpaid after 15 minutes. Stock never goes below zero.
 */
import { COLLECTIONS } from '../../shared/collections'
import type { StockDoc } from '../../shared/shop/documents'
import { CENTRAL, stockId } from '../../shared/shop/rules/shop'
import { startTestStack, type TestStack } from '../support/local-stack'

let stack: TestStack
let storeA: string
let storeB: string
const CREAM = 'p-rose-cream'
const TEA = 'p-tea-gift'
const HAND = 'p-hand-cream'
const SCARF = 'p-silk-scarf'
const ADDRESS = {
  name: '王小明',
  phone: '13800138000',
  province: '上海市',
  city: '上海市',
  district: '徐汇区',
  detail: '漕溪北路 88 号 1201 室',
}

beforeAll(async () => {
  stack = await startTestStack({ seed: true })
  const stores = [
    ...new Set(
      (await stack.personas()).codes.filter((c) => c.kind === 'store').map((c) => c.storeId),
    ),
  ]
  ;[storeA, storeB] = stores as [string, string]
}, 120_000) // the stack start: the shared 2-core box runs at load 10
afterAll(() => stack.stop())

const shop = (body: Record<string, unknown>, openid = 'oShopper') =>
  stack.call('shop', body, { openid })

async function available(productId: string, locationId: string): Promise<number> {
  const res = (await stack.db
    .collection(COLLECTIONS.stock.name)
    .doc(stockId(productId, locationId))
    .get()) as { data: StockDoc[] }
  return res.data[0]!.available
}

async function reserved(productId: string, locationId: string): Promise<number> {
  const res = (await stack.db
    .collection(COLLECTIONS.stock.name)
    .doc(stockId(productId, locationId))
    .get()) as { data: StockDoc[] }
  return res.data[0]!.reserved
}

async function pay(outTradeNo: string, body: Record<string, unknown> = {}) {
  const res = await fetch(`${stack.url}/sandbox/pay/${outTradeNo}`, {
    method: 'POST',
    body: JSON.stringify(body),
  })
  return { status: res.status, body: (await res.json()) as any }
}

describe('products', () => {
  it('lists products with one price and what is orderable centrally and in every store (a plain array)', async () => {
    const res = await shop({ action: 'products' })
    expect(res.status).toBe(200)
    expect(Array.isArray(res.body.data)).toBe(true)
    const cream = res.body.data.find((p: { productId: string }) => p.productId === CREAM)
    expect(cream).toMatchObject({
      productId: CREAM,
      name: expect.any(String),
      priceFen: 16_800,
      available: { central: 200 },
    })
    expect(cream.available.stores[storeA]).toBe(20)
    expect(cream.available.stores[storeB]).toBe(20)
  })
})

describe('ordering for pickup', () => {
  it('reserves stock at the store, is paid once through the sandbox and gets a pickup code', async () => {
    const before = await available(CREAM, storeA)
    // Another shopper's unpaid order holds one, so a sale counted twice would show.
    expect(
      (
        await shop(
          {
            action: 'createOrder',
            items: [{ productId: CREAM, qty: 1 }],
            fulfilment: 'pickup',
            storeId: storeA,
          },
          'oHolder',
        )
      ).status,
    ).toBe(200)
    const created = await shop({
      action: 'createOrder',
      items: [{ productId: CREAM, qty: 2 }],
      fulfilment: 'pickup',
      storeId: storeA,
    })
    expect(created.status).toBe(200)
    expect(created.body.data).toMatchObject({
      orderId: expect.any(String),
      outTradeNo: expect.any(String),
      totalFen: 33_600,
      payParams: { signType: 'RSA', package: expect.stringMatching(/^prepay_id=/) },
    })
    expect(await available(CREAM, storeA)).toBe(before - 3)
    expect(await reserved(CREAM, storeA)).toBe(3)
    expect(await available(CREAM, storeB)).toBe(20)

    const unpaid = await shop({ action: 'order', orderId: created.body.data.orderId })
    expect(unpaid.body.data).toMatchObject({ status: 'awaiting_payment', pickupCode: null })

    const paid = await pay(created.body.data.outTradeNo, { notify: false })
    const deliveries = await Promise.all(
      Array.from({ length: 10 }, () =>
        fetch(`${stack.url}/http/pay/notify`, {
          method: 'POST',
          headers: paid.body.notification.headers,
          body: paid.body.notification.body,
        }).then((r) => r.status),
      ),
    )
    expect(deliveries).toEqual(Array(10).fill(204))
    const order = await shop({ action: 'order', orderId: created.body.data.orderId })
    expect(order.body.data).toMatchObject({
      status: 'paid',
      pickupCode: expect.stringMatching(/^\d{8}$/),
      storeId: storeA,
      fulfilment: 'pickup',
    })
    // The read credited the member's points; the reservation becomes the sale by the timer, within
    // the minute (two runs at once: still once).
    await Promise.all([stack.runJob('applyOrderEffects'), stack.runJob('applyOrderEffects')])
    // Sold once, not released: the reservation became the sale; the other order still holds one.
    expect(await available(CREAM, storeA)).toBe(before - 3)
    expect(await reserved(CREAM, storeA)).toBe(1)
    const stored = (await stack.db
      .collection(COLLECTIONS.orders.name)
      .doc(created.body.data.orderId)
      .get()) as { data: { pickupCode: string; paidEffectsAt: Date | null }[] }
    expect(stored.data[0]!.pickupCode).toBe(order.body.data.pickupCode)
    expect(stored.data[0]!.paidEffectsAt).not.toBeNull()
  })

  it('a payer back from requestPayment sees the order paid even before the notification', async () => {
    const created = await shop({
      action: 'createOrder',
      items: [{ productId: HAND, qty: 1 }],
      fulfilment: 'pickup',
      storeId: storeB,
    })
    await pay(created.body.data.outTradeNo, { notify: false })
    const order = await shop({ action: 'order', orderId: created.body.data.orderId })
    expect(order.body.data).toMatchObject({
      status: 'paid',
      pickupCode: expect.stringMatching(/^\d{8}$/),
    })
  })

  it('paid pickup orders get distinct claimed codes; paid delivery orders carry none and coexist', async () => {
    const order = async (fulfilment: 'pickup' | 'delivery', openid: string) => {
      const created = await shop(
        {
          action: 'createOrder',
          items: [{ productId: HAND, qty: 1 }],
          fulfilment,
          ...(fulfilment === 'pickup' ? { storeId: storeA } : { deliveryAddress: ADDRESS }),
        },
        openid,
      )
      expect(created.status).toBe(200)
      return created.body.data as { orderId: string; outTradeNo: string }
    }
    const created = await Promise.all([
      order('pickup', 'oCodesA'),
      order('pickup', 'oCodesB'),
      order('delivery', 'oCodesA'),
      order('delivery', 'oCodesB'),
    ])
    // Paid at once: the two pickup codes are drawn concurrently.
    const paid = await Promise.all(created.map((c) => pay(c.outTradeNo)))
    for (const p of paid) expect(p.body.delivery.status).toBe(204)
    const stored = await Promise.all(
      created.map(
        async (c) =>
          (
            (await stack.db.collection(COLLECTIONS.orders.name).doc(c.orderId).get()) as {
              data: { status: string; pickupCode?: string }[]
            }
          ).data[0]!,
      ),
    )
    for (const o of stored) expect(o.status).toBe('paid')
    const [codeA, codeB] = stored.map((o) => o.pickupCode)
    expect(codeA).toMatch(/^\d{8}$/)
    expect(codeB).toMatch(/^\d{8}$/)
    expect(codeA).not.toBe(codeB)
    // Two paid orders without a code: a unique (non-sparse) index on pickupCode would refuse one.
    expect(stored[2]!.pickupCode).toBeUndefined()
    expect(stored[3]!.pickupCode).toBeUndefined()
    // Each code is held by its claim, which names the order that carries it.
    for (const [i, code] of [codeA!, codeB!].entries()) {
      const claim = (
        (await stack.db.collection(COLLECTIONS.pickupCodes.name).doc(code).get()) as {
          data: { kind: string; ownerId: string }[]
        }
      ).data[0]
      expect(claim).toMatchObject({ kind: 'order', ownerId: created[i]!.orderId })
    }
  })

  it('refuses a pickup order without a store, and a delivery order with one', async () => {
    const noStore = await shop({
      action: 'createOrder',
      items: [{ productId: CREAM, qty: 1 }],
      fulfilment: 'pickup',
    })
    expect(noStore.status).toBe(400)
    expect(noStore.body.error.field).toBe('storeId')
    const withStore = await shop({
      action: 'createOrder',
      items: [{ productId: CREAM, qty: 1 }],
      fulfilment: 'delivery',
      storeId: storeA,
      deliveryAddress: ADDRESS,
    })
    expect(withStore.status).toBe(400)
    expect(withStore.body.error.field).toBe('storeId')
    const unknown = await shop({
      action: 'createOrder',
      items: [{ productId: 'no-such-product', qty: 1 }],
      fulfilment: 'delivery',
      deliveryAddress: ADDRESS,
    })
    expect(unknown.status).toBe(404)
  })
})

describe('ordering for delivery', () => {
  it('reserves in the central warehouse, not in a store; a paid delivery order has no pickup code', async () => {
    const central = await available(SCARF, CENTRAL)
    const store = await available(SCARF, storeA)
    const created = await shop({
      action: 'createOrder',
      items: [{ productId: SCARF, qty: 3 }],
      fulfilment: 'delivery',
      deliveryAddress: ADDRESS,
    })
    expect(created.status).toBe(200)
    expect(await available(SCARF, CENTRAL)).toBe(central - 3)
    expect(await available(SCARF, storeA)).toBe(store)
    expect((await pay(created.body.data.outTradeNo)).body.delivery.status).toBe(204)
    expect(
      (await shop({ action: 'order', orderId: created.body.data.orderId })).body.data,
    ).toMatchObject({
      status: 'paid',
      pickupCode: null,
      deliveryAddress: ADDRESS,
      shipment: null,
      deliveredAt: null,
    })
  })

  it('needs an address, checked field by field; a pickup order refuses one', async () => {
    const order = (body: Record<string, unknown>) =>
      shop({ action: 'createOrder', items: [{ productId: SCARF, qty: 1 }], ...body }, 'oAddress')
    const missing = await order({ fulfilment: 'delivery' })
    expect(missing.status).toBe(400)
    expect(missing.body.error).toMatchObject({
      field: 'deliveryAddress',
      message: '配送订单请填写收货地址',
    })
    const badPhone = await order({
      fulfilment: 'delivery',
      deliveryAddress: { ...ADDRESS, phone: '12345' },
    })
    expect(badPhone.status).toBe(400)
    expect(badPhone.body.error.field).toBe('deliveryAddress.phone')
    const noDetail = await order({
      fulfilment: 'delivery',
      deliveryAddress: { ...ADDRESS, detail: '  ' },
    })
    expect(noDetail.status).toBe(400)
    expect(noDetail.body.error.field).toBe('deliveryAddress.detail')
    const extra = await order({
      fulfilment: 'delivery',
      deliveryAddress: { ...ADDRESS, zip: '200000' },
    })
    expect(extra.status).toBe(400)
    const pickup = await order({ fulfilment: 'pickup', storeId: storeA, deliveryAddress: ADDRESS })
    expect(pickup.status).toBe(400)
    expect(pickup.body.error).toMatchObject({
      field: 'deliveryAddress',
      message: '自提订单不需要收货地址',
    })
    const myOrders = await shop({ action: 'myOrders' }, 'oAddress')
    expect(myOrders.body.data).toEqual([])
  })
})

describe('paying later', () => {
  it('a payer who left the pay sheet gets fresh parameters for the same payment, and pays with them once', async () => {
    const created = await shop(
      {
        action: 'createOrder',
        items: [{ productId: HAND, qty: 1 }],
        fulfilment: 'pickup',
        storeId: storeA,
      },
      'oLater',
    )
    const again = await shop({ action: 'payOrder', orderId: created.body.data.orderId }, 'oLater')
    expect(again.status).toBe(200)
    expect(again.body.data).toMatchObject({
      orderId: created.body.data.orderId,
      outTradeNo: created.body.data.outTradeNo,
      totalFen: created.body.data.totalFen,
      expiresAt: created.body.data.expiresAt,
      payParams: { signType: 'RSA', package: created.body.data.payParams.package },
    })
    expect(again.body.data.payParams.paySign).toEqual(expect.any(String))
    expect(
      (await shop({ action: 'payOrder', orderId: created.body.data.orderId }, 'oSomeoneElse'))
        .status,
    ).toBe(404)
    expect((await pay(again.body.data.outTradeNo)).body.delivery.status).toBe(204)
    const paid = await shop({ action: 'payOrder', orderId: created.body.data.orderId }, 'oLater')
    expect(paid.status).toBe(409)
    expect(paid.body.error.message).toBe('订单已支付，无需再次支付')
  })

  it('refuses a cancelled order and an expired one, each saying so', async () => {
    const cancelled = await shop(
      {
        action: 'createOrder',
        items: [{ productId: HAND, qty: 1 }],
        fulfilment: 'pickup',
        storeId: storeA,
      },
      'oLater2',
    )
    await shop({ action: 'cancelOrder', orderId: cancelled.body.data.orderId }, 'oLater2')
    const refused = await shop(
      { action: 'payOrder', orderId: cancelled.body.data.orderId },
      'oLater2',
    )
    expect(refused.status).toBe(409)
    expect(refused.body.error.message).toBe('订单已取消，请重新下单')

    const before = await available(HAND, storeA)
    const late = await shop(
      {
        action: 'createOrder',
        items: [{ productId: HAND, qty: 1 }],
        fulfilment: 'pickup',
        storeId: storeA,
      },
      'oLater2',
    )
    stack.setClockOffset(15 * 60_000 + 1_000)
    const expired = await shop({ action: 'payOrder', orderId: late.body.data.orderId }, 'oLater2')
    expect(expired.status).toBe(409)
    expect(expired.body.error.message).toContain('已自动取消')
    // Asking found it over time: it is cancelled now and its stock is back.
    expect(await available(HAND, storeA)).toBe(before)
    expect(
      (await shop({ action: 'payOrder', orderId: late.body.data.orderId }, 'oLater2')).body.error
        .message,
    ).toContain('已自动取消')
    stack.setClockOffset(0)
  })
})

describe('stock never goes below zero', () => {
  it('an order that one line cannot fill reserves nothing', async () => {
    const hand = await available(HAND, storeA)
    const tea = await available(TEA, storeA)
    const res = await shop({
      action: 'createOrder',
      items: [
        { productId: HAND, qty: 1 },
        { productId: TEA, qty: tea + 1 },
      ],
      fulfilment: 'pickup',
      storeId: storeA,
    })
    expect(res.status).toBe(409)
    expect(await available(HAND, storeA)).toBe(hand)
    expect(await available(TEA, storeA)).toBe(tea)
  })

  it('12 shoppers ordering the last 5 at once: 5 orders, 7 refusals, 0 left', async () => {
    await stack.db
      .collection(COLLECTIONS.stock.name)
      .doc(stockId(TEA, storeB))
      .update({ available: 5 })
    const answers = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        shop(
          {
            action: 'createOrder',
            items: [{ productId: TEA, qty: 1 }],
            fulfilment: 'pickup',
            storeId: storeB,
          },
          `oRush${i}`,
        ),
      ),
    )
    expect(answers.filter((a) => a.status === 200)).toHaveLength(5)
    expect(answers.filter((a) => a.status === 409)).toHaveLength(7)
    expect(await available(TEA, storeB)).toBe(0)
  })
})

describe('a flash sale on the last units', () => {
  it('60 shoppers for the last 10 at once: 10 orders each holding once; 3 cancel while the expiry runs, 7 pay: every hold given back or sold once', async () => {
    const stockDoc = async () =>
      (
        (await stack.db.collection(COLLECTIONS.stock.name).doc(stockId(SCARF, storeA)).get()) as {
          data: StockDoc[]
        }
      ).data[0]!
    await stack.db
      .collection(COLLECTIONS.stock.name)
      .doc(stockId(SCARF, storeA))
      .update({ available: 10 })
    const reservedBefore = (await stockDoc()).reserved
    const answers = await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        shop(
          {
            action: 'createOrder',
            items: [{ productId: SCARF, qty: 1 }],
            fulfilment: 'pickup',
            storeId: storeA,
          },
          `oFlash${i}`,
        ),
      ),
    )
    const won = answers
      .map((a, i) => ({ a, openid: `oFlash${i}` }))
      .filter(({ a }) => a.status === 200)
    expect(won).toHaveLength(10)
    for (const a of answers.filter((x) => x.status !== 200)) {
      expect(a.status).toBe(409)
      expect(a.body.error.message).toContain('库存不足')
    }
    let held = await stockDoc()
    expect(held.available).toBe(0)
    expect(held.reserved).toBe(reservedBefore + 10)
    expect(Object.keys(held.holds ?? {}).sort()).toEqual(
      won.map(({ a }) => a.body.data.orderId).sort(),
    )
    // The 50 refused shoppers have no order left behind.
    const flashOrders = (await stack.db
      .collection(COLLECTIONS.orders.name)
      .where({ openid: stack.db.command.in(answers.map((_, i) => `oFlash${i}`)) })
      .count()) as { total: number }
    expect(flashOrders.total).toBe(10)
    // Three cancel twice each while the expiry job runs; seven pay and their effects apply.
    const [cancelling, paying] = [won.slice(0, 3), won.slice(3)]
    await Promise.all([
      ...cancelling.flatMap(({ a, openid }) =>
        [1, 2].map(() => shop({ action: 'cancelOrder', orderId: a.body.data.orderId }, openid)),
      ),
      stack.runJob('expireOrders'),
      ...paying.map(({ a }) => pay(a.body.data.outTradeNo)),
    ])
    await Promise.all([stack.runJob('applyOrderEffects'), stack.runJob('applyOrderEffects')])
    held = await stockDoc()
    expect(held.available).toBe(3)
    expect(held.reserved).toBe(reservedBefore)
    expect(held.holds ?? {}).toEqual({})
  })
})

describe('cancelling and expiry', () => {
  it('the payer cancels an unpaid order: stock back, payment closed at WeChat, cannot be paid', async () => {
    const before = await available(HAND, CENTRAL)
    const created = await shop(
      {
        action: 'createOrder',
        items: [{ productId: HAND, qty: 4 }],
        fulfilment: 'delivery',
        deliveryAddress: ADDRESS,
      },
      'oCanceller',
    )
    expect(await available(HAND, CENTRAL)).toBe(before - 4)
    const cancelled = await shop(
      { action: 'cancelOrder', orderId: created.body.data.orderId },
      'oCanceller',
    )
    expect(cancelled.body.data.status).toBe('cancelled')
    expect(await available(HAND, CENTRAL)).toBe(before)
    expect((await pay(created.body.data.outTradeNo)).status).toBe(409)
    // Cancelling again changes nothing.
    expect(
      (await shop({ action: 'cancelOrder', orderId: created.body.data.orderId }, 'oCanceller')).body
        .data.status,
    ).toBe('cancelled')
    expect(await available(HAND, CENTRAL)).toBe(before)
  })

  it('a paid order cannot be cancelled here; another shopper cannot see it', async () => {
    const created = await shop(
      {
        action: 'createOrder',
        items: [{ productId: HAND, qty: 1 }],
        fulfilment: 'delivery',
        deliveryAddress: ADDRESS,
      },
      'oPaidCancel',
    )
    await pay(created.body.data.outTradeNo)
    expect(
      (await shop({ action: 'cancelOrder', orderId: created.body.data.orderId }, 'oPaidCancel'))
        .status,
    ).toBe(409)
    expect(
      (await shop({ action: 'order', orderId: created.body.data.orderId }, 'oSomeoneElse')).status,
    ).toBe(404)
  })

  it('unpaid after 15 minutes: the timer cancels it once and releases its stock; WeChat will not take the payment', async () => {
    const before = await available(SCARF, storeB)
    const created = await shop(
      {
        action: 'createOrder',
        items: [{ productId: SCARF, qty: 2 }],
        fulfilment: 'pickup',
        storeId: storeB,
      },
      'oSlowPayer',
    )
    expect(await available(SCARF, storeB)).toBe(before - 2)
    stack.setClockOffset(14 * 60_000)
    await stack.runJob('expireOrders')
    expect(await available(SCARF, storeB)).toBe(before - 2)
    stack.setClockOffset(15 * 60_000 + 1_000)
    const runs = await Promise.all([1, 2, 3].map(() => stack.runJob('expireOrders')))
    expect(runs.every((r) => (r as { ok: boolean }).ok)).toBe(true)
    expect(await available(SCARF, storeB)).toBe(before)
    const order = await shop({ action: 'order', orderId: created.body.data.orderId }, 'oSlowPayer')
    expect(order.body.data.status).toBe('cancelled')
    expect((await pay(created.body.data.outTradeNo)).status).toBe(409)
    stack.setClockOffset(0)
  })

  it('an order looked at after its 15 minutes is cancelled then, even before the timer runs', async () => {
    const before = await available(CREAM, CENTRAL)
    const created = await shop(
      {
        action: 'createOrder',
        items: [{ productId: CREAM, qty: 1 }],
        fulfilment: 'delivery',
        deliveryAddress: ADDRESS,
      },
      'oLooker',
    )
    stack.setClockOffset(16 * 60_000)
    expect(
      (await shop({ action: 'order', orderId: created.body.data.orderId }, 'oLooker')).body.data
        .status,
    ).toBe('cancelled')
    expect(await available(CREAM, CENTRAL)).toBe(before)
    stack.setClockOffset(0)
  })

  it('only the timer may run the expiry', async () => {
    expect((await shop({ action: 'expireOrders' })).body.error.code).toBe('UNKNOWN_ACTION')
    const asShopper = await stack.call(
      'jobs',
      { action: 'everyMinute', message: 'expireOrders' },
      { openid: 'oSlowPayer' },
    )
    expect(asShopper.status).toBe(403)
  })
})
