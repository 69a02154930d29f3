/**
 * The member status is asked for once on a walk through the app (the built WeChat pages share
 * one data cache, TanStack Query, miniprogram/src/lib/queries.ts), not by every page that shows
 * it; an answer that changes the card asks again, once, and every open page shows the change.
 */
import { MEMBER_PROFILE, ok } from './harness/fixtures'
import {
  answerFunctions,
  answerModals,
  cloudCalls,
  openPage,
  resetCalls,
  type RenderedPage,
} from './harness/weapp'

const NOT_STAFF = { ok: false as const, error: { code: 'FORBIDDEN', message: '仅限在岗店员' } }

describe('the member status on a walk through the app (the built WeChat pages)', () => {
  const open: RenderedPage[] = []
  beforeEach(resetCalls)
  afterEach(async () => {
    for (const page of open.splice(0).reverse()) await page.detach()
  })

  const profileCalls = () => cloudCalls().filter((c) => c.data.action === 'profile').length

  it('home → 我的 → 资料 → 账户与隐私 asks for it once; saving a birthday asks once more', async () => {
    let birthday: string | null = null
    answerFunctions((_name, event) => {
      if (event.action === 'profile') return ok({ ...MEMBER_PROFILE, birthday })
      if (event.action === 'summary') return ok({ ...MEMBER_PROFILE, birthday })
      if (event.action === 'me') return NOT_STAFF
      if (event.action === 'setBirthday') {
        birthday = '03-15'
        return ok({ ...MEMBER_PROFILE, birthday })
      }
      return ok({})
    })
    answerModals(true)

    // WeChat keeps the tab pages and the page stack open while the member walks on.
    const home = openPage('pages/home/index')
    open.push(home)
    await home.waitForText('1,280')
    const me = openPage('pages/me/index')
    open.push(me)
    await me.waitForText('银卡会员')
    expect(me.textOf('#profile-entry')).toContain('填写生日，享生日礼遇')
    const profile = openPage('pages/profile/index')
    open.push(profile)
    await profile.waitForText('100000007')
    const account = openPage('pages/account/index')
    open.push(account)
    await account.waitForText('当前：138****5678')

    expect(profileCalls()).toBe(1)

    // The member sets a birthday on 资料: the server's answer changes the card, so it is asked
    // for again, once, and 我的 stops asking for a birthday.
    const picker = profile.find('#birthday-picker-control')!
    picker.dispatchEvent('change', { detail: { value: [2, 14] } })
    await profile.waitForText('3月15日')
    await profile.tap('birthday-save')
    await me.waitFor(() => !me.text().includes('填写生日'), '我的 to show the saved birthday')
    expect(profileCalls()).toBe(2)
    await profile.waitForText('生日已设置')
  })

  it('a pull-down on 我的 asks again; opening a page afresh after all were closed asks afresh', async () => {
    answerFunctions((_name, event) =>
      event.action === 'me' ? NOT_STAFF : ok(event.action === 'profile' ? MEMBER_PROFILE : {}),
    )
    const me = openPage('pages/me/index')
    open.push(me)
    await me.waitForText('银卡会员')
    expect(profileCalls()).toBe(1)
    me.pullDown()
    await me.waitFor(() => profileCalls() === 2, 'the refresh')
    await open.pop()!.detach()

    const again = openPage('pages/me/index')
    open.push(again)
    await again.waitForText('银卡会员')
    expect(profileCalls()).toBe(3)
  })
})
