/**
 * createOrder killed between its writes (flows/orders.ts): it holds the stock and locks the
 * coupon under the order's id, then writes the order, then records the payment. The crash is
 * injected at the database edge (tests/support/crash.ts): the write after the kill never
 * arrives, and the invocation never goes on, as on CloudBase when a function is ended at its
 * timeout. What it left is finished by a job, once: the `repairOrders` job gives back holds and
 * a coupon lock whose order was never written (and claims the order's id, so a write of that
 * invocation landing late is refused); the order-expiry job cancels an order whose payment was
 * never recorded, which its member may also still pay.
 */
import { COLLECTIONS } from '../../shared/collections'
import type { CouponDoc } from '../../shared/coupons/documents'
import type { OrderDoc, StockDoc } from '../../shared/shop/documents'
import { stockId } from '../../shared/shop/rules/shop'
import { cutBefore, requestText } from '../support/crash'
import { startTestStack, type Personas, type TestStack } from '../support/local-stack'

let stack: TestStack
let demo: Personas
let storeA: string
let phones = 0
const CREAM = 'p-rose-cream' // ¥168
const TEA = 'p-tea-gift'
/** Past the repair's grace (ORDER_REPAIR_GRACE_MS, 2 minutes). */
const AFTER_GRACE_MS = 3 * 60_000

beforeAll(async () => {
  // The stalled invocations are answered when the test lets them go on, not at shop's 20 s.
  stack = await startTestStack({ seed: true, functionTimeoutsMs: { shop: 300_000 } })
  demo = await stack.personas()
  storeA = demo.codes.find((c) => c.kind === 'store')!.storeId
}, 120_000)
afterAll(() => stack.stop())
afterEach(() => stack.setClockOffset(0))

async function bind(openid: string) {
  const scene = demo.codes.find((c) => c.storeId === storeA)!.scene
  const res = await stack.call(
    'member',
    { action: 'bind', scene, phone: `136${String(20_000_000 + ++phones).slice(-8)}` },
    { openid },
  )
  if (res.status !== 200) throw new Error(`bind ${openid}: ${JSON.stringify(res.body)}`)
}

async function couponFor(openid: string, name: string): Promise<string> {
  const template = await stack.admin({
    action: 'createCouponTemplate',
    name,
    kind: 'amountOff',
    valueFen: 2_000,
    minSpendFen: 10_000,
    channels: ['online'],
    validDays: 30,
    perMemberLimit: 1,
    publishToCentre: true,
  })
  if (template.status !== 200) throw new Error(JSON.stringify(template.body))
  const claimed = await stack.call(
    'member',
    { action: 'claimCoupon', templateId: template.body.data.templateId },
    { openid },
  )
  if (claimed.status !== 200) throw new Error(JSON.stringify(claimed.body))
  return claimed.body.data.couponId
}

async function doc<T>(coll: string, id: string): Promise<T | undefined> {
  return ((await stack.db.collection(coll).doc(id).get()) as { data: T[] }).data[0]
}
const stockDoc = async (productId: string) =>
  (await doc<StockDoc>(COLLECTIONS.stock.name, stockId(productId, storeA)))!
const couponDoc = async (couponId: string) =>
  (await doc<CouponDoc>(COLLECTIONS.coupons.name, couponId))!
const orderDoc = (orderId: string) => doc<OrderDoc>(COLLECTIONS.orders.name, orderId)
const repair = async () =>
  (await stack.runJob('repairOrders')) as {
    ok: boolean
    data: { checked: number; abandoned: number; holdsGivenBack: number; couponsReleased: number }
  }

const createOrder = (openid: string, body: Record<string, unknown>) =>
  stack.call(
    'shop',
    { action: 'createOrder', fulfilment: 'pickup', storeId: storeA, ...body },
    {
      openid,
    },
  )

/** The one hold of `productId` this order id took, read from the stock document. */
const holdOf = async (productId: string, orderId: string) =>
  (await stockDoc(productId)).holds?.[orderId]

