/**
 * Pickup codes: 10 random digits, shown as text and encoded as is in the QR the member shows, so
 * scanning and typing give the clerk the same string. Unguessable enough for a counter (10^10
 * codes, checked only by clerks of the redemption's store); the unique index on
 * `redemptions.pickupCode` settles the rare collision, after which the caller draws again.
 */
import { randomInt } from 'node:crypto'

export const PICKUP_CODE_LENGTH = 10

export function newPickupCode(): string {
  let code = ''
  for (let i = 0; i < PICKUP_CODE_LENGTH; i++) code += String(randomInt(10))
  return code
}

/** What a clerk typed or scanned, without the spaces and dashes people add when reading it out. */
export function normalisePickupCode(input: string): string {
  return input.replace(/[\s-]/g, '')
}

/** `1234 5678 90` for display. */
export function formatPickupCode(code: string): string {
  return code.replace(/^(\d{4})(\d{4})(\d+)$/, '$1 $2 $3')
}
