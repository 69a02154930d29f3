/**
 * Points and gifts through the local stack, the way the mini-program, the staff tab and the
 * console call them: browsing the catalog, redeeming for pickup at a store, the counter handing
 * it over once (and only at that store), points history, HQ's rules, adjustments, gifts, stock
 * and cancellations, and the timers that expire points and repair half-done redemptions.
 */
import { formatShanghaiMinute } from '../../shared/platform/calendar'
import { seedDemoData } from '../../scripts/seed/demo-data'
import { expectLedgerConsistent } from '../support/points'
import { startTestStack, type Personas, type TestStack } from '../support/local-stack'

let stack: TestStack
let demo: Personas
let storeA: string
let storeB: string
let clerkA: { openid: string; name: string }
let managerA: { openid: string; name: string }
let clerkB: { openid: string; name: string }
const phone = (i: number) => `137${String(10_000_000 + i).slice(-8)}`

async function bind(openid: string, i: number, store = 0) {
  const code = demo.codes.filter((c) => c.kind === 'store')[store]!
  const res = await stack.call(
    'member',
    { action: 'bind', scene: code.scene, phone: phone(i) },
    { openid },
  )
  expect(res.status).toBe(200)
  return res.body.data as { memberId: string; memberNo: string; points: number }
}

const points = (openid: string, body: object) => stack.call('points', body, { openid })
const staff = (openid: string, body: object) => stack.call('staff', body, { openid })
const stockOf = async (giftId: string, storeId: string | null) =>
  (
    (await stack.db
      .collection('giftStock')
      .doc(`${giftId}_${storeId ?? 'central'}`)
      .get()) as { data: any[] }
  ).data[0]?.available as number
const timer = (name: string) => stack.runJob(name) as Promise<any>

beforeAll(async () => {
  stack = await startTestStack({ seed: true })
  demo = await stack.personas()
  const stores = demo.codes.filter((c) => c.kind === 'store')
  storeA = stores[0]!.storeId
  storeB = stores[1]!.storeId
  clerkA = demo.personas.find((p) => p.role === 'clerk' && p.storeId === storeA)!
  managerA = demo.personas.find((p) => p.role === 'manager' && p.storeId === storeA)!
  clerkB = demo.personas.find((p) => p.role === 'clerk' && p.storeId === storeB)!
})
afterAll(() => stack.stop())

describe('the gift catalog', () => {
  it('lists the demo gifts as a plain array with price and stock, for anyone in the mini-program', async () => {
    const res = await points('oBrowser', { action: 'gifts' })
    expect(res.status).toBe(200)
    expect(Array.isArray(res.body.data)).toBe(true)
    const tote = res.body.data.find((g: any) => g.giftId === 'demo-gift-tote')
    expect(tote).toMatchObject({
      name: '帆布购物袋',
      pointsPrice: 80,
      pickupAvailable: 100,
      mailAvailable: 200,
      fulfilments: ['pickup', 'mail'],
    })
    expect(tote.cover).toMatch(/^data:image\/svg\+xml/)
  })

  it("shows a gift's stores with what each holds", async () => {
    const res = await points('oBrowser', { action: 'gift', giftId: 'demo-gift-tote' })
    expect(res.status).toBe(200)
    expect(res.body.data.stores).toHaveLength(2)
    expect(res.body.data.stores.map((s: any) => s.storeId).sort()).toEqual([storeA, storeB].sort())
    expect(res.body.data.stores[0]).toMatchObject({ available: 50 })
    expect((await points('oBrowser', { action: 'gift', giftId: 'no-such-gift' })).status).toBe(404)
  })
})