describe('killed after its hold and coupon lock, before writing the order', () => {
  it('repairOrders gives both back once after the grace; the order written late is refused', async () => {
    const openid = 'oCrashBeforeOrder'
    await bind(openid)
    const couponId = await couponFor(openid, '崩溃前锁定券')
    const before = await stockDoc(CREAM)
    const cut = cutBefore(
      stack,
      (r) =>
        r.action === 'database.insertDocument' &&
        r.collectionName === COLLECTIONS.orders.name &&
        requestText(r).includes(openid),
    )
    const answer = createOrder(openid, { items: [{ productId: CREAM, qty: 2 }], couponId })
    await cut.seen
    // What the dead invocation left: two units held and the coupon locked, by an order id that
    // has no order.
    const held = await stockDoc(CREAM)
    const orderIds = Object.keys(held.holds ?? {}).filter((id) => !(id in (before.holds ?? {})))
    expect(orderIds).toHaveLength(1)
    const orderId = orderIds[0]!
    expect(held.available).toBe(before.available - 2)
    expect(held.reserved).toBe(before.reserved + 2)
    expect(held.holds![orderId]).toBe(2)
    expect(await couponDoc(couponId)).toMatchObject({ status: 'locked', lock: { orderId } })
    expect(await orderDoc(orderId)).toBeUndefined()

    // Within the grace the invocation may still be running: nothing is touched.
    expect((await repair()).data).toMatchObject({ holdsGivenBack: 0, couponsReleased: 0 })
    expect(await holdOf(CREAM, orderId)).toBe(2)
    expect((await couponDoc(couponId)).status).toBe('locked')

    // After it, the job claims the order's id and gives back both, once, however many runs race.
    stack.setClockOffset(AFTER_GRACE_MS)
    const runs = await Promise.all([repair(), repair(), repair()])
    expect(runs.reduce((n, r) => n + r.data.holdsGivenBack, 0)).toBe(1)
    expect(runs.reduce((n, r) => n + r.data.couponsReleased, 0)).toBe(1)
    const after = await stockDoc(CREAM)
    expect(after.available).toBe(before.available)
    expect(after.reserved).toBe(before.reserved)
    expect(after.holds?.[orderId]).toBeUndefined()
    const coupon = await couponDoc(couponId)
    expect(coupon).toMatchObject({ status: 'available', lock: null })
    expect(coupon.history).toEqual([expect.objectContaining({ event: 'release', id: orderId })])
    expect(await orderDoc(orderId)).toMatchObject({
      status: 'cancelled',
      cancelReason: 'abandoned',
      openid: '',
      items: [expect.objectContaining({ productId: CREAM, qty: 2 })],
    })
    expect((await repair()).data).toMatchObject({ holdsGivenBack: 0, couponsReleased: 0 })

    // The stalled invocation's order insert lands now: the id is taken, so it gives back
    // (nothing left to give) and refuses; no order of this shopper is live.
    await cut.release()
    const late = await answer
    expect(late.status).toBe(409)
    expect(late.body.error.message).toBe('下单超时，请重新下单')
    expect(await stockDoc(CREAM)).toMatchObject({
      available: before.available,
      reserved: before.reserved,
    })
    expect((await couponDoc(couponId)).status).toBe('available')
    const mine = await stack.call('shop', { action: 'myOrders' }, { openid })
    expect(mine.body.data).toEqual([])

    // The coupon and the stock serve the next order as usual.
    const again = await createOrder(openid, { items: [{ productId: CREAM, qty: 2 }], couponId })
    expect(again.status).toBe(200)
    expect(again.body.data).toMatchObject({ discountFen: 2_000, payableFen: 2 * 16_800 - 2_000 })
  })
})

describe('killed while giving back after a refusal', () => {
  it('the job finishes the give-back: the hold it took returns once, the coupon too', async () => {
    const openid = 'oCrashInUndo'
    await bind(openid)
    const couponId = await couponFor(openid, '撤销中断券')
    // The second line cannot be filled: the first line's hold and the coupon must go back.
    await stack.db
      .collection(COLLECTIONS.stock.name)
      .doc(stockId(TEA, storeA))
      .update({ available: 0 })
    const before = await stockDoc(CREAM)
    const cut = cutBefore(
      stack,
      (r) =>
        r.action === 'database.modifyDocument' &&
        r.collectionName === COLLECTIONS.stock.name &&
        requestText(r).includes(stockId(CREAM, storeA)) &&
        requestText(r).includes('$unset'),
    )
    const answer = createOrder(openid, {
      items: [
        { productId: CREAM, qty: 1 },
        { productId: TEA, qty: 1 },
      ],
      couponId,
    })
    await cut.seen
    // The coupon went back (its own request); the cream's hold is stuck with the dead call.
    const orderId = Object.keys((await stockDoc(CREAM)).holds ?? {}).find(
      (id) => !(id in (before.holds ?? {})),
    )!
    expect(await holdOf(CREAM, orderId)).toBe(1)
    expect((await stockDoc(CREAM)).available).toBe(before.available - 1)

    stack.setClockOffset(AFTER_GRACE_MS)
    const run = await repair()
    expect(run.data).toMatchObject({ abandoned: 1, holdsGivenBack: 1 })
    expect(await stockDoc(CREAM)).toMatchObject({
      available: before.available,
      reserved: before.reserved,
    })
    expect((await couponDoc(couponId)).status).toBe('available')

    // The dead call's give-back arriving late finds nothing to give: the unit returns once.
    await cut.release()
    const late = await answer
    expect(late.status).toBe(409)
    expect(late.body.error.message).toContain('库存不足')
    expect(await stockDoc(CREAM)).toMatchObject({
      available: before.available,
      reserved: before.reserved,
    })
  })
})

