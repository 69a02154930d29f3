/**
 * The HQ dashboard at scale through a fresh local stack (bundled functions, gateway with durable
 * writes, the real SDK): 100,000 members and 1,000,000 orders over the last year in four stores,
 * with offline sales, points ledger entries, commission entries and refunds, seeded by batch
 * inserts (seed-bulk.ts, as the campaigns bench does).
 *
 *  - dashboard.seed: what was seeded and how long it took;
 *  - dashboard.rollup: the `rollupDailyStats` timer from scratch over the whole year (runs of at
 *    most 20 s each, as CloudBase would fire them), and one more run once caught up;
 *  - orders.list: HQ's orders list (`admin.listOrders`, 20 a page) newest first, page 200, paid only,
 *    one store;
 *  - dashboard.read: `admin.dashboard` latency over 10 calls, all stores for 90 days and one
 *    store for 365 days. Target: under 2 s.
 */
import { performance } from 'node:perf_hooks'
import { addDays, statsDay } from '../../shared/hq/rules/daily-stats'
import { startTestStack } from '../../tests/support/local-stack'
import { percentile, round } from './child'
import { benchMember, benchMemberId, insertMany } from './seed-bulk'

const DAY_MS = 86_400_000
const YEAR_MS = 365 * DAY_MS
const STORES = 4