describe('redeeming for pickup and handing it over at the counter', () => {
  let member: { memberId: string; memberNo: string }
  let redemption: { redemptionId: string; pickupCode: string }

  beforeAll(async () => {
    member = await bind('oPickup', 1)
  })

  it('takes the points and one unit of that store’s stock, and issues a pickup code', async () => {
    const before = await stockOf('demo-gift-tote', storeA)
    const res = await points('oPickup', {
      action: 'redeem',
      giftId: 'demo-gift-tote',
      fulfilment: 'pickup',
      storeId: storeA,
    })
    expect(res.status).toBe(200)
    expect(res.body.data).toMatchObject({ status: 'awaitingPickup', points: 80, balance: 20 })
    expect(res.body.data.pickupCode).toMatch(/^\d{10}$/)
    redemption = res.body.data
    expect(await stockOf('demo-gift-tote', storeA)).toBe(before - 1)
    expect(await stockOf('demo-gift-tote', storeB)).toBe(50)
    await expectLedgerConsistent(stack.db, member.memberId)
  })

  it('shows the redemption with its code in “my redemptions”, and the spend in the history', async () => {
    const mine = await points('oPickup', { action: 'myRedemptions' })
    expect(mine.body.data.items).toEqual([
      expect.objectContaining({
        redemptionId: redemption.redemptionId,
        status: 'awaitingPickup',
        statusLabel: '待自提',
        pickupCode: redemption.pickupCode,
        storeId: storeA,
        giftName: '帆布购物袋',
      }),
    ])
    expect(mine.body.data.items[0].storeName).not.toBe('')
    expect(mine.body.data.items[0].giftImage).toMatch(/^data:image/)
    const one = await points('oPickup', {
      action: 'redemption',
      redemptionId: redemption.redemptionId,
    })
    expect(one.body.data.pickupCode).toBe(redemption.pickupCode)
    const history = await points('oPickup', { action: 'ledger' })
    expect(history.body.data.balance).toBe(20)
    const items = history.body.data.groups.flatMap((g: any) => g.items)
    expect(items.map((i: any) => [i.kind, i.points, i.title])).toEqual([
      ['spend', -80, '兑换 帆布购物袋'],
      ['welcome', 100, '开卡礼'],
    ])
    expect(items[1]).toMatchObject({ remaining: 20, source: { type: 'welcome' } })
    expect(history.body.data.nextExpiry).toMatchObject({ points: 20 })
    expect(history.body.data.nextExpiry.lastDay).toMatch(/^\d{4}-12-31$/)
  })

  it("lists the redemption in the member's own data export", async () => {
    const data = await stack.call('member', { action: 'myData' }, { openid: 'oPickup' })
    expect(data.body.data.redemptions).toEqual([
      expect.objectContaining({
        _id: redemption.redemptionId,
        giftName: '帆布购物袋',
        status: 'awaitingPickup',
      }),
    ])
  })

  it("another member cannot open someone else's redemption", async () => {
    await bind('oNosy', 2)
    expect(
      (await points('oNosy', { action: 'redemption', redemptionId: redemption.redemptionId }))
        .status,
    ).toBe(404)
  })

  it('a clerk of another store cannot verify it, nor can a shopper', async () => {
    const foreign = await staff(clerkB.openid, {
      action: 'verifyPickup',
      pickupCode: redemption.pickupCode,
    })
    expect(foreign.status).toBe(403)
    expect(foreign.body.error.message).toContain('本店不能核销')
    expect(
      (await staff('oPickup', { action: 'verifyPickup', pickupCode: redemption.pickupCode }))
        .status,
    ).toBe(403)
    const still = await points('oPickup', {
      action: 'redemption',
      redemptionId: redemption.redemptionId,
    })
    expect(still.body.data.status).toBe('awaitingPickup')
  })

  it("the store's clerk previews and then verifies it (typed with spaces, as read out)", async () => {
    const typed = redemption.pickupCode.replace(/^(\d{4})(\d{4})(\d+)$/, '$1 $2 $3')
    const preview = await staff(clerkA.openid, { action: 'pickupDetail', pickupCode: typed })
    expect(preview.body.data).toMatchObject({
      giftName: '帆布购物袋',
      status: 'awaitingPickup',
      memberNo: member.memberNo,
      phoneMasked: '137****0001',
    })
    const res = await staff(clerkA.openid, { action: 'verifyPickup', pickupCode: typed })
    expect(res.status).toBe(200)
    expect(res.body.data).toMatchObject({
      status: 'collected',
      collectedByName: clerkA.name,
      giftName: '帆布购物袋',
      pickupCode: null,
    })
    const mine = await points('oPickup', {
      action: 'redemption',
      redemptionId: redemption.redemptionId,
    })
    expect(mine.body.data).toMatchObject({
      status: 'collected',
      statusLabel: '已领取',
      collectedByName: clerkA.name,
      pickupCode: null,
    })
  })

  it('a second verification says it was already collected, when and by whom', async () => {
    const again = await staff(managerA.openid, {
      action: 'verifyPickup',
      pickupCode: redemption.pickupCode,
    })
    expect(again.status).toBe(409)
    const stored = (
      (await stack.db.collection('redemptions').doc(redemption.redemptionId).get()) as {
        data: any[]
      }
    ).data[0]
    expect(again.body.error.message).toContain(clerkA.name)
    expect(again.body.error.message).toContain(formatShanghaiMinute(stored.collectedAt))
    await expectLedgerConsistent(stack.db, member.memberId)
  })

  it('ten clerks of the store verifying one code at once: exactly one hands it over', async () => {
    const member2 = await bind('oPickupRace', 3)
    const { pickupCode } = (
      await points('oPickupRace', {
        action: 'redeem',
        giftId: 'demo-gift-coffee',
        fulfilment: 'pickup',
        storeId: storeA,
      })
    ).body.data
    const storeStaff = demo.personas.filter((p) => p.role !== 'member' && p.storeId === storeA)
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        staff(storeStaff[i % storeStaff.length]!.openid, { action: 'verifyPickup', pickupCode }),
      ),
    )
    expect(results.filter((r) => r.status === 200)).toHaveLength(1)
    expect(results.filter((r) => r.status === 409)).toHaveLength(9)
    await expectLedgerConsistent(stack.db, member2.memberId)
  })

  it('an unknown code is not found', async () => {
    const res = await staff(clerkA.openid, { action: 'verifyPickup', pickupCode: '0000000000' })
    expect(res.status).toBe(404)
    expect(res.body.error.field).toBe('pickupCode')
  })
})

