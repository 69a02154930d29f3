/**
 * Chat between a member and their clerk. One conversation per member (id = member id); whoever
 * is the member's clerk now is the other side, so a transfer keeps the history.
 *
 * Ordering and exactly-once: a message is written in one transaction with its conversation: the
 * transaction reads the conversation, takes `lastSeq + 1` as the message's sequence number and
 * writes both. Two concurrent sends to one conversation conflict and one retries, so sequence
 * numbers are gap-free and both sides see one order. The message id is derived from the client's
 * message id, so a resend finds the first message instead of storing it twice. Unread counters
 * change in the same transactions, so they are exact.
 */
import { createHash } from 'node:crypto'
import { z } from 'zod'
import type { chatInput, conversationView, messageView } from './contract'
import { MAX_IMAGE_BYTES } from './rules/limits'
import { COLLECTIONS } from '../collections'
import { collection } from '../platform/db/collection'
import type { ConversationDoc, MessageBody, MessageDoc } from './documents'
import type { MemberDoc } from '../membership/documents'
import { AppError } from '../platform/errors'
import { maskPhone } from '../platform/phone'
import { database } from '../platform/runtime/cloudbase'
import type { InvocationContext } from '../platform/runtime/define-function'
import { ports } from '../platform/runtime/ports'
import { withTransaction } from '../platform/runtime/transaction'
import { getClerk } from '../staff/lookups'
import { requireOpenid } from '../platform/runtime/identity'
import { findMemberByOpenid } from '../membership/lookups'

type Input<K extends keyof typeof chatInput> = z.output<(typeof chatInput)[K]>
type MessageView = z.infer<ReturnType<typeof messageView>>
type ConversationView = z.infer<ReturnType<typeof conversationView>>

export const REMIND_AFTER_MS = 10 * 60_000
export const REMIND_AT_MOST_EVERY_MS = 60 * 60_000
export const CHAT_PAGE = 'pages/chat/index'

interface Participant {
  side: 'member' | 'clerk'
  conversation: ConversationDoc
  /** The caller's own id on their side (member id or clerk id) and display name. */
  id: string
  name: string
  openid: string
}

export const conversations = () => collection(COLLECTIONS.conversations)
const messages = () => collection(COLLECTIONS.messages)

export async function getConversation(id: string): Promise<ConversationDoc | null> {
  return conversations().get(id)
}

/**
 * The member's conversation, created on first use, with the member's clerk at that moment. An HQ
 * transfer (moveMember) moves an existing conversation in its transaction, but cannot see one
 * created after its snapshot; so the creation reads the member in a transaction and writes it
 * too (`conversationAt`): the two transactions conflict and one runs again on the other's result.
 */
async function ensureConversation(member: MemberDoc, now: Date): Promise<ConversationDoc> {
  const existing = await getConversation(member._id)
  if (existing) return existing
  return withTransaction(database(), async (t) => {
    const found = await collection(COLLECTIONS.conversations, t).get(member._id)
    if (found) return { ...found, _id: member._id }
    const current = (await collection(COLLECTIONS.members, t).get(member._id)) ?? member
    const fresh: ConversationDoc = {
      _id: member._id,
      memberId: member._id,
      memberOpenid: current.openid ?? '',
      storeId: current.storeId,
      clerkId: current.clerkId,
      lastSeq: 0,
      lastMessageAt: null,
      lastClerkMessageAt: null,
      lastMessagePreview: '',
      memberUnread: 0,
      clerkUnread: 0,
      memberLastReadSeq: 0,
      clerkLastReadSeq: 0,
      memberUnreadSince: null,
      memberRemindedAt: null,
      createdAt: now,
    }
    await collection(COLLECTIONS.conversations, t).insert(fresh)
    await collection(COLLECTIONS.members, t).update(member._id, { conversationAt: now })
    return fresh
  })
}

/**
 * Who the caller is in this conversation. The member themself; their clerk; the store's manager.
 * Anyone else — another member, a clerk of another member or store — is refused.
 */
