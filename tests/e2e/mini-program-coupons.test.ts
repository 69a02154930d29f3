/**
 * Coupons in the mini-program's H5 build against the local stack, as a member uses them: claim two
 * in the coupon centre (我的 → 优惠券 → 去领券中心), check out with the best one preselected and
 * the rest shown with their reason, pay (the sandbox charges the discounted amount), see the coupon
 * under 已使用; then order again with the other one, cancel that unpaid order and see the coupon
 * back under 可使用. Screenshots: .test-artifacts/e2e/mini-program-coupons/.
 */
import type { Browser } from 'playwright-core'
import { COLLECTIONS } from '../../shared/collections'
import type { PaymentDoc } from '../../shared/payments/documents'
import { launchChromium } from '../support/browser'
import { startTestStack, type TestStack } from '../support/local-stack'
import { ensureH5Built, openMiniProgram, type MiniProgramSession } from './harness/mini-program'

jest.setTimeout(120_000)

const CREAM = 'p-rose-cream' // ¥168
let stack: TestStack
let browser: Browser
let app: MiniProgramSession
const templates: Record<string, string> = {}

beforeAll(async () => {
  const h5Dir = ensureH5Built()
  stack = await startTestStack({ seed: true, h5Dir })
  const demo = await stack.personas()
  const code = demo.codes.find((c) => c.kind === 'store')!
  const bound = await stack.call(
    'member',
    { action: 'bind', scene: code.scene, phone: '13700137001' },
    { openid: 'demo-shopper-a' },
  )
  expect(bound.body.ok).toBe(true)
  for (const [name, valueFen, minSpendFen] of [
    ['满100减30', 3_000, 10_000],
    ['满100减20', 2_000, 10_000],
    ['满500减80', 8_000, 50_000],
  ] as const) {
    const res = await stack.admin({
      action: 'createCouponTemplate',
      name,
      kind: 'amountOff',
      valueFen,
      minSpendFen,
      channels: ['online', 'offline'],
      validDays: 30,
      perMemberLimit: 1,
      publishToCentre: true,
    })
    templates[name] = res.body.data.templateId
  }
  browser = await launchChromium()
  app = await openMiniProgram(browser, stack.url, 'mini-program-coupons')
})

afterAll(async () => {
  await app?.close()
  await browser?.close()
  await stack?.stop()
})

test('claims coupons in the coupon centre from 我的 → 优惠券', async () => {
  await app.open()
  await app.waitFor('/pages/home/index', '静安寺店')
  await app.tapTab('我的')
  await app.current().locator('#coupons-entry').click()
  await app.waitFor('/pages/coupons/index', '还没有可用的优惠券')
  await app.current().locator('#coupon-centre-entry').click()
  await app.waitFor('/pages/coupon-centre/index', '满100减30')
  await app.shot('centre')
  for (const name of ['满100减30', '满100减20', '满500减80']) {
    await app.current().locator(`#claim-${templates[name]}`).click()
    await app
      .current()
      .locator(`#centre-${templates[name]}`)
      .getByText('每人限领 1 张，已领完')
      .waitFor()
  }
  await app.shot('centre-claimed')
  const mine = await stack.call('member', { action: 'myCoupons' }, { openid: 'demo-shopper-a' })
  expect(mine.body.data.items).toHaveLength(3)
})

