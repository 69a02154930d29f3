/**
 * The shop in the mini-program's H5 build against the local stack: a member puts a product in
 * the cart, checks out for pickup at their store, pays with the sandbox's 模拟支付 (H5 has no
 * WeChat Pay) and gets the pickup code as a QR; the order shows in "my orders".
 * Screenshots: .test-artifacts/e2e/mini-program-shop/.
 */
import type { Browser } from 'playwright-core'
import { distanceMetres } from '../../shared/shop/rules/store-distance'
import { formatDistance } from '../../miniprogram/src/lib/format'
import { launchChromium } from '../support/browser'
import { startTestStack, type TestStack } from '../support/local-stack'
import { COLLECTIONS } from '../../shared/collections'
import { ensureH5Built, openMiniProgram, type MiniProgramSession } from './harness/mini-program'

jest.setTimeout(120_000)

const CREAM = 'p-rose-cream'
const SCARF = 'p-silk-scarf'

let stack: TestStack
let browser: Browser
let app: MiniProgramSession
let creamName: string
let creamPriceFen: number

beforeAll(async () => {
  const h5Dir = ensureH5Built()
  stack = await startTestStack({ seed: true, h5Dir })
  const demo = await stack.personas()
  const manager = demo.personas.find((p) => p.role === 'manager' && p.name === '周店长')
  const code = demo.codes.find((c) => c.kind === 'store' && c.storeId === manager?.storeId)
  const bound = await stack.call(
    'member',
    { action: 'bind', scene: code!.scene, phone: '13700137000' },
    { openid: 'demo-shopper-a' },
  )
  expect(bound.body.ok).toBe(true)
  const products = await stack.call('shop', { action: 'products' }, { openid: 'demo-shopper-a' })
  const cream = products.body.data.find((p: { productId: string }) => p.productId === CREAM)
  creamName = cream.name
  creamPriceFen = cream.priceFen
  browser = await launchChromium()
  app = await openMiniProgram(browser, stack.url, 'mini-program-shop')
})

afterAll(async () => {
  await app?.close()
  await browser?.close()
  await stack?.stop()
})

test('a member buys for pickup, pays in the sandbox and gets the pickup code', async () => {
  await app.open()
  await app.waitFor('/pages/home/index', '静安寺店')
  await app.tapTab('商城')
  await app.waitFor('/pages/shop/index', creamName)
  await app.current().locator(`#add-${CREAM}`).click()
  await app.current().locator(`#add-${CREAM}`).click()
  await app.current().getByText('已选 2 件').waitFor()
  // The stepper's − takes one back; its count shows between − and +.
  await app.current().locator(`#remove-${CREAM}`).click()
  await app.current().getByText('已选 1 件').waitFor()
  await app.current().locator(`#add-${CREAM}`).click()
  await app.current().getByText('已选 2 件').waitFor()
  expect(
    await app
      .current()
      .locator(`#product-list .qty-stepper:not(.qty-stepper--empty) input`)
      .first()
      .inputValue(),
  ).toBe('2')
  await app.shot('shop-cart')

  await app.current().locator('#go-checkout').click()
  await app.waitFor('/pages/checkout/index', '自提门店')
  // No location shared: the member's own store first.
  expect(await app.current().locator('.checkout-store').first().textContent()).toContain(
    '静安寺店我的门店',
  )
  await app.shot('checkout')

  await app.current().locator('#place-order').click()
  await app.waitFor('/pages/order/index', '待付款')
  expect(await app.current().textContent()).toContain(`${creamName} × 2`)
  await app.shot('order-awaiting-payment')

  await app.current().locator('#sandbox-pay').click()
  await app.current().getByText('待提货').first().waitFor()
  await app.current().locator('#pickup-code').waitFor()
  expect(await app.current().locator('#pickup-code .member-code__run').count()).toBeGreaterThan(50)
  await app.shot('order-paid-pickup-code')
})

test('the order is listed in "my orders" and the cart is empty again', async () => {
  // A fresh load (another query string), not just a new hash in the same document.
  await app.open('?after=pay#/pages/orders/index')
  await app.waitFor('/pages/orders/index', creamName)
  expect(await app.current().locator('.order-item').first().textContent()).toContain('待提货')
  await app.shot('my-orders')
  await app.open('?after=orders#/pages/shop/index')
  await app.waitFor('/pages/shop/index', creamName)
  expect(await app.current().getByText('去结算').count()).toBe(0)
})

