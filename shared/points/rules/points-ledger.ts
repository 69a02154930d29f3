/**
 * The points ledger as a queue on one number line, so spending oldest-first needs no per-batch
 * bookkeeping.
 *
 * Every credit (welcome, earn, positive adjustment, returned points) is appended to the member's
 * queue and occupies the span [start, end) of the line; `credited` is where the next one starts.
 * Every debit (spend, expiry, refund take-back, negative adjustment) occupies [start, end) of the
 * same line from 0 upwards; `debited` is where the next one starts. So:
 *
 *   balance = credited − debited (never negative: debited ≤ credited)
 *   a credit's remaining = its part of the line beyond `debited` = clamp(end − debited, 0, points)
 *   a debit consumed exactly the credits whose spans overlap its own (oldest first, by construction)
 *
 * A debit therefore changes one number on the member (`debited`) and records its span; which
 * batches it consumed is derived when someone asks, never written batch by batch.
 *
 * Expiry stays exact because credits are queued in expiry order: a credit expires no earlier than
 * any credit before it (`latestExpiryAt` is the high-water mark; a credit that the rules would let
 * expire earlier gets the mark instead). The credits that have expired are then a prefix of the
 * queue, and expiring them is one more debit up to the end of that prefix.
 */

/** Far future: the member has no unexpired points, so nothing can come due. */
export const NO_EXPIRY = new Date(Date.UTC(9999, 11, 31))

export interface PointsAccount {
  points: number
  credited: number
  debited: number
  /**
   * No later than the expiry of the oldest credit with points remaining (a lower bound that may
   * be stale-early after spending, never late). Spending waits while it is due.
   */
  nextExpiryAt: Date
  /** The latest expiry of any credit so far (the queue's expiry order high-water mark). */
  latestExpiryAt: Date | null
}

export interface Span {
  start: number
  end: number
}

export interface CreditSpan extends Span {
  points: number
  expiresAt: Date
}

export function emptyAccount(): PointsAccount {
  return { points: 0, credited: 0, debited: 0, nextExpiryAt: NO_EXPIRY, latestExpiryAt: null }
}

export function remainingOf(credit: Span, debited: number): number {
  return Math.max(0, Math.min(credit.end - credit.start, credit.end - debited))
}

export function isExpiryDue(account: Pick<PointsAccount, 'nextExpiryAt'>, now: Date): boolean {
  return account.nextExpiryAt.getTime() <= now.getTime()
}

export interface CreditPlan {
  span: CreditSpan
  account: PointsAccount
}

/** Appends `points` (> 0) whose rules-given expiry is `expiresAt`. */
export function planCredit(account: PointsAccount, points: number, expiresAt: Date): CreditPlan {
  if (!Number.isInteger(points) || points <= 0)
    throw new Error(`a credit needs a positive whole number of points, got ${points}`)
  const latest = account.latestExpiryAt
  const queuedExpiry = latest && latest.getTime() > expiresAt.getTime() ? latest : expiresAt
  const span: CreditSpan = {
    start: account.credited,
    end: account.credited + points,
    points,
    expiresAt: queuedExpiry,
  }
  // With nothing left in the queue this credit is the oldest one remaining; otherwise an older
  // credit with points left expires no later than this one, so the bound stays as it is.
  const nextExpiryAt =
    account.points === 0 ? queuedExpiry : minDate(account.nextExpiryAt, queuedExpiry)
  return {
    span,
    account: {
      points: account.points + points,
      credited: span.end,
      debited: account.debited,
      nextExpiryAt,
      latestExpiryAt: queuedExpiry,
    },
  }
}

export type DebitPlan =
  | { ok: true; span: Span; account: PointsAccount }
  | { ok: false; reason: 'insufficient' | 'expiry-due' }

/**
 * Takes `points` (> 0) from the front of the queue. Refused when the balance is short, or when
 * some points have come due and have not been expired yet (they must not be spent).
 */
export function planDebit(account: PointsAccount, points: number, now: Date): DebitPlan {
  if (!Number.isInteger(points) || points <= 0)
    throw new Error(`a debit needs a positive whole number of points, got ${points}`)
  if (isExpiryDue(account, now)) return { ok: false, reason: 'expiry-due' }
  if (account.points < points) return { ok: false, reason: 'insufficient' }
  const span = { start: account.debited, end: account.debited + points }
  return {
    ok: true,
    span,
    account: { ...account, points: account.points - points, debited: span.end },
  }
}

export interface ExpiryPlan {
  /** Points that expire now (0 when everything due had been spent already). */
  points: number
  span: Span
  account: PointsAccount
}

/**
 * Expires what has come due. `open` are the credits with points remaining (end > debited), in
 * queue order, as far as the caller read them; `complete` says whether that is all of them. If
 * the page ends while credits are still due, the plan expires what it saw and leaves the account
 * due, so the next run carries on from there.
 */
export function planExpiry(
  account: PointsAccount,
  open: readonly CreditSpan[],
  complete: boolean,
  now: Date,
): ExpiryPlan {
  let through = account.debited
  let next: Date | null = null
  for (const credit of open) {
    if (credit.end <= account.debited) continue
    if (credit.expiresAt.getTime() <= now.getTime()) through = Math.max(through, credit.end)
    else {
      next = credit.expiresAt
      break
    }
  }
  const points = through - account.debited
  const lastSeen = open.at(-1)
  const nextExpiryAt =
    next ?? (complete ? NO_EXPIRY : (lastSeen?.expiresAt ?? account.nextExpiryAt))
  return {
    points,
    span: { start: account.debited, end: through },
    account: { ...account, points: account.points - points, debited: through, nextExpiryAt },
  }
}

/** The oldest credits with points remaining that share the earliest expiry: the next to expire. */
export function nextExpiringBatch(
  open: readonly CreditSpan[],
  debited: number,
): { points: number; expiresAt: Date } | null {
  let first: Date | null = null
  let points = 0
  for (const credit of open) {
    const remaining = remainingOf(credit, debited)
    if (remaining === 0) continue
    if (first === null) first = credit.expiresAt
    if (credit.expiresAt.getTime() !== first.getTime()) break
    points += remaining
  }
  return first === null ? null : { points, expiresAt: first }
}

function minDate(a: Date, b: Date): Date {
  return a.getTime() <= b.getTime() ? a : b
}

/**
 * Where on the points line a debit of `length` that lost its ledger entry sat: the first stretch
 * of [0, debited) no recorded debit covers that is exactly that long. (Two lost debits of the
 * same length are interchangeable: either assignment consumes the same credits.) Null when
 * there is no such stretch.
 */
export function findDebitGap(
  recorded: readonly Span[],
  debited: number,
  length: number,
): Span | null {
  const sorted = [...recorded].sort((a, b) => a.start - b.start)
  let cursor = 0
  for (const span of [...sorted, { start: debited, end: debited }]) {
    if (span.start > cursor && span.start - cursor === length)
      return { start: cursor, end: span.start }
    cursor = Math.max(cursor, span.end)
  }
  return null
}
