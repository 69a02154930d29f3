/**
 * The HQ console in Chromium, as HQ staff use it: sign in, create a store and download its code,
 * invite a clerk, move a clerk's members to a colleague, ship a mail redemption, and find it all
 * in the audit log.
 */
import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { buildConsole } from '../../scripts/build-console'
import { launchChromium, screenshotter } from '../support/browser'
import { startTestStack, TEST_ADMIN_PASSWORD, type TestStack } from '../support/local-stack'

jest.setTimeout(60_000)

let stack: TestStack
let browser: Browser
let page: Page
const shot = screenshotter('console')
/** Chooses an option of a searchable antd Select the way a keyboard user does. */
async function pickOption(selector: string, label: string) {
  await page.click(selector)
  await page.keyboard.type(label)
  await page.keyboard.press('Enter')
}
const nav = (label: string) => page.click(`.ant-menu-item:has-text("${label}")`)

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
})

afterAll(async () => {
  await browser?.close()
  await stack?.stop()
})

test('sign-in refuses a wrong password and lets the admin in', async () => {
  await page.goto(`${stack.url}/admin/`)
  await page.waitForSelector('#login-username')
  await page.fill('#login-username', 'admin')
  await page.fill('#login-password', 'wrong-password')
  await page.click('#login-submit')
  await page.waitForSelector('#login-error')
  expect(await page.textContent('#login-error')).toContain('用户名或密码错误')
  await shot(page, 'login-refused')
  await page.fill('#login-password', TEST_ADMIN_PASSWORD)
  await page.click('#login-submit')
  await page.waitForSelector('text=会员总数')
  expect(await page.textContent('#console-user')).toBe('admin')
  await shot(page, 'dashboard')
})

test('creates a store and downloads its mini-program code', async () => {
  await nav('门店')
  await page.waitForSelector('text=静安寺店')
  await page.click('#store-create')
  await page.fill('#store-code', 'SH009')
  await page.fill('#store-name', '南京东路店')
  await page.fill('#store-address', '上海市黄浦区南京东路 100 号')
  await shot(page, 'store-form')
  await page.click('#store-submit')
  await page.waitForSelector('td:has-text("南京东路店")')
  await shot(page, 'store-created')
  const row = page.locator('tr', { hasText: '南京东路店' })
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    row.locator('.store-code-download').click(),
  ])
  expect(download.suggestedFilename()).toContain('SH009')
  const png = readFileSync((await download.path())!)
  expect(png.subarray(1, 4).toString()).toBe('PNG')
  expect(png.length).toBeGreaterThan(500)
})

test('places the new store on the map so shoppers see it by distance', async () => {
  const row = page.locator('tr', { hasText: '南京东路店' })
  expect(await row.textContent()).toContain('未设坐标')
  await row.locator('.store-location-edit').click()
  await page.fill('#store-location-lat', '95')
  await page.fill('#store-location-lng', '121.4840')
  await page.click('#store-location-submit')
  await page.waitForSelector('text=纬度在 -90 到 90 之间')
  await page.fill('#store-location-lat', '31.2376')
  await page.click('#store-location-submit')
  // Located: the row loses its 未设坐标 tag (the coordinates are checked in the database below).
  await row.getByText('未设坐标').waitFor({ state: 'detached' })
  await shot(page, 'store-located')
  const stored = (await stack.db.collection('stores').where({ code: 'SH009' }).get()) as {
    data: { location?: { lat: number; lng: number } }[]
  }
  expect(stored.data[0]!.location).toEqual({ lat: 31.2376, lng: 121.484 })
})

test('invites a clerk for the new store; the invite binds a WeChat user', async () => {
  await nav('导购与邀请')
  await page.click('#invite-create')
  await pickOption('#invite-store', '南京东路店')
  await page.fill('#invite-name', '孙导购')
  await page.click('#invite-submit')
  await page.waitForSelector('#invite-image')
  const invite = (await page.textContent('#invite-scene'))!.trim()
  expect(invite).toMatch(/^i\./)
  await shot(page, 'invite')
  const joined = await stack.call(
    'staff',
    { action: 'bindInvite', invite },
    { openid: 'oConsoleInvitee' },
  )
  expect(joined.body.data).toMatchObject({ name: '孙导购', storeName: '南京东路店' })
  await page.keyboard.press('Escape')
  await page.reload()
  await page.waitForSelector('tr:has-text("孙导购")')
  expect(await page.locator('tr', { hasText: '孙导购' }).textContent()).toContain('已绑定')
  await shot(page, 'clerk-bound')
})

