import { z } from 'zod'
import { lazyActions, onFirstUse } from '../platform/contract/lazy-actions'
import { docId, emptyInput, isoDate } from '../platform/contract/common'
import { MAX_IMAGE_BYTES, MAX_TEXT_LENGTH } from './rules/limits'

export { MAX_IMAGE_BYTES, MAX_TEXT_LENGTH }

const clientMsgId = onFirstUse(() =>
  z
    .string()
    .regex(/^[A-Za-z0-9_-]{8,64}$/, '消息编号格式不正确：需为 8–64 位字母、数字、下划线或连字符'),
)

export const messageBody = onFirstUse(() =>
  z.discriminatedUnion('type', [
    z.strictObject({
      type: z.literal('text'),
      text: z
        .string()
        .trim()
        .min(1, '消息不能为空')
        .max(MAX_TEXT_LENGTH, `消息不能超过 ${MAX_TEXT_LENGTH} 字`),
    }),
    z.strictObject({ type: z.literal('image'), fileId: z.string().min(1).max(300) }),
    z.strictObject({ type: z.literal('product'), productId: docId }),
    z.strictObject({ type: z.literal('gift'), giftId: docId }),
  ]),
)

export const messageView = onFirstUse(() =>
  z.object({
    messageId: z.string(),
    seq: z.number().int(),
    sender: z.object({ kind: z.enum(['member', 'clerk']), name: z.string() }),
    mine: z.boolean(),
    type: z.enum(['text', 'image', 'product', 'gift', 'phone']),
    text: z.string().nullable(),
    imageUrl: z.string().nullable(),
    card: z
      .object({
        id: z.string(),
        name: z.string(),
        priceFen: z.number().int().nullable(),
        pointsPrice: z.number().int().nullable(),
      })
      .nullable(),
    at: isoDate,
  }),
)

export const conversationView = onFirstUse(() =>
  z.object({
    conversationId: z.string(),
    memberId: z.string(),
    memberNo: z.string(),
    memberLabel: z.string(),
    clerkId: z.string(),
    clerkName: z.string(),
    lastMessagePreview: z.string(),
    lastMessageAt: isoDate.nullable(),
    unread: z.number().int(),
    lastSeq: z.number().int(),
  }),
)

export const chatInput = lazyActions({
  /** The caller's conversation (member) — created on first use. */
  myConversation: () => emptyInput,
  /** Clerk: my members' conversations; manager with scope 'store': the whole store's. */
  inbox: () =>
    z.strictObject({
      scope: z.enum(['mine', 'store']).default('mine'),
      offset: z.number().int().min(0).default(0),
      limit: z.number().int().min(1).max(50).default(20),
    }),
  /** Messages after `afterSeq` (oldest first), or the latest page when `beforeSeq` is given. */
  messages: () =>
    z.strictObject({
      conversationId: docId,
      afterSeq: z.number().int().min(0).optional(),
      beforeSeq: z.number().int().min(1).optional(),
      limit: z.number().int().min(1).max(100).default(30),
    }),
  /** Long poll for H5: waits up to `waitMs` for messages after `afterSeq`. */
  poll: () =>
    z.strictObject({
      conversationId: docId,
      afterSeq: z.number().int().min(0),
      waitMs: z.number().int().min(0).max(20_000).default(15_000),
    }),
  send: () =>
    z.strictObject({
      conversationId: docId,
      clientMsgId: clientMsgId(),
      body: messageBody(),
      templateId: docId.optional(),
    }),
  /** Member only: send my phone number to my clerk, who may then see it unmasked. */
  sharePhone: () => z.strictObject({ conversationId: docId, clientMsgId: clientMsgId() }),
  /**
   * Where the caller uploads chat images (`wx.cloud.uploadFile` cloudPath `<folder>/<name>`, or the
   * local stack's `POST /files/<folder>/<name>`) before sending the file id: their own folder.
   */
  uploadFolder: () => emptyInput,
  markRead: () => z.strictObject({ conversationId: docId, upToSeq: z.number().int().min(0) }),
  templates: () => emptyInput,
})

export const chatOutput = lazyActions({
  myConversation: () => conversationView(),
  inbox: () =>
    z.object({
      items: z.array(conversationView()),
      nextOffset: z.number().int().nullable(),
      totalUnread: z.number().int(),
    }),
  messages: () => z.object({ items: z.array(messageView()), lastSeq: z.number().int() }),
  poll: () => z.object({ items: z.array(messageView()), lastSeq: z.number().int() }),
  send: () => messageView().extend({ duplicate: z.boolean() }),
  sharePhone: () => messageView().extend({ duplicate: z.boolean() }),
  uploadFolder: () => z.object({ folder: z.string(), maxBytes: z.number().int() }),
  markRead: () => z.object({ unread: z.number().int() }),
  templates: () =>
    z.object({
      items: z.array(z.object({ templateId: z.string(), title: z.string(), text: z.string() })),
    }),
})