describe('redemptions that cannot go through', () => {
  it('mail needs an address and no store, each named as the failing field (mail-redemption.test.ts has the rest)', async () => {
    await bind('oMail', 10)
    const noAddress = await points('oMail', {
      action: 'redeem',
      giftId: 'demo-gift-tote',
      fulfilment: 'mail',
    })
    expect(noAddress.status).toBe(400)
    expect(noAddress.body.error).toMatchObject({
      code: 'INVALID_INPUT',
      field: 'address',
      message: '请填写收货地址',
    })
    const address = {
      name: '林',
      phone: '13800000000',
      province: '上海市',
      city: '上海市',
      district: '静安区',
      detail: '南京西路 1 号',
    }
    const withStore = await points('oMail', {
      action: 'redeem',
      giftId: 'demo-gift-tote',
      fulfilment: 'mail',
      storeId: storeA,
      address,
    })
    expect(withStore.status).toBe(400)
    expect(withStore.body.error.field).toBe('storeId')
  })

  it('pickup needs a store, named as the failing field', async () => {
    const res = await points('oMail', {
      action: 'redeem',
      giftId: 'demo-gift-tote',
      fulfilment: 'pickup',
    })
    expect(res.status).toBe(400)
    expect(res.body.error.field).toBe('storeId')
  })

  it('too few points: refused, and the unit goes back to the store', async () => {
    const before = await stockOf('demo-gift-mug', storeA)
    const res = await points('oMail', {
      action: 'redeem',
      giftId: 'demo-gift-mug',
      fulfilment: 'pickup',
      storeId: storeA,
    })
    expect(res.status).toBe(409)
    expect(res.body.error.message).toContain('积分不足')
    expect(res.body.error.message).toContain('300')
    expect(await stockOf('demo-gift-mug', storeA)).toBe(before)
  })

  it('someone who is not a member: refused, stock untouched', async () => {
    const before = await stockOf('demo-gift-coffee', storeB)
    const res = await points('oStranger', {
      action: 'redeem',
      giftId: 'demo-gift-coffee',
      fulfilment: 'pickup',
      storeId: storeB,
    })
    expect(res.status).toBe(404)
    expect(await stockOf('demo-gift-coffee', storeB)).toBe(before)
  })

  it('an unknown gift, and a store without that gift', async () => {
    expect(
      (
        await points('oMail', {
          action: 'redeem',
          giftId: 'nope',
          fulfilment: 'pickup',
          storeId: storeA,
        })
      ).status,
    ).toBe(404)
    const created = await stack.admin({
      action: 'createGift',
      name: '仅 A 店',
      pointsPrice: 10,
      stock: [{ storeId: storeA, available: 3 }],
    })
    const res = await points('oMail', {
      action: 'redeem',
      giftId: created.body.data.giftId,
      fulfilment: 'pickup',
      storeId: storeB,
    })
    expect(res.status).toBe(409)
    expect(res.body.error.field).toBe('storeId')
  })

  it('timer actions are refused to callers', async () => {
    for (const job of ['expirePoints', 'repairRedemptions']) {
      const res = await stack.call(
        'jobs',
        { action: 'everyMinute', message: job },
        { openid: 'oMail' },
      )
      expect(res.status).toBe(403)
    }
  })
})

