/**
 * Paid shop orders through the local stack (function host, bundled functions, gateway with
 * durable writes, the real SDK, the WeChat Pay sandbox signing genuine notifications), run in a
 * child process:
 *
 *  - shop.paidOrders: members ordering for pickup at once, each order created (`shop.createOrder`),
 *    paid in the sandbox and its notification delivered to `POST /http/pay/notify`: paid orders per
 *    second end to end, and the database round trips each step costs, read from the functions' own
 *    log lines (`dbRoundTrips`). Target: at most 6 per notification.
 *  - shop.paidEffects: the after-payment effects those orders left due (points, tier, commission,
 *    the reservation becoming a sale), applied afterwards by the `applyOrderEffects` timer as it
 *    runs every minute: orders per second and round trips per order, off the notification's path.
 *  - shop.roundTrips: the counter and console paths, one call each.
 */
import { randomBytes } from 'node:crypto'
import {
  closedLoop,
  collectFunctionLogs,
  percentile,
  round,
  startChildServer,
  tripStats,
} from './child'

export async function benchShop(
  options: { members?: number; orders?: number; concurrency?: number } = {},
): Promise<object[]> {
  const memberCount = options.members ?? 50
  const total = options.orders ?? 300
  const concurrency = options.concurrency ?? 8
  const password = randomBytes(12).toString('base64url')
  const server = await startChildServer(
    'scripts/bench/stack-process.ts',
    { BENCH_NAME: 'shop', BENCH_DEEP_STOCK: '1', ADMIN_PASSWORD: password, FUNCTION_LOG: 'on' },
    180_000,
  )
  const logs = collectFunctionLogs(server)
  const settle = () => new Promise((resolve) => setTimeout(resolve, 300))
  const post = async (pathname: string, body: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(`${server.url}${pathname}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    })
    const text = await res.text()
    return { status: res.status, body: (text ? JSON.parse(text) : null) as any }
  }
  const call = (fn: string, body: object, headers: Record<string, string> = {}) =>
    post(`/fn/${fn}`, body, headers)
  try {
    const token = (await call('admin', { action: 'login', username: 'admin', password })).body.data
      .token as string
    const personas = (await (await fetch(`${server.url}/dev/personas`)).json()) as {
      personas: { openid: string; role: string; storeId: string | null }[]
      codes: { kind: string; storeId: string; scene: string }[]
    }
    const storeId = personas.codes.find((c) => c.kind === 'store')!.storeId
    const products = (await call('shop', { action: 'products' })).body.data as {
      productId: string
    }[]
    const members: string[] = []
    for (let i = 0; i < memberCount; i += 10) {
      await Promise.all(
        Array.from({ length: Math.min(10, memberCount - i) }, async (_, j) => {
          const openid = `bench-buyer-${i + j}`
          const code = personas.codes[(i + j) % personas.codes.length]!
          const res = await call(
            'member',
            {
              action: 'bind',
              scene: code.scene,
              phone: `137${String(10_000_000 + i + j).slice(-8)}`,
            },
            { 'x-openid': openid },
          )
          if (res.status !== 200) throw new Error(`bind failed: ${JSON.stringify(res.body)}`)
          members.push(openid)
        }),
      )
    }
    let n = 0
    /** One order end to end: created, paid in the sandbox, its notification delivered. */
    const buy = async (openid: string) => {
      const productId = products[n++ % products.length]!.productId
      const created = await call(
        'shop',
        { action: 'createOrder', items: [{ productId, qty: 1 }], fulfilment: 'pickup', storeId },
        { 'x-openid': openid },
      )
      if (created.status !== 200) return { ok: false, orderId: '' }
      const paid = await post(`/sandbox/pay/${created.body.data.outTradeNo}`, { notify: false })
      const notification = paid.body.notification as {
        headers: Record<string, string>
        body: string
      }
      const res = await fetch(`${server.url}/http/pay/notify`, {
        method: 'POST',
        headers: notification.headers,
        body: notification.body,
      })
      return { ok: res.status === 204, orderId: created.body.data.orderId as string }
    }

    // warm up
    await Promise.all(members.slice(0, concurrency).map((m) => buy(m)))
    await settle()
    logs.length = 0

    const { latencies, ok, seconds } = await closedLoop(
      total,
      concurrency,
      async (i) => (await buy(members[i % members.length]!)).ok,
    )
    await settle()
    const notify = logs.filter((l) => l.fn === 'pay' && l.action === 'notify' && l.outcome === 'ok')
    const rows: object[] = [
      {
        bench: 'shop.paidOrders',
        members: members.length,
        concurrency,
        orders: latencies.length,
        paid: ok,
        paidOrdersPerSec: round(latencies.length / seconds, 1),
        p50Ms: round(percentile(latencies, 50)),
        p99Ms: round(percentile(latencies, 99)),
        dbRoundTripsPerNotification: tripStats(notify),
        dbRoundTripsPerCreateOrder: tripStats(
          logs.filter((l) => l.fn === 'shop' && l.action === 'createOrder' && l.outcome === 'ok'),
        ),
        notifyP50Ms: round(
          percentile(
            notify.map((l) => l.durationMs).sort((a, b) => a - b),
            50,
          ),
        ),
        target: 'at most 6 round trips per notification',
      },
    ]

    // The effects the notifications left due, drained by the timer (nobody read these orders).
    logs.length = 0
    const drainStarted = performance.now()
    let applied = 0
    for (;;) {
      const run = (await post('/dev/jobs/applyOrderEffects', {})).body as {
        ok: boolean
        data: { applied: number; failed: number; more: boolean }
      }
      if (!run.ok || run.data.failed > 0)
        throw new Error(`applyOrderEffects failed: ${JSON.stringify(run)}`)
      applied += run.data.applied
      if (!run.data.more) break
    }
    const drainSeconds = (performance.now() - drainStarted) / 1000
    await settle()
    const sweeps = logs.filter(
      (l) => l.fn === 'shop' && l.action === 'applyOrderEffects' && l.outcome === 'ok',
    )
    rows.push({
      bench: 'shop.paidEffects',
      orders: applied,
      ordersPerSec: round(applied / drainSeconds, 1),
      timerRuns: sweeps.length,
      dbRoundTripsPerOrder: round(
        sweeps.reduce((sum, l) => sum + l.dbRoundTrips, 0) / Math.max(1, applied),
      ),
    })

    // A repeated notification (WeChat retries): what a duplicate costs.
    logs.length = 0
    const shopper = members[0]!
    const created = await call(
      'shop',
      {
        action: 'createOrder',
        items: [{ productId: products[0]!.productId, qty: 1 }],
        fulfilment: 'pickup',
        storeId,
      },
      { 'x-openid': shopper },
    )
    const paid = await post(`/sandbox/pay/${created.body.data.outTradeNo}`, { notify: false })
    const notification = paid.body.notification as { headers: Record<string, string>; body: string }
    for (let i = 0; i < 2; i++)
      await fetch(`${server.url}/http/pay/notify`, {
        method: 'POST',
        headers: notification.headers,
        body: notification.body,
      })
    const order = (
      await call(
        'shop',
        { action: 'order', orderId: created.body.data.orderId },
        { 'x-openid': shopper },
      )
    ).body.data as { pickupCode: string; orderId: string }
    const clerk = personas.personas.find((p) => p.role === 'clerk' && p.storeId === storeId)!.openid
    await call(
      'staff',
      { action: 'verifyPickup', pickupCode: order.pickupCode },
      { 'x-openid': clerk },
    )
    await call('staff', { action: 'performance' }, { 'x-openid': clerk })
    const month = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 7)
    await call(
      'admin',
      { action: 'settlement', month, by: 'clerk' },
      { authorization: `Bearer ${token}` },
    )
    await call(
      'admin',
      { action: 'refundOrder', orderId: order.orderId, reason: '压测退款' },
      { authorization: `Bearer ${token}` },
    )
    await settle()
    await settle()
    const seen = new Map<string, number>()
    rows.push({
      bench: 'shop.roundTrips',
      ...Object.fromEntries(
        logs.map((l) => {
          const base = `${l.fn}.${l.action}${l.outcome === 'ok' ? '' : `.${l.outcome}`}`
          const k = (seen.get(base) ?? 0) + 1
          seen.set(base, k)
          return [k === 1 ? base : `${base}#${k}`, l.dbRoundTrips]
        }),
      ),
    })
    return rows
  } finally {
    await server.stop()
  }
}

if (require.main === module) {
  benchShop()
    .then((rows) => rows.forEach((row) => process.stdout.write(`${JSON.stringify(row)}\n`)))
    .catch((err) => {
      process.stderr.write(`${(err as Error).stack}\n`)
      process.exit(1)
    })
}
