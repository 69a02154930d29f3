/**
 * Chat meets campaigns' subscribe consents: a member with an unread clerk message is reminded by a
 * subscribe message, spending one consent credit.
 */
import { database } from '../platform/runtime/cloudbase'
import type { InvocationContext } from '../platform/runtime/define-function'
import { ports } from '../platform/runtime/ports'
import { clearConsent, refundConsent, spendConsent } from '../campaigns/consent-service'
import { getClerk } from '../staff/lookups'
import {
  CHAT_PAGE,
  REMIND_AFTER_MS,
  REMIND_AT_MOST_EVERY_MS,
  conversations,
} from '../chat/chat-service'

/**
 * Timer job: members who have had an unread clerk message for 10 minutes get one subscribe
 * message, at most one an hour, and only with an unused consent. Safe to run concurrently: the
 * credit is spent by a conditional decrement and the hourly slot is claimed by a conditional
 * update on the value this run read, so two runs cannot both remind one member.
 */
export async function remindUnread(ctx: InvocationContext) {
  const db = database()
  const _ = db.command
  const now = ctx.clock.now()
  const due = await conversations().find(
    _.and([
      {
        memberUnread: _.gt(0),
        memberUnreadSince: _.lte(new Date(now.getTime() - REMIND_AFTER_MS)),
      },
      _.or([
        { memberRemindedAt: null },
        { memberRemindedAt: _.lte(new Date(now.getTime() - REMIND_AT_MOST_EVERY_MS)) },
      ]),
    ]),
    { limit: 100 },
  )
  let sent = 0
  let skipped = 0
  for (const conversation of due) {
    if (!(await spendConsent(conversation.memberId, 'newMessage'))) {
      skipped++
      continue
    }
    const claimed = await conversations().updateIf(
      { _id: conversation._id, memberRemindedAt: conversation.memberRemindedAt },
      { memberRemindedAt: now },
    )
    if (!claimed) {
      await refundConsent(conversation.memberId, 'newMessage')
      continue
    }
    const clerk = await getClerk(conversation.clerkId)
    const result = await ports().wechat.sendSubscribeMessage({
      touser: conversation.memberOpenid,
      templateId: ports().templateId('newMessage'),
      page: `${CHAT_PAGE}?from=reminder`,
      data: {
        thing1: { value: thing(clerk?.name ?? '你的导购') },
        thing2: { value: thing(conversation.lastMessagePreview || '你有一条新消息') },
        time3: {
          value: new Date(now.getTime() + 8 * 3_600_000)
            .toISOString()
            .slice(0, 16)
            .replace('T', ' '),
        },
      },
    })
    if (result.errcode === 0) sent++
    else {
      skipped++
      // 43101: the member holds no subscription (our count was wrong). Any other refusal is
      // about our template or data, not the member: the credit stays theirs.
      if (result.errcode === 43101) await clearConsent(conversation.memberId, 'newMessage')
      else {
        await refundConsent(conversation.memberId, 'newMessage')
        console.error(
          `[chat] reminder refused by WeChat: ${result.errcode} ${result.errmsg.slice(0, 200)}`,
        )
      }
    }
  }
  return { due: due.length, sent, skipped }
}

/** A `thing` field: at most 20 characters (not UTF-16 units), no line breaks (WeChat's rule). */
function thing(text: string): string {
  return Array.from(text.replace(/\p{Cc}+/gu, ' ').trim() || '…')
    .slice(0, 20)
    .join('')
}
