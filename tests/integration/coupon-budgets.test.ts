/**
 * Clerks' store budgets (issue #19): HQ sets per store how many coupons of a template its clerks
 * may give; a clerk gives one to one of their own members only (by member code or from their
 * list), never past the budget under 30 concurrent gives, never past a member's limit; a retried
 * tap gives once; HQ sees what was given.
 */
import { COLLECTIONS } from '../../shared/collections'
import type { CouponDoc } from '../../shared/coupons/documents'
import { startTestStack, type Personas, type TestStack } from '../support/local-stack'

let stack: TestStack
let demo: Personas
let storeA: string
let storeB: string
let clerkA: { openid: string; clerkId: string; scene: string }
let phones = 0

beforeAll(async () => {
  stack = await startTestStack({ seed: true })
  demo = await stack.personas()
  const stores = demo.codes.filter((c) => c.kind === 'store')
  storeA = stores[0]!.storeId
  storeB = stores.find((s) => s.storeId !== storeA)!.storeId
  // A (non-manager) clerk persona of store A, with their own code.
  const p = demo.personas.find((p) => p.role === 'clerk' && p.storeId === storeA)!
  const who = (await stack.call('staff', { action: 'me' }, { openid: p.openid })).body.data
  const code = demo.codes.find((c) => c.kind === 'clerk' && c.clerkId === who.clerkId)!
  clerkA = { openid: p.openid, clerkId: who.clerkId, scene: code.scene }
  expect(clerkA).toBeDefined()
}, 120_000)
afterAll(() => stack.stop())

async function bind(openid: string, scene: string) {
  const res = await stack.call(
    'member',
    { action: 'bind', scene, phone: `135${String(10_000_000 + ++phones).slice(-8)}` },
    { openid },
  )
  if (res.status !== 200) throw new Error(`bind ${openid}: ${JSON.stringify(res.body)}`)
  return res.body.data as { memberId: string; memberNo: string; clerkId: string }
}

async function template(body: Record<string, unknown> = {}): Promise<string> {
  const res = await stack.admin({
    action: 'createCouponTemplate',
    name: '导购券满100减10',
    kind: 'amountOff',
    valueFen: 1_000,
    minSpendFen: 10_000,
    channels: ['offline'],
    validDays: 30,
    perMemberLimit: 1,
    ...body,
  })
  if (res.status !== 200) throw new Error(JSON.stringify(res.body))
  return res.body.data.templateId
}

const give = (openid: string, body: Record<string, unknown>) =>
  stack.call('staff', { action: 'giveCoupon', ...body }, { openid })

it('HQ sets a budget; a clerk gives to their own member (code or list), once per tap; others and over-limit refused with the reason', async () => {
  const templateId = await template()
  const online = await template({ name: '线上券', channels: ['online'] })
  const refused = await stack.admin({
    action: 'setCouponBudget',
    storeId: storeA,
    templateId: online,
    budget: 5,
  })
  expect(refused.status).toBe(400)
  expect(refused.body.error).toMatchObject({
    field: 'templateId',
    message: '仅限线上使用的券不能由店员发放',
  })
  const set = await stack.admin({
    action: 'setCouponBudget',
    storeId: storeA,
    templateId,
    budget: 3,
  })
  expect(set.body.data).toMatchObject({ budget: 3, given: 0, left: 3 })

  const mine = await bind('oBudgetMine', clerkA.scene)
  expect(mine.clerkId).toBe(clerkA.clerkId)
  const storeBCode = demo.codes.find((c) => c.kind === 'store' && c.storeId === storeB)!
  const other = await bind('oBudgetOther', storeBCode.scene)

  const budgets = await stack.call('staff', { action: 'couponBudgets' }, { openid: clerkA.openid })
  expect(budgets.body.data.items).toEqual([
    expect.objectContaining({ templateId, templateName: '导购券满100减10', left: 3 }),
  ])

  const code = (await stack.call('member', { action: 'memberCode' }, { openid: 'oBudgetMine' }))
    .body.data.code
  const first = await give(clerkA.openid, {
    memberCode: code,
    templateId,
    requestId: 'give-0001-abc',
  })
  expect(first.status).toBe(200)
  expect(first.body.data).toMatchObject({
    memberNo: mine.memberNo,
    left: 2,
    coupon: { source: '导购赠送', statusLabel: '可使用' },
  })
  // The same tap again: the same coupon, the budget unchanged.
  const retry = await give(clerkA.openid, {
    memberId: mine.memberId,
    templateId,
    requestId: 'give-0001-abc',
  })
  expect(retry.status).toBe(200)
  expect(retry.body.data.coupon.couponId).toBe(first.body.data.coupon.couponId)
  expect(retry.body.data.left).toBe(2)
  // A second tap: the member's limit of 1 refuses it, and the unit goes back.
  const again = await give(clerkA.openid, {
    memberId: mine.memberId,
    templateId,
    requestId: 'give-0002-abc',
  })
  expect(again.status).toBe(409)
  expect(again.body.error.message).toBe('每人限领 1 张，已领完')

  const notMine = await give(clerkA.openid, {
    memberId: other.memberId,
    templateId,
    requestId: 'give-0003-abc',
  })
  expect(notMine.status).toBe(403)
  expect(notMine.body.error.message).toBe('只能给自己的会员发券')

  const hq = await stack.admin({ action: 'couponBudgets', storeId: storeA })
  expect(hq.body.data.items).toEqual([
    expect.objectContaining({ templateId, budget: 3, given: 1, left: 2 }),
  ])
  // Never below what was given.
  const lower = await stack.admin({
    action: 'setCouponBudget',
    storeId: storeA,
    templateId,
    budget: 0,
  })
  expect(lower.status).toBe(400)
  expect(lower.body.error).toMatchObject({
    field: 'budget',
    message: '门店额度不能少于已发放的 1 张',
  })
  const used = await stack.admin({
    action: 'setCouponBudget',
    storeId: storeA,
    templateId,
    budget: 1,
  })
  expect(used.body.data).toMatchObject({ budget: 1, given: 1, left: 0 })
  const none = await give(clerkA.openid, {
    memberId: mine.memberId,
    templateId,
    requestId: 'give-0004-abc',
  })
  expect(none.status).toBe(409)
  expect(none.body.error.message).toBe('本店这张券的额度已用完')
})

it('30 concurrent gives against a budget of 10: exactly 10 coupons, the budget never exceeded', async () => {
  const templateId = await template({ name: '限额券', perMemberLimit: 5 })
  await stack.admin({ action: 'setCouponBudget', storeId: storeA, templateId, budget: 10 })
  const members: { memberId: string }[] = []
  for (let i = 0; i < 10; i++) members.push(await bind(`oBudgetRace${i}`, clerkA.scene))
  const answers = await Promise.all(
    Array.from({ length: 30 }, (_, k) =>
      give(clerkA.openid, {
        memberId: members[k % 10]!.memberId,
        templateId,
        requestId: `race-${k}-abcdef`,
      }),
    ),
  )
  expect(answers.filter((a) => a.status === 200)).toHaveLength(10)
  for (const a of answers.filter((a) => a.status !== 200))
    expect(a.body.error.message).toBe('本店这张券的额度已用完')
  const coupons = (
    (await stack.db
      .collection(COLLECTIONS.coupons.name)
      .where({ templateId })
      .limit(100)
      .get()) as { data: CouponDoc[] }
  ).data
  expect(coupons).toHaveLength(10)
  const hq = await stack.admin({ action: 'couponBudgets', templateId })
  expect(hq.body.data.items[0]).toMatchObject({ budget: 10, given: 10, left: 0 })
}, 120_000)