test("moves all of a clerk's members to a colleague, with progress, and the members list shows it", async () => {
  const demo = await stack.personas()
  const fromCode = demo.codes.find((c) => c.kind === 'clerk')!
  for (let i = 0; i < 3; i++) {
    await stack.call(
      'member',
      { action: 'bind', scene: fromCode.scene, phone: `1370000000${i}` },
      { openid: `oConsoleMember${i}` },
    )
  }
  // The clerks' counts follow the binds with their follow-up job.
  await stack.runJob('finishBinds')
  const clerks = (await stack.db
    .collection('clerks')
    .where({ storeId: fromCode.storeId })
    .get()) as { data: any[] }
  const from = clerks.data.find((c) => c._id === fromCode.clerkId)
  const to = clerks.data.find((c) => c._id !== fromCode.clerkId && c.status === 'active')
  await nav('会员')
  await page.waitForSelector('#members-table')
  await page.click('#transfer-all')
  await pickOption('#transfer-from', from.name)
  await pickOption('#transfer-to', to.name)
  await page.fill('#transfer-reason', '导购调岗')
  await page.click('#transfer-confirm')
  await page.waitForSelector('#transfer-progress >> text=转移完成')
  expect(await page.textContent('#transfer-progress')).toContain(
    `已转移 ${from.memberCount} / ${from.memberCount}`,
  )
  await shot(page, 'transfer-done')
  await page.click('#transfer-close')
  await page.waitForSelector('.ant-modal-wrap', { state: 'hidden' })
  await page.fill('#member-search', '0000')
  await page.press('#member-search', 'Enter')
  await page.waitForSelector(`#members-table tr:has-text("${to.name}")`)
  expect(page.url()).toContain('search=0000')
  await shot(page, 'members-after-transfer')
  const moved = (await stack.db
    .collection('members')
    .where({ clerkId: from._id, status: 'active' })
    .count()) as { total: number }
  expect(moved.total).toBe(0)
})

test('creates a gift with stock in every store and adjusts one store’s stock', async () => {
  await nav('礼品与库存')
  await page.waitForSelector('#gifts-table')
  await page.click('#gift-create')
  await page.fill('#gift-name', '限定帆布袋')
  await page.fill('#gift-points', '300')
  await page.fill('#gift-stock', '5')
  await page.click('#gift-submit')
  await page.waitForSelector('#gifts-table tr:has-text("限定帆布袋")')
  const row = page.locator('#gifts-table tr', { hasText: '限定帆布袋' })
  await row.locator('.gift-stock').click()
  await pickOption('#stock-location', '静安寺店')
  await page.fill('#stock-delta', '-2')
  await page.fill('#stock-reason', '破损报废')
  await page.click('#stock-submit')
  await page.waitForSelector('.ant-modal-wrap', { state: 'hidden' })
  await shot(page, 'gifts')
  const gift = (
    (await stack.db.collection('gifts').where({ name: '限定帆布袋' }).get()) as { data: any[] }
  ).data[0]
  const stock = (await stack.db.collection('giftStock').where({ giftId: gift._id }).get()) as {
    data: any[]
  }
  const byStore = stock.data.map((s) => s.available).sort()
  expect(byStore).toEqual([3, 5, 5])
})

test('changes the welcome bonus and adjusts a member’s points with a reason', async () => {
  await nav('积分规则与调整')
  await page.waitForSelector('#rules-welcome')
  await page.fill('#rules-welcome', '150')
  await page.click('#rules-save')
  await page.waitForSelector('text=积分规则已保存')
  const member = (
    (await stack.db.collection('members').where({ status: 'active' }).limit(1).get()) as {
      data: any[]
    }
  ).data[0]
  await page.fill('#points-member-search', member.memberNo)
  await page.press('#points-member-search', 'Enter')
  await page.waitForSelector('#points-member')
  await page.fill('#adjust-points', '50')
  await page.fill('#adjust-reason', '客诉补偿')
  await page.click('#adjust-submit')
  await page.waitForSelector(`#points-member >> text=${member.points + 50}`)
  await shot(page, 'points')
  const rules = await stack.admin({ action: 'pointsRules' })
  expect(rules.body.data.welcomeBonus).toBe(150)
})

test('publishes a chat text for clerks and reads a member’s conversation (audited)', async () => {
  await nav('聊天文案')
  await page.click('#template-create')
  await page.fill('#template-title', '周末活动')
  await page.fill('#template-text', '本周末全场第二件半价，欢迎到店！')
  await page.click('#template-submit')
  await page.waitForSelector('#templates-table tr:has-text("周末活动")')
  const demo = await stack.personas()
  const clerk = demo.personas.find((p) => p.role === 'clerk')!
  const templates = await stack.call('chat', { action: 'templates' }, { openid: clerk.openid })
  expect(templates.body.data.items.map((t: any) => t.title)).toContain('周末活动')

  const member = await stack.call('member', { action: 'profile' }, { openid: 'oConsoleMember0' })
  const conversation = await stack.call(
    'chat',
    { action: 'myConversation' },
    { openid: 'oConsoleMember0' },
  )
  await stack.call(
    'chat',
    {
      action: 'send',
      conversationId: conversation.body.data.conversationId,
      clientMsgId: 'console-e2e-0001',
      body: { type: 'text', text: '请问会员日是哪天？' },
    },
    { openid: 'oConsoleMember0' },
  )
  await page.goto(`${stack.url}/admin/#/members/${member.body.data.memberId}`)
  await page.click('#show-conversation')
  await page.waitForSelector('#member-conversation >> text=请问会员日是哪天？')
  await shot(page, 'member-conversation')
})

