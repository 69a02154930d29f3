import {
  addDays,
  addFigures,
  dailyStatsId,
  dayStart,
  daysBetween,
  emptyFigures,
  firstDayToRecompute,
  ROLLUP_LOOKBACK_MS,
  statsDay,
} from '../../../shared/hq/rules/daily-stats'

describe('statsDay: the Asia/Shanghai day an event counts on', () => {
  it('an order paid at 2026-03-01T16:30Z counts on 2026-03-02', () => {
    expect(statsDay(new Date('2026-03-01T16:30:00Z'))).toBe('2026-03-02')
  })

  it('the day runs from 16:00Z the evening before to 15:59:59.999Z', () => {
    expect(statsDay(new Date('2026-03-01T15:59:59.999Z'))).toBe('2026-03-01')
    expect(statsDay(new Date('2026-03-01T16:00:00Z'))).toBe('2026-03-02')
    expect(statsDay(new Date('2026-12-31T16:00:00Z'))).toBe('2027-01-01')
  })

  it('dayStart is the instant the day begins, and every instant of the day maps back to it', () => {
    expect(dayStart('2026-03-02').toISOString()).toBe('2026-03-01T16:00:00.000Z')
    const start = dayStart('2024-02-29').getTime()
    for (const offset of [0, 1, 12 * 3_600_000, 86_400_000 - 1])
      expect(statsDay(new Date(start + offset))).toBe('2024-02-29')
    expect(statsDay(new Date(start + 86_400_000))).toBe('2024-03-01')
  })
})

describe('day arithmetic', () => {
  it('addDays and daysBetween cross months, leap days and years', () => {
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29')
    expect(addDays('2026-01-01', -1)).toBe('2025-12-31')
    expect(daysBetween('2026-02-27', '2026-03-02')).toEqual([
      '2026-02-27',
      '2026-02-28',
      '2026-03-01',
      '2026-03-02',
    ])
    expect(daysBetween('2026-03-02', '2026-03-01')).toEqual([])
    expect(daysBetween('2025-01-01', '2025-12-31')).toHaveLength(365)
  })

  it('documents are keyed by day and store', () => {
    expect(dailyStatsId('2026-03-02', '*')).toBe('2026-03-02_*')
  })
})

describe('firstDayToRecompute', () => {
  const now = new Date('2026-03-10T04:00:00Z') // 12:00 in Shanghai

  it('always includes yesterday', () => {
    expect(firstDayToRecompute({ watermark: now, historyStart: null, now })).toBe('2026-03-09')
  })

  it('goes back to the day of the watermark less the lookback', () => {
    const watermark = new Date(dayStart('2026-03-05').getTime() + ROLLUP_LOOKBACK_MS / 2)
    expect(firstDayToRecompute({ watermark, historyStart: null, now })).toBe('2026-03-04')
    expect(
      firstDayToRecompute({
        watermark: new Date(watermark.getTime() + ROLLUP_LOOKBACK_MS),
        historyStart: null,
        now,
      }),
    ).toBe('2026-03-05')
  })

  it('the first run starts from the start of history; with none, from yesterday', () => {
    expect(
      firstDayToRecompute({ watermark: null, historyStart: new Date('2025-06-30T17:00:00Z'), now }),
    ).toBe('2025-07-01')
    expect(firstDayToRecompute({ watermark: null, historyStart: null, now })).toBe('2026-03-09')
  })
})

it('addFigures sums every figure', () => {
  const total = emptyFigures()
  addFigures(total, { onlineSalesFen: 100, refundsFen: 5 })
  addFigures(total, { onlineSalesFen: 50, pointsRedeemed: -3 })
  expect(total).toEqual({
    ...emptyFigures(),
    onlineSalesFen: 150,
    refundsFen: 5,
    pointsRedeemed: -3,
  })
})