export async function benchDashboard(
  options: { members?: number; orders?: number; calls?: number } = {},
): Promise<object[]> {
  const memberCount = options.members ?? 100_000
  const orderCount = options.orders ?? 1_000_000
  const offlineCount = orderCount / 10
  const ledgerCount = orderCount / 5
  const commissionCount = orderCount / 5
  const refundCount = orderCount / 200
  const calls = options.calls ?? 10
  const stack = await startTestStack({ seed: false })
  const rows: object[] = []
  try {
    const now = new Date()
    // Deterministic spread over the year before now (a multiplicative hash of i).
    const within = (i: number, salt: number) =>
      new Date(now.getTime() - ((i * 2_654_435_761 + salt) % YEAR_MS))
    const storeOf = (m: number) => `store${m % STORES}`
    const seedStarted = performance.now()
    await insertMany(stack, 'stores', STORES, (s) => ({
      _id: `store${s}`,
      code: `B${s}`,
      name: `门店${s}`,
      address: '上海',
      status: 'active',
      createdAt: new Date(now.getTime() - YEAR_MS - DAY_MS),
    }))
    await insertMany(stack, 'clerks', 40, (c) => ({
      _id: `clerk${c}`,
      code: `BC${c}`,
      name: `导购${c}`,
      storeId: `store${c % STORES}`,
      isManager: false,
      status: 'active',
      memberCount: Math.ceil((memberCount - c) / 40),
      createdAt: now,
    }))
    await insertMany(stack, 'members', memberCount, (i) =>
      benchMember(i, now, { stores: STORES, clerks: 40, joinedWithinDays: 365 }),
    )
    await insertMany(stack, 'orders', orderCount, (i) => {
      const m = i % memberCount
      const paid = i % 20 !== 0
      const createdAt = within(i, 1)
      const totalFen = 990 + (i % 50) * 1000
      return {
        _id: `bo${i}`,
        openid: `o-${benchMemberId(m)}`,
        memberId: benchMemberId(m),
        fulfilment: i % 3 === 0 ? 'delivery' : 'pickup',
        storeId: i % 3 === 0 ? null : storeOf(m),
        locationId: i % 3 === 0 ? 'central' : storeOf(m),
        items: [{ productId: 'p-bench', name: '玫瑰面霜', priceFen: totalFen, qty: 1 }],
        totalFen,
        status: paid ? 'paid' : 'cancelled',
        outTradeNo: `BT${i}`,
        expiresAt: new Date(createdAt.getTime() + 15 * 60_000),
        createdAt,
        paidAt: paid ? new Date(createdAt.getTime() + 60_000) : null,
        attribution: paid ? { storeId: storeOf(m), clerkId: `clerk${m % 40}` } : null,
        paidEffectsAt: paid ? createdAt : null,
        cancelledAt: paid ? null : createdAt,
        cancelReason: paid ? null : 'expired',
        refundedFen: 0,
        refundNos: [],
      }
    })
    await insertMany(stack, 'offlineSales', offlineCount, (i) => {
      const m = (i * 7) % memberCount
      return {
        _id: `bf${i}`,
        memberId: benchMemberId(m),
        memberNo: String(600_000_000 + m),
        amountFen: 2_000 + (i % 30) * 500,
        receiptNo: `R${i}`,
        storeId: `store${i % STORES}`,
        clerkId: `clerk${i % 40}`,
        clerkName: '店员',
        attribution: { storeId: storeOf(m), clerkId: `clerk${m % 40}` },
        memberCode: `bench-code-${i}`,
        at: within(i, 2),
        effectsAt: within(i, 2),
      }
    })
    const ledgerKinds = [
      'earn',
      'earn',
      'earn',
      'welcome',
      'spend',
      'return',
      'expire',
      'adjust',
    ] as const
    await insertMany(stack, 'pointsLedger', ledgerCount, (i) => {
      const kind = ledgerKinds[i % ledgerKinds.length]!
      const points = kind === 'spend' || kind === 'expire' ? -(100 + (i % 9) * 50) : 10 + (i % 200)
      return {
        _id: `bl${i}`,
        key: `bench:${i}`,
        memberId: benchMemberId((i * 13) % memberCount),
        kind,
        points,
        at: within(i, 3),
      }
    })
    await insertMany(stack, 'commissionLedger', commissionCount, (i) => {
      const online = i % 4 !== 0
      const m = i % memberCount
      const key = `${online ? 'order' : 'offline'}:b${i}:commission`
      return {
        _id: key.replace(/:/g, '_'),
        key,
        kind: 'earn',
        source: { kind: online ? 'order' : 'offline', id: `b${i}` },
        channel: online ? 'online' : 'offline',
        memberId: benchMemberId(m),
        clerkId: `clerk${m % 40}`,
        storeId: storeOf(m),
        sellingStoreId: storeOf(m),
        baseFen: 990 + (i % 50) * 1000,
        rateBp: 300,
        amountFen: 0,
        refundedFen: 0,
        reversals: [],
        status: 'pending',
        settleAfter: null,
        settledAt: null,
        month: '',
        at: within(i, 4),
      }
    })
    await insertMany(stack, 'refunds', refundCount, (i) => ({
      _id: `br${i}`,
      outTradeNo: `BT${i * 20 + 1}`,
      purpose: { kind: 'order', id: `bo${i * 20 + 1}` },
      key: `order:bo${i * 20 + 1}:refund`,
      amountFen: 500,
      reason: '退货',
      status: 'succeeded',
      refundId: `BW${i}`,
      createdAt: within(i, 5),
      settledAt: within(i, 5),
      ownerNotifiedAt: within(i, 5),
    }))
    rows.push({
      bench: 'dashboard.seed',
      members: memberCount,
      orders: orderCount,
      offlineSales: offlineCount,
      pointsLedger: ledgerCount,
      commissionLedger: commissionCount,
      refunds: refundCount,
      stores: STORES,
      seconds: round((performance.now() - seedStarted) / 1000),
    })

    const rollupStarted = performance.now()
    let runs = 0
    let days = 0
    let written = 0
    for (let done = false; !done;) {
      const res = (await stack.runJob('rollupDailyStats')) as {
        ok: boolean
        data: { days: number; written: number; done: boolean }
        error?: unknown
      }
      if (!res.ok) throw new Error(`rollupDailyStats failed: ${JSON.stringify(res.error)}`)
      runs++
      days += res.data.days
      written += res.data.written
      done = res.data.done
    }
    const fullSeconds = (performance.now() - rollupStarted) / 1000
    const again = performance.now()
    const caughtUp = (await stack.runJob('rollupDailyStats')) as {
      data: { days: number }
    }
    rows.push({
      bench: 'dashboard.rollup',
      timerRuns: runs,
      days,
      documentsWritten: written,
      fullSeconds: round(fullSeconds),
      caughtUpRunMs: round(performance.now() - again),
      caughtUpRunDays: caughtUp.data.days,
    })

    const views: Record<string, object> = {
      allStores90Days: { from: addDays(statsDay(now), -89) },
      oneStore365Days: { storeId: 'store1', from: addDays(statsDay(now), -364) },
    }
    for (const [name, params] of Object.entries(views)) {
      const times: number[] = []
      let totals: Record<string, number> = {}
      for (let i = 0; i < calls; i++) {
        const t0 = performance.now()
        const res = await stack.admin({ action: 'dashboard', ...params })
        times.push(performance.now() - t0)
        if (res.status !== 200) throw new Error(`dashboard failed: ${JSON.stringify(res.body)}`)
        totals = res.body.data.totals
      }
      rows.push({
        bench: 'dashboard.read',
        view: name,
        calls,
        medianMs: round(
          percentile(
            [...times].sort((a, b) => a - b),
            50,
          ),
        ),
        maxMs: round(Math.max(...times)),
        targetMs: 2000,
        onlineOrders: totals.onlineOrders,
        onlineSalesFen: totals.onlineSalesFen,
      })
    }
    const refreshTimes: number[] = []
    for (let i = 0; i < 3; i++) {
      const t0 = performance.now()
      await stack.admin({ action: 'refreshDashboard' })
      refreshTimes.push(performance.now() - t0)
    }
    rows.push({
      bench: 'dashboard.refresh',
      calls: 3,
      medianMs: round(
        percentile(
          [...refreshTimes].sort((a, b) => a - b),
          50,
        ),
      ),
      maxMs: round(Math.max(...refreshTimes)),
    })

    // HQ's 订单与退款 list over the same million orders: server-side pages, newest first.
    const lists: Record<string, object> = {
      newestFirst: {},
      page200: { page: 200 },
      paidNewestFirst: { status: 'paid' },
      oneStore: { storeId: 'store1' },
    }
    for (const [name, params] of Object.entries(lists)) {
      const times: number[] = []
      let total = 0
      for (let i = 0; i < 5; i++) {
        const t0 = performance.now()
        const res = await stack.admin({
          action: 'listOrders',
          page: 1,
          pageSize: 20,
          sortBy: 'createdAt',
          sortOrder: 'desc',
          ...params,
        })
        times.push(performance.now() - t0)
        if (res.status !== 200) throw new Error(`listOrders failed: ${JSON.stringify(res.body)}`)
        total = res.body.data.total
      }
      rows.push({
        bench: 'orders.list',
        view: name,
        calls: 5,
        medianMs: round(
          percentile(
            [...times].sort((a, b) => a - b),
            50,
          ),
        ),
        maxMs: round(Math.max(...times)),
        total,
      })
    }
  } finally {
    await stack.stop()
  }
  return rows
}
