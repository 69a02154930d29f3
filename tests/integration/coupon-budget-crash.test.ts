/**
 * staff.giveCoupon killed between its writes (flows/coupon-budgets.ts): it takes a unit of the
 * store's budget with its pending give beside it, then issues the coupon (the member's slot, the
 * template's unit, the coupon), then settles the give. The crash is injected at the database edge
 * (tests/support/crash.ts): the write after the kill never arrives, and the invocation never goes
 * on until the test drops it. What it left is settled by the `repairCoupons` job, once, however
 * many runs race: the unit goes back when no coupon came of it, and stays given when the coupon
 * was issued (also when the job itself first finishes the half-done issuance).
 */
import { COLLECTIONS } from '../../shared/collections'
import type { CouponBudgetDoc, CouponDoc } from '../../shared/coupons/documents'
import { cutBefore, requestText } from '../support/crash'
import { startTestStack, type Personas, type TestStack } from '../support/local-stack'

let stack: TestStack
let demo: Personas
let storeA: string
let clerk: { openid: string; scene: string }
let phones = 0
/** Past the give repair's wait (GIVE_STALE_MS, 2 minutes). */
const AFTER_STALE_MS = 3 * 60_000

beforeAll(async () => {
  // The stalled invocations are answered when the test drops them, not at staff's own timeout.
  stack = await startTestStack({ seed: true, functionTimeoutsMs: { staff: 300_000 } })
  demo = await stack.personas()
  storeA = demo.codes.find((c) => c.kind === 'store')!.storeId
  const p = demo.personas.find((p) => p.role === 'clerk' && p.storeId === storeA)!
  const who = (await stack.call('staff', { action: 'me' }, { openid: p.openid })).body.data
  const code = demo.codes.find((c) => c.kind === 'clerk' && c.clerkId === who.clerkId)!
  clerk = { openid: p.openid, scene: code.scene }
}, 120_000)
afterAll(() => stack.stop())
afterEach(() => stack.setClockOffset(0))

async function bind(openid: string) {
  const res = await stack.call(
    'member',
    { action: 'bind', scene: clerk.scene, phone: `134${String(10_000_000 + ++phones).slice(-8)}` },
    { openid },
  )
  if (res.status !== 200) throw new Error(`bind ${openid}: ${JSON.stringify(res.body)}`)
  return res.body.data as { memberId: string; memberNo: string }
}

/** A template usable in stores, with a budget of 5 at store A. */
async function budgeted(name: string): Promise<string> {
  const res = await stack.admin({
    action: 'createCouponTemplate',
    name,
    kind: 'amountOff',
    valueFen: 1_000,
    minSpendFen: 10_000,
    channels: ['offline'],
    validDays: 30,
    perMemberLimit: 1,
  })
  if (res.status !== 200) throw new Error(JSON.stringify(res.body))
  const templateId = res.body.data.templateId as string
  const set = await stack.admin({
    action: 'setCouponBudget',
    storeId: storeA,
    templateId,
    budget: 5,
  })
  if (set.status !== 200) throw new Error(JSON.stringify(set.body))
  return templateId
}

async function doc<T>(coll: string, id: string): Promise<T | undefined> {
  return ((await stack.db.collection(coll).doc(id).get()) as { data: T[] }).data[0]
}
const budgetDoc = async (templateId: string) =>
  (await doc<CouponBudgetDoc>(COLLECTIONS.couponBudgets.name, `${storeA}:${templateId}`))!
async function couponsOf(memberId: string): Promise<CouponDoc[]> {
  return (
    (await stack.db.collection(COLLECTIONS.coupons.name).where({ memberId }).get()) as {
      data: CouponDoc[]
    }
  ).data
}

const give = (memberId: string, templateId: string, requestId: string) =>
  stack.call(
    'staff',
    { action: 'giveCoupon', memberId, templateId, requestId },
    { openid: clerk.openid },
  )

interface RepairRun {
  ok: boolean
  data: { finished: number; givesFinished: number; givesReturned: number }
}
const repair = async () => (await stack.runJob('repairCoupons')) as RepairRun
const total = (runs: RepairRun[], key: keyof RepairRun['data']) =>
  runs.reduce((n, r) => n + r.data[key], 0)

