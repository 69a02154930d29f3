/**
 * Identifiers: random document ids and human-typable codes (no 0/O, 1/I).
 */
import { randomBytes } from 'node:crypto'

export function newDocId(): string {
  return randomBytes(16).toString('hex')
}

const INVITE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789'

export function randomCode(length: number): string {
  const bytes = randomBytes(length)
  return Array.from(bytes, (b) => INVITE_ALPHABET[b % INVITE_ALPHABET.length]).join('')
}
