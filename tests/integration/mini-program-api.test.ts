/**
 * What the mini-program's fixes of issue 20 ask of the functions, through the local stack as the
 * app calls them: a card without a phone (added later), the pickup store on an order and a
 * redemption, the desk's 今日业绩, the till's limits, agreements HQ edits, a store code for a
 * shopper who is not a member yet, and a store manager's campaigns.
 */
import { startTestStack, type Personas, type TestStack } from '../support/local-stack'

let stack: TestStack
let demo: Personas
const CREAM = 'p-rose-cream'

const member = (openid: string, body: Record<string, unknown>) =>
  stack.call('member', body, { openid })
const staff = (openid: string, body: Record<string, unknown>) =>
  stack.call('staff', body, { openid })

function storeCode(index: number) {
  const code = demo.codes.filter((c) => c.kind === 'store')[index]
  if (!code) throw new Error(`no store code ${index}`)
  return code
}

async function pay(outTradeNo: string) {
  const res = await fetch(`${stack.url}/sandbox/pay/${outTradeNo}`, { method: 'POST', body: '{}' })
  expect(res.status).toBe(200)
}

beforeAll(async () => {
  stack = await startTestStack({ seed: true })
  demo = await stack.personas()
}, 120_000)
afterAll(() => stack.stop())

describe('a card without a phone', () => {
  it('opens with no phone at all, and the phone is added later from 我的', async () => {
    const bound = await member('oNoPhone', { action: 'bind', scene: storeCode(0).scene })
    expect(bound.status).toBe(200)
    expect(bound.body.data).toMatchObject({ outcome: 'created', phoneMasked: null, points: 100 })

    const added = await member('oNoPhone', { action: 'setPhone', phone: '13912345678' })
    expect(added.body.data.phoneMasked).toBe('139****5678')
    expect((await member('oNoPhone', { action: 'profile' })).body.data.phoneMasked).toBe(
      '139****5678',
    )
  })

  it('an empty phone is no phone; a wrong one says so in Chinese, without a field path', async () => {
    const empty = await member('oEmptyPhone', {
      action: 'bind',
      scene: storeCode(0).scene,
      phone: '',
    })
    expect(empty.body.data).toMatchObject({ outcome: 'created', phoneMasked: null })

    const wrong = await member('oWrongPhone', {
      action: 'bind',
      scene: storeCode(0).scene,
      phone: '12345',
    })
    expect(wrong.status).toBe(400)
    expect(wrong.body.error.message).toBe('请输入正确的手机号（中国大陆 11 位手机号）')
    const none = await member('oNoPhone', { action: 'setPhone' })
    expect(none.body.error.message).toBe('请提供手机号')
  })

  it('a refused birthday reads as a sentence, never "birthday: …"', async () => {
    const res = await member('oNoPhone', { action: 'setBirthday', birthday: '02-31' })
    expect(res.status).toBe(400)
    expect(res.body.error.message).toBe('生日格式为 月-日，如 03-15')
    expect(res.body.error.message).not.toMatch(/[a-z]/i)
  })
})