describe('killed after taking the budget unit, before issuing the coupon', () => {
  it('repairCoupons returns the unit once after the wait; the retried tap then gives once', async () => {
    const member = await bind('oGiveCrashBefore')
    const templateId = await budgeted('中断前的导购券')
    const cut = cutBefore(
      stack,
      (r) =>
        r.action === 'database.insertDocument' &&
        r.collectionName === COLLECTIONS.couponClaims.name &&
        requestText(r).includes(member.memberId),
    )
    const answer = give(member.memberId, templateId, 'crash-before-0001')
    await cut.seen
    // What the dead invocation left: one unit taken, its give pending, no coupon.
    const held = await budgetDoc(templateId)
    expect(held).toMatchObject({ budget: 5, given: 1, left: 4 })
    expect(held.pendingGives).toEqual([
      expect.objectContaining({ memberId: member.memberId, attempt: expect.any(String) }),
    ])
    expect(await couponsOf(member.memberId)).toEqual([])

    // Within the wait the invocation may still be running: nothing is touched.
    expect((await repair()).data).toMatchObject({ givesFinished: 0, givesReturned: 0 })
    expect(await budgetDoc(templateId)).toMatchObject({ given: 1, left: 4 })

    // After it, the unit goes back once, however many runs race.
    stack.setClockOffset(AFTER_STALE_MS)
    const runs = await Promise.all([repair(), repair(), repair()])
    expect(total(runs, 'givesReturned')).toBe(1)
    expect(total(runs, 'givesFinished')).toBe(0)
    expect(await budgetDoc(templateId)).toMatchObject({
      budget: 5,
      given: 0,
      left: 5,
      pendingGives: [],
    })
    expect((await repair()).data).toMatchObject({ givesFinished: 0, givesReturned: 0 })

    // The dead invocation's write fails; its own give-back finds nothing left to give back.
    cut.drop()
    expect((await answer).status).not.toBe(200)
    expect(await budgetDoc(templateId)).toMatchObject({ given: 0, left: 5 })

    // The clerk's retried tap gives the coupon, with one unit.
    stack.setClockOffset(0)
    const retried = await give(member.memberId, templateId, 'crash-before-0001')
    expect(retried.status).toBe(200)
    expect(retried.body.data.left).toBe(4)
    expect(await couponsOf(member.memberId)).toHaveLength(1)
    expect(await budgetDoc(templateId)).toMatchObject({ given: 1, left: 4, pendingGives: [] })
  })
})

describe('killed after the coupon was issued, before settling the give', () => {
  it('repairCoupons keeps the unit given once; the retried tap answers the same coupon', async () => {
    const member = await bind('oGiveCrashAfter')
    const templateId = await budgeted('中断后的导购券')
    const cut = cutBefore(
      stack,
      (r) =>
        r.collectionName === COLLECTIONS.couponBudgets.name && requestText(r).includes('$pull'),
    )
    const answer = give(member.memberId, templateId, 'crash-after-0001')
    await cut.seen
    const [coupon] = await couponsOf(member.memberId)
    expect(coupon).toMatchObject({ status: 'available', source: { kind: 'clerk' } })
    expect((await budgetDoc(templateId)).pendingGives).toHaveLength(1)

    stack.setClockOffset(AFTER_STALE_MS)
    const runs = await Promise.all([repair(), repair(), repair()])
    expect(total(runs, 'givesFinished')).toBe(1)
    expect(total(runs, 'givesReturned')).toBe(0)
    expect(await budgetDoc(templateId)).toMatchObject({ given: 1, left: 4, pendingGives: [] })

    cut.drop()
    await answer
    stack.setClockOffset(0)
    const retried = await give(member.memberId, templateId, 'crash-after-0001')
    expect(retried.status).toBe(200)
    expect(retried.body.data).toMatchObject({ coupon: { couponId: coupon!._id }, left: 4 })
    expect(await couponsOf(member.memberId)).toHaveLength(1)
    expect(await budgetDoc(templateId)).toMatchObject({ given: 1, left: 4, pendingGives: [] })
  })
})

describe('killed after the template unit, before the coupon was written', () => {
  it('one repairCoupons run finishes the issuance into the coupon, then keeps the give’s unit', async () => {
    const member = await bind('oGiveCrashMiddle')
    const templateId = await budgeted('中途中断的导购券')
    const cut = cutBefore(
      stack,
      (r) =>
        r.action === 'database.insertDocument' &&
        r.collectionName === COLLECTIONS.coupons.name &&
        requestText(r).includes(member.memberId),
    )
    const answer = give(member.memberId, templateId, 'crash-middle-0001')
    await cut.seen
    expect(await couponsOf(member.memberId)).toEqual([])

    stack.setClockOffset(AFTER_STALE_MS)
    const run = await repair()
    expect(run.data).toMatchObject({ finished: 1, givesFinished: 1, givesReturned: 0 })
    const coupons = await couponsOf(member.memberId)
    expect(coupons).toHaveLength(1)
    expect(await budgetDoc(templateId)).toMatchObject({ given: 1, left: 4, pendingGives: [] })
    expect((await repair()).data).toMatchObject({ finished: 0, givesFinished: 0, givesReturned: 0 })

    // The dead invocation's coupon write fails; its give-back finds the give settled already.
    cut.drop()
    await answer
    expect(await budgetDoc(templateId)).toMatchObject({ given: 1, left: 4 })
    expect(await couponsOf(member.memberId)).toHaveLength(1)
  })
})
