import { CONSENT_NONE, MEMBER_PROFILE, ok } from './harness/fixtures'
import {
  answerFunctions,
  cloudCalls,
  openPage,
  resetCalls,
  wxCalls,
  type RenderedPage,
} from './harness/weapp'

const SENT = [
  {
    campaignId: 'c2',
    title: '周末到店礼',
    lines: ['到店领取护手霜小样', '11月30日前'],
    storeName: '静安寺店',
    page: 'pages/campaigns/index',
    sentAt: '2026-11-21T02:00:00.000Z',
  },
  {
    campaignId: 'c1',
    title: '双十二会员日',
    lines: ['会员日双倍积分'],
    storeName: null,
    page: 'pages/campaigns/index',
    sentAt: '2026-11-12T02:00:00.000Z',
  },
]
const HOLDING = {
  templates: [
    { templateKey: 'campaign', templateId: 'tmpl-campaign', credits: 1 },
    { templateKey: 'newMessage', templateId: 'tmpl-new-message', credits: 3 },
  ],
}

describe('the campaign centre (the built WeChat page)', () => {
  let page: RenderedPage | undefined
  beforeEach(resetCalls)
  afterEach(() => page?.detach())

  it('lists the campaigns sent to me, newest first, and the credits I hold per template', async () => {
    answerFunctions((name, event) =>
      event.action === 'myCampaigns'
        ? ok({ items: SENT })
        : event.action === 'consentStatus'
          ? ok(HOLDING)
          : ok({}),
    )
    page = openPage('pages/campaigns/index')
    await page.waitForText('周末到店礼')
    const list = page.textOf('#campaign-list') ?? ''
    expect(list.indexOf('周末到店礼')).toBeLessThan(list.indexOf('双十二会员日'))
    for (const shown of [
      '到店领取护手霜小样',
      '11月30日前',
      '静安寺店',
      '会员日双倍积分',
      '2026-11-21 10:00',
    ])
      expect(list).toContain(shown)
    expect(page.textOf('#consent-credit-campaign')).toBe('活动通知可接收 1 条')
    expect(page.textOf('#consent-credit-newMessage')).toBe('导购消息提醒可接收 3 条')
    expect(page.find('#consent-later')).toBeUndefined() // the centre always offers it, nothing to put off
  })

  it('subscribing asks WeChat for the campaign template and shows the credit it added', async () => {
    answerFunctions((name, event) => {
      if (event.action === 'myCampaigns') return ok({ items: [] })
      if (event.action === 'consentStatus') return ok(CONSENT_NONE)
      if (event.action === 'reportConsent') return ok({ campaign: 1, newMessage: 0, orderReady: 0 })
      return ok({})
    })
    page = openPage('pages/campaigns/index')
    await page.waitForText('暂时没有活动')
    await page.waitFor(
      () => page!.textOf('#consent-credit-campaign') === '活动通知可接收 0 条',
      'the credits',
    )

    await page.tap('consent-subscribe')
    await page.waitFor(
      () => page!.textOf('#consent-credit-campaign') === '活动通知可接收 1 条',
      'the new credit',
    )
    expect(
      wxCalls('requestSubscribeMessage').map((c) => (c.args as { tmplIds: string[] }).tmplIds),
    ).toEqual([['tmpl-campaign']])
    expect(
      cloudCalls()
        .filter((c) => c.data.action === 'reportConsent')
        .map((c) => c.data),
    ).toEqual([{ action: 'reportConsent', results: [{ templateKey: 'campaign', accepted: true }] }])
    expect(wxCalls('showToast')[0]?.args).toMatchObject({ title: '订阅成功' })
  })
})

describe('after an order is paid', () => {
  let page: RenderedPage | undefined
  beforeEach(resetCalls)
  afterEach(() => page?.detach())

  const order = (orderId: string) => ({
    orderId,
    status: 'paid',
    // The server's state, label and actions (shop/lifecycle.ts): a paid delivery order.
    state: 'awaiting_shipment',
    statusLabel: '待发货',
    actions: [],
    refundedFen: 0,
    fulfilment: 'delivery',
    items: [{ productId: 'p1', name: '玫瑰保湿面霜 50g', priceFen: 16800, qty: 1 }],
    totalFen: 16800,
    createdAt: '2026-11-20T02:00:00.000Z',
    paidAt: '2026-11-20T02:01:00.000Z',
    expiresAt: '2026-11-20T02:15:00.000Z',
    pickupCode: null,
    outTradeNo: `T${orderId}`,
    storeId: null,
  })

  it('offers campaign notifications once per order, and not to a member who holds a credit', async () => {
    let consent: unknown = CONSENT_NONE
    answerFunctions((name, event) =>
      event.action === 'order'
        ? ok(order(String(event.orderId)))
        : event.action === 'consentStatus'
          ? ok(consent)
          : ok({}),
    )
    page = openPage('pages/order/index', { id: 'o-first' })
    await page.waitForText('订阅活动通知')
    await page.detach()

    // The same order again: asked already, so not even the status is loaded.
    resetCalls()
    page = openPage('pages/order/index', { id: 'o-first' })
    await page.waitForText('待发货')
    expect(page.find('#consent-card')).toBeUndefined()
    expect(cloudCalls().map((c) => c.data.action)).toEqual(['order'])
    await page.detach()

    consent = { templates: [{ templateKey: 'campaign', templateId: 'tmpl-campaign', credits: 2 }] }
    page = openPage('pages/order/index', { id: 'o-second' })
    await page.waitForText('待发货')
    await page.waitFor(
      () => cloudCalls().some((c) => c.data.action === 'consentStatus'),
      'the consent status',
    )
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(page.find('#consent-card')).toBeUndefined()
  })
})

describe('my profile: the birthday, once', () => {
  let page: RenderedPage | undefined
  beforeEach(resetCalls)
  afterEach(() => page?.detach())

  it('offers to set it while unset, asking to confirm since it cannot be changed', async () => {
    answerFunctions((name, event) => (event.action === 'profile' ? ok(MEMBER_PROFILE) : ok({})))
    page = openPage('pages/profile/index')
    await page.waitForText('请选择（用于生日礼遇）')
    expect(page.text()).toContain('生日只能填写一次，保存后不能修改。')
    // Nothing picked yet: saving does nothing.
    await page.tap('birthday-save')
    expect(wxCalls('showModal')).toEqual([])
    expect(cloudCalls().map((c) => c.data.action)).toEqual(['profile'])
  })

  it('shows a birthday once set, with no way to change it here', async () => {
    answerFunctions((name, event) =>
      event.action === 'profile' ? ok({ ...MEMBER_PROFILE, birthday: '03-15' }) : ok({}),
    )
    page = openPage('pages/profile/index')
    await page.waitForText('3月15日')
    expect(page.text()).toContain('如填错请联系门店更正')
    expect(page.find('#birthday-save')).toBeUndefined()
    expect(page.find('#birthday-picker')).toBeUndefined()
  })
})
