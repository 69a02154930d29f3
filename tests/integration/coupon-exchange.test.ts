/**
 * Points for a coupon (issue #19): a coupon gift in the points mall gives one coupon of HQ's
 * template for its points price. Through the local stack: HQ creates the gift naming the
 * template, the mall shows it, an exchange takes the points and gives the coupon once (a retried
 * request answers the same exchange), 50 racing exchanges for a template with 10 left give
 * exactly 10 coupons and take points exactly 10 times, refusals take nothing, and an exchange
 * whose invocation died is finished (points taken) or undone (not taken) by repairCoupons.
 */
import { COLLECTIONS } from '../../shared/collections'
import type { CouponDoc, CouponTemplateDoc } from '../../shared/coupons/documents'
import type { RedemptionDoc } from '../../shared/gifts/documents'
import type { MemberDoc } from '../../shared/membership/documents'
import type { PointsLedgerDoc } from '../../shared/points/documents'
import { startTestStack, type Personas, type TestStack } from '../support/local-stack'

let stack: TestStack
let demo: Personas
let phones = 0

beforeAll(async () => {
  stack = await startTestStack({ seed: true })
  demo = await stack.personas()
}, 120_000)
afterAll(() => stack.stop())

async function bind(openid: string, n = 0) {
  const codes = demo.codes.filter((c) => c.storeId === demo.codes[0]!.storeId)
  const res = await stack.call(
    'member',
    {
      action: 'bind',
      scene: codes[n % codes.length]!.scene,
      phone: `136${String(10_000_000 + ++phones).slice(-8)}`,
    },
    { openid },
  )
  if (res.status !== 200) throw new Error(`bind ${openid}: ${JSON.stringify(res.body)}`)
  return res.body.data as { memberId: string; memberNo: string; points: number }
}

async function template(body: Record<string, unknown> = {}): Promise<string> {
  const res = await stack.admin({
    action: 'createCouponTemplate',
    name: '积分换满100减20',
    kind: 'amountOff',
    valueFen: 2_000,
    minSpendFen: 10_000,
    channels: ['online', 'offline'],
    validDays: 30,
    perMemberLimit: 1,
    ...body,
  })
  if (res.status !== 200) throw new Error(JSON.stringify(res.body))
  return res.body.data.templateId
}

async function couponGift(templateId: string, pointsPrice = 50): Promise<string> {
  const res = await stack.admin({
    action: 'createGift',
    name: '20元优惠券',
    pointsPrice,
    fulfilments: ['coupon'],
    couponTemplateId: templateId,
  })
  if (res.status !== 200) throw new Error(JSON.stringify(res.body))
  return res.body.data.giftId
}

const exchange = (openid: string, giftId: string, requestId: string) =>
  stack.call('points', { action: 'redeem', giftId, fulfilment: 'coupon', requestId }, { openid })

async function docs<T>(name: string, where: Record<string, unknown>): Promise<T[]> {
  return ((await stack.db.collection(name).where(where).limit(1000).get()) as { data: T[] }).data
}
async function doc<T>(name: string, id: string): Promise<T | undefined> {
  return ((await stack.db.collection(name).doc(id).get()) as { data: T[] }).data[0]
}

