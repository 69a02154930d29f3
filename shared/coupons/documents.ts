/** coupons: shapes of the stored documents. Dates are Date (UTC); money is integer fen. */
import type { Tier } from '../points/documents'

/** 减 `valueFen` at `minSpendFen`; a rate (`rateBp` 8500 = 8.5 折) capped at `maxOffFen`; a gift at the counter. */
export type CouponKind = 'amountOff' | 'discount' | 'gift'

export type CouponChannel = 'online' | 'offline'

/**
 * When a coupon may be used: fixed Asia/Shanghai days (`2026-12-01` … `2026-12-31`, both whole
 * days), or `validDays` days from receipt counting the day received (7: received on the 3rd,
 * usable through the end of the 9th, Asia/Shanghai).
 */
export type CouponValidity =
  { kind: 'fixed'; validFrom: string; validUntil: string } | { kind: 'relative'; validDays: number }

/**
 * What a coupon can do. Copied onto each coupon when it is issued, so a later edit of the template
 * changes no coupon a member already holds (only the coupons issued after it).
 */
export interface CouponTermsDoc {
  name: string
  kind: CouponKind
  /** amountOff: the amount taken off. */
  valueFen: number | null
  /** discount: what is paid, in basis points of the price (8500 = 8.5 折). */
  rateBp: number | null
  /** discount: at most this much off (null: no cap). */
  maxOffFen: number | null
  /** The eligible lines must add up to at least this (0: no minimum). */
  minSpendFen: number
  /** gift: what the clerk hands over. */
  giftName: string | null
  channels: CouponChannel[]
  /** Only at these stores (null: every store; a delivery order has no store). */
  storeIds: string[] | null
  /** Only on these products (null: every product); the minimum and the discount count only these lines. */
  productIds: string[] | null
}

export type CouponTemplateStatus = 'active' | 'paused'

export interface CouponTemplateDoc extends CouponTermsDoc {
  _id: string
  /** A short text for the member (rules are shown from the terms themselves). */
  description: string
  validity: CouponValidity
  /** How many may ever be issued, over every channel (null: no limit). */
  totalQuantity: number | null
  perMemberLimit: number
  /** Only members of these tiers receive it (null: everyone). */
  tiers: Tier[] | null
  /** A paused template issues nothing more; its coupons already held stay usable. */
  status: CouponTemplateStatus
  /** Shown in the mini-program's coupon centre (members claim it there). */
  inCentre: boolean
  /** Given to every member on their first bind. */
  onBind: boolean
  /**
   * The claim counter: coupons issued so far. Advanced only by the conditional update that also
   * requires `issued < totalQuantity`, so it never passes the total (coupon-service.ts).
   */
  issued: number
  /**
   * Issuances that took a unit of `issued` and have not yet inserted their coupon: written in the
   * same conditional update as the unit, removed when the coupon exists (or the unit is given
   * back). An entry older than a minute belongs to an invocation that died; repairCouponIssues
   * finishes it, so every counted unit ends as exactly one coupon or is given back.
   */
  pendingIssues: PendingIssueDoc[]
  createdAt: Date
  updatedAt: Date
  createdBy: string
}

/**
 * One of a member's slots of a template (`_id` = `<templateId>:<memberId>:<slot>`, slot 1 …
 * perMemberLimit): inserted before a unit of the template is taken, so a member never holds more
 * than the limit however many of their claims race (the `_id` is taken once).
 */
export interface CouponClaimDoc {
  _id: string
  templateId: string
  memberId: string
  slot: number
  couponId: string
  at: Date
}

/** One issuance in flight (see CouponTemplateDoc.pendingIssues): all the coupon needs. */
export interface PendingIssueDoc {
  couponId: string
  memberId: string
  memberNo: string
  slot: number
  source: CouponSourceDoc
  at: Date
  /**
   * A unit held for a purchase that has not paid yet (points for a coupon gift): repairCouponIssues
   * leaves it alone, and the purchase's own repair finishes it (paid) or gives it back (not paid)
   * (flows/coupon-exchange.ts).
   */
  heldFor?: { kind: 'points'; redemptionId: string }
}

export type CouponSourceKind = 'centre' | 'hq' | 'welcome' | 'campaign' | 'points' | 'clerk'

export interface CouponSourceDoc {
  kind: CouponSourceKind
  key: string | null
  /**
   * A clerk's give: the attempt (one invocation of giveCoupon) whose store budget unit paid for
   * this coupon, so a give left pending is settled against the right unit (flows/coupon-budgets.ts).
   */
  attempt?: string
}

/**
 * A store budget unit taken for a give that has not settled yet (flows/coupon-budgets.ts): taken
 * in the same conditional update as the unit, removed when the coupon is issued (kept) or the
 * give refused (returned), or by repairCoupons for an invocation that died in between.
 */
export interface PendingGiveDoc {
  /** The coupon's id, derived from the clerk and their request: one pending give per request. */
  giveId: string
  /** This invocation's own id: which unit a coupon (`source.attempt`) was issued against. */
  attempt: string
  memberId: string
  clerkId: string
  at: Date
}

/**
 * What a store's clerks may hand out of one template (`_id` = `<storeId>:<templateId>`), set by HQ.
 * `left` is what may still be given: a give takes one by the conditional update `left ≥ 1`, so the
 * budget is never exceeded however many gives race; HQ changes `budget` and `left` by the same
 * difference, never below what was given.
 */
export interface CouponBudgetDoc {
  _id: string
  storeId: string
  templateId: string
  budget: number
  given: number
  left: number
  updatedAt: Date
  updatedBy: string
  /** Units taken for gives still under way (absent on budgets no give has touched since). */
  pendingGives?: PendingGiveDoc[]
}

/**
 * The stored status. `expired` is not stored: an `available` coupon whose `expiresAt` has passed
 * (by the server's clock) is expired, so no job has to reach it first (lifecycle.ts).
 */
export type CouponStatus = 'available' | 'locked' | 'used'

export interface CouponDoc {
  _id: string
  templateId: string
  memberId: string
  memberNo: string
  /** Which of the member's slots of this template it holds (CouponClaimDoc). */
  slot: number
  terms: CouponTermsDoc
  /** Usable from (inclusive) until (exclusive); day ends are Asia/Shanghai midnights. */
  startsAt: Date
  expiresAt: Date
  status: CouponStatus
  /** Where it came from; `key` makes an issuance by that channel happen once (the `_id` is derived from it). */
  source: CouponSourceDoc
  issuedAt: Date
  /** Held by this unpaid order (status locked). */
  lock: { orderId: string; at: Date } | null
  /** Used by this order or till sale (status used); cleared when a full refund returns it. */
  use: {
    kind: 'order' | 'sale'
    id: string
    storeId: string | null
    discountFen: number
    /** What was paid in that order or sale, after the discount. */
    paidFen: number
    at: Date
  } | null
  /** Every return (a lock released, a refund), newest last, for HQ and support. */
  history: { event: 'release' | 'return'; id: string; at: Date }[]
}
