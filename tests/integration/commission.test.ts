/**
 * Issue 6 through the local stack, as shoppers, clerks and HQ use it: a member buys for pickup,
 * the WeChat Pay sandbox pays, points are credited once and the attributed clerk's commission is
 * pending; a clerk of the pickup store hands the order over (once), which starts the refund
 * window; HQ refunds inside or after the window; clerks book offline sales by scanning the
 * member's code; the daily timer settles commission; HQ exports the monthly settlement.
 */
import { COLLECTIONS } from '../../shared/collections'
import type { CommissionEntryDoc } from '../../shared/commission/documents'
import type { OrderDoc, StockDoc } from '../../shared/shop/documents'
import { commissionFen, DAY_MS } from '../../shared/commission/rules/commission'
import { issueMemberCode } from '../../shared/membership/rules/member-code'
import { shanghaiMonth } from '../../shared/platform/calendar'
import { stockId } from '../../shared/shop/rules/shop'
import {
  startTestStack,
  TEST_ADMIN_PASSWORD,
  type Personas,
  type TestStack,
} from '../support/local-stack'

jest.setTimeout(120_000)

let stack: TestStack
let demo: Personas
let storeA: string
let storeB: string
/** The clerk whose code members bind with, their openid, and a clerk of the other store. */
let clerkCode: Personas['codes'][number]
let clerkOpenid: string
let foreignClerk: string
let otherStoreClerk: string
let phones = 0
const CREAM = 'p-rose-cream' // 168.00
const HAND = 'p-hand-cream'

beforeAll(async () => {
  // Refunds settle when a test says so (POST /sandbox/refund/…).
  stack = await startTestStack({ seed: true, refundSettleMs: null })
  demo = await stack.personas()
  clerkCode = demo.codes.find((c) => c.kind === 'clerk')!
  storeA = clerkCode.storeId
  storeB = demo.codes.find((c) => c.kind === 'store' && c.storeId !== storeA)!.storeId
  for (const p of demo.personas.filter((p) => p.role !== 'member' && p.storeId === storeA)) {
    const me = await stack.call('staff', { action: 'me' }, { openid: p.openid })
    if (me.body.data?.clerkId === clerkCode.clerkId) clerkOpenid = p.openid
  }
  if (!clerkOpenid)
    throw new Error(`no persona for clerk ${clerkCode.clerkId}: ${JSON.stringify(demo.personas)}`)
  foreignClerk = demo.personas.find((p) => p.role === 'clerk' && p.storeId === storeB)!.openid
  otherStoreClerk = foreignClerk
})
afterEach(() => stack.setClockOffset(0))
afterAll(() => stack.stop())

async function bind(openid: string) {
  const res = await stack.call(
    'member',
    {
      action: 'bind',
      scene: clerkCode.scene,
      phone: `136${String(10_000_000 + ++phones).slice(-8)}`,
    },
    { openid },
  )
  if (res.status !== 200) throw new Error(JSON.stringify(res.body))
  return res.body.data as {
    memberId: string
    memberNo: string
    clerkId: string
    storeId: string
    points: number
  }
}

const points = async (openid: string) =>
  (await stack.call('member', { action: 'profile' }, { openid })).body.data.points as number

async function sandbox(path: string, body: unknown = {}) {
  const res = await fetch(`${stack.url}${path}`, { method: 'POST', body: JSON.stringify(body) })
  return { status: res.status, body: (await res.json()) as any }
}

const deliver = (n: { headers: Record<string, string>; body: string }) =>
  fetch(`${stack.url}/http/pay/notify`, { method: 'POST', headers: n.headers, body: n.body }).then(
    (r) => r.status,
  )

/** Orders `qty` creams for pickup at store A and pays; the notification is delivered `deliveries` times at once. */
async function buyPaid(openid: string, qty = 1, deliveries = 1, storeId = storeA) {
  const created = await stack.call(
    'shop',
    { action: 'createOrder', items: [{ productId: CREAM, qty }], fulfilment: 'pickup', storeId },
    { openid },
  )
  expect(created.status).toBe(200)
  const paid = await sandbox(`/sandbox/pay/${created.body.data.outTradeNo}`, { notify: false })
  expect(paid.status).toBe(200)
  expect(
    await Promise.all(Array.from({ length: deliveries }, () => deliver(paid.body.notification))),
  ).toEqual(Array(deliveries).fill(204))
  const order = (
    await stack.call('shop', { action: 'order', orderId: created.body.data.orderId }, { openid })
  ).body.data
  expect(order.status).toBe('paid')
  // The read credited the member's points; the commission and the stock's bookkeeping follow by
  // the timer within the minute (run here, as it would have by the time anyone looks).
  await stack.runJob('applyOrderEffects')
  return {
    orderId: order.orderId as string,
    outTradeNo: order.outTradeNo as string,
    pickupCode: order.pickupCode as string,
    totalFen: order.totalFen as number,
  }
}

async function entry(key: string): Promise<CommissionEntryDoc | undefined> {
  const res = (await stack.db
    .collection(COLLECTIONS.commissionLedger.name)
    .where({ key })
    .get()) as { data: CommissionEntryDoc[] }
  return res.data[0]
}

