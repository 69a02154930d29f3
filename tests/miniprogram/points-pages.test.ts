import { NOT_A_MEMBER, ok } from './harness/fixtures'
import {
  answerFunctions,
  cloudCalls,
  openPage,
  resetCalls,
  wxCalls,
  type RenderedPage,
} from './harness/weapp'

const SUMMARY = {
  points: 1280,
  tier: 'silver',
  tierName: '银卡会员',
  multiplier: 1.2,
  paid365Fen: 300_000,
  nextTier: { tier: 'gold', tierName: '金卡会员', thresholdFen: 500_000, remainingFen: 200_000 },
  progress: 0.4,
  nextExpiry: { points: 200, expiresAt: '2026-12-31T16:00:00.000Z', lastDay: '2026-12-31' },
}

function entry(entryId: string, kind: string, points: number, title: string, at: string) {
  return {
    entryId,
    kind,
    points,
    at,
    title,
    source: { type: kind },
    expiresAt: null,
    remaining: null,
    shortfall: null,
  }
}

const PAGE_1 = {
  balance: 1280,
  nextExpiry: SUMMARY.nextExpiry,
  groups: [
    {
      month: '2026-11',
      items: [
        entry('e3', 'spend', -500, '兑换 保温杯', '2026-11-20T02:00:00.000Z'),
        entry('e2', 'earn', 1280, '消费 ¥128.00', '2026-11-02T02:00:00.000Z'),
      ],
    },
  ],
  nextCursor: '1700000000000.e2',
}
const PAGE_2 = {
  ...PAGE_1,
  groups: [
    {
      month: '2026-11',
      items: [entry('e1b', 'adjust', 100, '总部调整', '2026-11-01T02:00:00.000Z')],
    },
    {
      month: '2026-10',
      items: [entry('e1', 'welcome', 400, '开卡礼', '2026-10-08T02:00:00.000Z')],
    },
  ],
  nextCursor: null,
}

const GIFT = {
  giftId: 'gift-cup',
  name: '保温杯',
  description: '316 不锈钢，500ml',
  pointsPrice: 500,
  images: [],
  cover: null,
  fulfilments: ['pickup', 'mail'],
  shippingFeeFen: 1000,
  pickupAvailable: 3,
  mailAvailable: 0,
  stores: [
    { storeId: 'store-a', storeName: '静安寺店', address: '南京西路 1 号', available: 3 },
    { storeId: 'store-b', storeName: '徐家汇店', address: '漕溪北路 2 号', available: 0 },
  ],
}

describe('points tab (the built WeChat page)', () => {
  let page: RenderedPage | undefined
  beforeEach(resetCalls)
  afterEach(() => page?.detach())

  it('shows balance, tier progress, next expiry and the ledger by month; loads the next page and merges the month', async () => {
    answerFunctions((name, event) => {
      if (event.action === 'summary') return ok(SUMMARY)
      if (event.action === 'ledger') return ok(event.cursor ? PAGE_2 : PAGE_1)
      return { ok: false, error: { code: 'NOT_FOUND', message: name } }
    })
    page = openPage('pages/points/index')
    await page.waitForText('兑换 保温杯')

    expect(page.textOf('#points-balance')).toBe('1,280')
    expect(page.textOf('#points-hero')).toContain('银卡会员')
    expect(page.textOf('#points-tier')).toContain('再消费 ¥2,000.00 升级金卡会员')
    expect(page.textOf('#points-expiry')).toBe('200 积分将于 2026-12-31 到期')
    const ledger = page.textOf('#points-ledger') ?? ''
    expect(ledger).toContain('2026年11月')
    expect(ledger).toContain('-500')
    expect(ledger).toContain('+1,280')

    await page.tap('points-more')
    await page.waitForText('开卡礼')
    const merged = page.textOf('#points-ledger') ?? ''
    // November continues on page two: one heading, not two.
    expect(merged.split('2026年11月')).toHaveLength(2)
    expect(merged).toContain('2026年10月')
    expect(merged).toContain('总部调整')
    expect(merged).toContain('没有更多了')
    expect(
      cloudCalls()
        .filter((c) => c.data.action === 'ledger')
        .map((c) => c.data.cursor),
    ).toEqual([undefined, '1700000000000.e2'])
  })

  it('shows an empty ledger for a new member, and how to get a card for someone without one', async () => {
    answerFunctions((_name, event) =>
      event.action === 'summary'
        ? ok({ ...SUMMARY, points: 0, nextExpiry: null })
        : ok({ ...PAGE_1, groups: [], nextCursor: null }),
    )
    page = openPage('pages/points/index')
    await page.waitForText('还没有积分记录')
    expect(page.textOf('#points-expiry')).toBe('暂无即将到期的积分')
    await page.detach()

    answerFunctions(() => NOT_A_MEMBER)
    page = openPage('pages/points/index')
    await page.waitForText('去开卡')
  })

  it('refreshes on pull-down', async () => {
    let points = 1280
    answerFunctions((_name, event) =>
      event.action === 'summary' ? ok({ ...SUMMARY, points }) : ok(PAGE_1),
    )
    page = openPage('pages/points/index')
    await page.waitForText('1,280')
    points = 780
    page.pullDown()
    await page.waitFor(() => page?.textOf('#points-balance') === '780', 'the new balance')
    expect(wxCalls('stopPullDownRefresh').length).toBeGreaterThan(0)
  })
})

