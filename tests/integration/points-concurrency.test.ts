/**
 * The races peers got wrong, through the local stack: one member redeeming far more often than
 * their balance allows, many members racing for a few units, and spends racing with credits
 * (purchases, HQ adjustments) on one account. Nothing may go negative, nothing may double, and
 * every ledger must still add up.
 */
import { systemClock } from '../../shared/platform/ports/clock'
import { creditPurchasePoints } from '../../shared/points/points-account-service'
import { expectLedgerConsistent } from '../support/points'
import { startTestStack, type Personas, type TestStack } from '../support/local-stack'

let stack: TestStack
let demo: Personas
let storeA: string
let storeB: string
const phone = (i: number) => `136${String(10_000_000 + i).slice(-8)}`

async function bindMany(
  prefix: string,
  count: number,
  from: number,
): Promise<{ openid: string; memberId: string; memberNo: string }[]> {
  const codes = demo.codes
  const out: { openid: string; memberId: string; memberNo: string }[] = []
  for (let i = 0; i < count; i += 20) {
    const chunk = await Promise.all(
      Array.from({ length: Math.min(20, count - i) }, async (_, j) => {
        const n = i + j
        const openid = `${prefix}${n}`
        const res = await stack.call(
          'member',
          { action: 'bind', scene: codes[n % codes.length]!.scene, phone: phone(from + n) },
          { openid },
        )
        if (res.status !== 200) throw new Error(`bind ${openid}: ${JSON.stringify(res.body)}`)
        return {
          openid,
          memberId: res.body.data.memberId as string,
          memberNo: res.body.data.memberNo as string,
        }
      }),
    )
    out.push(...chunk)
  }
  return out
}

async function createGift(
  name: string,
  pointsPrice: number,
  stock: { storeId: string | null; available: number }[],
): Promise<string> {
  const res = await stack.admin({ action: 'createGift', name, pointsPrice, stock })
  if (res.status !== 200) throw new Error(JSON.stringify(res.body))
  return res.body.data.giftId
}

const stockOf = async (giftId: string, storeId: string) =>
  ((await stack.db.collection('giftStock').doc(`${giftId}_${storeId}`).get()) as { data: any[] })
    .data[0]?.available as number

beforeAll(async () => {
  stack = await startTestStack({ seed: true })
  demo = await stack.personas()
  const stores = demo.codes.filter((c) => c.kind === 'store')
  storeA = stores[0]!.storeId
  storeB = stores[1]!.storeId
})
afterAll(() => stack.stop())

it('100 concurrent redemptions by one member whose balance covers 10: exactly 10 succeed', async () => {
  const giftId = await createGift('并发测试 A', 50, [{ storeId: storeA, available: 150 }])
  const [member] = await bindMany('oOneMember', 1, 0)
  await stack.admin({
    action: 'adjustPoints',
    memberNo: member!.memberNo,
    points: 400,
    reason: '并发测试充值',
  })

  const results = await Promise.all(
    Array.from({ length: 100 }, () =>
      stack.call(
        'points',
        { action: 'redeem', giftId, fulfilment: 'pickup', storeId: storeA },
        { openid: member!.openid },
      ),
    ),
  )
  const ok = results.filter((r) => r.status === 200)
  expect(ok).toHaveLength(10)
  const refused = results.filter((r) => r.status === 409)
  expect(refused).toHaveLength(90)
  for (const r of refused) expect(r.body.error.message).toContain('积分不足')
  expect(new Set(ok.map((r) => r.body.data.pickupCode)).size).toBe(10)
  expect(ok.map((r) => r.body.data.balance).sort((a, b) => a - b)).toEqual([
    0, 50, 100, 150, 200, 250, 300, 350, 400, 450,
  ])

  // the refused ones gave their unit back; the redemptions and the ledger agree
  expect(await stockOf(giftId, storeA)).toBe(140)
  const redemptions = (await stack.db
    .collection('redemptions')
    .where({ memberId: member!.memberId })
    .get()) as { data: any[] }
  expect(redemptions.data).toHaveLength(10)
  const { member: after, entries } = await expectLedgerConsistent(stack.db, member!.memberId)
  expect(after.points).toBe(0)
  expect(entries.filter((e: any) => e.kind === 'spend')).toHaveLength(10)
}, 60_000)

it('100 members racing for a gift with 7 in stock: exactly 7 get it', async () => {
  const giftId = await createGift('并发测试 B', 60, [{ storeId: storeB, available: 7 }])
  const racers = await bindMany('oRacer', 100, 100)
  const results = await Promise.all(
    racers.map((m) =>
      stack.call(
        'points',
        { action: 'redeem', giftId, fulfilment: 'pickup', storeId: storeB },
        { openid: m.openid },
      ),
    ),
  )
  expect(results.filter((r) => r.status === 200)).toHaveLength(7)
  const refused = results.filter((r) => r.status === 409)
  expect(refused).toHaveLength(93)
  for (const r of refused) expect(r.body.error.message).toContain('库存不足')
  expect(await stockOf(giftId, storeB)).toBe(0)

  const winners = new Set(
    racers.filter((_, i) => results[i]!.status === 200).map((m) => m.memberId),
  )
  for (const racer of racers) {
    const { member } = await expectLedgerConsistent(stack.db, racer.memberId)
    expect(member.points).toBe(winners.has(racer.memberId) ? 40 : 100)
  }
  const redemptions = (await stack.db.collection('redemptions').where({ giftId }).get()) as {
    data: any[]
  }
  expect(redemptions.data).toHaveLength(7)
}, 60_000)

it('spends racing with purchases and HQ adjustments on one account: every change lands once, the ledger adds up', async () => {
  const giftId = await createGift('并发测试 C', 30, [{ storeId: storeA, available: 100 }])
  const [member] = await bindMany('oMixed', 1, 300)
  const ctx = { clock: systemClock }
  const purchases = Array.from({ length: 10 }, (_, i) => ({
    orderId: `mixed-order-${i}`,
    paidFen: 5_000 + i * 100,
  }))
  const work = [
    ...Array.from({ length: 20 }, () =>
      stack.call(
        'points',
        { action: 'redeem', giftId, fulfilment: 'pickup', storeId: storeA },
        { openid: member!.openid },
      ),
    ),
    // each purchase credited twice at once: the second is a retry and must change nothing
    ...purchases.flatMap((p) =>
      [0, 1].map(() =>
        creditPurchasePoints(ctx, { memberId: member!.memberId, ...p, at: systemClock.now() }),
      ),
    ),
    ...Array.from({ length: 5 }, (_, i) =>
      stack.admin({
        action: 'adjustPoints',
        memberNo: member!.memberNo,
        points: 10,
        reason: `并发调整 ${i}`,
      }),
    ),
  ]
  const results = await Promise.all(work)
  const redeemed = results.slice(0, 20).filter((r: any) => r.status === 200).length
  const credited = results.slice(20, 40) as { applied: boolean; points: number }[]
  expect(credited.filter((c) => c.applied)).toHaveLength(10)
  const earned = purchases.reduce((sum, p) => sum + Math.floor(p.paidFen / 100), 0)
  const { member: after, entries } = await expectLedgerConsistent(stack.db, member!.memberId)
  expect(entries.filter((e: any) => e.kind === 'earn')).toHaveLength(10)
  expect(after.points).toBe(100 + earned + 50 - 30 * redeemed)
  expect(await stockOf(giftId, storeA)).toBe(100 - redeemed)
}, 60_000)
