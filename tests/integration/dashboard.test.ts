/**
 * The dashboard's daily rollup through the local stack: a small population with known orders,
 * offline sales, refunds, points and commission over two stores and three Shanghai days, the
 * `rollupDailyStats` timer fired as CloudBase would, and the `dashboard` action's figures checked
 * exactly per day and per store. Running the rollup again (or from scratch) changes nothing.
 */
import { COLLECTIONS } from '../../shared/collections'
import type { DailyStatsDoc } from '../../shared/hq/documents'
import { hashPassword } from '../../shared/hq/rules/password'
import { emptyFigures, statsDay, type DailyFigures } from '../../shared/hq/rules/daily-stats'
import { startTestStack, type TestStack } from '../support/local-stack'
import { addClerks, addMembers } from '../support/fixtures'

jest.setTimeout(120_000)

let stack: TestStack
const A = 's-dash-a'
const B = 's-dash-b'
const at = (iso: string) => new Date(iso)

const member = (id: string, storeId: string, joinedAt: string) => ({
  _id: id,
  openid: `o-${id}`,
  memberNo: `9000000${id.slice(-2)}`,
  status: 'active',
  tier: 'standard',
  points: 0,
  storeId,
  clerkId: `${storeId}-c1`,
  attributedAt: at(joinedAt),
  openedStoreId: storeId,
  openedClerkId: `${storeId}-c1`,
  joinedAt: at(joinedAt),
  lastPurchaseAt: null,
  tags: [],
  pointsCredited: 0,
  pointsDebited: 0,
  nextExpiryAt: at('2099-01-01T00:00:00Z'),
  latestExpiryAt: null,
})

const order = (
  id: string,
  memberId: string | null,
  storeId: string | null,
  totalFen: number,
  paidAt: string | null,
) => ({
  _id: id,
  openid: `o-${memberId}`,
  memberId,
  fulfilment: 'pickup',
  storeId: storeId ?? A,
  locationId: storeId ?? A,
  items: [{ productId: 'p1', name: '玫瑰面霜', priceFen: totalFen, qty: 1 }],
  totalFen,
  status: paidAt ? 'paid' : 'cancelled',
  outTradeNo: `T${id}`,
  expiresAt: at('2026-03-01T00:15:00Z'),
  createdAt: at('2026-03-01T00:00:00Z'),
  paidAt: paidAt ? at(paidAt) : null,
  attribution: storeId ? { storeId, clerkId: `${storeId}-c1` } : null,
  paidEffectsAt: paidAt ? at(paidAt) : null,
  cancelledAt: null,
  cancelReason: null,
  refundedFen: 0,
  refundNos: [],
})

const offline = (
  id: string,
  memberId: string,
  attributedStore: string,
  sellingStore: string,
  amountFen: number,
  when: string,
) => ({
  _id: id,
  memberId,
  memberNo: '900000000',
  amountFen,
  receiptNo: `R${id}`,
  storeId: sellingStore,
  clerkId: `${sellingStore}-c1`,
  clerkName: '店员',
  attribution: { storeId: attributedStore, clerkId: `${attributedStore}-c1` },
  memberCode: `code-${id}`,
  at: at(when),
  effectsAt: at(when),
})

const refund = (
  id: string,
  kind: 'order' | 'redemption',
  purposeId: string,
  amountFen: number,
  status: string,
  settledAt: string | null,
) => ({
  _id: id,
  outTradeNo: `T${purposeId}`,
  purpose: { kind, id: purposeId },
  key: `${kind}:${purposeId}:refund:${id}`,
  amountFen,
  reason: '不想要了',
  status,
  refundId: settledAt ? `W${id}` : null,
  createdAt: at('2026-03-01T00:00:00Z'),
  settledAt: settledAt ? at(settledAt) : null,
  ownerNotifiedAt: settledAt ? at(settledAt) : null,
})

