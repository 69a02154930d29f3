import { barsOf, encodeCode128C } from '../../miniprogram/src/lib/code128'
import { qrPattern } from '../../miniprogram/src/lib/qr-matrix'
import { NOT_A_MEMBER, ok } from './harness/fixtures'
import { answerFunctions, cloudCalls, openPage, resetCalls } from './harness/weapp'

const CODE = '12345678901234567890'

function runCount(code: string): number {
  return qrPattern(code).rows.reduce((sum, row) => sum + row.length, 0)
}

describe('member code page (built)', () => {
  beforeEach(resetCalls)

  it('renders the member’s code with the native component', async () => {
    answerFunctions(() =>
      ok({
        code: CODE,
        memberNo: '100000007',
        expiresAt: '2026-03-05T00:01:00Z',
        refreshAfterMs: 60_000,
      }),
    )
    const page = openPage('pages/member-code/index')
    await page.waitForText('1234 5678 9012 3456 7890')
    expect(page.text()).toContain('会员号 100000007')
    // The native component renders in its own tree, its classes prefixed by its tag name.
    expect(page.dom.querySelectorAll('[class~="member-code--member-code__run"]')).toHaveLength(
      runCount(CODE),
    )
    // Under the QR, the same digits as a Code 128 barcode drawn with views.
    expect(page.findAll('.barcode__bar')).toHaveLength(barsOf(encodeCode128C(CODE)).length)
    await page.detach()
  })

  it('counts down to the next code and refreshes on a tap', async () => {
    let issued = 0
    answerFunctions(() => {
      issued += 1
      return ok({
        code: issued === 1 ? CODE : '09876543210987654321',
        memberNo: '100000007',
        expiresAt: new Date(Date.now() + 37_000).toISOString(),
        refreshAfterMs: 60_000,
      })
    })
    const page = openPage('pages/member-code/index')
    await page.waitForText('1234 5678 9012 3456 7890')
    expect(page.textOf('#member-code-countdown')).toMatch(/^3[6-8] 秒后更新$/)
    await page.tap('member-code-refresh')
    await page.waitForText('0987 6543 2109 8765 4321')
    expect(cloudCalls().filter((c) => c.data.action === 'memberCode')).toHaveLength(2)
    await page.detach()
  })

  it('tells someone without a card that the code comes with one', async () => {
    answerFunctions(() => NOT_A_MEMBER)
    const page = openPage('pages/member-code/index')
    await page.waitForText('开卡后显示会员码')
    await page.detach()
  })
})
