/**
 * The HQ console in Chromium for the catalogue and the tills, in a browser whose clock is in Los
 * Angeles (times must still read in Asia/Shanghai): create a product with an image and a price in
 * yuan, set its stock per store and see a set below the unpaid orders' holds refused, find it in
 * the shop; import stock from the template as a GBK file (a 5 MB file is refused before sending);
 * list and void an offline sale; export offline sales and members as jobs and download them.
 */
import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { buildConsole } from '../../scripts/build-console'
import { parseCsv } from '../../shared/hq/rules/csv-import'
import { formatShanghaiMinute } from '../../shared/platform/calendar'
import { launchChromium, screenshotter } from '../support/browser'
import { startTestStack, TEST_ADMIN_PASSWORD, type TestStack } from '../support/local-stack'

jest.setTimeout(120_000)

let stack: TestStack
let browser: Browser
let page: Page
let storeA: string
const shot = screenshotter('console-catalogue')
const nav = (label: string) => page.click(`.ant-menu-item:has-text("${label}")`)
/** The smallest valid PNG (1×1). */
const PNG_1PX = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
)
/** `商品编号,门店编码,库存` and a line break as Excel's plain "CSV" saves it in China (GBK). */
const GBK_STOCK_HEADER = Buffer.from('c9ccc6b7b1e0bac52cc3c5b5eab1e0c2eb2cbfe2b4e60d0a', 'hex')
let productId: string
let phones = 0

async function bind(openid: string) {
  const demo = await stack.personas()
  const code = demo.codes.find((c) => c.kind === 'clerk' && c.storeId === storeA)!
  const phone = `136${String(++phones).padStart(8, '0')}`
  const res = await stack.call('member', { action: 'bind', scene: code.scene, phone }, { openid })
  expect(res.body.error ?? null).toBeNull()
  return res.body.data as { memberNo: string }
}

beforeAll(async () => {
  if (!existsSync(path.resolve(__dirname, '..', '..', 'console', 'dist', 'index.html')))
    await buildConsole()
  stack = await startTestStack({ seed: true })
  const stores = (await stack.admin({ action: 'listStores' })).body.data.items as {
    storeId: string
    code: string
  }[]
  storeA = stores.find((s) => s.code === 'SH001')!.storeId
  browser = await launchChromium()
  const context = await browser.newContext({
    viewport: { width: 1360, height: 860 },
    locale: 'zh-CN',
    timezoneId: 'America/Los_Angeles',
    acceptDownloads: true,
  })
  page = await context.newPage()
  await page.goto(`${stack.url}/admin/`)
  await page.fill('#login-username', 'admin')
  await page.fill('#login-password', TEST_ADMIN_PASSWORD)
  await page.click('#login-submit')
  await page.waitForSelector('text=会员总数')
})

afterAll(async () => {
  await browser?.close()
  await stack?.stop()
})

test('creates a product with an image and a price in yuan; the shop lists it', async () => {
  await nav('商品与库存')
  await page.waitForSelector('#products-table >> text=玫瑰保湿面霜 50g')
  await page.click('#product-create')
  await page.fill('#product-name', '桂花乌龙茶 100g')
  await page.fill('#product-price', '68.555')
  await page.fill('#product-description', '秋季限定，冷泡热泡皆宜')
  await page.click('#product-submit')
  await page.waitForSelector('text=价格应为大于 0 的金额，最多两位小数')
  await page.fill('#product-price', '68.5')
  await page.setInputFiles('#product-image-file', {
    name: 'tea.png',
    mimeType: 'image/png',
    buffer: PNG_1PX,
  })
  await page.waitForSelector('#product-images .product-image img')
  await shot(page, 'product-form')
  await page.click('#product-submit')
  const row = page.locator('#products-table tr', { hasText: '桂花乌龙茶 100g' })
  await row.waitFor()
  expect(await row.textContent()).toContain('¥68.50')
  expect(await row.textContent()).toContain('在售')
  expect(await row.locator('img').count()).toBe(1)
  const listed = await stack.admin({ action: 'listProducts', search: '桂花乌龙茶' })
  productId = listed.body.data.items[0].productId
  await shot(page, 'product-created')

  const shop = await stack.call('shop', { action: 'products' }, { openid: 'oE2EBrowse' })
  const inShop = (shop.body.data as any[]).find((p) => p.productId === productId)
  expect(inShop).toMatchObject({ name: '桂花乌龙茶 100g', priceFen: 6850 })
  expect(inShop.images).toHaveLength(1)
})