// Each journey opens the app afresh with its own query (`?checkout=1#…`): a link that differs from
// the page on screen only after `#` is a same-document hash change, which the browser does not
// load again, so the old page (the coupon centre) stayed on screen above the others.
test('checks out with the best coupon preselected, pays the discounted amount and sees it used', async () => {
  await app.open(`?checkout=1#/pages/checkout/index?buy=${CREAM}`)
  await app.waitFor('/pages/checkout/index', '优惠券')
  const picker = app.current().locator('#coupon-picker')
  await picker.locator('.checkout-coupon--on').getByText('满100减30').waitFor()
  expect(await picker.textContent()).toContain('未满 ¥500')
  await app.current().getByText('实付 ¥138.00（已优惠 ¥30.00）').waitFor()
  await app.shot('checkout-coupons')
  await app.current().locator('#place-order').click()
  await app.waitFor('/pages/order/index', '待付款')
  expect(await app.current().locator('#order-total').textContent()).toContain('实付 ¥138.00')
  expect(await app.current().locator('#order-coupon').textContent()).toContain('-¥30.00')
  const orders = await stack.call('shop', { action: 'myOrders' }, { openid: 'demo-shopper-a' })
  const outTradeNo = orders.body.data[0].outTradeNo as string
  const payment = (
    (await stack.db.collection(COLLECTIONS.payments.name).doc(outTradeNo).get()) as {
      data: PaymentDoc[]
    }
  ).data[0]!
  expect(payment.amountFen).toBe(13_800)
  await app.current().locator('#sandbox-pay').click()
  await app.current().getByText('待提货').first().waitFor()
  await app.shot('order-paid')

  await app.open('?after=pay#/pages/coupons/index')
  await app.waitFor('/pages/coupons/index', '满100减20')
  await app.current().locator('#coupon-tab-used').click()
  await app.current().locator('#coupon-list').getByText('满100减30').waitFor()
  expect(await app.current().locator('#coupon-list').textContent()).toContain('已使用')
  await app.shot('coupons-used')
})

test('cancels another unpaid order and sees its coupon back', async () => {
  await app.open(`?again=1#/pages/checkout/index?buy=${CREAM}`)
  await app.waitFor('/pages/checkout/index', '优惠券')
  await app
    .current()
    .locator('#coupon-picker .checkout-coupon--on')
    .getByText('满100减20')
    .waitFor()
  await app.current().locator('#place-order').click()
  await app.waitFor('/pages/order/index', '待付款')
  const coupon = (
    await stack.call(
      'member',
      { action: 'myCoupons', status: 'available' },
      { openid: 'demo-shopper-a' },
    )
  ).body.data.items.find((c: { name: string }) => c.name === '满100减20')
  expect(coupon.statusLabel).toBe('使用中')
  await app.current().locator('#cancel-order').click()
  await app.current().getByText('已取消').first().waitFor()
  await app.shot('order-cancelled')
  await app.open('?after=cancel#/pages/coupons/index')
  await app.waitFor('/pages/coupons/index', '满100减20')
  const card = app.current().locator(`#my-coupon-${coupon.couponId}`)
  expect(await card.textContent()).toContain('可使用')
  await card.click()
  await app.waitFor('/pages/coupon/index', '到店结账时出示此券码')
  expect(await app.current().locator('#coupon-detail').textContent()).toContain('满 ¥100 减 ¥20')
  // The code under the QR is the coupon code in groups of four digits, never the coupon's id.
  const shown = (await app.current().locator('#coupon-till-code .member-code__text').textContent())!
  expect(shown).toMatch(/^\d{4}( \d{4}){4} \d{2}$/)
  expect(await app.current().textContent()).not.toContain(coupon.couponId)
  await app.shot('coupon-detail')
})

