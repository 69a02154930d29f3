/**
 * Time-ordered ids (platform/ids.ts): the order repair tells a hold's age from its order's id
 * alone, so the time must read back exactly and the ids must stay unique and shaped like
 * document ids.
 */
import fc from 'fast-check'
import { newDocId, newTimeOrderedId, timeOfId } from '../../../shared/platform/ids'
import { docId } from '../../../shared/platform/contract/common'

describe('time-ordered ids', () => {
  it('read back the millisecond they were made, for any time from 1970 to 9999', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 253_402_300_799_999 }), (ms) => {
        const id = newTimeOrderedId(new Date(ms))
        expect(id).toMatch(/^[0-9a-f]{32}$/)
        expect(timeOfId(id)!.getTime()).toBe(ms)
      }),
    )
  })

  it('sort by time as text, are distinct within one millisecond and pass the id schema', () => {
    const now = new Date('2026-12-03T08:00:00.000Z')
    const later = new Date(now.getTime() + 1)
    expect(newTimeOrderedId(now) < newTimeOrderedId(later)).toBe(true)
    const ids = new Set(Array.from({ length: 1000 }, () => newTimeOrderedId(now)))
    expect(ids.size).toBe(1000)
    expect(docId.safeParse(newTimeOrderedId(now)).success).toBe(true)
  })

  it('say nothing for an id of another shape', () => {
    expect(timeOfId('orderNo:20261203')).toBeNull()
    expect(timeOfId('ABC')).toBeNull()
    expect(timeOfId(newDocId())).not.toBeNull() // the same shape: only use it on time-ordered ids
  })
})
