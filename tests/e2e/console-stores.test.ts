/**
 * Stores, clerks and invites in Chromium as an HQ operator of a 208-store chain works them: find a
 * store among 208 by name or code, edit it, try to close one that still has a clerk (the dialog
 * says what is left), move that clerk to a store picked by its code with the members staying with
 * a colleague, re-enable a disabled clerk, find an invite again after its dialog closed and revoke
 * another, download a clerk's poster and a whole store's posters as a ZIP, close and reopen a store.
 */
import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { PNG } from 'pngjs'
import type { Browser, Page } from 'playwright-core'
import { buildConsole } from '../../scripts/build-console'
import { COLLECTIONS } from '../../shared/collections'
import type { ClerkDoc, StoreDoc } from '../../shared/staff/documents'
import { launchChromium, screenshotter } from '../support/browser'
import { startTestStack, TEST_ADMIN_PASSWORD, type TestStack } from '../support/local-stack'
import { unzip } from '../support/unzip'

jest.setTimeout(180_000)

let stack: TestStack
let browser: Browser
let page: Page
const shot = screenshotter('console-stores')
const nav = (label: string) => page.click(`.ant-menu-item:has-text("${label}")`)
/** Types into a searchable picker and takes the first match, as a keyboard user does. */
async function pick(selector: string, text: string) {
  await page.click(selector)
  await page.keyboard.type(text)
  await page.waitForSelector('.ant-select-dropdown:visible .ant-select-item-option')
  await page.keyboard.press('Enter')
}

let movingClerk: ClerkDoc
let colleague: ClerkDoc

