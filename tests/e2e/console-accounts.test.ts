/**
 * HQ accounts, the audit log and refused input in Chromium (issue #18): an admin creates a store
 * manager and an analyst on 账号与权限 (bad input shown on its field); the store manager sees only
 * their store; the analyst sees masked phones and no accounts; the audit log reads in Chinese,
 * finds 退款, filters by date and keeps reads apart; a store name of spaces, 所需积分 -50, points
 * 1.5 and an upside-down points range are refused on their fields, and nothing is clamped.
 */
import { existsSync } from 'node:fs'
import path from 'node:path'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { buildConsole } from '../../scripts/build-console'
import { launchChromium, screenshotter } from '../support/browser'
import { startTestStack, TEST_ADMIN_PASSWORD, type TestStack } from '../support/local-stack'

jest.setTimeout(90_000)

let stack: TestStack
let browser: Browser
let page: Page
const shot = screenshotter('console-accounts')
const nav = (p: Page, label: string) => p.click(`.ant-menu-item:has-text("${label}")`)
let storeA: string
const members: { memberNo: string; storeId: string }[] = []
let refundable: string

/** The error antd shows under the form item labelled `label`. */
const fieldError = (p: Page, label: string) =>
  p
    .locator('.ant-form-item', { has: p.locator(`label:text-is("${label}")`) })
    .locator('.ant-form-item-explain-error')

/** No Latin words where a person reads (ids, field paths, English messages). */
async function expectChineseOnly(p: Page, selector: string) {
  const text = (await p.locator(selector).innerText()).replace(
    /[A-Za-z0-9._-]*\d[A-Za-z0-9._-]*/g,
    '',
  )
  expect(text).not.toMatch(/[A-Za-z]{3,}/)
}

async function waitUntil(check: () => Promise<boolean>) {
  for (let tries = 0; !(await check()); tries++) {
    if (tries > 100) throw new Error('timed out waiting')
    await page.waitForTimeout(100)
  }
}

async function signIn(context: BrowserContext, username: string, password: string) {
  const p = await context.newPage()
  await p.goto(`${stack.url}/admin/`)
  await p.fill('#login-username', username)
  await p.fill('#login-password', password)
  await p.click('#login-submit')
  await p.waitForSelector('#console-user')
  return p
}

beforeAll(async () => {
  if (!existsSync(path.resolve(__dirname, '..', '..', 'console', 'dist', 'index.html')))
    await buildConsole()
  stack = await startTestStack({ seed: true })
  browser = await launchChromium()
  const demo = await stack.personas()
  storeA = demo.codes.find((c) => c.kind === 'clerk')!.storeId
  const storeB = demo.codes.find((c) => c.kind === 'clerk' && c.storeId !== storeA)!.storeId
  let n = 0
  for (const storeId of [storeA, storeA, storeB]) {
    n += 1
    const code = demo.codes.find((c) => c.kind === 'clerk' && c.storeId === storeId)!
    const openid = `oAccountsE2e${n}`
    const bound = await stack.call(
      'member',
      { action: 'bind', scene: code.scene, phone: `1370000000${n}` },
      { openid },
    )
    members.push({ memberNo: bound.body.data.memberNo, storeId })
    const created = await stack.call(
      'shop',
      {
        action: 'createOrder',
        items: [{ productId: 'p-rose-cream', qty: 1 }],
        fulfilment: 'pickup',
        storeId,
      },
      { openid },
    )
    await fetch(`${stack.url}/sandbox/pay/${created.body.data.outTradeNo}`, {
      method: 'POST',
      body: '{}',
    })
    refundable = created.body.data.orderId
  }
  const context = await browser.newContext({
    viewport: { width: 1360, height: 860 },
    locale: 'zh-CN',
  })
  page = await signIn(context, 'admin', TEST_ADMIN_PASSWORD)
  // Building the functions (when stale) and seeding take a while on a shared machine.
}, 240_000)

