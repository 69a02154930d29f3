import { CONSENT_NONE, MEMBER_PROFILE, ok } from './harness/fixtures'
import {
  answerFunctions,
  cloudCalls,
  openPage,
  resetCalls,
  wxCalls,
  type RenderedPage,
} from './harness/weapp'

describe('binding (the built WeChat page)', () => {
  let page: RenderedPage | undefined
  beforeEach(resetCalls)
  afterEach(() => page?.detach())

  it('asks for a code when opened without a scene', async () => {
    page = openPage('pages/bind/index')
    await page.waitForText('请扫描门店或导购的二维码')
    expect(cloudCalls()).toEqual([])
  })

  it('offers WeChat’s phone-number button and binds with the scene, then starts over at home', async () => {
    answerFunctions((name, event) =>
      name === 'member' && event.action === 'bind'
        ? ok({ ...MEMBER_PROFILE, outcome: 'existing' })
        : ok({}),
    )
    page = openPage('pages/bind/index', { scene: 'ST%3AAB12' })

    await page.waitForText('开通会员卡')
    expect(page.text()).toContain('微信手机号一键开卡')
    // The H5 phone field does not exist on WeChat.
    expect(page.find('#bind-phone')).toBeUndefined()

    await page.tap('bind-without-phone')
    await page.waitFor(() => wxCalls('reLaunch').length > 0, 'reLaunch to home')
    expect(cloudCalls()).toEqual([{ name: 'member', data: { scene: 'ST:AB12', action: 'bind' } }])
    expect(wxCalls('showToast')[0]?.args).toMatchObject({ title: '你已是会员' })
    expect(wxCalls('reLaunch')[0]?.args).toMatchObject({ url: '/pages/home/index' })
  })

  it('a new card offers campaign notifications once: WeChat’s sheet with the server’s template id, then home', async () => {
    answerFunctions((name, event) => {
      if (event.action === 'bind') return ok({ ...MEMBER_PROFILE, outcome: 'created' })
      if (event.action === 'consentStatus') return ok(CONSENT_NONE)
      if (event.action === 'reportConsent') return ok({ campaign: 1, newMessage: 0, orderReady: 0 })
      return ok({})
    })
    page = openPage('pages/bind/index', { scene: 'ST%3AAB13' })
    await page.tap('bind-without-phone')
    await page.waitForText('订阅活动通知')
    expect(page.text()).toContain('开卡成功')
    expect(wxCalls('reLaunch')).toEqual([])

    await page.tap('consent-subscribe')
    await page.waitFor(() => wxCalls('reLaunch').length > 0, 'reLaunch to home')
    expect(
      wxCalls('requestSubscribeMessage').map((c) => (c.args as { tmplIds: string[] }).tmplIds),
    ).toEqual([['tmpl-campaign']])
    expect(cloudCalls().find((c) => c.data.action === 'reportConsent')?.data).toEqual({
      action: 'reportConsent',
      results: [{ templateKey: 'campaign', accepted: true }],
    })
    await page.detach()

    // Asked once: binding again on this device goes straight to the "enter" button, no card.
    resetCalls()
    page = openPage('pages/bind/index', { scene: 'ST%3AAB13' })
    await page.tap('bind-without-phone')
    await page.waitForText('进入会员首页')
    expect(page.find('#consent-card')).toBeUndefined()
    expect(cloudCalls().map((c) => c.data.action)).toEqual(['bind'])
  })

  it('shows the function’s reason when binding is refused', async () => {
    answerFunctions(() => ({
      ok: false,
      error: { code: 'INVALID_INPUT', message: '二维码无效：请扫描门店或导购出示的小程序码' },
    }))
    page = openPage('pages/bind/index', { scene: 'forged' })

    await page.tap('bind-without-phone')
    await page.waitForText('二维码无效：请扫描门店或导购出示的小程序码')
    expect(wxCalls('reLaunch')).toEqual([])
  })
})
