/**
 * What the shop will call when an order is paid or refunded (creditPurchasePoints,
 * reversePurchasePoints), tiers over the trailing year, and expiry with the clock moved, all
 * against the local stack's database through the real SDK. Ends with a property: random
 * sequences of purchases, refunds, spends, adjustments and time passing (with retries mixed in)
 * always leave a ledger that adds up.
 */
import fc from 'fast-check'
import { systemClock } from '../../shared/platform/ports/clock'
import { SHANGHAI_OFFSET_MS } from '../../shared/platform/calendar'
import { shanghaiYear } from '../../shared/points/rules/points'
import {
  adjustMemberPoints,
  creditPurchasePoints,
  reversePurchasePoints,
} from '../../shared/points/points-account-service'
import { expectLedgerConsistent } from '../support/points'
import { startTestStack, type Personas, type TestStack } from '../support/local-stack'

let stack: TestStack
let demo: Personas
let storeA: string
let giftId: string
let phones = 0
const ctx = { clock: systemClock }
const DAY = 86_400_000

async function bind(openid: string) {
  const res = await stack.call(
    'member',
    {
      action: 'bind',
      scene: demo.codes[0]!.scene,
      phone: `135${String(10_000_000 + ++phones).slice(-8)}`,
    },
    { openid },
  )
  if (res.status !== 200) throw new Error(JSON.stringify(res.body))
  return res.body.data as { memberId: string; memberNo: string }
}
/** The member's stored trailing spend (what campaign segments read). */
const trailingSpendOf = async (memberId: string) =>
  (
    (await stack.db.collection('members').doc(memberId).get()) as {
      data: { trailingSpendFen?: number }[]
    }
  ).data[0]?.trailingSpendFen
const summary = async (openid: string) =>
  (await stack.call('points', { action: 'summary' }, { openid })).body.data
const redeem = (openid: string) =>
  stack.call(
    'points',
    { action: 'redeem', giftId, fulfilment: 'pickup', storeId: storeA },
    { openid },
  )
const timer = (name: string) => stack.runJob(name) as Promise<any>
/** Milliseconds from now to a Shanghai calendar date. */
const until = (year: number, month: number, day: number) =>
  Date.UTC(year, month - 1, day) - SHANGHAI_OFFSET_MS - Date.now()

beforeAll(async () => {
  stack = await startTestStack({ seed: true })
  demo = await stack.personas()
  storeA = demo.codes.find((c) => c.kind === 'store')!.storeId
  const gift = await stack.admin({
    action: 'createGift',
    name: '测试小礼',
    pointsPrice: 20,
    stock: [{ storeId: storeA, available: 100_000 }],
  })
  giftId = gift.body.data.giftId
})
afterEach(() => stack.setClockOffset(0))
afterAll(() => stack.stop())

