/**
 * The HQ console in Chromium for money and bulk work: find a paid order and refund part of it,
 * export the month's settlement as CSV (the downloaded file checked row by row against the data),
 * ship a paid delivery order and mark it delivered, and import stores from a CSV file as a job
 * whose progress reaches 100% while HQ is elsewhere;
 * a shipped order refunded in full offers nothing more; an analyst sees orders but is offered no refund.
 */
import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { buildConsole } from '../../scripts/build-console'
import { fenToYuan } from '../../shared/commission/rules/commission'
import { toCsv } from '../../shared/platform/csv'
import { parseCsv } from '../../shared/hq/rules/csv-import'
import { hashPassword } from '../../shared/hq/rules/password'
import { launchChromium, screenshotter } from '../support/browser'
import { startTestStack, TEST_ADMIN_PASSWORD, type TestStack } from '../support/local-stack'

jest.setTimeout(90_000)

let stack: TestStack
let browser: Browser
let page: Page
const shot = screenshotter('console-orders')
const nav = (label: string) => page.click(`.ant-menu-item:has-text("${label}")`)
let order: { orderId: string; orderNo: string; memberNo: string; storeId: string }

beforeAll(async () => {
  if (!existsSync(path.resolve(__dirname, '..', '..', 'console', 'dist', 'index.html')))
    await buildConsole()
  stack = await startTestStack({ seed: true })
  browser = await launchChromium()
  const context = await browser.newContext({
    viewport: { width: 1360, height: 860 },
    locale: 'zh-CN',
    acceptDownloads: true,
  })
  page = await context.newPage()
  const demo = await stack.personas()
  const code = demo.codes.find((c) => c.kind === 'clerk')!
  const bound = await stack.call(
    'member',
    { action: 'bind', scene: code.scene, phone: '13800000077' },
    { openid: 'oConsoleBuyer' },
  )
  const created = await stack.call(
    'shop',
    {
      action: 'createOrder',
      items: [{ productId: 'p-rose-cream', qty: 1 }],
      fulfilment: 'pickup',
      storeId: code.storeId,
    },
    { openid: 'oConsoleBuyer' },
  )
  const paid = await fetch(`${stack.url}/sandbox/pay/${created.body.data.outTradeNo}`, {
    method: 'POST',
    body: '{}',
  })
  expect(paid.status).toBe(200)
  const detail = await stack.admin({ action: 'orderDetail', orderId: created.body.data.orderId })
  order = {
    orderId: created.body.data.orderId,
    // What the console shows and HQ types: the order number, not the document id.
    orderNo: detail.body.data.order.orderNo,
    memberNo: bound.body.data.memberNo,
    storeId: code.storeId,
  }
})

afterAll(async () => {
  await browser?.close()
  await stack?.stop()
})

test('signs in and refunds part of a paid order found by member number', async () => {
  await page.goto(`${stack.url}/admin/`)
  await page.fill('#login-username', 'admin')
  await page.fill('#login-password', TEST_ADMIN_PASSWORD)
  await page.click('#login-submit')
  await page.waitForSelector('text=会员总数')
  await nav('订单与退款')
  await page.fill('#order-search', order.memberNo)
  await page.press('#order-search', 'Enter')
  await page.waitForSelector(`#orders-table tr:has-text("${order.orderNo}")`)
  expect(page.url()).toContain(`search=${order.memberNo}`)
  await page.click(`#orders-table .order-open:has-text("${order.orderNo}")`)
  await page.waitForSelector('#order-detail >> text=支付成功 ¥168.00')
  expect(await page.textContent('#order-refundable')).toBe('¥168.00')
  await page.click('#refund-open')
  await page.click('#refund-mode >> text=部分退款')
  await page.fill('#refund-amount', '168.01')
  await page.fill('#refund-reason', '包装破损')
  await page.click('#refund-submit')
  await page.waitForSelector('text=不能超过可退金额 ¥168.00')
  await page.fill('#refund-amount', '20.5')
  await page.click('#refund-submit')
  await page.waitForSelector('#refund-outcome >> text=退款 ¥20.50')
  await shot(page, 'refund-outcome')
  await page.click('#refund-submit')
  await page.waitForSelector('#order-refunded:has-text("¥20.50")')
  expect(await page.textContent('#order-refundable')).toBe('¥147.50')
  await page.waitForSelector('#order-refunds >> text=成功')
  await shot(page, 'order-refunded')
  await page.keyboard.press('Escape')
  await page.waitForSelector(`#orders-table tr:has-text("¥20.50")`)
})

