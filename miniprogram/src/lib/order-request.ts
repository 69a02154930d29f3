/**
 * The requestId of a checkout attempt (shop.createOrder): the server derives the order's id from
 * it and the member, so sending the same submit again (a timeout, a lost answer, a double tap)
 * finds the order it may already have made instead of making a second one and holding the stock
 * twice. One attempt is one cart: the same cart sent again keeps the id until an answer comes
 * back that sending it again cannot change (the order, or a refusal); a changed cart is a new
 * attempt with a new id.
 */
export class CheckoutAttempt {
  private current: { cart: string; requestId: string } | null = null

  /** The requestId to send `cart` with now. */
  requestIdFor(cart: object): string {
    const key = JSON.stringify(cart)
    if (this.current?.cart !== key) this.current = { cart: key, requestId: newOrderRequestId() }
    return this.current.requestId
  }

  /** An answer came (the order, or a refusal): the next submit is a new attempt. */
  answered(): void {
    this.current = null
  }
}

/** 16–64 of [A-Za-z0-9_-] as the contract asks: the time in base 36, then random digits. */
export function newOrderRequestId(): string {
  const random = Array.from({ length: 3 }, () =>
    Math.random().toString(36).slice(2, 10).padEnd(8, '0'),
  ).join('')
  return `co${Date.now().toString(36)}${random}`
}