describe('a coupon gift in the points mall', () => {
  it('HQ names the template; the mall shows the coupon; an exchange takes the points once and the coupon shows under 我的优惠券', async () => {
    const templateId = await template({ totalQuantity: 100 })
    const missing = await stack.admin({
      action: 'createGift',
      name: '券',
      pointsPrice: 50,
      fulfilments: ['coupon'],
    })
    expect(missing.status).toBe(400)
    expect(missing.body.error).toMatchObject({ field: 'couponTemplateId' })
    expect(missing.body.error.message).toBe('请选择要兑换的优惠券')
    const giftId = await couponGift(templateId)

    const m = await bind('oExchange1')
    const mall = await stack.call('points', { action: 'gifts' }, { openid: 'oExchange1' })
    const shown = mall.body.data.find((g: { giftId: string }) => g.giftId === giftId)
    expect(shown).toMatchObject({
      fulfilments: ['coupon'],
      coupon: { templateId, summary: '满 ¥100 减 ¥20', remaining: 100 },
    })

    const first = await exchange('oExchange1', giftId, 'tap-0001-abcdef')
    expect(first.status).toBe(200)
    expect(first.body.data).toMatchObject({
      status: 'couponIssued',
      points: 50,
      balance: m.points - 50,
    })
    // The app retries the same tap (a lost answer): the same exchange, nothing taken again.
    const retry = await exchange('oExchange1', giftId, 'tap-0001-abcdef')
    expect(retry.status).toBe(200)
    expect(retry.body.data).toMatchObject({
      redemptionId: first.body.data.redemptionId,
      couponId: first.body.data.couponId,
      balance: m.points - 50,
    })

    const mine = await stack.call('member', { action: 'myCoupons' }, { openid: 'oExchange1' })
    expect(mine.body.data.items).toHaveLength(1)
    expect(mine.body.data.items[0]).toMatchObject({
      couponId: first.body.data.couponId,
      templateId,
      source: '积分兑换',
      statusLabel: '可使用',
    })
    const redemptions = await stack.call(
      'points',
      { action: 'myRedemptions' },
      { openid: 'oExchange1' },
    )
    expect(redemptions.body.data.items[0]).toMatchObject({
      fulfilment: 'coupon',
      status: 'couponIssued',
      statusLabel: '已发券',
      couponId: first.body.data.couponId,
    })
    const spends = await docs<PointsLedgerDoc>(COLLECTIONS.pointsLedger.name, {
      memberId: m.memberId,
      kind: 'spend',
    })
    expect(spends).toHaveLength(1)
    expect(spends[0]).toMatchObject({ points: -50, source: { giftName: '20元优惠券' } })

    // The limit of 1: a second tap is refused with the reason, and takes nothing.
    const second = await exchange('oExchange1', giftId, 'tap-0002-abcdef')
    expect(second.status).toBe(409)
    expect(second.body.error).toMatchObject({
      code: 'COUPON_UNAVAILABLE',
      message: '每人限领 1 张，已兑完',
    })
    const after = await stack.call('points', { action: 'summary' }, { openid: 'oExchange1' })
    expect(after.body.data.points).toBe(m.points - 50)
  })

  it('refused without taking anything: too few points, exhausted, paused', async () => {
    const templateId = await template({ totalQuantity: 1, perMemberLimit: 1 })
    const dear = await couponGift(templateId, 5_000)
    const cheap = await couponGift(templateId, 10)
    await bind('oExchangePoor')
    const poor = await exchange('oExchangePoor', dear, 'tap-poor-000001')
    expect(poor.status).toBe(409)
    expect(poor.body.error.message).toBe('积分不足：兑换需要 5000 积分，你当前有 100 积分')
    await bind('oExchangeFirst')
    expect((await exchange('oExchangeFirst', cheap, 'tap-first-00001')).status).toBe(200)
    const late = await exchange('oExchangePoor', cheap, 'tap-late-000001')
    expect(late.status).toBe(409)
    expect(late.body.error).toMatchObject({
      code: 'COUPON_UNAVAILABLE',
      message: '该优惠券已被兑完',
    })
    const mall = await stack.call('points', { action: 'gifts' }, { openid: 'oExchangePoor' })
    expect(
      mall.body.data.find((g: { giftId: string }) => g.giftId === cheap).coupon.remaining,
    ).toBe(0)

    const other = await template({ name: '暂停券' })
    const paused = await couponGift(other)
    await stack.admin({ action: 'updateCouponTemplate', templateId: other, status: 'paused' })
    const refused = await exchange('oExchangePoor', paused, 'tap-paused-0001')
    expect(refused.status).toBe(409)
    expect(refused.body.error.message).toBe('该优惠券已暂停发放')
    const summary = await stack.call('points', { action: 'summary' }, { openid: 'oExchangePoor' })
    expect(summary.body.data.points).toBe(100)
    expect(await docs(COLLECTIONS.redemptions.name, { giftId: dear })).toHaveLength(0)
  })
})

describe('under concurrency', () => {
  it('50 exchanges at once for a template with 10 left: exactly 10 coupons and 10 deductions', async () => {
    const templateId = await template({ name: '限量12', totalQuantity: 12, perMemberLimit: 2 })
    const giftId = await couponGift(templateId, 50)
    // Two issued by HQ first: 10 left.
    const early = [await bind('oEarly1'), await bind('oEarly2')]
    const issued = await stack.admin({
      action: 'issueCoupons',
      templateId,
      memberNos: early.map((m) => m.memberNo),
    })
    expect(issued.body.data.issued).toBe(2)
    const shoppers: { openid: string; memberId: string }[] = []
    for (let i = 0; i < 25; i += 5)
      shoppers.push(
        ...(await Promise.all(
          Array.from({ length: 5 }, async (_, j) => {
            const openid = `oRace${i + j}`
            return { openid, memberId: (await bind(openid, i + j)).memberId }
          }),
        )),
      )
    // Every member twice (each can afford both and may hold 2).
    const answers = await Promise.all(
      [...shoppers, ...shoppers].map((s, k) => exchange(s.openid, giftId, `race-${k}-abcdef`)),
    )
    expect(answers.filter((a) => a.status === 200)).toHaveLength(10)
    for (const a of answers.filter((a) => a.status !== 200)) {
      expect(a.status).toBe(409)
      expect(a.body.error.message).toBe('该优惠券已被兑完')
    }
    const ids = shoppers.map((s) => s.memberId)
    const _ = stack.db.command
    const coupons = await docs<CouponDoc>(COLLECTIONS.coupons.name, {
      templateId,
      'source.kind': 'points',
    })
    expect(coupons).toHaveLength(10)
    const spends = await docs<PointsLedgerDoc>(COLLECTIONS.pointsLedger.name, {
      memberId: _.in(ids),
      kind: 'spend',
    })
    expect(spends).toHaveLength(10)
    const members = await docs<MemberDoc>(COLLECTIONS.members.name, { _id: _.in(ids) })
    expect(members.reduce((sum, m) => sum + (100 - m.points), 0)).toBe(500)
    expect(members.every((m) => (m.pendingSpends ?? []).length === 0)).toBe(true)
    const t = await doc<CouponTemplateDoc>(COLLECTIONS.couponTemplates.name, templateId)
    expect(t).toMatchObject({ issued: 12, pendingIssues: [] })
    const exchanges = await docs<RedemptionDoc>(COLLECTIONS.redemptions.name, { giftId })
    expect(exchanges.map((r) => r.status)).toEqual(Array(10).fill('couponIssued'))
    // Each coupon is its exchange's.
    expect(new Set(exchanges.map((r) => r.couponId))).toEqual(new Set(coupons.map((c) => c._id)))
  }, 180_000)
})