type Reversal = {
  refundNo: string
  refundFen: number
  takebackFen: number
  inWindow: boolean
  at: Date
}
const commission = (
  source: { kind: 'order' | 'offline'; id: string },
  storeId: string,
  baseFen: number,
  rateBp: number,
  when: string,
  reversals: Reversal[] = [],
) => {
  const key = `${source.kind}:${source.id}:commission`
  const refundedFen = reversals.reduce((s, r) => s + r.refundFen, 0)
  const booked = Math.floor((baseFen * rateBp + 5000) / 10000)
  return {
    _id: key.replace(/:/g, '_'),
    key,
    kind: 'earn',
    source,
    channel: source.kind === 'order' ? 'online' : 'offline',
    memberId: null,
    clerkId: `${storeId}-c1`,
    storeId,
    sellingStoreId: storeId,
    baseFen,
    rateBp,
    amountFen: booked - reversals.filter((r) => r.inWindow).reduce((s, r) => s + r.takebackFen, 0),
    refundedFen,
    reversals,
    status: 'pending',
    settleAfter: null,
    settledAt: null,
    month: '2026-03',
    at: at(when),
  }
}

const ledger = (key: string, memberId: string, kind: string, points: number, when: string) => ({
  _id: key.replace(/:/g, '_'),
  key,
  memberId,
  kind,
  points,
  at: at(when),
})

