/**
 * A clerk gives a coupon from the store's budget on their member's page (the built WeChat
 * subpackage, staff/member-detail): the budgets HQ set are listed with what is left, a tap asks
 * first, then gives one (`staff.giveCoupon` with the member and a request id), the count drops;
 * a refusal says why in Chinese and a retry of a lost answer sends the same request id.
 */
import { STAFF_PROFILE, ok } from './harness/fixtures'
import {
  answerFunctions,
  answerModals,
  cloudCalls,
  openPage,
  resetCalls,
  wxCalls,
  type RenderedPage,
} from './harness/weapp'

const MEMBER = {
  memberId: 'm-7',
  memberNo: '100000007',
  phoneMasked: '138****5678',
  tier: 'standard',
  points: 320,
  clerkId: 'c1',
  clerkName: '王小美',
  joinedAt: '2026-10-01T02:00:00.000Z',
  lastPurchaseAt: null,
  tags: [],
  phone: null,
  storeId: 's1',
  storeName: '静安寺店',
}

function budget(left: number) {
  return {
    storeId: 's1',
    storeName: '静安寺店',
    templateId: 't-shop20',
    templateName: '到店满100减20',
    budget: 5,
    given: 5 - left,
    left,
    updatedAt: '2026-11-20T02:00:00.000Z',
  }
}

/** The server's side: a budget of 5 with `left` to give; `giveReplies` answers each give in turn. */
function serve(state: { left: number }, giveReplies: Array<'ok' | 'limit' | 'lost'>) {
  answerFunctions((_name, event) => {
    if (event.action === 'me') return ok(STAFF_PROFILE)
    if (event.action === 'memberDetail')
      return ok({ member: MEMBER, attributionLog: [], visits: [], pointsLedger: [] })
    if (event.action === 'couponBudgets') return ok({ items: [budget(state.left)] })
    if (event.action === 'giveCoupon') {
      const reply = giveReplies.shift()
      if (reply === 'limit')
        return {
          ok: false,
          error: { code: 'COUPON_UNAVAILABLE', message: '优惠券不可用：每人限领 1 张，已领完' },
        }
      if (reply === 'lost')
        return { ok: false, error: { code: 'INTERNAL', message: '网络异常，请重试' } }
      state.left--
      return ok({ memberNo: MEMBER.memberNo, coupon: {}, left: state.left })
    }
    return ok({})
  })
}

const gives = () => cloudCalls().filter((c) => c.data.action === 'giveCoupon')

describe('giving a coupon from the member page (the built WeChat subpackage)', () => {
  let page: RenderedPage | undefined
  beforeEach(resetCalls)
  afterEach(() => page?.detach())

  it('asks, gives one from the store budget and shows what is left; a refusal says why', async () => {
    const state = { left: 3 }
    serve(state, ['ok', 'limit'])
    page = openPage('staff/member-detail/index', { memberId: MEMBER.memberId })
    await page.waitForText('赠送优惠券')
    expect(page.textOf('#give-t-shop20')).toContain('到店满100减20 · 本店额度剩余 3 张')

    // Cancelled at the question: nothing is sent.
    await page.tap('give-coupon-t-shop20')
    await page.waitFor(() => wxCalls('showModal').length === 1, 'the question')
    expect(wxCalls('showModal')[0]!.args).toMatchObject({
      title: '赠送优惠券',
      content: '从本店额度赠送 1 张「到店满100减20」给该会员',
    })
    expect(gives()).toHaveLength(0)

    answerModals(true)
    await page.tap('give-coupon-t-shop20')
    await page.waitFor(() => wxCalls('showToast').length === 1, 'the toast')
    expect(wxCalls('showToast')[0]!.args).toMatchObject({ title: '已赠送' })
    expect(gives()[0]!.data).toMatchObject({
      memberId: MEMBER.memberId,
      templateId: 't-shop20',
      requestId: expect.stringMatching(/^[A-Za-z0-9_-]{8,64}$/),
    })
    await page.waitForText('本店额度剩余 2 张')

    // The member's limit refuses the next one: the clerk reads the reason.
    await page.tap('give-coupon-t-shop20')
    await page.waitFor(() => wxCalls('showToast').length === 2, 'the refusal')
    expect(wxCalls('showToast')[1]!.args).toMatchObject({
      title: '优惠券不可用：每人限领 1 张，已领完',
    })
    expect(page.textOf('#give-t-shop20')).toContain('本店额度剩余 2 张')
    expect(page.text()).not.toMatch(/t-shop20|m-7|[A-Za-z]{5,}/)
  })

  it('a lost answer is retried with the same request id, so the member gets one', async () => {
    const state = { left: 1 }
    serve(state, ['lost', 'ok'])
    answerModals(true)
    page = openPage('staff/member-detail/index', { memberId: MEMBER.memberId })
    await page.waitForText('本店额度剩余 1 张')
    await page.tap('give-coupon-t-shop20')
    await page.waitFor(() => gives().length === 1 && wxCalls('showToast').length === 1, 'the loss')
    // Tapped again at once (before the page has drawn the failure): the same request.
    await page.tap('give-coupon-t-shop20')
    await page.waitFor(() => gives().length === 2, 'the retry')
    expect(gives()[1]!.data.requestId).toBe(gives()[0]!.data.requestId)
    // Used up: the button says so and takes no tap.
    await page.waitForText('额度已用完')
    expect(page.textOf('#give-t-shop20')).toContain('本店额度剩余 0 张')
  })
})
