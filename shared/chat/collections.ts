import { defineCollection, type CollectionSpec } from '../platform/db/collection-spec'
import type { ChatTemplateDoc, ConversationDoc, MessageDoc } from './documents'

/** The chat domain's collections and indexes. */
export const CHAT_COLLECTIONS = {
  /**
   * One conversation per member (its _id is the member's id): the member talks with whoever is
   * their clerk now, so a transfer keeps the history and the new clerk sees it.
   */
  conversations: defineCollection<ConversationDoc>({
    name: 'conversations',
    indexes: [
      { name: 'clerkId', fields: ['clerkId', 'lastMessageAt'] },
      { name: 'storeId', fields: ['storeId', 'lastMessageAt'] },
      { name: 'memberUnread', fields: ['memberUnread', 'lastClerkMessageAt'] },
    ],
  }),
  /** Chat messages; `seq` orders a conversation, `clientMsgId` makes a resend idempotent. */
  messages: defineCollection<MessageDoc>({
    name: 'messages',
    indexes: [
      { name: 'conversationSeq', fields: ['conversationId', 'seq'], unique: true },
      { name: 'clientMsgId', fields: ['conversationId', 'clientMsgId'], unique: true },
    ],
  }),
  /** HQ's ready-made texts (统一文案) that clerks pick and edit before sending. */
  chatTemplates: defineCollection<ChatTemplateDoc>({
    name: 'chatTemplates',
    indexes: [{ name: 'active', fields: ['active', 'sort'] }],
  }),
} as const satisfies Record<string, CollectionSpec>