beforeAll(async () => {
  stack = await startTestStack({ seed: false })
  const db = stack.db
  await db.collection(COLLECTIONS.stores.name).add([
    {
      _id: A,
      code: 'DA',
      name: '看板甲店',
      address: '上海',
      status: 'active',
      createdAt: at('2026-01-01T00:00:00Z'),
    },
    {
      _id: B,
      code: 'DB',
      name: '看板乙店',
      address: '上海',
      status: 'active',
      createdAt: at('2026-01-01T00:00:00Z'),
    },
  ])
  // Two members per store, as the clerks' counters say (binding keeps them; seeding sets them).
  await db.collection(COLLECTIONS.clerks.name).add([
    {
      _id: `${A}-c1`,
      code: 'DA1',
      name: '甲店导购',
      storeId: A,
      isManager: false,
      status: 'active',
      memberCount: 2,
      createdAt: at('2026-01-01T00:00:00Z'),
    },
    {
      _id: `${B}-c1`,
      code: 'DB1',
      name: '乙店导购',
      storeId: B,
      isManager: false,
      status: 'active',
      memberCount: 2,
      createdAt: at('2026-01-01T00:00:00Z'),
    },
  ])
  await addMembers(db, [
    member('dm01', A, '2026-02-28T16:30:00Z'), // 03-01 in Shanghai
    member('dm02', A, '2026-03-02T03:00:00Z'),
    member('dm03', B, '2026-03-02T15:59:00Z'), // 23:59 on 03-02
    member('dm04', B, '2026-03-02T16:00:00Z'), // 00:00 on 03-03
  ])
  await db.collection(COLLECTIONS.orders.name).add([
    order('do1', 'dm01', A, 10_000, '2026-03-01T02:00:00Z'),
    order('do2', 'dm02', A, 5_000, '2026-03-01T16:30:00Z'), // counts on 03-02
    order('do3', 'dm03', B, 8_000, '2026-03-02T05:00:00Z'),
    order('do4', null, null, 3_000, '2026-03-03T01:00:00Z'), // no member: all stores only
    order('do5', 'dm04', B, 9_999, null), // never paid
  ])
  await db.collection(COLLECTIONS.offlineSales.name).add([
    offline('df1', 'dm01', A, B, 20_000, '2026-03-02T08:00:00Z'), // sold at B, credited to A
    offline('df2', 'dm04', B, B, 4_050, '2026-03-03T09:00:00Z'),
  ])
  await db
    .collection(COLLECTIONS.refunds.name)
    .add([
      refund('dr1', 'order', 'do1', 2_000, 'succeeded', '2026-03-03T02:00:00Z'),
      refund('dr2', 'order', 'do3', 8_000, 'processing', null),
      refund('dr3', 'redemption', 'dx1', 500, 'succeeded', '2026-03-03T03:00:00Z'),
      refund('dr4', 'order', 'do2', 1_000, 'succeeded', '2026-03-03T06:00:00Z'),
    ])
  await db.collection(COLLECTIONS.commissionLedger.name).add([
    commission({ kind: 'order', id: 'do1' }, A, 10_000, 300, '2026-03-01T02:00:00Z', [
      {
        refundNo: 'dr1',
        refundFen: 2_000,
        takebackFen: 60,
        inWindow: true,
        at: at('2026-03-03T02:00:00Z'),
      },
    ]),
    commission({ kind: 'order', id: 'do2' }, A, 5_000, 300, '2026-03-01T16:30:00Z', [
      {
        refundNo: 'dr4',
        refundFen: 1_000,
        takebackFen: 30,
        inWindow: false,
        at: at('2026-03-03T06:00:00Z'),
      },
    ]),
    commission({ kind: 'order', id: 'do3' }, B, 8_000, 300, '2026-03-02T05:00:00Z'),
    commission({ kind: 'offline', id: 'df1' }, A, 20_000, 300, '2026-03-02T08:00:00Z'),
    commission({ kind: 'offline', id: 'df2' }, B, 4_050, 300, '2026-03-03T09:00:00Z'), // 121.5 → 122
    // The after-window refund's negative entry: counted once, through the earn entry's reversal.
    {
      ...commission({ kind: 'order', id: 'do2' }, A, -1_000, 300, '2026-03-03T06:00:00Z'),
      _id: 'order_do2_refund_dr4_commission',
      key: 'order:do2:refund:dr4:commission',
      kind: 'reversal',
      amountFen: -30,
    },
  ])
  await db
    .collection(COLLECTIONS.pointsLedger.name)
    .add([
      ledger('member:dm01:welcome', 'dm01', 'welcome', 100, '2026-02-28T16:30:00Z'),
      ledger('order:do1:earn', 'dm01', 'earn', 100, '2026-03-01T02:00:00Z'),
      ledger('member:dm02:welcome', 'dm02', 'welcome', 100, '2026-03-02T03:00:00Z'),
      ledger('order:do2:earn', 'dm02', 'earn', 50, '2026-03-01T16:30:00Z'),
      ledger('member:dm03:welcome', 'dm03', 'welcome', 100, '2026-03-02T15:59:00Z'),
      ledger('order:do3:earn', 'dm03', 'earn', 80, '2026-03-02T05:00:00Z'),
      ledger('member:dm04:welcome', 'dm04', 'welcome', 100, '2026-03-02T16:00:00Z'),
      ledger('redemption:dx1:spend', 'dm01', 'spend', -150, '2026-03-02T09:00:00Z'),
      ledger('redemption:dx1:return', 'dm01', 'return', 50, '2026-03-02T10:00:00Z'),
      ledger('expire:dm03', 'dm03', 'expire', -10, '2026-03-03T01:00:00Z'),
      ledger('adjust:dm04:1', 'dm04', 'adjust', 20, '2026-03-03T02:00:00Z'),
      ledger('adjust:dm02:1', 'dm02', 'adjust', -5, '2026-03-03T02:00:00Z'),
      ledger('order:do1:refund:dr1', 'dm01', 'refund', -20, '2026-03-03T02:00:00Z'),
    ])
})
afterAll(() => stack.stop())

const f = (figures: Partial<DailyFigures>): DailyFigures => ({ ...emptyFigures(), ...figures })