async function participant(ctx: InvocationContext, conversationId: string): Promise<Participant> {
  const openid = requireOpenid(ctx)
  const member = await findMemberByOpenid(openid)
  if (member && member.status === 'active' && member._id === conversationId) {
    ctx.caller.role = 'member'
    const conversation = await ensureConversation(member, ctx.clock.now())
    return { side: 'member', conversation, id: member._id, name: '会员', openid }
  }
  const clerk = await collection(COLLECTIONS.clerks).findOne({ openid })
  if (clerk && clerk.status === 'active') {
    ctx.caller.role = clerk.isManager ? 'manager' : 'clerk'
    const conversation = await getConversation(conversationId)
    if (!conversation) throw new AppError('NOT_FOUND', '会话不存在')
    const mine =
      conversation.clerkId === clerk._id ||
      (clerk.isManager && conversation.storeId === clerk.storeId)
    if (mine) return { side: 'clerk', conversation, id: clerk._id, name: clerk.name, openid }
  }
  throw new AppError('FORBIDDEN', '无权查看该会话')
}

function preview(body: MessageBody): string {
  switch (body.type) {
    case 'text':
      return body.text.slice(0, 40)
    case 'image':
      return '[图片]'
    case 'product':
      return `[商品] ${body.name}`
    case 'gift':
      return `[礼品] ${body.name}`
    case 'phone':
      return '[手机号]'
  }
}

async function toView(
  message: MessageDoc,
  viewer: { side: 'member' | 'clerk' },
): Promise<MessageView> {
  const body = message.body
  return {
    messageId: message._id,
    seq: message.seq,
    sender: {
      kind: message.sender.kind,
      name: message.sender.kind === 'member' ? '会员' : message.sender.name,
    },
    mine: message.sender.kind === viewer.side,
    type: body.type,
    text: body.type === 'text' ? body.text : body.type === 'phone' ? body.phone : null,
    imageUrl: body.type === 'image' ? await ports().storage.url(body.fileId) : null,
    card:
      body.type === 'product'
        ? { id: body.productId, name: body.name, priceFen: body.priceFen, pointsPrice: null }
        : body.type === 'gift'
          ? { id: body.giftId, name: body.name, priceFen: null, pointsPrice: body.pointsPrice }
          : null,
    at: message.at.toISOString(),
  }
}

async function conversationViews(
  list: ConversationDoc[],
  side: 'member' | 'clerk',
): Promise<ConversationView[]> {
  if (list.length === 0) return []
  const db = database()
  const _ = db.command
  const [members, clerks] = await Promise.all([
    collection(COLLECTIONS.members).find(
      { _id: _.in(list.map((c) => c.memberId)) },
      { fields: ['memberNo', 'phone'], limit: 100 },
    ),
    collection(COLLECTIONS.clerks).find(
      { _id: _.in([...new Set(list.map((c) => c.clerkId))]) },
      { fields: ['name'], limit: 100 },
    ),
  ])
  const memberById = new Map(members.map((m) => [m._id, m]))
  const clerkName = new Map(clerks.map((c) => [c._id, c.name]))
  return list.map((c) => {
    const member = memberById.get(c.memberId)
    return {
      conversationId: c._id,
      memberId: c.memberId,
      memberNo: member?.memberNo ?? '',
      memberLabel: member?.phone
        ? `会员 ${maskPhone(member.phone)}`
        : `会员 ${member?.memberNo ?? ''}`,
      clerkId: c.clerkId,
      clerkName: clerkName.get(c.clerkId) ?? '',
      lastMessagePreview: c.lastMessagePreview,
      lastMessageAt: c.lastMessageAt ? c.lastMessageAt.toISOString() : null,
      unread: side === 'member' ? c.memberUnread : c.clerkUnread,
      lastSeq: c.lastSeq,
    }
  })
}

