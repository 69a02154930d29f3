/**
 * shop.createOrder with the app's requestId (flows/orders.ts): the same member and requestId
 * name one order however often and however concurrently they are sent. The order's id is
 * derived from them, so every call takes the same holds and lock and inserts the same order;
 * the one whose insert lands pays, the rest answer with that order. A refused attempt closes the
 * id before giving back what it holds; the closed record (下单未完成) is shown to nobody unless
 * HQ asks for it.
 */
import { COLLECTIONS } from '../../shared/collections'
import type { CouponDoc } from '../../shared/coupons/documents'
import type { PaymentDoc } from '../../shared/payments/documents'
import type { OrderDoc, StockDoc } from '../../shared/shop/documents'
import { orderIdForRequest, stockId } from '../../shared/shop/rules/shop'
import { cutBefore, requestText } from '../support/crash'
import { startTestStack, type Personas, type TestStack } from '../support/local-stack'

let stack: TestStack
let demo: Personas
let storeA: string
let storeB: string
let phones = 0
const CREAM = 'p-rose-cream' // ¥168, 20 per store
const TEA = 'p-tea-gift' // ¥399, 10 per store
const SCARF = 'p-silk-scarf' // ¥259, 15 per store
/** Past the repair's grace (ORDER_REPAIR_GRACE_MS, 2 minutes). */
const AFTER_GRACE_MS = 3 * 60_000

beforeAll(async () => {
  // The stalled invocations are answered when the test lets them go on, not at shop's 20 s.
  stack = await startTestStack({ seed: true, functionTimeoutsMs: { shop: 300_000 } })
  demo = await stack.personas()
  const stores = [...new Set(demo.codes.filter((c) => c.kind === 'store').map((c) => c.storeId))]
  storeA = stores[0]!
  storeB = stores[1]!
}, 120_000)
afterAll(() => stack.stop())
afterEach(() => stack.setClockOffset(0))

