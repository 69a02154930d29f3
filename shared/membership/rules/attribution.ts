/**
 * Attribution: "whoever brings the customer benefits". Pure decisions; the member service applies them.
 *
 * - First touch wins and is permanent by default: the code that binds a member attributes them;
 *   later scans of any code are only visits.
 * - HQ may instead set a protection window of N days: a scan after the window re-attributes to
 *   the scanned code's clerk (the clerk who opened the card is kept apart and never changes).
 * - A store's code assigns the store's active clerks in turn (a manager only when the store has
 *   no clerk): the store's bind sequence, one atomic increment per bind, picks the clerk.
 */

export interface AttributionPolicy {
  /** null = permanent first touch; otherwise days after which a new scan re-attributes. */
  protectionDays: number | null
}

export const DEFAULT_ATTRIBUTION_POLICY: AttributionPolicy = { protectionDays: null }

export interface RosterClerk {
  clerkId: string
  createdAt: Date
  status: string
  /** Store managers look after the store; a store code gives them members only when no clerk works there. */
  isManager?: boolean
}

/**
 * The clerks a store code takes turns over, in turn order: the active clerks (the active managers
 * only if there is no clerk), oldest first, then by id.
 */
export function storeRoster<T extends RosterClerk>(clerks: readonly T[]): T[] {
  const active = clerks.filter((clerk) => clerk.status === 'active')
  const staff = active.some((clerk) => !clerk.isManager)
    ? active.filter((clerk) => !clerk.isManager)
    : active
  return [...staff].sort(
    (a, b) =>
      a.createdAt.getTime() - b.createdAt.getTime() ||
      (a.clerkId < b.clerkId ? -1 : a.clerkId > b.clerkId ? 1 : 0),
  )
}

/**
 * The clerk a store code assigns to the bind holding turn `seq` (1, 2, 3, ... from the store's
 * `bindSeq`): round robin over the roster.
 *
 * Why the spread stays within one however many bind at once: every store-code bind takes a
 * distinct consecutive number from one atomic increment, so over any run of binds with one roster
 * each clerk gets every n-th number; no bind reads another's choice, so nothing conflicts or
 * retries. (Members bound through a clerk's own code, transfers and deletions are not turns: they
 * move that clerk's count without moving the turn.)
 */
export function clerkInTurn<T extends RosterClerk>(roster: readonly T[], seq: number): T | null {
  if (roster.length === 0) return null
  const index = (((seq - 1) % roster.length) + roster.length) % roster.length
  return roster[index]!
}

export type ScanDecision = { kind: 'visit' } | { kind: 'reattribute' }

/** What a scan by an existing member means. */
export function decideScan(
  member: { clerkId: string; attributedAt: Date },
  scannedClerkId: string | null,
  policy: AttributionPolicy,
  now: Date,
): ScanDecision {
  if (policy.protectionDays === null) return { kind: 'visit' }
  if (scannedClerkId === null || scannedClerkId === member.clerkId) return { kind: 'visit' }
  const protectedUntil = member.attributedAt.getTime() + policy.protectionDays * 86_400_000
  return now.getTime() >= protectedUntil ? { kind: 'reattribute' } : { kind: 'visit' }
}