export async function myConversation(ctx: InvocationContext): Promise<ConversationView> {
  const openid = requireOpenid(ctx)
  const member = await findMemberByOpenid(openid)
  if (!member || member.status !== 'active')
    throw new AppError('NOT_FOUND', '开卡后即可与你的专属导购聊天')
  ctx.caller.role = 'member'
  const conversation = await ensureConversation(member, ctx.clock.now())
  return (await conversationViews([conversation], 'member'))[0]!
}

export async function inbox(ctx: InvocationContext, input: Input<'inbox'>) {
  const openid = requireOpenid(ctx)
  const clerk = await collection(COLLECTIONS.clerks).findOne({ openid })
  if (!clerk || clerk.status !== 'active') throw new AppError('FORBIDDEN', '仅限在岗店员使用')
  ctx.caller.role = clerk.isManager ? 'manager' : 'clerk'
  if (input.scope === 'store' && !clerk.isManager)
    throw new AppError('FORBIDDEN', '仅店长可查看全店会话')
  const db = database()
  const _ = db.command
  const where =
    input.scope === 'store'
      ? { storeId: clerk.storeId, lastSeq: _.gt(0) }
      : { clerkId: clerk._id, lastSeq: _.gt(0) }
  const [page, unread] = await Promise.all([
    conversations().find(where, {
      orderBy: ['lastMessageAt', 'desc'],
      skip: input.offset,
      limit: input.limit + 1,
    }),
    conversations()
      .raw.aggregate()
      .match(input.scope === 'store' ? { storeId: clerk.storeId } : { clerkId: clerk._id })
      .group({ _id: null, total: _.aggregate.sum('$clerkUnread') })
      .end() as Promise<{ data: { total: number }[] }>,
  ])
  return {
    items: await conversationViews(page.slice(0, input.limit), 'clerk'),
    nextOffset: page.length > input.limit ? input.offset + input.limit : null,
    totalUnread: unread.data[0]?.total ?? 0,
  }
}

async function fetchMessages(
  conversationId: string,
  input: { afterSeq?: number; beforeSeq?: number; limit: number },
): Promise<MessageDoc[]> {
  const _ = database().command
  if (input.afterSeq !== undefined) {
    return messages().find(
      { conversationId, seq: _.gt(input.afterSeq) },
      { orderBy: ['seq', 'asc'], limit: input.limit },
    )
  }
  const where =
    input.beforeSeq !== undefined
      ? { conversationId, seq: _.lt(input.beforeSeq) }
      : { conversationId }
  const page = await messages().find(where, { orderBy: ['seq', 'desc'], limit: input.limit })
  return page.reverse()
}

export async function listMessages(ctx: InvocationContext, input: Input<'messages'>) {
  const who = await participant(ctx, input.conversationId)
  const items = await fetchMessages(input.conversationId, input)
  return {
    items: await Promise.all(items.map((m) => toView(m, who))),
    lastSeq: who.conversation.lastSeq,
  }
}

/** Long poll for the H5 build (WeChat uses the database's realtime watch instead). */
export async function poll(ctx: InvocationContext, input: Input<'poll'>) {
  const who = await participant(ctx, input.conversationId)
  const deadline = Date.now() + input.waitMs
  let lastSeq = who.conversation.lastSeq
  while (lastSeq <= input.afterSeq && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 300))
    lastSeq = (await getConversation(input.conversationId))?.lastSeq ?? lastSeq
  }
  if (lastSeq <= input.afterSeq) return { items: [], lastSeq }
  const items = await fetchMessages(input.conversationId, { afterSeq: input.afterSeq, limit: 100 })
  return { items: await Promise.all(items.map((m) => toView(m, who))), lastSeq }
}

