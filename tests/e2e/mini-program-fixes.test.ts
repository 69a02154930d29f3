/**
 * Issue 20 in the H5 build, in Chromium on a phone-sized screen against the local stack, as the
 * people involved would go through it:
 *   - shopper B opens a store's code, leaves the phone empty and opens a card;
 *   - B orders for pickup at 徐家汇店 (B's store is 静安寺店) and the paid order names 徐家汇店;
 *   - 我的 → 账户与隐私: the agreements HQ edits, export, deletion with what is kept;
 *   - a clerk records a sale for B: 今日业绩 on the desk shows it; an amount over HQ's ceiling
 *     says so; the pickup counter shows an already collected order's state, with no hand-over;
 *   - the store manager's campaigns page.
 * Screenshots of every step: .test-artifacts/e2e/mini-program-fixes/.
 */
import type { Browser } from 'playwright-core'
import { launchChromium } from '../support/browser'
import { startTestStack, type Personas, type TestStack } from '../support/local-stack'
import { ensureH5Built, openMiniProgram, type MiniProgramSession } from './harness/mini-program'

// Generous: the stack, Chromium and five journeys on a shared, loaded machine.
jest.setTimeout(420_000)

const CREAM = 'p-rose-cream'

let stack: TestStack
let browser: Browser
let app: MiniProgramSession
let demo: Personas

function storeCode(name: '静安寺店' | '徐家汇店') {
  const code = demo.codes.find(
    (c) => c.kind === 'store' && (c as { storeName?: string }).storeName === name,
  )
  if (!code) throw new Error(`no store code for ${name}`)
  return code
}

/**
 * The H5 title bar's title: its text, whether it is cut with an ellipsis, and whether it keeps
 * clear of the back (or home) button and the persona pill.
 */
async function titleBar() {
  const bar = app.page.locator('#taro-navigation-bar')
  const title = bar.locator('.taro-navigation-bar-title')
  const box = (await title.boundingBox())!
  let backRight = 0
  for (const side of ['.taro-navigation-bar-back', '.taro-navigation-bar-home']) {
    const button = bar.locator(side)
    if (await button.isVisible()) {
      const b = (await button.boundingBox())!
      backRight = Math.max(backRight, b.x + b.width)
    }
  }
  const pill = app.page.locator('#persona-switcher')
  const pillLeft = (await pill.isVisible()) ? (await pill.boundingBox())!.x : Infinity
  const widths = await title.evaluate((el) => {
    const shown = el as unknown as { scrollWidth: number; clientWidth: number }
    return { scroll: shown.scrollWidth, client: shown.clientWidth }
  })
  return {
    text: await title.textContent(),
    ellipsis: widths.scroll > widths.client,
    clearOfBack: backRight <= box.x,
    clearOfPill: box.x + box.width <= pillLeft,
  }
}

/** Waits until the title bar reads `text` (the agreement page sets HQ's title once loaded). */
async function barTitle(text: string) {
  await app.page
    .locator('#taro-navigation-bar .taro-navigation-bar-title')
    .filter({ hasText: text })
    .waitFor()
}

beforeAll(async () => {
  const h5Dir = ensureH5Built()
  stack = await startTestStack({ seed: true, h5Dir })
  demo = await stack.personas()
  browser = await launchChromium()
  app = await openMiniProgram(browser, stack.url, 'mini-program-fixes')
})

afterAll(async () => {
  await app?.close()
  await browser?.close()
  await stack?.stop()
})

test('shopper B opens a card without a phone from a store code (H5: /?scene=…)', async () => {
  await app.open(`?as=b#/pages/home/index`)
  await app.waitFor('/pages/home/index', '欢迎来到会员中心')
  await app.switchPersona('顾客 B')
  await app.open(`?scene=${encodeURIComponent(storeCode('静安寺店').scene)}`)
  await app.waitFor('/pages/bind/index', '开通会员卡')
  expect(await app.current().textContent()).toContain('手机号（选填')
  await app.shot('01-bind-phone-empty')
  await app.current().locator('#bind-submit').click()
  await app.current().locator('#bind-done').waitFor()
  expect(await app.current().textContent()).not.toContain('请提供有效的手机号')
  await app.shot('02-card-opened-without-phone')
})