test('a checkout that never finished stays out of the list until HQ ticks 显示未完成的下单', async () => {
  // The buyer's attempt held the cream, then the tea was short: it closed its id (下单未完成).
  const refused = await stack.call(
    'shop',
    {
      action: 'createOrder',
      items: [
        { productId: 'p-rose-cream', qty: 1 },
        { productId: 'p-tea-gift', qty: 50 },
      ],
      fulfilment: 'pickup',
      storeId: order.storeId,
      requestId: 'console-abandoned-attempt-01',
    },
    { openid: 'oConsoleBuyer' },
  )
  expect(refused.status).toBe(409)
  await page.fill('#order-search', order.memberNo)
  await page.press('#order-search', 'Enter')
  await page.waitForSelector(`#orders-table tr:has-text("${order.orderNo}")`)
  const rows = '#orders-table tbody tr.ant-table-row'
  expect(await page.locator(rows).count()).toBe(1)
  await page.click('#order-abandoned-filter')
  await page.waitForSelector(`${rows}:has-text("已取消（下单未完成）")`)
  expect(await page.locator(rows).count()).toBe(2)
  expect(page.url()).toContain('abandoned=1')
  await shot(page, 'abandoned-shown')
  await page.click('#order-abandoned-filter')
  await page.waitForSelector(`${rows}:has-text("已取消（下单未完成）")`, { state: 'detached' })
  expect(await page.locator(rows).count()).toBe(1)
})

test('exports the settlement CSV; the downloaded rows match the settlement', async () => {
  await nav('提成结算')
  await page.click('#settlement-by >> text=按门店')
  await page.waitForSelector('#settlement-table tbody tr.ant-table-row')
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.click('#settlement-export'),
  ])
  const month = /^commission-store-(\d{4}-\d{2})\.csv$/.exec(download.suggestedFilename())![1]!
  const bytes = readFileSync((await download.path())!)
  expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf])
  expect(bytes.subarray(3, 6).toString('utf8')).not.toBe('\uFEFF')
  const { records, errors } = parseCsv(bytes.toString('utf8'))
  expect(errors).toEqual([])
  const [header, ...rows] = records.map((r) => r.cells)
  expect(header).toEqual([
    '月份',
    '门店编码',
    '门店',
    '订单数',
    '线上销售额（元）',
    '线下销售额（元）',
    '净销售额（元）',
    '待结算提成（元）',
    '已结算提成（元）',
    '退款冲减（元）',
    '应付提成（元）',
  ])
  const settlement = (await stack.admin({ action: 'settlement', month, by: 'store' })).body.data
  expect(rows).toEqual(
    settlement.rows.map((r: Record<string, number | string>) => [
      month,
      r.storeCode,
      r.name,
      String(r.orders),
      ...[
        'salesOnlineFen',
        'salesOfflineFen',
        'salesFen',
        'commissionPendingFen',
        'commissionSettledFen',
        'commissionReversedFen',
        'payableFen',
      ].map((k) => fenToYuan(r[k] as number)),
    ]),
  )
  expect(rows.some((r) => r[6] === '147.50')).toBe(true)
  await shot(page, 'settlement')
})