beforeAll(async () => {
  if (!existsSync(path.resolve(__dirname, '..', '..', 'console', 'dist', 'index.html')))
    await buildConsole()
  stack = await startTestStack({ seed: true })
  // The demo's 2 stores and 206 more: a chain of 208.
  const now = Date.now()
  const docs: Omit<StoreDoc, '_id'>[] = Array.from({ length: 206 }, (_, i) => ({
    code: `CS${String(i + 1).padStart(3, '0')}`,
    name: `${['浦东', '闵行', '宝山', '嘉定'][i % 4]}${i + 1}号店`,
    address: `上海市测试路 ${i + 1} 号`,
    status: 'active',
    createdAt: new Date(now + i),
  }))
  for (let i = 0; i < docs.length; i += 50)
    await Promise.all(
      docs.slice(i, i + 50).map((d) => stack.db.collection(COLLECTIONS.stores.name).add(d)),
    )
  const demo = await stack.personas()
  const code = demo.codes.find((c) => c.kind === 'clerk')!
  for (let i = 0; i < 3; i++)
    await stack.call(
      'member',
      { action: 'bind', scene: code.scene, phone: `1370000${String(1000 + i)}` },
      { openid: `oE2eStoresMember${i}` },
    )
  const clerks = (await stack.db
    .collection(COLLECTIONS.clerks.name)
    .where({ storeId: code.storeId, status: 'active' })
    .get()) as { data: ClerkDoc[] }
  movingClerk = clerks.data.find((c) => c._id === code.clerkId)!
  colleague = clerks.data.find((c) => c._id !== code.clerkId)!
  browser = await launchChromium()
  const context = await browser.newContext({
    viewport: { width: 1440, height: 900 },
    locale: 'zh-CN',
    // The operator's laptop is abroad: times still read in Asia/Shanghai.
    timezoneId: 'America/New_York',
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

test('finds one of 208 stores by name or by code', async () => {
  await nav('门店')
  await page.waitForSelector('#store-count:has-text("共 208 家")')
  await shot(page, 'stores-208')
  // 闵行10号店, 闵行102号店, 闵行106号店
  await page.fill('#store-search', '闵行10')
  await page.press('#store-search', 'Enter')
  await page.waitForSelector('#store-count:has-text("共 3 家")')
  expect(await page.locator('tbody tr.ant-table-row').count()).toBe(3)
  await page.fill('#store-search', 'cs20')
  await page.press('#store-search', 'Enter')
  await page.waitForSelector('#store-count:has-text("共 7 家")')
  expect(await page.locator('tbody tr:has-text("CS206")').count()).toBe(1)
  await shot(page, 'stores-search-code')
})

test('edits a store: a blank name is refused on its field, a new name is saved', async () => {
  const row = page.locator('tr', { hasText: 'CS206' })
  await row.locator('.store-edit').click()
  await page.fill('#store-edit-name', '   ')
  await page.click('#store-edit-submit')
  await page.waitForSelector('#store-edit-form >> text=请填写门店名称')
  await shot(page, 'store-edit-blank')
  await page.fill('#store-edit-name', '嘉定新城旗舰店')
  await page.click('#store-edit-submit')
  await page.waitForSelector('td:has-text("嘉定新城旗舰店")')
  await shot(page, 'store-edited')
})

test('closing a store that still has clerks says what is left and cannot be confirmed', async () => {
  await page.fill('#store-search', '静安')
  await page.press('#store-search', 'Enter')
  await page.waitForSelector('#store-count:has-text("共 1 家")')
  await page.locator('tr', { hasText: '静安寺店' }).locator('.store-close').click()
  await page.waitForSelector('#store-close-blockers')
  expect(await page.textContent('#store-close-blockers')).toContain('名在岗导购')
  expect(await page.locator('#store-close-submit').isDisabled()).toBe(true)
  await page.waitForTimeout(400) // the dialog's opening animation
  await shot(page, 'store-close-blocked')
  await page.keyboard.press('Escape')
})

test('moves a clerk to a store picked by its code; the members stay with a colleague', async () => {
  await nav('导购与邀请')
  const row = page.locator('tr', { hasText: movingClerk.name })
  await row.locator('.clerk-move').click()
  await pick('#clerk-move-store', 'CS150')
  await page.click('text=留在原门店，转给原门店的另一名导购')
  await pick('#clerk-move-receiver', colleague.name)
  await page.fill('#clerk-move-reason', '支援新店')
  await shot(page, 'clerk-move-form')
  await page.click('#clerk-move-submit')
  await page.waitForSelector('#clerk-move-result')
  expect(await page.textContent('#clerk-move-result')).toContain('名会员正在转移')
  await shot(page, 'clerk-moved')
  await page.click('text=知道了')
  await fetch(`${stack.url}/dev/jobs/stepJobs`, { method: 'POST' })
  const left = (await stack.db
    .collection(COLLECTIONS.members.name)
    .where({ clerkId: movingClerk._id, status: 'active' })
    .count()) as { total: number }
  expect(left.total).toBe(0)
  await page.reload()
  await page.waitForSelector(`tr:has-text("${movingClerk.name}")`)
  expect(await page.locator('tr', { hasText: movingClerk.name }).textContent()).toContain(
    '闵行150号店',
  )
})

test('re-enables a disabled clerk', async () => {
  const row = page.locator('tr', { hasText: movingClerk.name })
  await row.locator('.clerk-disable').click()
  await page.fill('#clerk-disable-reason', '休假')
  await page.click('#clerk-disable-submit')
  await page.waitForSelector(`tr:has-text("${movingClerk.name}") >> text=已停用`)
  await shot(page, 'clerk-disabled')
  await page.locator('tr', { hasText: movingClerk.name }).locator('.clerk-enable').click()
  await page.waitForSelector(`tr:has-text("${movingClerk.name}") >> text=在岗`)
  await shot(page, 'clerk-enabled')
})

test('finds an invite again after its dialog closed, and revokes another', async () => {
  for (const name of ['周导购', '吴导购']) {
    await page.click('#invite-create')
    await pick('#invite-store', 'CS150')
    await page.fill('#invite-name', name)
    await page.click('#invite-submit')
    await page.waitForSelector('#invite-image')
    await page.keyboard.press('Escape')
    await page.waitForSelector('#invite-image', { state: 'hidden' })
  }
  await page.click('.ant-tabs-tab:has-text("邀请记录")')
  await page.waitForSelector('#invite-table tr:has-text("周导购")')
  await shot(page, 'invites-pending')
  await page
    .locator('#invite-table tr', { hasText: '周导购' })
    .locator('.invite-code-download')
    .click()
  await page.waitForSelector('#invite-image')
  expect(await page.textContent('.ant-modal-title >> visible=true')).toContain('周导购')
  await shot(page, 'invite-again')
  await page.keyboard.press('Escape')
  await page.waitForSelector('#invite-image', { state: 'hidden' })
  await page.locator('#invite-table tr', { hasText: '吴导购' }).locator('.invite-revoke').click()
  await page.click('.invite-revoke-confirm')
  await page.waitForSelector('#invite-table tr:has-text("吴导购")', { state: 'detached' })
  await page.click('#invite-status-filter >> text=已撤销')
  await page.waitForSelector('#invite-table tr:has-text("吴导购") >> text=已撤销')
  await shot(page, 'invites-revoked')
})

test('downloads a clerk’s poster: brand, name and code in one PNG', async () => {
  await page.click('.ant-tabs-tab >> text=导购')
  const row = page.locator('tr', { hasText: colleague.name })
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    row.locator('.clerk-poster-download').click(),
  ])
  expect(download.suggestedFilename()).toMatch(/^导购海报-SH001-.+\.png$/)
  const file = (await download.path())!
  const png = PNG.sync.read(readFileSync(file))
  expect([png.width, png.height]).toEqual([750, 1180])
  await download.saveAs(
    path.resolve(__dirname, '..', '..', '.test-artifacts', 'e2e', 'console-stores', 'poster.png'),
  )
})

test('a store’s posters as a ZIP from a job; then the store closes and reopens', async () => {
  await nav('门店')
  await page.fill('#store-search', 'CS150')
  await page.press('#store-search', 'Enter')
  await page.waitForSelector('#store-count:has-text("共 1 家")')
  await page.locator('tr', { hasText: 'CS150' }).locator('.store-posters-zip').click()
  // The operator stays on 门店: a notice follows the job and offers its ZIP when it is drawn.
  const notice = page.locator('.job-notice', { hasText: '闵行150号店' })
  await notice.locator('.job-notice-download').waitFor({ timeout: 120_000 })
  expect(page.url()).toContain('/stores')
  await shot(page, 'poster-job-done')
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    notice.locator('.job-notice-download').click(),
  ])
  expect(download.suggestedFilename()).toBe('门店海报-CS150.zip')
  const files = [...unzip(readFileSync((await download.path())!)).keys()]
  expect(files).toContain('门店海报-CS150-闵行150号店.png')
  expect(files.some((f) => f.startsWith(`导购海报-CS150-${movingClerk.name}-`))).toBe(true)
  // The same job is listed on 任务, done.
  await notice.locator('.job-notice-link').click()
  await page
    .locator('#jobs-table tr', { hasText: '门店海报' })
    .first()
    .getByText('已完成')
    .waitFor()
  // A store with nothing left closes; its members are told to stay.
  await nav('门店')
  await page.fill('#store-search', 'CS149')
  await page.press('#store-search', 'Enter')
  await page.waitForSelector('#store-count:has-text("共 1 家")')
  await page.locator('tr', { hasText: 'CS149' }).locator('.store-close').click()
  await page.waitForSelector('#store-close-members')
  await page.fill('#store-close-reason', '租约到期')
  await shot(page, 'store-close')
  await page.click('#store-close-submit')
  await page.waitForSelector('tr:has-text("CS149") >> text=已停业')
  await shot(page, 'store-closed')
  await page.locator('tr', { hasText: 'CS149' }).locator('.store-reopen').click()
  await page.waitForSelector('tr:has-text("CS149") >> text=营业中')
})
