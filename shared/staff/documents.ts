/** staff: shapes of the stored documents. Dates are Date (UTC); money is integer fen; points integers. */

export interface StoreDoc {
  _id: string
  /** Short code used in the store's mini-program scene (1-12 letters/digits). */
  code: string
  name: string
  address: string
  location?: { lat: number; lng: number }
  /** Opening hours as shoppers read them ("10:00–22:00"); absent until HQ sets them. */
  hours?: string
  /**
   * A closed store takes no new members, orders, pickups or clerks; it is closed only once it has
   * no active clerk and nothing waiting to be picked up there (flows/store-closing.ts). Its
   * members keep it as their store (history and commission stay where they were earned).
   */
  status: 'active' | 'closed'
  createdAt: Date
  updatedAt?: Date
  closedAt?: Date
  closedReason?: string
  closedBy?: string
  /**
   * Store-code binds so far: each takes the next number with one atomic increment, and the
   * number picks the clerk in turn (membership/rules/attribution.ts). Absent: none yet.
   */
  bindSeq?: number
  /**
   * Bumped whenever the store's roster changes (a clerk joins, is disabled): an instance whose
   * staff directory holds an older roster reads it again before choosing. Absent: 0.
   */
  rosterVersion?: number
}

export interface ClerkDoc {
  _id: string
  code: string
  storeId: string
  name: string
  /** Absent until the clerk opens their staff invite. */
  openid?: string
  isManager: boolean
  status: 'active' | 'disabled'
  /**
   * Members currently attributed to this clerk. A bind adds its member later, with the bind's
   * follow-up (finishBinds, in one transaction with the member's pending mark); transfers and
   * deletions change it in their own transactions.
   */
  memberCount: number
  createdAt: Date
  disabledAt?: Date
  disabledReason?: string
  /** When HQ last re-enabled the clerk, or moved them to another store. */
  enabledAt?: Date
  movedAt?: Date
}

export interface StaffInviteDoc {
  _id: string
  /** Random, unguessable; signed into the invite's scene. */
  code: string
  /** The code the new clerk's own mini-program code will carry. */
  clerkCode: string
  storeId: string
  name: string
  isManager: boolean
  expiresAt: Date
  createdAt: Date
  createdBy: string
  usedAt?: Date
  usedByOpenid?: string
  clerkId?: string
  /** HQ withdrew the invite before anyone opened it; it never binds afterwards. */
  revokedAt?: Date
  revokedBy?: string
}
