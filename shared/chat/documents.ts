/** chat: shapes of the stored documents. Dates are Date (UTC); money is integer fen; points integers. */

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

/** A canned reply HQ offers clerks in the chat. */
export interface ChatTemplateDoc {
  _id: string
  title: string
  text: string
  active: boolean
  sort: number
  updatedAt: Date
}