test('a pickup order at 徐家汇店 names 徐家汇店 with its address, hours and a map', async () => {
  const created = await stack.call(
    'shop',
    {
      action: 'createOrder',
      items: [{ productId: CREAM, qty: 1 }],
      fulfilment: 'pickup',
      storeId: storeCode('徐家汇店').storeId,
    },
    { openid: 'demo-shopper-b' },
  )
  expect(created.body.ok).toBe(true)
  await fetch(`${stack.url}/sandbox/pay/${created.body.data.outTradeNo}`, {
    method: 'POST',
    body: '{}',
  })
  await app.open(`?o=1#/pages/order/index?id=${created.body.data.orderId}`)
  await app.waitFor('/pages/order/index', '自提门店')
  expect(await app.current().locator('#order-store-name').textContent()).toBe('徐家汇店')
  const card = (await app.current().locator('#order-store').textContent()) ?? ''
  expect(card).toContain('上海市徐汇区虹桥路 1 号')
  expect(card).toContain('营业时间：10:00–21:30')
  await app.current().locator('#order-store').scrollIntoViewIfNeeded()
  await app.shot('03-order-names-its-store')
  // The H5 title bar: the page's title and a way back.
  await app.page.locator('#taro-navigation-bar').waitFor()
  expect(await app.page.locator('#taro-navigation-bar').isVisible()).toBe(true)

  await app.open('?tabs=1#/pages/orders/index')
  await app.waitFor('/pages/orders/index', '全部')
  await app.current().locator('#order-filter-ship').click()
  await app.current().getByText('没有待发货的订单').waitFor()
  await app.shot('04-orders-empty-tab-says-what')
})

test('账户与隐私: agreements HQ edits, export and a clear deletion', async () => {
  const saved = await stack.admin({
    action: 'setAgreement',
    kind: 'privacy',
    title: '隐私政策（会员版）',
    body: '我们只收集提供会员服务所必需的信息。\n\n你可以随时在「我的 → 账户与隐私」中导出或删除你的数据。',
  })
  expect(saved.body.ok).toBe(true)
  // A title of ten characters fits beside the back button and the persona pill; a longer one
  // ends in an ellipsis, still clear of both.
  const terms = await stack.admin({
    action: 'setAgreement',
    kind: 'terms',
    title: '会员服务协议（适用于全部门店与线上商城）',
    body: '本协议适用于会员卡的开通、积分、礼品兑换与线上商城。',
  })
  expect(terms.body.ok).toBe(true)
  const walkStart = app.calls.length
  await app.open('?me=1#/pages/me/index')
  await app.waitFor('/pages/me/index', '账户与隐私')
  await app.current().locator('#account-entry').click()
  await app.waitFor('/pages/account/index', '注销会员卡')
  expect(await app.current().locator('#account-phone-now').textContent()).toContain('未提供')
  await app.current().locator('#account-export').click()
  await app.current().locator('#account-exported').waitFor()
  await app.shot('05-account-and-privacy')
  await app.current().locator('#account-delete').scrollIntoViewIfNeeded()
  await app.shot('06-deletion-says-what-is-kept')

  await app.current().locator('#read-privacy').click()
  await app.waitFor('/pages/agreement/index', '导出或删除你的数据')
  await barTitle('隐私政策（会员版）')
  const fitting = await titleBar()
  expect(fitting.text).toBe('隐私政策（会员版）')
  expect(fitting.ellipsis).toBe(false)
  expect(fitting.clearOfBack && fitting.clearOfPill).toBe(true)
  await app.shot('07-privacy-policy-from-hq')

  await app.page.goBack()
  await app.waitFor('/pages/account/index', '注销会员卡')
  await app.current().locator('#read-terms').click()
  await app.waitFor('/pages/agreement/index', '积分、礼品兑换与线上商城')
  await barTitle('会员服务协议（适用于全部门店与线上商城）')
  const long = await titleBar()
  expect(long.text).toBe('会员服务协议（适用于全部门店与线上商城）')
  expect(long.ellipsis).toBe(true)
  expect(long.clearOfBack && long.clearOfPill).toBe(true)
  await app.shot('07b-long-title-ellipsis')

  // 我的, 账户与隐私 and both agreements: the member status was asked for once.
  const walk = app.calls.slice(walkStart)
  expect(walk.filter((c) => c.name === 'member' && c.action === 'profile')).toHaveLength(1)
})

