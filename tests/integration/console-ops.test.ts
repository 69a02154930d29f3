/**
 * HQ's day-to-day console actions of issue #18 through the local stack: human order numbers
 * (allocated under a burst of concurrent orders, searchable by number, member number, phone and
 * the merchant payment number), and the commission rules HQ edits (validated in Chinese,
 * audited, refused to an analyst, shown with the settlement).
 */
import { COLLECTIONS } from '../../shared/collections'
import { shanghaiDay } from '../../shared/platform/calendar'
import { hashPassword } from '../../shared/hq/rules/password'
import { startTestStack, type Personas, type TestStack } from '../support/local-stack'

jest.setTimeout(180_000)

let stack: TestStack
let demo: Personas
let analystToken: string
const CREAM = 'p-rose-cream'
const ADDRESS = {
  name: '林女士',
  phone: '13800138000',
  province: '上海市',
  city: '上海市',
  district: '静安区',
  detail: '南京西路 1 号',
}

beforeAll(async () => {
  stack = await startTestStack({ seed: true })
  demo = await stack.personas()
  await stack.db.collection(COLLECTIONS.admins.name).add({
    username: 'ops-analyst',
    passwordHash: await hashPassword('analyst-password'),
    role: 'analyst',
    failedAttempts: 0,
    lockedUntil: null,
    createdAt: new Date(),
  })
  const login = await stack.call('admin', {
    action: 'login',
    username: 'ops-analyst',
    password: 'analyst-password',
  })
  analystToken = login.body.data.token as string
})
afterAll(() => stack.stop())

async function bind(openid: string, phone: string) {
  const code = demo.codes.find((c) => c.kind === 'clerk')!
  const bound = await stack.call('member', { action: 'bind', scene: code.scene, phone }, { openid })
  expect(bound.status).toBe(200)
  return bound.body.data as { memberNo: string }
}

const deliveryOrder = (openid: string) =>
  stack.call(
    'shop',
    {
      action: 'createOrder',
      items: [{ productId: CREAM, qty: 1 }],
      fulfilment: 'delivery',
      deliveryAddress: ADDRESS,
    },
    { openid },
  )

const searchOrders = async (search: string) => {
  const res = await stack.admin({ action: 'listOrders', search, pageSize: 100 })
  expect(res.status).toBe(200)
  return (res.body.data.items as { orderId: string; orderNo: string }[]).map((o) => o.orderId)
}

describe('order numbers', () => {
  it('40 orders at once get 40 distinct numbers of today (Asia/Shanghai) and the day’s sequence', async () => {
    const day = shanghaiDay(new Date()).replace(/-/g, '')
    const created = await Promise.all(
      Array.from({ length: 40 }, (_, i) => deliveryOrder(`o-ops-burst-${i}`)),
    )
    expect(created.map((c) => c.status)).toEqual(Array(40).fill(200))
    const views = await Promise.all(
      created.map(
        async (c, i) =>
          (
            await stack.call(
              'shop',
              { action: 'order', orderId: c.body.data.orderId },
              { openid: `o-ops-burst-${i}` },
            )
          ).body.data as { orderNo: string },
      ),
    )
    const numbers = views.map((v) => v.orderNo)
    expect(new Set(numbers).size).toBe(40)
    for (const no of numbers) expect(no).toMatch(new RegExp(`^${day}\\d{6}$`))
    // Nothing failed, so the day's numbers are consecutive: no gaps, no repeats.
    const seqs = numbers.map((n) => Number(n.slice(8))).sort((a, b) => a - b)
    expect(seqs.at(-1)! - seqs[0]!).toBe(39)
    const counter = (await stack.db
      .collection(COLLECTIONS.orderCounters.name)
      .doc(`orderNo:${day}`)
      .get()) as { data: { seq: number }[] }
    expect(counter.data[0]!.seq).toBe(seqs.at(-1))
  })

  it('HQ finds an order by its number, the member number, the phone and the payment number', async () => {
    const member = await bind('o-ops-search', '13900001818')
    const first = (await deliveryOrder('o-ops-search')).body.data
    const second = (await deliveryOrder('o-ops-search')).body.data
    const listed = await stack.admin({ action: 'listOrders', search: member.memberNo })
    const rows = listed.body.data.items as { orderId: string; orderNo: string; memberNo: string }[]
    expect(rows.map((r) => r.orderId).sort()).toEqual([first.orderId, second.orderId].sort())
    const firstNo = rows.find((r) => r.orderId === first.orderId)!.orderNo
    expect(firstNo).toMatch(/^\d{14}$/)

    expect(await searchOrders(firstNo)).toEqual([first.orderId])
    expect(await searchOrders(` ${firstNo} `)).toEqual([first.orderId])
    expect((await searchOrders('139 0000 1818')).sort()).toEqual(
      [first.orderId, second.orderId].sort(),
    )
    expect(await searchOrders(first.outTradeNo)).toEqual([first.orderId])
    // Links still open by id; unknown numbers find nothing.
    expect(await searchOrders(first.orderId)).toEqual([first.orderId])
    expect(await searchOrders('13900009999')).toEqual([])
    expect(await searchOrders(`${firstNo.slice(0, 8)}999999`)).toEqual([])
    const detail = await stack.admin({ action: 'orderDetail', orderId: first.orderId })
    expect(detail.body.data.order.orderNo).toBe(firstNo)

    const bad = await stack.admin({ action: 'listOrders', search: '张三的订单' })
    expect(bad.status).toBe(400)
    expect(bad.body.error).toMatchObject({
      code: 'INVALID_INPUT',
      field: 'search',
      message: '请输入 14 位订单号、9 位会员号、11 位手机号或商户支付单号',
    })
  })
})

