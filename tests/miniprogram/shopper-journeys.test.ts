/**
 * The shopper's side of issue 20, on the built WeChat pages: where to collect an order or a gift,
 * the mail fee's countdown, the order tabs, the birthday picker, the account controls and the
 * agreements, and a card offered before paying.
 */
import { distanceMetres } from '../../shared/shop/rules/store-distance'
import { formatDistance } from '../../miniprogram/src/lib/format'
import { CONSENT_NONE, MEMBER_PROFILE, NOT_A_MEMBER, ok } from './harness/fixtures'
import {
  answerFunctions,
  answerLocation,
  answerModals,
  cloudCalls,
  openPage,
  resetCalls,
  wxCalls,
  type RenderedPage,
} from './harness/weapp'

const XUJIAHUI = {
  storeId: 's2',
  name: '徐家汇店',
  address: '上海市徐汇区虹桥路 1 号',
  hours: '10:00–21:30',
  location: { lat: 31.1955, lng: 121.4375 },
}

/** A paid pickup order at 徐家汇店, as `shop.order` answers it. */
const ORDER = {
  orderId: 'o1',
  orderNo: '20261120000042',
  status: 'paid',
  state: 'awaiting_pickup',
  statusLabel: '待提货',
  actions: [] as string[],
  refundedFen: 0,
  fulfilment: 'pickup',
  storeId: 's2',
  store: XUJIAHUI,
  items: [{ productId: 'p-cream', name: '玫瑰保湿面霜 50g', priceFen: 16800, qty: 1 }],
  totalFen: 16800,
  outTradeNo: 'T1',
  expiresAt: '2026-11-20T02:15:00.000Z',
  createdAt: '2026-11-20T02:00:00.000Z',
  paidAt: '2026-11-20T02:01:00.000Z',
  pickupCode: '52074687',
  deliveryAddress: null,
  shipment: null,
  deliveredAt: null,
}

const REDEMPTION = {
  redemptionId: 'r1',
  giftId: 'g1',
  giftName: '帆布托特包',
  giftImage: null,
  points: 80,
  fulfilment: 'pickup',
  status: 'awaitingPickup',
  statusLabel: '待领取',
  actions: [] as string[],
  storeId: 's2',
  storeName: '徐家汇店',
  store: XUJIAHUI,
  pickupCode: '1234567890',
  createdAt: '2026-11-20T02:00:00.000Z',
  collectedAt: null,
  collectedByName: null,
  cancelledAt: null,
  cancelReason: null,
  address: null,
  shippingFeeFen: null,
  payBy: null,
  paidAt: null,
  shippedAt: null,
  shipment: null,
}

