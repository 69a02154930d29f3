/** A checkout attempt's order id (derived from the member and the app's requestId) and its cart. */
import { timeOfId } from '../../../shared/platform/ids'
import { orderIdForRequest, sameCart, type CartRequest } from '../../../shared/shop/rules/shop'

const cart = (over: Partial<CartRequest> = {}): CartRequest => ({
  fulfilment: 'pickup',
  locationId: 's1',
  items: [
    { productId: 'p-cream', qty: 2 },
    { productId: 'p-tea', qty: 1 },
  ],
  couponId: null,
  deliveryAddress: null,
  ...over,
})

describe('orderIdForRequest', () => {
  it('names one order per member and requestId, never a time-ordered id', () => {
    const id = orderIdForRequest('oShopperA', 'req_0123456789abcdef')
    expect(id).toBe(orderIdForRequest('oShopperA', 'req_0123456789abcdef'))
    expect(id).toMatch(/^o[0-9a-f]{31}$/)
    expect(id).not.toBe(orderIdForRequest('oShopperB', 'req_0123456789abcdef'))
    expect(id).not.toBe(orderIdForRequest('oShopperA', 'req_0123456789abcdeg'))
    // The repair reads no time into it (it keeps the hold's own time instead).
    expect(timeOfId(id)).toBeNull()
  })
})

describe('sameCart', () => {
  it('is the same cart in any line order, merged lines included', () => {
    expect(sameCart(cart(), cart({ items: [...cart().items].reverse() }))).toBe(true)
    expect(
      sameCart(
        cart(),
        cart({
          items: [
            { productId: 'p-cream', qty: 1 },
            { productId: 'p-tea', qty: 1 },
            { productId: 'p-cream', qty: 1 },
          ],
        }),
      ),
    ).toBe(true)
  })

  it('differs on a quantity, a line, the place, the coupon or the address', () => {
    expect(sameCart(cart(), cart({ items: [{ productId: 'p-cream', qty: 2 }] }))).toBe(false)
    expect(
      sameCart(
        cart(),
        cart({
          items: [
            { productId: 'p-cream', qty: 3 },
            { productId: 'p-tea', qty: 1 },
          ],
        }),
      ),
    ).toBe(false)
    expect(sameCart(cart(), cart({ locationId: 's2' }))).toBe(false)
    expect(sameCart(cart(), cart({ couponId: 'c1' }))).toBe(false)
    const home = { name: '林女士', phone: '13812345678', detail: '虹桥路 1 号' }
    const delivery = cart({ fulfilment: 'delivery', locationId: 'central', deliveryAddress: home })
    expect(sameCart(delivery, cart({ ...delivery, deliveryAddress: { ...home } }))).toBe(true)
    expect(
      sameCart(
        delivery,
        cart({ ...delivery, deliveryAddress: { ...home, detail: '虹桥路 2 号' } }),
      ),
    ).toBe(false)
  })
})
