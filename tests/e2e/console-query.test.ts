/**
 * What the console's data layer (TanStack Query, console/src/use-admin.ts) gives an operator, in
 * Chromium, counted in the requests the page sends: a write shows in the lists it changes at once,
 * without reloading the page (and in the store pickers of other pages); a job's progress advances by
 * itself and the page stops asking once it has ended. And no number field clamps or rounds: -5,
 * 1.5 and a too-big value stay as typed and are refused in Chinese under their field, with nothing
 * saved (#18). Screenshots in .test-artifacts/e2e/console-query/.
 */
import { existsSync } from 'node:fs'
import path from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { buildConsole } from '../../scripts/build-console'
import { launchChromium, screenshotter } from '../support/browser'
import { startTestStack, TEST_ADMIN_PASSWORD, type TestStack } from '../support/local-stack'

jest.setTimeout(180_000)

let stack: TestStack
let browser: Browser
let page: Page
const shot = screenshotter('console-query')
const nav = (label: string) => page.click(`.ant-menu-item:has-text("${label}")`)
/** Every admin action the page asked for, in order, with when it was sent. */
const sent: { action: string; at: number }[] = []
/** What each listJobs answer said of the newest job: its status and rows done, in order. */
const jobSeen: { status: string; done: number; total: number }[] = []
const count = (action: string, since = 0) =>
  sent.filter((r) => r.action === action && r.at >= since).length

/** The error antd shows under the form item labelled `label`. */
const fieldError = (label: string) =>
  page
    .locator('.ant-form-item', { has: page.locator(`label:text-is("${label}")`) })
    .locator('.ant-form-item-explain-error')

async function ok(res: Promise<{ status: number; body: any }>) {
  const { status, body } = await res
  if (status !== 200) throw new Error(JSON.stringify(body))
  return body.data
}

/**
 * Types each value into `input`, submits with `submit`, and expects `message` under the field
 * labelled `label`, with the box still showing exactly what was typed.
 */
async function refused(
  input: string,
  label: string,
  submit: string,
  cases: [typed: string, message: string][],
) {
  for (const [typed, message] of cases) {
    await page.fill(input, typed)
    await page.click(submit)
    await fieldError(label).getByText(message, { exact: true }).waitFor()
    expect(await page.inputValue(input)).toBe(typed)
  }
}

