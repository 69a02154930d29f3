/**
 * `npm run bench -- hotpaths`: the database round trips of the actions a shopper, a clerk and HQ
 * wait on, read from the functions' own log lines (`dbRoundTrips`), each beside its target. On
 * CloudBase every round trip is a network hop of tens of milliseconds, so these counts, not the
 * local milliseconds, decide how fast the product feels.
 *
 * Each action runs for several different shoppers on a fresh demo stack; a row gives the calls,
 * the average and the maximum, and whether the maximum meets the target. The counts are a warm
 * instance's: one bind per code kind runs first, so the per-instance caches (the staff directory,
 * the points rules, read at most once a minute) are filled; the row `cold instance` says what the
 * first call of a fresh instance adds. Work an action leaves to a job is its own row, per item.
 */
import { randomBytes } from 'node:crypto'
import {
  collectFunctionLogs,
  round,
  startChildServer,
  tripStats,
  type FunctionLogLine,
} from './child'

interface Personas {
  codes: { kind: 'store' | 'clerk'; storeId: string; scene: string }[]
}

/** The targets of the hot-path issue: what each action may cost at most. */
const TARGETS: Record<string, number> = {
  'member.bind (first, store code)': 6,
  'member.bind (first, clerk code)': 6,
  'member.bind (repeat scan)': 2,
  'member.bind (first, store code, with a welcome coupon)': 6,
  'shop.createOrder': 8,
  'shop.createOrder (with coupon)': 8,
  'shop.order (first read, applying effects)': 6,
  'shop.order (later reads)': 3,
  'after-payment effects per order (timer)': 8,
  'admin.refundOrder': 8,
}

