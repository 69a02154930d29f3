/** A store code's clerk: the active clerks in turn, managers only when no clerk works there. */
import fc from 'fast-check'
import {
  clerkInTurn,
  storeRoster,
  type RosterClerk,
} from '../../../shared/membership/rules/attribution'

const clerk = (id: string, extra: Partial<RosterClerk> = {}): RosterClerk => ({
  clerkId: id,
  createdAt: new Date('2026-01-01T00:00:00Z'),
  status: 'active',
  ...extra,
})

describe('storeRoster and clerkInTurn', () => {
  it('gives the member to a clerk before a manager, and to a manager when no clerk works there', () => {
    const manager = clerk('m', { isManager: true })
    expect(storeRoster([manager, clerk('a')]).map((c) => c.clerkId)).toEqual(['a'])
    expect(
      storeRoster([manager, clerk('a', { status: 'disabled' })]).map((c) => c.clerkId),
    ).toEqual(['m'])
    expect(clerkInTurn(storeRoster([clerk('a', { status: 'disabled' })]), 1)).toBeNull()
  })

  it('takes turns oldest clerk first, whatever order the clerks were read in', () => {
    const later = clerk('a', { createdAt: new Date('2026-02-01T00:00:00Z') })
    const roster = storeRoster([later, clerk('c'), clerk('b')])
    expect([1, 2, 3, 4].map((seq) => clerkInTurn(roster, seq)?.clerkId)).toEqual([
      'b',
      'c',
      'a',
      'b',
    ])
  })

  it('any run of consecutive turns, in any order of arrival, keeps every clerk within one of the others', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 10_000 }),
        fc.integer({ min: 0, max: 200 }),
        (clerks, firstSeq, binds) => {
          const roster = storeRoster(Array.from({ length: clerks }, (_, i) => clerk(`c${i}`)))
          const counts = new Map(roster.map((c) => [c.clerkId, 0]))
          // Concurrent binds finish in any order; each holds its own number from the increment.
          for (let seq = firstSeq; seq < firstSeq + binds; seq++) {
            const chosen = clerkInTurn(roster, seq)!
            counts.set(chosen.clerkId, counts.get(chosen.clerkId)! + 1)
          }
          const values = [...counts.values()]
          expect(Math.max(...values) - Math.min(...values)).toBeLessThanOrEqual(1)
          expect(values.reduce((a, b) => a + b, 0)).toBe(binds)
        },
      ),
    )
  })
})