async function stock(productId: string, locationId: string): Promise<StockDoc> {
  return (
    (await stack.db
      .collection(COLLECTIONS.stock.name)
      .doc(stockId(productId, locationId))
      .get()) as { data: StockDoc[] }
  ).data[0]!
}

/** HQ refunds; the sandbox then settles the refund and posts its notification. */
async function refund(
  orderId: string,
  outTradeNo: string,
  body: Record<string, unknown> = {},
  token?: string,
) {
  const res = await stack.admin(
    { action: 'refundOrder', orderId, reason: '顾客退货', ...body },
    token,
  )
  expect(res.status).toBe(200)
  const settled = await sandbox(`/sandbox/refund/${outTradeNo}`, {
    outRefundNo: res.body.data.outRefundNo,
  })
  expect(settled.status).toBe(200)
  return res.body.data as { outRefundNo: string; amountFen: number }
}

const pickup = (pickupCode: string, openid = clerkOpenid) =>
  stack.call('staff', { action: 'verifyPickup', pickupCode }, { openid })

async function orderDoc(orderId: string): Promise<OrderDoc> {
  return (
    (await stack.db.collection(COLLECTIONS.orders.name).doc(orderId).get()) as { data: OrderDoc[] }
  ).data[0]!
}

const earnEntries = async (orderId: string) =>
  (
    (await stack.db
      .collection(COLLECTIONS.pointsLedger.name)
      .where({ key: `order:${orderId}:earn` })
      .count()) as { total: number }
  ).total
const commissionEntries = async (orderId: string) =>
  (
    (await stack.db
      .collection(COLLECTIONS.commissionLedger.name)
      .where({ 'source.id': orderId })
      .count()) as { total: number }
  ).total
const applyEffects = () =>
  stack.runJob('applyOrderEffects') as Promise<{
    ok: boolean
    data: { applied: number; failed: number }
  }>

const ADDRESS = {
  name: '李四',
  phone: '13900139000',
  province: '上海市',
  city: '上海市',
  district: '静安区',
  detail: '南京西路 1601 号',
}

/** Orders and pays (the notification delivered) without anyone reading the order afterwards. */
async function payUnread(
  openid: string,
  order: Record<string, unknown> = {
    items: [{ productId: CREAM, qty: 1 }],
    fulfilment: 'pickup',
    storeId: storeA,
  },
) {
  const created = await stack.call('shop', { action: 'createOrder', ...order }, { openid })
  expect(created.status).toBe(200)
  const paid = await sandbox(`/sandbox/pay/${created.body.data.outTradeNo}`, { notify: false })
  expect(await deliver(paid.body.notification)).toBe(204)
  return {
    orderId: created.body.data.orderId as string,
    outTradeNo: created.body.data.outTradeNo as string,
  }
}

describe('an online order of a member', () => {
  it('paid once however often WeChat notifies: points once, commission pending for the attributed clerk', async () => {
    const m = await bind('oBuyer1')
    const before = await points('oBuyer1')
    const order = await buyPaid('oBuyer1', 2, 10)
    expect(await points('oBuyer1')).toBe(before + 336)
    const earn = (await stack.db
      .collection(COLLECTIONS.pointsLedger.name)
      .where({ key: `order:${order.orderId}:earn` })
      .count()) as { total: number }
    expect(earn.total).toBe(1)
    const commissions = (await stack.db
      .collection(COLLECTIONS.commissionLedger.name)
      .where({ 'source.id': order.orderId })
      .get()) as { data: CommissionEntryDoc[] }
    expect(commissions.data).toHaveLength(1)
    expect(commissions.data[0]).toMatchObject({
      key: `order:${order.orderId}:commission`,
      kind: 'earn',
      channel: 'online',
      clerkId: m.clerkId,
      storeId: m.storeId,
      sellingStoreId: storeA,
      baseFen: 33_600,
      amountFen: commissionFen(33_600, 300),
      status: 'pending',
      settleAfter: null,
    })
    expect(commissions.data[0]!.amountFen).toBe(1008)
  })

  it('only a clerk of the pickup store verifies the pickup, once; the refund window starts then', async () => {
    await bind('oBuyer2')
    const order = await buyPaid('oBuyer2')
    const foreign = await pickup(order.pickupCode, otherStoreClerk)
    expect(foreign.status).toBe(403)
    expect((await pickup('12345678')).status).toBe(404)
    const ok = await pickup(order.pickupCode)
    expect(ok.status).toBe(200)
    expect(ok.body.data).toMatchObject({
      kind: 'order',
      orderId: order.orderId,
      status: 'picked_up',
      pickedUpBy: expect.any(String),
    })
    const again = await pickup(order.pickupCode.replace(/^(\d{4})/, '$1 '))
    expect(again.status).toBe(409)
    expect(again.body.error.message).toContain(ok.body.data.pickedUpBy)
    expect(again.body.error.message).toMatch(/于 \d{4}-\d{2}-\d{2} \d{2}:\d{2}/)
    const e = (await entry(`order:${order.orderId}:commission`))!
    expect(e.settleAfter!.getTime() - new Date(ok.body.data.pickedUpAt).getTime()).toBe(7 * DAY_MS)
    // Two clerks scanning at once: one hands it over.
    const second = await buyPaid('oBuyer2')
    const tries = await Promise.all(Array.from({ length: 5 }, () => pickup(second.pickupCode)))
    expect(tries.map((t) => t.status).sort()).toEqual([200, 409, 409, 409, 409])
  })
})

