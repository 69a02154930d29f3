import fc from 'fast-check'
import {
  commissionFen,
  commissionTakeback,
  fenToYuan,
  insideRefundWindow,
  monthRange,
  monthsEndingWith,
} from '../../../shared/commission/rules/commission'
import { toCsv } from '../../../shared/platform/csv'

describe('commission rules', () => {
  it('3% of the net amount, rounded half up to the fen', () => {
    expect(commissionFen(16_800, 300)).toBe(504)
    expect(commissionFen(25_050, 300)).toBe(752) // 751.5
    expect(commissionFen(0, 300)).toBe(0)
    expect(commissionFen(-5, 300)).toBe(0)
  })

  it('partial refunds in any order take back exactly the commission, never more', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10_000_000 }),
        fc.integer({ min: 0, max: 5_000 }),
        fc.array(fc.integer({ min: 1, max: 1_000_000 }), { maxLength: 8 }),
        (base, rate, parts) => {
          let refunded = 0
          let taken = 0
          for (const part of parts) {
            const refundFen = Math.min(part, base - refunded)
            if (refundFen <= 0) break
            const t = commissionTakeback({
              baseFen: base,
              refundedBeforeFen: refunded,
              refundFen,
              rateBp: rate,
            })
            expect(t).toBeGreaterThanOrEqual(0)
            taken += t
            refunded += refundFen
          }
          expect(taken).toBe(commissionFen(base, rate) - commissionFen(base - refunded, rate))
        },
      ),
    )
  })

  it('the window: open until settleAfter (and while not yet picked up)', () => {
    const at = new Date('2026-05-10T00:00:00Z')
    expect(insideRefundWindow(null, at)).toBe(true)
    expect(insideRefundWindow(new Date('2026-05-10T00:00:01Z'), at)).toBe(true)
    expect(insideRefundWindow(at, at)).toBe(false)
  })

  it('months in Shanghai time', () => {
    expect(monthsEndingWith('2026-02', 6)).toEqual([
      '2025-09',
      '2025-10',
      '2025-11',
      '2025-12',
      '2026-01',
      '2026-02',
    ])
    expect(monthRange('2026-01')).toEqual({
      start: new Date('2025-12-31T16:00:00Z'),
      end: new Date('2026-01-31T16:00:00Z'),
    })
  })

  it('yuan with two decimals and CSV for Excel', () => {
    expect(fenToYuan(123_456)).toBe('1234.56')
    expect(fenToYuan(5)).toBe('0.05')
    expect(fenToYuan(-252)).toBe('-2.52')
    expect(fenToYuan(0)).toBe('0.00')
    const csv = toCsv(['店员', '金额'], [['张三, "小张"', '1.00']])
    expect(csv).toBe('\uFEFF店员,金额\r\n"张三, ""小张""",1.00\r\n')
  })
})
