import {
  lastUsableDay,
  mergeMonthGroups,
  monthLabel,
  progressWidth,
  signedPoints,
} from '../../../miniprogram/src/lib/points-format'

describe('points formatting', () => {
  it('merges a month that continues on the next ledger page', () => {
    const merged = mergeMonthGroups(
      [{ month: '2026-11', items: [1, 2] }],
      [
        { month: '2026-11', items: [3] },
        { month: '2026-10', items: [4] },
      ],
    )
    expect(merged).toEqual([
      { month: '2026-11', items: [1, 2, 3] },
      { month: '2026-10', items: [4] },
    ])
  })

  it('does not mutate the groups already on screen', () => {
    const first = [{ month: '2026-11', items: [1] }]
    mergeMonthGroups(first, [{ month: '2026-11', items: [2] }])
    expect(first[0]!.items).toEqual([1])
  })

  it('labels months, signs points, clamps progress and names the last usable day', () => {
    expect(monthLabel('2026-03')).toBe('2026年3月')
    expect(signedPoints(1200)).toBe('+1,200')
    expect(signedPoints(-80)).toBe('-80')
    expect(signedPoints(0)).toBe('0')
    expect(progressWidth(0.456)).toBe('46%')
    expect(progressWidth(3)).toBe('100%')
    expect(progressWidth(Number.NaN)).toBe('0%')
    expect(lastUsableDay('2027-12-31T16:00:00.000Z')).toBe('2027-12-31')
    expect(lastUsableDay('nonsense')).toBe('')
  })
})
