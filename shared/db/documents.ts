/** Shapes of the stored documents. Dates are Date (UTC); money is integer fen; points integers. */

export type Tier = 'standard' | 'silver' | 'gold'

export interface StoreDoc {
  _id: string
  /** Short code used in the store's mini-program scene (1-12 letters/digits). */
  code: string
  name: string
  address: string
  location?: { lat: number; lng: number }
  status: 'active' | 'closed'
  createdAt: Date
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
  /** Members currently attributed to this clerk; kept by atomic increments. */
  memberCount: number
  createdAt: Date
  disabledAt?: Date
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
}

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
  tags: string[]
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

export type PointsCreditKind = 'welcome' | 'earn' | 'adjust' | 'return'
export type PointsDebitKind = 'spend' | 'expire' | 'refund' | 'adjust'

/**
 * Append-only. `points` is signed: credits positive, debits negative (an earn of 0 points is
 * kept for the paid amount it records). `start`/`end` place the entry on the member's points line
 * (shared/rules/points-ledger.ts); what a credit has left is derived from the member's
 * `pointsDebited`, never stored.
 */
export interface PointsLedgerDoc {
  _id: string
  /** Idempotency key, unique: `member:<id>:welcome`, `order:<id>:earn`, `redemption:<id>:spend`, … */
  key: string
  memberId: string
  kind: PointsCreditKind | PointsDebitKind
  points: number
  /**
   * Written as `points` by the welcome bonus at bind (true at that moment) and by nothing else;
   * the live figure is remainingOf(entry, member.pointsDebited).
   */
  remaining?: number
  start?: number
  end?: number
  /** Credits: when what is left of them expires. */
  expiresAt?: Date
  /** Purchases (earn) and refunds: the order, for the tier's trailing paid amount. */
  order?: { orderId: string; paidFen?: number; paidAt: Date; refundId?: string; refundFen?: number }
  /** Refund take-backs the balance could not cover. */
  shortfall?: number
  source?: Record<string, unknown>
  at: Date
}

export type GiftFulfilment = 'pickup' | 'mail'

export interface GiftDoc {
  _id: string
  name: string
  description: string
  pointsPrice: number
  /** cloud:// file ids or https URLs; the first is the cover. */
  images: string[]
  fulfilments: GiftFulfilment[]
  /** Mail only: the shipping fee the member pays with WeChat Pay. */
  shippingFeeFen: number
  status: 'active' | 'inactive'
  /** Catalog order, ascending. */
  sort: number
  createdAt: Date
  updatedAt: Date
}

/**
 * Stock of one gift at one place: `<giftId>_<storeId>` for pickup at a store, `<giftId>_central`
 * for mail. Name, price and status are copied from the gift so a redemption reads and takes
 * stock in one conditional update; HQ's gift edits rewrite the copies.
 */
export interface GiftStockDoc {
  _id: string
  giftId: string
  /** null for the central warehouse. */
  storeId: string | null
  available: number
  giftName: string
  pointsPrice: number
  active: boolean
  updatedAt: Date
}

export type RedemptionStatus =
  | 'awaitingPickup'
  | 'collected'
  | 'awaitingPayment'
  | 'awaitingShipment'
  | 'shipped'
  | 'cancelled'

export interface RedemptionDoc {
  _id: string
  memberId: string
  giftId: string
  giftName: string
  points: number
  fulfilment: GiftFulfilment
  stockId: string
  /** Pickup: the chosen store. */
  storeId: string | null
  status: RedemptionStatus
  /** Pickup: what the member shows (as text and QR); unique. */
  pickupCode?: string
  /** Mail: where to send it, and the shipping fee order (WeChat Pay). */
  address?: { name: string; phone: string; region: string; detail: string }
  shippingFeeFen?: number
  outTradeNo?: string
  payBy?: Date
  createdAt: Date
  collectedAt?: Date
  collectedBy?: { clerkId: string; name: string }
  cancelledAt?: Date
  cancelReason?: string
}
