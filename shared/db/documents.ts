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

export interface ConversationDoc {
  /** = memberId */
  _id: string
  memberId: string
  memberOpenid: string
  storeId: string
  clerkId: string
  lastSeq: number
  lastMessageAt: Date | null
  lastClerkMessageAt: Date | null
  lastMessagePreview: string
  /** Messages from the clerk side the member has not read, and the other way round. */
  memberUnread: number
  clerkUnread: number
  memberLastReadSeq: number
  clerkLastReadSeq: number
  /** Since when the member has had unread clerk messages (null when all read). */
  memberUnreadSince: Date | null
  /** When the member was last reminded by a subscribe message (at most one per hour). */
  memberRemindedAt: Date | null
  /** Clerks the member shared their phone number with in this chat: they see it unmasked. */
  phoneSharedWith?: string[]
  createdAt: Date
}

export type MessageBody =
  | { type: 'text'; text: string }
  | { type: 'image'; fileId: string }
  | { type: 'product'; productId: string; name: string; priceFen: number }
  | { type: 'gift'; giftId: string; name: string; pointsPrice: number }
  /** The member's own number, shared with their clerk (sent only through chat.sharePhone). */
  | { type: 'phone'; phone: string }

export interface MessageDoc {
  /** Deterministic: conversation + client message id, so a resend finds the first one. */
  _id: string
  conversationId: string
  seq: number
  clientMsgId: string
  sender: { kind: 'member' | 'clerk'; id: string; name: string }
  body: MessageBody
  /** Set when a clerk sent an HQ template (possibly edited). */
  templateId?: string
  /** WeChat openids allowed to watch this message in production's realtime listener. */
  participantOpenids: string[]
  at: Date
}

/** What a payment pays for; the kind names the service that owns it (shared/services/payment-owners.ts). */
export type PaymentPurposeKind = 'order' | 'redemption' | 'probe'

export interface PaymentPurpose {
  kind: PaymentPurposeKind
  id: string
}

/**
 * pending → paid → (partly refunded: still paid, refundedFen > 0) → refunded
 * pending → closed (closed at WeChat first, so it can no longer be paid)
 */
export type PaymentStatus = 'pending' | 'paid' | 'refunded' | 'closed'

export interface PaymentDoc {
  /** out_trade_no */
  _id: string
  purpose: PaymentPurpose
  description: string
  amountFen: number
  payerOpenid: string
  appid: string
  mchid: string
  status: PaymentStatus
  prepayId: string | null
  createdAt: Date
  /** WeChat refuses payment after this. */
  expiresAt: Date
  transactionId: string | null
  paidAt: Date | null
  /** How the payment became known: its notification, a query, or a refund (which proves it). */
  paidVia: 'notification' | 'query' | 'refund-notification' | null
  closedAt: Date | null
  /** Sum of succeeded refunds. */
  refundedFen: number
  /** Sum of refunds requested and not failed (processing, abnormal or succeeded): at most amountFen. */
  refundCommittedFen: number
  /** When the owner's onPaid / onClosed hook last returned (it is called until then). */
  ownerPaidAt: Date | null
  ownerClosedAt: Date | null
  /** A genuine notification that disagreed with this payment (kept for HQ; the last one). */
  anomaly?: { kind: string; detail: string; at: Date }
}

export type RefundDocStatus = 'processing' | 'succeeded' | 'abnormal' | 'closed' | 'failed'

export interface RefundDoc {
  /** out_refund_no */
  _id: string
  outTradeNo: string
  purpose: PaymentPurpose
  /** The business key it was derived from; null for a refund made outside this system (merchant platform). */
  key: string | null
  amountFen: number
  reason: string | null
  status: RefundDocStatus
  refundId: string | null
  createdAt: Date
  settledAt: Date | null
  failure?: string
  /** When the owner's onRefunded hook returned. */
  ownerNotifiedAt: Date | null
}

export interface PayProbeDoc {
  _id: string
  openid: string
  amountFen: number
  outTradeNo: string
  status: 'awaiting_payment' | 'paid' | 'closed'
  /** Every onPaid call (at least once per delivery that found the payment paid)… */
  onPaidCalls: number
  /** …and the effects of winning the transition: must be exactly 1. */
  paidEffects: number
  refundNos: string[]
  refundedFen: number
  refundEffects: number
  createdAt: Date
  paidAt: Date | null
}

export interface ProductDoc {
  _id: string
  name: string
  description: string
  /** One price online and in every store. */
  priceFen: number
  status: 'active' | 'inactive'
  sort: number
  createdAt: Date
}

export interface StockDoc {
  /** `<productId>_<locationId>` */
  _id: string
  productId: string
  /** A store id, or `central` (the warehouse that ships deliveries). */
  locationId: string
  /** What can still be ordered; never below zero. */
  available: number
  /** Held by unpaid orders (counted out of available already). */
  reserved: number
  updatedAt: Date
}

