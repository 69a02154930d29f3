import fc from 'fast-check'
import type { OrderDoc } from '../../../shared/shop/documents'
import {
  canTransition,
  nextOrderActions,
  ORDER_ACTIONS,
  ORDER_ACTIONS_BY,
  ORDER_STATES,
  ORDER_STATUS_LABELS,
  ORDER_STORED_STATUS_LABELS,
  ORDER_TRANSITIONS,
  orderState,
  orderStatusLabel,
  type OrderState,
} from '../../../shared/shop/lifecycle'
import type { Actor } from '../../../shared/platform/lifecycle'

const NOW = new Date('2026-03-02T08:00:00Z')
const LATER = new Date(NOW.getTime() + 10 * 60_000)

type Facts = Pick<
  OrderDoc,
  'status' | 'fulfilment' | 'refundedFen' | 'totalFen' | 'cancelReason' | 'expiresAt'
>
const order = (over: Partial<Facts> = {}): Facts => ({
  status: 'paid',
  fulfilment: 'delivery',
  refundedFen: 0,
  totalFen: 5000,
  cancelReason: null,
  expiresAt: LATER,
  ...over,
})

const ACTORS: Actor[] = ['member', 'clerk', 'hq-admin', 'analyst']

const anyOrder = fc.record({
  status: fc.constantFrom<OrderDoc['status']>(
    'awaiting_payment',
    'paid',
    'cancelled',
    'picked_up',
    'refunded',
    'shipped',
    'delivered',
  ),
  fulfilment: fc.constantFrom<OrderDoc['fulfilment']>('pickup', 'delivery'),
  totalFen: fc.integer({ min: 1, max: 100_000 }),
  refundedFen: fc.integer({ min: 0, max: 100_000 }),
  cancelReason: fc.constantFrom<OrderDoc['cancelReason']>(
    null,
    'expired',
    'cancelled',
    'abandoned',
  ),
  expiresAt: fc.date({
    min: new Date('2026-03-01T00:00:00Z'),
    max: new Date('2026-03-03T00:00:00Z'),
  }),
})

