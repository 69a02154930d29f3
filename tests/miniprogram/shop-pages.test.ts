import { qrPattern } from '../../miniprogram/src/lib/qr-matrix'
import { CONSENT_NONE, ok } from './harness/fixtures'
import { answerFunctions, cloudCalls, openPage, resetCalls, type RenderedPage } from './harness/weapp'

function runCount(code: string): number {
  return qrPattern(code).rows.reduce((sum, row) => sum + row.length, 0)
}

const PRODUCTS = [
  { productId: 'p-cream', name: '玫瑰保湿面霜 50g', description: '温和保湿', priceFen: 16800, available: { central: 200, stores: { s1: 20, s2: 0 } } },
  { productId: 'p-tea', name: '明前龙井礼盒', description: '', priceFen: 39900, available: { central: 0, stores: {} } },
]

const ORDER = {
  orderId: 'o1',
  status: 'paid',
  fulfilment: 'pickup',
  storeId: 's1',
  items: [{ productId: 'p-cream', name: '玫瑰保湿面霜 50g', priceFen: 16800, qty: 2 }],
  totalFen: 33600,
  outTradeNo: 'T1',
  expiresAt: '2026-11-20T02:15:00.000Z',
  createdAt: '2026-11-20T02:00:00.000Z',
  paidAt: '2026-11-20T02:01:00.000Z',
  pickupCode: '52074687',
}

describe('shop (the built WeChat pages)', () => {
  let page: RenderedPage | undefined
  beforeEach(resetCalls)
  afterEach(() => page?.detach())

  it('lists products with price and what can be ordered for pickup', async () => {
    answerFunctions((name, event) => (name === 'shop' && event.action === 'products' ? ok(PRODUCTS) : ok({})))
    page = openPage('pages/shop/index')
    await page.waitForText('玫瑰保湿面霜 50g')
    expect(page.text()).toContain('¥168.00')
    expect(page.text()).toContain('各门店共可订 20 件')
    expect(page.text()).toContain('暂时缺货')
  })

  it('shows a paid pickup order with its timeline, the pickup code and no sandbox pay button', async () => {
    answerFunctions((name, event) => (name === 'shop' && event.action === 'order' ? ok(ORDER) : event.action === 'consentStatus' ? ok(CONSENT_NONE) : ok({})))
    page = openPage('pages/order/index', { id: 'o1' })
    await page.waitForText('已付款')
    expect(cloudCalls().find((c) => c.name === 'shop')?.data).toMatchObject({ action: 'order', orderId: 'o1' })
    expect(page.findAll('.order-step--done')).toHaveLength(3)
    // The pickup code drawn as a QR by the native member-code component (classes prefixed by its tag).
    await page.waitForText('5207 4687')
    expect(page.dom.querySelectorAll('[class~="member-code--member-code__run"]').length).toBe(runCount('52074687'))
    expect(page.text()).toContain('合计 ¥336.00')
    expect(page.text()).not.toContain('模拟支付')
  })
})