describe('HQ', () => {
  it('adjusts a member’s points by hand with a reason: ledger entry, audit log, retried submission applied once', async () => {
    const member = await bind('oAdjusted', 20)
    const body = {
      action: 'adjustPoints',
      memberNo: member.memberNo,
      points: 250,
      reason: '客诉补偿',
      requestKey: 'adjust-test-0001',
    }
    const res = await stack.admin(body)
    expect(res.status).toBe(200)
    expect(res.body.data).toMatchObject({ applied: true, balance: 350, memberNo: member.memberNo })
    const retry = await stack.admin(body)
    expect(retry.body.data).toMatchObject({
      applied: false,
      balance: 350,
      entryId: res.body.data.entryId,
    })
    const history = await points('oAdjusted', { action: 'ledger' })
    expect(history.body.data.groups[0].items[0]).toMatchObject({
      kind: 'adjust',
      points: 250,
      title: '人工调整：客诉补偿',
      source: { reason: '客诉补偿' },
    })
    const audit = (await stack.db
      .collection('auditLog')
      .where({ action: 'adjustPoints' })
      .get()) as { data: any[] }
    expect(audit.data).toHaveLength(2)
    expect(audit.data[0]).toMatchObject({
      username: 'admin',
      outcome: 'ok',
      details: { memberNo: member.memberNo, points: 250, reason: '客诉补偿' },
    })
    const entry = (
      (await stack.db.collection('pointsLedger').doc(res.body.data.entryId).get()) as {
        data: any[]
      }
    ).data[0]
    expect(entry.source).toMatchObject({ type: 'adjustment', reason: '客诉补偿', by: 'admin' })
    const seen = await stack.admin({ action: 'memberPoints', memberNo: member.memberNo })
    expect(seen.body.data).toMatchObject({ points: 350, tier: 'standard' })
    expect(seen.body.data.ledger.map((e: any) => e.title)).toEqual(['人工调整：客诉补偿', '开卡礼'])

    const tooMuch = await stack.admin({
      action: 'adjustPoints',
      memberNo: member.memberNo,
      points: -351,
      reason: '扣减测试',
    })
    expect(tooMuch.status).toBe(409)
    const minus = await stack.admin({
      action: 'adjustPoints',
      memberNo: member.memberNo,
      points: -50,
      reason: '误发扣回',
    })
    expect(minus.body.data.balance).toBe(300)
    const refused = (await stack.db
      .collection('auditLog')
      .where({ action: 'adjustPoints', outcome: 'CONFLICT' })
      .get()) as { data: any[] }
    expect(refused.data).toHaveLength(1)
    await expectLedgerConsistent(stack.db, member.memberId)
  })

  it('an adjustment needs a reason and a non-zero amount; the member number must exist', async () => {
    expect(
      (
        await stack.admin({
          action: 'adjustPoints',
          memberNo: '000000001',
          points: 0,
          reason: '零',
        })
      ).body.error.field,
    ).toBe('points')
    expect(
      (await stack.admin({ action: 'adjustPoints', memberNo: '000000001', points: 5 })).body.error
        .field,
    ).toBe('reason')
    expect(
      (
        await stack.admin({
          action: 'adjustPoints',
          memberNo: '000000001',
          points: 5,
          reason: '不存在',
        })
      ).status,
    ).toBe(404)
  })

  it('sets the points rules: the welcome bonus and expiry apply to the next member', async () => {
    const rules = (await stack.admin({ action: 'pointsRules' })).body.data
    expect(rules).toEqual({
      pointsPerYuan: 1,
      multipliers: { standard: 1, silver: 1.2, gold: 1.5 },
      welcomeBonus: 100,
      expiryYears: 1,
      tierThresholdsFen: { silver: 100_000, gold: 500_000 },
    })
    const bad = await stack.admin({
      action: 'setPointsRules',
      ...rules,
      tierThresholdsFen: { silver: 500_000, gold: 100_000 },
    })
    expect(bad.body.error.field).toBe('tierThresholdsFen.gold')
    const saved = await stack.admin({
      action: 'setPointsRules',
      ...rules,
      welcomeBonus: 200,
      expiryYears: 2,
    })
    expect(saved.body.data.welcomeBonus).toBe(200)
    try {
      const member = await bind('oWelcome200', 30)
      expect(member.points).toBe(200)
      const history = await points('oWelcome200', { action: 'ledger' })
      const year = Number(history.body.data.nextExpiry.lastDay.slice(0, 4))
      expect(year).toBe(Number(new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 4)) + 2)
    } finally {
      await stack.admin({ action: 'setPointsRules', ...rules })
    }
  })

  it('creates a gift with stock, edits its price and takes it off sale; stock moves by audited adjustments', async () => {
    const created = await stack.admin({
      action: 'createGift',
      name: '雨伞',
      description: '晴雨两用',
      pointsPrice: 60,
      images: ['cloud://env/gifts/umbrella.png'],
      fulfilments: ['pickup', 'mail'],
      shippingFeeFen: 1200,
      stock: [
        { storeId: storeA, available: 2 },
        { storeId: null, available: 10 },
      ],
    })
    expect(created.status).toBe(200)
    const giftId = created.body.data.giftId
    expect(created.body.data).toMatchObject({
      pickupAvailable: 2,
      mailAvailable: 10,
      status: 'active',
    })
    expect(created.body.data.stock).toEqual(
      expect.arrayContaining([{ storeId: null, storeName: '中央仓', available: 10 }]),
    )

    expect(
      (
        await stack.admin({
          action: 'adjustGiftStock',
          giftId,
          storeId: storeB,
          delta: 5,
          reason: '新店到货',
        })
      ).body.data.available,
    ).toBe(5)
    expect(
      (
        await stack.admin({
          action: 'adjustGiftStock',
          giftId,
          storeId: storeA,
          delta: -3,
          reason: '盘点',
        })
      ).status,
    ).toBe(409)
    expect(
      (
        await stack.admin({
          action: 'adjustGiftStock',
          giftId,
          storeId: storeA,
          delta: -1,
          reason: '盘点损耗',
        })
      ).body.data.available,
    ).toBe(1)

    const edited = await stack.admin({ action: 'updateGift', giftId, pointsPrice: 70 })
    expect(edited.body.data.pointsPrice).toBe(70)
    const member = await bind('oUmbrella', 40)
    const redeemed = await points('oUmbrella', {
      action: 'redeem',
      giftId,
      fulfilment: 'pickup',
      storeId: storeB,
    })
    expect(redeemed.body.data).toMatchObject({ points: 70, balance: 30 })

    await stack.admin({ action: 'updateGift', giftId, status: 'inactive' })
    expect(
      (await points('oUmbrella', { action: 'gifts' })).body.data.find(
        (g: any) => g.giftId === giftId,
      ),
    ).toBeUndefined()
    await stack.admin({
      action: 'adjustPoints',
      memberNo: member.memberNo,
      points: 100,
      reason: '测试下架',
    })
    const offSale = await points('oUmbrella', {
      action: 'redeem',
      giftId,
      fulfilment: 'pickup',
      storeId: storeB,
    })
    expect(offSale.status).toBe(409)
    expect(offSale.body.error.message).toContain('下架')

    const listed = await stack.admin({ action: 'listGifts', status: 'inactive' })
    expect(listed.body.data.items.map((g: any) => g.giftId)).toContain(giftId)
    const audit = (await stack.db
      .collection('auditLog')
      .where({ action: 'adjustGiftStock' })
      .get()) as { data: any[] }
    expect(audit.data.map((a) => a.outcome).sort()).toEqual(['CONFLICT', 'ok', 'ok'])
  })

  it('keeps stock where the gift is offered: stores for pickup, the central warehouse for mail', async () => {
    const mailOnly = await stack.admin({
      action: 'createGift',
      name: '仅邮寄',
      pointsPrice: 10,
      fulfilments: ['mail'],
      stock: [{ storeId: storeA, available: 1 }],
    })
    expect(mailOnly.status).toBe(400)
    expect(mailOnly.body.error.field).toBe('stock.0.storeId')
    const both = await stack.admin({
      action: 'createGift',
      name: '改为仅邮寄',
      pointsPrice: 10,
      fulfilments: ['pickup', 'mail'],
      stock: [
        { storeId: storeA, available: 5 },
        { storeId: null, available: 5 },
      ],
    })
    const giftId = both.body.data.giftId
    await stack.admin({ action: 'updateGift', giftId, fulfilments: ['mail'] })
    await bind('oPickupGone', 55)
    const res = await points('oPickupGone', {
      action: 'redeem',
      giftId,
      fulfilment: 'pickup',
      storeId: storeA,
    })
    expect(res.status).toBe(409)
    expect(res.body.error.message).toContain('不支持到店自提')
    expect(await stockOf(giftId, storeA)).toBe(5)
  })

  it('cancels a redemption not yet collected: points and stock go back, the code no longer verifies', async () => {
    const member = await bind('oCancelled', 50)
    const before = await stockOf('demo-gift-coffee', storeB)
    const { redemptionId, pickupCode } = (
      await points('oCancelled', {
        action: 'redeem',
        giftId: 'demo-gift-coffee',
        fulfilment: 'pickup',
        storeId: storeB,
      })
    ).body.data
    const res = await stack.admin({ action: 'cancelRedemption', redemptionId, reason: '门店缺货' })
    expect(res.status).toBe(200)
    expect(res.body.data).toMatchObject({
      status: 'cancelled',
      cancelReason: expect.stringContaining('门店缺货'),
    })
    expect(await stockOf('demo-gift-coffee', storeB)).toBe(before)
    const profile = await stack.call('member', { action: 'profile' }, { openid: 'oCancelled' })
    expect(profile.body.data.points).toBe(100)
    const verify = await staff(clerkB.openid, { action: 'verifyPickup', pickupCode })
    expect(verify.status).toBe(409)
    expect(verify.body.error.message).toContain('已取消')
    expect(
      (await stack.admin({ action: 'cancelRedemption', redemptionId, reason: '再次取消' })).status,
    ).toBe(409)
    const history = (await points('oCancelled', { action: 'ledger' })).body.data.groups.flatMap(
      (g: any) => g.items,
    )
    expect(history[0]).toMatchObject({
      kind: 'return',
      points: 50,
      title: '兑换取消退回：门店咖啡券',
    })
    await expectLedgerConsistent(stack.db, member.memberId)
  })

  it('cannot cancel what was collected', async () => {
    await bind('oCollected', 51)
    const { redemptionId, pickupCode } = (
      await points('oCollected', {
        action: 'redeem',
        giftId: 'demo-gift-coffee',
        fulfilment: 'pickup',
        storeId: storeB,
      })
    ).body.data
    await staff(clerkB.openid, { action: 'verifyPickup', pickupCode })
    const res = await stack.admin({ action: 'cancelRedemption', redemptionId, reason: '误操作' })
    expect(res.status).toBe(409)
    expect(res.body.error.message).toContain('核销')
  })
})