describe('after-payment effects, off the notification', () => {
  it('the notification leaves points and commission due; the timer applies them once, even alongside a read', async () => {
    const m = await bind('oEffects1')
    const before = await points('oEffects1')
    const order = await payUnread('oEffects1')
    expect(await orderDoc(order.orderId)).toMatchObject({
      status: 'paid',
      pickupCode: expect.stringMatching(/^\d{8}$/),
      attribution: { clerkId: m.clerkId, storeId: m.storeId },
      effectsDueAt: expect.any(Date),
      paidEffectsAt: null,
    })
    expect(await points('oEffects1')).toBe(before)
    expect(await commissionEntries(order.orderId)).toBe(0)
    const reserved = (await stock(CREAM, storeA)).reserved

    const [first, second] = await Promise.all([
      applyEffects(),
      applyEffects(),
      stack.call('shop', { action: 'order', orderId: order.orderId }, { openid: 'oEffects1' }),
    ])
    expect(first).toMatchObject({ ok: true, data: { failed: 0 } })
    expect(second).toMatchObject({ ok: true, data: { failed: 0 } })
    expect(await points('oEffects1')).toBe(before + 168)
    expect(await earnEntries(order.orderId)).toBe(1)
    expect(await commissionEntries(order.orderId)).toBe(1)
    expect((await stock(CREAM, storeA)).reserved).toBe(reserved - 1)
    expect(await orderDoc(order.orderId)).toMatchObject({
      effectsDueAt: null,
      paidEffectsAt: expect.any(Date),
    })
    // Done is done: later runs change nothing.
    await applyEffects()
    expect(await points('oEffects1')).toBe(before + 168)
    expect((await stock(CREAM, storeA)).reserved).toBe(reserved - 1)
    // Only the timer runs the sweep.
    expect(
      (
        await stack.call(
          'jobs',
          { action: 'everyMinute', message: 'applyOrderEffects' },
          { openid: 'oEffects1' },
        )
      ).status,
    ).toBe(403)
  })

  it('the clerk looking the code up applies them', async () => {
    await bind('oEffects2')
    const order = await payUnread('oEffects2')
    const looked = await stack.call(
      'staff',
      { action: 'pickupDetail', pickupCode: (await orderDoc(order.orderId)).pickupCode },
      { openid: clerkOpenid },
    )
    expect(looked.status).toBe(200)
    // The clerk reads the order by the number the shopper sees (Shanghai day + sequence).
    const stored = await orderDoc(order.orderId)
    expect(stored.orderNo).toMatch(/^\d{14}$/)
    expect(looked.body.data).toMatchObject({ kind: 'order', orderNo: stored.orderNo })
    expect(await entry(`order:${order.orderId}:commission`)).toMatchObject({
      status: 'pending',
      settleAfter: null,
    })
    expect(await earnEntries(order.orderId)).toBe(1)
  })

  it('a pickup does not wait for them: the refund window starts from the pickup once they are applied', async () => {
    await bind('oEffects3')
    const order = await payUnread('oEffects3')
    const handed = await pickup((await orderDoc(order.orderId)).pickupCode!)
    expect(handed.status).toBe(200)
    expect(await entry(`order:${order.orderId}:commission`)).toBeUndefined()
    await applyEffects()
    const e = (await entry(`order:${order.orderId}:commission`))!
    expect(e.status).toBe('pending')
    expect(e.settleAfter!.getTime() - new Date(handed.body.data.pickedUpAt).getTime()).toBe(
      7 * DAY_MS,
    )
  })

  it('a refund before they ran applies them first: the points come and go, the commission is cancelled, the stock is back', async () => {
    await bind('oEffects4')
    const before = await points('oEffects4')
    const shelf = await stock(CREAM, storeA)
    const order = await payUnread('oEffects4')
    await refund(order.orderId, order.outTradeNo)
    expect(await points('oEffects4')).toBe(before)
    expect(await earnEntries(order.orderId)).toBe(1)
    expect(await entry(`order:${order.orderId}:commission`)).toMatchObject({
      status: 'cancelled',
      amountFen: 0,
    })
    expect(await stock(CREAM, storeA)).toMatchObject({
      available: shelf.available,
      reserved: shelf.reserved,
    })
    expect(await orderDoc(order.orderId)).toMatchObject({ status: 'refunded', effectsDueAt: null })
  })
})