describe('where to collect (the built WeChat pages)', () => {
  let page: RenderedPage | undefined
  beforeEach(resetCalls)
  afterEach(() => page?.detach())

  /** The order page also asks whether to offer campaign notifications (consentStatus). */
  const orderFunctions = (order: object) =>
    answerFunctions((_name, event) =>
      event.action === 'consentStatus' ? ok(CONSENT_NONE) : ok(order),
    )

  it('a paid pickup order names its store: address, hours, distance, and the map opens on it', async () => {
    orderFunctions(ORDER)
    // Outside 港汇恒隆, a short walk from 徐家汇店.
    answerLocation({ latitude: 31.1941, longitude: 121.4361 })
    page = openPage('pages/order/index', { id: 'o1' })
    await page.waitForText('自提门店')
    expect(page.textOf('#order-store-name')).toBe('徐家汇店')
    const card = page.textOf('#order-store') ?? ''
    expect(card).toContain('地址：上海市徐汇区虹桥路 1 号')
    expect(card).toContain('营业时间：10:00–21:30')
    expect(page.textOf('#pickup-code')).toContain('到徐家汇店出示给店员扫描')
    await page.waitFor(() => page?.find('#order-store-distance') !== undefined, 'the distance')
    const metres = distanceMetres({ lat: 31.1941, lng: 121.4361 }, XUJIAHUI.location)
    expect(page.textOf('#order-store-distance')).toBe(`距你 ${formatDistance(metres)}`)
    expect(metres).toBeLessThan(300)

    await page.tap('order-store-navigate')
    expect(wxCalls('openLocation')[0]?.args).toMatchObject({
      latitude: 31.1955,
      longitude: 121.4375,
      name: '徐家汇店',
      address: '上海市徐汇区虹桥路 1 号',
    })
  })

  it('without the shopper’s location there is no distance, and a delivery order has no store', async () => {
    orderFunctions(ORDER)
    page = openPage('pages/order/index', { id: 'o1' })
    await page.waitForText('营业时间')
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(page.find('#order-store-distance')).toBeUndefined()
    await page.detach()

    orderFunctions({
      ...ORDER,
      fulfilment: 'delivery',
      state: 'awaiting_shipment',
      statusLabel: '待发货',
      storeId: null,
      store: null,
      pickupCode: null,
    })
    page = openPage('pages/order/index', { id: 'o1' })
    await page.waitForText('待发货')
    expect(page.find('#order-store')).toBeUndefined()
  })

  it('a gift to collect names its store the same way', async () => {
    answerFunctions(() => ok(REDEMPTION))
    page = openPage('pages/redemption/index', { redemptionId: 'r1' })
    await page.waitForText('帆布托特包')
    expect(page.textOf('#redemption-store-name')).toBe('徐家汇店')
    expect(page.textOf('#redemption-store')).toContain('营业时间：10:00–21:30')
    await page.tap('redemption-store-navigate')
    expect(wxCalls('openLocation')).toHaveLength(1)
  })

  it('a mail gift awaiting its fee says 待支付运费 and the minutes and seconds left, never 兑换成功', async () => {
    const payBy = new Date(Date.now() + (14 * 60 + 56) * 1000 + 500).toISOString()
    answerFunctions(() =>
      ok({
        ...REDEMPTION,
        fulfilment: 'mail',
        status: 'awaitingPayment',
        statusLabel: '待支付运费',
        actions: ['pay', 'cancel'],
        storeId: null,
        storeName: null,
        store: null,
        pickupCode: null,
        shippingFeeFen: 1000,
        payBy,
        address: {
          name: '林女士',
          phone: '13812345678',
          province: '上海市',
          city: '上海市',
          district: '徐汇区',
          detail: '虹桥路 1 号',
        },
      }),
    )
    page = openPage('pages/redemption/index', { redemptionId: 'r1', fresh: '1' })
    await page.waitForText('剩余')
    expect(page.textOf('#redemption-countdown')).toMatch(
      /^运费 ¥10\.00，剩余 14 分 5[56] 秒，超时将自动取消并退回积分$/,
    )
    expect(page.textOf('#redeem-pending')).toContain('待支付运费')
    expect(page.find('#redeem-success')).toBeUndefined()
    expect(page.text()).not.toContain('兑换成功')
  })
})

const orderIn = (state: string, statusLabel: string, orderId: string, seq = 7) => ({
  ...ORDER,
  orderId,
  orderNo: `20261120${String(seq).padStart(6, '0')}`,
  state,
  statusLabel,
  items: [{ productId: orderId, name: `商品${orderId}`, priceFen: 100, qty: 1 }],
})

describe('order tabs (the built WeChat page)', () => {
  let page: RenderedPage | undefined
  beforeEach(resetCalls)
  afterEach(() => page?.detach())

  it('a delivery order waiting for the warehouse is under 待发货, not 待自提; an empty tab says what it lacks', async () => {
    answerFunctions(() =>
      ok([
        orderIn('awaiting_shipment', '待发货', 'ship1', 1),
        orderIn('awaiting_pickup', '待提货', 'pick1', 2),
        orderIn('shipped', '已发货', 'road1', 3),
      ]),
    )
    page = openPage('pages/orders/index')
    await page.waitForText('商品ship1')
    expect(page.textOf('.order-filters')).toBe('全部待付款待自提待发货待收货已完成')
    // Each order by the number the shopper can quote to a clerk (Shanghai day + sequence).
    expect(page.textOf('#order-no-20261120000001')).toBe('订单号 20261120000001')
    expect(page.textOf('#order-no-20261120000003')).toBe('订单号 20261120000003')

    await page.tap('order-filter-ship')
    await page.waitFor(() => !(page?.text() ?? '').includes('商品pick1'), 'the 待发货 tab')
    expect(page.text()).toContain('商品ship1')
    expect(page.text()).not.toContain('商品road1')

    await page.tap('order-filter-pickup')
    await page.waitForText('商品pick1')
    expect(page.text()).not.toContain('商品ship1')

    await page.tap('order-filter-receive')
    await page.waitForText('商品road1')

    await page.tap('order-filter-unpaid')
    await page.waitForText('没有待付款的订单')
  })
})