describe('killed after writing the order, before recording its payment', () => {
  it('the member sees it unpaid and can still pay it; unpaid, the expiry job cancels it and gives back once', async () => {
    const openid = 'oCrashBeforePayment'
    await bind(openid)
    const couponId = await couponFor(openid, '支付前中断券')
    const before = await stockDoc(CREAM)
    const paymentInsert = (r: { action: string; collectionName?: string }) =>
      r.action === 'database.insertDocument' && r.collectionName === COLLECTIONS.payments.name
    const ofShopper = (r: Parameters<typeof requestText>[0]) =>
      paymentInsert(r) && requestText(r).includes(openid)

    // One order that will be paid later, one (with the coupon) left to expire.
    const cutPaid = cutBefore(stack, ofShopper)
    const paidLater = createOrder(openid, { items: [{ productId: CREAM, qty: 1 }] })
    await cutPaid.seen
    const cutExpired = cutBefore(stack, ofShopper)
    const expiring = createOrder(openid, { items: [{ productId: CREAM, qty: 1 }], couponId })
    await cutExpired.seen

    const mine = (await stack.call('shop', { action: 'myOrders' }, { openid })).body.data as {
      orderId: string
      statusLabel: string
      coupon: { couponId: string } | null
      actions: string[]
    }[]
    expect(mine).toHaveLength(2)
    const toPay = mine.find((o) => !o.coupon)!
    const toExpire = mine.find((o) => o.coupon)!
    for (const o of mine)
      expect(o).toMatchObject({ statusLabel: '待付款', actions: ['pay', 'cancel'] })
    // Reading it asks WeChat Pay about a payment that was never recorded: still unpaid.
    const read = await stack.call('shop', { action: 'order', orderId: toPay.orderId }, { openid })
    expect(read.status).toBe(200)
    expect(read.body.data.statusLabel).toBe('待付款')
    expect((await stockDoc(CREAM)).available).toBe(before.available - 2)
    expect((await couponDoc(couponId)).lock?.orderId).toBe(toExpire.orderId)

    // 去支付: the payment is recorded now, under the number the order names, and paid once.
    const payAgain = await stack.call(
      'shop',
      { action: 'payOrder', orderId: toPay.orderId },
      { openid },
    )
    expect(payAgain.status).toBe(200)
    const stored = (await orderDoc(toPay.orderId))!
    expect(payAgain.body.data.outTradeNo).toBe(stored.outTradeNo)
    const paid = await fetch(`${stack.url}/sandbox/pay/${stored.outTradeNo}`, {
      method: 'POST',
      body: '{}',
    })
    expect(paid.status).toBe(200)
    expect((await orderDoc(toPay.orderId))!.status).toBe('paid')

    // The other one is never paid: after its 15 minutes the expiry job cancels it, once.
    stack.setClockOffset(16 * 60_000)
    const expired = await Promise.all([stack.runJob('expireOrders'), stack.runJob('expireOrders')])
    expect(
      expired.reduce<number>((n, r) => n + (r as { data: { expired: number } }).data.expired, 0),
    ).toBeGreaterThanOrEqual(1)
    expect(await orderDoc(toExpire.orderId)).toMatchObject({
      status: 'cancelled',
      cancelReason: 'expired',
    })
    const coupon = await couponDoc(couponId)
    expect(coupon).toMatchObject({ status: 'available', lock: null })
    expect(coupon.history).toHaveLength(1)
    const after = await stockDoc(CREAM)
    // One unit back (the expired order's); the paid one stays out of available.
    expect(after.available).toBe(before.available - 1)
    expect(after.holds?.[toExpire.orderId]).toBeUndefined()
    // Nothing for the repair job: both orders exist.
    expect((await repair()).data).toMatchObject({ holdsGivenBack: 0, couponsReleased: 0 })

    // The dead calls' payment inserts are never answered; let them fail now so they end.
    cutPaid.drop()
    cutExpired.drop()
    for (const a of await Promise.all([paidLater, expiring])) expect(a.status).not.toBe(200)
    expect((await orderDoc(toPay.orderId))!.status).toBe('paid')
    expect((await couponDoc(couponId)).status).toBe('available')
  })
})
