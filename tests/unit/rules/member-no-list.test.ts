import fc from 'fast-check'
import { MAX_IMPORT_ROWS, parseMemberNoList } from '../../../shared/hq/rules/csv-import'

const memberNo = fc.stringMatching(/^\d{9}$/)
const numbers = fc.uniqueArray(memberNo, { minLength: 1, maxLength: 40 })
/** How Excel and hand-made files differ: header or not, BOM, line ends, quotes, spaces, a trailing blank line. */
const layout = fc.record({
  header: fc.constantFrom(null, '会员号', 'memberNo'),
  bom: fc.boolean(),
  eol: fc.constantFrom('\r\n', '\n'),
  quoted: fc.boolean(),
  padded: fc.boolean(),
  trailing: fc.constantFrom('', '\r\n', '\n\n', ',\r\n'),
})
type Layout = typeof layout extends fc.Arbitrary<infer T> ? T : never

function file(cells: string[], l: Layout): string {
  const body = cells.map((c) => {
    const padded = l.padded ? ` ${c} ` : c
    return l.quoted ? `"${padded}"` : padded
  })
  const lines = l.header ? [l.header, ...body] : body
  return `${l.bom ? '\uFEFF' : ''}${lines.join(l.eol)}${l.trailing}`
}
const firstLine = (l: Layout) => (l.header ? 2 : 1)

describe('parseMemberNoList', () => {
  it('reads every member number back, in order, with its line, whatever the layout', () => {
    fc.assert(
      fc.property(numbers, layout, (list, l) => {
        const { rows, errors } = parseMemberNoList(file(list, l))
        expect(errors).toEqual([])
        expect(rows).toEqual(list.map((no, i) => ({ line: firstLine(l) + i, memberNo: no })))
      }),
    )
  })

  it('a repeated number is refused at its line, naming the first; nothing is read', () => {
    fc.assert(
      fc.property(numbers, layout, fc.nat(), fc.nat(), (list, l, a, b) => {
        const from = a % list.length
        const at = b % (list.length + 1)
        const cells = [...list]
        cells.splice(at, 0, list[from]!)
        const first = at <= from ? from + 1 : from
        const { rows, errors } = parseMemberNoList(file(cells, l))
        expect(rows).toEqual([])
        expect(errors).toEqual([
          {
            line: firstLine(l) + Math.max(at, first),
            field: '会员号',
            reason: `与第 ${firstLine(l) + Math.min(at, first)} 行的会员号 ${list[from]} 重复`,
          },
        ])
      }),
    )
  })

  it('anything but 9 digits is refused at its line in Chinese; nothing is read', () => {
    const bad = fc
      .string({
        unit: fc.constantFrom('1', '0', '9', 'a', '会', '-', '.', 'E'),
        minLength: 1,
        maxLength: 12,
      })
      .filter((s) => !/^\d{9}$/.test(s) && s !== '会员号')
    fc.assert(
      fc.property(numbers, layout, bad, fc.nat(), (list, l, token, n) => {
        const at = n % (list.length + 1)
        const cells = [...list]
        cells.splice(at, 0, token)
        const { rows, errors } = parseMemberNoList(file(cells, l))
        expect(rows).toEqual([])
        expect(errors).toEqual([
          {
            line: firstLine(l) + at,
            field: '会员号',
            reason: `「${token}」不是会员号：会员号为 9 位数字`,
          },
        ])
      }),
    )
  })

  it('says what is wrong with a file that holds no list', () => {
    expect(parseMemberNoList('').errors).toEqual([{ line: 1, field: '', reason: '文件是空的' }])
    expect(parseMemberNoList('\uFEFF会员号\r\n').errors).toEqual([
      { line: 1, field: '', reason: '除表头外没有会员号' },
    ])
    expect(parseMemberNoList('100000001,100000002\r\n').errors).toEqual([
      { line: 1, field: '', reason: '每行只填一个会员号' },
    ])
    expect(parseMemberNoList('会员号\r\n\uFFFD\uFFFD\r\n').errors[0]!.reason).toMatch(/UTF-8/)
    expect(parseMemberNoList('"100000001\r\n').errors).toEqual([
      { line: 1, field: '', reason: '引号没有闭合' },
    ])
  })

  it(`refuses more than ${MAX_IMPORT_ROWS} numbers at once`, () => {
    const many = Array.from({ length: MAX_IMPORT_ROWS + 1 }, (_, i) => String(100_000_000 + i))
    const { rows, errors } = parseMemberNoList(many.join('\n'))
    expect(rows).toEqual([])
    expect(errors).toEqual([
      {
        line: 1,
        field: '',
        reason: `一次最多导入 ${MAX_IMPORT_ROWS} 行，本文件有 ${MAX_IMPORT_ROWS + 1} 行`,
      },
    ])
    expect(parseMemberNoList(many.slice(0, MAX_IMPORT_ROWS).join('\n')).rows).toHaveLength(
      MAX_IMPORT_ROWS,
    )
  })
})
