/**
 * The staff side of issue 20, on the built WeChat subpackage: 今日业绩 from the server, the
 * till's real limit and HQ's confirmation threshold, the pickup counter's states and words, and a
 * store manager's campaigns.
 */
import { STAFF_PROFILE, STAFF_STATS, ok } from './harness/fixtures'
import {
  answerFunctions,
  answerModals,
  cloudCalls,
  openPage,
  resetCalls,
  wxCalls,
  type CloudHandler,
  type RenderedPage,
} from './harness/weapp'

const MEMBER_CODE = '12345678901234567890'
const RULES = { receiptLimitFen: 2_000_000, confirmAboveFen: 500_000 }

function staff(extra: CloudHandler = () => ok({})) {
  answerFunctions((name, event) => {
    if (event.action === 'me') return ok(STAFF_PROFILE)
    if (event.action === 'myStats') return ok(STAFF_STATS)
    if (event.action === 'saleRules') return ok(RULES)
    // The member has no coupons at this till.
    if (event.action === 'memberCoupons')
      return ok({ memberNo: '100000007', items: [], scanned: null })
    if (event.action === 'scanMember')
      return ok({
        memberId: 'm1',
        memberNo: '100000007',
        phoneMasked: '138****5678',
        tier: 'standard',
        points: 100,
        storeName: '静安寺店',
        clerkName: '王小美',
        couponName: null,
      })
    return extra(name, event)
  })
}

/** Types into a Taro Input as a finger would (WeChat's `input` event). */
function type(page: RenderedPage, id: string, value: string) {
  page.find(`#${id}`)!.dispatchEvent('input', { detail: { value } })
}

/** Waits until the button takes taps again (state from the last keystroke has rendered). */
function enabled(page: RenderedPage, id: string) {
  return page.waitFor(
    () => !(page.find(`#${id}`)?.dom?.getAttribute('class') ?? 'inactive').includes('inactive'),
    `#${id} to be enabled`,
  )
}

describe('the desk (the built WeChat subpackage)', () => {
  let page: RenderedPage | undefined
  beforeEach(resetCalls)
  afterEach(() => page?.detach())

  it('今日业绩 shows today’s sales, commission and new members from the server', async () => {
    staff()
    page = openPage('staff/home/index')
    await page.waitForText('今日业绩')
    expect(page.textOf('#today-sales')).toBe('¥542.50')
    expect(page.textOf('#today-commission')).toBe('¥16.28')
    expect(page.textOf('#today-members')).toBe('1')
    expect(page.textOf('#staff-today')).toContain('会员消费 · 2 笔')
    expect(page.text()).not.toContain('暂无业绩数据')
    // A clerk has no campaigns tile; a manager does.
    expect(page.find('#tile-campaigns')).toBeUndefined()
    await page.detach()

    answerFunctions((_name, event) =>
      event.action === 'me' ? ok({ ...STAFF_PROFILE, isManager: true }) : ok(STAFF_STATS),
    )
    page = openPage('staff/home/index')
    await page.tap('tile-campaigns')
    expect(wxCalls('navigateTo')[0]?.args).toMatchObject({ url: '/staff/campaigns/index' })
  })
})