describe('birthday (the built WeChat page)', () => {
  let page: RenderedPage | undefined
  beforeEach(resetCalls)
  afterEach(() => page?.detach())

  it('offers only real dates: turning to February leaves 29 days, and a 31 becomes 29', async () => {
    answerFunctions((_name, event) =>
      event.action === 'setBirthday'
        ? ok({ ...MEMBER_PROFILE, birthday: '02-29' })
        : ok(MEMBER_PROFILE),
    )
    answerModals(true)
    page = openPage('pages/profile/index')
    await page.waitForText('请选择（用于生日礼遇）')
    const picker = page.find('#birthday-picker-control')!
    // The wheel is on 31 (January), then the month turns to February.
    picker.dispatchEvent('columnchange', { detail: { column: 1, value: 30 } })
    picker.dispatchEvent('columnchange', { detail: { column: 0, value: 1 } })
    await new Promise((resolve) => setTimeout(resolve, 20))
    picker.dispatchEvent('change', { detail: { value: [1, 30] } })
    await page.waitForText('2月29日')
    expect(page.text()).not.toContain('2月31日')

    await page.tap('birthday-save')
    await page.waitFor(() => cloudCalls().some((c) => c.data.action === 'setBirthday'), 'save')
    expect(cloudCalls().find((c) => c.data.action === 'setBirthday')?.data).toEqual({
      action: 'setBirthday',
      birthday: '02-29',
    })
  })
})

describe('account and privacy (the built WeChat pages)', () => {
  let page: RenderedPage | undefined
  beforeEach(resetCalls)
  afterEach(() => page?.detach())

  it('我的 leads to 账户与隐私: agreements, the phone, export and deletion with what is kept', async () => {
    answerFunctions((_name, event) => {
      if (event.action === 'profile') return ok({ ...MEMBER_PROFILE, phoneMasked: null })
      if (event.action === 'me') return { ok: false, error: { code: 'FORBIDDEN', message: '' } }
      return ok({})
    })
    page = openPage('pages/me/index')
    await page.waitForText('账户与隐私')
    await page.tap('account-entry')
    expect(wxCalls('navigateTo')[0]?.args).toMatchObject({ url: '/pages/account/index' })
    await page.detach()

    answerFunctions((_name, event) => {
      if (event.action === 'profile') return ok({ ...MEMBER_PROFILE, phoneMasked: null })
      if (event.action === 'myData')
        return ok({
          member: { memberNo: '100000007' },
          attributionLog: [{}],
          visits: [],
          pointsLedger: [{}, {}, {}],
          redemptions: [{}],
        })
      if (event.action === 'deleteAccount') return ok({ deleted: true })
      return ok({})
    })
    page = openPage('pages/account/index')
    await page.waitForText('注销会员卡')
    expect(page.textOf('#account-phone-now')).toContain('未提供')
    expect(page.text()).toContain('使用微信手机号')
    const deletion = page.textOf('#account-delete') ?? ''
    expect(deletion).toContain('将删除：微信身份、手机号、生日')
    expect(deletion).toContain('会保留：订单、积分和佣金记录以匿名形式保留')

    await page.tap('account-export')
    await page.waitForText('积分记录 3 条')
    expect(JSON.parse((wxCalls('setClipboardData')[0]?.args as { data: string }).data)).toEqual(
      expect.objectContaining({ member: { memberNo: '100000007' } }),
    )

    // Cancelling the confirmation deletes nothing.
    await page.tap('account-delete-button')
    expect((wxCalls('showModal')[0]?.args as { content: string }).content).toContain(
      '1,280 积分清零',
    )
    expect(cloudCalls().some((c) => c.data.action === 'deleteAccount')).toBe(false)

    answerModals(true)
    await page.tap('account-delete-button')
    await page.waitFor(() => wxCalls('reLaunch').length > 0, 'back to home', 3000)
    expect(cloudCalls().find((c) => c.data.action === 'deleteAccount')?.data).toEqual({
      action: 'deleteAccount',
      confirm: 'DELETE',
    })
  })

  it('the agreement page shows the text HQ saved, paragraph by paragraph, titled', async () => {
    answerFunctions((_name, event) =>
      ok({
        kind: event.kind,
        title: '隐私政策',
        body: '第一段：我们收集什么。\n\n第二段：你的权利。',
        updatedAt: '2026-11-01T02:00:00.000Z',
      }),
    )
    page = openPage('pages/agreement/index', { kind: 'privacy' })
    await page.waitForText('第二段：你的权利。')
    expect(cloudCalls()[0]?.data).toEqual({ action: 'agreement', kind: 'privacy' })
    expect(page.findAll('.agreement__paragraph')).toHaveLength(2)
    expect(page.text()).toContain('更新日期：2026-11-01')
    expect(wxCalls('setNavigationBarTitle')[0]?.args).toMatchObject({ title: '隐私政策' })
  })

  it('the bind page links both agreements', async () => {
    answerFunctions(() => ok({}))
    page = openPage('pages/bind/index', { scene: 'ST%3AAB12' })
    await page.tap('bind-privacy-link')
    expect(wxCalls('navigateTo')[0]?.args).toMatchObject({
      url: '/pages/agreement/index?kind=privacy',
    })
    await page.tap('bind-terms-link')
    expect(wxCalls('navigateTo')[1]?.args).toMatchObject({
      url: '/pages/agreement/index?kind=terms',
    })
  })
})

