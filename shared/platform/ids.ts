/**
 * Identifiers: random document ids, time-ordered ones, and human-typable codes (no 0/O, 1/I).
 */
import { randomBytes } from 'node:crypto'

export function newDocId(): string {
  return randomBytes(16).toString('hex')
}

/** Hex digits of the creation time at the start of a time-ordered id (milliseconds, to year 10889). */
const TIME_HEX = 12

/**
 * A document id that says when it was made: 12 hex digits of `now` in milliseconds, then 20
 * random ones (32 hex digits, like newDocId). Used where a repair job must tell, from nothing but
 * the id, whether the invocation that chose it can still be running (an order's stock holds and
 * coupon lock are keyed by the order's id before the order exists).
 */
export function newTimeOrderedId(now: Date): string {
  return now.getTime().toString(16).padStart(TIME_HEX, '0') + randomBytes(10).toString('hex')
}

/**
 * When a time-ordered id was made; null when it has not that shape. (A random 32-hex id reads as
 * some arbitrary time: only use this on ids known to be time-ordered.)
 */
export function timeOfId(id: string): Date | null {
  if (!/^[0-9a-f]{32}$/.test(id)) return null
  return new Date(parseInt(id.slice(0, TIME_HEX), 16))
}

const INVITE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789'

export function randomCode(length: number): string {
  const bytes = randomBytes(length)
  return Array.from(bytes, (b) => INVITE_ALPHABET[b % INVITE_ALPHABET.length]).join('')
}
