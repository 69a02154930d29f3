/**
 * The dynamic member code shown on the card (QR and barcode) and scanned by a clerk at the till.
 *
 * 20 digits, so it fits a compact Code 128 barcode as well as a QR code:
 *   memberNo (9 digits) · window (2 digits: the minute counter mod 100) · sequence (1 digit) ·
 *   mac (8 digits)
 * The mac is an HMAC over memberNo, the full minute counter and the sequence. The sequence lets
 * the card show a fresh code within the same minute once a sale has used the current one (the
 * service picks the first sequence not used yet). A code verifies only in the
 * window it was issued for and the one after it (so a code shown at 12:00:59 still scans at
 * 12:01:10), never later: a screenshot from yesterday is refused. Recording a sale also consumes
 * the code (services keep the used codes), so the same scan cannot be booked twice.
 */
import { createHmac, timingSafeEqual } from 'node:crypto'

export const MEMBER_CODE_WINDOW_MS = 60_000
export const MEMBER_NO_DIGITS = 9

export type MemberCodeCheck =
  | { ok: true; memberNo: string; window: number }
  | { ok: false; reason: 'malformed' | 'expired' | 'forged' }

/** The minute counter a till code is issued in (the coupon code shares it). */
export function codeWindow(at: Date): number {
  return Math.floor(at.getTime() / MEMBER_CODE_WINDOW_MS)
}

/** A till code's 8-digit signature: an HMAC-SHA256 of `message` (the coupon code shares it). */
export function macDigits(secret: string, message: string): string {
  const digest = createHmac('sha256', secret).update(message).digest()
  // 8 decimal digits from the first 5 bytes (40 bits, so the modulo bias is negligible)
  return String(digest.readUIntBE(0, 5) % 100_000_000).padStart(8, '0')
}

function mac(memberNo: string, window: number, sequence: number, secret: string): string {
  return macDigits(secret, `${memberNo}:${window}:${sequence}`)
}

/** Codes per member per minute: after this many sales in one minute, the last one is shown again. */
export const MEMBER_CODE_SEQUENCES = 10

export function issueMemberCode(
  memberNo: string,
  at: Date,
  secret: string,
  sequence = 0,
): { code: string; expiresAt: Date } {
  if (!/^\d{9}$/.test(memberNo)) throw new Error(`member number must be 9 digits: ${memberNo}`)
  if (!Number.isInteger(sequence) || sequence < 0 || sequence >= MEMBER_CODE_SEQUENCES)
    throw new Error(`member code sequence must be 0-9: ${sequence}`)
  const window = codeWindow(at)
  const code = `${memberNo}${String(window % 100).padStart(2, '0')}${sequence}${mac(memberNo, window, sequence, secret)}`
  // Valid through the end of the next window.
  return { code, expiresAt: new Date((window + 2) * MEMBER_CODE_WINDOW_MS) }
}

export function verifyMemberCode(code: string, at: Date, secret: string): MemberCodeCheck {
  if (!/^\d{20}$/.test(code)) return { ok: false, reason: 'malformed' }
  const memberNo = code.slice(0, 9)
  const shortWindow = Number(code.slice(9, 11))
  const sequence = Number(code.slice(11, 12))
  const given = Buffer.from(code.slice(12))
  const now = codeWindow(at)
  for (const window of [now, now - 1]) {
    if (window % 100 !== shortWindow) continue
    const expected = Buffer.from(mac(memberNo, window, sequence, secret))
    if (timingSafeEqual(expected, given)) return { ok: true, memberNo, window }
    return { ok: false, reason: 'forged' }
  }
  return { ok: false, reason: 'expired' }
}
