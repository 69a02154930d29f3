/**
 * Chat between a member and their clerk, through the local stack: who may read and post, resends
 * stored once, one order under concurrent sends, exact unread counts, history kept across a
 * transfer, and the subscribe-message reminder for unread messages.
 */
import { startTestStack, type Personas, type TestStack } from '../support/local-stack'

let stack: TestStack
let demo: Personas
let conversationId: string
let clerkOpenid: string
let memberSeq = 0

const MEMBER = 'oChatMember'
const newId = () => `msg-${Date.now()}-${Math.random().toString(36).slice(2, 10)}`
const text = (t: string) => ({ type: 'text', text: t })

async function send(openid: string, body: unknown, clientMsgId = newId(), id = conversationId) {
  return stack.call('chat', { action: 'send', conversationId: id, clientMsgId, body }, { openid })
}

async function bindMember(openid: string, clerkIndex: number) {
  const code = demo.codes.filter((c) => c.kind === 'clerk')[clerkIndex]!
  const res = await stack.call(
    'member',
    { action: 'bind', scene: code.scene, phone: `1360000${String(++memberSeq).padStart(4, '0')}` },
    { openid },
  )
  return res.body.data
}

async function outbox(touser: string) {
  return (
    (await (await fetch(`${stack.url}/sandbox/messages?touser=${touser}`)).json()) as {
      messages: any[]
    }
  ).messages
}

beforeAll(async () => {
  stack = await startTestStack({ seed: true })
  demo = await stack.personas()
  const member = await bindMember(MEMBER, 1)
  const clerkPersona = demo.personas.filter((p) => p.role !== 'member')
  for (const p of clerkPersona) {
    const me = await stack.call('staff', { action: 'me' }, { openid: p.openid })
    if (me.body.data.clerkId === member.clerkId) clerkOpenid = p.openid
  }
  conversationId = (await stack.call('chat', { action: 'myConversation' }, { openid: MEMBER })).body
    .data.conversationId
})
afterAll(() => stack.stop())