test('sets stock per store; a count below what unpaid orders hold is refused at its row', async () => {
  const row = page.locator('#products-table tr', { hasText: '桂花乌龙茶 100g' })
  await row.locator('.product-stock').click()
  const central = page.locator('.stock-set[data-location="中央仓"]')
  await central.locator('input').fill('30')
  await central.locator('.stock-save').click()
  await page.waitForSelector('text=中央仓库存已设为 30')
  await page.fill('#stock-filter', 'SH001')
  const sh001 = page.locator('.stock-set[data-location="SH001"]')
  await sh001.locator('input').fill('5')
  await sh001.locator('.stock-save').click()
  await page.waitForSelector(
    '#stock-table tr:has-text("静安寺店") >> td:nth-child(2):has-text("5")',
  )

  await bind('oE2EHold')
  const placed = await stack.call(
    'shop',
    {
      action: 'createOrder',
      items: [{ productId, qty: 3 }],
      fulfilment: 'pickup',
      storeId: storeA,
    },
    { openid: 'oE2EHold' },
  )
  expect(placed.status).toBe(200)
  await page.click('.stock-drawer .ant-drawer-close')
  await row.locator('.product-stock').click()
  await page.fill('#stock-filter', 'SH001')
  const held = page.locator('#stock-table tr', { hasText: '静安寺店' })
  await held.locator('td:nth-child(3):has-text("3")').waitFor()
  expect(await held.locator('td:nth-child(4)').textContent()).toBe('2')
  await sh001.locator('input').fill('2')
  await sh001.locator('.stock-save').click()
  await page.waitForSelector(
    '.stock-error >> text=有 3 件被待支付订单占用，库存不能设为 2（至少 3）',
  )
  await shot(page, 'stock-below-holds')
  await page.click('.stock-drawer .ant-drawer-close')
})

test('imports stock from a GBK file after downloading the template; a 5 MB file is refused up front', async () => {
  await page.click('#stock-import-open')
  await page.waitForSelector('#import-rules >> text=文件不超过 800 KB')
  const [template] = await Promise.all([
    page.waitForEvent('download'),
    page.click('#import-template'),
  ])
  expect(template.suggestedFilename()).toBe('库存导入模板.csv')
  const bytes = readFileSync((await template.path())!)
  expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf])
  const { records } = parseCsv(bytes.toString('utf8'))
  expect(records[0]!.cells).toEqual(['商品编号', '商品名称', '门店编码', '库存'])
  expect(records.map((r) => r.cells)).toContainEqual([productId, '桂花乌龙茶 100g', '中央仓', '30'])

  await page.setInputFiles('#import-file', {
    name: 'huge.csv',
    mimeType: 'text/csv',
    buffer: Buffer.alloc(5 * 1024 * 1024, 'a'),
  })
  await page.waitForSelector('text=文件 5.0 MB，超过 800 KB 的上限：请拆成几个文件分别导入')
  expect(await page.isDisabled('#import-submit')).toBe(true)
  await shot(page, 'import-too-large')

  await page.setInputFiles('#import-file', {
    name: '库存盘点.csv',
    mimeType: 'text/csv',
    buffer: Buffer.concat([GBK_STOCK_HEADER, Buffer.from(`${productId},SH002,12\r\n`)]),
  })
  await page.waitForSelector('text=已按 GBK 编码读取')
  await shot(page, 'import-gbk')
  await page.click('#import-submit')
  const job = page.locator('#jobs-table tr', { hasText: '库存盘点.csv' })
  await job.locator('text=已完成').waitFor()
  expect(await job.textContent()).toContain('已更新 1')
  await shot(page, 'import-done')
  const stock = await stack.admin({ action: 'productStock', productId })
  expect(stock.body.data.rows.find((r: any) => r.locationCode === 'SH002')).toMatchObject({
    onHand: 12,
  })
})