describe('gift detail (the built WeChat page)', () => {
  let page: RenderedPage | undefined
  beforeEach(resetCalls)
  afterEach(() => page?.detach())

  it('lists only stores with stock, shows mail unavailable with the reason, and redeems at the chosen store after confirming', async () => {
    answerFunctions((_name, event) => {
      if (event.action === 'gift') return ok(GIFT)
      if (event.action === 'redeem')
        return ok({
          redemptionId: 'r-1',
          pickupCode: '1234567890',
          status: 'awaitingPickup',
          points: 500,
          balance: 780,
        })
      return { ok: false, error: { code: 'NOT_FOUND', message: 'x' } }
    })
    page = openPage('pages/gift/index', { giftId: 'gift-cup' })
    await page.waitForText('保温杯')

    expect(page.textOf('#gift-price')).toBe('500 积分')
    const stores = page.textOf('#gift-stores') ?? ''
    expect(stores).toContain('静安寺店')
    expect(stores).not.toContain('徐家汇店')
    expect(page.textOf('#gift-mail')).toContain('中心仓暂无库存，暂不能邮寄')
    expect(page.text()).toContain('请选择自提门店')

    // Nothing happens before a store is chosen.
    await page.tap('gift-redeem')
    expect(wxCalls('showModal')).toHaveLength(0)

    await page.tap('gift-store-store-a')
    await page.waitFor(
      () => !(page?.text() ?? '').includes('请选择自提门店'),
      'the store to be chosen',
    )
    // The harness's modal answers "cancel": no redemption.
    await page.tap('gift-redeem')
    expect(wxCalls('showModal')).toHaveLength(1)
    expect((wxCalls('showModal')[0]!.args as { content: string }).content).toContain('静安寺店')
    expect(cloudCalls().some((c) => c.data.action === 'redeem')).toBe(false)
  })

  it('offers mail when the central warehouse has it: the shipping fee, an address taken from WeChat, the fee in the confirmation', async () => {
    answerFunctions((_name, event) => {
      if (event.action === 'gift') return ok({ ...GIFT, mailAvailable: 5 })
      return { ok: false, error: { code: 'NOT_FOUND', message: 'x' } }
    })
    page = openPage('pages/gift/index', { giftId: 'gift-cup' })
    await page.waitForText('保温杯')
    expect(page.textOf('#gift-shipping-fee')).toContain('运费 ¥10.00')
    expect(page.find('#mail-address')).toBeUndefined()

    await page.tap('gift-mail')
    await page.waitFor(() => page?.find('#mail-address') !== undefined, 'the address form')
    // Nothing to send before the address is complete.
    await page.tap('gift-redeem')
    expect(wxCalls('showModal')).toHaveLength(0)

    await page.tap('mail-choose-address')
    expect(wxCalls('chooseAddress')).toHaveLength(1)
    const redeemClass = () =>
      String(
        (page?.find('#gift-redeem')?.dom as { className?: string } | undefined)?.className ?? '',
      )
    await page.waitFor(
      () => !redeemClass().includes('inactive'),
      'the chosen address to complete the form',
    )
    await page.tap('gift-redeem')
    await page.waitFor(() => wxCalls('showModal').length === 1, 'the confirmation')
    const content = (wxCalls('showModal')[0]!.args as { content: string }).content
    expect(content).toContain('上海市徐汇区 虹桥路 1 号 1001 室')
    expect(content).toContain('运费 ¥10.00')
    expect(cloudCalls().some((c) => c.data.action === 'redeem')).toBe(false)
  })
})
