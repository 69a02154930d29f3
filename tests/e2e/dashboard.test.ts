/**
 * The HQ dashboard in Chromium over the demo data: a shopper of one store buys online and at the
 * till, a shopper of the other store at its till; HQ picks the first store in the filter (kept
 * in the URL), presses 刷新 and reads that store's sales, and the sales chart is drawn; the other
 * store's address shows its own.
 */
import { existsSync } from 'node:fs'
import path from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { buildConsole } from '../../scripts/build-console'
import { launchChromium, screenshotter } from '../support/browser'
import {
  startTestStack,
  TEST_ADMIN_PASSWORD,
  type Personas,
  type TestStack,
} from '../support/local-stack'

jest.setTimeout(90_000)

let stack: TestStack
let browser: Browser
let page: Page
let demo: Personas
const shot = screenshotter('dashboard')

beforeAll(async () => {
  if (!existsSync(path.resolve(__dirname, '..', '..', 'console', 'dist', 'index.html')))
    await buildConsole()
  stack = await startTestStack({ seed: true })
  demo = await stack.personas()
  browser = await launchChromium()
  const context = await browser.newContext({
    viewport: { width: 1360, height: 1000 },
    locale: 'zh-CN',
  })
  page = await context.newPage()
})

afterAll(async () => {
  await browser?.close()
  await stack?.stop()
})

async function ok(res: Promise<{ status: number; body: any }>) {
  const { status, body } = await res
  if (status !== 200) throw new Error(JSON.stringify(body))
  return body.data
}

/** A new member of the store's code, who then buys at the till of that store for `amountFen`. */
async function memberBuysAtTill(
  openid: string,
  storeId: string,
  amountFen: number,
  receiptNo: string,
  phone: string,
) {
  const code = demo.codes.find((c) => c.kind === 'store' && c.storeId === storeId)!
  await ok(stack.call('member', { action: 'bind', scene: code.scene, phone }, { openid }))
  const memberCode = (await ok(stack.call('member', { action: 'memberCode' }, { openid })))
    .code as string
  const clerk = demo.personas.find((p) => p.role === 'clerk' && p.storeId === storeId)!
  await ok(
    stack.call(
      'staff',
      { action: 'recordSale', memberCode, amountFen, receiptNo },
      { openid: clerk.openid },
    ),
  )
}

test('HQ filters the dashboard by store and reads its sales, fresh after 刷新', async () => {
  const stores = (await ok(stack.admin({ action: 'listStores' }))).items as {
    storeId: string
    name: string
  }[]
  const [first, second] = stores
  await memberBuysAtTill('o-dash-e2e-a', first!.storeId, 12_345, 'E2E-A-1', '13900000101')
  await memberBuysAtTill('o-dash-e2e-b', second!.storeId, 50_000, 'E2E-B-1', '13900000102')
  const product = (
    await ok(stack.call('shop', { action: 'products' }, { openid: 'o-dash-e2e-c' }))
  )[0] as {
    productId: string
    priceFen: number
  }
  const order = await ok(
    stack.call(
      'shop',
      {
        action: 'createOrder',
        items: [{ productId: product.productId, qty: 2 }],
        fulfilment: 'pickup',
        storeId: first!.storeId,
      },
      { openid: 'o-dash-e2e-a' },
    ),
  )
  const paid = await fetch(`${stack.url}/sandbox/pay/${order.outTradeNo}`, {
    method: 'POST',
    body: '{}',
  })
  expect(paid.status).toBe(200)
  for (let i = 0; i < 50; i++) {
    const status = (
      await ok(
        stack.call('shop', { action: 'order', orderId: order.orderId }, { openid: 'o-dash-e2e-a' }),
      )
    ).status
    if (status === 'paid') break
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  const onlineFen = product.priceFen * 2
  // The order's commission is written by the after-payment timer (the shopper's read credits points).
  await stack.runJob('applyOrderEffects')

  await page.goto(`${stack.url}/admin/`)
  await page.fill('#login-username', 'admin')
  await page.fill('#login-password', TEST_ADMIN_PASSWORD)
  await page.click('#login-submit')
  await page.waitForSelector('text=会员总数')
  await page.click('#dashboard-store')
  await page.keyboard.type(first!.name)
  await page.keyboard.press('Enter')
  await page.waitForFunction(
    `location.hash.includes(${JSON.stringify(`storeId=${first!.storeId}`)})`,
  )
  await page.click('#dashboard-refresh')
  await page.waitForSelector('#dashboard-updated:has-text("数据更新于")')

  const yuanText = (fen: number) =>
    (fen / 100).toLocaleString('en-US', { minimumFractionDigits: 2 })
  const total = async (id: string) =>
    ((await page.textContent(`#${id} .ant-statistic-content`)) ?? '').replace(/\s/g, '')
  await page.waitForSelector(
    `#total-offline-sales .ant-statistic-content:has-text("${yuanText(12_345)}")`,
  )
  expect(await total('total-offline-sales')).toBe(`¥${yuanText(12_345)}`)
  expect(await total('total-online-sales')).toBe(`¥${yuanText(onlineFen)}`)
  expect(await total('total-net-sales')).toBe(`¥${yuanText(onlineFen + 12_345)}`)
  expect(await page.textContent('#total-online-sales')).toContain('1 单')
  expect(await page.textContent('#total-offline-sales')).toContain('1 笔')
  // 3% of each sale, half up to the fen.
  expect(await total('total-commission-accrued')).toBe(
    `¥${yuanText(Math.floor((onlineFen * 300 + 5000) / 10_000) + Math.floor((12_345 * 300 + 5000) / 10_000))}`,
  )
  expect(await page.locator('#sales-chart canvas').count()).toBeGreaterThan(0)
  await shot(page, 'store-filtered')

  // The filter lives in the URL: the other store's page opens with its own figures.
  await page.goto(`${stack.url}/admin/#/?storeId=${second!.storeId}`)
  await page.waitForSelector(
    `#total-offline-sales .ant-statistic-content:has-text("${yuanText(50_000)}")`,
  )
  expect(await total('total-online-sales')).toBe(`¥${yuanText(0)}`)
  await shot(page, 'other-store')
})