describe('demo data', () => {
  it('seeding again adds no second set of gifts or stock', async () => {
    const count = async (name: string) =>
      ((await stack.db.collection(name).count()) as { total: number }).total
    const before = { gifts: await count('gifts'), stock: await count('giftStock') }
    expect(await seedDemoData(stack.db)).toEqual({ seeded: false })
    expect({ gifts: await count('gifts'), stock: await count('giftStock') }).toEqual(before)
  })
})

describe('the timers', () => {
  it('repairs a redemption whose invocation died after taking the points: cancelled, points and stock back', async () => {
    const member = await bind('oCrashed', 60)
    const db = stack.db
    const _ = db.command
    const stockId = `demo-gift-coffee_${storeA}`
    const stockBefore = await stockOf('demo-gift-coffee', storeA)
    // What redeem's first two round trips leave behind when the function dies right after them.
    await db
      .collection('giftStock')
      .doc(stockId)
      .update({ available: _.inc(-1) })
    await db
      .collection('members')
      .doc(member.memberId)
      .update({
        points: _.inc(-50),
        pointsDebited: _.inc(50),
        pendingSpends: _.push({
          redemptionId: 'crashed-redemption',
          points: 50,
          stockId,
          giftId: 'demo-gift-coffee',
          giftName: '门店咖啡券',
          storeId: storeA,
          at: new Date(),
        }),
      })
    // too recent: the invocation might still be running
    expect((await timer('repairRedemptions')).data).toMatchObject({ checked: 0 })
    stack.setClockOffset(3 * 60_000)
    try {
      expect((await timer('repairRedemptions')).data).toMatchObject({ checked: 1, cancelled: 1 })
      expect((await timer('repairRedemptions')).data).toMatchObject({ checked: 0 })
    } finally {
      stack.setClockOffset(0)
    }
    expect(await stockOf('demo-gift-coffee', storeA)).toBe(stockBefore)
    const { member: after, entries } = await expectLedgerConsistent(db, member.memberId)
    expect(after.points).toBe(100)
    expect(entries.map((e: any) => e.kind).sort()).toEqual(['return', 'spend', 'welcome'])
    const mine = await points('oCrashed', { action: 'myRedemptions' })
    expect(mine.body.data.items[0]).toMatchObject({
      redemptionId: 'crashed-redemption',
      status: 'cancelled',
    })
  })

  it('completes one that wrote its redemption but died before clearing its mark', async () => {
    const member = await bind('oHalfDone', 61)
    const { redemptionId } = (
      await points('oHalfDone', {
        action: 'redeem',
        giftId: 'demo-gift-coffee',
        fulfilment: 'pickup',
        storeId: storeA,
      })
    ).body.data
    const entry = (
      (await stack.db
        .collection('pointsLedger')
        .where({ key: `redemption:${redemptionId}:spend` })
        .get()) as { data: any[] }
    ).data[0]
    // the spend entry was lost too: the repair writes it back into the gap its debit left
    await stack.db.collection('pointsLedger').doc(entry._id).remove()
    await stack.db
      .collection('members')
      .doc(member.memberId)
      .update({
        pendingSpends: stack.db.command.push({
          redemptionId,
          points: 50,
          stockId: `demo-gift-coffee_${storeA}`,
          giftId: 'demo-gift-coffee',
          giftName: '门店咖啡券',
          storeId: storeA,
          at: new Date(),
        }),
      })
    stack.setClockOffset(3 * 60_000)
    try {
      expect((await timer('repairRedemptions')).data).toMatchObject({ checked: 1, completed: 1 })
    } finally {
      stack.setClockOffset(0)
    }
    const { member: after } = await expectLedgerConsistent(stack.db, member.memberId)
    expect(after.points).toBe(50)
  })
})