describe('talking', () => {
  it('member writes, the clerk sees it in the inbox with an unread count, reads it, and answers', async () => {
    const sent = await send(MEMBER, text('你好，请问这周有新品吗？'))
    expect(sent.status).toBe(200)
    expect(sent.body.data).toMatchObject({ seq: 1, mine: true, type: 'text', duplicate: false })
    const inbox = await stack.call('chat', { action: 'inbox' }, { openid: clerkOpenid })
    expect(inbox.body.data.items[0]).toMatchObject({
      conversationId,
      unread: 1,
      lastMessagePreview: '你好，请问这周有新品吗？',
    })
    expect(inbox.body.data.totalUnread).toBe(1)
    const history = await stack.call(
      'chat',
      { action: 'messages', conversationId },
      { openid: clerkOpenid },
    )
    expect(history.body.data.items.map((m: any) => [m.seq, m.text, m.mine])).toEqual([
      [1, '你好，请问这周有新品吗？', false],
    ])
    expect(
      (
        await stack.call(
          'chat',
          { action: 'markRead', conversationId, upToSeq: 1 },
          { openid: clerkOpenid },
        )
      ).body.data.unread,
    ).toBe(0)
    await send(clerkOpenid, text('有的，周六到店可以试吃'))
    const mine = await stack.call('chat', { action: 'myConversation' }, { openid: MEMBER })
    expect(mine.body.data).toMatchObject({ unread: 1, lastSeq: 2 })
  })

  it('a long poll returns as soon as the other side writes', async () => {
    const lastSeq = (await stack.call('chat', { action: 'myConversation' }, { openid: MEMBER }))
      .body.data.lastSeq
    const waiting = stack.call(
      'chat',
      { action: 'poll', conversationId, afterSeq: lastSeq, waitMs: 10_000 },
      { openid: MEMBER },
    )
    await new Promise((r) => setTimeout(r, 400))
    const started = Date.now()
    await send(clerkOpenid, text('给你留了一份'))
    const res = await waiting
    expect(Date.now() - started).toBeLessThan(3000)
    expect(res.body.data.items.map((m: any) => m.text)).toEqual(['给你留了一份'])
  })

  it('a resent message is stored once, even when 10 copies race', async () => {
    const id = newId()
    const results = await Promise.all(
      Array.from({ length: 10 }, () => send(MEMBER, text('只发一次'), id)),
    )
    expect(results.every((r) => r.status === 200)).toBe(true)
    expect(new Set(results.map((r) => r.body.data.messageId)).size).toBe(1)
    expect(results.filter((r) => r.body.data.duplicate === false)).toHaveLength(1)
    const stored = (await stack.db
      .collection('messages')
      .where({ conversationId, clientMsgId: id })
      .count()) as { total: number }
    expect(stored.total).toBe(1)
  })

  it('30 concurrent sends from both sides get gap-free sequence numbers, the same order for both', async () => {
    const before = (await stack.call('chat', { action: 'myConversation' }, { openid: MEMBER })).body
      .data.lastSeq
    await Promise.all(
      Array.from({ length: 30 }, (_, i) => send(i % 2 ? MEMBER : clerkOpenid, text(`并发 ${i}`))),
    )
    const a = await stack.call(
      'chat',
      { action: 'messages', conversationId, afterSeq: before, limit: 100 },
      { openid: MEMBER },
    )
    const b = await stack.call(
      'chat',
      { action: 'messages', conversationId, afterSeq: before, limit: 100 },
      { openid: clerkOpenid },
    )
    const seqs = a.body.data.items.map((m: any) => m.seq)
    expect(seqs).toEqual(Array.from({ length: 30 }, (_, i) => before + 1 + i))
    expect(b.body.data.items.map((m: any) => m.messageId)).toEqual(
      a.body.data.items.map((m: any) => m.messageId),
    )
  })

  it('unread counts are exact', async () => {
    const member = (await stack.call('chat', { action: 'myConversation' }, { openid: MEMBER })).body
      .data
    await stack.call(
      'chat',
      { action: 'markRead', conversationId, upToSeq: member.lastSeq },
      { openid: MEMBER },
    )
    await stack.call(
      'chat',
      { action: 'markRead', conversationId, upToSeq: member.lastSeq },
      { openid: clerkOpenid },
    )
    for (let i = 0; i < 5; i++) await send(MEMBER, text(`未读 ${i}`))
    expect(
      (await stack.call('chat', { action: 'inbox' }, { openid: clerkOpenid })).body.data.items[0]
        .unread,
    ).toBe(5)
    const read = await stack.call(
      'chat',
      { action: 'markRead', conversationId, upToSeq: member.lastSeq + 3 },
      { openid: clerkOpenid },
    )
    expect(read.body.data.unread).toBe(2)
    expect(
      (await stack.call('chat', { action: 'myConversation' }, { openid: MEMBER })).body.data.unread,
    ).toBe(0)
  })
})