describe('a shopper without a card at checkout (the built WeChat page)', () => {
  let page: RenderedPage | undefined
  beforeEach(resetCalls)
  afterEach(() => page?.detach())

  const PRODUCT = {
    productId: 'p-cream',
    name: '玫瑰保湿面霜 50g',
    description: '',
    priceFen: 16800,
    available: { central: 200, stores: { s2: 20 } },
  }
  const STORE = {
    storeId: 's2',
    name: '徐家汇店',
    address: '上海市徐汇区虹桥路 1 号',
    location: null,
    distanceM: null,
    isHomeStore: false,
    shortages: [],
  }

  it('is offered a card with the pickup store’s code before paying, and comes back to pay', async () => {
    answerFunctions((_name, event) => {
      if (event.action === 'profile') return NOT_A_MEMBER
      if (event.action === 'products') return ok([PRODUCT])
      if (event.action === 'stores') return ok([STORE])
      if (event.action === 'storeCode')
        return ok({ scene: 's.SH002.abcdefghijkl', storeId: 's2', storeName: '徐家汇店' })
      // Someone without a card has no coupons: the cart priced as it is.
      if (event.action === 'orderQuote')
        return ok({
          lines: [],
          subtotalFen: 16800,
          discountFen: 0,
          payableFen: 16800,
          couponId: null,
          coupons: [],
        })
      return ok({})
    })
    page = openPage('pages/checkout/index', { buy: 'p-cream' })
    await page.waitForText('你还不是会员')
    expect(page.textOf('#join-offer')).toContain('本单可得约 168 积分')

    // Tapping 提交订单 asks first; "直接付款" (cancel) would go on, "先开卡" goes to binding.
    answerModals(true)
    await page.tap('place-order')
    await page.waitFor(() => wxCalls('navigateTo').length > 0, 'the bind page')
    expect(cloudCalls().some((c) => c.data.action === 'createOrder')).toBe(false)
    expect(cloudCalls().find((c) => c.data.action === 'storeCode')?.data).toEqual({
      action: 'storeCode',
      storeId: 's2',
    })
    expect(wxCalls('navigateTo')[0]?.args).toMatchObject({
      url: '/pages/bind/index?scene=s.SH002.abcdefghijkl&then=back',
    })
  })

  it('a member sees no offer', async () => {
    answerFunctions((_name, event) => {
      if (event.action === 'profile') return ok(MEMBER_PROFILE)
      if (event.action === 'products') return ok([PRODUCT])
      if (event.action === 'stores') return ok([STORE])
      return ok({})
    })
    page = openPage('pages/checkout/index', { buy: 'p-cream' })
    await page.waitForText('提交订单')
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(page.find('#join-offer')).toBeUndefined()
  })
})