test('ships a paid delivery order from its drawer, then marks it delivered; the member sees both', async () => {
  const address = {
    name: '赵女士',
    phone: '13800000078',
    province: '上海市',
    city: '上海市',
    district: '长宁区',
    detail: '愚园路 1088 号 3 楼',
  }
  const created = await stack.call(
    'shop',
    {
      action: 'createOrder',
      items: [{ productId: 'p-rose-cream', qty: 1 }],
      fulfilment: 'delivery',
      deliveryAddress: address,
    },
    { openid: 'oConsoleBuyer' },
  )
  expect(created.status).toBe(200)
  expect(
    (
      await fetch(`${stack.url}/sandbox/pay/${created.body.data.outTradeNo}`, {
        method: 'POST',
        body: '{}',
      })
    ).status,
  ).toBe(200)
  const orderId: string = created.body.data.orderId
  const orderNo: string = (await stack.admin({ action: 'orderDetail', orderId })).body.data.order
    .orderNo

  await nav('订单与退款')
  await page.fill('#order-search', orderNo)
  await page.press('#order-search', 'Enter')
  await page.click(`#orders-table .order-open:has-text("${orderNo}")`)
  await page.waitForSelector('#order-delivery >> text=上海市长宁区 愚园路 1088 号 3 楼')
  expect(await page.textContent('#order-shipment')).toBe('未发货')
  await page.click('#ship-open')
  await page.waitForSelector('#ship-address >> text=赵女士')
  await page.fill('#ship-tracking', 'x')
  await page.click('#ship-submit')
  await page.waitForSelector('text=运单号为 6–32 位字母、数字或连字符')
  await page.fill('#ship-tracking', 'SF2026112300')
  await page.click('#ship-submit')
  await page.waitForSelector('#order-shipment:has-text("顺丰速运 SF2026112300")')
  await page.waitForSelector('#order-detail >> text=已发货：顺丰速运 SF2026112300')
  const shipped = await stack.call(
    'shop',
    { action: 'order', orderId },
    { openid: 'oConsoleBuyer' },
  )
  expect(shipped.body.data).toMatchObject({
    status: 'shipped',
    shipment: { carrier: '顺丰速运', trackingNo: 'SF2026112300' },
    deliveredAt: null,
  })

  await page.click('#mark-delivered')
  await page.click('.ant-modal-confirm-btns >> text=标记签收')
  await page.waitForSelector('#order-detail >> text=总部标记签收')
  expect(await page.locator('#mark-delivered').count()).toBe(0)
  await shot(page, 'order-delivered')
  const delivered = await stack.call(
    'shop',
    { action: 'order', orderId },
    { openid: 'oConsoleBuyer' },
  )
  expect(delivered.body.data.status).toBe('delivered')
  expect(delivered.body.data.deliveredAt).not.toBeNull()
  const audit = await stack.admin({ action: 'listAudit', page: 1, pageSize: 20 })
  expect(audit.body.data.items.map((e: { action: string }) => e.action)).toEqual(
    expect.arrayContaining(['shipOrder', 'markOrderDelivered']),
  )
  await page.click('.ant-drawer-close')
  await page.waitForSelector('.ant-drawer-mask', { state: 'detached' })
})

test('imports stores from CSV as a job; it reaches 100% and the stores appear', async () => {
  const n = 120
  const csv = toCsv(
    ['门店编码', '门店名称', '地址', '纬度', '经度'],
    Array.from({ length: n }, (_, i) => [
      `CSV${String(i).padStart(3, '0')}`,
      `导入${i}号店`,
      `上海市徐汇区"漕溪北路" ${i} 号`,
      '31.19',
      '121.43',
    ]),
  )
  await nav('任务')
  await page.click('#import-open')
  await page.setInputFiles('#import-file', {
    name: '门店.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from(csv, 'utf8'),
  })
  await page.click('#import-submit')
  await page.waitForSelector('#jobs-table tr:has-text("门店.csv")')
  // Leave while it runs; the timer carries it on, and coming back shows where it is.
  await nav('门店')
  for (let i = 0; i < 3; i++) await fetch(`${stack.url}/dev/jobs/stepJobs`, { method: 'POST' })
  await nav('任务')
  const row = page.locator('#jobs-table tr', { hasText: '门店.csv' })
  await row.locator(`text=${n} / ${n}`).waitFor()
  expect(await row.textContent()).toContain(`新建 ${n}`)
  expect(await row.locator('.ant-progress').getAttribute('class')).toContain(
    'ant-progress-status-success',
  )
  await shot(page, 'import-done')
  await nav('门店')
  await page.waitForSelector('td:has-text("导入7号店")')
})

