/**
 * The mini-program's H5 build in Chromium against the local stack with demo data, as the people
 * who use it: a new shopper who scans a store code and opens a card, a clerk at the desk, a
 * store manager looking at the store's members — one browser, switching identity with the
 * local-only persona switcher. Screenshots of every step: .test-artifacts/e2e/mini-program/.
 */
import { writeFileSync } from 'node:fs'
import path from 'node:path'
import type { Browser } from 'playwright-core'
import { measureH5FirstLoad } from '../../scripts/bench/miniprogram-size'
import { launchChromium } from '../support/browser'
import { startTestStack, type Personas, type TestStack } from '../support/local-stack'
import { ensureH5Built, openMiniProgram, type MiniProgramSession } from './harness/mini-program'

jest.setTimeout(90_000)

const PHONE = '13800138000'

let stack: TestStack
let browser: Browser
let app: MiniProgramSession
let demo: Personas

beforeAll(async () => {
  const h5Dir = ensureH5Built()
  stack = await startTestStack({ seed: true, h5Dir })
  demo = await stack.personas()
  browser = await launchChromium()
  app = await openMiniProgram(browser, stack.url, 'mini-program')
})

afterAll(async () => {
  await app?.close()
  await browser?.close()
  await stack?.stop()
})

function storeCodeScene(storeName: string): string {
  const manager = demo.personas.find((p) => p.role === 'manager' && p.name === storeName)
  const code = demo.codes.find((c) => c.kind === 'store' && c.storeId === manager?.storeId)
  if (!code) throw new Error(`no store code for ${storeName}'s store`)
  return code.scene
}

test('a new shopper opens the app and is told how to become a member', async () => {
  await app.open()
  await app.waitFor('/pages/home/index', '还不是会员')

  expect(await app.current().textContent()).toContain('到店扫描门店或导购的二维码，即可开卡')
  expect(await app.page.locator('#persona-switcher').textContent()).toContain('顾客 A（林女士）')
  // The H5 app stands in for WeChat's identity with the first shopper persona.
  expect(app.calls).toContainEqual({
    name: 'member',
    action: 'profile',
    openid: 'demo-shopper-a',
    status: 404,
  })
  await app.shot('home-new-shopper')

  // What the first load cost is what the size bench counts.
  const counted = measureH5FirstLoad()
  expect([...app.scripts].sort()).toEqual([...counted.js].sort())
  writeFileSync(
    path.resolve(__dirname, '../../.test-artifacts/e2e/mini-program/first-load.json'),
    JSON.stringify({ scripts: app.scripts, jsGzipBytes: counted.jsGzipBytes }, null, 2),
  )
})

test('scanning a store code lands on binding, and the new card shows on home', async () => {
  // What the simulated mini-program code of 周店长's store opens.
  await app.open(`#/pages/bind/index?scene=${encodeURIComponent(storeCodeScene('周店长'))}`)
  await app.waitFor('/pages/bind/index', '开通会员卡')
  await app.current().locator('#bind-phone input').fill(PHONE)
  await app.shot('binding')

  await app.current().locator('#bind-submit').click()
  // A new card is offered campaign notifications first (campaigns e2e answers it); go on home.
  await app.current().locator('#bind-go-home').click()
  await app.waitFor('/pages/home/index', '静安寺店')
  const card = await app.current().locator('#member-card').textContent()
  expect(card).toContain('普通会员')
  expect(card).toMatch(/No\. \d{9}/)
  expect(await app.current().locator('#member-points').textContent()).toMatch(/^[1-9][\d,]*$/) // the welcome bonus
  await app.shot('home-member')

  await app.current().locator('#show-member-code').click()
  await app.waitFor('/pages/member-code/index', '结账时出示给店员扫描')
  expect(await app.current().locator('.member-code__text').textContent()).toMatch(
    /^\d{4}( \d{4}){4}$/,
  )
  expect(await app.current().locator('.member-code__run').count()).toBeGreaterThan(50)
  await app.shot('member-code')

  // Back to home (the member code page has no tab bar), then the "me" tab.
  await app.page.goBack()
  await app.waitFor('/pages/home/index', '静安寺店')
  await app.tapTab('我的')
  await app.waitFor('/pages/me/index', '138****8000')
  expect(await app.current().locator('#staff-entry').count()).toBe(0)
  await app.shot('me-member')
})

test('a code opened at the site root (`/?scene=`) also lands on binding', async () => {
  await app.switchPersona('顾客 B')
  await app.waitFor('/pages/home/index', '还不是会员')
  await app.open(`?scene=${encodeURIComponent(storeCodeScene('陈店长'))}`)
  await app.waitFor('/pages/bind/index', '开通会员卡')
})

test('switching to a clerk lands on the staff desk', async () => {
  await app.switchPersona('王小美')
  await app.waitFor('/staff/home/index', '店员工作台')

  expect(await app.current().locator('#staff-header').textContent()).toContain('店员 · 静安寺店')
  expect(await app.current().textContent()).toContain('王小美，今天也辛苦了')
  for (const task of ['记录销售', '核销自提', '我的会员', '会员概况', '本周新增']) {
    expect(await app.current().textContent()).toContain(task)
  }
  expect(app.calls.filter((call) => call.name === 'staff').at(-1)).toMatchObject({
    openid: 'demo-clerk-1',
    status: 200,
  })
  expect(await app.page.locator('#persona-switcher').textContent()).toContain('店员 · 王小美')
  await app.shot('staff-desk-clerk')
})

test('a clerk reaches the desk from "me" on the member side', async () => {
  await app.current().locator('#tile-member-side').click()
  await app.waitFor('/pages/home/index', '会员中心')
  await app.tapTab('我的')
  await app.waitFor('/pages/me/index', '店员工作台')
  await app.shot('me-clerk')

  await app.current().locator('#staff-entry').click()
  await app.waitFor('/staff/home/index', '店员工作台')
})

test('a store manager sees the members of the whole store', async () => {
  await app.switchPersona('周店长')
  await app.waitFor('/staff/home/index', '店长 · 静安寺店')
  await app.current().locator('#tile-members').click()
  await app.waitFor('/staff/members/index', '全店会员')
  await app.current().getByText('全店会员').click()
  await app.current().getByText('138****8000').waitFor()
  await app.shot('store-members-manager')
})

test('a failing network shows a retry instead of a blank page', async () => {
  await app.switchPersona('顾客 A')
  await app.waitFor('/pages/home/index', '静安寺店')
  await app.page.route('**/fn/member', (route) => route.abort('internetdisconnected'))
  await app.page.reload()
  await app.waitFor('/pages/home/index', '网络不给力')
  expect(await app.current().textContent()).toContain('网络连接失败，请检查网络后重试')
  await app.shot('offline-retry')

  await app.page.unroute('**/fn/member')
  await app.current().locator('#retry').click()
  await app.current().getByText('静安寺店').first().waitFor()
})