describe('an exchange whose invocation died', () => {
  /** As the flow leaves it after holding the unit (and, with `paid`, after taking the points). */
  async function dead(openid: string, paid: boolean) {
    const templateId = await template({ name: paid ? '修复已扣' : '修复未扣', totalQuantity: 5 })
    const giftId = await couponGift(templateId, 30)
    const m = await bind(openid)
    const long = new Date(Date.now() - 5 * 60_000)
    const redemptionId = `dead-${openid}`
    const couponId = `coupon-${openid}`
    const db = stack.db
    const _ = db.command
    await db.collection(COLLECTIONS.redemptions.name).add({
      _id: redemptionId,
      memberId: m.memberId,
      giftId,
      giftName: '20元优惠券',
      points: 30,
      fulfilment: 'coupon',
      stockId: '',
      storeId: null,
      status: 'issuing',
      couponTemplateId: templateId,
      couponId,
      createdAt: long,
    })
    await db.collection(COLLECTIONS.couponClaims.name).add({
      _id: `${templateId}:${m.memberId}:1`,
      templateId,
      memberId: m.memberId,
      slot: 1,
      couponId,
      at: long,
    })
    await db
      .collection(COLLECTIONS.couponTemplates.name)
      .doc(templateId)
      .update({
        issued: 1,
        pendingIssues: [
          {
            couponId,
            memberId: m.memberId,
            memberNo: m.memberNo,
            slot: 1,
            source: { kind: 'points', key: `points:${redemptionId}` },
            at: long,
            heldFor: { kind: 'points', redemptionId },
          },
        ],
      })
    if (paid)
      await db
        .collection(COLLECTIONS.members.name)
        .doc(m.memberId)
        .update({
          points: _.inc(-30),
          pointsDebited: _.inc(30),
          pendingSpends: _.push({
            redemptionId,
            points: 30,
            stockId: '',
            giftId,
            giftName: '20元优惠券',
            storeId: null,
            at: long,
          }),
        })
    return { templateId, m, redemptionId, couponId }
  }

  it('points taken: repairCoupons finishes it (coupon, spend entry, 已发券) once; not taken: the unit goes back and nothing is left', async () => {
    const paid = await dead('oDeadPaid', true)
    const unpaid = await dead('oDeadUnpaid', false)
    // The coupons' own repair leaves held units to the exchange's repair.
    const run = await stack.runJob('repairCoupons')
    expect(run).toMatchObject({
      ok: true,
      data: { finished: 0, exchangesFinished: 1, exchangesUndone: 1 },
    })
    const again = await stack.runJob('repairCoupons')
    expect(again).toMatchObject({ ok: true, data: { exchangesFinished: 0, exchangesUndone: 0 } })

    const coupon = await doc<CouponDoc>(COLLECTIONS.coupons.name, paid.couponId)
    expect(coupon).toMatchObject({ memberId: paid.m.memberId, status: 'available' })
    expect(await doc<RedemptionDoc>(COLLECTIONS.redemptions.name, paid.redemptionId)).toMatchObject(
      { status: 'couponIssued' },
    )
    const spends = await docs<PointsLedgerDoc>(COLLECTIONS.pointsLedger.name, {
      key: `redemption:${paid.redemptionId}:spend`,
    })
    expect(spends).toHaveLength(1)
    const member = await doc<MemberDoc>(COLLECTIONS.members.name, paid.m.memberId)
    expect(member).toMatchObject({ points: 70, pendingSpends: [] })
    expect(
      await doc<CouponTemplateDoc>(COLLECTIONS.couponTemplates.name, paid.templateId),
    ).toMatchObject({ issued: 1, pendingIssues: [] })

    expect(await doc(COLLECTIONS.coupons.name, unpaid.couponId)).toBeUndefined()
    expect(await doc(COLLECTIONS.redemptions.name, unpaid.redemptionId)).toBeUndefined()
    expect(
      await doc<CouponTemplateDoc>(COLLECTIONS.couponTemplates.name, unpaid.templateId),
    ).toMatchObject({ issued: 0, pendingIssues: [] })
    expect(
      await docs(COLLECTIONS.couponClaims.name, { templateId: unpaid.templateId }),
    ).toHaveLength(0)
    const untouched = await doc<MemberDoc>(COLLECTIONS.members.name, unpaid.m.memberId)
    expect(untouched!.points).toBe(100)
  })
})
