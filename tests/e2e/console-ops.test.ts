/**
 * HQ's day-to-day console (issue #18: commission settings, dashboard, orders, campaigns, times),
 * in Chromium whose time zone is America/New_York: every time on screen must still be
 * Asia/Shanghai's. An operator sets the commission rules (a bad rate refused on its field), reads
 * them on the settlement with the codes payroll files; finds a delivery order by its number, by
 * phone and under 已退款 after a full refund (no 标记签收); ranks stores and clerks against the
 * previous period and downloads what is shown; builds a campaign from labelled fields and a page
 * picker, sees who matches and who can receive, and reads the failures in Chinese while the list
 * keeps up by itself. Screenshots of each step in .test-artifacts/e2e/console-ops/.
 */
import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { buildConsole } from '../../scripts/build-console'
import { formatShanghaiMinute } from '../../shared/platform/calendar'
import { launchChromium, screenshotter } from '../support/browser'
import {
  startTestStack,
  TEST_ADMIN_PASSWORD,
  type Personas,
  type TestStack,
} from '../support/local-stack'

jest.setTimeout(180_000)

let stack: TestStack
let browser: Browser
let page: Page
let demo: Personas
const shot = screenshotter('console-ops')
const CREAM = 'p-rose-cream'
const ADDRESS = {
  name: '林女士',
  phone: '13800138000',
  province: '上海市',
  city: '上海市',
  district: '静安区',
  detail: '南京西路 1 号',
}

async function ok(res: Promise<{ status: number; body: any }>) {
  const { status, body } = await res
  if (status !== 200) throw new Error(JSON.stringify(body))
  return body.data
}

async function bind(openid: string, phone: string, kind: 'store' | 'clerk' = 'clerk') {
  const code = demo.codes.find((c) => c.kind === kind)!
  return ok(stack.call('member', { action: 'bind', scene: code.scene, phone }, { openid }))
}

async function paidDeliveryOrder(openid: string) {
  const order = await ok(
    stack.call(
      'shop',
      {
        action: 'createOrder',
        items: [{ productId: CREAM, qty: 1 }],
        fulfilment: 'delivery',
        deliveryAddress: ADDRESS,
      },
      { openid },
    ),
  )
  const paid = await fetch(`${stack.url}/sandbox/pay/${order.outTradeNo}`, {
    method: 'POST',
    body: '{}',
  })
  expect(paid.status).toBe(200)
  await stack.runJob('applyOrderEffects')
  return order as { orderId: string; outTradeNo: string }
}

beforeAll(async () => {
  if (!existsSync(path.resolve(__dirname, '..', '..', 'console', 'dist', 'index.html')))
    await buildConsole()
  stack = await startTestStack({ seed: true })
  demo = await stack.personas()
  browser = await launchChromium()
  const context = await browser.newContext({
    viewport: { width: 1440, height: 1000 },
    locale: 'zh-CN',
    // Chromium's time-zone emulation: the operator's laptop is set to New York.
    timezoneId: 'America/New_York',
    acceptDownloads: true,
  })
  page = await context.newPage()
  await page.goto(`${stack.url}/admin/`)
  await page.fill('#login-username', 'admin')
  await page.fill('#login-password', TEST_ADMIN_PASSWORD)
  await page.click('#login-submit')
  await page.waitForSelector('text=会员总数')
  expect(await page.evaluate(() => Intl.DateTimeFormat().resolvedOptions().timeZone)).toBe(
    'America/New_York',
  )
})

afterAll(async () => {
  await browser?.close()
  await stack?.stop()
})

test('commission rules on the rules page: a bad rate is refused on its field; saved, they show on the settlement', async () => {
  await page.click('.ant-menu-item:has-text("业绩归属规则")')
  await page.waitForSelector('#commission-rules')
  await page.waitForFunction(`document.querySelector('#commission-rate')?.value === '3'`)
  await page.fill('#commission-rate', '3.333')
  await page.fill('#commission-window', '10')
  await page.click('#commission-save')
  const rateError = page.locator(
    '#commission-rules .ant-form-item:has(#commission-rate) .ant-form-item-explain',
  )
  await rateError.waitFor()
  expect(await rateError.textContent()).toBe('提成比例最多保留两位小数')
  await shot(page, 'commission-rate-refused')
  await page.fill('#commission-rate', '2.5')
  await page.click('#commission-save')
  await page.waitForSelector('text=提成规则已保存')
  expect(await ok(stack.admin({ action: 'commissionRules' }))).toEqual({
    rateBp: 250,
    refundWindowDays: 10,
  })
  await shot(page, 'commission-rules-saved')

  // A paid order of a member so the settlement has a row.
  await bind('o-ops-e2e-settle', '13900002001')
  await paidDeliveryOrder('o-ops-e2e-settle')
  await page.click('.ant-menu-item:has-text("提成结算")')
  await page.waitForSelector('#settlement-rules:has-text("2.5%")')
  expect(await page.textContent('#settlement-rules')).toContain('退款期 10 天')
  const headers = await page.locator('#settlement-table thead th').allTextContents()
  expect(headers.slice(0, 4)).toEqual(['导购编号', '导购', '门店编码', '门店'])
  const firstRow = await page.locator('#settlement-table tbody tr.ant-table-row').first()
  const cells = await firstRow.locator('td').allTextContents()
  expect(cells[0]).toMatch(/^[A-Za-z0-9]{1,12}$/)
  expect(cells[2]).toMatch(/^SH00\d$/)
  await shot(page, 'settlement-with-rules')
})

