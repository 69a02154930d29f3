/** A store code's clerk: least loaded, managers last, ties spread at random. */
import fc from 'fast-check'
import { leastLoadedClerk, type ClerkLoad } from '../../../shared/membership/rules/attribution'

const clerk = (id: string, memberCount: number, extra: Partial<ClerkLoad> = {}): ClerkLoad => ({
  clerkId: id,
  memberCount,
  createdAt: new Date('2026-01-01T00:00:00Z'),
  status: 'active',
  ...extra,
})

describe('leastLoadedClerk', () => {
  it('gives the member to a clerk before a manager, and to a manager when no clerk works there', () => {
    const manager = clerk('m', 0, { isManager: true })
    expect(leastLoadedClerk([manager, clerk('a', 5)])?.clerkId).toBe('a')
    expect(leastLoadedClerk([manager, clerk('a', 5, { status: 'disabled' })])?.clerkId).toBe('m')
    expect(leastLoadedClerk([clerk('a', 1, { status: 'disabled' })])).toBeNull()
  })

  it('breaks ties at random, so concurrent binds spread over the tied clerks', () => {
    const tied = [clerk('a', 3), clerk('b', 3), clerk('c', 4)]
    expect(leastLoadedClerk(tied, () => 0)?.clerkId).toBe('a')
    expect(leastLoadedClerk(tied, () => 0.99)?.clerkId).toBe('b')
  })

  it('binding one member at a time keeps every clerk within one of the others', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 6 }),
        fc.array(fc.double({ min: 0, max: 0.999, noNaN: true }), { maxLength: 60 }),
        (clerks, draws) => {
          const loads = Array.from({ length: clerks }, (_, i) => clerk(`c${i}`, 0))
          for (const draw of draws) {
            const chosen = leastLoadedClerk(loads, () => draw)!
            chosen.memberCount += 1
          }
          const counts = loads.map((c) => c.memberCount)
          expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1)
          expect(counts.reduce((a, b) => a + b, 0)).toBe(draws.length)
        },
      ),
    )
  })
})
