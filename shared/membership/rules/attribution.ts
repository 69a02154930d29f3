/**
 * Attribution: "whoever brings the customer benefits". Pure decisions; the member service applies them.
 *
 * - First touch wins and is permanent by default: the code that binds a member attributes them;
 *   later scans of any code are only visits.
 * - HQ may instead set a protection window of N days: a scan after the window re-attributes to
 *   the scanned code's clerk (the clerk who opened the card is kept apart and never changes).
 * - A store's code assigns the store's active clerk with the fewest members; a manager only when
 *   the store has no clerk. Ties are broken at random: binds arriving together then spread over
 *   the tied clerks instead of all writing the same clerk's count (a hot document).
 */

export interface AttributionPolicy {
  /** null = permanent first touch; otherwise days after which a new scan re-attributes. */
  protectionDays: number | null
}

export const DEFAULT_ATTRIBUTION_POLICY: AttributionPolicy = { protectionDays: null }

export interface ClerkLoad {
  clerkId: string
  memberCount: number
  createdAt: Date
  status: string
  /** Store managers look after the store; a store code gives them members only when no clerk works there. */
  isManager?: boolean
}

/**
 * The clerk a store code assigns: among active clerks (managers only if there is no clerk), one
 * with the fewest members, chosen at random among equals.
 *
 * Why the spread stays within one under concurrent binds: a bind increments the chosen clerk's
 * count in its transaction, which fails if that count changed after the bind read it. Counts only
 * grow while members bind, so a clerk that was least loaded in the bind's snapshot and is still
 * unchanged at its commit is still least loaded then.
 */
export function leastLoadedClerk(
  clerks: readonly ClerkLoad[],
  random: () => number = Math.random,
): ClerkLoad | null {
  const active = clerks.filter((clerk) => clerk.status === 'active')
  const staff = active.some((clerk) => !clerk.isManager)
    ? active.filter((clerk) => !clerk.isManager)
    : active
  if (staff.length === 0) return null
  const fewest = Math.min(...staff.map((clerk) => clerk.memberCount))
  const tied = staff.filter((clerk) => clerk.memberCount === fewest)
  return tied[Math.min(tied.length - 1, Math.floor(random() * tied.length))]!
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