beforeAll(async () => {
  if (!existsSync(path.resolve(__dirname, '..', '..', 'console', 'dist', 'index.html')))
    await buildConsole()
  stack = await startTestStack({ seed: true })
  browser = await launchChromium()
  const context = await browser.newContext({
    viewport: { width: 1440, height: 1000 },
    locale: 'zh-CN',
  })
  page = await context.newPage()
  page.on('request', (request) => {
    if (!request.url().endsWith('/fn/admin')) return
    const body = JSON.parse(request.postData() ?? '{}') as { action?: string }
    sent.push({ action: body.action ?? '', at: Date.now() })
  })
  page.on('response', async (response) => {
    if (!response.url().endsWith('/fn/admin')) return
    const body = JSON.parse(response.request().postData() ?? '{}') as { action?: string }
    if (body.action !== 'listJobs') return
    const answer = (await response.json().catch(() => null)) as {
      data?: { items: { status: string; done: number; total: number }[] }
    } | null
    const newest = answer?.data?.items[0]
    if (newest) jobSeen.push({ status: newest.status, done: newest.done, total: newest.total })
  })
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

test('a new store shows in the list and in another page’s store picker without reloading', async () => {
  await nav('门店')
  await page.waitForSelector('#stores-table >> text=静安寺店')
  // A full reload would drop this mark.
  await page.evaluate(() => ((globalThis as unknown as { samePage: boolean }).samePage = true))
  const before = Date.now()
  await page.click('#store-create')
  await page.fill('#store-code', 'SH077')
  await page.fill('#store-name', '大悦城店')
  await page.fill('#store-address', '上海市静安区西藏北路 166 号')
  await page.click('#store-submit')
  await page.waitForSelector('#stores-table >> text=大悦城店')
  await shot(page, 'store-listed-after-create')
  expect(
    await page.evaluate(() => (globalThis as unknown as { samePage?: boolean }).samePage),
  ).toBe(true)
  // The list asked again after the write, once; nobody clicked 刷新.
  const created = sent.findIndex((r) => r.action === 'createStore' && r.at >= before)
  expect(created).toBeGreaterThanOrEqual(0)
  expect(sent.slice(created + 1).filter((r) => r.action === 'listStores')).toHaveLength(1)

  // The clerks page's store picker reads the same list: the new store is there.
  await nav('导购与邀请')
  await page.click('#invite-create')
  await page.click('#invite-store')
  await page.keyboard.type('大悦城')
  await page.waitForSelector('.ant-select-item-option:has-text("大悦城店（SH077）")')
  await shot(page, 'store-in-picker')
  await page.click('.ant-select-item-option:has-text("大悦城店（SH077）")')

  // 有效期（小时）: -5, 1.5 and 200 are refused there, as typed; no invite is made.
  await page.fill('#invite-name', '王小美')
  await refused('#invite-hours', '有效期（小时）', '#invite-submit', [
    ['-5', '有效期不能小于 1'],
    ['1.5', '有效期必须是整数'],
    ['200', '有效期不能大于 168'],
  ])
  await shot(page, 'invite-hours-refused')
  const invites = await ok(stack.admin({ action: 'listInvites' }))
  expect(invites.items.filter((i: { name: string }) => i.name === '王小美')).toHaveLength(0)
  await page.keyboard.press('Escape')
})

test('an export’s progress advances by itself, and the page stops asking once it ends', async () => {
  // Members to export: three shoppers bind a clerk's code.
  const demo = await stack.personas()
  const code = demo.codes.find((c) => c.kind === 'clerk')!
  for (const n of [1, 2, 3])
    await ok(
      stack.call(
        'member',
        { action: 'bind', scene: code.scene, phone: `1390000000${n}` },
        { openid: `oQueryExport${n}` },
      ),
    )
  await nav('任务')
  await page.waitForSelector('#jobs-table')
  const started = Date.now()
  await page.click('#export-open')
  await page.click('#export-kind')
  await page.click('.ant-select-item-option:has-text("会员")')
  await page.click('#export-submit')
  await page.waitForSelector('text=已开始导出')
  const row = page.locator('#jobs-table tr.ant-table-row', { hasText: '导出会员' }).first()
  await row.getByText('已完成').waitFor({ timeout: 60_000 })
  await shot(page, 'export-finished')
  // It moved on with nobody touching the page: stepped from here, and the list asked again.
  expect(count('jobStep', started)).toBeGreaterThanOrEqual(1)
  expect(count('listJobs', started)).toBeGreaterThanOrEqual(2)
  // The list showed it running, then done, its rows counting up.
  const statuses = jobSeen.map((j) => j.status)
  expect(statuses).toContain('running')
  expect(statuses.at(-1)).toBe('succeeded')
  expect(statuses.indexOf('running')).toBeLessThan(statuses.indexOf('succeeded'))
  const done = jobSeen.map((j) => j.done)
  expect(done).toEqual([...done].sort((a, b) => a - b))
  expect(jobSeen.at(-1)!.done).toBe(jobSeen.at(-1)!.total)
  expect(jobSeen.at(-1)!.total).toBeGreaterThanOrEqual(3)
  // Ended: no more asking (the watch interval is 2 s; wait three of them).
  await page.waitForTimeout(500)
  const settled = sent.length
  await page.waitForTimeout(6_000)
  expect(sent.slice(settled).map((r) => r.action)).toEqual([])
})

test('attribution days and the shop rules refuse -5, 1.5 and too big on their fields; nothing saved', async () => {
  await nav('业绩归属规则')
  await page.click('#attribution-policy >> text=保护期')
  await refused('#attribution-days', '保护期（天）', '#attribution-save', [
    ['-5', '保护期不能小于 1'],
    ['1.5', '保护期必须是整数'],
    ['5000', '保护期不能大于 3650'],
  ])
  await shot(page, 'attribution-days-refused')
  expect(await ok(stack.admin({ action: 'getAttributionPolicy' }))).toMatchObject({
    protectionDays: null,
  })

  const rulesBefore = await ok(stack.admin({ action: 'shopRules' }))
  await refused('#shop-rules-days', '发货后自动确认收货（天）', '#shop-rules-save', [
    ['-5', '自动确认收货天数不能小于 1'],
    ['1.5', '自动确认收货天数必须是整数'],
    ['61', '自动确认收货天数不能大于 60'],
  ])
  await refused('#shop-rules-receipt', '单笔上限（元）', '#shop-rules-save', [
    ['-5', '单笔上限不能小于 1'],
    ['1.555', '单笔上限最多保留 2 位小数'],
    ['2000000', '单笔上限不能大于 1000000'],
  ])
  await page.locator('#shop-rules').scrollIntoViewIfNeeded()
  await shot(page, 'shop-rules-refused')
  expect(await ok(stack.admin({ action: 'shopRules' }))).toEqual(rulesBefore)

  // The commission refund window: the server's refusals, on the field.
  await refused('#commission-window', '退款期（天）', '#commission-save', [
    ['-5', '退款期不能为负数'],
    ['1.5', '退款期须为整数天'],
    ['91', '退款期最多 90 天'],
  ])
  await shot(page, 'commission-window-refused')
  expect(await ok(stack.admin({ action: 'commissionRules' }))).toMatchObject({
    refundWindowDays: 7,
  })
})

test('the days a job’s files are kept: refused on the field out of 1–365, saved, and said on 任务', async () => {
  await nav('业绩归属规则')
  await page.locator('#job-files').scrollIntoViewIfNeeded()
  expect(await page.inputValue('#job-retention-days')).toBe('7')
  await refused('#job-retention-days', '文件保留天数', '#job-retention-save', [
    ['0', '文件保留天数不能小于 1'],
    ['1.5', '文件保留天数必须是整数'],
    ['366', '文件保留天数不能大于 365'],
  ])
  await shot(page, 'job-retention-refused')
  expect(await ok(stack.admin({ action: 'jobFileRetention' }))).toEqual({ retentionDays: 7 })
  await page.fill('#job-retention-days', '30')
  await page.click('#job-retention-save')
  await page.getByText('已保存').waitFor()
  expect(await ok(stack.admin({ action: 'jobFileRetention' }))).toEqual({ retentionDays: 30 })
  await shot(page, 'job-retention-saved')
  // Seen again after a reload, and where the files are: on 任务.
  await page.reload()
  await page.locator('#job-files').scrollIntoViewIfNeeded()
  await page.waitForSelector('#job-retention-days[value="30"]')
  await nav('任务')
  await page.locator('#job-retention-note').getByText('生成的文件保留 30 天').waitFor()
  await shot(page, 'job-retention-on-jobs')
})

test('points rules, chat texts, campaigns and stores refuse -5, 1.5 and too big on their fields', async () => {
  await nav('积分规则与调整')
  const pointsBefore = await ok(stack.admin({ action: 'pointsRules' }))
  await page.waitForSelector('#rules-welcome')
  await refused('#rules-welcome', '开卡礼（积分）', '#rules-save', [
    ['-5', '开卡礼积分不能小于 0'],
    ['1.5', '开卡礼积分必须是整数'],
    ['100001', '开卡礼积分不能大于 100000'],
  ])
  await page.fill('#rules-welcome', '100')
  await refused('#rules-multiplier-gold', '等级倍率', '#rules-save', [
    ['-5', '金卡倍率不能小于 0'],
    ['1.555', '金卡倍率最多保留 2 位小数'],
    ['11', '金卡倍率不能大于 10'],
  ])
  await shot(page, 'points-rules-refused')
  expect(await ok(stack.admin({ action: 'pointsRules' }))).toEqual(pointsBefore)

  await nav('聊天文案')
  await page.click('#template-create')
  await page.fill('#template-title', '会员日提醒')
  await page.fill('#template-text', '本周六会员日，到店有礼。')
  await refused('#template-sort', '排序（小的在前）', '#template-submit', [
    ['-5', '排序不能小于 0'],
    ['1.5', '排序必须是整数'],
    ['20000', '排序不能大于 10000'],
  ])
  await shot(page, 'chat-template-sort-refused')
  const templates = await ok(stack.admin({ action: 'listChatTemplates' }))
  expect(templates.items.filter((t: { title: string }) => t.title === '会员日提醒')).toHaveLength(0)
  await page.keyboard.press('Escape')

  await nav('营销活动')
  await page.click('#campaign-create')
  await page.fill('#campaign-name', '老客回访')
  await page.fill('#campaign-field-thing1', '老客回访有礼')
  await refused(
    '#campaign-purchased-days',
    '近 N 天有购买',
    '.ant-modal-footer button.ant-btn-primary',
    [
      ['-5', '天数不能小于 1'],
      ['1.5', '天数必须是整数'],
      ['4000', '天数不能大于 3650'],
    ],
  )
  await shot(page, 'campaign-days-refused')
  const campaigns = await ok(stack.admin({ action: 'listCampaigns' }))
  expect(campaigns.items.filter((c: { name: string }) => c.name === '老客回访')).toHaveLength(0)
  await page.keyboard.press('Escape')

  await nav('门店')
  await page.click('#store-create')
  await page.fill('#store-code', 'SH078')
  await page.fill('#store-name', '来福士店')
  await page.fill('#store-address', '上海市黄浦区西藏中路 268 号')
  await page.fill('#store-lng', '121.47')
  await refused('#store-lat', '纬度', '#store-submit', [
    ['-95', '纬度在 -90 到 90 之间'],
    ['95', '纬度在 -90 到 90 之间'],
  ])
  await shot(page, 'store-lat-refused')
  const stores = await ok(stack.admin({ action: 'listStores', search: 'SH078' }))
  expect(stores.items).toHaveLength(0)
  await page.keyboard.press('Escape')
})

test('product sort and stock refuse -5 and 1.5 as typed (the server’s words), nothing saved', async () => {
  await nav('商品与库存')
  await page.click('#product-create')
  await page.fill('#product-name', '桂花乌龙')
  await page.fill('#product-price', '39.90')
  await refused('#product-sort', '排序（小的在前）', '#product-submit', [
    ['-5', '排序不能小于 0'],
    ['1.5', '排序应为整数'],
  ])
  await shot(page, 'product-sort-refused')
  const products = await ok(stack.admin({ action: 'listProducts', search: '桂花乌龙' }))
  expect(products.items).toHaveLength(0)
  await page.keyboard.press('Escape')

  const row = page.locator('#products-table tr.ant-table-row').first()
  await row.locator('.product-stock').click()
  const central = page.locator('.stock-set[data-location="中央仓"]')
  const cases: [typed: string, message: string][] = [
    ['-5', '库存不能小于 0'],
    ['1.5', '库存应为整数'],
  ]
  for (const [typed, message] of cases) {
    await central.locator('.stock-quantity input').fill(typed)
    await central.locator('.stock-save').click()
    await central.locator('.stock-error').getByText(message).waitFor()
    expect(await central.locator('.stock-quantity input').inputValue()).toBe(typed)
  }
  await shot(page, 'stock-refused')
})