test('orders: a fully refunded shipped order reads 已退款 under its filter, by number and phone, times in Shanghai', async () => {
  await bind('o-ops-e2e-order', '13900002002')
  const order = await paidDeliveryOrder('o-ops-e2e-order')
  await ok(
    stack.admin({
      action: 'shipOrder',
      orderId: order.orderId,
      carrier: '顺丰速运',
      trackingNo: 'SF1234567890',
    }),
  )
  await ok(stack.admin({ action: 'refundOrder', orderId: order.orderId, reason: '顾客拒收' }))
  // WeChat Pay settles the refund a moment later and notifies; the order is refunded then.
  let detail = await ok(stack.admin({ action: 'orderDetail', orderId: order.orderId }))
  for (let i = 0; i < 50 && detail.order.status !== 'refunded'; i++) {
    await new Promise((resolve) => setTimeout(resolve, 200))
    detail = await ok(stack.admin({ action: 'orderDetail', orderId: order.orderId }))
  }
  expect(detail.order).toMatchObject({ status: 'refunded', statusLabel: '已退款', actions: [] })
  const orderNo = detail.order.orderNo as string
  expect(orderNo).toMatch(/^\d{14}$/)

  await page.click('.ant-menu-item:has-text("订单与退款")')
  await page.waitForSelector('#orders-table .order-open')
  // The list shows numbers people read, never the 32-hex ids.
  const ids = await page.locator('#orders-table .order-open').allTextContents()
  expect(ids.length).toBeGreaterThan(0)
  for (const text of ids) expect(text).not.toMatch(/[0-9a-f]{32}/)

  await page.click('#order-status-filter')
  await page.click('.ant-select-dropdown:visible .ant-select-item-option[title="已退款"]')
  await page.waitForFunction(`location.hash.includes('status=refunded')`)
  await page.waitForSelector(`#orders-table .order-open:has-text("${orderNo}")`)
  const row = page.locator('#orders-table tr', { hasText: orderNo })
  expect(await row.locator('.ant-tag').textContent()).toBe('已退款')
  // Created at, in Shanghai (New York would read 13 hours earlier).
  expect(await row.textContent()).toContain(formatShanghaiMinute(new Date(detail.order.createdAt)))
  await shot(page, 'orders-refunded-filter')
  // Compact tables offer up to 100 rows a page.
  await page.click('.ant-card:has(#orders-table) .ant-pagination-options .ant-select')
  await page.click('.ant-select-dropdown:visible .ant-select-item-option[title="100 条/页"]')
  await page.waitForFunction(`location.hash.includes('pageSize=100')`)

  await page.fill('#order-search', '139 0000 2002')
  await page.press('#order-search', 'Enter')
  await page.waitForFunction(`location.hash.includes('search=')`)
  await page.waitForSelector(`#orders-table .order-open:has-text("${orderNo}")`)
  await page.fill('#order-search', orderNo)
  await page.press('#order-search', 'Enter')
  await page.waitForFunction(`location.hash.includes('search=${orderNo}')`)
  await page.click(`#orders-table .order-open:has-text("${orderNo}")`)
  await page.waitForSelector('#order-detail')
  expect(await page.textContent('#order-no')).toBe(orderNo)
  expect(await page.textContent('#order-status')).toBe('已退款')
  expect(await page.textContent('#order-refundable')).toBe('¥0.00')
  expect(await page.locator('#mark-delivered').count()).toBe(0)
  expect(await page.locator('#refund-open').count()).toBe(0)
  expect(await page.textContent('#order-detail')).toContain('已全额退款')
  await page.waitForTimeout(400) // the drawer's slide-in, for the screenshot only
  await shot(page, 'order-refunded-detail')
  await page.keyboard.press('Escape')
})