export async function benchHotpaths(options: { shoppers?: number } = {}): Promise<object[]> {
  const shoppers = options.shoppers ?? 8
  const password = randomBytes(12).toString('base64url')
  const server = await startChildServer(
    'scripts/bench/stack-process.ts',
    { BENCH_NAME: 'hotpaths', ADMIN_PASSWORD: password, FUNCTION_LOG: 'on' },
    180_000,
  )
  const logs = collectFunctionLogs(server)
  const settle = () => new Promise((resolve) => setTimeout(resolve, 300))
  const post = async (pathname: string, body: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(`${server.url}${pathname}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    })
    const text = await res.text()
    return { status: res.status, body: (text ? JSON.parse(text) : null) as any }
  }
  const call = async (fn: string, body: object, headers: Record<string, string> = {}) => {
    const res = await post(`/fn/${fn}`, body, headers)
    if (res.status !== 200)
      throw new Error(`${fn}.${JSON.stringify(body)}: ${JSON.stringify(res.body)}`)
    return res.body.data
  }
  /** Runs `step` and returns the log lines of `fn.action` it produced. */
  const measured = async (fn: string, action: string, step: () => Promise<unknown>) => {
    await settle()
    logs.length = 0
    await step()
    await settle()
    return logs.filter((l) => l.fn === fn && l.action === action && l.outcome === 'ok')
  }
  const rows: object[] = []
  const report = (name: string, lines: FunctionLogLine[]) => {
    const stats = tripStats(lines)
    const target = TARGETS[name]
    rows.push({
      bench: 'hotpaths',
      action: name,
      ...stats,
      // A row without a target is reported for comparison only (pay.notify).
      ...(target === undefined
        ? {}
        : { target: `≤ ${target}`, meetsTarget: stats.calls > 0 && stats.max <= target }),
    })
  }
  try {
    const token = (await call('admin', { action: 'login', username: 'admin', password }))
      .token as string
    const hq = { authorization: `Bearer ${token}` }
    const personas = (await (await fetch(`${server.url}/dev/personas`)).json()) as Personas
    const storeCode = personas.codes.find((c) => c.kind === 'store')!
    const clerkCode = personas.codes.find((c) => c.kind === 'clerk')!
    const shopper = (kind: string, i: number) => ({ 'x-openid': `hot-${kind}-${i}` })
    const phone = (i: number) => `139${String(20_000_000 + i).slice(-8)}`

    // A fresh instance fills its caches on its first bind: measured apart, then warm.
    const cold = await measured('member', 'bind', () =>
      call(
        'member',
        { action: 'bind', scene: storeCode.scene, phone: phone(900) },
        shopper('warm', 0),
      ),
    )
    report('member.bind (cold instance, store code)', cold)
    // (A repeat scan also reads HQ's attribution policy, at most once a minute per instance.)
    report(
      'member.bind (cold instance, repeat scan)',
      await measured('member', 'bind', () =>
        call(
          'member',
          { action: 'bind', scene: storeCode.scene, phone: phone(900) },
          shopper('warm', 0),
        ),
      ),
    )
    const jobTrips = async (job: string) => {
      await settle()
      logs.length = 0
      await post(`/dev/jobs/${job}`, {})
      await settle()
      return logs
        .filter((l) => l.fn === 'jobs' && l.outcome === 'ok')
        .reduce((sum, l) => sum + l.dbRoundTrips, 0)
    }
    const perItem = (name: string, items: number, trips: number, target?: number) =>
      rows.push({
        bench: 'hotpaths',
        action: name,
        calls: items,
        avg: items ? round(trips / items) : 0,
        max: items ? round(trips / items) : 0,
        ...(target === undefined
          ? {}
          : { target: `≤ ${target}`, meetsTarget: items > 0 && trips / items <= target }),
      })

    const bindAll = (kind: string, scene: string, offset: number) =>
      Promise.all(
        Array.from({ length: shoppers }, (_, i) =>
          call('member', { action: 'bind', scene, phone: phone(offset + i) }, shopper(kind, i)),
        ),
      )
    report(
      'member.bind (first, store code)',
      await measured('member', 'bind', () => bindAll('store', storeCode.scene, 0)),
    )
    report(
      'member.bind (first, clerk code)',
      await measured('member', 'bind', () => bindAll('clerk', clerkCode.scene, 100)),
    )
    report(
      'member.bind (repeat scan)',
      await measured('member', 'bind', () => bindAll('store', storeCode.scene, 0)),
    )
    // The binds' follow-up (log, welcome entry, welcome coupons if any, clerk count), finished by
    // the job.
    perItem(
      'bind follow-up per card (finishBinds job)',
      shoppers * 2 + 1,
      await jobTrips('finishBinds'),
    )

    const products = (await call('shop', { action: 'products' }, shopper('store', 0))) as {
      productId: string
    }[]
    const orders: { orderId: string; outTradeNo: string; openid: string }[] = []
    // As the mini-program sends it: one requestId per checkout attempt (the order id follows).
    const attempt = randomBytes(6).toString('hex')
    const orderRequest = (i: number) => ({
      action: 'createOrder',
      items: [{ productId: products[i % products.length]!.productId, qty: 1 }],
      fulfilment: 'pickup',
      storeId: storeCode.storeId,
      requestId: `hotpaths-order-${i}-${attempt}`,
    })
    report(
      'shop.createOrder',
      await measured('shop', 'createOrder', async () => {
        for (let i = 0; i < shoppers; i += 1) {
          const headers = shopper('store', i)
          const created = await call('shop', orderRequest(i), headers)
          orders.push({ ...created, openid: headers['x-openid'] })
        }
      }),
    )
    // The app retries a submit whose answer it lost: the same requestId finds the order (its
    // refused holds read once, the insert's duplicate and the order read, the payment again).
    report(
      'shop.createOrder (same requestId again)',
      await measured('shop', 'createOrder', async () => {
        for (let i = 0; i < shoppers; i += 1) {
          const again = await call('shop', orderRequest(i), shopper('store', i))
          if (again.orderId !== orders[i]!.orderId)
            throw new Error(`a repeated requestId made another order: ${again.orderId}`)
        }
      }),
    )
    // With a coupon (the clerk-code members, each claiming one from the centre): the lock is one
    // more conditional update beside the holds.
    const template = (await call(
      'admin',
      {
        action: 'createCouponTemplate',
        name: '热路径测试券',
        kind: 'amountOff',
        valueFen: 500,
        minSpendFen: 0,
        channels: ['online'],
        validDays: 30,
        perMemberLimit: 1,
        publishToCentre: true,
      },
      hq,
    )) as { templateId: string }
    const couponOf = new Map<number, string>()
    for (let i = 0; i < shoppers; i += 1) {
      const claimed = (await call(
        'member',
        { action: 'claimCoupon', templateId: template.templateId },
        shopper('clerk', i),
      )) as { couponId: string }
      couponOf.set(i, claimed.couponId)
    }
    report(
      'shop.createOrder (with coupon)',
      await measured('shop', 'createOrder', async () => {
        for (let i = 0; i < shoppers; i += 1)
          await call(
            'shop',
            {
              action: 'createOrder',
              items: [{ productId: products[i % products.length]!.productId, qty: 1 }],
              fulfilment: 'pickup',
              storeId: storeCode.storeId,
              couponId: couponOf.get(i),
              requestId: `hotpaths-coupon-order-${i}-${attempt}`,
            },
            shopper('clerk', i),
          )
      }),
    )
    // The order repair (every 5 minutes) with nothing to repair: what it costs per run.
    perItem('repairOrders job per run (nothing to repair)', 1, await jobTrips('repairOrders'))
    // Two groups, paid one after the other, so the timer's runs can be told apart: the first is
    // never read (the timer applies everything), the second is read by its payers (the first
    // read credits the points, the timer does the rest).
    const half = Math.floor(orders.length / 2)
    const [unread, read] = [orders.slice(0, half), orders.slice(half)]
    const payLines: FunctionLogLine[] = []
    const payAll = async (group: typeof orders) =>
      payLines.push(
        ...(await measured('pay', 'notify', async () => {
          for (const order of group) await post(`/sandbox/pay/${order.outTradeNo}`, {})
        })),
      )
    // What a timer run costs with nothing due (claiming its slot, the empty sweep): the rows
    // below give what each order adds to a run.
    const idle = await jobTrips('applyOrderEffects')
    rows.push({
      bench: 'hotpaths',
      action: 'applyOrderEffects run, nothing due',
      calls: 1,
      avg: idle,
      max: idle,
    })
    // Paid in the sandbox; the notification leaves the points and commission due.
    await payAll(unread)
    // (The jobs function logs one line per run: its trips beyond an idle run, over the orders it
    // applied; the first order of a fresh instance also reads the points and commission rules.)
    perItem(
      'after-payment effects per order (timer)',
      unread.length,
      (await jobTrips('applyOrderEffects')) - idle,
      TARGETS['after-payment effects per order (timer)'],
    )
    await payAll(read)
    report('pay.notify (pickup order: paid, code claimed)', payLines)
    // The shop instance's first read fills its per-instance caches (the points rules, the store's
    // card): measured apart, like the bind's cold instance, then warm.
    const readOrder = (order: (typeof orders)[number]) =>
      call('shop', { action: 'order', orderId: order.orderId }, { 'x-openid': order.openid })
    report(
      'shop.order (cold instance, first read)',
      await measured('shop', 'order', () => readOrder(read[0]!)),
    )
    report(
      'shop.order (first read, applying effects)',
      await measured('shop', 'order', async () => {
        for (const order of read.slice(1)) await readOrder(order)
      }),
    )
    // The app polls the order: every read after the first.
    report(
      'shop.order (later reads)',
      await measured('shop', 'order', async () => {
        for (const order of read) for (let i = 0; i < 2; i += 1) await readOrder(order)
      }),
    )
    // What the reads left (commission, the stock's hold sold, the effects marked done), by the
    // timer, per order.
    perItem(
      'after-payment effects left by a read, per order (timer)',
      read.length,
      (await jobTrips('applyOrderEffects')) - idle,
    )
    report(
      'admin.refundOrder',
      await measured('admin', 'refundOrder', async () => {
        for (const order of read)
          await call(
            'admin',
            { action: 'refundOrder', orderId: order.orderId, reason: '顾客退货' },
            hq,
          )
      }),
    )
    // A welcome coupon (HQ's `onBind` template): the bind still reads nothing for it; the coupon
    // is the follow-up's, given by the member's next call (here `profile`) or by the job.
    await call(
      'admin',
      {
        action: 'createCouponTemplate',
        name: '热路径开卡礼',
        kind: 'amountOff',
        valueFen: 500,
        minSpendFen: 0,
        channels: ['online'],
        validDays: 30,
        perMemberLimit: 1,
        publishToCentre: false,
        onBind: true,
      },
      hq,
    )
    report(
      'member.bind (first, store code, with a welcome coupon)',
      await measured('member', 'bind', () => bindAll('welcome', storeCode.scene, 200)),
    )
    report(
      "member.profile (the next call: entries and the welcome coupon; the instance's first also reads the templates)",
      await measured('member', 'profile', async () => {
        for (let i = 0; i < shoppers; i += 1)
          await call('member', { action: 'profile' }, shopper('welcome', i))
      }),
    )
    perItem(
      'bind follow-up per card with a welcome coupon given (finishBinds job)',
      shoppers,
      await jobTrips('finishBinds'),
    )
    return rows
  } finally {
    await server.stop()
  }
}
