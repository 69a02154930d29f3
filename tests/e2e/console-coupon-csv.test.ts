/**
 * 优惠券 → 上传文件发放 in the HQ console, in Chromium: HQ uploads a CSV of member numbers from a
 * template's row; a file with a repeated and a malformed row is refused with each row named and
 * nothing issued; the corrected file runs as a job on the 任务 page (the template has 100 left
 * for 120 members), which shows it finish with issued and not-issued counts; its result file is
 * downloaded (会员号, 结果 per row); and the template's figures count the coupons issued.
 */
import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { buildConsole } from '../../scripts/build-console'
import { addMembers } from '../support/fixtures'
import { launchChromium, screenshotter } from '../support/browser'
import { startTestStack, TEST_ADMIN_PASSWORD, type TestStack } from '../support/local-stack'

jest.setTimeout(120_000)

let stack: TestStack
let browser: Browser
let page: Page
const shot = screenshotter('console-coupon-csv')
const nav = (label: string) => page.click(`.ant-menu-item:has-text("${label}")`)
const NAME = '老会员回店礼'
const memberNos = Array.from({ length: 120 }, (_, i) => String(730_000_000 + i))

beforeAll(async () => {
  if (!existsSync(path.resolve(__dirname, '..', '..', 'console', 'dist', 'index.html')))
    await buildConsole()
  stack = await startTestStack({ seed: true })
  const demo = await stack.personas()
  const store = demo.codes.find((c) => c.kind === 'clerk')!
  const now = new Date()
  await addMembers(
    stack.db,
    memberNos.map((memberNo) => ({
      _id: `m-e2e-${memberNo}`,
      memberNo,
      status: 'active',
      tier: 'standard',
      points: 0,
      storeId: store.storeId,
      clerkId: store.clerkId,
      attributedAt: now,
      openedStoreId: store.storeId,
      openedClerkId: store.clerkId,
      joinedAt: now,
      lastPurchaseAt: null,
      tags: [],
      pointsCredited: 0,
      pointsDebited: 0,
      nextExpiryAt: new Date('2099-01-01'),
      latestExpiryAt: null,
    })),
  )
  const created = await stack.admin({
    action: 'createCouponTemplate',
    name: NAME,
    kind: 'amountOff',
    valueFen: 1_000,
    minSpendFen: 5_000,
    channels: ['online', 'offline'],
    validDays: 30,
    totalQuantity: 100,
    perMemberLimit: 1,
  })
  expect(created.status).toBe(200)
  browser = await launchChromium()
  const context = await browser.newContext({
    viewport: { width: 1360, height: 860 },
    locale: 'zh-CN',
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

const row = () => page.locator('#coupons-table tr', { hasText: NAME })
const csvFile = (name: string, lines: string[]) => ({
  name,
  mimeType: 'text/csv',
  buffer: Buffer.from(`\uFEFF会员号\r\n${lines.join('\r\n')}\r\n`, 'utf8'),
})

test('a file with a repeated and a malformed row is refused, each row named, nothing issued', async () => {
  await nav('优惠券')
  await page.waitForSelector(`#coupons-table tr:has-text("${NAME}")`)
  await row().locator('.coupon-issue-file').click()
  await page.waitForSelector('#coupon-csv-rules')
  await page.setInputFiles(
    '#coupon-csv-file',
    csvFile('名单有误.csv', [memberNos[0]!, '12345', memberNos[0]!]),
  )
  // The chosen file's name beside the button (read in the page: size and encoding first).
  await page.waitForSelector('#coupon-csv-name:has-text("名单有误.csv")')
  await page.click('#coupon-csv-submit')
  const errors = page.locator('#coupon-csv-errors')
  await errors.waitFor()
  const text = await errors.textContent()
  expect(text).toContain('文件有 2 处错误，没有发放任何优惠券')
  expect(text).toContain('第 3 行「会员号」：「12345」不是会员号：会员号为 9 位数字')
  expect(text).toContain(`第 4 行「会员号」：与第 2 行的会员号 ${memberNos[0]} 重复`)
  await shot(page, 'file-refused')
  const stats = await stack.admin({ action: 'listCouponTemplates' })
  expect(stats.body.data.items.find((t: { name: string }) => t.name === NAME).issued).toBe(0)
})

test('the corrected file runs as a job: it finishes on the jobs page with its counts, and the result file lists every row', async () => {
  await page.setInputFiles('#coupon-csv-file', csvFile('回店礼名单.csv', memberNos))
  await page.click('#coupon-csv-submit')
  await page.waitForURL(/\/jobs/)
  const job = page.locator('#jobs-table tr', { hasText: `发券：${NAME}（回店礼名单.csv）` })
  await job.locator('.job-download').waitFor({ timeout: 90_000 })
  const progress = await job.textContent()
  expect(progress).toContain('批量发券')
  expect(progress).toContain('120 / 120，已发放 100，未发放 20')
  expect(progress).toContain('已完成')
  await shot(page, 'job-finished')
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    job.locator('.job-download').click(),
  ])
  expect(download.suggestedFilename()).toMatch(/^发券结果-.+\.csv$/)
  const csv = readFileSync((await download.path())!, 'utf8')
  const lines = csv
    .replace(/^\uFEFF/, '')
    .trim()
    .split('\r\n')
  expect(lines[0]).toBe('会员号,结果')
  expect(lines.slice(1).map((l) => l.split(',')[0])).toEqual(memberNos)
  const results = lines.slice(1).map((l) => l.split(',')[1])
  expect(results.filter((r) => r === '已发放')).toHaveLength(100)
  expect(results.filter((r) => r === '未发放：已发完')).toHaveLength(20)
})

test("the template's figures count the coupons the job issued", async () => {
  await nav('优惠券')
  await page.waitForSelector(`#coupons-table tr:has-text("${NAME}")`)
  expect(await row().textContent()).toContain('100 / 100（每人 1）')
  await row().locator('.ant-table-row-expand-icon').click()
  await page.waitForSelector('.coupon-stats')
  const stats = await page.textContent('.coupon-stats')
  expect(stats).toContain('已发放100')
  expect(stats).toContain('可使用100')
  await shot(page, 'template-figures')
})