test('dashboard: stores and clerks ranked against the previous period, and the CSV of what is shown', async () => {
  // A till sale at each store by members of that store's code: the second store's is the
  // biggest sale of the day (bigger than the first store's online orders and till sale together).
  const TILL = [10_000, 90_000]
  for (const [i, code] of demo.codes.filter((c) => c.kind === 'store').entries()) {
    const openid = `o-ops-e2e-till-${i}`
    await ok(
      stack.call(
        'member',
        { action: 'bind', scene: code.scene, phone: `1390000300${i}` },
        { openid },
      ),
    )
    const memberCode = (await ok(stack.call('member', { action: 'memberCode' }, { openid })))
      .code as string
    const clerk = demo.personas.find((p) => p.role === 'clerk' && p.storeId === code.storeId)!
    await ok(
      stack.call(
        'staff',
        { action: 'recordSale', memberCode, amountFen: TILL[i]!, receiptNo: `OPS-${i}` },
        { openid: clerk.openid },
      ),
    )
  }
  await page.click('.ant-menu-item:has-text("数据看板")')
  await page.click('#dashboard-refresh')
  await page.waitForSelector('#dashboard-updated:has-text("数据更新于")')
  await page.waitForSelector('#store-ranking tbody tr.ant-table-row')
  const stores = await page.locator('#store-ranking tbody tr.ant-table-row').allTextContents()
  const second = demo.codes.filter((c) => c.kind === 'store')[1]!.storeId
  const names = (await ok(stack.admin({ action: 'listStores' }))).items as {
    storeId: string
    name: string
    code: string
  }[]
  const top = names.find((n) => n.storeId === second)!
  expect(stores[0]).toContain(top.name)
  expect(stores[0]).toContain('¥900.00')
  expect(await page.locator('#clerk-ranking tbody tr.ant-table-row').count()).toBeGreaterThan(0)
  expect(await page.textContent('#total-offline-sales')).toContain('上期')
  // "数据更新于 HH:mm" is Shanghai's clock.
  const updated = (await page.textContent('#dashboard-updated')) ?? ''
  const nowShanghai = formatShanghaiMinute(new Date()).slice(11, 13)
  expect(updated).toMatch(new RegExp(`数据更新于 (${nowShanghai}|\\d\\d):\\d\\d`))
  expect(updated.slice(6, 8)).toBe(nowShanghai)
  await shot(page, 'dashboard-rankings')

  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.click('#dashboard-export'),
  ])
  const csv = readFileSync((await download.path())!, 'utf8')
  expect(csv.charCodeAt(0)).toBe(0xfeff)
  const lines = csv.slice(1).split('\r\n')
  expect(lines[0]).toBe('数据看板')
  expect(lines).toContain('门店排行')
  expect(lines).toContain('导购排行')
  expect(lines.some((l) => l.startsWith('线下销售额（元）,1000.00,'))).toBe(true)
  expect(lines.find((l) => l.startsWith(`1,${top.code},${top.name},900.00,`))).toBeDefined()
})

test('campaigns: labelled fields and a page picker, who matches and who can receive, reasons in Chinese, a list that keeps up', async () => {
  // Three members of the 1st store's clerk: two accepted the campaign subscription, one of whom
  // WeChat refuses (43101); the third never accepted.
  const members = ['o-ops-e2e-c1', 'o-ops-e2e-c2', 'o-ops-e2e-c3']
  for (const [i, openid] of members.entries()) {
    await bind(openid, `1390000400${i}`)
    if (i < 2)
      await ok(
        stack.call(
          'member',
          { action: 'reportConsent', results: [{ templateKey: 'campaign', accepted: true }] },
          { openid },
        ),
      )
  }
  await fetch(`${stack.url}/sandbox/wechat/refuse`, {
    method: 'POST',
    body: JSON.stringify({ openid: members[1], errcode: 43101 }),
  })
  await page.click('.ant-menu-item:has-text("营销活动")')
  await page.click('#campaign-create')
  await page.fill('#campaign-name', '周末会员日')
  const modal = page.locator('.ant-modal')
  // Only people's words: no WeChat field keys, no page paths.
  await page.waitForSelector('.ant-modal label:has-text("活动名称")')
  const modalText = (await modal.textContent()) ?? ''
  expect(modalText).not.toMatch(/thing\d|time\d|pages\//)
  await page.click('#campaign-page')
  await page.click('.ant-select-dropdown:visible .ant-select-item-option[title="商城"]')
  await page.fill('#campaign-field-thing1', '周末双倍积分')
  await page.fill('#campaign-field-time2', '2026-12-12 10:00')
  // No conditions: every member matches; only those with a consent credit can receive it.
  await page.waitForSelector('#campaign-audience:not(:text-is("…"))')
  const matching = Number(await page.textContent('#campaign-audience'))
  const reachable = Number(await page.textContent('#campaign-reachable'))
  expect(matching).toBeGreaterThanOrEqual(3)
  expect(reachable).toBe(2)
  await shot(page, 'campaign-form')
  await page.click('.ant-modal-footer button.ant-btn-primary')
  await page.waitForSelector('td:has-text("周末会员日")')
  const row = page.locator('tr', { hasText: '周末会员日' })
  await row.locator('button:has-text("立即发送")').click()
  await page.waitForSelector('text=已安排立即发送')
  await stack.runJob('dispatchCampaigns')
  // No reload: the list looks again by itself while a campaign is due or sending.
  await page.waitForSelector('tr:has-text("周末会员日") >> text=已完成', { timeout: 20_000 })
  await row.locator('.campaign-results-open').click()
  await page.waitForSelector('#campaign-failures')
  expect(await page.textContent('#campaign-failures')).toContain('会员未授权或授权次数已用完')
  expect(await page.textContent('#campaign-results')).toContain('商城')
  expect(await page.textContent('#campaign-results')).not.toMatch(/43101|pages\//)
  await page.waitForSelector('#campaign-chart canvas')
  await page.waitForTimeout(1200) // the drawer's slide-in and the chart's animation, for the screenshot only
  await shot(page, 'campaign-results')
})