afterAll(async () => {
  await browser?.close()
  await stack?.stop()
})

test('账号与权限: bad input is shown on its field, then a store manager and an analyst are created', async () => {
  await nav(page, '账号与权限')
  await page.waitForSelector('#accounts-table >> text=当前登录')
  await page.click('#account-create')
  await page.fill('#account-username', 'x')
  await page.fill('#account-display-name', '赵店长')
  await page.click('#account-role >> text=门店店长')
  await page.fill('#account-password', 'short')
  await page.click('#account-submit')
  await fieldError(page, '用户名').getByText('用户名为 3-32 位字母、数字、点、- 或 _').waitFor()
  await page.fill('#account-username', 'mgr.zhao')
  await page.click('#account-submit')
  await fieldError(page, '初始密码').getByText('密码至少 8 位').waitFor()
  // The user name's earlier refusal is gone once it is answered.
  await fieldError(page, '用户名').waitFor({ state: 'detached' })
  await page.fill('#account-password', 'manager-password-1')
  await page.click('#account-submit')
  await fieldError(page, '所管门店').getByText('门店店长至少选择一个门店').waitFor()
  await shot(page, 'account-errors-on-fields')
  // The role's help and the store picker are the edit dialog's: the picker searches by name or
  // code, 静安 finds 静安寺店 (SH001) only.
  await page
    .locator('.ant-modal:visible')
    .getByText('只看所管门店的会员、订单、销售和提成结算')
    .waitFor()
  await page.click('#account-stores')
  await page.keyboard.type('静安')
  const options = page.locator('.ant-select-dropdown:visible .ant-select-item-option')
  await options.first().waitFor()
  expect(await options.allTextContents()).toEqual(['静安寺店（SH001）'])
  await shot(page, 'account-create-store-picker')
  await options.first().click()
  await page.keyboard.press('Escape')
  await page
    .locator('.ant-modal:visible .ant-select-selection-item', { hasText: '静安寺店' })
    .waitFor()
  await page.click('#account-submit')
  await page.waitForSelector('#accounts-table tr:has-text("mgr.zhao") >> text=静安寺店')

  await page.click('#account-create')
  await page.fill('#account-username', 'ana.wang')
  await page.fill('#account-display-name', '王分析')
  await page.click('#account-role >> text=只读分析')
  await page.fill('#account-password', 'analyst-password-1')
  await page.click('#account-submit')
  const row = page.locator('#accounts-table tr', { hasText: 'ana.wang' })
  await row.getByText('只读分析').waitFor()
  await page.waitForSelector('.ant-modal-wrap', { state: 'hidden' })
  expect(await row.textContent()).toContain('全部门店')
  expect(await row.textContent()).toContain('正常')
  await shot(page, 'accounts')
  await expectChineseOnly(page, '#accounts-table thead')
})

test('the store manager sees only their store’s members and the pages of their scope', async () => {
  const context = await browser.newContext({
    viewport: { width: 1360, height: 860 },
    locale: 'zh-CN',
  })
  const manager = await signIn(context, 'mgr.zhao', 'manager-password-1')
  expect(await manager.textContent('#console-role')).toBe('门店店长')
  const menu = await manager.locator('.ant-menu-item').allTextContents()
  expect(menu).toEqual(['数据看板', '门店', '导购与邀请', '会员', '订单与退款', '提成结算', '任务'])
  await nav(manager, '会员')
  const mine = members.filter((m) => m.storeId === storeA)
  for (const m of mine) await manager.waitForSelector(`#members-table >> text=${m.memberNo}`)
  const other = members.find((m) => m.storeId !== storeA)!
  expect(await manager.locator('#members-table').textContent()).not.toContain(other.memberNo)
  expect(await manager.locator('#members-table tbody tr.ant-table-row').count()).toBe(mine.length)
  await shot(manager, 'store-manager-members')
  // A page outside the scope, opened by its address, says why in Chinese.
  await manager.goto(`${stack.url}/admin/#/audit`)
  await manager.waitForSelector(
    '.ant-alert-error >> text=店长账号只能查看所管门店的会员、订单、销售和结算',
  )
  await shot(manager, 'store-manager-refused')
  await context.close()
})

