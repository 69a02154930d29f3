import { Image, Input, View } from '@tarojs/components'
import Taro, { useDidHide, useDidShow } from '@tarojs/taro'
import { useEffect, useMemo, useReducer, useRef, useState, type ReactNode } from 'react'
import { api } from '../../api'
import { ActionButton } from '../action-button'
import { EmptyState } from '../empty-state'
import { ErrorState } from '../error-state'
import { Skeleton } from '../skeleton'
import { notifyFailure } from '../../feedback/notify-failure'
import {
  ChatSession,
  intervalSync,
  longPollSync,
  type ChatApi,
  type ChatItem,
  type ChatSync,
} from '../../lib/chat-session'
import { formatDateTime, formatFen, formatPoints } from '../../lib/format'
import { pickImage } from '../../lib/pick-image'
import { uploadChatImage } from '../../lib/upload-image'
import './index.scss'

const chatApi: ChatApi = {
  messages: (params) => api.call('chat', 'messages', params),
  poll: (params) => api.call('chat', 'poll', params),
  send: (params) => api.call('chat', 'send', params),
  markRead: (params) => api.call('chat', 'markRead', params),
}

// H5 (local stack): long poll. WeChat: see intervalSync — the seam for the database's realtime
// watch. A build-time constant, so each build keeps one.
const chatSync: ChatSync =
  process.env.TARO_ENV === 'h5' ? longPollSync(chatApi.poll) : intervalSync()

export interface ChatThreadProps {
  conversationId: string
  /** Above the messages: who the other side is. */
  header?: ReactNode
  /** Extra composer tools (the clerk's template picker); `insert` puts text into the input. */
  tools?: (insert: (text: string, templateId?: string) => void) => ReactNode
  /**
   * Called inside the send tap, before anything is awaited, when the caller has never written in
   * this conversation: WeChat only shows the subscribe prompt from a tap handler.
   */
  onFirstMessage?: () => void
  emptyHint?: string
}

/** A conversation: messages in seq order (mine on the right), a composer, live updates. */
export function ChatThread({
  conversationId,
  header,
  tools,
  onFirstMessage,
  emptyHint,
}: ChatThreadProps) {
  const [, rerender] = useReducer((n: number) => n + 1, 0)
  const [status, setStatus] = useState<'loading' | 'ready' | 'error'>('loading')
  const [draft, setDraft] = useState('')
  const [templateId, setTemplateId] = useState<string | undefined>(undefined)
  const [uploading, setUploading] = useState(false)
  const session = useMemo(
    () => new ChatSession(conversationId, chatApi, chatSync, rerender),
    [conversationId],
  )
  const askedConsent = useRef(false)

  const open = async () => {
    setStatus('loading')
    setStatus((await session.open()) ? 'ready' : 'error')
  }
  useEffect(() => {
    void open()
    return () => session.close()
  }, [session])
  useDidShow(() => session.setVisible(true))
  useDidHide(() => session.setVisible(false))

  // Keep the newest message in view when one arrives.
  const items = session.items
  const newestKey = items[items.length - 1]?.key
  useEffect(() => {
    if (newestKey === undefined) return
    try {
      void Taro.pageScrollTo({ scrollTop: 1_000_000, duration: 0 }).catch(() => undefined)
    } catch {
      // Not available (an old base library): the person scrolls themselves.
    }
  }, [newestKey])

  const firstMessageCheck = () => {
    if (askedConsent.current || session.hasOwnMessages) return
    askedConsent.current = true
    onFirstMessage?.()
  }

  const sendText = () => {
    const text = draft.trim()
    if (text === '') return
    firstMessageCheck()
    setDraft('')
    setTemplateId(undefined)
    void session.send({ type: 'text', text }, templateId ? { templateId } : {})
  }

  // No consent prompt here: it would collide with the photo picker; the first text asks.
  const sendImage = async () => {
    const image = await pickImage().catch(() => undefined)
    if (!image) return
    setUploading(true)
    const uploaded = await uploadChatImage(image)
    setUploading(false)
    if (!uploaded.ok) {
      notifyFailure(uploaded.error)
      return
    }
    void session.send({ type: 'image', fileId: uploaded.fileId }, { localPreview: image.path })
  }

  const insert = (text: string, picked?: string) => {
    setDraft(text)
    setTemplateId(picked)
  }

  return (
    <View className="chat-thread">
      {header}
      {status === 'loading' && <Skeleton variant="list" rows={4} />}
      {status === 'error' && session.loadError && (
        <ErrorState error={session.loadError} onRetry={() => void open()} />
      )}
      {status === 'ready' && (
        <View className="chat-thread__list" id="chat-messages">
          {session.hasOlder && (
            <View
              className="chat-thread__older"
              onClick={() => void session.loadOlder().then((e) => e && notifyFailure(e))}
            >
              查看更早的消息
            </View>
          )}
          {items.length === 0 && (
            <EmptyState compact glyph="chat" title="还没有消息" description={emptyHint} />
          )}
          {items.map((item) => (
            <ChatBubble key={item.key} item={item} onRetry={(id) => void session.retry(id)} />
          ))}
        </View>
      )}
      <View className="chat-composer">
        {tools && <View className="chat-composer__tools">{tools(insert)}</View>}
        <View className="chat-composer__row">
          <View id="chat-image" className="chat-composer__icon" onClick={() => void sendImage()}>
            {uploading ? '…' : '图'}
          </View>
          <Input
            id="chat-input"
            className="chat-composer__input"
            value={draft}
            maxlength={1000}
            placeholder="输入消息"
            confirmType="send"
            adjustPosition
            onInput={(e) => setDraft(e.detail.value)}
            onConfirm={sendText}
          />
          <ActionButton
            id="chat-send"
            size="small"
            disabled={draft.trim() === '' || status !== 'ready'}
            onTap={sendText}
          >
            发送
          </ActionButton>
        </View>
      </View>
    </View>
  )
}