describe('purchases, refunds and tiers', () => {
  it('earns 1 point per whole yuan at the tier held when paying, and moves up a tier at 1,000 yuan', async () => {
    const m = await bind('oShopper')
    const first = await creditPurchasePoints(ctx, {
      memberId: m.memberId,
      orderId: 'o-600',
      paidFen: 60_099,
      at: systemClock.now(),
    })
    expect(first).toEqual({ applied: true, points: 600, tier: 'standard', balance: 700 })
    let card = await summary('oShopper')
    expect(card).toMatchObject({
      points: 700,
      tier: 'standard',
      tierName: '普通会员',
      paid365Fen: 60_099,
      progress: 0.601,
    })
    expect(card.nextTier).toEqual({
      tier: 'silver',
      tierName: '银卡会员',
      thresholdFen: 100_000,
      remainingFen: 39_901,
    })

    const second = await creditPurchasePoints(ctx, {
      memberId: m.memberId,
      orderId: 'o-500',
      paidFen: 50_000,
      at: systemClock.now(),
    })
    expect(second).toMatchObject({ points: 500, tier: 'silver' })
    const third = await creditPurchasePoints(ctx, {
      memberId: m.memberId,
      orderId: 'o-100',
      paidFen: 10_000,
      at: systemClock.now(),
    })
    expect(third).toMatchObject({ points: 120, tier: 'silver' })
    card = await summary('oShopper')
    expect(card).toMatchObject({ tier: 'silver', multiplier: 1.2, points: 1320 })
    expect(await trailingSpendOf(m.memberId)).toBe(120_099)
    expect(card.nextTier).toMatchObject({ tier: 'gold', remainingFen: 500_000 - 120_099 })

    // a retried payment notification credits nothing more
    expect(
      await creditPurchasePoints(ctx, {
        memberId: m.memberId,
        orderId: 'o-500',
        paidFen: 50_000,
        at: systemClock.now(),
      }),
    ).toMatchObject({ applied: false, points: 500, balance: 1320 })
    const history = (await stack.call('points', { action: 'ledger' }, { openid: 'oShopper' })).body
      .data
    expect(history.groups[0].items[0]).toMatchObject({
      kind: 'earn',
      points: 120,
      title: '消费 ¥100.00',
      source: { type: 'order', orderId: 'o-100' },
    })
    await expectLedgerConsistent(stack.db, m.memberId)
  })

  it('a refund takes back the order’s points in proportion and drops the tier; partial refunds add up exactly', async () => {
    const m = await bind('oRefunder')
    await creditPurchasePoints(ctx, {
      memberId: m.memberId,
      orderId: 'r-1000',
      paidFen: 100_000,
      at: systemClock.now(),
    })
    expect((await summary('oRefunder')).tier).toBe('silver')
    const thirds = [33_333, 33_333, 33_334]
    const taken: number[] = []
    for (const [i, refundFen] of thirds.entries()) {
      const res = await reversePurchasePoints(ctx, {
        orderId: 'r-1000',
        refundId: `rf-${i}`,
        refundFen,
      })
      taken.push(res.points)
      if (i === 0) expect(res.tier).toBe('standard')
    }
    expect(taken.reduce((a, b) => a + b, 0)).toBe(1000)
    expect(taken).toEqual([333, 333, 334])
    expect(await trailingSpendOf(m.memberId)).toBe(0) // written with the tier by each refund
    // a retried refund changes nothing; refunding more than was paid is refused
    expect(
      await reversePurchasePoints(ctx, { orderId: 'r-1000', refundId: 'rf-0', refundFen: 33_333 }),
    ).toMatchObject({ applied: false, points: 333 })
    await expect(
      reversePurchasePoints(ctx, { orderId: 'r-1000', refundId: 'rf-9', refundFen: 1 }),
    ).rejects.toMatchObject({ code: 'INVALID_INPUT' })
    await expect(
      reversePurchasePoints(ctx, { orderId: 'never-paid', refundId: 'x', refundFen: 1 }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' })
    const card = await summary('oRefunder')
    expect(card).toMatchObject({ points: 100, tier: 'standard', paid365Fen: 0 })
    await expectLedgerConsistent(stack.db, m.memberId)
  })

  it('never takes the balance below zero: what is missing is recorded as a shortfall', async () => {
    const m = await bind('oSpender')
    await creditPurchasePoints(ctx, {
      memberId: m.memberId,
      orderId: 's-100',
      paidFen: 10_000,
      at: systemClock.now(),
    })
    for (let i = 0; i < 9; i++) expect((await redeem('oSpender')).status).toBe(200)
    expect((await summary('oSpender')).points).toBe(20)
    const res = await reversePurchasePoints(ctx, {
      orderId: 's-100',
      refundId: 'all',
      refundFen: 10_000,
    })
    expect(res).toMatchObject({ applied: true, points: 20, shortfall: 80, balance: 0 })
    const history = (await stack.call('points', { action: 'ledger' }, { openid: 'oSpender' })).body
      .data
    expect(history.groups[0].items[0]).toMatchObject({
      kind: 'refund',
      points: -20,
      shortfall: 80,
      title: '退款扣回（退款 ¥100.00）',
    })
    await expectLedgerConsistent(stack.db, m.memberId)
  })

  it('purchases leave the tier window after 365 days', async () => {
    await bind('oLapsed')
    const m = await stack.call('member', { action: 'profile' }, { openid: 'oLapsed' })
    await creditPurchasePoints(ctx, {
      memberId: m.body.data.memberId,
      orderId: 'l-6000',
      paidFen: 600_000,
      at: systemClock.now(),
    })
    expect((await summary('oLapsed')).tier).toBe('gold')
    expect((await summary('oLapsed')).nextTier).toBeNull()
    expect(await trailingSpendOf(m.body.data.memberId)).toBe(600_000)
    stack.setClockOffset(366 * DAY)
    const card = await summary('oLapsed')
    expect(card).toMatchObject({ tier: 'standard', paid365Fen: 0 })
    expect(await trailingSpendOf(m.body.data.memberId)).toBe(0) // the view found it stale and wrote it with the tier
    expect(
      (await stack.call('member', { action: 'profile' }, { openid: 'oLapsed' })).body.data.tier,
    ).toBe('standard')
  })
})

describe('the lists the pages scroll', () => {
  it('points history pages by cursor, newest first, grouped by month, each entry once', async () => {
    const m = await bind('oHistory')
    const now = systemClock.now().getTime()
    for (let k = 1; k <= 5; k++) {
      await creditPurchasePoints(ctx, {
        memberId: m.memberId,
        orderId: `h-${k}`,
        paidFen: k * 1_000,
        at: new Date(now - k * 20 * DAY),
      })
    }
    const seen: any[] = []
    let cursor: string | undefined
    let pages = 0
    do {
      const res = await stack.call(
        'points',
        { action: 'ledger', limit: 2, ...(cursor ? { cursor } : {}) },
        { openid: 'oHistory' },
      )
      expect(res.status).toBe(200)
      pages++
      for (const group of res.body.data.groups) {
        for (const item of group.items) {
          const local = new Date(new Date(item.at).getTime() + SHANGHAI_OFFSET_MS)
            .toISOString()
            .slice(0, 7)
          expect(group.month).toBe(local)
          seen.push(item)
        }
      }
      if (pages > 1) expect(res.body.data.nextExpiry).toBeNull()
      cursor = res.body.data.nextCursor ?? undefined
    } while (cursor)
    expect(pages).toBe(3)
    expect(seen.map((i) => i.points)).toEqual([100, 10, 20, 30, 40, 50])
    expect(new Set(seen.map((i) => i.entryId)).size).toBe(6)
    expect(
      (
        await stack.call(
          'points',
          { action: 'ledger', cursor: 'not-a-cursor' },
          { openid: 'oHistory' },
        )
      ).body.error.field,
    ).toBe('cursor')
  })

  it('my redemptions page by cursor and filter by status', async () => {
    await bind('oCollector')
    const made = []
    for (let i = 0; i < 3; i++) made.push((await redeem('oCollector')).body.data)
    const clerk = demo.personas.find((p) => p.role === 'clerk' && p.storeId === storeA)!
    await stack.call(
      'staff',
      { action: 'verifyPickup', pickupCode: made[0].pickupCode },
      { openid: clerk.openid },
    )
    const first = (
      await stack.call('points', { action: 'myRedemptions', limit: 2 }, { openid: 'oCollector' })
    ).body.data
    expect(first.items.map((r: any) => r.redemptionId)).toEqual([
      made[2].redemptionId,
      made[1].redemptionId,
    ])
    const second = (
      await stack.call(
        'points',
        { action: 'myRedemptions', limit: 2, cursor: first.nextCursor },
        { openid: 'oCollector' },
      )
    ).body.data
    expect(second).toMatchObject({
      items: [{ redemptionId: made[0].redemptionId, status: 'collected' }],
      nextCursor: null,
    })
    const waiting = (
      await stack.call(
        'points',
        { action: 'myRedemptions', status: 'awaitingPickup' },
        { openid: 'oCollector' },
      )
    ).body.data
    expect(waiting.items).toHaveLength(2)
  })
})

describe('expiry, with the clock moved', () => {
  it('expires the oldest points left at the year’s end; spending uses the oldest first; the timer is idempotent', async () => {
    const year = shanghaiYear(new Date())
    const timerMember = await bind('oExpiresByTimer')
    const inlineMember = await bind('oExpiresInline')
    for (const openid of ['oExpiresByTimer', 'oExpiresInline'])
      expect((await redeem(openid)).status).toBe(200) // 80 of the welcome 100 left

    stack.setClockOffset(until(year + 1, 3, 1))
    for (const m of [timerMember, inlineMember]) {
      await creditPurchasePoints(ctx, {
        memberId: m.memberId,
        orderId: `e-${m.memberId}`,
        paidFen: 20_000,
        at: systemClock.now(),
      })
    }
    // spending takes the oldest points first: the welcome bonus goes down, the new batch is whole
    expect((await redeem('oExpiresByTimer')).status).toBe(200)
    let history = (await stack.call('points', { action: 'ledger' }, { openid: 'oExpiresByTimer' }))
      .body.data
    expect(history.nextExpiry).toEqual({
      points: 60,
      expiresAt: new Date(Date.UTC(year + 2, 0, 1) - SHANGHAI_OFFSET_MS).toISOString(),
      lastDay: `${year + 1}-12-31`,
    })
    const items = history.groups.flatMap((g: any) => g.items)
    expect(items.find((i: any) => i.kind === 'earn')).toMatchObject({ points: 200, remaining: 200 })
    expect(items.find((i: any) => i.kind === 'welcome')).toMatchObject({ remaining: 60 })

    stack.setClockOffset(until(year + 2, 1, 1) + 60_000)
    const run = await timer('expirePoints')
    expect(run).toMatchObject({ ok: true, data: { members: expect.any(Number), more: false } })
    expect(run.data.expiredPoints).toBeGreaterThanOrEqual(60)
    const again = await timer('expirePoints')
    expect(again.data).toEqual({ members: 0, expiredPoints: 0, more: false })

    history = (await stack.call('points', { action: 'ledger' }, { openid: 'oExpiresByTimer' })).body
      .data
    expect(history.balance).toBe(200)
    expect(history.groups[0].items[0]).toMatchObject({
      kind: 'expire',
      points: -60,
      title: '积分过期',
    })
    expect(history.nextExpiry).toMatchObject({ points: 200, lastDay: `${year + 2}-12-31` })
    await expectLedgerConsistent(stack.db, timerMember.memberId, systemClock.now())
    await expectLedgerConsistent(stack.db, inlineMember.memberId, systemClock.now())
  })

  it('a spend after the expiry date expires due points first, even before the timer runs', async () => {
    const year = shanghaiYear(new Date())
    const m = await bind('oLateSpender')
    stack.setClockOffset(until(year + 1, 6, 1))
    await creditPurchasePoints(ctx, {
      memberId: m.memberId,
      orderId: `late-${m.memberId}`,
      paidFen: 3_000,
      at: systemClock.now(),
    })
    stack.setClockOffset(until(year + 2, 1, 1) + 1000)
    // 100 welcome points have expired; only the 30 earned last year remain
    const res = await redeem('oLateSpender')
    expect(res.status).toBe(200)
    expect(res.body.data.balance).toBe(10)
    const { entries } = await expectLedgerConsistent(stack.db, m.memberId, systemClock.now())
    expect(entries.find((e: any) => e.kind === 'expire')).toMatchObject({ points: -100 })
    const refused = await redeem('oLateSpender')
    expect(refused.status).toBe(409)
    expect(refused.body.error.message).toContain('当前有 10 积分')
  })

  it('a timer run that stopped half way is resumed by the next ones, even two at once', async () => {
    const year = shanghaiYear(new Date())
    const members = await Promise.all(Array.from({ length: 8 }, (_, i) => bind(`oBatch${i}`)))
    stack.setClockOffset(until(year + 2, 1, 1) + 1000)
    const { expireDuePoints } = await import('../../shared/points/points-account-service')
    const first = await expireDuePoints(ctx, { batch: 2, budgetMs: 0 })
    expect(first).toMatchObject({ members: 2, more: true })
    const [a, b] = await Promise.all([timer('expirePoints'), timer('expirePoints')])
    expect(a.ok && b.ok).toBe(true)
    expect((await timer('expirePoints')).data).toEqual({
      members: 0,
      expiredPoints: 0,
      more: false,
    })
    for (const m of members) {
      const { member, entries } = await expectLedgerConsistent(
        stack.db,
        m.memberId,
        systemClock.now(),
      )
      expect(member.points).toBe(0)
      expect(entries.filter((e: any) => e.kind === 'expire')).toEqual([
        expect.objectContaining({ points: -100 }),
      ])
    }
  })
})

describe('property: random sequences of purchases, refunds, spends, adjustments and time', () => {
  type Op =
    | { kind: 'earn'; order: number; yuan: number }
    | { kind: 'refund'; order: number; refund: number; share: number }
    | { kind: 'spend' }
    | { kind: 'adjust'; key: number; points: number }
    | { kind: 'time'; days: number; runTimer: boolean }

  const op: fc.Arbitrary<Op> = fc.oneof(
    fc.record({
      kind: fc.constant('earn' as const),
      order: fc.nat(3),
      yuan: fc.integer({ min: 0, max: 400 }),
    }),
    fc.record({
      kind: fc.constant('refund' as const),
      order: fc.nat(3),
      refund: fc.nat(2),
      share: fc.double({ min: 0.05, max: 1, noNaN: true }),
    }),
    fc.constant({ kind: 'spend' as const }),
    fc.record({
      kind: fc.constant('adjust' as const),
      key: fc.nat(3),
      points: fc.integer({ min: -60, max: 60 }).filter((n) => n !== 0),
    }),
    fc.record({
      kind: fc.constant('time' as const),
      days: fc.integer({ min: 1, max: 500 }),
      runTimer: fc.boolean(),
    }),
  )

  it('keeps balance = sum of the ledger = what unexpired credits have left, never negative, each key once', async () => {
    let run = 0
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 4, maxLength: 14 }), async (ops) => {
        stack.setClockOffset(0)
        run++
        const openid = `oProp${run}_${Date.now()}`
        const m = await bind(openid)
        let offset = 0
        const paid = new Map<number, number>()
        const refunded = new Map<number, number>()
        for (const step of ops) {
          if (step.kind === 'earn') {
            const before = paid.get(step.order)
            const res = await creditPurchasePoints(ctx, {
              memberId: m.memberId,
              orderId: `${openid}-o${step.order}`,
              paidFen: step.yuan * 100 + 37,
              at: systemClock.now(),
            })
            expect(res.applied).toBe(before === undefined)
            if (before === undefined) paid.set(step.order, step.yuan * 100 + 37)
          } else if (step.kind === 'refund') {
            const orderPaid = paid.get(step.order)
            if (orderPaid === undefined) continue
            const left = orderPaid - (refunded.get(step.order) ?? 0)
            const refundFen = Math.min(left, Math.max(1, Math.floor(orderPaid * step.share)))
            if (refundFen <= 0) continue
            const res = await reversePurchasePoints(ctx, {
              orderId: `${openid}-o${step.order}`,
              refundId: `r${step.refund}`,
              refundFen,
            }).catch((err) => err)
            if (res.applied) refunded.set(step.order, (refunded.get(step.order) ?? 0) + refundFen)
          } else if (step.kind === 'spend') {
            const res = await redeem(openid)
            expect([200, 409]).toContain(res.status)
          } else if (step.kind === 'adjust') {
            await adjustMemberPoints(ctx, {
              memberId: m.memberId,
              points: step.points,
              reason: 'property',
              by: 'test',
              requestKey: `${openid}-a${step.key}`,
            }).catch((err) => {
              if (err.code !== 'CONFLICT') throw err
            })
          } else {
            offset += step.days * DAY
            stack.setClockOffset(offset)
            if (step.runTimer) expect((await timer('expirePoints')).ok).toBe(true)
          }
          const { entries } = await expectLedgerConsistent(stack.db, m.memberId, systemClock.now())
          // every idempotency key once: one earn per paid order, one entry per applied refund
          expect(entries.filter((e: any) => e.kind === 'earn')).toHaveLength(paid.size)
        }
      }),
      { numRuns: 25 },
    )
  }, 60_000)
})