test('a CSV with errors lists them by line and imports nothing', async () => {
  await nav('任务')
  await page.click('#import-open')
  const csv = toCsv(
    ['门店编码', '门店名称', '地址'],
    [
      ['BAD01', '好店', '上海'],
      ['BAD-2', '', '上海'],
    ],
  )
  await page.setInputFiles('#import-file', {
    name: 'bad.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from(csv, 'utf8'),
  })
  await page.click('#import-submit')
  await page.waitForSelector('#import-errors')
  const text = await page.textContent('#import-errors')
  expect(text).toContain('第 3 行「门店编码」：应为 1-12 位字母或数字')
  expect(text).toContain('第 3 行「门店名称」：不能为空')
  await shot(page, 'import-errors')
  const stores = await stack.admin({ action: 'listStores' })
  expect(stores.body.data.items.some((s: { code: string }) => s.code === 'BAD01')).toBe(false)
})

test('a shipped order refunded in full reads 已退款 and offers neither 发货 nor 标记签收', async () => {
  const created = await stack.call(
    'shop',
    {
      action: 'createOrder',
      items: [{ productId: 'p-rose-cream', qty: 1 }],
      fulfilment: 'delivery',
      deliveryAddress: {
        name: '钱先生',
        phone: '13800000079',
        province: '上海市',
        city: '上海市',
        district: '静安区',
        detail: '南京西路 1 号',
      },
    },
    { openid: 'oConsoleBuyer' },
  )
  const { orderId, outTradeNo } = created.body.data as { orderId: string; outTradeNo: string }
  await fetch(`${stack.url}/sandbox/pay/${outTradeNo}`, { method: 'POST', body: '{}' })
  const shipped = await stack.admin({
    action: 'shipOrder',
    orderId,
    carrier: '顺丰速运',
    trackingNo: 'SF2026112399',
  })
  expect(shipped.status).toBe(200)
  const refund = await stack.admin({ action: 'refundOrder', orderId, reason: '快递丢件' })
  expect(refund.status).toBe(200)
  const settled = await fetch(`${stack.url}/sandbox/refund/${outTradeNo}`, {
    method: 'POST',
    body: JSON.stringify({ outRefundNo: refund.body.data.outRefundNo }),
  })
  expect(settled.status).toBe(200)

  await page.goto(`${stack.url}/admin/#/orders?order=${orderId}`)
  await page.waitForSelector('#order-shipment:has-text("顺丰速运 SF2026112399")')
  await page.waitForSelector('#order-status:has-text("已退款")')
  expect(await page.locator('#mark-delivered').count()).toBe(0)
  expect(await page.locator('#ship-open').count()).toBe(0)
  expect(await page.locator('#refund-open').count()).toBe(0)
  await shot(page, 'order-refunded-after-shipping')
})

test('an analyst sees the order and its status but is offered no refund', async () => {
  await stack.db.collection('admins').add({
    username: 'analyst',
    passwordHash: await hashPassword('analyst-password'),
    role: 'analyst',
    failedAttempts: 0,
    lockedUntil: null,
    createdAt: new Date(),
  })
  const context = await browser.newContext({
    viewport: { width: 1360, height: 860 },
    locale: 'zh-CN',
  })
  const analyst = await context.newPage()
  await analyst.goto(`${stack.url}/admin/`)
  await analyst.fill('#login-username', 'analyst')
  await analyst.fill('#login-password', 'analyst-password')
  await analyst.click('#login-submit')
  await analyst.waitForSelector('text=只读分析')
  await analyst.goto(`${stack.url}/admin/#/orders?order=${order.orderId}`)
  await analyst.waitForSelector('#order-detail >> text=支付成功 ¥168.00')
  // The server offers an analyst no actions: the button is not there at all.
  await analyst.waitForSelector('#order-status:has-text("待提货")')
  expect(await analyst.locator('#refund-open').count()).toBe(0)
  await shot(analyst, 'analyst-order')
  await context.close()
})
