/**
 * One open conversation, shared by the member's chat page and the clerk's: the messages in seq
 * order, messages being sent (with retry), catching up with new messages and marking them read.
 * No Taro or React in here: the page hands in the API calls and how new messages are noticed (a
 * `ChatSync`), and re-renders on `onChange`.
 */
import type { ApiResult } from '../api/client'
import type { ClientError } from '../api/errors'
import type { Contracts, InputOf, OutputOf } from '../api/contracts'

export type MessageView = OutputOf<Contracts, 'chat', 'messages'>['items'][number]
export type SendBody = InputOf<Contracts, 'chat', 'send'>['body']

/** A message on screen: one the server has (`sent`), or one of ours still on its way. */
export type ChatItem =
  | (MessageView & { key: string; state: 'sent' })
  | {
      key: string
      state: 'sending' | 'failed'
      clientMsgId: string
      body: SendBody
      templateId?: string
      /** What to show before the server answers (the picked image's local path, for one). */
      localPreview?: string
      error?: ClientError
    }

export interface ChatApi {
  messages(
    params: InputOf<Contracts, 'chat', 'messages'>,
  ): Promise<ApiResult<OutputOf<Contracts, 'chat', 'messages'>>>
  poll(
    params: InputOf<Contracts, 'chat', 'poll'>,
  ): Promise<ApiResult<OutputOf<Contracts, 'chat', 'poll'>>>
  send(
    params: InputOf<Contracts, 'chat', 'send'>,
  ): Promise<ApiResult<OutputOf<Contracts, 'chat', 'send'>>>
  markRead(
    params: InputOf<Contracts, 'chat', 'markRead'>,
  ): Promise<ApiResult<OutputOf<Contracts, 'chat', 'markRead'>>>
}

/**
 * How a session learns that the other side wrote. Started once the first page has loaded;
 * returns a stop function. It either delivers messages itself (`deliver`, the H5 long poll) or
 * just says "something changed" (`catchUp`: the session fetches what is after its last seq).
 */
export type ChatSync = (session: {
  conversationId: string
  lastSeq: () => number
  deliver: (items: MessageView[]) => void
  catchUp: () => Promise<void>
}) => () => void

const PAGE_SIZE = 30

/** 8-64 letters, digits, `_` or `-` (shared/contract/chat.ts); unique per message, kept across retries. */
export function newClientMsgId(): string {
  const random = Math.random().toString(36).slice(2, 12).padEnd(10, '0')
  return `m${Date.now().toString(36)}${random}`
}

export class ChatSession {
  private sent = new Map<number, MessageView & { key: string; state: 'sent' }>()
  private pending: Extract<ChatItem, { state: 'sending' | 'failed' }>[] = []
  private readSeq = 0
  private visible = true
  private stopSync: (() => void) | undefined
  private closed = false
  hasOlder = false
  loadError: ClientError | undefined

  constructor(
    readonly conversationId: string,
    private readonly api: ChatApi,
    private readonly sync: ChatSync,
    private readonly onChange: () => void,
  ) {}

  /** Everything on screen, oldest first: the server's messages by seq, then ours in flight. */
  get items(): ChatItem[] {
    return [...[...this.sent.values()].sort((a, b) => a.seq - b.seq), ...this.pending]
  }

  get lastSeq(): number {
    let last = 0
    for (const seq of this.sent.keys()) last = Math.max(last, seq)
    return last
  }

  /** Whether the caller has written in this conversation before (loaded history or this visit). */
  get hasOwnMessages(): boolean {
    return [...this.sent.values()].some((m) => m.mine)
  }

  /** Loads the latest page, then starts listening. Resolves false when the first load failed. */
  async open(): Promise<boolean> {
    const reply = await this.api.messages({ conversationId: this.conversationId, limit: PAGE_SIZE })
    if (this.closed) return false
    if (!reply.ok) {
      this.loadError = reply.error
      this.onChange()
      return false
    }
    this.loadError = undefined
    this.hasOlder = (reply.data.items[0]?.seq ?? 1) > 1
    this.merge(reply.data.items)
    this.stopSync?.()
    this.stopSync = this.sync({
      conversationId: this.conversationId,
      lastSeq: () => this.lastSeq,
      deliver: (items) => this.merge(items),
      catchUp: () => this.catchUp(),
    })
    return true
  }

  /** The page before the oldest one shown. */
  async loadOlder(): Promise<ClientError | undefined> {
    const oldest = Math.min(...this.sent.keys())
    if (!Number.isFinite(oldest) || oldest <= 1) return undefined
    const reply = await this.api.messages({
      conversationId: this.conversationId,
      beforeSeq: oldest,
      limit: PAGE_SIZE,
    })
    if (!reply.ok) return reply.error
    this.hasOlder = (reply.data.items[0]?.seq ?? 1) > 1
    this.merge(reply.data.items)
    return undefined
  }