describe('commission rules', () => {
  it('HQ sets the rate and the refund window: audited, shown with the settlement, new sales book at it', async () => {
    const saved = await stack.admin({
      action: 'setCommissionRules',
      rateBp: 250,
      refundWindowDays: 10,
    })
    expect(saved.status).toBe(200)
    expect(saved.body.data).toEqual({ rateBp: 250, refundWindowDays: 10 })
    expect((await stack.admin({ action: 'commissionRules' })).body.data).toEqual({
      rateBp: 250,
      refundWindowDays: 10,
    })
    const month = shanghaiDay(new Date()).slice(0, 7)
    const settlement = await stack.admin({ action: 'settlement', month, by: 'clerk' })
    expect(settlement.body.data.rules).toEqual({ rateBp: 250, refundWindowDays: 10 })
    const audit = (await stack.db
      .collection(COLLECTIONS.auditLog.name)
      .where({ action: 'setCommissionRules' })
      .get()) as { data: { username: string; details: unknown; outcome: string }[] }
    expect(audit.data).toEqual([
      expect.objectContaining({
        username: 'admin',
        details: { rateBp: 250, refundWindowDays: 10 },
        outcome: 'ok',
      }),
    ])

    // A sale after the change books at 2.5%.
    await bind('o-ops-rate', '13900001919')
    const order = (await deliveryOrder('o-ops-rate')).body.data
    expect(
      (
        await fetch(`${stack.url}/sandbox/pay/${order.outTradeNo}`, {
          method: 'POST',
          body: '{}',
        })
      ).status,
    ).toBe(200)
    await stack.runJob('applyOrderEffects')
    const entry = (await stack.db
      .collection(COLLECTIONS.commissionLedger.name)
      .where({ key: `order:${order.orderId}:commission` })
      .get()) as { data: { rateBp: number; amountFen: number; baseFen: number }[] }
    expect(entry.data[0]).toMatchObject({
      rateBp: 250,
      amountFen: Math.floor((entry.data[0]!.baseFen * 250 + 5000) / 10_000),
    })
  })

  it('refuses bad numbers in Chinese on their field, and an analyst altogether; nothing changes', async () => {
    const refused = async (params: Record<string, unknown>) => {
      const res = await stack.admin({ action: 'setCommissionRules', ...params })
      expect(res.status).toBe(400)
      return { field: res.body.error.field, message: res.body.error.message }
    }
    expect(await refused({ rateBp: 333.3, refundWindowDays: 7 })).toEqual({
      field: 'rateBp',
      message: '提成比例最多保留两位小数',
    })
    expect(await refused({ rateBp: -1, refundWindowDays: 7 })).toEqual({
      field: 'rateBp',
      message: '提成比例不能为负数',
    })
    expect(await refused({ rateBp: 5_001, refundWindowDays: 7 })).toEqual({
      field: 'rateBp',
      message: '提成比例不能超过 50%',
    })
    expect(await refused({ rateBp: 300, refundWindowDays: 91 })).toEqual({
      field: 'refundWindowDays',
      message: '退款期最多 90 天',
    })
    expect(await refused({ rateBp: 300, refundWindowDays: 1.5 })).toEqual({
      field: 'refundWindowDays',
      message: '退款期须为整数天',
    })
    const analyst = await stack.admin(
      { action: 'setCommissionRules', rateBp: 300, refundWindowDays: 7 },
      analystToken,
    )
    expect(analyst.status).toBe(403)
    expect((await stack.admin({ action: 'commissionRules' })).body.data).toEqual({
      rateBp: 250,
      refundWindowDays: 10,
    })
  })
})