describe('who may read and post', () => {
  it('another member, a clerk of another member and a clerk of another store are refused', async () => {
    await bindMember('oChatOther', 2)
    const storeId = demo.personas.find((p) => p.openid === clerkOpenid)!.storeId
    const sameStoreOther = demo.personas.find(
      (p) => p.role === 'clerk' && p.storeId === storeId && p.openid !== clerkOpenid,
    )!
    const otherStore = demo.personas.find((p) => p.role === 'clerk' && p.storeId !== storeId)!
    for (const openid of ['oChatOther', sameStoreOther.openid, otherStore.openid, 'oNobody']) {
      expect(
        (await stack.call('chat', { action: 'messages', conversationId }, { openid })).status,
      ).toBe(403)
      expect((await send(openid, text('插话'))).status).toBe(403)
    }
  })

  it("the store's manager can read the store's conversations", async () => {
    const storeId = demo.personas.find((p) => p.openid === clerkOpenid)!.storeId
    const manager = demo.personas.find((p) => p.role === 'manager' && p.storeId === storeId)!
    expect(
      (await stack.call('chat', { action: 'messages', conversationId }, { openid: manager.openid }))
        .status,
    ).toBe(200)
    const inbox = await stack.call(
      'chat',
      { action: 'inbox', scope: 'store' },
      { openid: manager.openid },
    )
    expect(inbox.body.data.items.map((c: any) => c.conversationId)).toContain(conversationId)
    expect(
      (await stack.call('chat', { action: 'inbox', scope: 'store' }, { openid: clerkOpenid }))
        .status,
    ).toBe(403)
  })

  it('validates messages', async () => {
    expect((await send(MEMBER, text('   '))).status).toBe(400)
    expect((await send(MEMBER, text('长'.repeat(1001)))).body.error.field).toBe('body.text')
    expect((await send(MEMBER, { type: 'video', url: 'x' })).status).toBe(400)
    expect(
      (await send(MEMBER, { type: 'image', fileId: 'https://evil.example/x.png' })).status,
    ).toBe(400)
    expect(
      (
        await stack.call(
          'chat',
          { action: 'send', conversationId, clientMsgId: 'short', body: text('x') },
          { openid: MEMBER },
        )
      ).body.error.field,
    ).toBe('clientMsgId')
    const fakePng = Buffer.from('not an image').toString('base64')
    expect(
      (
        await stack.call(
          'chat',
          { action: 'uploadImage', contentType: 'image/png', base64: fakePng },
          { openid: MEMBER },
        )
      ).status,
    ).toBe(400)
  })

  it('uploads a real PNG and sends it as an image the other side can open', async () => {
    const code = await stack.call('staff', { action: 'myCode' }, { openid: clerkOpenid })
    const upload = await stack.call(
      'chat',
      { action: 'uploadImage', contentType: 'image/png', base64: code.body.data.pngBase64 },
      { openid: MEMBER },
    )
    expect(upload.status).toBe(200)
    const sent = await send(MEMBER, { type: 'image', fileId: upload.body.data.fileId })
    expect(sent.body.data.type).toBe('image')
    const image = await fetch(sent.body.data.imageUrl)
    expect(image.status).toBe(200)
    expect(
      Buffer.from(await image.arrayBuffer())
        .subarray(1, 4)
        .toString(),
    ).toBe('PNG')
  })

  it('HQ templates: a clerk picks one, edits it and sends; a member cannot use them', async () => {
    const saved = await stack.admin({
      action: 'saveChatTemplate',
      title: '新品到店',
      text: '亲爱的会员，本周新品已到店，欢迎来试吃！',
    })
    const templates = await stack.call('chat', { action: 'templates' }, { openid: clerkOpenid })
    const template = templates.body.data.items.find(
      (t: any) => t.templateId === saved.body.data.templateId,
    )
    expect(template.text).toContain('新品')
    const sent = await stack.call(
      'chat',
      {
        action: 'send',
        conversationId,
        clientMsgId: newId(),
        body: text(`${template.text}（周六有折扣）`),
        templateId: template.templateId,
      },
      { openid: clerkOpenid },
    )
    expect(sent.status).toBe(200)
    expect(
      (
        await stack.call(
          'chat',
          {
            action: 'send',
            conversationId,
            clientMsgId: newId(),
            body: text('x'),
            templateId: template.templateId,
          },
          { openid: MEMBER },
        )
      ).status,
    ).toBe(403)
    expect((await stack.call('chat', { action: 'templates' }, { openid: MEMBER })).status).toBe(403)
  })
})