async function resolveBody(
  body: Input<'send'>['body'],
  side: 'member' | 'clerk',
  openid: string,
): Promise<MessageBody> {
  switch (body.type) {
    case 'text':
      return body
    case 'image':
      // Only an image the sender uploaded into their own folder: never another user's file,
      // a path that climbs out (`..`), or any other file id.
      if (!ports().storage.ownsUpload(body.fileId, chatUploadFolder(openid)))
        throw new AppError('INVALID_INPUT', '图片须先上传到自己的聊天文件夹', 'body.fileId')
      return body
    case 'product': {
      if (side !== 'clerk') throw new AppError('FORBIDDEN', '只有导购可以发送商品卡片')
      const product = await collection(COLLECTIONS.products).get(body.productId)
      if (!product) throw new AppError('NOT_FOUND', '商品不存在', 'body.productId')
      return {
        type: 'product',
        productId: product._id,
        name: product.name,
        priceFen: product.priceFen,
      }
    }
    case 'gift': {
      if (side !== 'clerk') throw new AppError('FORBIDDEN', '只有导购可以发送礼品卡片')
      const gift = await collection(COLLECTIONS.gifts).get(body.giftId)
      if (!gift) throw new AppError('NOT_FOUND', '礼品不存在', 'body.giftId')
      return { type: 'gift', giftId: gift._id, name: gift.name, pointsPrice: gift.pointsPrice }
    }
  }
}

export async function sendMessage(ctx: InvocationContext, input: Input<'send'>) {
  const who = await participant(ctx, input.conversationId)
  if (input.templateId && who.side !== 'clerk')
    throw new AppError('FORBIDDEN', '只有导购可以使用总部文案')
  if (input.templateId) {
    const template = await collection(COLLECTIONS.chatTemplates).findOne({ _id: input.templateId })
    if (!template || !template.active)
      throw new AppError('NOT_FOUND', '文案不存在或已停用', 'templateId')
  }
  const body = await resolveBody(input.body, who.side, who.openid)
  const result = await appendMessage(
    ctx,
    who,
    input.conversationId,
    input.clientMsgId,
    body,
    input.templateId,
  )
  return { ...(await toView(result.message, who)), duplicate: result.duplicate }
}

/**
 * The member shares their phone number with their current clerk: it is sent as a message (so the
 * clerk sees it in the conversation) and the clerk is recorded on the conversation, which lets
 * that clerk, and only that clerk, see the full number on the member's profile.
 */
export async function sharePhone(ctx: InvocationContext, input: Input<'sharePhone'>) {
  const who = await participant(ctx, input.conversationId)
  if (who.side !== 'member') throw new AppError('FORBIDDEN', '只有会员本人可以分享手机号')
  const member = await findMemberByOpenid(who.openid)
  if (!member?.phone) throw new AppError('NOT_FOUND', '没有可分享的手机号')
  const result = await appendMessage(ctx, who, input.conversationId, input.clientMsgId, {
    type: 'phone',
    phone: member.phone,
  })
  await conversations().update(input.conversationId, {
    phoneSharedWith: database().command.addToSet(who.conversation.clerkId),
  })
  return { ...(await toView(result.message, who)), duplicate: result.duplicate }
}

async function appendMessage(
  ctx: InvocationContext,
  who: Participant,
  conversationId: string,
  clientMsgId: string,
  body: MessageBody,
  templateId?: string,
): Promise<{ message: MessageDoc; duplicate: boolean }> {
  const db = database()
  const _ = db.command
  const now = ctx.clock.now()
  const messageId = createHash('sha256')
    .update(`${conversationId}:${clientMsgId}`)
    .digest('hex')
    .slice(0, 32)
  const clerkOpenid =
    who.side === 'clerk' ? who.openid : ((await getClerk(who.conversation.clerkId))?.openid ?? '')
  return withTransaction(db, async (t) => {
    const conversation = await collection(COLLECTIONS.conversations, t).get(conversationId)
    if (!conversation) throw new AppError('NOT_FOUND', '会话不存在')
    const existing = await collection(COLLECTIONS.messages, t).get(messageId)
    if (existing) return { message: existing, duplicate: true }
    const message: MessageDoc = {
      _id: messageId,
      conversationId,
      seq: conversation.lastSeq + 1,
      clientMsgId,
      sender: { kind: who.side, id: who.id, name: who.name },
      body,
      ...(templateId ? { templateId } : {}),
      participantOpenids: [conversation.memberOpenid, clerkOpenid].filter(Boolean),
      at: now,
    }
    await collection(COLLECTIONS.messages, t).insert(message)
    const update: Record<string, unknown> = {
      lastSeq: message.seq,
      lastMessageAt: now,
      lastMessagePreview: preview(body),
    }
    if (who.side === 'clerk') {
      update.memberUnread = _.inc(1)
      update.lastClerkMessageAt = now
      if (conversation.memberUnread === 0) update.memberUnreadSince = now
    } else {
      update.clerkUnread = _.inc(1)
    }
    await collection(COLLECTIONS.conversations, t).update(conversationId, update)
    return { message, duplicate: false }
  })
}