const expected: Record<string, Record<string, DailyFigures>> = {
  '2026-03-01': {
    [A]: f({
      newMembers: 1,
      onlineOrders: 1,
      onlineSalesFen: 10_000,
      pointsIssued: 200,
      commissionAccruedFen: 300,
    }),
    [B]: f({}),
    '*': f({
      newMembers: 1,
      onlineOrders: 1,
      onlineSalesFen: 10_000,
      pointsIssued: 200,
      commissionAccruedFen: 300,
    }),
  },
  '2026-03-02': {
    [A]: f({
      newMembers: 1,
      onlineOrders: 1,
      onlineSalesFen: 5_000,
      offlineSales: 1,
      offlineSalesFen: 20_000,
      pointsIssued: 150,
      pointsRedeemed: 100,
      commissionAccruedFen: 750,
    }),
    [B]: f({
      newMembers: 1,
      onlineOrders: 1,
      onlineSalesFen: 8_000,
      pointsIssued: 180,
      commissionAccruedFen: 240,
    }),
    '*': f({
      newMembers: 2,
      onlineOrders: 2,
      onlineSalesFen: 13_000,
      offlineSales: 1,
      offlineSalesFen: 20_000,
      pointsIssued: 330,
      pointsRedeemed: 100,
      commissionAccruedFen: 990,
    }),
  },
  '2026-03-03': {
    [A]: f({ refundsFen: 3_000, commissionReversedFen: 90 }),
    [B]: f({
      newMembers: 1,
      offlineSales: 1,
      offlineSalesFen: 4_050,
      pointsIssued: 120,
      commissionAccruedFen: 122,
    }),
    '*': f({
      newMembers: 1,
      onlineOrders: 1,
      onlineSalesFen: 3_000,
      offlineSales: 1,
      offlineSalesFen: 4_050,
      refundsFen: 3_000,
      pointsIssued: 120,
      commissionAccruedFen: 122,
      commissionReversedFen: 90,
    }),
  },
}

function sum(rows: DailyFigures[]): DailyFigures {
  const total = emptyFigures()
  for (const row of rows)
    for (const key of Object.keys(total) as (keyof DailyFigures)[]) total[key] += row[key]
  return total
}

async function rollUp() {
  for (let run = 0; run < 10; run++) {
    const res = (await stack.runJob('rollupDailyStats')) as {
      ok: boolean
      data: { done: boolean }
    }
    expect(res.ok).toBe(true)
    if (res.data.done) return
  }
  throw new Error('the rollup did not finish in 10 runs')
}

async function dashboard(params: Record<string, unknown>, token?: string) {
  const res = await stack.admin({ action: 'dashboard', ...params }, token)
  expect(res.status).toBe(200)
  return res.body.data
}

async function rollupDocs(): Promise<Omit<DailyStatsDoc, 'computedAt'>[]> {
  const res = (await stack.db
    .collection(COLLECTIONS.dailyStats.name)
    .where({ day: stack.db.command.in(Object.keys(expected)) })
    .get()) as { data: DailyStatsDoc[] }
  return res.data
    .map(({ computedAt: _computedAt, ...rest }) => rest)
    .sort((a, b) => a._id.localeCompare(b._id))
}