async function bind(openid: string) {
  const scene = demo.codes.find((c) => c.storeId === storeA)!.scene
  const res = await stack.call(
    'member',
    { action: 'bind', scene, phone: `137${String(30_000_000 + ++phones).slice(-8)}` },
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
async function where<T>(coll: string, filter: Record<string, unknown>): Promise<T[]> {
  return ((await stack.db.collection(coll).where(filter).limit(100).get()) as { data: T[] }).data
}
const stockDoc = async (productId: string, storeId = storeA) =>
  (await doc<StockDoc>(COLLECTIONS.stock.name, stockId(productId, storeId)))!
const couponDoc = async (couponId: string) =>
  (await doc<CouponDoc>(COLLECTIONS.coupons.name, couponId))!
const orderDoc = (orderId: string) => doc<OrderDoc>(COLLECTIONS.orders.name, orderId)
const ordersOf = (openid: string) => where<OrderDoc>(COLLECTIONS.orders.name, { openid })
const repair = async () =>
  (await stack.runJob('repairOrders')) as {
    ok: boolean
    data: { checked: number; abandoned: number; holdsGivenBack: number; couponsReleased: number }
  }

const createOrder = (openid: string, body: Record<string, unknown>) =>
  stack.call(
    'shop',
    { action: 'createOrder', fulfilment: 'pickup', storeId: storeA, ...body },
    { openid },
  )

/** What a stock document counts, to compare before and after. */
const counts = (s: StockDoc) => ({ available: s.available, reserved: s.reserved })

describe('the same requestId sent again', () => {
  it('twenty identical calls at once make one order: one hold per line, one coupon lock, every answer names it', async () => {
    const openid = 'oRequestTwenty'
    await bind(openid)
    const couponId = await couponFor(openid, '同一请求券')
    const [cream, tea] = await Promise.all([stockDoc(CREAM), stockDoc(TEA)])
    const requestId = 'req-twenty-at-once-0001'
    const body = {
      items: [
        { productId: CREAM, qty: 2 },
        { productId: TEA, qty: 1 },
      ],
      couponId,
      requestId,
    }

    const answers = await Promise.all(Array.from({ length: 20 }, () => createOrder(openid, body)))

    for (const a of answers) expect(a.status).toBe(200)
    const orderId = orderIdForRequest(openid, requestId)
    expect(new Set(answers.map((a) => a.body.data.orderId))).toEqual(new Set([orderId]))
    expect(new Set(answers.map((a) => a.body.data.outTradeNo)).size).toBe(1)
    for (const a of answers)
      expect(a.body.data).toMatchObject({
        subtotalFen: 2 * 16_800 + 39_900,
        discountFen: 2_000,
        payableFen: 2 * 16_800 + 39_900 - 2_000,
      })
    const mine = await ordersOf(openid)
    expect(mine.map((o) => o._id)).toEqual([orderId])
    expect(mine[0]).toMatchObject({ status: 'awaiting_payment', requestId })
    const payments = await where<PaymentDoc>(COLLECTIONS.payments.name, { payerOpenid: openid })
    expect(payments.map((p) => p._id)).toEqual([answers[0]!.body.data.outTradeNo])
    // Held once: the units of one order, under its one key, on each line's stock document.
    const [creamAfter, teaAfter] = await Promise.all([stockDoc(CREAM), stockDoc(TEA)])
    expect(counts(creamAfter)).toEqual({
      available: cream.available - 2,
      reserved: cream.reserved + 2,
    })
    expect(counts(teaAfter)).toEqual({ available: tea.available - 1, reserved: tea.reserved + 1 })
    expect(creamAfter.holds?.[orderId]).toBe(2)
    expect(teaAfter.holds?.[orderId]).toBe(1)
    expect(await couponDoc(couponId)).toMatchObject({
      status: 'locked',
      lock: { orderId },
    })
    // The shopper's list shows it once.
    const listed = (await stack.call('shop', { action: 'myOrders' }, { openid })).body.data as {
      orderId: string
    }[]
    expect(listed.map((o) => o.orderId)).toEqual([orderId])

    // Paid: a late repeat is told so and takes nothing, before the sale is booked and after.
    const stored = (await orderDoc(orderId))!
    const paid = await fetch(`${stack.url}/sandbox/pay/${stored.outTradeNo}`, {
      method: 'POST',
      body: '{}',
    })
    expect(paid.status).toBe(200)
    const afterPay = await createOrder(openid, body)
    expect(afterPay.status).toBe(409)
    expect(afterPay.body.error.message).toBe('订单已支付，无需再次支付')
    expect(counts(await stockDoc(CREAM))).toEqual(counts(creamAfter))
    await stack.runJob('applyOrderEffects')
    expect((await orderDoc(orderId))!.paidEffectsAt).toBeTruthy()
    const sold = await stockDoc(CREAM)
    expect(sold.holds?.[orderId]).toBeUndefined()
    const afterSale = await createOrder(openid, body)
    expect(afterSale.status).toBe(409)
    expect(afterSale.body.error.message).toBe('订单已支付，无需再次支付')
    expect(counts(await stockDoc(CREAM))).toEqual(counts(sold))
    expect((await stockDoc(CREAM)).holds?.[orderId]).toBeUndefined()
    expect((await stockDoc(TEA)).holds?.[orderId]).toBeUndefined()
    expect((await couponDoc(couponId)).status).toBe('used')
    expect(await ordersOf(openid)).toHaveLength(1)
  })

  it('killed after its holds and lock, retried with the same requestId: one order on those holds, and the late insert answers with it', async () => {
    const openid = 'oRequestCrashRetry'
    await bind(openid)
    const couponId = await couponFor(openid, '崩溃重试券')
    const before = await stockDoc(CREAM)
    const requestId = 'req-crash-then-retry-01'
    const body = { items: [{ productId: CREAM, qty: 1 }], couponId, requestId }
    const orderId = orderIdForRequest(openid, requestId)
    const cut = cutBefore(
      stack,
      (r) =>
        r.action === 'database.insertDocument' &&
        r.collectionName === COLLECTIONS.orders.name &&
        requestText(r).includes(openid),
    )
    const first = createOrder(openid, body)
    await cut.seen
    expect((await stockDoc(CREAM)).holds?.[orderId]).toBe(1)
    expect((await couponDoc(couponId)).lock?.orderId).toBe(orderId)

    // The app retries (its call timed out): the order is made on the holds already there.
    const retry = await createOrder(openid, body)
    expect(retry.status).toBe(200)
    expect(retry.body.data).toMatchObject({ orderId, discountFen: 2_000 })
    expect(counts(await stockDoc(CREAM))).toEqual({
      available: before.available - 1,
      reserved: before.reserved + 1,
    })

    // The first call's insert lands late: a duplicate, answered with the same order.
    await cut.release()
    const late = await first
    expect(late.status).toBe(200)
    expect(late.body.data).toMatchObject({
      orderId,
      outTradeNo: retry.body.data.outTradeNo,
    })
    expect(await ordersOf(openid)).toHaveLength(1)
    expect(counts(await stockDoc(CREAM))).toEqual({
      available: before.available - 1,
      reserved: before.reserved + 1,
    })
    expect(await couponDoc(couponId)).toMatchObject({ status: 'locked', lock: { orderId } })
    // Past the grace the repair leaves the live order's hold and lock alone.
    stack.setClockOffset(AFTER_GRACE_MS)
    expect((await repair()).data).toMatchObject({
      abandoned: 0,
      holdsGivenBack: 0,
      couponsReleased: 0,
    })
    expect((await stockDoc(CREAM)).holds?.[orderId]).toBe(1)
  })

  it('killed and not retried in time: the repair gives back by the hold’s own time, the retry is told to submit again, nobody sees the closed id', async () => {
    const openid = 'oRequestCrashRepaired'
    await bind(openid)
    const couponId = await couponFor(openid, '崩溃修复券')
    const before = await stockDoc(CREAM)
    const requestId = 'req-crash-repaired-0001'
    const body = { items: [{ productId: CREAM, qty: 2 }], couponId, requestId }
    const orderId = orderIdForRequest(openid, requestId)
    const cut = cutBefore(
      stack,
      (r) =>
        r.action === 'database.insertDocument' &&
        r.collectionName === COLLECTIONS.orders.name &&
        requestText(r).includes(openid),
    )
    const first = createOrder(openid, body)
    await cut.seen
    const held = await stockDoc(CREAM)
    expect(held.holds?.[orderId]).toBe(2)
    expect(held.holdsAt?.[orderId]).toBeTruthy()

    // Within the grace the repair waits (the id carries no time: the hold's does).
    expect((await repair()).data).toMatchObject({ abandoned: 0, holdsGivenBack: 0 })
    stack.setClockOffset(AFTER_GRACE_MS)
    expect((await repair()).data).toMatchObject({
      abandoned: 1,
      holdsGivenBack: 1,
      couponsReleased: 1,
    })
    expect(counts(await stockDoc(CREAM))).toEqual(counts(before))
    expect(await couponDoc(couponId)).toMatchObject({ status: 'available', lock: null })

    // The same request again: the id is closed, so nothing is held and the app starts afresh.
    const retry = await createOrder(openid, body)
    expect(retry.status).toBe(409)
    expect(retry.body.error.message).toBe('这次下单未完成，请返回重新提交订单')
    expect(counts(await stockDoc(CREAM))).toEqual(counts(before))
    expect((await stockDoc(CREAM)).holds?.[orderId]).toBeUndefined()
    expect((await couponDoc(couponId)).status).toBe('available')
    await cut.release()
    expect((await first).status).toBe(409)
    expect(counts(await stockDoc(CREAM))).toEqual(counts(before))

    // The shopper never saw it; HQ sees it only when it asks for 下单未完成.
    const mine = (await stack.call('shop', { action: 'myOrders' }, { openid })).body.data
    expect(mine).toEqual([])
    const mineById = await stack.call('shop', { action: 'order', orderId }, { openid })
    expect(mineById.status).toBe(404)
    const listed = await stack.admin({ action: 'listOrders', search: orderId })
    expect(listed.body.data.total).toBe(0)
    const asked = await stack.admin({
      action: 'listOrders',
      search: orderId,
      includeAbandoned: true,
    })
    expect(asked.body.data.items).toEqual([
      expect.objectContaining({ orderId, statusLabel: '已取消（下单未完成）', actions: [] }),
    ])
  })

  it('the same requestId with another cart is refused and takes nothing; the order keeps its holds', async () => {
    const openid = 'oRequestChangedCart'
    await bind(openid)
    const requestId = 'req-changed-cart-000001'
    const orderId = orderIdForRequest(openid, requestId)
    const made = await createOrder(openid, { items: [{ productId: CREAM, qty: 1 }], requestId })
    expect(made.status).toBe(200)
    const [cream, tea, creamB] = await Promise.all([
      stockDoc(CREAM),
      stockDoc(TEA),
      stockDoc(CREAM, storeB),
    ])
    const changed = [
      { items: [{ productId: CREAM, qty: 2 }] },
      {
        items: [
          { productId: CREAM, qty: 1 },
          { productId: TEA, qty: 1 },
        ],
      },
      { items: [{ productId: CREAM, qty: 1 }], storeId: storeB },
    ]
    for (const body of changed) {
      const refused = await createOrder(openid, { ...body, requestId })
      expect(refused.status).toBe(409)
      expect(refused.body.error.message).toBe('订单内容与刚才提交的不一致，请返回购物车重新提交')
    }
    const [creamAfter, teaAfter, creamBAfter] = await Promise.all([
      stockDoc(CREAM),
      stockDoc(TEA),
      stockDoc(CREAM, storeB),
    ])
    expect(counts(creamAfter)).toEqual(counts(cream))
    expect(creamAfter.holds?.[orderId]).toBe(1)
    expect(counts(teaAfter)).toEqual(counts(tea))
    expect(teaAfter.holds?.[orderId]).toBeUndefined()
    expect(counts(creamBAfter)).toEqual(counts(creamB))
    expect(creamBAfter.holds?.[orderId]).toBeUndefined()
    // The cart it was made with still answers with it.
    const again = await createOrder(openid, { items: [{ productId: CREAM, qty: 1 }], requestId })
    expect(again.status).toBe(200)
    expect(again.body.data.orderId).toBe(orderId)
    expect(await ordersOf(openid)).toHaveLength(1)
  })

  it('a refused attempt that held something closes its id, gives everything back once, and shows nowhere', async () => {
    const openid = 'oRequestRefused'
    await bind(openid)
    const couponId = await couponFor(openid, '售罄退回券')
    const [scarf, tea] = await Promise.all([stockDoc(SCARF), stockDoc(TEA)])
    const requestId = 'req-refused-sold-out-01'
    const orderId = orderIdForRequest(openid, requestId)
    const body = {
      // The scarf is held and the coupon locked; the tea is short (10 in the store).
      items: [
        { productId: SCARF, qty: 1 },
        { productId: TEA, qty: 50 },
      ],
      couponId,
      requestId,
    }
    const answers = await Promise.all([createOrder(openid, body), createOrder(openid, body)])
    for (const a of answers) {
      expect(a.status).toBe(409)
      expect(a.body.error.message).toMatch(/^库存不足：明前龙井礼盒 250g|^这次下单未完成/)
    }
    expect(answers.some((a) => a.body.error.message.startsWith('库存不足'))).toBe(true)
    expect(counts(await stockDoc(SCARF))).toEqual(counts(scarf))
    expect((await stockDoc(SCARF)).holds?.[orderId]).toBeUndefined()
    expect(counts(await stockDoc(TEA))).toEqual(counts(tea))
    expect(await couponDoc(couponId)).toMatchObject({ status: 'available', lock: null })
    expect(await orderDoc(orderId)).toMatchObject({
      status: 'cancelled',
      cancelReason: 'abandoned',
      openid: '',
    })
    expect((await stack.call('shop', { action: 'myOrders' }, { openid })).body.data).toEqual([])
    // HQ's list leaves it out unless asked; the orders export never has it.
    const member = (await stack.call('member', { action: 'profile' }, { openid })).body.data
    const byMember = await stack.admin({ action: 'listOrders', search: member.memberNo })
    expect(byMember.body.data.total).toBe(0)
    const asked = await stack.admin({
      action: 'listOrders',
      search: member.memberNo,
      includeAbandoned: true,
    })
    expect(asked.body.data.items.map((o: { orderId: string }) => o.orderId)).toEqual([orderId])
    // Nothing for the repair either, later.
    stack.setClockOffset(AFTER_GRACE_MS)
    expect((await repair()).data).toMatchObject({ holdsGivenBack: 0, couponsReleased: 0 })
  })
})
