/** membership: shapes of the stored documents. Dates are Date (UTC); money is integer fen; points integers. */

import type { PointsLedgerDoc, Tier } from '../points/documents'

export interface MemberDoc {
  _id: string
  /** Absent once the member deleted their account. */
  openid?: string
  unionid?: string
  /** 9 digits, printed in the member code. */
  memberNo: string
  phone?: string
  status: 'active' | 'deleted'
  tier: Tier
  points: number
  /** Attribution now (moves only by HQ transfer or, with a protection window, a later scan). */
  storeId: string
  clerkId: string
  attributedAt: Date
  /** Who opened the card: never changes. */
  openedStoreId: string
  openedClerkId: string
  joinedAt: Date
  lastPurchaseAt: Date | null
  /**
   * When the member's conversation was created. Written by that creation so it conflicts with an
   * HQ transfer's transaction (which writes the member too): the conversation starts with the
   * clerk the transfer left, or the transfer sees it and moves it. Absent until the first chat.
   */
  conversationAt?: Date
  tags: string[]
  /**
   * 'MM-DD', for birthday offers. The member sets it once (so it cannot be moved to collect a
   * birthday gift twice); only HQ corrects it afterwards, audited. Absent until set.
   */
  birthday?: string
  /**
   * Paid amount over the trailing 365 days, written with the tier on every purchase and refund
   * (and when a view finds the tier stale), so campaigns can segment by it. Absent: nothing paid.
   */
  trailingSpendFen?: number
  /**
   * What `trailingSpendFen` covers: the window ending at `asOf`, whose oldest counted purchase was
   * paid at `oldestPaidAt` (NO_PAYMENT, far future: none). While that purchase is still inside a later purchase's
   * window nothing has aged out, so the purchase adds to the stored figure without re-summing the
   * ledger. Absent (older members): the next purchase sums the ledger and writes it.
   */
  trailingWindow?: { asOf: Date; oldestPaidAt: Date }
  deletedAt?: Date
  /**
   * The points queue (shared/rules/points-ledger.ts): `points` = pointsCredited − pointsDebited.
   * Debits move `pointsDebited` by atomic conditional updates; credits go through transactions.
   */
  pointsCredited: number
  pointsDebited: number
  /** No later than the expiry of the oldest points remaining; spending waits while it is due. */
  nextExpiryAt: Date
  /** The latest expiry of any credit so far: later credits never expire before it. */
  latestExpiryAt: Date | null
  /** Bumped by every points transaction, so two of them on one member always serialise. */
  ledgerVersion?: number
  /**
   * Redemptions that took points but may not have written their ledger entry and redemption yet
   * (pushed in the same atomic update that takes the points, pulled once both are written).
   * An entry older than a few minutes belongs to an invocation that died: repairRedemptions
   * finishes or cancels it.
   */
  pendingSpends?: PendingSpend[]
  /** What the bind that created this card left to its follow-up (BindPending); absent once done. */
  bindPending?: BindPending
}

/**
 * A new card's bind answers as soon as the member document is written (first bind, at most six
 * round trips); the rest is this follow-up, finished exactly once by the `finishBinds` job or by
 * the member's own next call, whichever comes first (membership/bind-follow-up.ts):
 * the attribution log entry and the welcome points' ledger entry (inserted once by their unique
 * keys), then the clerk's member count (incremented in one transaction with removing this mark).
 */
export interface BindPending {
  at: Date
  /** The clerk the bind chose: the count goes to them even if the member moved meanwhile. */
  clerkId: string
  log: Omit<AttributionLogDoc, '_id'>
  welcome: Omit<PointsLedgerDoc, '_id'> | null
  /** The two entries are written (the count may still be due). */
  entriesDone?: boolean
}

export interface PendingSpend {
  redemptionId: string
  points: number
  stockId: string
  giftId: string
  giftName: string
  storeId: string | null
  at: Date
}

export type AttributionReason = 'bind' | 'transfer' | 'rescan'

export interface AttributionLogDoc {
  _id: string
  /** Idempotency key: `bind:<memberId>`, `transfer:<batchId>:<memberId>`, … */
  key: string
  memberId: string
  reason: AttributionReason
  fromStoreId: string | null
  fromClerkId: string | null
  toStoreId: string
  toClerkId: string
  actor: { kind: 'member' | 'admin' | 'system'; id: string }
  note?: string
  at: Date
}

export interface VisitDoc {
  _id: string
  memberId: string
  scene: string
  storeId: string
  clerkId: string | null
  at: Date
}

/**
 * What a deleted card leaves behind for its identity and its phone, so deleting and binding
 * again cannot farm the welcome bonus or move the once-only birthday. `_id` is a keyed hash
 * (HMAC with IDENTITY_HASH_SECRET) of `openid:<openid>`, `unionid:<unionid>` or `phone:<phone>`:
 * the identity and the phone themselves are not kept.
 */
export interface MemberTombstoneDoc {
  _id: string
  /** A card of this identity or phone already had its welcome bonus (its one chance). */
  welcomeGiven: boolean
  /** The birthday the card had set ('MM-DD'): a new card starts with it, locked. */
  birthday?: string
  deletedAt: Date
}

/** A monotonic counter (`_id` = its name, e.g. `memberNo`), advanced with atomic increments. */
export interface CounterDoc {
  _id: string
  value: number
}

/** A member code used for an offline sale: the unique `code` makes a scan book once. */
export interface MemberCodeUseDoc {
  _id: string
  code: string
  memberId: string
  saleId: string
  storeId: string
  at: Date
}
