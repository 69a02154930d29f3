import fc from 'fast-check'
import type { RedemptionStatus } from '../../../shared/gifts/documents'
import {
  canTransition,
  nextRedemptionActions,
  REDEMPTION_ACTIONS_BY,
  REDEMPTION_STATES,
  REDEMPTION_STATUS_LABELS,
  REDEMPTION_TRANSITIONS,
  statusesAllowing,
} from '../../../shared/gifts/lifecycle'
import type { Actor } from '../../../shared/platform/lifecycle'

const NOW = new Date('2026-03-02T08:00:00Z')
const ACTORS: Actor[] = ['member', 'clerk', 'hq-admin', 'analyst']

describe('the redemption lifecycle', () => {
  it('walks pickup and mail redemptions', () => {
    expect(REDEMPTION_TRANSITIONS.awaitingPickup.verifyPickup).toBe('collected')
    expect(REDEMPTION_TRANSITIONS.awaitingPayment.pay).toBe('awaitingShipment')
    expect(REDEMPTION_TRANSITIONS.awaitingShipment.ship).toBe('shipped')
    expect(canTransition({ status: 'awaitingShipment' }, 'cancel')).toBe(false)
    expect(statusesAllowing('revoke')).toEqual(['awaitingPickup'])
  })

  it('gives each caller its own actions', () => {
    const unpaid = { status: 'awaitingPayment' as const, payBy: new Date(NOW.getTime() + 60_000) }
    expect(nextRedemptionActions(unpaid, 'member', NOW)).toEqual(['pay', 'cancel'])
    expect(nextRedemptionActions(unpaid, 'hq-admin', NOW)).toEqual([])
    expect(nextRedemptionActions({ ...unpaid, payBy: NOW }, 'member', NOW)).toEqual([])
    expect(nextRedemptionActions({ status: 'awaitingShipment' }, 'hq-admin', NOW)).toEqual(['ship'])
    expect(nextRedemptionActions({ status: 'awaitingShipment' }, 'analyst', NOW)).toEqual([])
    expect(nextRedemptionActions({ status: 'awaitingPickup' }, 'clerk', NOW)).toEqual([
      'verifyPickup',
    ])
    expect(nextRedemptionActions({ status: 'awaitingPickup' }, 'member', NOW)).toEqual([])
    expect(nextRedemptionActions({ status: 'collected' }, 'clerk', NOW)).toEqual([])
  })

  it('never offers an action the table refuses; every status has one label', () => {
    fc.assert(
      fc.property(
        fc.constantFrom<RedemptionStatus>(...REDEMPTION_STATES),
        fc.constantFrom(...ACTORS),
        (status, actor) => {
          for (const action of nextRedemptionActions({ status }, actor, NOW)) {
            expect(canTransition({ status }, action)).toBe(true)
            expect(REDEMPTION_ACTIONS_BY[actor]).toContain(action)
          }
        },
      ),
    )
    for (const s of REDEMPTION_STATES) expect(REDEMPTION_STATUS_LABELS[s]).toMatch(/\S/)
    expect(new Set(Object.values(REDEMPTION_STATUS_LABELS)).size).toBe(REDEMPTION_STATES.length)
  })
})
