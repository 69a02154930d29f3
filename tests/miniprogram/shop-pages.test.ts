import { qrPattern } from '../../miniprogram/src/lib/qr-matrix'
import { CONSENT_NONE, OFFLINE, ok } from './harness/fixtures'
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

function runCount(code: string): number {
  return qrPattern(code).rows.reduce((sum, row) => sum + row.length, 0)
}

const PRODUCTS = [
  {
    productId: 'p-cream',
    name: '玫瑰保湿面霜 50g',
    description: '温和保湿',
    priceFen: 16800,
    images: ['https://example.com/cream.png'],
    available: { central: 200, stores: { s1: 20, s2: 0 } },
  },
  {
    productId: 'p-tea',
    name: '明前龙井礼盒',
    description: '',
    priceFen: 39900,
    images: [],
    available: { central: 0, stores: {} },
  },
]

/** A paid pickup order as the server views it for its member (label and actions from shop/lifecycle.ts). */
const ORDER = {
  orderId: 'o1',
  orderNo: '20261120000042',
  status: 'paid',
  state: 'awaiting_pickup',
  statusLabel: '待提货',
  actions: [] as string[],
  refundedFen: 0,
  fulfilment: 'pickup',
  storeId: 's1',
  items: [{ productId: 'p-cream', name: '玫瑰保湿面霜 50g', priceFen: 16800, qty: 2 }],
  totalFen: 33600,
  outTradeNo: 'T1',
  expiresAt: '2026-11-20T02:15:00.000Z',
  createdAt: '2026-11-20T02:00:00.000Z',
  paidAt: '2026-11-20T02:01:00.000Z',
  pickupCode: '52074687',
  deliveryAddress: null,
  shipment: null,
  deliveredAt: null,
}

const CREAM = PRODUCTS[0]!

/** What `shop.stores` answers near 徐家汇 (nearest first), and without a location (home store first). */
const XUJIAHUI = {
  storeId: 's2',
  name: '徐家汇店',
  address: '上海市徐汇区虹桥路 1 号',
  location: { lat: 31.1955, lng: 121.4375 },
  isHomeStore: false,
}
const JINGAN = {
  storeId: 's1',
  name: '静安寺店',
  address: '上海市静安区南京西路 1618 号',
  location: { lat: 31.2235, lng: 121.4453 },
  isHomeStore: true,
}
const LUJIAZUI = {
  storeId: 's3',
  name: '陆家嘴店',
  address: '上海市浦东新区世纪大道 8 号',
  location: null,
  isHomeStore: false,
}
const TEA_SHORT = [{ productId: 'p-cream', name: '玫瑰保湿面霜 50g', available: 0, wanted: 1 }]

/** The mini-program's storage as a map, so the cart a page saves is there to read. */
function memoryStorage(): Map<string, unknown> {
  const stored = new Map<string, unknown>()
  Object.assign((globalThis as unknown as { wx: Record<string, unknown> }).wx, {
    setStorageSync: (key: string, value: unknown) => void stored.set(key, value),
    getStorageSync: (key: string) => stored.get(key) ?? '',
  })
  return stored
}

