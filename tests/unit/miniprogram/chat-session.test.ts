import {
  ChatSession,
  longPollSync,
  newClientMsgId,
  type ChatApi,
  type ChatSync,
  type MessageView,
} from '../../../miniprogram/src/lib/chat-session'

const message = (seq: number, mine: boolean, text: string): MessageView => ({
  messageId: `id${seq}`,
  seq,
  sender: { kind: mine ? 'member' : 'clerk', name: mine ? '会员' : '王小美' },
  mine,
  type: 'text',
  text,
  imageUrl: null,
  card: null,
  at: '2026-11-20T02:00:00.000Z',
})

const ok = <T>(data: T) => ({ ok: true as const, data })
const offline = {
  ok: false as const,
  error: { code: 'NETWORK', message: '网络连接失败', detail: '', retryable: true },
}

function fakeApi(history: MessageView[]) {
  const calls: Array<{ action: string; params: Record<string, unknown> }> = []
  let failSends = 0
  const stored = [...history]
  const api: ChatApi = {
    async messages(params) {
      calls.push({ action: 'messages', params })
      const after = params.afterSeq
      return ok({
        items: stored.filter((m) => (after === undefined ? true : m.seq > after)),
        lastSeq: stored.length,
      })
    },
    async poll(params) {
      calls.push({ action: 'poll', params })
      return ok({ items: [], lastSeq: stored.length })
    },
    async send(params) {
      calls.push({ action: 'send', params })
      if (failSends > 0) {
        failSends--
        return offline
      }
      const text = params.body.type === 'text' ? params.body.text : ''
      const m = message(stored.length + 1, true, text)
      stored.push(m)
      return ok({ ...m, duplicate: false })
    },
    async markRead(params) {
      calls.push({ action: 'markRead', params })
      return ok({ unread: 0 })
    },
  }
  return { api, calls, stored, failNextSends: (n: number) => (failSends = n) }
}

const manualSync = () => {
  const hooks: {
    deliver?: (items: MessageView[]) => void
    catchUp?: () => Promise<void>
    stopped: boolean
  } = { stopped: false }
  const sync: ChatSync = ({ deliver, catchUp }) => {
    hooks.deliver = deliver
    hooks.catchUp = catchUp
    return () => {
      hooks.stopped = true
    }
  }
  return { sync, hooks }
}

describe('ChatSession', () => {
  it('shows messages in seq order whatever order they arrive in, once each', async () => {
    const { api } = fakeApi([message(1, true, 'a'), message(2, false, 'b')])
    const { sync, hooks } = manualSync()
    const session = new ChatSession('c1', api, sync, () => undefined)
    expect(await session.open()).toBe(true)
    hooks.deliver!([message(4, false, 'd'), message(3, false, 'c'), message(2, false, 'b')])
    expect(session.items.map((i) => (i.state === 'sent' ? i.seq : -1))).toEqual([1, 2, 3, 4])
    expect(session.lastSeq).toBe(4)
    expect(session.hasOwnMessages).toBe(true)
  })

  it('marks what is shown as read, only when the other side wrote and the page is visible', async () => {
    const { api, calls } = fakeApi([message(1, false, 'hi')])
    const { sync, hooks } = manualSync()
    const session = new ChatSession('c1', api, sync, () => undefined)
    await session.open()
    expect(calls.filter((c) => c.action === 'markRead').map((c) => c.params)).toEqual([
      { conversationId: 'c1', upToSeq: 1 },
    ])

    session.setVisible(false)
    hooks.deliver!([message(2, false, 'again')])
    expect(calls.filter((c) => c.action === 'markRead')).toHaveLength(1)
    session.setVisible(true)
    expect(calls.filter((c) => c.action === 'markRead').at(-1)?.params).toEqual({
      conversationId: 'c1',
      upToSeq: 2,
    })

    // My own message needs no read receipt.
    hooks.deliver!([message(3, true, 'mine')])
    expect(calls.filter((c) => c.action === 'markRead')).toHaveLength(2)
  })

  it('keeps a failed message with a retry that reuses its clientMsgId', async () => {
    const { api, calls, failNextSends } = fakeApi([])
    const session = new ChatSession('c1', api, manualSync().sync, () => undefined)
    await session.open()
    failNextSends(1)
    expect(await session.send({ type: 'text', text: 'hello' })).toBe(false)
    const [failed] = session.items
    expect(failed).toMatchObject({
      state: 'failed',
      body: { type: 'text', text: 'hello' },
      error: { code: 'NETWORK' },
    })

    const clientMsgId = failed!.state === 'failed' ? failed!.clientMsgId : ''
    expect(await session.retry(clientMsgId)).toBe(true)
    const sends = calls.filter((c) => c.action === 'send').map((c) => c.params.clientMsgId)
    expect(sends).toEqual([clientMsgId, clientMsgId])
    expect(session.items).toEqual([
      expect.objectContaining({ state: 'sent', seq: 1, text: 'hello' }),
    ])
  })

  it('catches up from its last seq when a realtime signal says something changed', async () => {
    const { api, calls, stored } = fakeApi([message(1, true, 'a')])
    const { sync, hooks } = manualSync()
    const session = new ChatSession('c1', api, sync, () => undefined)
    await session.open()
    stored.push(message(2, false, 'b'))
    await hooks.catchUp!()
    expect(
      calls.find((c) => c.action === 'messages' && c.params.afterSeq !== undefined)?.params,
    ).toMatchObject({ afterSeq: 1 })
    expect(session.items).toHaveLength(2)
    session.close()
    expect(hooks.stopped).toBe(true)
  })

  it('long-polls from the last seq it has, again and again, until stopped', async () => {
    const seen: number[] = []
    let lastSeq = 5
    let release: () => void = () => undefined
    const stop = longPollSync(async (params) => {
      seen.push(params.afterSeq)
      await new Promise<void>((resolve) => (release = resolve))
      return ok({ items: [message(++lastSeq, false, 'x')], lastSeq })
    })({
      conversationId: 'c1',
      lastSeq: () => lastSeq,
      deliver: () => undefined,
      catchUp: async () => undefined,
    })
    await new Promise((resolve) => setTimeout(resolve, 0))
    release()
    await new Promise((resolve) => setTimeout(resolve, 0))
    stop()
    release()
    await new Promise((resolve) => setTimeout(resolve, 0))
    expect(seen).toEqual([5, 6])
  })

  it('makes client message ids the function accepts', () => {
    const ids = new Set(Array.from({ length: 200 }, newClientMsgId))
    expect(ids.size).toBe(200)
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9_-]{8,64}$/)
  })
})