describe('record sale (the built WeChat subpackage)', () => {
  let page: RenderedPage | undefined
  beforeEach(resetCalls)
  afterEach(() => page?.detach())

  it('says the real limit for 99999999, and asks before sending ¥8,888 above HQ’s threshold', async () => {
    staff((_name, event) =>
      event.action === 'recordSale'
        ? ok({
            saleId: 's1',
            memberNo: '100000007',
            amountFen: event.amountFen,
            receiptNo: 'R-1',
            storeId: 's1',
            pointsEarned: 8888,
            at: '2026-11-20T02:00:00.000Z',
          })
        : ok({}),
    )
    page = openPage('staff/record-sale/index')
    await page.waitForText('单张小票最多 ¥20,000.00')
    type(page, 'sale-member-code', MEMBER_CODE)
    type(page, 'sale-receipt', 'R-1')
    type(page, 'sale-amount', '99999999')
    await page.waitForText('单张小票不能超过 ¥20,000.00（总部设定的上限）')
    expect(page.text()).not.toContain('请输入大于 0 的金额')
    await page.tap('sale-submit')
    expect(cloudCalls().some((c) => c.data.action === 'recordSale')).toBe(false)

    type(page, 'sale-amount', '8888')
    await page.waitForText('将记录 ¥8,888.00')
    // The clerk goes back to correct it: nothing is sent.
    await page.tap('sale-submit')
    await page.waitFor(() => wxCalls('showModal').length === 1, 'the confirmation')
    expect((wxCalls('showModal')[0]!.args as { content: string }).content).toBe(
      '本单金额 ¥8,888.00，超过总部设定的 ¥5,000.00，确认无误再提交',
    )
    expect(cloudCalls().some((c) => c.data.action === 'recordSale')).toBe(false)

    answerModals(true)
    await page.tap('sale-submit')
    await page.waitForText('销售已记录')
    expect(cloudCalls().find((c) => c.data.action === 'recordSale')?.data).toMatchObject({
      amountFen: 888_800,
    })
  })

  it('sends an everyday amount without asking', async () => {
    staff((_name, event) =>
      event.action === 'recordSale'
        ? ok({
            saleId: 's1',
            memberNo: '100000007',
            amountFen: 8850,
            receiptNo: 'R-2',
            storeId: 's1',
            pointsEarned: 88,
            at: '2026-11-20T02:00:00.000Z',
          })
        : ok({}),
    )
    page = openPage('staff/record-sale/index')
    await page.waitForText('单张小票最多')
    type(page, 'sale-member-code', MEMBER_CODE)
    type(page, 'sale-receipt', 'R-2')
    type(page, 'sale-amount', '88.50')
    await page.waitForText('将记录 ¥88.50')
    await page.tap('sale-submit')
    await page.waitForText('销售已记录')
    expect(wxCalls('showModal')).toHaveLength(0)
  })
})

const TILL_COUPON = {
  name: '门店满100减20',
  summary: '满 ¥100 减 ¥20',
  kind: 'amountOff',
  giftName: null,
  expiresAt: '2026-12-31T15:59:59.999Z',
  validText: '有效期至 12月31日',
}

describe('a coupon code (券码) at the till (the built WeChat subpackage)', () => {
  let page: RenderedPage | undefined
  beforeEach(resetCalls)
  afterEach(() => page?.detach())

  it('scanned, it names the member and the coupon, applies that coupon alone and books it', async () => {
    const COUPON_CODE = '1000000071234567890123'
    const scanned = { ...TILL_COUPON, couponId: 'c-shown', usable: true, reason: null }
    answerFunctions((_name, event) => {
      if (event.action === 'me') return ok(STAFF_PROFILE)
      if (event.action === 'saleRules') return ok(RULES)
      if (event.action === 'scanMember')
        return ok({
          memberId: 'm1',
          memberNo: '100000007',
          phoneMasked: '138****5678',
          tier: 'standard',
          points: 100,
          storeName: '静安寺店',
          clerkName: '王小美',
          couponName: '门店满100减20',
        })
      if (event.action === 'memberCoupons') {
        const discountFen = event.amountFen ? 2_000 : 0
        return ok({
          memberNo: '100000007',
          items: [
            { ...scanned, discountFen },
            {
              ...TILL_COUPON,
              couponId: 'c-other',
              name: '另一张店铺券',
              usable: true,
              reason: null,
              discountFen,
            },
          ],
          scanned: { ...scanned, discountFen },
        })
      }
      if (event.action === 'recordSale')
        return ok({
          saleId: 's1',
          memberNo: '100000007',
          amountFen: 13_000,
          grossFen: 15_000,
          discountFen: 2_000,
          receiptNo: 'R-9',
          storeId: 's1',
          pointsEarned: 130,
          coupon: {
            couponId: 'c-shown',
            name: '门店满100减20',
            giftName: null,
            discountFen: 2_000,
          },
          at: '2026-11-20T02:00:00.000Z',
        })
      return ok({})
    })
    page = openPage('staff/record-sale/index')
    await page.waitForText('单张小票最多')
    // As the coupon page groups it: spaces are dropped.
    type(page, 'sale-member-code', '1000 0000 7123 4567 8901 23')
    await page.waitForText('顾客出示券码：门店满100减20')
    await page.waitForText('本单使用顾客出示的券')
    // The member's other coupons are not offered: the code brought this one.
    expect(page.textOf('#sale-coupons')).not.toContain('另一张店铺券')
    await page.waitFor(
      () =>
        (page!.find('#sale-coupon-c-shown')?.dom?.getAttribute('class') ?? '').includes(
          'sale-coupon--on',
        ),
      'the scanned coupon applied',
    )
    type(page, 'sale-amount', '150')
    await page.waitForText('立减 ¥20.00')
    type(page, 'sale-receipt', 'R-9')
    await enabled(page, 'sale-submit')
    await page.tap('sale-submit')
    await page.waitForText('销售已记录')
    expect(page.textOf('#sale-recorded-coupon')).toContain('已用券「门店满100减20」')
    expect(cloudCalls().find((c) => c.data.action === 'recordSale')?.data).toMatchObject({
      memberCode: COUPON_CODE,
      amountFen: 15_000,
      receiptNo: 'R-9',
      couponId: 'c-shown',
    })
    expect(page.text()).not.toMatch(/[A-Za-z]{4,}/)
  })

  it('a scanned coupon this store cannot take shows why, and the sale is refused with it', async () => {
    const refused = {
      ...TILL_COUPON,
      couponId: 'c-far',
      usable: false,
      reason: '不适用于该门店',
      discountFen: 0,
    }
    answerFunctions((_name, event) => {
      if (event.action === 'memberCoupons')
        return ok({ memberNo: '100000007', items: [refused], scanned: refused })
      if (event.action === 'me') return ok(STAFF_PROFILE)
      if (event.action === 'saleRules') return ok(RULES)
      if (event.action === 'scanMember')
        return ok({
          memberId: 'm1',
          memberNo: '100000007',
          phoneMasked: '138****5678',
          tier: 'standard',
          points: 100,
          storeName: '静安寺店',
          clerkName: '王小美',
          couponName: '门店满100减20',
        })
      if (event.action === 'recordSale')
        return {
          ok: false,
          error: { code: 'COUPON_UNAVAILABLE', message: '优惠券不可用：不适用于该门店' },
        }
      return ok({})
    })
    page = openPage('staff/record-sale/index')
    await page.waitForText('单张小票最多')
    type(page, 'sale-member-code', '1000000071234567890123')
    await page.waitForText('不适用于该门店')
    type(page, 'sale-amount', '150')
    type(page, 'sale-receipt', 'R-10')
    await enabled(page, 'sale-submit')
    await page.tap('sale-submit')
    await page.waitForText('优惠券不可用：不适用于该门店')
    expect(page.text()).not.toContain('销售已记录')
  })
})

