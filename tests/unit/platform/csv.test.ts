import fc from 'fast-check'
import { fenToYuan } from '../../../shared/commission/rules/commission'
import { csvCell, csvNumber, neutralise, toCsv } from '../../../shared/platform/csv'
import { parseCsv } from '../../../shared/hq/rules/csv-import'

const TRIGGER = /^[=+\-@\t\r]/

/** Text built from formula triggers, CSV's own specials, and ordinary characters. */
const text = fc.string({
  unit: fc.constantFrom(
    '=',
    '+',
    '-',
    '@',
    '\t',
    '\r',
    '\n',
    '"',
    ',',
    "'",
    'a',
    '1',
    ' ',
    '门',
    '|',
    '!',
  ),
  maxLength: 12,
})

describe('the CSV writer neutralises formula injection (issue #16, item 6)', () => {
  it('writes the attack clerk name as text', () => {
    const csv = toCsv(['姓名'], [["=cmd|' /C calc'!A0"]])
    expect(csv).toBe("\uFEFF姓名\r\n'=cmd|' /C calc'!A0\r\n")
  })

  it.each(['=1+1', '+1', '-1+2', '@SUM(A1)', '\t=1', '\r=1'])('prefixes %j', (cell) => {
    expect(neutralise(cell)).toBe(`'${cell}`)
  })

  it('any text cell: the file parses back to the neutralised value, and no cell starts with a trigger', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(text, { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 6 }),
        (rows) => {
          const width = Math.max(...rows.map((r) => r.length))
          const padded = rows.map((r) => [...r, ...Array(width - r.length).fill('x')])
          const { records, errors } = parseCsv(toCsv(padded[0]!, padded.slice(1)))
          expect(errors).toEqual([])
          // A row of one empty cell is a blank line, which readers skip.
          const expected = padded
            .map((r) => r.map(neutralise))
            .filter((r) => !(r.length === 1 && r[0]!.trim() === ''))
          expect(records.map((r) => r.cells)).toEqual(expected)
          for (const record of records)
            for (const cell of record.cells) expect(cell).not.toMatch(TRIGGER)
        },
      ),
    )
  })

  it('neutralising only adds a quote in front of a trigger, nothing else changes', () => {
    fc.assert(
      fc.property(text, (cell) => {
        const out = neutralise(cell)
        expect(out === cell || out === `'${cell}`).toBe(true)
        expect(out === cell).toBe(!TRIGGER.test(cell))
      }),
    )
  })

  it('numbers the product computed stay numbers: negatives are not prefixed', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e12, max: 1e12 }), (fen) => {
        expect(csvCell(fen)).toBe(String(fen))
        expect(csvCell(csvNumber(fenToYuan(fen)))).toBe(fenToYuan(fen))
      }),
    )
    expect(csvCell(-12)).toBe('-12')
    expect(csvCell(csvNumber('-12.50'))).toBe('-12.50')
    // The same text as a string is user text: neutralised.
    expect(csvCell('-12.50')).toBe("'-12.50")
  })

  it('only a plain decimal passes as a number', () => {
    for (const bad of ['-1+2', '=1', '1e3', '-', '', ' 1', '12.', '--1', "-1'"])
      expect(() => csvNumber(bad)).toThrow()
    expect(() => csvCell(Number.NaN)).toThrow()
  })
})