describe('the order lifecycle', () => {
  it('walks a pickup order and a delivery order through their tables', () => {
    const pickup = ORDER_TRANSITIONS.pickup
    expect(pickup.awaiting_payment.pay).toBe('awaiting_pickup')
    expect(pickup.awaiting_pickup.verifyPickup).toBe('picked_up')
    expect(pickup.awaiting_pickup.ship).toBeUndefined()
    const delivery = ORDER_TRANSITIONS.delivery
    expect(delivery.awaiting_payment.pay).toBe('awaiting_shipment')
    expect(delivery.awaiting_shipment.ship).toBe('shipped')
    expect(delivery.shipped.confirmReceipt).toBe('delivered')
    expect(delivery.shipped.markDelivered).toBe('delivered')
    expect(delivery.awaiting_shipment.verifyPickup).toBeUndefined()
  })

  it('folds refunds and expiry into the state', () => {
    expect(orderState(order())).toBe('awaiting_shipment')
    expect(orderState(order({ fulfilment: 'pickup' }))).toBe('awaiting_pickup')
    expect(orderState(order({ status: 'shipped', refundedFen: 5000 }))).toBe('refunded')
    expect(orderState(order({ status: 'shipped', refundedFen: 1000 }))).toBe('shipped')
    expect(orderState(order({ status: 'cancelled', cancelReason: 'expired' }))).toBe('expired')
    expect(orderState(order({ status: 'cancelled', cancelReason: 'cancelled' }))).toBe('cancelled')
    // An order id the repair closed because its invocation died before writing it.
    expect(orderState(order({ status: 'cancelled', cancelReason: 'abandoned' }))).toBe('cancelled')
    expect(orderState(order({ status: 'refunded', fulfilment: 'pickup' }))).toBe('refunded')
  })

  it('offers nothing on a fully refunded shipped order, and labels it 已退款', () => {
    const refunded = order({ status: 'shipped', refundedFen: 5000 })
    expect(canTransition(refunded, 'markDelivered')).toBe(false)
    expect(canTransition(refunded, 'confirmReceipt')).toBe(false)
    expect(canTransition(refunded, 'ship')).toBe(false)
    for (const actor of ACTORS) expect(nextOrderActions(refunded, actor, NOW)).toEqual([])
    expect(orderStatusLabel(refunded)).toBe('已退款')
  })

  it('labels an order id closed without an order 已取消（下单未完成）, with nothing to do', () => {
    const abandoned = order({
      status: 'cancelled',
      cancelReason: 'abandoned',
      fulfilment: 'pickup',
    })
    expect(orderStatusLabel(abandoned)).toBe('已取消（下单未完成）')
    expect(orderStatusLabel(order({ status: 'cancelled', cancelReason: 'cancelled' }))).toBe(
      '已取消',
    )
    for (const actor of ACTORS) expect(nextOrderActions(abandoned, actor, NOW)).toEqual([])
  })

  it('gives each caller its own actions, and an analyst none', () => {
    const shipped = order({ status: 'shipped', refundedFen: 1000 })
    expect(nextOrderActions(shipped, 'hq-admin', NOW)).toEqual(['markDelivered', 'refund'])
    expect(nextOrderActions(shipped, 'member', NOW)).toEqual(['confirmReceipt'])
    expect(nextOrderActions(shipped, 'clerk', NOW)).toEqual([])
    expect(nextOrderActions(shipped, 'analyst', NOW)).toEqual([])
    expect(orderStatusLabel(shipped)).toBe('待收货（部分退款）')
    expect(nextOrderActions(order(), 'hq-admin', NOW)).toEqual(['ship', 'refund'])
    const atCounter = order({ fulfilment: 'pickup' })
    expect(nextOrderActions(atCounter, 'clerk', NOW)).toEqual(['verifyPickup'])
    expect(nextOrderActions(atCounter, 'hq-admin', NOW)).toEqual(['refund'])
  })

  it('lets the member pay or cancel an unpaid order only within its window', () => {
    const unpaid = order({ status: 'awaiting_payment' })
    expect(nextOrderActions(unpaid, 'member', NOW)).toEqual(['pay', 'cancel'])
    expect(nextOrderActions(unpaid, 'member', LATER)).toEqual([])
    expect(nextOrderActions(unpaid, 'hq-admin', NOW)).toEqual([])
  })

  it('never offers an action the table refuses, nor one outside the caller’s role', () => {
    fc.assert(
      fc.property(anyOrder, fc.constantFrom(...ACTORS), (o, actor) => {
        for (const action of nextOrderActions(o, actor, NOW)) {
          expect(canTransition(o, action)).toBe(true)
          expect(ORDER_ACTIONS_BY[actor]).toContain(action)
        }
        expect(nextOrderActions(o, 'analyst', NOW)).toEqual([])
      }),
    )
  })

  it('labels every state and every reachable order, one label each', () => {
    for (const state of ORDER_STATES) expect(ORDER_STATUS_LABELS[state]).toMatch(/\S/)
    expect(new Set(Object.values(ORDER_STATUS_LABELS)).size).toBe(ORDER_STATES.length)
    fc.assert(
      fc.property(anyOrder, (o) => {
        expect(ORDER_STATES).toContain(orderState(o))
        expect(orderStatusLabel(o).startsWith(ORDER_STATUS_LABELS[orderState(o)])).toBe(true)
      }),
    )
    for (const label of Object.values(ORDER_STORED_STATUS_LABELS)) expect(label).toMatch(/\S/)
  })

  it('keeps each table closed: every target is a state, and terminal states go nowhere', () => {
    for (const table of Object.values(ORDER_TRANSITIONS)) {
      for (const from of ORDER_STATES)
        for (const to of Object.values(table[from])) expect(ORDER_STATES).toContain(to)
      for (const terminal of ['cancelled', 'expired', 'refunded'] as OrderState[])
        expect(table[terminal]).toEqual({})
    }
    for (const actions of Object.values(ORDER_ACTIONS_BY))
      for (const a of actions) expect(ORDER_ACTIONS).toContain(a)
  })
})