describe('delivery orders', () => {
  const delivery = {
    items: [{ productId: HAND, qty: 2 }],
    fulfilment: 'delivery',
    deliveryAddress: ADDRESS,
  }
  const ship = (orderId: string, trackingNo = 'SF1234567890', carrier = '顺丰速运') =>
    stack.admin({ action: 'shipOrder', orderId, carrier, trackingNo })
  const confirm = (orderId: string, openid: string) =>
    stack.call('shop', { action: 'confirmReceipt', orderId }, { openid })

  it('HQ ships a paid order, the member confirms receipt, and the refund window starts at delivery', async () => {
    await bind('oDeliver1')
    const created = await stack.call(
      'shop',
      { action: 'createOrder', ...delivery },
      { openid: 'oDeliver1' },
    )
    const unpaid = await ship(created.body.data.orderId)
    expect(unpaid.status).toBe(409)
    expect(unpaid.body.error.message).toContain('尚未支付')
    const paid = await sandbox(`/sandbox/pay/${created.body.data.outTradeNo}`)
    expect(paid.body.delivery.status).toBe(204)
    const orderId = created.body.data.orderId as string
    expect(
      (await stack.call('shop', { action: 'order', orderId }, { openid: 'oDeliver1' })).body.data,
    ).toMatchObject({ status: 'paid', deliveryAddress: ADDRESS, shipment: null })
    // The commission entry follows by the timer (the read credited the points).
    await stack.runJob('applyOrderEffects')

    const early = await confirm(orderId, 'oDeliver1')
    expect(early.status).toBe(409)
    expect(early.body.error.message).toBe('订单尚未发货，不能确认收货')

    const shipped = await ship(orderId)
    expect(shipped.status).toBe(200)
    expect(shipped.body.data).toMatchObject({
      status: 'shipped',
      shipment: { carrier: '顺丰速运', trackingNo: 'SF1234567890' },
      deliveredAt: null,
    })
    // A retry is the same shipment; another tracking number is refused, naming the first.
    expect((await ship(orderId)).body.data.shipment).toEqual(shipped.body.data.shipment)
    const other = await ship(orderId, 'YT0000000001', '圆通速递')
    expect(other.status).toBe(409)
    expect(other.body.error.message).toContain('SF1234567890')
    expect((await entry(`order:${orderId}:commission`))!.settleAfter).toBeNull()

    expect((await confirm(orderId, 'oSomeoneElse')).status).toBe(404)
    // Tapped three times at once: delivered once.
    const receipts = await Promise.all([1, 2, 3].map(() => confirm(orderId, 'oDeliver1')))
    expect(receipts.map((r) => r.status)).toEqual([200, 200, 200])
    expect(new Set(receipts.map((r) => r.body.data.deliveredAt)).size).toBe(1)
    const received = receipts[0]!
    expect(received.body.data).toMatchObject({
      status: 'delivered',
      deliveredAt: expect.any(String),
      shipment: shipped.body.data.shipment,
    })
    const again = await confirm(orderId, 'oDeliver1')
    expect(again.body.data.deliveredAt).toBe(received.body.data.deliveredAt)
    expect(await orderDoc(orderId)).toMatchObject({
      deliveredBy: 'member',
      shipment: { by: 'admin' },
    })
    const e = (await entry(`order:${orderId}:commission`))!
    expect(e.settleAfter!.getTime() - new Date(received.body.data.deliveredAt).getTime()).toBe(
      7 * DAY_MS,
    )
    // HQ's shipping is audited like its other writes.
    const audited = (await stack.db
      .collection(COLLECTIONS.auditLog.name)
      .where({ action: 'shipOrder' })
      .count()) as { total: number }
    expect(audited.total).toBe(4)
  })

  it('HQ marks delivered (before the effects ran: the window still starts at delivery); pickup and fully refunded orders do not ship', async () => {
    await bind('oDeliver2')
    const order = await payUnread('oDeliver2', delivery)
    expect((await ship(order.orderId, 'JD0000000002', '京东物流')).status).toBe(200)
    const delivered = await stack.admin({ action: 'markOrderDelivered', orderId: order.orderId })
    expect(delivered.status).toBe(200)
    expect(delivered.body.data.status).toBe('delivered')
    expect(
      (await stack.admin({ action: 'markOrderDelivered', orderId: order.orderId })).body.data
        .deliveredAt,
    ).toBe(delivered.body.data.deliveredAt)
    expect(await orderDoc(order.orderId)).toMatchObject({ deliveredBy: 'hq' })
    expect(await entry(`order:${order.orderId}:commission`)).toBeUndefined()
    await applyEffects()
    const e = (await entry(`order:${order.orderId}:commission`))!
    expect(e.settleAfter!.getTime() - new Date(delivered.body.data.deliveredAt).getTime()).toBe(
      7 * DAY_MS,
    )
    const audited = (await stack.db
      .collection(COLLECTIONS.auditLog.name)
      .where({ action: 'markOrderDelivered' })
      .count()) as { total: number }
    expect(audited.total).toBe(2)

    const pickupOrder = await buyPaid('oDeliver2')
    expect((await ship(pickupOrder.orderId)).status).toBe(404)
    expect(
      (await stack.admin({ action: 'markOrderDelivered', orderId: pickupOrder.orderId })).status,
    ).toBe(404)
    expect((await confirm(pickupOrder.orderId, 'oDeliver2')).status).toBe(409)

    const refunded = await payUnread('oDeliver2', delivery)
    await refund(refunded.orderId, refunded.outTradeNo)
    const refused = await ship(refunded.orderId)
    expect(refused.status).toBe(409)
    expect(refused.body.error.message).toContain('全额退款')
    // Not shipped, so nothing to receive.
    expect(
      (await stack.admin({ action: 'markOrderDelivered', orderId: refunded.orderId })).status,
    ).toBe(409)
  })

  it('a shipped order refunded in full reads 已退款 and offers nothing: no 标记签收 for HQ, no 确认收货 for the member', async () => {
    await bind('oDeliver3')
    const order = await payUnread('oDeliver3', delivery)
    expect((await ship(order.orderId, 'SF0000000003')).status).toBe(200)
    const mine = () =>
      stack.call('shop', { action: 'order', orderId: order.orderId }, { openid: 'oDeliver3' })
    const hq = () => stack.admin({ action: 'orderDetail', orderId: order.orderId })
    expect((await hq()).body.data.order).toMatchObject({
      state: 'shipped',
      statusLabel: '待收货',
      actions: ['markDelivered', 'refund'],
    })
    expect((await mine()).body.data).toMatchObject({
      state: 'shipped',
      statusLabel: '待收货',
      actions: ['confirmReceipt'],
    })

    await refund(order.orderId, order.outTradeNo)
    // The table's refundAll: the stored status is refunded too (the shipment stays on record),
    // so HQ's 已退款 filter finds it and the 待收货 filter no longer does.
    expect((await hq()).body.data.order).toMatchObject({
      status: 'refunded',
      state: 'refunded',
      statusLabel: '已退款',
      actions: [],
      shipment: { carrier: expect.any(String), trackingNo: 'SF0000000003' },
    })
    expect((await hq()).body.data.timeline.at(-1).event).toBe('已全额退款')
    expect((await hq()).body.data.refundableFen).toBe(0)
    const listed = await stack.admin({ action: 'listOrders', search: order.orderId })
    expect(listed.body.data.items[0]).toMatchObject({ statusLabel: '已退款', actions: [] })
    const underRefunded = await stack.admin({
      action: 'listOrders',
      status: 'refunded',
      pageSize: 100,
    })
    expect(underRefunded.body.data.items.map((o: { orderId: string }) => o.orderId)).toContain(
      order.orderId,
    )
    const underShipped = await stack.admin({
      action: 'listOrders',
      status: 'shipped',
      pageSize: 100,
    })
    expect(underShipped.body.data.items.map((o: { orderId: string }) => o.orderId)).not.toContain(
      order.orderId,
    )
    expect((await mine()).body.data).toMatchObject({ statusLabel: '已退款', actions: [] })
    // The server refuses what it no longer offers.
    expect(
      (await stack.admin({ action: 'markOrderDelivered', orderId: order.orderId })).status,
    ).toBe(409)
    expect((await confirm(order.orderId, 'oDeliver3')).status).toBe(409)
    expect(await orderDoc(order.orderId)).toMatchObject({ status: 'refunded' })
  })
})