export type OrderStatus =
  'awaiting_payment' | 'paid' | 'cancelled' | 'picked_up' | 'refunded' | 'shipped' | 'delivered'

export interface OrderLineDoc {
  productId: string
  name: string
  priceFen: number
  qty: number
}

export interface OrderDoc {
  _id: string
  openid: string
  memberId: string | null
  fulfilment: 'pickup' | 'delivery'
  /** The pickup store; null for delivery. */
  storeId: string | null
  /** Where the stock is reserved: the pickup store or `central`. */
  locationId: string
  items: OrderLineDoc[]
  totalFen: number
  status: OrderStatus
  outTradeNo: string | null
  /** Unpaid by then: cancelled and its stock released. */
  expiresAt: Date
  createdAt: Date
  paidAt: Date | null
  /** Issued when a pickup order is paid. */
  pickupCode?: string
  /** The member's attribution at the moment of payment, frozen for commission. */
  attribution: { storeId: string; clerkId: string } | null
  /** When the after-payment effects (points, commission) were done; they run until then. */
  paidEffectsAt: Date | null
  /**
   * Set with the payment (the effects are due), null once they are done: the timer sweep and the
   * next read of the order apply them. Absent on orders paid before effects were deferred.
   */
  effectsDueAt?: Date | null
  cancelledAt: Date | null
  cancelReason: 'expired' | 'cancelled' | null
  refundedFen: number
  refundNos: string[]
  /** Set when a clerk of the pickup store handed the order over. */
  pickedUpAt?: Date
  pickedUpBy?: { clerkId: string; name: string }
  /** A fully refunded pickup order that was never picked up: its stock went back. */
  refundedAt?: Date
  /** Delivery: where to send it (given when ordering). */
  deliveryAddress?: PostalAddressDoc
  /** Delivery: set when HQ hands it to the carrier. */
  shipment?: { carrier: string; trackingNo: string; shippedAt: Date; by: string }
  /** Delivery: received (confirmed by the member, or marked by HQ); the refund window starts here. */
  deliveredAt?: Date
  deliveredBy?: 'member' | 'hq'
}

/** A postal address in mainland China as WeChat's address book gives it (orders for delivery, mail redemptions). */
export interface PostalAddressDoc {
  name: string
  phone: string
  province: string
  city: string
  district: string
  detail: string
}

/** A sale at a store's till, booked by a clerk scanning the member's code (one per store and receipt). */
export interface OfflineSaleDoc {
  _id: string
  memberId: string
  memberNo: string
  amountFen: number
  receiptNo: string
  /** The store where the sale happened (the clerk's). */
  storeId: string
  clerkId: string
  clerkName: string
  /** The member's attribution at the moment of the sale, for commission. */
  attribution: { storeId: string; clerkId: string }
  memberCode: string
  at: Date
  /** When points and commission were booked; they run (idempotently) until then. */
  effectsAt: Date | null
  /** Voided within the refund window (the till took it back): points and commission reversed. */
  voided?: { at: Date; by: { kind: 'clerk' | 'hq'; id: string; name: string }; reason: string }
}

/**
 * Append-only commission ledger. `kind: 'earn'` is one per sale (key `order:<id>:commission` or
 * `offline:<id>:commission`); a refund inside the refund window lowers its pending amount (once per
 * refund: `reversals`), a later refund books a `kind: 'reversal'` entry with a negative amount
 * (key `<source>:<id>:refund:<refundNo>:commission`).
 */
export interface CommissionEntryDoc {
  _id: string
  key: string
  kind: 'earn' | 'reversal'
  source: { kind: 'order' | 'offline'; id: string }
  channel: 'online' | 'offline'
  memberId: string | null
  /** The attributed clerk and store (frozen at payment). */
  clerkId: string
  storeId: string
  /** Offline: the store where the sale happened; online pickup: the pickup store; delivery: null. */
  sellingStoreId: string | null
  /** The sale amount (earn) or the refunded amount (reversal, negative). */
  baseFen: number
  rateBp: number
  /** Earn: pending or settled commission after in-window refunds; reversal: negative. */
  amountFen: number
  /** Earn: everything refunded on this sale so far (in or after the window). */
  refundedFen: number
  reversals: {
    refundNo: string
    refundFen: number
    takebackFen: number
    inWindow: boolean
    at: Date
  }[]
  status: 'pending' | 'settled' | 'cancelled'
  /** Pending until then; null until the order is picked up. */
  settleAfter: Date | null
  settledAt: Date | null
  /** Shanghai month of the sale (earn) or of the booking (reversal): the settlement month. */
  month: string
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
  'awaitingPickup' | 'collected' | 'awaitingPayment' | 'awaitingShipment' | 'shipped' | 'cancelled'

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
  address?: PostalAddressDoc
  shippingFeeFen?: number
  outTradeNo?: string
  /** Mail: cancelled (points and stock back) if the shipping fee is not paid by then. */
  payBy?: Date
  paidAt?: Date
  shippedAt?: Date
  shipment?: { carrier: string; trackingNo: string; by: string }
  /** Mail: refunds of the shipping fee made in the merchant platform, once each (out_refund_no). */
  refundNos?: string[]
  refundedFen?: number
  createdAt: Date
  collectedAt?: Date
  collectedBy?: { clerkId: string; name: string }
  cancelledAt?: Date
  cancelReason?: string
}

