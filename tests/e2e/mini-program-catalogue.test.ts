/**
 * A product HQ creates in the console reaches the mini-program's shop (H5 build, local stack):
 * its name, price, cover image and the stock HQ set per store; a member can put it in the cart.
 * Screenshots: .test-artifacts/e2e/mini-program-catalogue/.
 */
import type { Browser } from 'playwright-core'
import { launchChromium } from '../support/browser'
import { startTestStack, type TestStack } from '../support/local-stack'
import { ensureH5Built, openMiniProgram, type MiniProgramSession } from './harness/mini-program'

jest.setTimeout(120_000)

const PNG_1PX =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=='

let stack: TestStack
let browser: Browser
let app: MiniProgramSession
let productId: string

beforeAll(async () => {
  const h5Dir = ensureH5Built()
  stack = await startTestStack({ seed: true, h5Dir })
  const demo = await stack.personas()
  const store = demo.codes.find((c) => c.kind === 'store')!
  const bound = await stack.call(
    'member',
    { action: 'bind', scene: store.scene, phone: '13700137001' },
    { openid: 'demo-shopper-a' },
  )
  expect(bound.body.ok).toBe(true)
  // What the console's 新建商品 and 库存 drawer send (tests/e2e/console-catalogue.test.ts drives them).
  const image = await stack.admin({
    action: 'uploadProductImage',
    contentType: 'image/png',
    dataBase64: PNG_1PX,
  })
  const created = await stack.admin({
    action: 'createProduct',
    name: '桂花乌龙茶 100g',
    priceFen: 6850,
    description: '秋季限定',
    images: [image.body.data.fileId],
    sort: 0,
  })
  productId = created.body.data.productId as string
  const set = await stack.admin({
    action: 'setStock',
    productId,
    locationId: store.storeId,
    quantity: 12,
  })
  expect(set.status).toBe(200)
  browser = await launchChromium()
  app = await openMiniProgram(browser, stack.url, 'mini-program-catalogue')
})

afterAll(async () => {
  await app?.close()
  await browser?.close()
  await stack?.stop()
})

test("the console's new product is in the shop with its cover, price and store stock", async () => {
  await app.open()
  await app.tapTab('商城')
  await app.waitFor('/pages/shop/index', '桂花乌龙茶 100g')
  const item = app.current().locator('.product-item', { hasText: '桂花乌龙茶 100g' })
  const text = (await item.textContent()) ?? ''
  expect(text).toContain('¥68.50')
  expect(text).toContain('秋季限定')
  expect(text).toContain('各门店共可订 12 件')
  const cover = item.locator('.product-item__cover img')
  await cover.waitFor()
  expect(
    await cover.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth),
  ).toBe(1)
  await app.shot('shop-with-console-product')
  await app.current().locator(`#add-${productId}`).click()
  await app.current().getByText('已选 1 件').waitFor()
  await app.shot('in-cart')
})