test('the desk: 今日业绩 after a sale, the real ceiling, an already collected order', async () => {
  const memberCode = (
    await stack.call('member', { action: 'memberCode' }, { openid: 'demo-shopper-b' })
  ).body.data.code as string
  const profile = (await stack.call('member', { action: 'profile' }, { openid: 'demo-shopper-b' }))
    .body.data
  const clerk = demo.personas.find((p) => p.name === profile.clerkName)!
  const sale = await stack.call(
    'staff',
    { action: 'recordSale', memberCode, amountFen: 8_850, receiptNo: 'E2E-1' },
    { openid: clerk.openid },
  )
  expect(sale.body.ok).toBe(true)
  // An online order reaches the clerk's figures by the after-payment timer (within a minute).
  await stack.runJob('applyOrderEffects')

  await app.switchPersona(clerk.name)
  await app.waitFor('/staff/home/index', '今日业绩')
  // B's members' purchases today with this clerk: the ¥168.00 pickup order and the ¥88.50 sale.
  expect(await app.current().locator('#today-sales').textContent()).toBe('¥256.50')
  expect(await app.current().locator('#staff-today').textContent()).toContain('会员消费 · 2 笔')
  expect(await app.current().textContent()).not.toContain('暂无业绩数据')
  await app.current().locator('#staff-today').scrollIntoViewIfNeeded()
  await app.shot('08-desk-today')

  await app.current().locator('#tile-record-sale').click()
  await app.waitFor('/staff/record-sale/index', '单张小票最多 ¥20,000.00')
  await app.current().locator('#sale-amount input').fill('99999999')
  await app.current().getByText('单张小票不能超过 ¥20,000.00（总部设定的上限）').waitFor()
  await app.shot('09-record-sale-real-limit')

  // B's order, picked up already: the counter shows the state and offers no hand-over.
  const orders = (await stack.call('shop', { action: 'myOrders' }, { openid: 'demo-shopper-b' }))
    .body.data as { pickupCode: string | null }[]
  const pickupCode = orders.find((o) => o.pickupCode)!.pickupCode!
  const manager = demo.personas.find(
    (p) => p.role === 'manager' && p.storeId === storeCode('徐家汇店').storeId,
  )!
  const handed = await stack.call(
    'staff',
    { action: 'verifyPickup', pickupCode },
    { openid: manager.openid },
  )
  expect(handed.body.ok).toBe(true)
  await app.switchPersona(manager.name)
  await app.waitFor('/staff/home/index', '门店活动')
  await app.current().locator('#tile-verify-pickup').click()
  await app.waitFor('/staff/verify-pickup/index', '核销码')
  await app.current().locator('#pickup-code input').fill(pickupCode)
  await app.current().locator('#pickup-lookup').click()
  await app.current().getByText('该商品已交给顾客，无需再次核销').waitFor()
  expect(await app.current().locator('#pickup-submit').count()).toBe(0)
  await app.shot('10-pickup-already-collected')
})

test('the store manager sends a store campaign from the desk', async () => {
  // A shopper who opened a card at 徐家汇店 and accepted campaign notifications once: someone
  // the manager can reach (the demo's shoppers are 静安寺店's or not members yet).
  const shopper = { openid: 'e2e-shopper-xujiahui' }
  const bound = await stack.call(
    'member',
    { action: 'bind', scene: storeCode('徐家汇店').scene },
    shopper,
  )
  expect(bound.body.ok).toBe(true)
  const consent = await stack.call(
    'member',
    { action: 'reportConsent', results: [{ templateKey: 'campaign', accepted: true }] },
    shopper,
  )
  expect(consent.body.data).toMatchObject({ campaign: 1 })

  await app.open('?c=1#/staff/home/index')
  await app.waitFor('/staff/home/index', '门店活动')
  await app.current().locator('#tile-campaigns').click()
  await app.waitFor('/staff/campaigns/index', '已订阅可触达')
  await app.current().getByText('徐家汇店符合条件 1 位，已订阅可触达 1 位').waitFor()
  await app.shot('11-store-campaign-form')
  await app.current().locator('#field-thing1 input').fill('周末会员日')
  await app.current().locator('#campaign-send').click()
  await app.page.locator('.taro-model__confirm', { hasText: '发送' }).waitFor()
  await app.shot('12-store-campaign-confirm')
  await app.page.locator('.taro-model__confirm', { hasText: '发送' }).click()
  await app.current().locator('#campaign-list').getByText('周末会员日').waitFor()
  await app.current().locator('#campaign-list').scrollIntoViewIfNeeded()
  await app.shot('13-store-campaign-listed')
})