const ORDER_AT_COUNTER = {
  kind: 'order',
  orderId: 'o1',
  orderNo: '20261120000042',
  pickupCode: '52074687',
  status: 'paid',
  statusLabel: '待提货',
  actions: ['verifyPickup'],
  storeId: 's1',
  items: [{ productId: 'p1', name: '玫瑰保湿面霜 50g', priceFen: 16800, qty: 1 }],
  totalFen: 16800,
  refundedFen: 0,
  paidAt: '2026-11-20T02:01:00.000Z',
  pickedUpAt: null,
  pickedUpBy: null,
  memberNo: '100000007',
  phoneMasked: '138****5678',
}

describe('verify pickup (the built WeChat subpackage)', () => {
  let page: RenderedPage | undefined
  beforeEach(resetCalls)
  afterEach(() => page?.detach())

  it('a shop order is handed over as 商品, with its state shown', async () => {
    staff((_name, event) => {
      if (event.action === 'pickupDetail') return ok(ORDER_AT_COUNTER)
      if (event.action === 'verifyPickup')
        return ok({
          ...ORDER_AT_COUNTER,
          status: 'picked_up',
          statusLabel: '已提货',
          actions: [],
          pickedUpAt: '2026-11-20T03:00:00.000Z',
          pickedUpBy: '王小美',
        })
      return ok({})
    })
    page = openPage('staff/verify-pickup/index')
    await page.waitForText('核销码')
    type(page, 'pickup-code', '52074687')
    await enabled(page, 'pickup-lookup')
    await page.tap('pickup-lookup')
    await page.waitForText('商城自提订单')
    expect(page.textOf('#pickup-status')).toBe('待提货')
    // The clerk reads the same order number the shopper sees on their order, never an id.
    expect(page.text()).toContain('订单号：20261120000042')
    expect(page.text()).not.toContain('o1')
    expect(page.textOf('#pickup-submit')).toBe('确认交付商品')
    await page.tap('pickup-submit')
    await page.waitForText('核销成功，请将商品交给顾客')
    expect(page.text()).not.toContain('礼品')
  })

  it('an already collected code shows its state and offers no hand-over', async () => {
    staff((_name, event) =>
      event.action === 'pickupDetail'
        ? ok({
            ...ORDER_AT_COUNTER,
            status: 'picked_up',
            statusLabel: '已提货',
            actions: [],
            pickedUpAt: '2026-11-20T03:00:00.000Z',
            pickedUpBy: '王小美',
          })
        : ok({}),
    )
    page = openPage('staff/verify-pickup/index')
    await page.waitForText('核销码')
    type(page, 'pickup-code', '52074687')
    await enabled(page, 'pickup-lookup')
    await page.tap('pickup-lookup')
    await page.waitForText('该商品已交给顾客，无需再次核销')
    expect(page.textOf('#pickup-status')).toBe('已提货')
    expect(page.find('#pickup-submit')).toBeUndefined()
    expect(page.text()).not.toContain('确认')
    expect(page.textOf('#pickup-restart')).toBe('换一个码')
  })
})