test('the clerk hands the order over at the counter and sees the commission; the member sees the points', async () => {
  const profile = await stack.call('member', { action: 'profile' }, { openid: 'demo-shopper-a' })
  const clerkName = profile.body.data.clerkName as string
  const orders = await stack.call('shop', { action: 'myOrders' }, { openid: 'demo-shopper-a' })
  const pickupCode = orders.body.data.find((o: { pickupCode?: string | null }) => o.pickupCode)
    ?.pickupCode as string
  expect(pickupCode).toMatch(/^\d{8}$/)

  await app.open('?as=clerk#/pages/home/index')
  await app.waitFor('/pages/home/index', '静安寺店')
  await app.switchPersona(clerkName)
  await app.waitFor('/staff/home/index', '店员工作台')
  await app.current().locator('#tile-verify-pickup').click()
  await app.waitFor('/staff/verify-pickup/index', '核销码')
  await app.current().locator('#pickup-code input').fill(pickupCode)
  await app.current().locator('#pickup-lookup').click()
  await app.current().locator('#pickup-card').getByText(creamName, { exact: false }).waitFor()
  await app.current().locator('#pickup-submit').click()
  await app.current().locator('#pickup-done').waitFor()
  await app.shot('clerk-hands-over-order')

  await app.page.goBack()
  await app.waitFor('/staff/home/index', '店员工作台')
  await app.current().locator('#tile-performance').click()
  await app.waitFor('/staff/performance/index', '本月提成')
  const commission = (await app.current().locator('#performance-commission').textContent()) ?? ''
  expect(commission).not.toContain('¥0.00待结算')
  expect(commission).toMatch(/¥\d+\.\d{2}待结算/)
  await app.shot('clerk-commission')

  // The member's points for the order: one per yuan paid, on the card and in the history.
  await app.switchPersona('顾客 A')
  await app.tapTab('积分')
  await app.waitFor('/pages/points/index', '积分明细')
  const earned = Math.floor((2 * creamPriceFen) / 100) // two in the cart; standard tier, 1 point per yuan
  expect((await app.current().locator('#points-balance').textContent())?.trim()).toBe(
    String(100 + earned),
  )
  expect((await app.current().locator('#points-ledger').textContent()) ?? '').toContain(
    `+${earned}`,
  )
  await app.shot('member-points-after-order')
})

test('near 徐家汇 the checkout lists 徐家汇店 first with its distance; a product page puts the product in the cart', async () => {
  // Outside 港汇恒隆, a short walk from 徐家汇店 (the member's own store is 静安寺店).
  const here = { latitude: 31.1941, longitude: 121.4361 }
  const nearby = await openMiniProgram(browser, stack.url, 'mini-program-shop-nearby', {
    geolocation: here,
  })
  try {
    await nearby.open('#/pages/shop/index')
    await nearby.waitFor('/pages/shop/index', creamName)
    await nearby.current().locator(`#product-${SCARF}`).click()
    await nearby.waitFor('/pages/product/index', '加入购物车')
    expect(await nearby.current().locator('#product-price').textContent()).toBe('¥259.00')
    expect(await nearby.current().locator('#product-stock').textContent()).toContain('2 家门店有货')
    await nearby.shot('product-detail')
    await nearby.current().locator('#add-to-cart').click()
    await nearby.current().getByText('已有 1 件').waitFor()

    await nearby.page.goBack()
    await nearby.waitFor('/pages/shop/index', '已选 1 件')
    await nearby.current().locator('#go-checkout').click()
    await nearby.waitFor('/pages/checkout/index', '由近到远')
    const stores = nearby.current().locator('.checkout-store')
    const stored = (await stack.db.collection(COLLECTIONS.stores.name).limit(10).get()) as {
      data: { name: string; location: { lat: number; lng: number } }[]
    }
    const from = { lat: here.latitude, lng: here.longitude }
    const away = (name: string) =>
      formatDistance(distanceMetres(from, stored.data.find((s) => s.name === name)!.location))
    expect(await stores.nth(0).locator('.checkout-store__name').textContent()).toBe('徐家汇店')
    expect(await stores.nth(0).locator('.checkout-store__distance').textContent()).toBe(
      away('徐家汇店'),
    )
    expect(await stores.nth(1).locator('.checkout-store__name').textContent()).toBe(
      '静安寺店我的门店',
    )
    expect(await stores.nth(1).locator('.checkout-store__distance').textContent()).toBe(
      away('静安寺店'),
    )
    expect(away('静安寺店')).toMatch(/^3\.\d km$/)
    await nearby.shot('checkout-nearest-first')

    // The nearest store is chosen: the order is for pickup there.
    await nearby.current().locator('#place-order').click()
    await nearby.waitFor('/pages/order/index', '待付款')
    expect(await nearby.current().textContent()).toContain('真丝方巾 90cm × 1')
    const mine = await stack.call('shop', { action: 'myOrders' }, { openid: 'demo-shopper-a' })
    const xujiahui = stored.data.find((s) => s.name === '徐家汇店') as unknown as { _id: string }
    expect(mine.body.data[0]).toMatchObject({
      storeId: xujiahui._id,
      fulfilment: 'pickup',
      items: [{ productId: SCARF, qty: 1 }],
    })
  } finally {
    await nearby.close()
  }
})