export type CampaignStatus = 'scheduled' | 'sending' | 'stopped' | 'done'

/** A subscribe-message campaign to a member segment; the dispatch state lives here too. */
export interface CampaignDoc {
  _id: string
  name: string
  scope: 'hq' | 'store'
  /** Store campaigns: the manager's store (the segment is limited to it). */
  storeId: string | null
  segment: import('../campaigns/rules/segments').Segment
  templateKey: 'campaign'
  page: string
  fields: Record<string, string>
  status: CampaignStatus
  sendAt: Date
  createdAt: Date
  createdBy: string
  /** Set when sending starts: the instant the segment's relative dates are resolved against. */
  startedAt: Date | null
  finishedAt: Date | null
  /** Members matching the segment when sending started. */
  targeted: number | null
  /** Dispatch cursor: members are walked in _id order; everyone up to here has been handled. */
  cursor: string | null
  processed: number
  /** One dispatcher at a time: the lease holder's id and until when it holds. */
  leaseId: string | null
  leaseUntil: Date | null
  /** Set when dispatch stopped the campaign itself (WeChat refused the template or its data). */
  stopReason?: string | null
}

export type CampaignDeliveryStatus = 'claimed' | 'sent' | 'failed' | 'skipped'

/** `_id` = `<campaignId>:<memberId>`: claimed before the send, so a member is sent a campaign at most once. */
export interface CampaignDeliveryDoc {
  _id: string
  campaignId: string
  memberId: string
  openid: string
  status: CampaignDeliveryStatus
  claimedAt: Date
  doneAt?: Date
  errcode?: number
  errmsg?: string
  /** skipped: 'weeklyCap'; failed without a WeChat answer: 'interrupted'. */
  reason?: string
}

export type JobKind = 'importStores' | 'importClerks' | 'exportSettlement' | 'transferMembers'

/**
 * A long HQ operation. Imports are validated in full when the job is created (a file with errors
 * becomes a `failed` job with its row errors and writes nothing); then each step takes the lease,
 * imports the next batch of `rows` from `done`, and moves `done` on.
 */
export interface JobDoc {
  _id: string
  kind: JobKind
  status: 'running' | 'succeeded' | 'failed'
  /** What HQ sees in the 任务 list, e.g. the uploaded file's name. */
  title: string
  createdBy: string
  createdAt: Date
  updatedAt: Date
  finishedAt: Date | null
  total: number
  done: number
  /** Rows written by this job, and rows that already existed (a resumed batch, or a code already in use). */
  created: number
  skipped: number
  /** importStores: StoreImportRow[]; importClerks: ClerkImportRow[] with storeId; empty for exports. */
  rows: unknown[]
  /** exportSettlement: `{ month, by }`; transferMembers: `{ fromClerkId, toClerkId, reason }`. */
  params: Record<string, unknown>
  errors: { line: number; field: string; reason: string }[]
  /** A file the job produced (the export, or the imported clerks' invites), for the console to download. */
  output: { filename: string; csv: string } | null
  /** Who is stepping the job now; a step takes the lease with a conditional update, so batches never overlap. */
  leaseId: string | null
  leaseUntil: Date
}

/** One Asia/Shanghai day's dashboard figures for one store (`*`: all stores), rebuilt by the rollup timer. */
export interface DailyStatsDoc {
  /** `<day>_<storeId>` */
  _id: string
  /** `2026-03-02` */
  day: string
  storeId: string
  /** Members whose card was opened that day, by the store that opened it. */
  newMembers: number
  /** Online orders paid that day (gross: refunds are counted on the day they succeed). */
  onlineOrders: number
  onlineSalesFen: number
  offlineSales: number
  offlineSalesFen: number
  /** Order refunds that succeeded that day. */
  refundsFen: number
  pointsIssued: number
  /** Points spent on gifts less points returned by cancelled redemptions. */
  pointsRedeemed: number
  /** Commission booked on that day's sales (before any refund). */
  commissionAccruedFen: number
  /** Commission taken back by that day's refunds (inside or after the refund window). */
  commissionReversedFen: number
  /** When this day was last recomputed (on the all-stores document only). */
  computedAt?: Date
}

/** `settings/dailyStatsRollup`: how far the rollup has got, and the run under way. */
export interface DailyStatsRollupState {
  _id: string
  /** Every event stamped before this (less the lookback) is in the rollup. */
  watermark: Date | null
  /** A run still going: it recomputes `nextDay`…`lastDay`, then moves the watermark to `startedAt`. */
  run: { startedAt: Date; nextDay: string; lastDay: string } | null
}