export async function markRead(ctx: InvocationContext, input: Input<'markRead'>) {
  const who = await participant(ctx, input.conversationId)
  const db = database()
  const _ = db.command
  const readField = who.side === 'member' ? 'memberLastReadSeq' : 'clerkLastReadSeq'
  const unreadField = who.side === 'member' ? 'memberUnread' : 'clerkUnread'
  const otherSide = who.side === 'member' ? 'clerk' : 'member'
  return withTransaction(db, async (t) => {
    const conversation = await collection(COLLECTIONS.conversations, t).get(input.conversationId)
    if (!conversation) throw new AppError('NOT_FOUND', '会话不存在')
    const upTo = Math.min(input.upToSeq, conversation.lastSeq)
    if (upTo <= conversation[readField]) return { unread: conversation[unreadField] }
    // Counted outside the transaction; a message sent meanwhile changes the conversation, which
    // makes this transaction conflict and run again with the new count.
    const remaining = await messages().count({
      conversationId: input.conversationId,
      seq: _.gt(upTo),
      'sender.kind': otherSide,
    })
    const update: Record<string, unknown> = { [readField]: upTo, [unreadField]: remaining }
    if (who.side === 'member' && remaining === 0) update.memberUnreadSince = null
    await collection(COLLECTIONS.conversations, t).update(input.conversationId, update)
    return { unread: remaining }
  })
}

/** Each sender's own upload folder: images are uploaded there first, then sent by file id. */
export const chatUploadFolder = (openid: string) => `chat/${openid}`

export async function uploadFolder(ctx: InvocationContext) {
  return { folder: chatUploadFolder(requireOpenid(ctx)), maxBytes: MAX_IMAGE_BYTES }
}

export async function chatTemplates(ctx: InvocationContext) {
  const openid = requireOpenid(ctx)
  const clerk = await collection(COLLECTIONS.clerks).findOne({ openid })
  if (!clerk || clerk.status !== 'active') throw new AppError('FORBIDDEN', '仅限在岗店员使用')
  const templates = await collection(COLLECTIONS.chatTemplates).find(
    { active: true },
    { orderBy: ['sort', 'asc'], limit: 200 },
  )
  return { items: templates.map((t) => ({ templateId: t._id, title: t.title, text: t.text })) }
}

/** HQ's read of one member's conversation (the admin function audits each opening). */
export async function conversationForHq(
  memberId: string,
  input: { beforeSeq?: number; limit: number },
) {
  const conversation = await getConversation(memberId)
  if (!conversation) return { clerkName: '', lastSeq: 0, items: [] }
  const clerk = await getClerk(conversation.clerkId)
  const items = await fetchMessages(memberId, input)
  return {
    clerkName: clerk?.name ?? '',
    lastSeq: conversation.lastSeq,
    items: items.map((m) => ({
      seq: m.seq,
      sender: m.sender.kind,
      senderName: m.sender.kind === 'member' ? '会员' : m.sender.name,
      type: m.body.type,
      text:
        m.body.type === 'text'
          ? m.body.text
          : m.body.type === 'phone'
            ? m.body.phone
            : m.body.type === 'image'
              ? '[图片]'
              : m.body.name,
      at: m.at.toISOString(),
    })),
  }
}