describe('refunds from the console', () => {
  it('a refund inside the window cancels the pending commission and takes the points back; a retry is the same refund', async () => {
    await bind('oRefund1')
    const before = await points('oRefund1')
    const order = await buyPaid('oRefund1')
    expect((await pickup(order.pickupCode)).status).toBe(200)
    const first = await refund(order.orderId, order.outTradeNo)
    const retry = await stack.admin({
      action: 'refundOrder',
      orderId: order.orderId,
      reason: '顾客退货',
    })
    expect(retry.body.data.outRefundNo).toBe(first.outRefundNo)
    expect(retry.body.data.status).toBe('succeeded')
    expect(first.amountFen).toBe(order.totalFen)
    const e = (await entry(`order:${order.orderId}:commission`))!
    expect(e).toMatchObject({ status: 'cancelled', amountFen: 0, refundedFen: order.totalFen })
    expect(e.reversals).toHaveLength(1)
    expect(
      await entry(`order:${order.orderId}:refund:${first.outRefundNo}:commission`),
    ).toBeUndefined()
    expect(await points('oRefund1')).toBe(before)
    // A retried partial refund (same amount and reason) is the same refund number too.
    const other = await buyPaid('oRefund1')
    const a = await stack.admin({
      action: 'refundOrder',
      orderId: other.orderId,
      amountFen: 1000,
      reason: '少发赠品',
    })
    const b = await stack.admin({
      action: 'refundOrder',
      orderId: other.orderId,
      amountFen: 1000,
      reason: '少发赠品',
    })
    expect(a.status).toBe(200)
    expect(b.body.data.outRefundNo).toBe(a.body.data.outRefundNo)
    // HQ refunds are audited.
    const audited = (await stack.db
      .collection(COLLECTIONS.auditLog.name)
      .where({ action: 'refundOrder' })
      .count()) as { total: number }
    expect(audited.total).toBeGreaterThanOrEqual(3)
  })

  it('a full refund of an unpicked pickup order puts its stock back; the code no longer picks up', async () => {
    await bind('oRefund2')
    const before = await stock(CREAM, storeA)
    const order = await buyPaid('oRefund2', 3)
    expect((await stock(CREAM, storeA)).available).toBe(before.available - 3)
    await refund(order.orderId, order.outTradeNo)
    expect((await stock(CREAM, storeA)).available).toBe(before.available)
    const view = await stack.call(
      'shop',
      { action: 'order', orderId: order.orderId },
      { openid: 'oRefund2' },
    )
    expect(view.body.data.status).toBe('refunded')
    const tried = await pickup(order.pickupCode)
    expect(tried.status).toBe(409)
    expect(tried.body.error.message).toContain('退款')
  })

  it('after the window the commission settles; a later refund books a negative entry', async () => {
    await bind('oRefund3')
    const order = await buyPaid('oRefund3')
    expect((await pickup(order.pickupCode)).status).toBe(200)
    // Inside the window the timer settles nothing of this order.
    await stack.runJob('settleCommission')
    expect((await entry(`order:${order.orderId}:commission`))!.status).toBe('pending')
    stack.setClockOffset(8 * DAY_MS)
    const run = (await stack.runJob('settleCommission')) as any
    expect(JSON.stringify(run)).toContain('settled')
    const settled = (await entry(`order:${order.orderId}:commission`))!
    expect(settled).toMatchObject({ status: 'settled', amountFen: 504 })
    // Running it again changes nothing.
    await stack.runJob('settleCommission')
    expect((await entry(`order:${order.orderId}:commission`))!.settledAt).toEqual(settled.settledAt)

    // Eight days on, the console signs in again (sessions last 12 hours).
    const login = await stack.call('admin', {
      action: 'login',
      username: 'admin',
      password: TEST_ADMIN_PASSWORD,
    })
    const r = await refund(
      order.orderId,
      order.outTradeNo,
      { amountFen: 8_400 },
      login.body.data.token,
    )
    const negative = (await entry(`order:${order.orderId}:refund:${r.outRefundNo}:commission`))!
    expect(negative).toMatchObject({
      kind: 'reversal',
      amountFen: -252,
      baseFen: -8_400,
      clerkId: settled.clerkId,
      month: shanghaiMonth(new Date(Date.now() + 8 * DAY_MS)),
    })
    expect((await entry(`order:${order.orderId}:commission`))!).toMatchObject({
      status: 'settled',
      amountFen: 504,
      refundedFen: 8_400,
    })
    // The same refund notification again books nothing more.
    await sandbox(`/sandbox/refund/${order.outTradeNo}`, { outRefundNo: r.outRefundNo })
    const all = (await stack.db
      .collection(COLLECTIONS.commissionLedger.name)
      .where({ 'source.id': order.orderId })
      .count()) as { total: number }
    expect(all.total).toBe(2)
  })
})