test('lists offline sales by store in Shanghai time and voids one', async () => {
  const member = await bind('oE2ETill')
  const code = (await stack.call('member', { action: 'memberCode' }, { openid: 'oE2ETill' })).body
    .data.code
  const sale = await stack.call(
    'staff',
    { action: 'recordSale', memberCode: code, amountFen: 25_800, receiptNo: 'E2E-0001' },
    { openid: 'demo-clerk-1' },
  )
  expect(sale.status).toBe(200)
  await nav('线下销售')
  await page.click('#sales-store-filter')
  await page.keyboard.type('SH001')
  await page.keyboard.press('Enter')
  const row = page.locator('#sales-table tr', { hasText: 'E2E-0001' })
  await row.waitFor()
  const text = (await row.textContent())!
  expect(text).toContain(formatShanghaiMinute(new Date(sale.body.data.at)))
  expect(text).toContain('静安寺店')
  expect(text).toContain('王小美')
  expect(text).toContain(member.memberNo)
  expect(text).toContain('¥258.00')
  expect(text).toContain('有效')
  await shot(page, 'offline-sales')
  await row.locator('.sale-void').click()
  await page.waitForSelector('#void-sale >> text=小票 E2E-0001')
  await page.click('#void-submit')
  await page.waitForSelector('text=请填写作废原因')
  await page.fill('#void-reason', '顾客退货')
  await page.click('#void-submit')
  await row.locator('text=已作废').waitFor()
  expect(await row.locator('.sale-voided').textContent()).toContain('admin')
  expect(await row.locator('.sale-voided').textContent()).toContain('顾客退货')
  await shot(page, 'offline-sale-voided')
})

test('exports offline sales and members as jobs and downloads the files', async () => {
  const asked: string[] = []
  const askedFor = (request: { url(): string; postData(): string | null }) => {
    if (request.url().endsWith('/fn/admin'))
      asked.push((JSON.parse(request.postData() ?? '{}') as { action?: string }).action ?? '')
  }
  page.on('request', askedFor)
  const progressAudited = async () =>
    (
      (await stack.db.collection('auditLog').where({ action: 'jobProgress' }).count()) as {
        total: number
      }
    ).total
  const progressAuditedBefore = await progressAudited()
  // The export starts where the operator is: a notice at the corner follows it to its end, and
  // its file downloads from there; the page stays usable underneath.
  await page.click('#sales-export')
  const salesNotice = page.locator('.job-notice', { hasText: '已开始导出' })
  await salesNotice.getByText('线下销售').first().waitFor()
  await salesNotice.locator('.job-notice-download').waitFor()
  expect(await salesNotice.locator('.job-notice-status').textContent()).toMatch(/^已完成，/)
  expect(page.url()).toContain('/offline-sales')
  await shot(page, 'export-notice-done')
  // What the notice says is Chinese: no ids, no English.
  expect(await salesNotice.innerText()).not.toMatch(/[A-Za-z]{3,}/)
  const [salesFile] = await Promise.all([
    page.waitForEvent('download'),
    salesNotice.locator('.job-notice-download').click(),
  ])
  const sales = readFileSync((await salesFile.path())!)
  expect([...sales.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf])
  const rows = parseCsv(sales.toString('utf8')).records.map((r) => r.cells)
  expect(rows[0]).toEqual([
    '时间',
    '门店',
    '导购',
    '会员号',
    '小票号',
    '金额（元）',
    '状态',
    '作废原因',
  ])
  expect(rows).toContainEqual(expect.arrayContaining(['E2E-0001', '258.00', '已作废', '顾客退货']))
  // The notice asked for the job's progress, which writes no audit entry however often it asks.
  expect(asked).toContain('jobProgress')
  expect(await progressAudited()).toBe(progressAuditedBefore)
  page.off('request', askedFor)
  // Its link opens 任务, where the same job is listed, done.
  await salesNotice.locator('.job-notice-link').click()
  const salesJob = page.locator('#jobs-table tr', { hasText: '导出线下销售' }).first()
  await salesJob.locator('text=已完成').waitFor()
  await salesNotice.waitFor({ state: 'detached' })

  await page.click('#export-open')
  await page.click('#export-kind')
  await page.click('.ant-select-item-option:has-text("会员")')
  await page.waitForSelector('#export-note >> text=会员手机号为完整号码')
  await shot(page, 'export-dialog')
  await page.click('#export-submit')
  const membersJob = page.locator('#jobs-table tr', { hasText: '导出会员' }).first()
  await membersJob.locator('text=已完成').waitFor()
  await shot(page, 'exports-done')
  const [membersFile] = await Promise.all([
    page.waitForEvent('download'),
    membersJob.locator('.job-download').click(),
  ])
  const members = parseCsv(readFileSync((await membersFile.path())!).toString('utf8')).records
  expect(members[0]!.cells.slice(0, 3)).toEqual(['会员号', '手机号', '等级'])
  expect(members.some((r) => r.cells[1] === '13600000001')).toBe(true)
})
