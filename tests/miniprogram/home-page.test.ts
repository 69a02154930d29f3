import { MEMBER_PROFILE, NOT_A_MEMBER, OFFLINE, ok } from './harness/fixtures'
import {
  answerFunctions,
  cloudCalls,
  openPage,
  resetCalls,
  wxCalls,
  type RenderedPage,
} from './harness/weapp'

describe('home (the built WeChat page)', () => {
  let page: RenderedPage | undefined
  beforeEach(resetCalls)
  afterEach(() => page?.detach())

  it('tells someone without a card how to get one', async () => {
    answerFunctions(() => NOT_A_MEMBER)
    page = openPage('pages/home/index')

    await page.waitForText('还不是会员')
    expect(page.text()).toContain('到店扫描门店或导购的二维码，即可开卡')
    expect(page.textOf('#scan-to-bind')).toContain('扫码开卡')
    // The points summary is asked only for a member's card.
    expect(cloudCalls()).toEqual([{ name: 'member', data: { action: 'profile' } }])
  })

  it('shows a member their card: points, tier, number, store and clerk', async () => {
    answerFunctions(() => ok(MEMBER_PROFILE))
    page = openPage('pages/home/index')

    await page.waitForText('1,280')
    const card = page.textOf('#member-card') ?? ''
    for (const shown of [
      '银卡会员',
      '1,280',
      '积分',
      'No. 100000007',
      '静安寺店',
      '专属导购 王小美',
    ])
      expect(card).toContain(shown)

    await page.tap('show-member-code')
    expect(wxCalls('navigateTo').map((call) => (call.args as { url: string }).url)).toEqual([
      '/pages/member-code/index',
    ])
  })

  it('shows a retry instead of a blank page when the network fails, and recovers', async () => {
    let online = false
    answerFunctions(() => (online ? ok(MEMBER_PROFILE) : OFFLINE))
    page = openPage('pages/home/index')

    await page.waitForText('网络不给力')
    expect(page.text()).toContain('网络连接失败，请检查网络后重试')

    online = true
    await page.tap('retry')
    await page.waitForText('1,280')
    // The failed load asked for the profile only; the retry for the profile, then the summary.
    expect(cloudCalls().map((c) => c.data.action)).toEqual(['profile', 'profile', 'summary'])
  })

  it('refreshes on pull-down, and keeps the card with a retry bar when that refresh fails', async () => {
    let reply: ReturnType<typeof ok> | typeof OFFLINE = ok(MEMBER_PROFILE)
    answerFunctions(() => reply)
    page = openPage('pages/home/index')
    await page.waitForText('1,280')

    reply = ok({ ...MEMBER_PROFILE, points: 1380 })
    page.pullDown()
    await page.waitForText('1,380')
    await page.waitFor(
      () => wxCalls('stopPullDownRefresh').length === 1,
      'the refresh indicator to stop',
    )

    reply = OFFLINE
    page.pullDown()
    await page.waitForText('刷新失败：网络连接失败')
    expect(page.text()).toContain('1,380')
    await page.waitFor(
      () => wxCalls('stopPullDownRefresh').length === 2,
      'the refresh indicator to stop',
    )

    reply = ok({ ...MEMBER_PROFILE, points: 1480 })
    await page.tap('refresh-retry')
    await page.waitForText('1,480')
    expect(page.text()).not.toContain('刷新失败')
  })

  it('sends a launch with a scanned scene to binding', async () => {
    answerFunctions(() => NOT_A_MEMBER)
    page = openPage('pages/home/index', { scene: 'ST%3AAB12' })

    await page.waitFor(() => wxCalls('navigateTo').length > 0, 'navigateTo')
    expect(wxCalls('navigateTo')[0]?.args).toMatchObject({
      url: '/pages/bind/index?scene=ST%3AAB12',
    })
  })
})