function ChatBubble({ item, onRetry }: { item: ChatItem; onRetry: (clientMsgId: string) => void }) {
  if (item.state !== 'sent') {
    return (
      <View className="chat-row chat-row--mine" data-state={item.state}>
        <View className="chat-row__status">
          {item.state === 'sending' ? (
            <View className="chat-row__sending">发送中…</View>
          ) : (
            <View className="chat-row__failed" onClick={() => onRetry(item.clientMsgId)}>
              发送失败，点击重试
            </View>
          )}
        </View>
        <View className="chat-bubble chat-bubble--mine chat-bubble--pending">
          {item.body.type === 'text' ? (
            item.body.text
          ) : item.localPreview ? (
            <Image className="chat-bubble__image" src={item.localPreview} mode="widthFix" />
          ) : (
            '[消息]'
          )}
        </View>
      </View>
    )
  }
  const mine = item.mine
  return (
    <View className={mine ? 'chat-row chat-row--mine' : 'chat-row'} data-seq={item.seq}>
      {!mine && <View className="chat-row__name">{item.sender.name}</View>}
      <View className={mine ? 'chat-bubble chat-bubble--mine' : 'chat-bubble'}>
        {item.type === 'text' && <View className="chat-bubble__text">{item.text}</View>}
        {item.type === 'phone' && (
          <View className="chat-bubble__text">我的手机号：{item.text}</View>
        )}
        {item.type === 'image' && item.imageUrl && (
          <Image
            className="chat-bubble__image"
            src={item.imageUrl}
            mode="widthFix"
            onClick={() => void Taro.previewImage({ urls: [item.imageUrl!] })}
          />
        )}
        {(item.type === 'product' || item.type === 'gift') && item.card && (
          <View className="chat-card">
            <View className="chat-card__tag">{item.type === 'product' ? '商品' : '礼品'}</View>
            <View className="chat-card__name">{item.card.name}</View>
            <View className="chat-card__price">
              {item.card.priceFen !== null ? formatFen(item.card.priceFen) : ''}
              {item.card.pointsPrice !== null ? `${formatPoints(item.card.pointsPrice)} 积分` : ''}
            </View>
          </View>
        )}
      </View>
      <View className="chat-row__time">{formatDateTime(item.at)}</View>
    </View>
  )
}
