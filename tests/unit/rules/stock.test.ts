/** A stocktake sets the shelf count; the holds of unpaid orders stay, and nothing goes below them. */
import fc from 'fast-check'
import { afterSet, onHand } from '../../../shared/shop/rules/stock'

describe('afterSet', () => {
  it('keeps the holds and makes the rest orderable', () => {
    expect(afterSet({ available: 7, reserved: 3 }, 12)).toEqual({ available: 9, reserved: 3 })
    expect(afterSet({ available: 0, reserved: 3 }, 3)).toEqual({ available: 0, reserved: 3 })
  })

  it('refuses a count below what open orders hold', () => {
    expect(afterSet({ available: 5, reserved: 4 }, 3)).toBeNull()
  })

  it('for any row and count: the shelf is the count, never a negative orderable', () => {
    fc.assert(
      fc.property(fc.nat(1000), fc.nat(1000), fc.nat(2000), (available, reserved, quantity) => {
        const next = afterSet({ available, reserved }, quantity)
        if (quantity < reserved) return next === null
        return (
          next !== null &&
          onHand(next) === quantity &&
          next.available >= 0 &&
          next.reserved === reserved
        )
      }),
    )
  })
})