const CAMPAIGN = {
  campaignId: 'cp1',
  name: '周末会员日',
  scope: 'store',
  storeId: 's1',
  status: 'done',
  statusLabel: '已完成',
  actions: [],
  segment: {},
  page: 'pages/campaigns/index',
  fields: { thing1: '周末会员日' },
  sendAt: '2026-11-20T02:00:00.000Z',
  createdAt: '2026-11-20T02:00:00.000Z',
  createdBy: 'clerk:c1',
  startedAt: null,
  finishedAt: null,
  targeted: 40,
  processed: 40,
  stopReason: null,
}

describe('store campaigns (the built WeChat subpackage)', () => {
  let page: RenderedPage | undefined
  beforeEach(resetCalls)
  afterEach(() => page?.detach())

  it('a manager segments the store, sees the audience and who is reachable, sends, and reads results', async () => {
    const segments: unknown[] = []
    answerFunctions((_name, event) => {
      if (event.action === 'me') return ok({ ...STAFF_PROFILE, isManager: true })
      if (event.action === 'storeCampaigns')
        return ok({
          maxStoreCampaignsPerWeek: 2,
          maxStoreAudience: 2000,
          usedThisWeek: 1,
          items: [CAMPAIGN],
        })
      if (event.action === 'storeCampaignAudienceCount') {
        segments.push(event.segment)
        return ok({
          count: event.segment && 'tiers' in (event.segment as object) ? 12 : 40,
          reachable: 9,
          limit: 2000,
        })
      }
      if (event.action === 'storeCampaignResults')
        return ok({
          campaign: CAMPAIGN,
          targeted: 40,
          eligible: 9,
          noConsent: 31,
          skippedCap: 0,
          sent: 8,
          failed: 1,
          failedByCode: { '43101': 1 },
          inFlight: 0,
          orderedWithin7Days: 3,
        })
      if (event.action === 'createStoreCampaign') return ok({ ...CAMPAIGN, campaignId: 'cp2' })
      return ok({})
    })
    page = openPage('staff/campaigns/index')
    await page.waitForText('本周已发起 1 / 2 个')
    await page.waitForText('符合条件 40 位，已订阅可触达 9 位')

    await page.tap('segment-tier-2')
    await page.waitForText('符合条件 12 位')
    expect(segments.at(-1)).toEqual({ tiers: ['gold'] })

    type(page, 'field-thing1', '金卡专享日')
    type(page, 'field-thing3', '到店出示会员码')
    await enabled(page, 'campaign-send')
    answerModals(true)
    await page.tap('campaign-send')
    await page.waitFor(
      () => cloudCalls().some((c) => c.data.action === 'createStoreCampaign'),
      'the campaign to be sent',
    )
    expect(cloudCalls().find((c) => c.data.action === 'createStoreCampaign')?.data).toEqual({
      action: 'createStoreCampaign',
      name: '金卡专享日',
      segment: { tiers: ['gold'] },
      templateKey: 'campaign',
      page: 'pages/campaigns/index',
      fields: { thing1: '金卡专享日', thing3: '到店出示会员码' },
    })

    await page.tap('campaign-cp1')
    await page.waitFor(() => page?.find('#campaign-results') !== undefined, 'the results')
    expect(page.textOf('#campaign-results')?.replace(/ /g, '')).toBe(
      '40目标会员9可触达8已送达1发送失败31未订阅37天内下单',
    )
  })

  it('a clerk is told only the manager can', async () => {
    staff()
    page = openPage('staff/campaigns/index')
    await page.waitForText('仅店长可以发起门店活动')
    expect(cloudCalls().some((c) => c.data.action === 'storeCampaigns')).toBe(false)
  })
})