  /** Fetches whatever is after the last message shown (a realtime signal, or a periodic check). */
  async catchUp(): Promise<void> {
    const reply = await this.api.messages({
      conversationId: this.conversationId,
      afterSeq: this.lastSeq,
      limit: 100,
    })
    if (reply.ok) this.merge(reply.data.items)
  }

  /** Sends a new message; it shows at once as "sending". */
  send(
    body: SendBody,
    extra: { templateId?: string; localPreview?: string } = {},
  ): Promise<boolean> {
    const item = {
      key: `pending-${newClientMsgId()}`,
      state: 'sending' as const,
      clientMsgId: newClientMsgId(),
      body,
      ...extra,
    }
    this.pending = [...this.pending, item]
    this.onChange()
    return this.deliverPending(item.clientMsgId)
  }

  /** Sends a failed message again with the same clientMsgId: the server stores it at most once. */
  retry(clientMsgId: string): Promise<boolean> {
    this.pending = this.pending.map((p) =>
      p.clientMsgId === clientMsgId ? { ...p, state: 'sending', error: undefined } : p,
    )
    this.onChange()
    return this.deliverPending(clientMsgId)
  }

  /** The page is on screen (onShow) or not (onHide): only messages someone can see are read. */
  setVisible(visible: boolean): void {
    this.visible = visible
    if (visible) this.markShownRead()
  }

  close(): void {
    this.closed = true
    this.stopSync?.()
    this.stopSync = undefined
  }

  private async deliverPending(clientMsgId: string): Promise<boolean> {
    const item = this.pending.find((p) => p.clientMsgId === clientMsgId)
    if (!item) return false
    const reply = await this.api.send({
      conversationId: this.conversationId,
      clientMsgId,
      body: item.body,
      ...(item.templateId ? { templateId: item.templateId } : {}),
    })
    if (!reply.ok) {
      this.pending = this.pending.map((p) =>
        p.clientMsgId === clientMsgId ? { ...p, state: 'failed', error: reply.error } : p,
      )
      this.onChange()
      return false
    }
    this.pending = this.pending.filter((p) => p.clientMsgId !== clientMsgId)
    const { duplicate: _duplicate, ...message } = reply.data
    this.merge([message])
    return true
  }

  private merge(items: MessageView[]): void {
    if (this.closed) return
    for (const message of items)
      this.sent.set(message.seq, { ...message, key: message.messageId, state: 'sent' })
    this.onChange()
    this.markShownRead()
  }

  private markShownRead(): void {
    const upToSeq = this.lastSeq
    if (!this.visible || this.closed || upToSeq <= this.readSeq) return
    const unreadFromOthers = [...this.sent.values()].some((m) => !m.mine && m.seq > this.readSeq)
    this.readSeq = upToSeq
    if (unreadFromOthers) void this.api.markRead({ conversationId: this.conversationId, upToSeq })
  }
}

/**
 * H5: a long poll on `chat.poll`. The function answers as soon as the other side writes (or
 * after `waitMs` with nothing), and the loop asks again at once; after a failure it waits a bit.
 */
export function longPollSync(
  poll: ChatApi['poll'],
  options: { waitMs?: number; retryAfterMs?: number } = {},
): ChatSync {
  return ({ conversationId, lastSeq, deliver }) => {
    let running = true
    void (async () => {
      while (running) {
        const reply = await poll({
          conversationId,
          afterSeq: lastSeq(),
          waitMs: options.waitMs ?? 15_000,
        })
        if (!running) break
        if (reply.ok) deliver(reply.data.items)
        else await new Promise((resolve) => setTimeout(resolve, options.retryAfterMs ?? 3_000))
      }
    })()
    return () => {
      running = false
    }
  }
}

/**
 * WeChat, for now: check for new messages every few seconds while the page is open.
 *
 * Production should replace this with the database's realtime listener — the seam is exactly
 * this function: something that calls `catchUp()` when the conversation changes and returns a
 * stop function. With the cloud database:
 *
 *   const db = Taro.cloud.database(); const _ = db.command
 *   const watcher = db.collection('messages')
 *     .where({ conversationId, participantOpenids: _.all([myOpenid]) })
 *     .watch({ onChange: () => void catchUp(), onError: () => fall back to this interval })
 *   return () => void watcher.close()
 *
 * (the security rule lets a user read only messages whose `participantOpenids` contains their
 * openid, which is why the query must name it). Until then the interval costs one cheap call per
 * period and only while the chat is open.
 */
export function intervalSync(everyMs = 3_000): ChatSync {
  return ({ catchUp }) => {
    let busy = false
    const timer = setInterval(() => {
      if (busy) return
      busy = true
      void catchUp().finally(() => {
        busy = false
      })
    }, everyMs)
    return () => clearInterval(timer)
  }
}