describe('the daily rollup and the dashboard', () => {
  it('before the rollup ran, the days read as zeros with no freshness', async () => {
    const data = await dashboard({ from: '2026-03-01', to: '2026-03-03' })
    expect(data.byDay.map((d: DailyFigures) => d.onlineSalesFen)).toEqual([0, 0, 0])
    expect(data.updatedAt).toBeNull()
  })

  it('the dashboard answers exactly per day, for all stores and for each store', async () => {
    await rollUp()
    for (const storeId of ['*', A, B]) {
      const data = await dashboard({
        from: '2026-03-01',
        to: '2026-03-03',
        ...(storeId === '*' ? {} : { storeId }),
      })
      const days = Object.keys(expected)
      expect(data.byDay).toEqual(days.map((day) => ({ day, ...expected[day]![storeId] })))
      expect(data.totals).toEqual(sum(days.map((day) => expected[day]![storeId]!)))
      expect(data.totalMembers).toBe(storeId === '*' ? 4 : 2)
      expect(data.updatedAt).not.toBeNull()
    }
    // A store with nothing on a day has no document; all stores has one per day.
    expect((await rollupDocs()).map((d) => d._id)).toEqual([
      `2026-03-01_*`,
      `2026-03-01_${A}`,
      `2026-03-02_*`,
      `2026-03-02_${A}`,
      `2026-03-02_${B}`,
      `2026-03-03_*`,
      `2026-03-03_${A}`,
      `2026-03-03_${B}`,
    ])
  })

  it('compares with the as-long period before and ranks stores and clerks with their previous figures', async () => {
    const data = await dashboard({ from: '2026-03-02', to: '2026-03-03' })
    // Two days: the previous period is the two days before (03-01 had all of its figures).
    expect(data.previous).toEqual({
      from: '2026-02-28',
      to: '2026-03-01',
      totals: sum([f({}), expected['2026-03-01']!['*']!]),
    })
    // Stores by net sales (online + offline − refunds), each with the previous period's.
    expect(data.storeRanking).toEqual([
      {
        storeId: A,
        storeName: '看板甲店',
        storeCode: 'DA',
        netSalesFen: 5_000 + 20_000 - 3_000,
        onlineSalesFen: 5_000,
        offlineSalesFen: 20_000,
        refundsFen: 3_000,
        orders: 2,
        newMembers: 1,
        previousNetSalesFen: 10_000,
      },
      {
        storeId: B,
        storeName: '看板乙店',
        storeCode: 'DB',
        netSalesFen: 8_000 + 4_050,
        onlineSalesFen: 8_000,
        offlineSalesFen: 4_050,
        refundsFen: 0,
        orders: 2,
        newMembers: 2,
        previousNetSalesFen: 0,
      },
    ])
    // Clerks by their members' sales net of refunds so far (the commission ledger), with the
    // commission still owed on them: do2's after-window refund is a separate negative entry.
    expect(data.clerkRanking).toEqual([
      {
        clerkId: `${A}-c1`,
        clerkName: '甲店导购',
        clerkCode: 'DA1',
        storeName: '看板甲店',
        salesFen: 5_000 - 1_000 + 20_000,
        orders: 2,
        commissionFen: 150 + 600,
        previousSalesFen: 10_000 - 2_000,
      },
      {
        clerkId: `${B}-c1`,
        clerkName: '乙店导购',
        clerkCode: 'DB1',
        storeName: '看板乙店',
        salesFen: 8_000 + 4_050,
        orders: 2,
        commissionFen: 240 + 122,
        previousSalesFen: 0,
      },
    ])
    // A store's dashboard ranks that store's clerks only; the store ranking stays chain-wide.
    const onlyB = await dashboard({ storeId: B, from: '2026-03-02', to: '2026-03-03' })
    expect(onlyB.clerkRanking.map((c: { clerkId: string }) => c.clerkId)).toEqual([`${B}-c1`])
    expect(onlyB.previous.totals).toEqual(f({}))
    expect(onlyB.storeRanking).toHaveLength(2)
  })

  it('running the rollup again, or again from scratch, changes nothing', async () => {
    const before = await rollupDocs()
    await rollUp()
    expect(await rollupDocs()).toEqual(before)
    await stack.db.collection(COLLECTIONS.settings.name).doc('dailyStatsRollup').remove()
    await rollUp()
    expect(await rollupDocs()).toEqual(before)
  })

  it('an interrupted run goes on from its cursor, then moves the watermark to when it started', async () => {
    const docs = stack.db.collection(COLLECTIONS.dailyStats.name)
    const salesOf = async (id: string) =>
      ((await docs.doc(id).get()) as { data: DailyStatsDoc[] }).data[0]!.onlineSalesFen
    // A run that died after 03-01: that day is done, 03-02 onwards is still to do.
    await docs.doc(`2026-03-01_${A}`).update({ onlineSalesFen: 1 })
    await docs.doc(`2026-03-02_${A}`).update({ onlineSalesFen: 1 })
    const startedAt = new Date(Date.now() - 60_000)
    await stack.db
      .collection(COLLECTIONS.settings.name)
      .doc('dailyStatsRollup')
      .set({
        watermark: null,
        run: { startedAt, nextDay: '2026-03-02', lastDay: statsDay(new Date()) },
      })
    await rollUp()
    expect(await salesOf(`2026-03-01_${A}`)).toBe(1)
    expect(await salesOf(`2026-03-02_${A}`)).toBe(5_000)
    const state = (
      (await stack.db.collection(COLLECTIONS.settings.name).doc('dailyStatsRollup').get()) as {
        data: { watermark: Date; run?: unknown }[]
      }
    ).data[0]!
    expect(state.watermark).toEqual(startedAt)
    expect(state.run).toBeUndefined()
    await docs.doc(`2026-03-01_${A}`).update({ onlineSalesFen: 10_000 })
  })

  it("today's sales show after the next timer run, or at once with 刷新", async () => {
    const now = new Date()
    const today = statsDay(now)
    await stack.db
      .collection(COLLECTIONS.orders.name)
      .add([order('do-today-1', 'dm03', B, 1_234, now.toISOString())])
    await rollUp()
    const first = await dashboard({ storeId: B, from: today, to: today })
    expect(first.totals.onlineSalesFen).toBe(1_234)

    await stack.db
      .collection(COLLECTIONS.orders.name)
      .add([order('do-today-2', 'dm03', B, 766, new Date().toISOString())])
    const refreshed = await stack.admin({ action: 'refreshDashboard' })
    expect(refreshed.status).toBe(200)
    const second = await dashboard({ storeId: B, from: today, to: today })
    expect(second.totals).toEqual(f({ onlineOrders: 2, onlineSalesFen: 2_000 }))
    expect(second.updatedAt).toBe(refreshed.body.data.updatedAt)
  })

  it('an analyst can read and refresh the dashboard; a clerk’s WeChat identity cannot', async () => {
    await stack.db.collection(COLLECTIONS.admins.name).add({
      username: 'dash-analyst',
      passwordHash: await hashPassword('analyst-password'),
      role: 'analyst',
      failedAttempts: 0,
      lockedUntil: null,
      createdAt: new Date(),
    })
    const login = await stack.call('admin', {
      action: 'login',
      username: 'dash-analyst',
      password: 'analyst-password',
    })
    expect(login.body.data.role).toBe('analyst')
    const data = await dashboard(
      { storeId: A, from: '2026-03-02', to: '2026-03-02' },
      login.body.data.token,
    )
    expect(data.totals).toEqual(expected['2026-03-02']![A])
    expect((await stack.admin({ action: 'refreshDashboard' }, login.body.data.token)).status).toBe(
      200,
    )

    await addClerks(stack.db, {
      _id: 'dash-clerk',
      code: 'DC1',
      openid: 'o-dash-clerk',
      name: '店员',
      storeId: A,
      isManager: true,
      status: 'active',
      memberCount: 0,
    })
    for (const action of ['dashboard', 'refreshDashboard']) {
      const res = await stack.call('admin', { action }, { openid: 'o-dash-clerk' })
      expect(res.status).toBe(401)
    }
    // Nor can anyone run the timer's action by calling it.
    const token = await stack.adminToken()
    const res = await stack.call(
      'jobs',
      { action: 'everyMinute', message: 'rollupDailyStats' },
      { headers: { authorization: `Bearer ${token}` } },
    )
    expect(res.status).toBe(403)
  })

  it('refuses a range the wrong way round or longer than a year', async () => {
    const reversed = await stack.admin({
      action: 'dashboard',
      from: '2026-03-03',
      to: '2026-03-01',
    })
    expect(reversed.status).toBe(400)
    expect(reversed.body.error.field).toBe('from')
    expect(
      (await stack.admin({ action: 'dashboard', from: '2025-01-01', to: '2026-01-02' })).status,
    ).toBe(400)
    expect(
      (await stack.admin({ action: 'dashboard', from: '2025-01-01', to: '2026-01-01' })).status,
    ).toBe(200) // 366 days
  })
})
