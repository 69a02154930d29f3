import { qrPattern } from '../../miniprogram/src/lib/qr-matrix'
import { renderComponent } from './harness/weapp'

const CODE = '12345678901234567890'

// Loaded on its own here; the page that uses it is tested in member-code-page.test.ts, since a
// built chunk registers its component only the first time it runs in a test file.
function runCount(code: string): number {
  return qrPattern(code).rows.reduce((sum, row) => sum + row.length, 0)
}

describe('<member-code> native component (built)', () => {
  const render = (properties: Record<string, unknown>) =>
    renderComponent('native/member-code/index', 'member-code', properties)

  it('draws the QR symbol of the code as runs of dark modules, with the code printed in fours', () => {
    const comp = render({ code: CODE, caption: '每分钟自动刷新' })

    expect(comp.querySelectorAll('.member-code__row')).toHaveLength(21)
    expect(comp.querySelectorAll('.member-code__run')).toHaveLength(runCount(CODE))
    expect(comp.querySelector('.member-code__text')?.dom?.textContent).toBe(
      '1234 5678 9012 3456 7890',
    )
    expect(comp.querySelector('.member-code__caption')?.dom?.textContent).toBe('每分钟自动刷新')
  })

  it('redraws when the code changes (every minute)', () => {
    const comp = render({ code: CODE })
    const next = '98765432109876543210'
    comp.setData({ code: next })
    expect(comp.querySelectorAll('.member-code__run')).toHaveLength(runCount(next))
    expect(comp.querySelector('.member-code__text')?.dom?.textContent).toBe(
      '9876 5432 1098 7654 3210',
    )
  })

  it('shows a placeholder without a code, and says so when a code cannot be drawn', () => {
    const empty = render({})
    expect(empty.dom?.textContent).toContain('会员码加载中')

    const tooLong = render({ code: '9'.repeat(8000) })
    expect(tooLong.dom?.textContent).toContain('会员码无法显示，请刷新')
  })
})