describe('offline sales', () => {
  const code = async (openid: string, at?: Date) => {
    if (!at)
      return (await stack.call('member', { action: 'memberCode' }, { openid })).body.data
        .code as string
    const memberNo = (await stack.call('member', { action: 'profile' }, { openid })).body.data
      .memberNo as string
    return issueMemberCode(memberNo, at, stack.secrets.MEMBER_CODE_SECRET).code
  }
  const sale = (openid: string, body: Record<string, unknown>) =>
    stack.call('staff', { action: 'recordSale', ...body }, { openid })

  it('books points and commission; a code books once, a receipt once per store; an expired code is refused', async () => {
    const m = await bind('oTill1')
    const before = await points('oTill1')
    const c1 = await code('oTill1')
    // Sold at the other store: the member's own clerk still earns, the selling store is recorded.
    const booked = await sale(foreignClerk, {
      memberCode: c1,
      amountFen: 25_050,
      receiptNo: 'R-0001',
    })
    expect(booked.status).toBe(200)
    expect(booked.body.data).toMatchObject({
      memberNo: m.memberNo,
      amountFen: 25_050,
      receiptNo: 'R-0001',
      storeId: storeB,
      pointsEarned: 250,
    })
    expect(await points('oTill1')).toBe(before + 250)
    const e = (await entry(`offline:${booked.body.data.saleId}:commission`))!
    expect(e).toMatchObject({
      channel: 'offline',
      clerkId: m.clerkId,
      storeId: m.storeId,
      sellingStoreId: storeB,
      amountFen: 752,
      status: 'pending',
    })
    expect(e.settleAfter!.getTime() - new Date(booked.body.data.at).getTime()).toBe(7 * DAY_MS)

    // The same request again (a retry) is the same sale.
    const retry = await sale(foreignClerk, {
      memberCode: c1,
      amountFen: 25_050,
      receiptNo: 'R-0001',
    })
    expect(retry.body.data.saleId).toBe(booked.body.data.saleId)
    expect(await points('oTill1')).toBe(before + 250)
    // The code is used: another receipt with it is refused.
    const reused = await sale(foreignClerk, { memberCode: c1, amountFen: 100, receiptNo: 'R-0002' })
    expect(reused.status).toBe(409)
    expect(reused.body.error.field).toBe('memberCode')
    // The receipt counts once per store...
    stack.setClockOffset(61_000)
    const c2 = await code('oTill1')
    const dup = await sale(foreignClerk, { memberCode: c2, amountFen: 25_050, receiptNo: 'R-0001' })
    expect(dup.status).toBe(409)
    expect(dup.body.error.field).toBe('receiptNo')
    // ...but another store's receipt R-0001 is another sale.
    expect(
      (await sale(clerkOpenid, { memberCode: c2, amountFen: 1_000, receiptNo: 'R-0001' })).status,
    ).toBe(200)
    // A code from three minutes ago is expired.
    const old = await code('oTill1', new Date(Date.now() + 61_000 - 3 * 60_000))
    const expired = await sale(clerkOpenid, {
      memberCode: old,
      amountFen: 1_000,
      receiptNo: 'R-0003',
    })
    expect(expired.status).toBe(400)
    expect(expired.body.error.message).toContain('过期')
    // Members cannot book sales; strict input.
    expect(
      (await sale('oTill1', { memberCode: c2, amountFen: 1_000, receiptNo: 'R-9' })).status,
    ).toBe(403)
    expect(
      (
        await sale(clerkOpenid, {
          memberCode: c2,
          amountFen: 1_000,
          receiptNo: 'R-9',
          storeId: storeB,
        })
      ).status,
    ).toBe(400)
  })

  it('a clerk of the selling store voids a sale within the window: points back and commission cancelled, once', async () => {
    await bind('oVoid1')
    const before = await points('oVoid1')
    const booked = await sale(clerkOpenid, {
      memberCode: await code('oVoid1'),
      amountFen: 30_000,
      receiptNo: 'V-0001',
    })
    expect(booked.body.data.pointsEarned).toBe(300)
    const saleId = booked.body.data.saleId as string
    const voidSale = (openid: string, receiptNo = 'V-0001') =>
      stack.call('staff', { action: 'voidSale', receiptNo, reason: '顾客退货' }, { openid })

    // Another store's clerk does not find it; a member may not void.
    expect((await voidSale(otherStoreClerk)).status).toBe(404)
    expect((await voidSale('oVoid1')).status).toBe(403)
    const voids = await Promise.all([1, 2, 3].map(() => voidSale(clerkOpenid)))
    expect(voids.map((v) => v.status)).toEqual([200, 200, 200])
    expect(new Set(voids.map((v) => v.body.data.voidedAt)).size).toBe(1)
    expect(voids[0]!.body.data).toMatchObject({
      saleId,
      receiptNo: 'V-0001',
      amountFen: 30_000,
      pointsTakenBack: 300,
      pointsShortfall: 0,
      reason: '顾客退货',
    })
    expect(await points('oVoid1')).toBe(before)
    expect(await entry(`offline:${saleId}:commission`)).toMatchObject({
      status: 'cancelled',
      amountFen: 0,
      refundedFen: 30_000,
    })
    const takebacks = (await stack.db
      .collection(COLLECTIONS.pointsLedger.name)
      .where({ key: `order:${saleId}:refund:void` })
      .count()) as { total: number }
    expect(takebacks.total).toBe(1)
    // Again: the same void, nothing more taken.
    expect((await voidSale(clerkOpenid)).body.data.voidedAt).toBe(voids[0]!.body.data.voidedAt)
    expect(await points('oVoid1')).toBe(before)
    // The receipt number stays used.
    stack.setClockOffset(61_000)
    expect(
      (
        await sale(clerkOpenid, {
          memberCode: await code('oVoid1'),
          amountFen: 30_000,
          receiptNo: 'V-0001',
        })
      ).status,
    ).toBe(409)
  })

  it('after the refund window a sale is no longer voided; HQ voids any store’s sale, audited', async () => {
    await bind('oVoid2')
    await sale(clerkOpenid, {
      memberCode: await code('oVoid2'),
      amountFen: 5_000,
      receiptNo: 'V-0002',
    })
    stack.setClockOffset(61_000)
    const atB = await sale(foreignClerk, {
      memberCode: await code('oVoid2'),
      amountFen: 8_000,
      receiptNo: 'V-0003',
    })
    const hq = await stack.admin({
      action: 'voidOfflineSale',
      storeId: storeB,
      receiptNo: 'V-0003',
      reason: '收银错误',
    })
    expect(hq.status).toBe(200)
    expect(hq.body.data).toMatchObject({
      saleId: atB.body.data.saleId,
      pointsTakenBack: 80,
      voidedBy: 'admin',
    })
    expect(await entry(`offline:${atB.body.data.saleId}:commission`)).toMatchObject({
      status: 'cancelled',
    })
    const audited = (await stack.db
      .collection(COLLECTIONS.auditLog.name)
      .where({ action: 'voidOfflineSale' })
      .count()) as { total: number }
    expect(audited.total).toBe(1)

    stack.setClockOffset(7 * DAY_MS + 61_000)
    const late = await stack.call(
      'staff',
      { action: 'voidSale', receiptNo: 'V-0002', reason: '顾客退货' },
      { openid: clerkOpenid },
    )
    expect(late.status).toBe(409)
    expect(late.body.error.message).toContain('已超过 7 天退货期')
  })

  it('ten scans of one code at once book one sale', async () => {
    await bind('oTill2')
    const c = await code('oTill2')
    const tries = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        sale(clerkOpenid, { memberCode: c, amountFen: 5_000, receiptNo: `RACE-${i}` }),
      ),
    )
    expect(tries.filter((t) => t.status === 200)).toHaveLength(1)
    expect(tries.filter((t) => t.status === 409)).toHaveLength(9)
  })
})

