/**
 * The coupon code (券码) a member shows at the till for one coupon: short-lived, signed and used
 * once, in the member code's style (membership/rules/member-code.ts), so the clerk's one scan
 * names both the member and the coupon.
 *
 * 22 digits (the member code has 20, so the till tells them apart by length):
 *   memberNo (9) · window (2: the minute counter mod 100) · sequence (1) · coupon ref (2) · mac (8)
 * The mac is an HMAC, with the member code's secret, over `coupon`, the member number, the coupon's
 * id, the full minute counter and the sequence: the domain prefix keeps a member code's mac from
 * ever verifying as a coupon code's. The coupon ref (two digits of a hash of the coupon's id) only
 * narrows which of the member's coupons the mac is checked against; the mac decides. A code
 * verifies in its window and the next (a code shown at 12:00:59 still scans at 12:01:10), never
 * later, and a sale consumes it (the used-codes unique index), so the sequence lets the page show
 * a fresh one within the same minute.
 */
import { createHash, timingSafeEqual } from 'node:crypto'
import {
  codeWindow,
  macDigits,
  MEMBER_CODE_SEQUENCES,
  MEMBER_CODE_WINDOW_MS,
} from '../../membership/rules/member-code'

export const COUPON_CODE_DIGITS = 22

export type CouponCodeRead =
  | { ok: true; memberNo: string; window: number; sequence: number; ref: string }
  | { ok: false; reason: 'malformed' | 'expired' }

/** Two digits naming the coupon among the member's (not secret; the mac is). */
export function couponRef(couponId: string): string {
  const digest = createHash('sha256').update(couponId).digest()
  return String(digest.readUInt16BE(0) % 100).padStart(2, '0')
}

function mac(
  memberNo: string,
  couponId: string,
  window: number,
  sequence: number,
  secret: string,
): string {
  return macDigits(secret, `coupon:${memberNo}:${couponId}:${window}:${sequence}`)
}

export function issueCouponCode(
  memberNo: string,
  couponId: string,
  at: Date,
  secret: string,
  sequence = 0,
): { code: string; expiresAt: Date } {
  if (!/^\d{9}$/.test(memberNo)) throw new Error(`member number must be 9 digits: ${memberNo}`)
  if (!Number.isInteger(sequence) || sequence < 0 || sequence >= MEMBER_CODE_SEQUENCES)
    throw new Error(`coupon code sequence must be 0-9: ${sequence}`)
  const window = codeWindow(at)
  const code =
    memberNo +
    String(window % 100).padStart(2, '0') +
    String(sequence) +
    couponRef(couponId) +
    mac(memberNo, couponId, window, sequence, secret)
  return { code, expiresAt: new Date((window + 2) * MEMBER_CODE_WINDOW_MS) }
}

export function isCouponCode(code: string): boolean {
  return new RegExp(`^\\d{${COUPON_CODE_DIGITS}}$`).test(code)
}

/** The code's member and window, if it is a coupon code of this minute or the last. */
export function readCouponCode(code: string, at: Date): CouponCodeRead {
  if (!isCouponCode(code)) return { ok: false, reason: 'malformed' }
  const now = codeWindow(at)
  const shortWindow = Number(code.slice(9, 11))
  const window = [now, now - 1].find((w) => w % 100 === shortWindow)
  if (window === undefined) return { ok: false, reason: 'expired' }
  return {
    ok: true,
    memberNo: code.slice(0, 9),
    window,
    sequence: Number(code.slice(11, 12)),
    ref: code.slice(12, 14),
  }
}

/**
 * Which of `couponIds` (the member's) the code was issued for; undefined when none: the code was
 * edited, forged, or names a coupon the member no longer holds.
 */
export function couponOfCode(
  code: string,
  read: Extract<CouponCodeRead, { ok: true }>,
  couponIds: readonly string[],
  secret: string,
): string | undefined {
  const given = Buffer.from(code.slice(14))
  return couponIds.find(
    (id) =>
      couponRef(id) === read.ref &&
      timingSafeEqual(
        Buffer.from(mac(read.memberNo, id, read.window, read.sequence, secret)),
        given,
      ),
  )
}