test('ships a paid mail redemption with carrier and tracking number; the member sees it shipped', async () => {
  const demo = await stack.personas()
  const store = demo.codes.find((c) => c.kind === 'store')!
  await stack.call(
    'member',
    { action: 'bind', scene: store.scene, phone: '13512345678' },
    { openid: 'oConsoleMailer' },
  )
  const address = {
    name: '周先生',
    phone: '13512345678',
    province: '上海市',
    city: '上海市',
    district: '徐汇区',
    detail: '漕溪北路 88 号',
  }
  const redeemed = (
    await stack.call(
      'points',
      { action: 'redeem', giftId: 'demo-gift-tote', fulfilment: 'mail', address },
      { openid: 'oConsoleMailer' },
    )
  ).body.data
  expect(
    (await fetch(`${stack.url}/sandbox/pay/${redeemed.outTradeNo}`, { method: 'POST', body: '{}' }))
      .status,
  ).toBe(200)

  await nav('邮寄兑换发货')
  const row = page.locator('#mail-redemptions-table tr', { hasText: '周先生' })
  await row.waitFor()
  expect(await row.textContent()).toContain('漕溪北路 88 号')
  await row.locator('.mail-ship').click()
  await page.fill('#ship-tracking', 'SF0012345678')
  await page.click('#ship-submit')
  await page.waitForSelector('text=已发货：顺丰速运 SF0012345678')
  await page.waitForSelector('#mail-redemptions-table >> text=没有待发货的邮寄兑换')
  await page.click('#mail-status >> text=已发货')
  await page.waitForSelector('#mail-redemptions-table >> text=SF0012345678')
  await shot(page, 'mail-shipped')
  const seen = await stack.call(
    'points',
    { action: 'redemption', redemptionId: redeemed.redemptionId },
    { openid: 'oConsoleMailer' },
  )
  expect(seen.body.data).toMatchObject({
    status: 'shipped',
    shipment: { carrier: '顺丰速运', trackingNo: 'SF0012345678' },
  })
})

test('the audit log lists what HQ did, in words', async () => {
  await nav('操作日志')
  await page.waitForSelector('#audit-table >> text=批量转移会员')
  const text = await page.textContent('#audit-table')
  expect(text).toContain('新建门店')
  expect(text).toContain('编码 SH009，名称「南京东路店」')
  expect(text).toContain('生成导购邀请码')
  expect(text).not.toMatch(/createStore|createStaffInvite|[0-9a-f]{24}/)
  // Reading a member's conversation is a read of personal data: its own tab, found by its name.
  await page.click('#audit-kind >> text=查看个人数据')
  await page.fill('#audit-search', '聊天记录')
  await page.press('#audit-search', 'Enter')
  const actionCells = page.locator('#audit-table tbody tr.ant-table-row .audit-action')
  for (let tries = 0; ; tries++) {
    const cells = await actionCells.allTextContents()
    if (cells.length > 0 && cells.every((c) => c === '查看会员聊天记录')) break
    if (tries > 300) throw new Error(`the audit table still lists ${cells.join(', ')}`)
    await page.waitForTimeout(100)
  }
  expect(page.url()).toContain('kind=read')
  expect(await page.locator('.ant-alert-error').count()).toBe(0)
  await shot(page, 'audit')
})

test('修改密码 ends the session: back to sign-in, the old password no longer works', async () => {
  await page.click('#change-password')
  await page.waitForSelector('.ant-modal-title:has-text("修改密码")')
  const field = (label: string) =>
    page.locator(`.ant-modal .ant-form-item:has-text("${label}") input`)
  await field('原密码').fill('not-the-password')
  await field('新密码').first().fill('console-new-password')
  await field('再次输入新密码').fill('console-new-password')
  await page.click('.ant-modal-footer button.ant-btn-primary')
  // A wrong old password is shown on its field; the console stays signed in.
  await page.waitForSelector('.ant-modal .ant-form-item-explain-error:has-text("原密码不正确")')
  await field('原密码').fill(TEST_ADMIN_PASSWORD)
  await page.click('.ant-modal-footer button.ant-btn-primary')
  await page.waitForSelector('#login-username')
  await shot(page, 'password-changed')
  const old = await stack.call('admin', {
    action: 'login',
    username: 'admin',
    password: TEST_ADMIN_PASSWORD,
  })
  expect(old.status).toBe(401)
  await page.fill('#login-username', 'admin')
  await page.fill('#login-password', 'console-new-password')
  await page.click('#login-submit')
  await page.waitForSelector('#console-user')
})
