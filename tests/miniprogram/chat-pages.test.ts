import { STAFF_PROFILE, ok } from './harness/fixtures'
import {
  answerFunctions,
  cloudCalls,
  openPage,
  resetCalls,
  wxCalls,
  type RenderedPage,
} from './harness/weapp'

const CONVERSATION = {
  conversationId: 'm1',
  memberId: 'm1',
  memberNo: '100000007',
  memberLabel: '138****5678',
  clerkId: 'c1',
  clerkName: '王小美',
  lastMessagePreview: '[商品] 羊毛大衣',
  lastMessageAt: '2026-11-20T02:03:00.000Z',
  unread: 2,
  lastSeq: 3,
}

const message = (seq: number, mine: boolean, fields: Record<string, unknown>) => ({
  messageId: `msg${seq}`,
  seq,
  sender: mine ? { kind: 'member', name: '会员' } : { kind: 'clerk', name: '王小美' },
  mine,
  type: 'text',
  text: null,
  imageUrl: null,
  card: null,
  at: `2026-11-20T02:0${seq}:00.000Z`,
  ...fields,
})

const MESSAGES = [
  message(1, true, { text: '你好，有大衣吗？' }),
  message(2, false, { text: '有的，给您看看这款' }),
  message(3, false, {
    type: 'product',
    card: { id: 'p1', name: '羊毛大衣', priceFen: 129900, pointsPrice: null },
  }),
]

function chatFunctions(extra: (event: Record<string, unknown>) => unknown = () => undefined) {
  answerFunctions((name, event) => {
    if (name === 'staff' && event.action === 'me') {
      return ok({ ...STAFF_PROFILE, isManager: true })
    }
    if (name !== 'chat') return ok({})
    const answer = extra(event)
    if (answer !== undefined) return answer as ReturnType<typeof ok>
    switch (event.action) {
      case 'myConversation':
        return ok(CONVERSATION)
      case 'messages':
        return ok({ items: event.afterSeq === undefined ? MESSAGES : [], lastSeq: 3 })
      case 'markRead':
        return ok({ unread: 0 })
      case 'inbox':
        return ok({
          items: [
            CONVERSATION,
            {
              ...CONVERSATION,
              conversationId: 'm2',
              memberLabel: '会员 100000008',
              unread: 0,
              lastMessagePreview: '谢谢',
            },
          ],
          nextOffset: null,
          totalUnread: 2,
        })
      default:
        return ok({})
    }
  })
}

describe('chat (the built WeChat pages)', () => {
  let page: RenderedPage | undefined
  beforeEach(resetCalls)
  afterEach(() => page?.detach())

  it("shows the member's conversation in seq order, own messages on the right, cards rendered", async () => {
    chatFunctions()
    page = openPage('pages/chat/index')
    await page.waitForText('羊毛大衣')

    expect(page.textOf('#chat-peer')).toContain('王小美')
    const bubbles = page.findAll('.chat-bubble').map((b) => b.dom?.textContent?.replace(/\s+/g, ''))
    expect(bubbles).toEqual(['你好，有大衣吗？', '有的，给您看看这款', '商品羊毛大衣¥1,299.00'])
    expect(page.findAll('.chat-row--mine').map((row) => row.dom?.textContent)).toEqual([
      expect.stringContaining('你好，有大衣吗？'),
    ])
    expect(page.textOf('.chat-card')).toContain('¥1,299.00')
    // The clerk's messages carry her name.
    expect(page.findAll('.chat-row__name').map((n) => n.dom?.textContent?.trim())).toEqual([
      '王小美',
      '王小美',
    ])
    // Shown means read, up to the newest message.
    await page.waitFor(() => cloudCalls().some((c) => c.data.action === 'markRead'), 'markRead')
    expect(cloudCalls().find((c) => c.data.action === 'markRead')?.data).toMatchObject({
      conversationId: 'm1',
      upToSeq: 3,
    })
  })

  it('shows a retry when the first load fails', async () => {
    chatFunctions((event) =>
      event.action === 'messages'
        ? { ok: false, error: { code: 'INTERNAL', message: 'boom' } }
        : undefined,
    )
    page = openPage('pages/chat/index')
    await page.waitForText('重新加载')
  })

  it("lists the clerk's inbox with unread counts and opens a conversation", async () => {
    chatFunctions()
    page = openPage('staff/inbox/index')
    await page.waitForText('138****5678')
    expect(page.text()).toContain('2 条未读')
    expect(page.findAll('.inbox-row__badge').map((b) => b.dom?.textContent?.trim())).toEqual(['2'])
    // A manager may switch to the whole store.
    expect(page.text()).toContain('全店会话')
    page.findAll('.inbox-row')[0]!.dispatchEvent('tap')
    await page.waitFor(() => wxCalls('navigateTo').length > 0, 'navigateTo')
    expect(wxCalls('navigateTo')[0]?.args).toMatchObject({
      url: expect.stringMatching(/^\/staff\/chat\/index\?id=m1&label=/),
    })
  })
})