describe('sharing a phone number', () => {
  it('the member shares their number in chat; only that clerk then sees it unmasked', async () => {
    const member = (await stack.call('member', { action: 'profile' }, { openid: MEMBER })).body.data
    const before = await stack.call(
      'staff',
      { action: 'memberDetail', memberId: member.memberId },
      { openid: clerkOpenid },
    )
    expect(before.body.data.member.phone).toBeNull()
    expect(
      (
        await stack.call(
          'chat',
          { action: 'sharePhone', conversationId, clientMsgId: newId() },
          { openid: clerkOpenid },
        )
      ).status,
    ).toBe(403)
    const shared = await stack.call(
      'chat',
      { action: 'sharePhone', conversationId, clientMsgId: newId() },
      { openid: MEMBER },
    )
    expect(shared.body.data).toMatchObject({ type: 'phone', mine: true })
    expect(shared.body.data.text).toMatch(/^1\d{10}$/)
    const seen = await stack.call(
      'chat',
      { action: 'messages', conversationId },
      { openid: clerkOpenid },
    )
    expect(seen.body.data.items.at(-1)).toMatchObject({
      type: 'phone',
      text: shared.body.data.text,
    })
    const after = await stack.call(
      'staff',
      { action: 'memberDetail', memberId: member.memberId },
      { openid: clerkOpenid },
    )
    expect(after.body.data.member.phone).toBe(shared.body.data.text)
    const storeId = demo.personas.find((p) => p.openid === clerkOpenid)!.storeId
    const manager = demo.personas.find((p) => p.role === 'manager' && p.storeId === storeId)!
    const managerView = await stack.call(
      'staff',
      { action: 'memberDetail', memberId: member.memberId },
      { openid: manager.openid },
    )
    expect(managerView.body.data.member.phone).toBeNull()
    expect(managerView.body.data.member.phoneMasked).toMatch(/\*{4}/)
  })
})

describe('transfer keeps history', () => {
  it('after HQ moves the member, the new clerk sees the whole conversation and the old one cannot', async () => {
    const member = (await stack.call('member', { action: 'profile' }, { openid: MEMBER })).body.data
    const storeClerks = (await stack.db
      .collection('clerks')
      .where({ storeId: member.storeId, status: 'active' })
      .get()) as { data: any[] }
    const target = storeClerks.data.find((c) => c._id !== member.clerkId)
    const moved = await stack.admin({
      action: 'transferMembers',
      fromClerkId: member.clerkId,
      toClerkId: target._id,
      memberIds: [member.memberId],
      reason: '调岗',
    })
    expect(moved.body.data.moved).toBe(1)
    const history = await stack.call(
      'chat',
      { action: 'messages', conversationId, limit: 100 },
      { openid: target.openid },
    )
    expect(history.status).toBe(200)
    expect(history.body.data.items[0].seq).toBeGreaterThan(0)
    expect(history.body.data.lastSeq).toBeGreaterThan(30)
    const inbox = await stack.call('chat', { action: 'inbox' }, { openid: target.openid })
    expect(inbox.body.data.items.map((c: any) => c.conversationId)).toContain(conversationId)
    expect(
      (await stack.call('chat', { action: 'messages', conversationId }, { openid: clerkOpenid }))
        .status,
    ).toBe(403)
    clerkOpenid = target.openid
  })
})