describe('shop (the built WeChat pages)', () => {
  let page: RenderedPage | undefined
  beforeEach(resetCalls)
  afterEach(() => page?.detach())

  it('lists products with price and what can be ordered for pickup', async () => {
    answerFunctions((name, event) =>
      name === 'shop' && event.action === 'products' ? ok(PRODUCTS) : ok({}),
    )
    page = openPage('pages/shop/index')
    await page.waitForText('玫瑰保湿面霜 50g')
    expect(page.text()).toContain('¥168.00')
    expect(page.text()).toContain('各门店共可订 20 件')
    expect(page.text()).toContain('暂时缺货')
    // One cover per product: HQ's image where there is one (its src is checked in the H5 e2e), the
    // neutral placeholder for the other.
    const items = page.dom.querySelectorAll('[class~="main--product-item"]')
    for (const item of [items[0]!, items[1]!])
      expect(item.querySelectorAll('[class~="main--product-item__cover"]')).toHaveLength(1)
    expect(items[0]!.querySelectorAll('[class~="main--cover-image__img"]')).toHaveLength(1)
    expect(items[1]!.querySelectorAll('[class~="main--cover-image__img"]')).toHaveLength(0)
    expect(items[1]!.querySelectorAll('[class~="main--cover-image__placeholder"]')).toHaveLength(1)
  })

  it('shows a paid pickup order with its timeline, the pickup code and no sandbox pay button', async () => {
    answerFunctions((name, event) =>
      name === 'shop' && event.action === 'order'
        ? ok(ORDER)
        : event.action === 'consentStatus'
          ? ok(CONSENT_NONE)
          : ok({}),
    )
    page = openPage('pages/order/index', { id: 'o1' })
    await page.waitForText('待提货')
    expect(cloudCalls().find((c) => c.name === 'shop')?.data).toMatchObject({
      action: 'order',
      orderId: 'o1',
    })
    expect(page.findAll('.timeline-step--done')).toHaveLength(3)
    expect(page.textOf('#order-no')).toBe('订单号 20261120000042')
    // The pickup code drawn as a QR by the native member-code component (classes prefixed by its tag).
    await page.waitForText('5207 4687')
    expect(page.dom.querySelectorAll('[class~="member-code--member-code__run"]').length).toBe(
      runCount('52074687'),
    )
    expect(page.text()).toContain('合计 ¥336.00')
    expect(page.text()).not.toContain('模拟支付')
  })

  it('opens a product from the list', async () => {
    answerFunctions((name, event) =>
      name === 'shop' && event.action === 'products' ? ok(PRODUCTS) : ok({}),
    )
    page = openPage('pages/shop/index')
    await page.tap('product-p-cream')
    expect(wxCalls('navigateTo').at(-1)?.args).toMatchObject({
      url: '/pages/product/index?id=p-cream',
    })
  })

  it('the list’s ± stepper adds up to the stock, stops there, and takes the line back out', async () => {
    const storage = memoryStorage()
    const twoLeft = { ...CREAM, available: { central: 200, stores: { s1: 2 } } }
    answerFunctions((name, event) =>
      name === 'shop' && event.action === 'products' ? ok([twoLeft, PRODUCTS[1]]) : ok({}),
    )
    page = openPage('pages/shop/index')
    await page.waitForText('各门店共可订 2 件')
    const classOf = (id: string) => page?.find(`#${id}`)?.dom?.getAttribute('class') ?? ''
    // Nothing in the cart: each product shows only its +; the sold-out one's + is disabled.
    expect(page.findAll('.qty-stepper--empty')).toHaveLength(2)
    expect(classOf('add-p-cream')).not.toContain('stepper__increase--disabled')
    expect(classOf('add-p-tea')).toContain('stepper__increase--disabled')
    await page.tap('add-p-tea')
    expect(storage.get('shop-cart') ?? []).toEqual([])

    await page.tap('add-p-cream')
    await page.waitForText('已选 1 件')
    expect(storage.get('shop-cart')).toEqual([{ productId: 'p-cream', qty: 1 }])
    expect(page.findAll('.qty-stepper--empty')).toHaveLength(1)
    await page.tap('add-p-cream')
    await page.waitForText('已选 2 件')
    // Two in stock: the + greys out and a further tap changes nothing.
    expect(classOf('add-p-cream')).toContain('stepper__increase--disabled')
    await page.tap('add-p-cream')
    expect(storage.get('shop-cart')).toEqual([{ productId: 'p-cream', qty: 2 }])

    await page.tap('remove-p-cream')
    await page.waitForText('已选 1 件')
    expect(classOf('add-p-cream')).not.toContain('stepper__increase--disabled')
    await page.tap('remove-p-cream')
    await page.waitFor(() => !(page?.text() ?? '').includes('已选'), 'the cart bar to go')
    expect(storage.get('shop-cart')).toEqual([])
    expect(page.findAll('.qty-stepper--empty')).toHaveLength(2)
  })

  it('shows a product with price, description and stock, and adds it to the cart', async () => {
    const storage = memoryStorage()
    answerFunctions((name, event) =>
      name === 'shop' && event.action === 'product' ? ok(CREAM) : ok({}),
    )
    page = openPage('pages/product/index', { id: 'p-cream' })
    await page.waitForText('玫瑰保湿面霜 50g')
    expect(cloudCalls().find((c) => c.name === 'shop')?.data).toMatchObject({
      action: 'product',
      productId: 'p-cream',
    })
    expect(page.textOf('#product-price')).toBe('¥168.00')
    expect(page.text()).toContain('温和保湿')
    expect(page.textOf('#product-stock')).toContain('1 家门店有货，共 20 件')
    expect(page.textOf('#product-stock')).toContain('仓库有货 200 件')

    await page.tap('add-to-cart')
    await page.waitForText('已有 1 件')
    expect(storage.get('shop-cart')).toEqual([{ productId: 'p-cream', qty: 1 }])
    await page.tap('add-to-cart')
    await page.waitForText('已有 2 件')
    expect(storage.get('shop-cart')).toEqual([{ productId: 'p-cream', qty: 2 }])

    await page.tap('buy-now')
    expect(wxCalls('navigateTo').at(-1)?.args).toMatchObject({
      url: '/pages/checkout/index?buy=p-cream',
    })
  })

  it('a sold-out product cannot be bought', async () => {
    answerFunctions((name, event) =>
      name === 'shop' && event.action === 'product' ? ok(PRODUCTS[1]) : ok({}),
    )
    page = openPage('pages/product/index', { id: 'p-tea' })
    await page.waitForText('暂时缺货')
    expect(page.textOf('#product-stock')).toContain('门店暂时缺货')
    await page.tap('buy-now')
    expect(wxCalls('navigateTo')).toHaveLength(0)
  })

  it('store picker: with the shopper’s location, nearest first with distances; a store short of stock is disabled with why', async () => {
    answerLocation({ latitude: 31.1941, longitude: 121.4361 })
    answerFunctions((name, event) => {
      if (name === 'shop' && event.action === 'products') return ok(PRODUCTS)
      if (name === 'shop' && event.action === 'stores') {
        return ok([
          { ...XUJIAHUI, distanceM: 196, shortages: TEA_SHORT },
          { ...JINGAN, distanceM: 3342, shortages: [] },
          { ...LUJIAZUI, distanceM: null, shortages: [] },
        ])
      }
      return ok({})
    })
    page = openPage('pages/checkout/index', { buy: 'p-cream' })
    await page.waitForText('由近到远')
    expect(wxCalls('getLocation')[0]?.args).toMatchObject({ type: 'gcj02' })
    expect(cloudCalls().find((c) => c.data.action === 'stores')?.data).toEqual({
      action: 'stores',
      items: [{ productId: 'p-cream', qty: 1 }],
      near: { lat: 31.1941, lng: 121.4361 },
    })
    const stores = page
      .findAll('.checkout-store')
      .map((n) => (n.dom?.textContent ?? '').replace(/\s+/g, ' ').trim())
    expect(stores).toEqual([
      `徐家汇店200 m上海市徐汇区虹桥路 1 号缺货：玫瑰保湿面霜 50g（剩 0 件）`,
      `静安寺店我的门店3.3 km上海市静安区南京西路 1618 号`,
      `陆家嘴店上海市浦东新区世纪大道 8 号`,
    ])
    // The nearest store cannot fill the cart: the next one is chosen, and tapping the first changes nothing.
    expect(page.find('#store-s1')?.dom?.getAttribute('class')).toContain('checkout-store--on')
    await page.tap('store-s2')
    expect(page.find('#store-s2')?.dom?.getAttribute('class')).toContain('checkout-store--off')
    expect(page.find('#store-s1')?.dom?.getAttribute('class')).toContain('checkout-store--on')
  })

  it('store picker: without permission, the stores as the server orders them (home store first), no distances', async () => {
    answerLocation(null)
    answerFunctions((name, event) => {
      if (name === 'shop' && event.action === 'products') return ok(PRODUCTS)
      if (name === 'shop' && event.action === 'stores') {
        return ok([
          { ...JINGAN, distanceM: null, shortages: [] },
          { ...LUJIAZUI, distanceM: null, shortages: [] },
          { ...XUJIAHUI, distanceM: null, shortages: [] },
        ])
      }
      return ok({})
    })
    page = openPage('pages/checkout/index', { buy: 'p-cream' })
    await page.waitForText('允许获取位置后')
    expect(cloudCalls().find((c) => c.data.action === 'stores')?.data).not.toHaveProperty('near')
    expect(page.findAll('.checkout-store__name').map((n) => n.dom?.textContent?.trim())).toEqual([
      '静安寺店我的门店',
      '陆家嘴店',
      '徐家汇店',
    ])
    expect(page.text()).not.toMatch(/\d km|\d m\b/)
  })

  it('checkout for delivery: checks the address before sending it with the order', async () => {
    answerFunctions((name, event) => {
      if (name === 'shop' && event.action === 'products') return ok(PRODUCTS)
      if (name === 'shop' && event.action === 'stores')
        return ok([{ ...JINGAN, distanceM: null, shortages: [] }])
      if (name === 'shop' && event.action === 'createOrder')
        return ok({
          orderId: 'o9',
          outTradeNo: 'T9',
          payParams: {},
          totalFen: 16800,
          expiresAt: '2026-11-20T02:15:00.000Z',
        })
      return ok({})
    })
    page = openPage('pages/checkout/index', { buy: 'p-cream', fulfilment: 'delivery' })
    await page.waitForText('收货地址')
    await page.tap('place-order')
    await page.waitForText('请输入 11 位手机号')
    expect(cloudCalls().some((c) => c.data.action === 'createOrder')).toBe(false)
    const type = (id: string, value: string) =>
      page!.find(`#${id}`)!.dispatchEvent('input', { detail: { value } })
    type('mail-name', '林女士')
    type('mail-phone', '13812345678')
    type('mail-province', '上海市')
    type('mail-city', '上海市')
    type('mail-district', '徐汇区')
    type('mail-detail', '虹桥路 1 号 1001 室')
    await page.tap('place-order')
    await page.waitFor(
      () => cloudCalls().some((c) => c.data.action === 'createOrder'),
      'createOrder',
    )
    expect(cloudCalls().find((c) => c.data.action === 'createOrder')?.data).toEqual({
      action: 'createOrder',
      items: [{ productId: 'p-cream', qty: 1 }],
      fulfilment: 'delivery',
      deliveryAddress: {
        name: '林女士',
        phone: '13812345678',
        province: '上海市',
        city: '上海市',
        district: '徐汇区',
        detail: '虹桥路 1 号 1001 室',
      },
      // One checkout attempt's key (lib/order-request.ts): a retry of this submit sends it again.
      requestId: expect.stringMatching(/^[A-Za-z0-9_-]{16,64}$/),
    })
  })

  it('checkout: a submit whose answer never came is sent again with the same requestId; a refusal or another store starts a new one', async () => {
    const replies: unknown[] = [
      OFFLINE, // the first submit times out: 重试 in the dialog sends it again
      {
        ok: false,
        error: { code: 'CONFLICT', message: '库存不足：玫瑰保湿面霜 50g（剩余 0）' },
      },
      OFFLINE, // another store, then the dialog is dismissed; the next tap is the same attempt
    ]
    const created = {
      orderId: 'o9',
      outTradeNo: 'T9',
      payParams: {},
      totalFen: 16800,
      expiresAt: '2026-11-20T02:15:00.000Z',
    }
    answerFunctions((name, event) => {
      if (name === 'shop' && event.action === 'products') return ok(PRODUCTS)
      if (name === 'shop' && event.action === 'stores')
        return ok([
          { ...JINGAN, distanceM: null, shortages: [] },
          { ...XUJIAHUI, distanceM: null, shortages: [] },
        ])
      if (name === 'shop' && event.action === 'createOrder')
        return (replies.shift() ?? ok(created)) as ReturnType<typeof ok>
      return ok({})
    })
    const orderCalls = () =>
      cloudCalls()
        .filter((c) => c.data.action === 'createOrder')
        .map((c) => c.data as { storeId: string; requestId: string })
    answerModals(true)
    page = openPage('pages/checkout/index', { buy: 'p-cream' })
    await page.waitForText('静安寺店')
    await page.tap('place-order')
    await page.waitFor(() => orderCalls().length === 2, 'the retried createOrder')
    const [first, retried] = orderCalls()
    expect(first!.requestId).toMatch(/^[A-Za-z0-9_-]{16,64}$/)
    expect(retried).toEqual(first)
    expect(wxCalls('showModal').map((c) => (c.args as { content: string }).content)).toContain(
      '网络连接失败，请检查网络后重试',
    )
    // The retry was refused (an answer): the shopper reads why, and the next submit is new.
    await page.waitFor(
      () =>
        wxCalls('showToast').some(
          (c) => (c.args as { title: string }).title === '库存不足：玫瑰保湿面霜 50g（剩余 0）',
        ),
      'the refusal',
    )
    answerModals(false)
    await page.tap('store-s2')
    await page.tap('place-order')
    await page.waitFor(() => orderCalls().length === 3, 'the order at 徐家汇店')
    const atXujiahui = orderCalls()[2]!
    expect(atXujiahui.storeId).toBe('s2')
    expect(atXujiahui.requestId).toMatch(/^[A-Za-z0-9_-]{16,64}$/)
    expect(atXujiahui.requestId).not.toBe(first!.requestId)
    // Its answer was lost and the dialog dismissed: tapping again is the same attempt.
    await page.waitFor(() => wxCalls('showModal').length === 2, 'the second failure dialog')
    await page.tap('place-order')
    await page.waitFor(() => orderCalls().length === 4, 'the same order again')
    expect(orderCalls()[3]).toEqual(atXujiahui)
    await page.waitFor(() => wxCalls('redirectTo').length === 1, 'the order page')
  })

  it('checkout for delivery: the address comes from the WeChat address book', async () => {
    answerFunctions((name, event) => {
      if (name === 'shop' && event.action === 'products') return ok(PRODUCTS)
      if (name === 'shop' && event.action === 'stores')
        return ok([{ ...JINGAN, distanceM: null, shortages: [] }])
      if (name === 'shop' && event.action === 'createOrder')
        return ok({
          orderId: 'o9',
          outTradeNo: 'T9',
          payParams: {},
          totalFen: 16800,
          expiresAt: '2026-11-20T02:15:00.000Z',
        })
      return ok({})
    })
    page = openPage('pages/checkout/index', { buy: 'p-cream', fulfilment: 'delivery' })
    await page.waitForText('收货地址')
    await page.tap('mail-choose-address')
    await page.waitFor(() => wxCalls('chooseAddress').length === 1, 'chooseAddress')
    // The imported address reaches the form in a render React schedules after chooseAddress
    // resolves (inputs show no text to wait for); a finger is never this quick.
    await new Promise((resolve) => setTimeout(resolve, 50))
    await page.tap('place-order')
    await page.waitFor(
      () => cloudCalls().some((c) => c.data.action === 'createOrder'),
      'createOrder',
    )
    expect(cloudCalls().find((c) => c.data.action === 'createOrder')?.data).toMatchObject({
      fulfilment: 'delivery',
      deliveryAddress: {
        name: '林女士',
        phone: '13812345678',
        province: '上海市',
        city: '上海市',
        district: '徐汇区',
        detail: '虹桥路 1 号 1001 室',
      },
    })
    expect(cloudCalls().find((c) => c.data.action === 'createOrder')?.data).not.toHaveProperty(
      'storeId',
    )
  })

  it('shows a shipped delivery order with carrier, tracking number and where it goes', async () => {
    const shipped = {
      ...ORDER,
      status: 'shipped',
      state: 'shipped',
      statusLabel: '待收货',
      actions: ['confirmReceipt'],
      fulfilment: 'delivery',
      storeId: null,
      pickupCode: null,
      deliveryAddress: {
        name: '林女士',
        phone: '13812345678',
        province: '上海市',
        city: '上海市',
        district: '徐汇区',
        detail: '虹桥路 1 号 1001 室',
      },
      shipment: {
        carrier: '顺丰速运',
        trackingNo: 'SF1234567890',
        shippedAt: '2026-11-20T06:00:00.000Z',
      },
    }
    answerFunctions((name, event) =>
      name === 'shop' && event.action === 'order'
        ? ok(shipped)
        : event.action === 'consentStatus'
          ? ok(CONSENT_NONE)
          : ok({}),
    )
    page = openPage('pages/order/index', { id: 'o1' })
    await page.waitForText('已发货')
    expect(page.textOf('#order-status')).toContain('待收货')
    expect(page.find('#confirm-receipt')).toBeDefined()
    expect(page.text()).toContain('顺丰速运 运单号 SF1234567890')
    expect(page.text()).toContain('2026-11-20 14:00')
    expect(page.textOf('#order-address')).toMatch(
      /^林女士 13812345678\s?上海市徐汇区 虹桥路 1 号 1001 室$/,
    )
    // Submitted, paid, shipped; not yet delivered.
    expect(page.findAll('.timeline-step--done')).toHaveLength(3)
    expect(page.findAll('.timeline-step')).toHaveLength(4)
    expect(page.find('#pickup-code')).toBeUndefined()
  })
  it('shows a fully refunded shipped order as the server labels it, with nothing to confirm', async () => {
    const refunded = {
      ...ORDER,
      status: 'shipped',
      state: 'refunded',
      statusLabel: '已退款',
      actions: [],
      refundedFen: ORDER.totalFen,
      fulfilment: 'delivery',
      storeId: null,
      pickupCode: null,
      shipment: { carrier: '顺丰速运', trackingNo: 'SF1', shippedAt: '2026-11-20T06:00:00.000Z' },
    }
    answerFunctions((name, event) =>
      name === 'shop' && event.action === 'order'
        ? ok(refunded)
        : event.action === 'consentStatus'
          ? ok(CONSENT_NONE)
          : ok({}),
    )
    page = openPage('pages/order/index', { id: 'o1' })
    await page.waitForText('顺丰速运 运单号 SF1')
    expect(page.textOf('#order-status')).toContain('已退款')
    expect(page.find('#confirm-receipt')).toBeUndefined()
    expect(page.find('#consent-card')).toBeUndefined()
  })

  it('pays an unpaid order again with fresh parameters for the same payment', async () => {
    const unpaid = {
      ...ORDER,
      status: 'awaiting_payment',
      state: 'awaiting_payment',
      statusLabel: '待付款',
      actions: ['pay', 'cancel'],
      paidAt: null,
      pickupCode: null,
    }
    const payParams = {
      appId: 'wx-app',
      timeStamp: '1763900000',
      nonceStr: 'n0nce',
      package: 'prepay_id=wx123',
      signType: 'RSA',
      paySign: 'c2lnbg==',
    }
    let paid = false
    answerFunctions((name, event) => {
      if (event.action === 'consentStatus') return ok(CONSENT_NONE)
      if (name !== 'shop') return ok({})
      if (event.action === 'payOrder') {
        paid = true
        return ok({
          orderId: 'o1',
          outTradeNo: 'T1',
          payParams,
          totalFen: ORDER.totalFen,
          expiresAt: ORDER.expiresAt,
        })
      }
      return ok(paid ? ORDER : unpaid)
    })
    page = openPage('pages/order/index', { id: 'o1' })
    await page.waitForText('待付款')
    expect(page.find('#sandbox-pay')).toBeUndefined()
    await page.tap('pay-again')
    await page.waitForText('待提货')
    expect(cloudCalls().find((c) => c.data.action === 'payOrder')?.data).toMatchObject({
      action: 'payOrder',
      orderId: 'o1',
    })
    expect(wxCalls('requestPayment')[0]?.args).toMatchObject(payParams)
    expect(page.find('#pickup-code')).toBeDefined()
  })

  it('confirms receipt of a shipped delivery order only after the member agrees', async () => {
    const shipped = {
      ...ORDER,
      fulfilment: 'delivery',
      storeId: null,
      pickupCode: null,
      status: 'shipped',
      state: 'shipped',
      statusLabel: '待收货',
      actions: ['confirmReceipt'],
      deliveryAddress: {
        name: '林女士',
        phone: '13812345678',
        province: '上海市',
        city: '上海市',
        district: '徐汇区',
        detail: '虹桥路 1 号 1001 室',
      },
      shipment: {
        carrier: '顺丰速运',
        trackingNo: 'SF1234567890',
        shippedAt: '2026-11-20T06:00:00.000Z',
      },
    }
    let delivered = false
    answerFunctions((name, event) => {
      if (name !== 'shop') return ok({})
      if (event.action === 'confirmReceipt') delivered = true
      return ok(
        delivered
          ? {
              ...shipped,
              status: 'delivered',
              state: 'delivered',
              statusLabel: '已签收',
              actions: [],
              deliveredAt: '2026-11-22T02:00:00.000Z',
            }
          : shipped,
      )
    })
    page = openPage('pages/order/index', { id: 'o1' })
    await page.waitForText('确认收货')
    await page.tap('confirm-receipt')
    await page.waitFor(() => wxCalls('showModal').length === 1, 'the confirm dialog')
    expect(cloudCalls().some((c) => c.data.action === 'confirmReceipt')).toBe(false)
    answerModals(true)
    await page.tap('confirm-receipt')
    // The timeline always names the 已签收 step: wait for the button to go instead.
    await page.waitFor(
      () => page?.find('#confirm-receipt') === undefined,
      'the confirm button to go',
    )
    expect(cloudCalls().filter((c) => c.data.action === 'confirmReceipt')).toHaveLength(1)
    expect(page.textOf('#order-status')).toContain('已签收')
    expect(page.findAll('.timeline-step--done')).toHaveLength(4)
  })
})