test('the analyst sees masked phone numbers and no accounts page', async () => {
  const context = await browser.newContext({
    viewport: { width: 1360, height: 860 },
    locale: 'zh-CN',
  })
  const analyst = await signIn(context, 'ana.wang', 'analyst-password-1')
  expect(await analyst.textContent('#console-role')).toBe('只读分析')
  expect(await analyst.locator('.ant-menu-item:has-text("账号与权限")').count()).toBe(0)
  await nav(analyst, '会员')
  await analyst.waitForSelector(`#members-table >> text=${members[0]!.memberNo}`)
  const table = (await analyst.textContent('#members-table'))!
  expect(table).toMatch(/137\*{4}0001/)
  expect(table).not.toContain('13700000001')
  await shot(analyst, 'analyst-members')
  await context.close()
})

test('refused input reads in Chinese on its field; nothing is clamped', async () => {
  // A store name of spaces.
  await nav(page, '门店')
  await page.click('#store-create')
  await page.fill('#store-code', 'SH090')
  await page.fill('#store-name', '   ')
  await page.fill('#store-address', '上海市静安区')
  await page.click('#store-submit')
  await fieldError(page, '门店名称').getByText('门店名称不能为空').waitFor()
  await shot(page, 'store-name-spaces')
  await page.keyboard.press('Escape')

  // 新建礼品 with 所需积分 -50: refused, the box still says -50, no gift is created.
  await nav(page, '礼品与库存')
  await page.click('#gift-create')
  await page.fill('#gift-name', '竹节保温杯')
  await page.fill('#gift-points', '-50')
  await page.click('#gift-name')
  expect(await page.inputValue('#gift-points')).toBe('-50')
  await page.click('#gift-submit')
  await fieldError(page, '所需积分').getByText('所需积分不能小于 1').waitFor()
  expect(await page.inputValue('#gift-points')).toBe('-50')
  await shot(page, 'gift-points-negative')
  const gifts = (await stack.db.collection('gifts').where({ name: '竹节保温杯' }).count()) as {
    total: number
  }
  expect(gifts.total).toBe(0)
  await page.keyboard.press('Escape')

  // A member number that is not 9 digits: the message without its field path.
  await nav(page, '积分规则与调整')
  await page.fill('#points-member-search', '12345')
  await page.press('#points-member-search', 'Enter')
  await page.waitForSelector('.ant-message-notice:has-text("会员号为 9 位数字")')
  expect(await page.locator('.ant-message-notice', { hasText: 'memberNo' }).count()).toBe(0)

  // Points 1.5 by hand.
  await page.fill('#points-member-search', members[0]!.memberNo)
  await page.press('#points-member-search', 'Enter')
  await page.waitForSelector('#points-member')
  await page.fill('#adjust-points', '1.5')
  await page.fill('#adjust-reason', '手工补偿')
  await page.click('#adjust-submit')
  await page.locator('.ant-form-item-explain-error', { hasText: '调整积分必须是整数' }).waitFor()
  await shot(page, 'points-fraction')

  // A campaign audience whose points range is upside down: on 积分不多于, no field path.
  await nav(page, '营销活动')
  await page.click('#campaign-create')
  await page.fill('#campaign-name', '会员日')
  await page.fill('#campaign-points-min', '100')
  await page.fill('#campaign-points-max', '10')
  await page.fill('#campaign-field-thing1', '会员日到店有礼')
  await page.click('.ant-modal-footer button.ant-btn-primary')
  await fieldError(page, '积分不多于').getByText('积分上限不能低于下限').waitFor()
  await shot(page, 'campaign-points-range')
  const errors = await page.locator('.ant-form-item-explain-error').allTextContents()
  for (const e of errors) expect(e).not.toMatch(/[A-Za-z]/)
  await page.keyboard.press('Escape')
})