describe('where to collect', () => {
  it('a paid pickup order at another store names that store: address, hours and location', async () => {
    // Home store 静安寺店 (code 0); the order is for pickup at 徐家汇店 (code 1).
    await member('oElsewhere', { action: 'bind', scene: storeCode(0).scene })
    const xujiahui = storeCode(1).storeId
    const created = await stack.call(
      'shop',
      {
        action: 'createOrder',
        items: [{ productId: CREAM, qty: 1 }],
        fulfilment: 'pickup',
        storeId: xujiahui,
      },
      { openid: 'oElsewhere' },
    )
    expect(created.status).toBe(200)
    await pay(created.body.data.outTradeNo)
    const order = await stack.call(
      'shop',
      { action: 'order', orderId: created.body.data.orderId },
      { openid: 'oElsewhere' },
    )
    expect(order.body.data.state).toBe('awaiting_pickup')
    expect(order.body.data.store).toEqual({
      storeId: xujiahui,
      name: '徐家汇店',
      address: '上海市徐汇区虹桥路 1 号',
      hours: '10:00–21:30',
      location: { lat: 31.1955, lng: 121.4375 },
    })
  })

  it('a gift redeemed for pickup names its store; HQ changes the hours and the shopper sees them', async () => {
    await member('oGiftStore', { action: 'bind', scene: storeCode(1).scene })
    const redeemed = await stack.call(
      'points',
      {
        action: 'redeem',
        giftId: 'demo-gift-tote',
        fulfilment: 'pickup',
        storeId: storeCode(1).storeId,
      },
      { openid: 'oGiftStore' },
    )
    expect(redeemed.status).toBe(200)
    const hours = await stack.admin({
      action: 'setStoreHours',
      storeId: storeCode(1).storeId,
      hours: '周一至周日 9:00–22:00',
    })
    expect(hours.body.ok).toBe(true)
    const detail = await stack.call(
      'points',
      { action: 'redemption', redemptionId: redeemed.body.data.redemptionId },
      { openid: 'oGiftStore' },
    )
    expect(detail.body.data.store).toMatchObject({
      name: '徐家汇店',
      hours: '周一至周日 9:00–22:00',
    })
  })
})

describe('the staff desk and the till', () => {
  it('今日业绩: today’s sales, members and commission of the clerk’s members', async () => {
    const code = demo.codes.find((c) => c.kind === 'clerk' && c.storeId === storeCode(0).storeId)!
    const clerk = demo.personas.find(
      (p) => p.role === 'clerk' && p.storeId === code.storeId && p.openid === 'demo-clerk-1',
    )!
    const me = (await staff(clerk.openid, { action: 'me' })).body.data
    const clerkCode = demo.codes.find((c) => c.kind === 'clerk' && c.clerkId === me.clerkId)!
    const before = (await staff(clerk.openid, { action: 'myStats' })).body.data
    await member('oToday', { action: 'bind', scene: clerkCode.scene })
    const memberCode = (await member('oToday', { action: 'memberCode' })).body.data.code
    const sale = await staff(clerk.openid, {
      action: 'recordSale',
      memberCode,
      amountFen: 8_850,
      receiptNo: 'TODAY-1',
    })
    expect(sale.status).toBe(200)
    const after = (await staff(clerk.openid, { action: 'myStats' })).body.data
    expect(after.newMembersToday).toBe(before.newMembersToday + 1)
    expect(after.today.salesFen).toBe(before.today.salesFen + 8_850)
    expect(after.today.orders).toBe(before.today.orders + 1)
    // 3% of ¥88.50, in whole fen.
    expect(after.today.commissionFen - before.today.commissionFen).toBe(266)
  })

  it('the till knows HQ’s ceiling and confirmation threshold, and HQ sets the threshold', async () => {
    expect((await staff('demo-clerk-1', { action: 'saleRules' })).body.data).toEqual({
      receiptLimitFen: 2_000_000,
      confirmAboveFen: 500_000,
    })
    const set = await stack.admin({
      action: 'setShopRules',
      offlineReceiptLimitFen: 3_000_000,
      offlineClerkDailyLimitFen: 10_000_000,
      offlineConfirmAboveFen: 100_000,
      autoDeliverDays: 10,
    })
    expect(set.body.data.offlineConfirmAboveFen).toBe(100_000)
    // Saved without the threshold (an older console): it is kept.
    await stack.admin({
      action: 'setShopRules',
      offlineReceiptLimitFen: 3_000_000,
      offlineClerkDailyLimitFen: 10_000_000,
      autoDeliverDays: 10,
    })
    expect((await stack.admin({ action: 'shopRules' })).body.data.offlineConfirmAboveFen).toBe(
      100_000,
    )
  })
})