describe('performance and settlement', () => {
  it('the clerk sees this month’s sales and commission with a 6-month trend; HQ exports the settlement as CSV', async () => {
    const perf = await stack.call('staff', { action: 'performance' }, { openid: clerkOpenid })
    expect(perf.status).toBe(200)
    const month = shanghaiMonth(new Date())
    expect(perf.body.data).toMatchObject({
      month,
      salesOnlineFen: expect.any(Number),
      salesOfflineFen: expect.any(Number),
    })
    expect(perf.body.data.salesOnlineFen).toBeGreaterThan(0)
    expect(perf.body.data.salesOfflineFen).toBeGreaterThan(0)
    expect(perf.body.data.commissionPendingFen).toBeGreaterThan(0)
    expect(perf.body.data.trend).toHaveLength(6)
    expect(perf.body.data.trend.at(-1)).toMatchObject({ month, salesFen: perf.body.data.salesFen })

    const rows = await stack.admin({ action: 'settlement', month, by: 'clerk' })
    expect(rows.status).toBe(200)
    const mine = rows.body.data.rows.find((r: { id: string }) => r.id === clerkCode.clerkId)
    // Each row names the clerk and the store by id and by the codes payroll files (导购编号, 门店编码).
    const storeCodeOf = (id: string) =>
      (
        stack.db.collection(COLLECTIONS.stores.name).doc(id).get() as Promise<{
          data: { code: string }[]
        }>
      ).then((r) => r.data[0]!.code)
    const clerkDoc = (
      (await stack.db.collection(COLLECTIONS.clerks.name).doc(clerkCode.clerkId!).get()) as {
        data: { code: string; storeId: string }[]
      }
    ).data[0]!
    expect(rows.body.data.rules).toEqual({ rateBp: 300, refundWindowDays: 7 })
    expect(mine).toMatchObject({
      clerkId: clerkCode.clerkId,
      clerkCode: clerkDoc.code,
      storeId: clerkDoc.storeId,
      storeCode: await storeCodeOf(clerkDoc.storeId),
      salesFen: perf.body.data.salesFen,
      commissionPendingFen: perf.body.data.commissionPendingFen,
      orders: perf.body.data.orders,
    })

    const csv = await stack.admin({ action: 'settlementCsv', month, by: 'clerk' })
    expect(csv.status).toBe(200)
    const text: string = csv.body.data.csv
    expect(text.charCodeAt(0)).toBe(0xfeff)
    const lines = text.slice(1).trimEnd().split('\r\n')
    expect(lines[0]).toBe(
      '月份,导购编号,导购,门店编码,门店,订单数,线上销售额（元）,线下销售额（元）,净销售额（元）,待结算提成（元）,已结算提成（元）,退款冲减（元）,应付提成（元）',
    )
    expect(lines).toHaveLength(rows.body.data.rows.length + 1)
    const yuan = (fen: number) => (fen / 100).toFixed(2)
    const row = lines.find((l) => l.includes(mine.name))!.split(',')
    expect(row).toEqual([
      month,
      mine.clerkCode,
      mine.name,
      mine.storeCode,
      mine.storeName,
      String(mine.orders),
      yuan(mine.salesOnlineFen),
      yuan(mine.salesOfflineFen),
      yuan(mine.salesFen),
      yuan(mine.commissionPendingFen),
      yuan(mine.commissionSettledFen),
      yuan(mine.commissionReversedFen),
      yuan(mine.payableFen),
    ])

    // A clerk whose name is a formula (e.g. from a CSV import) is written as text, not run
    // by Excel; the amounts, the product's own numbers, stay unprefixed (issue #16, item 6).
    const formula = "=cmd|' /C calc'!A0"
    await stack.db
      .collection(COLLECTIONS.clerks.name)
      .doc(clerkCode.clerkId!)
      .update({ name: formula })
    const hostile = (await stack.admin({ action: 'settlementCsv', month, by: 'clerk' })).body.data
      .csv as string
    const hostileRow = hostile
      .split('\r\n')
      .find((l) => l.includes('cmd|'))!
      .split(',')
    expect(hostileRow[2]).toBe(`'${formula}`)
    expect(hostileRow.slice(6)).toEqual(row.slice(6))
    for (const cell of hostile.replace(/^\uFEFF/, '').split(/,|\r\n/))
      expect(cell).not.toMatch(/^[=+@\t\r]/)
    await stack.db
      .collection(COLLECTIONS.clerks.name)
      .doc(clerkCode.clerkId!)
      .update({ name: mine.name })

    const byStore = await stack.admin({ action: 'settlement', month, by: 'store' })
    expect(byStore.body.data.rows.find((r: { id: string }) => r.id === storeA)).toMatchObject({
      clerkId: null,
      clerkCode: null,
      storeCode: await storeCodeOf(storeA),
    })
    // Audited.
    const audited = (await stack.db
      .collection(COLLECTIONS.auditLog.name)
      .where({ action: 'settlementCsv' })
      .count()) as { total: number }
    expect(audited.total).toBeGreaterThan(0)
    // Only HQ.
    expect((await stack.call('admin', { action: 'settlement', month, by: 'clerk' })).status).toBe(
      401,
    )
  })
})

describe('shared stock', () => {
  it('100 concurrent orders for the last 7 units at one store: exactly 7 reservations', async () => {
    await stack.db
      .collection(COLLECTIONS.stock.name)
      .doc(stockId(HAND, storeB))
      .update({ available: 7, reserved: 0 })
    const tries = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        stack.call(
          'shop',
          {
            action: 'createOrder',
            items: [{ productId: HAND, qty: 1 }],
            fulfilment: 'pickup',
            storeId: storeB,
          },
          { openid: `oRush${i}` },
        ),
      ),
    )
    expect(tries.filter((t) => t.status === 200)).toHaveLength(7)
    const s = await stock(HAND, storeB)
    expect(s).toMatchObject({ available: 0, reserved: 7 })
  })
})