describe('a first message racing a transfer', () => {
  it('a conversation opened while a transfer transaction holds the member starts with the clerk the transfer leaves', async () => {
    const m = await bindMember('oRaceHeld', 2)
    const storeClerks = (await stack.db
      .collection('clerks')
      .where({ storeId: m.storeId, status: 'active' })
      .get()) as { data: any[] }
    const to = storeClerks.data.find((c) => c._id !== m.clerkId)._id as string
    // A transaction shaped as moveMember's: it has read the member and found no conversation,
    // and written the member's new clerk, but not committed yet.
    const t = (await stack.db.startTransaction()) as any
    expect((await t.collection('conversations').doc(m.memberId).get()).data).toBeNull()
    await t.collection('members').doc(m.memberId).update({ clerkId: to })
    const opening = stack.call('chat', { action: 'myConversation' }, { openid: 'oRaceHeld' })
    await new Promise((resolve) => setTimeout(resolve, 300))
    await t.commit()
    expect((await opening).status).toBe(200)
    const conversation = (
      (await stack.db.collection('conversations').doc(m.memberId).get()) as { data: any[] }
    ).data[0]
    expect(conversation.clerkId).toBe(to)
  })

  it('the new conversation follows the member: it ends with the clerk the member ends with', async () => {
    const N = 12
    const openids = Array.from({ length: N }, (_, i) => `oRace${i}`)
    const bound = []
    for (const openid of openids) bound.push(await bindMember(openid, 2))
    const from = bound[0].clerkId as string
    const storeClerks = (await stack.db
      .collection('clerks')
      .where({ storeId: bound[0].storeId, status: 'active' })
      .get()) as { data: any[] }
    const to = storeClerks.data.find((c) => c._id !== from)._id as string
    // Each member opens their conversation while HQ moves them all, one transaction per member.
    await Promise.all([
      stack.admin({
        action: 'transferMembers',
        fromClerkId: from,
        toClerkId: to,
        memberIds: bound.map((m) => m.memberId),
        reason: '调岗',
      }),
      ...openids.map((openid) => stack.call('chat', { action: 'myConversation' }, { openid })),
    ])
    for (const m of bound) {
      const member = (
        (await stack.db.collection('members').doc(m.memberId).get()) as { data: any[] }
      ).data[0]
      const conversation = (
        (await stack.db.collection('conversations').doc(m.memberId).get()) as { data: any[] }
      ).data[0]
      expect(member.clerkId).toBe(to)
      expect(conversation.clerkId).toBe(member.clerkId)
    }
  })
})

describe('subscribe-message reminders', () => {
  it('only a timer may run the reminder job', async () => {
    expect(
      (
        await stack.call(
          'jobs',
          { action: 'everyMinute', message: 'remindUnread' },
          { openid: MEMBER },
        )
      ).status,
    ).toBe(403)
  })

  it('reminds once after 10 unread minutes, never more than once an hour, and only with consent', async () => {
    const conv = (await stack.call('chat', { action: 'myConversation' }, { openid: MEMBER })).body
      .data
    await stack.call(
      'chat',
      { action: 'markRead', conversationId, upToSeq: conv.lastSeq },
      { openid: MEMBER },
    )
    await send(clerkOpenid, text('你的礼品到了'))
    // no consent yet: nothing is sent
    stack.setClockOffset(11 * 60_000)
    expect((await stack.runJob('remindUnread')) as any).toMatchObject({
      ok: true,
      data: { sent: 0 },
    })
    expect(await outbox(MEMBER)).toHaveLength(0)
    await stack.call(
      'member',
      {
        action: 'reportConsent',
        results: [
          { templateKey: 'newMessage', accepted: true },
          { templateKey: 'newMessage', accepted: true },
        ],
      },
      { openid: MEMBER },
    )
    expect((await stack.runJob('remindUnread')) as any).toMatchObject({
      ok: true,
      data: { sent: 1 },
    })
    const sent = await outbox(MEMBER)
    expect(sent).toHaveLength(1)
    expect(sent[0]).toMatchObject({
      templateId: 'local-newMessage',
      page: 'pages/chat/index?from=reminder',
    })
    // within the hour: still one, even with a credit left
    stack.setClockOffset(40 * 60_000)
    await stack.runJob('remindUnread')
    expect(await outbox(MEMBER)).toHaveLength(1)
    // an hour later the second credit is used
    stack.setClockOffset(72 * 60_000)
    await stack.runJob('remindUnread')
    expect(await outbox(MEMBER)).toHaveLength(2)
    // reading clears it: no more reminders
    const after = (await stack.call('chat', { action: 'myConversation' }, { openid: MEMBER })).body
      .data
    await stack.call(
      'chat',
      { action: 'markRead', conversationId, upToSeq: after.lastSeq },
      { openid: MEMBER },
    )
    stack.setClockOffset(200 * 60_000)
    await stack.call(
      'member',
      { action: 'reportConsent', results: [{ templateKey: 'newMessage', accepted: true }] },
      { openid: MEMBER },
    )
    await stack.runJob('remindUnread')
    expect(await outbox(MEMBER)).toHaveLength(2)
    stack.setClockOffset(0)
  })
})
