/**
 * Attribution: "whoever brings the customer benefits". Pure decisions; the member service applies them.
 *
 * - First touch wins and is permanent by default: the code that binds a member attributes them;
 *   later scans of any code are only visits.
 * - HQ may instead set a protection window of N days: a scan after the window re-attributes to
 *   the scanned code's clerk (the clerk who opened the card is kept apart and never changes).
 * - A store's code assigns the store's active clerk with the fewest members (ties: the earliest
 *   created, so the choice is deterministic).
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
}

export function leastLoadedClerk(clerks: readonly ClerkLoad[]): ClerkLoad | null {
  let best: ClerkLoad | null = null
  for (const clerk of clerks) {
    if (clerk.status !== 'active') continue
    if (
      best === null ||
      clerk.memberCount < best.memberCount ||
      (clerk.memberCount === best.memberCount &&
        clerk.createdAt.getTime() < best.createdAt.getTime())
    ) {
      best = clerk
    }
  }
  return best
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