describe('agreements', () => {
  it('anyone reads the default texts; HQ edits one and the shopper reads HQ’s', async () => {
    const terms = await stack.call(
      'member',
      { action: 'agreement', kind: 'terms' },
      { openid: 'oNotYet' },
    )
    expect(terms.body.data).toMatchObject({ title: '会员服务协议', updatedAt: null })
    expect(terms.body.data.body).toContain('积分')
    const saved = await stack.admin({
      action: 'setAgreement',
      kind: 'privacy',
      title: '隐私政策',
      body: '我们只收集提供会员服务所必需的信息。\n\n你可以随时导出或删除你的数据。',
    })
    expect(saved.body.ok).toBe(true)
    const privacy = await stack.call(
      'member',
      { action: 'agreement', kind: 'privacy' },
      { openid: 'oNotYet' },
    )
    expect(privacy.body.data.body).toBe(
      '我们只收集提供会员服务所必需的信息。\n\n你可以随时导出或删除你的数据。',
    )
    expect(privacy.body.data.updatedAt).not.toBeNull()
    const listed = await stack.admin({ action: 'agreements' })
    expect(listed.body.data.items.map((a: { kind: string }) => a.kind)).toEqual([
      'terms',
      'privacy',
    ])
  })
})

describe('a store code for someone who is not a member yet', () => {
  it('gives the chosen store’s code, else the nearest one’s; binding with it joins that store', async () => {
    const chosen = await member('oJoinAtCheckout', {
      action: 'storeCode',
      storeId: storeCode(1).storeId,
    })
    expect(chosen.body.data).toMatchObject({ storeId: storeCode(1).storeId, storeName: '徐家汇店' })
    // Outside 静安寺: the nearest is 静安寺店.
    const near = await member('oJoinAtCheckout', {
      action: 'storeCode',
      near: { lat: 31.2231, lng: 121.4449 },
    })
    expect(near.body.data.storeName).toBe('静安寺店')
    const bound = await member('oJoinAtCheckout', {
      action: 'bind',
      scene: chosen.body.data.scene,
    })
    expect(bound.body.data).toMatchObject({ outcome: 'created', storeName: '徐家汇店' })
  })
})

describe('a store manager’s campaigns', () => {
  it('counts the store’s audience and who can be reached, sends within the limits and shows results', async () => {
    const manager = demo.personas.find(
      (p) => p.role === 'manager' && p.storeId === storeCode(1).storeId,
    )!
    // One member of the store accepts campaign notifications.
    await member('oCampaignFan', { action: 'bind', scene: storeCode(1).scene })
    await member('oCampaignFan', {
      action: 'reportConsent',
      results: [{ templateKey: 'campaign', accepted: true }],
    })
    const audience = await staff(manager.openid, {
      action: 'storeCampaignAudienceCount',
      segment: {},
    })
    expect(audience.body.data.count).toBeGreaterThanOrEqual(2)
    expect(audience.body.data.reachable).toBe(1)
    expect(audience.body.data.limit).toBe(2000)

    const before = (await staff(manager.openid, { action: 'storeCampaigns' })).body.data
    expect(before).toMatchObject({ maxStoreCampaignsPerWeek: 2, usedThisWeek: 0, items: [] })
    const created = await staff(manager.openid, {
      action: 'createStoreCampaign',
      name: '周末会员日',
      segment: {},
      page: 'pages/campaigns/index',
      fields: { thing1: '周末会员日', thing3: '到店出示会员码' },
    })
    expect(created.status).toBe(200)
    const after = (await staff(manager.openid, { action: 'storeCampaigns' })).body.data
    expect(after.usedThisWeek).toBe(1)
    expect(after.items.map((c: { name: string }) => c.name)).toEqual(['周末会员日'])
    await fetch(`${stack.url}/dev/jobs/dispatchCampaigns`, { method: 'POST' })
    const results = await staff(manager.openid, {
      action: 'storeCampaignResults',
      campaignId: created.body.data.campaignId,
    })
    expect(results.body.data).toMatchObject({ sent: 1 })

    // Another store's manager does not see it; a clerk cannot list campaigns.
    const other = demo.personas.find(
      (p) => p.role === 'manager' && p.storeId === storeCode(0).storeId,
    )!
    const foreign = await staff(other.openid, {
      action: 'storeCampaignResults',
      campaignId: created.body.data.campaignId,
    })
    expect(foreign.status).toBe(404)
    expect((await staff('demo-clerk-2', { action: 'storeCampaigns' })).status).toBe(403)
  })
})
