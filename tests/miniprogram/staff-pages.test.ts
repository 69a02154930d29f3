import { NOT_A_MEMBER, NOT_STAFF, STAFF_PROFILE, STAFF_STATS, ok } from './harness/fixtures'
import { answerFunctions, openPage, resetCalls, wxCalls, type RenderedPage } from './harness/weapp'

function staffFunctions(isStaff: boolean) {
  answerFunctions((name, event) => {
    if (name === 'member') return NOT_A_MEMBER
    if (name !== 'staff') return ok({})
    if (!isStaff) return NOT_STAFF
    if (event.action === 'me') return ok(STAFF_PROFILE)
    if (event.action === 'myStats') return ok(STAFF_STATS)
    return ok({})
  })
}

describe('staff side (the built WeChat subpackage)', () => {
  let page: RenderedPage | undefined
  beforeEach(resetCalls)
  afterEach(() => page?.detach())

  it('greets a clerk at the desk with their store and member figures', async () => {
    staffFunctions(true)
    page = openPage('staff/home/index')

    await page.waitForText('店员工作台')
    expect(page.textOf('#staff-header')).toContain('店员 · 静安寺店')
    expect(page.text()).toContain('王小美')
    expect(page.textOf('#staff-stats')?.replace(/ /g, '')).toBe('12我的会员3本周新增7本月新增')

    await page.tap('tile-record-sale')
    expect(wxCalls('navigateTo')[0]?.args).toMatchObject({ url: '/staff/record-sale/index' })
  })

  it('turns away someone who is not staff', async () => {
    staffFunctions(false)
    page = openPage('staff/home/index')
    await page.waitForText('仅限在岗店员使用')
    expect(page.text()).not.toContain('记录销售')
  })

  it('shows the way to the desk on "me" only to staff', async () => {
    staffFunctions(true)
    page = openPage('pages/me/index')
    await page.waitFor(() => page?.find('#staff-entry') !== undefined, '#staff-entry')
    expect(page.textOf('#staff-entry')).toContain('静安寺店')
    await page.tap('staff-entry')
    expect(wxCalls('navigateTo')[0]?.args).toMatchObject({ url: '/staff/home/index' })
    await page.detach()

    staffFunctions(false)
    page = openPage('pages/me/index')
    await page.waitForText('未开卡')
    expect(page.find('#staff-entry')).toBeUndefined()
  })

  it('accepts a staff invite and goes straight to the desk', async () => {
    answerFunctions(() => ok(STAFF_PROFILE))
    page = openPage('staff/invite/index', { scene: 'INV%3A77' })
    await page.waitForText('你收到了一份店员邀请')
    await page.tap('invite-accept')
    await page.waitFor(() => wxCalls('redirectTo').length > 0, 'redirectTo the desk')
    expect(wxCalls('redirectTo')[0]?.args).toMatchObject({ url: '/staff/home/index' })
  })
})