test('the audit log reads in Chinese, finds 退款, filters by date and keeps reads apart', async () => {
  const refund = await stack.admin({
    action: 'refundOrder',
    orderId: refundable,
    amountFen: 1000,
    reason: '包装破损',
  })
  expect(refund.status).toBe(200)
  const taken = await stack.admin({
    action: 'createStore',
    code: 'SH001',
    name: '重复编码店',
    address: '上海市',
  })
  expect(taken.status).toBe(409)
  const profile = await stack.admin({ action: 'listMembers' })
  await stack.admin({ action: 'memberProfile', memberId: profile.body.data.items[0].memberId })

  await nav(page, '操作日志')
  const table = page.locator('#audit-table')
  await table.getByText('新建账号').first().waitFor()
  await table.getByText('用户名 mgr.zhao，姓名 赵店长，角色 门店店长，门店数 1 家').waitFor()
  // A refused write shows its outcome and the message the person saw.
  await table.getByText('有冲突，未执行').first().waitFor()
  await table.getByText('门店编码 SH001 已存在').waitFor()
  expect(await table.locator('.audit-action', { hasText: '查看会员资料' }).count()).toBe(0)
  const text = (await table.innerText())!
  expect(text).not.toMatch(/[0-9a-f]{16}|[{}"]|createAdminAccount|\bok\b|INVALID_INPUT/)
  await shot(page, 'audit-writes')

  await page.fill('#audit-search', '退款')
  await page.press('#audit-search', 'Enter')
  await table.getByText('订单退款').waitFor()
  const rows = table.locator('tbody tr.ant-table-row')
  await waitUntil(async () => (await rows.count()) === 1)
  expect(await rows.first().innerText()).toMatch(/下单 ¥168\.00，金额 ¥10\.00，原因：包装破损/)
  expect(await rows.first().innerText()).toContain('成功')
  await shot(page, 'audit-search-refund')

  // Reads of personal data are a tab of their own.
  await page.fill('#audit-search', '')
  await page.press('#audit-search', 'Enter')
  await page.click('#audit-kind >> text=查看个人数据')
  await table.locator('.audit-action', { hasText: '查看会员资料' }).first().waitFor()
  expect(await table.locator('.audit-action', { hasText: '新建账号' }).count()).toBe(0)
  await shot(page, 'audit-reads')

  // A date range that ends yesterday (Asia/Shanghai) lists nothing of today.
  const yesterday = new Date(Date.now() + 8 * 3_600_000 - 86_400_000).toISOString().slice(0, 10)
  await page.goto(`${stack.url}/admin/#/audit?from=2020-01-01&to=${yesterday}`)
  await table.locator('.ant-empty-description', { hasText: '暂无数据' }).waitFor()
  const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10)
  await page.goto(`${stack.url}/admin/#/audit?from=${today}&to=${today}`)
  await table.getByText('新建账号').first().waitFor()
  expect(await page.inputValue('#audit-range')).toBe(today)
  await shot(page, 'audit-today')
})

test('disable, enable and reset an account from the list; the analyst is signed out at once', async () => {
  const context = await browser.newContext({
    viewport: { width: 1360, height: 860 },
    locale: 'zh-CN',
  })
  const analyst = await signIn(context, 'ana.wang', 'analyst-password-1')
  await nav(page, '账号与权限')
  const row = page.locator('#accounts-table tr', { hasText: 'ana.wang' })
  await row.locator('.account-disable').click()
  await page.click('.ant-popconfirm .ant-btn-primary')
  await row.getByText('已停用').waitFor()
  await row.locator('.account-enable').waitFor()
  expect(await row.locator('.account-disable').count()).toBe(0)
  await shot(page, 'account-disabled')
  // The analyst's next call finds the session gone: back to sign-in.
  await nav(analyst, '订单与退款')
  await analyst.waitForSelector('#login-username')
  await analyst.fill('#login-username', 'ana.wang')
  await analyst.fill('#login-password', 'analyst-password-1')
  await analyst.click('#login-submit')
  await analyst.waitForSelector('text=该账号已停用，请联系总部管理员')
  await shot(analyst, 'disabled-sign-in')

  await row.locator('.account-enable').click()
  await row.getByText('正常').waitFor()
  await row.locator('.account-reset').click()
  await page.fill('#account-new-password', 'short')
  await page.click('#account-reset-submit')
  await fieldError(page, '新密码').getByText('密码至少 8 位').waitFor()
  await page.fill('#account-new-password', 'analyst-password-2')
  await page.click('#account-reset-submit')
  await page.waitForSelector('.ant-message-notice:has-text("已重置 ana.wang 的密码")')
  await analyst.fill('#login-password', 'analyst-password-2')
  await analyst.click('#login-submit')
  await analyst.waitForSelector('#console-user')
  expect(await analyst.textContent('#console-role')).toBe('只读分析')
  await context.close()
})

test('修改账号: a store manager is moved to 徐家汇店 with the store picker and signs in to see only it', async () => {
  const context = await browser.newContext({
    viewport: { width: 1360, height: 860 },
    locale: 'zh-CN',
  })
  const manager = await signIn(context, 'mgr.zhao', 'manager-password-1')
  await nav(page, '账号与权限')
  const row = page.locator('#accounts-table tr', { hasText: 'mgr.zhao' })
  await row.locator('.account-edit').click()
  const dialog = page.locator('.ant-modal', { hasText: '修改账号' })
  await dialog.getByText('赵店长（mgr.zhao）').waitFor()
  expect(await page.inputValue('#account-edit-display-name')).toBe('赵店长')
  // The picker searches by name: 徐家汇 finds SH002.
  await page.click('#account-edit-stores')
  await page.keyboard.type('徐家汇')
  await page.locator('.ant-select-item-option', { hasText: '徐家汇店（SH002）' }).click()
  await page.keyboard.press('Escape')
  // 静安寺店 is taken off by its tag's ×: the manager keeps 徐家汇店 only.
  await dialog
    .locator('.ant-select-selection-item', { hasText: '静安寺店' })
    .locator('.ant-select-selection-item-remove')
    .click()
  await dialog.getByText('保存后该账号的登录立即失效').waitFor()
  await shot(page, 'account-edit-stores')
  // The form's words (the title names the account by its user name, which is Latin by design).
  await expectChineseOnly(page, '.ant-modal:visible:has-text("修改账号") form')
  await page.click('#account-edit-submit')
  // At least the sign-in above; an earlier test of this file may have left another one open.
  await page.getByText(/该账号的 [1-9]\d* 个登录已失效，需重新登录/).waitFor()
  await shot(page, 'account-edit-saved')
  await page.click('.ant-modal-confirm-btns .ant-btn')
  await row.getByText('徐家汇店').waitFor()
  expect(await row.textContent()).not.toContain('静安寺店')

  // The manager's open console finds the session gone; signed in again, only 徐家汇店's member.
  await nav(manager, '订单与退款')
  await manager.waitForSelector('#login-username')
  await manager.fill('#login-username', 'mgr.zhao')
  await manager.fill('#login-password', 'manager-password-1')
  await manager.click('#login-submit')
  await manager.waitForSelector('#console-user')
  await nav(manager, '会员')
  const theirs = members.find((m) => m.storeId !== storeA)!
  await manager.waitForSelector(`#members-table >> text=${theirs.memberNo}`)
  const table = (await manager.textContent('#members-table'))!
  for (const m of members.filter((x) => x.storeId === storeA))
    expect(table).not.toContain(m.memberNo)
  await shot(manager, 'moved-manager-members')
  await context.close()
})
