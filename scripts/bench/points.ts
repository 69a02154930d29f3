/**
 * Gift redemptions through the local stack (function host, bundled functions, gateway with
 * durable writes, the real SDK), run in a child process: redemptions per second and latency, and
 * the database round trips each redemption costs, read from the functions' own log lines
 * (`dbRoundTrips`, the figure CloudBase bills in latency). Target: at most 5 per redemption.
 *
 *  - points.redeem: many members redeeming at one store at once (the everyday load);
 *  - points.redeem.contended: one member firing 2× more redemptions than their balance covers
 *    (successes and refusals counted apart: a refusal also gives its unit of stock back);
 *  - points.roundTrips: the other member and staff actions, one call each.
 */
import { randomBytes } from 'node:crypto'
import { performance } from 'node:perf_hooks'
import {
  closedLoop,
  collectFunctionLogs,
  percentile,
  round,
  startChildServer,
  tripStats,
} from './child'

export async function benchPoints(
  options: { members?: number; redemptions?: number; concurrency?: number } = {},
): Promise<object[]> {
  const memberCount = options.members ?? 100
  const total = options.redemptions ?? 1500
  const concurrency = options.concurrency ?? 16
  const password = randomBytes(12).toString('base64url')
  const server = await startChildServer(
    'scripts/bench/stack-process.ts',
    { BENCH_NAME: 'points', ADMIN_PASSWORD: password, FUNCTION_LOG: 'on' },
    180_000,
  )
  const logs = collectFunctionLogs(server)
  const settle = () => new Promise((resolve) => setTimeout(resolve, 300))
  const call = async (fn: string, body: object, headers: Record<string, string> = {}) => {
    const res = await fetch(`${server.url}/fn/${fn}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    })
    return { status: res.status, body: (await res.json()) as any }
  }
  try {
    const token = (await call('admin', { action: 'login', username: 'admin', password })).body.data
      .token as string
    const admin = (body: object) => call('admin', body, { authorization: `Bearer ${token}` })
    const personas = (await (await fetch(`${server.url}/dev/personas`)).json()) as {
      personas: { openid: string; role: string; storeId: string | null }[]
      codes: { kind: string; storeId: string; scene: string }[]
    }
    const storeId = personas.codes.find((c) => c.kind === 'store')!.storeId
    const gift = await admin({
      action: 'createGift',
      name: '压测礼品',
      pointsPrice: 1,
      stock: [{ storeId, available: 1_000_000 }],
    })
    const giftId = gift.body.data.giftId as string

    const members: string[] = []
    for (let i = 0; i < memberCount; i += 10) {
      await Promise.all(
        Array.from({ length: Math.min(10, memberCount - i) }, async (_, j) => {
          const openid = `bench-member-${i + j}`
          const code = personas.codes[(i + j) % personas.codes.length]!
          const res = await call(
            'member',
            {
              action: 'bind',
              scene: code.scene,
              phone: `138${String(10_000_000 + i + j).slice(-8)}`,
            },
            { 'x-openid': openid },
          )
          if (res.status !== 200) throw new Error(`bind failed: ${JSON.stringify(res.body)}`)
          members.push(openid)
        }),
      )
    }
    const redeem = (openid: string) =>
      call(
        'points',
        { action: 'redeem', giftId, fulfilment: 'pickup', storeId },
        { 'x-openid': openid },
      )

    // warm up: JIT, keep-alive sockets, the function bundle loaded
    await Promise.all(members.slice(0, concurrency).map((m) => redeem(m)))
    await settle()
    logs.length = 0

    const { latencies, ok, seconds } = await closedLoop(
      total,
      concurrency,
      async (i) => (await redeem(members[i % members.length]!)).status === 200,
    )
    await settle()
    const spread = tripStats(
      logs.filter((l) => l.fn === 'points' && l.action === 'redeem' && l.outcome === 'ok'),
    )
    const rows: object[] = [
      {
        bench: 'points.redeem',
        members: members.length,
        concurrency,
        redemptions: latencies.length,
        ok,
        redemptionsPerSec: Math.round(latencies.length / seconds),
        p50Ms: round(percentile(latencies, 50)),
        p99Ms: round(percentile(latencies, 99)),
        dbRoundTripsPerRedemption: spread.avg,
        dbRoundTripsMax: spread.max,
        target: 'at most 5 round trips per redemption',
      },
    ]

    // one member, balance for 100, 200 at once
    const [hot] = members.splice(0, 1)
    const hotNo = (await call('member', { action: 'profile' }, { 'x-openid': hot! })).body.data
      .memberNo as string
    const balance = (await call('member', { action: 'profile' }, { 'x-openid': hot! })).body.data
      .points as number
    await admin({
      action: 'adjustPoints',
      memberNo: hotNo,
      points: 100 - balance + 100,
      reason: '压测',
    })
    await admin({ action: 'adjustPoints', memberNo: hotNo, points: -100, reason: '压测' })
    await settle()
    logs.length = 0
    const contendedStart = performance.now()
    const burst = await Promise.all(Array.from({ length: 200 }, () => redeem(hot!)))
    const contendedSeconds = (performance.now() - contendedStart) / 1000
    await settle()
    const mine = logs.filter((l) => l.fn === 'points' && l.action === 'redeem')
    rows.push({
      bench: 'points.redeem.contended',
      requests: burst.length,
      ok: burst.filter((r) => r.status === 200).length,
      refused: burst.filter((r) => r.status === 409).length,
      requestsPerSec: Math.round(burst.length / contendedSeconds),
      dbRoundTripsOk: tripStats(mine.filter((l) => l.outcome === 'ok')),
      dbRoundTripsRefused: tripStats(mine.filter((l) => l.outcome === 'CONFLICT')),
    })

    // the other paths, one call each
    logs.length = 0
    const shopper = members[0]!
    const { pickupCode } = (await redeem(shopper)).body.data as { pickupCode: string }
    const clerk = personas.personas.find((p) => p.role === 'clerk' && p.storeId === storeId)!.openid
    await call('points', { action: 'gifts' }, { 'x-openid': shopper })
    await call('points', { action: 'gift', giftId }, { 'x-openid': shopper })
    await call('points', { action: 'ledger' }, { 'x-openid': shopper })
    await call('points', { action: 'summary' }, { 'x-openid': shopper })
    await call('points', { action: 'myRedemptions' }, { 'x-openid': shopper })
    await call('staff', { action: 'verifyPickup', pickupCode }, { 'x-openid': clerk })
    await call('staff', { action: 'verifyPickup', pickupCode }, { 'x-openid': clerk })
    await settle()
    rows.push({
      bench: 'points.roundTrips',
      ...Object.fromEntries(
        logs.map((l) => [
          `${l.fn}.${l.action}${l.outcome === 'ok' ? '' : `.${l.outcome}`}`,
          l.dbRoundTrips,
        ]),
      ),
    })
    return rows
  } finally {
    await server.stop()
  }
}

if (require.main === module) {
  benchPoints()
    .then((rows) => rows.forEach((row) => process.stdout.write(`${JSON.stringify(row)}\n`)))
    .catch((err) => {
      process.stderr.write(`${(err as Error).stack}\n`)
      process.exit(1)
    })
}
