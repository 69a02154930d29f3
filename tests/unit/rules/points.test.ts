import fc from 'fast-check'
import {
  DEFAULT_POINTS_RULES,
  earnedPoints,
  pointsExpiryFor,
  refundTakeback,
} from '../../../shared/points/rules/points'
import { tierFor, tierProgress } from '../../../shared/points/rules/tiers'
import {
  formatPickupCode,
  newPickupCode,
  normalisePickupCode,
} from '../../../shared/gifts/rules/pickup-code'

const rules = DEFAULT_POINTS_RULES

describe('earning', () => {
  it('1 point per whole yuan times the tier multiplier, rounded down', () => {
    expect(earnedPoints(12_899, 'standard', rules)).toBe(128)
    expect(earnedPoints(12_899, 'silver', rules)).toBe(153) // 128 × 1.2 = 153.6
    expect(earnedPoints(12_899, 'gold', rules)).toBe(192)
    expect(earnedPoints(99, 'gold', rules)).toBe(0)
    expect(earnedPoints(0, 'standard', rules)).toBe(0)
  })

  it('counts in whole hundredths: 100 yuan × 1.15 is 115 points (in binary floating point, 114.999…)', () => {
    expect(100 * 1.15).toBeLessThan(115)
    const custom = { ...rules, multipliers: { standard: 1.1, silver: 1.15, gold: 2.35 } }
    expect(earnedPoints(10_000, 'silver', custom)).toBe(115)
    expect(earnedPoints(1_000, 'standard', custom)).toBe(11)
    expect(earnedPoints(10_000, 'gold', custom)).toBe(235)
  })

  it('property: never negative, monotone in the amount, and ≤ yuan × rate × multiplier', () => {
    fc.assert(
      fc.property(
        fc.nat(10_000_000),
        fc.nat(10_000_000),
        fc.constantFrom('standard' as const, 'silver' as const, 'gold' as const),
        (a, b, tier) => {
          const [lo, hi] = a <= b ? [a, b] : [b, a]
          expect(earnedPoints(lo, tier, rules)).toBeLessThanOrEqual(earnedPoints(hi, tier, rules))
          expect(earnedPoints(hi, tier, rules)).toBeLessThanOrEqual(
            Math.floor(hi / 100) * rules.multipliers[tier] + 1e-9,
          )
          expect(earnedPoints(lo, tier, rules)).toBeGreaterThanOrEqual(0)
        },
      ),
    )
  })
})

describe('expiry dates', () => {
  it('31 December of the next year, Shanghai time, stored in UTC', () => {
    expect(pointsExpiryFor(new Date('2026-03-05T02:00:00Z')).toISOString()).toBe(
      '2027-12-31T16:00:00.000Z',
    )
    // 2026-12-31 23:30 in Shanghai is still 2026
    expect(pointsExpiryFor(new Date('2026-12-31T15:30:00Z')).toISOString()).toBe(
      '2027-12-31T16:00:00.000Z',
    )
    // 2027-01-01 00:30 in Shanghai is 2027
    expect(pointsExpiryFor(new Date('2026-12-31T16:30:00Z')).toISOString()).toBe(
      '2028-12-31T16:00:00.000Z',
    )
    expect(pointsExpiryFor(new Date('2026-03-05T02:00:00Z'), 0).toISOString()).toBe(
      '2026-12-31T16:00:00.000Z',
    )
  })
})

describe('refund take-back', () => {
  it('is proportional and cumulative: partial refunds add up to exactly what the order earned', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10_000_000 }),
        fc.nat(20_000),
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 8 }),
        (paidFen, earned, cuts) => {
          let refunded = 0
          let taken = 0
          const points = [...cuts.map((c) => Math.floor(c * paidFen)), paidFen]
          for (const p of points) {
            const refundFen = Math.min(paidFen - refunded, p)
            if (refundFen <= 0) continue
            const t = refundTakeback({ earned, paidFen, refundedBeforeFen: refunded, refundFen })
            expect(t).toBeGreaterThanOrEqual(0)
            refunded += refundFen
            taken += t
          }
          // refunded in full by the last step
          expect(taken).toBe(earned)
        },
      ),
    )
  })
})

describe('tiers', () => {
  const t = rules.tierThresholdsFen
  it('silver from 1,000 yuan, gold from 5,000 yuan', () => {
    expect(tierFor(99_999, t)).toBe('standard')
    expect(tierFor(100_000, t)).toBe('silver')
    expect(tierFor(499_999, t)).toBe('silver')
    expect(tierFor(500_000, t)).toBe('gold')
  })
  it('progress to the next tier', () => {
    expect(tierProgress(25_000, t)).toEqual({
      tier: 'standard',
      paidFen: 25_000,
      next: { tier: 'silver', thresholdFen: 100_000, remainingFen: 75_000 },
      ratio: 0.25,
    })
    expect(tierProgress(300_000, t)).toMatchObject({
      tier: 'silver',
      next: { tier: 'gold', remainingFen: 200_000 },
      ratio: 0.5,
    })
    expect(tierProgress(700_000, t)).toEqual({
      tier: 'gold',
      paidFen: 700_000,
      next: null,
      ratio: 1,
    })
    expect(tierProgress(-5_000, t).ratio).toBe(0)
  })
})

describe('pickup codes', () => {
  it('are 10 digits; typed with spaces or dashes they read the same', () => {
    const code = newPickupCode()
    expect(code).toMatch(/^\d{10}$/)
    expect(normalisePickupCode(formatPickupCode(code))).toBe(code)
    expect(normalisePickupCode('1234-5678 90')).toBe('1234567890')
  })
})
