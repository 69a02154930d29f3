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

export interface PointsLedgerDoc {
  _id: string
  key: string
  memberId: string
  kind: 'welcome' | 'earn' | 'spend' | 'expire' | 'refund' | 'adjust'
  points: number
  /** For positive entries: how many are still unspent and unexpired. */
  remaining?: number
  expiresAt?: Date
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
  createdAt: Date
}

export type MessageBody =
  | { type: 'text'; text: string }
  | { type: 'image'; fileId: string }
  | { type: 'product'; productId: string; name: string; priceFen: number }
  | { type: 'gift'; giftId: string; name: string; pointsPrice: number }

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