test('a clerk scans the coupon code at the till: the sale opens with that coupon and books the discount', async () => {
  const coupon = (
    await stack.call(
      'member',
      { action: 'myCoupons', status: 'available' },
      { openid: 'demo-shopper-a' },
    )
  ).body.data.items.find((c: { name: string }) => c.name === '满100减20')
  await app.open(`?till=1#/pages/coupon/index?id=${coupon.couponId}`)
  await app.waitFor('/pages/coupon/index', '到店结账时出示此券码')
  const code = (await app.current().locator('#coupon-till-code .member-code__text').textContent())!
  const demo = await stack.personas()
  const storeId = demo.codes.find((c) => c.kind === 'store')!.storeId
  const clerk = demo.personas.find((p) => p.role === 'clerk' && p.storeId === storeId)!
  await app.switchPersona(clerk.name)
  await app.waitFor('/staff/home/index', '今日业绩')
  await app.current().locator('#tile-record-sale').click()
  await app.waitFor('/staff/record-sale/index', '单张小票最多')
  // Typed from the page's groups of four (H5 has no camera; the number field takes digits only).
  await app.current().locator('#sale-member-code input').fill(code.replace(/\s+/g, ''))
  await app.current().getByText('顾客出示券码：满100减20').waitFor()
  await app.current().locator('#sale-amount input').fill('150')
  await app.current().getByText('立减 ¥20.00').waitFor()
  expect(await app.current().locator('#sale-coupons').textContent()).toContain(
    '本单使用顾客出示的券',
  )
  await app.current().locator('#sale-receipt input').fill('H5-COUPON-1')
  await app.shot('till-coupon-code')
  await app.current().locator('#sale-submit').click()
  await app.current().locator('#sale-recorded').waitFor()
  expect(await app.current().locator('#sale-recorded-coupon').textContent()).toContain(
    '已用券「满100减20」，优惠 ¥20.00（小票 ¥150.00）',
  )
  await app.shot('till-coupon-used')
  const after = (
    await stack.call(
      'member',
      { action: 'coupon', couponId: coupon.couponId },
      { openid: 'demo-shopper-a' },
    )
  ).body.data
  expect(after).toMatchObject({ status: 'used', tillCode: null })
  await app.switchPersona('顾客 A')
})

test('exchanges points for a coupon in the points mall and finds it under 我的 → 优惠券', async () => {
  const templateRes = await stack.admin({
    action: 'createCouponTemplate',
    name: '积分换券满200减50',
    kind: 'amountOff',
    valueFen: 5_000,
    minSpendFen: 20_000,
    channels: ['online', 'offline'],
    validDays: 30,
    totalQuantity: 20,
    perMemberLimit: 1,
  })
  const templateId = templateRes.body.data.templateId as string
  const giftRes = await stack.admin({
    action: 'createGift',
    name: '50元优惠券',
    pointsPrice: 60,
    fulfilments: ['coupon'],
    couponTemplateId: templateId,
  })
  const giftId = giftRes.body.data.giftId as string
  const before = await stack.call('points', { action: 'summary' }, { openid: 'demo-shopper-a' })

  await app.open('?mall=1#/pages/gifts/index')
  await app.waitFor('/pages/gifts/index', '50元优惠券')
  expect(await app.current().locator(`#gift-item-${giftId}`).textContent()).toContain(
    '电子券 · 满 ¥200 减 ¥50 · 余 20 张',
  )
  await app.shot('mall-coupon-gift')
  await app.current().locator(`#gift-item-${giftId}`).click()
  await app.waitFor('/pages/gift/index', '兑换电子券')
  expect(await app.current().locator('#gift-coupon').textContent()).toContain(
    '余 20 张，兑换后放入「我的优惠券」',
  )
  await app.shot('gift-coupon')
  await app.current().locator('#gift-redeem').click()
  const modal = app.page.locator('.taro__modal')
  await modal.getByText('券将放入「我的优惠券」', { exact: false }).waitFor()
  await modal.locator('.taro-model__confirm', { hasText: '确认兑换' }).click()
  await app.waitFor('/pages/coupon/index', '到店结账时出示此券码')
  expect(await app.current().locator('#coupon-detail').textContent()).toContain('来源：积分兑换')
  await app.shot('exchanged-coupon')

  const after = await stack.call('points', { action: 'summary' }, { openid: 'demo-shopper-a' })
  expect(after.body.data.points).toBe(before.body.data.points - 60)
  await app.open('?after=exchange#/pages/coupons/index')
  await app.waitFor('/pages/coupons/index', '积分换券满200减50')
  await app.shot('coupons-with-exchanged')
})
