import { View } from '@tarojs/components'
import Taro, { useRouter } from '@tarojs/taro'
import { useEffect, useState } from 'react'
import { api, type ClientError } from '../../api'
import type { Contracts, OutputOf } from '../../api/contracts'
import { ChatThread } from '../../components/chat-thread'
import { PageShell } from '../../components/page-shell'
import { formatDate, formatPoints, TIER_LABELS } from '../../lib/format'
import { ROUTES, withQuery } from '../../lib/routes'
import './index.scss'

type Template = OutputOf<Contracts, 'chat', 'templates'>['items'][number]

/** HQ's ready-made texts: picking one puts it into the input, to edit before sending. */
function TemplatePicker({ onPick }: { onPick: (text: string, templateId: string) => void }) {
  const [open, setOpen] = useState(false)
  const [templates, setTemplates] = useState<Template[] | undefined>(undefined)
  const [error, setError] = useState<ClientError | undefined>(undefined)

  const toggle = async () => {
    setOpen(!open)
    if (templates !== undefined || open) return
    const reply = await api.call('chat', 'templates')
    if (reply.ok) setTemplates(reply.data.items)
    else setError(reply.error)
  }

  return (
    <View className="template-picker">
      <View id="chat-templates" className="template-picker__toggle" onClick={() => void toggle()}>
        {open ? '收起模板' : '总部模板'}
      </View>
      {open && (
        <View className="template-picker__panel" id="template-panel">
          {error && <View className="template-picker__note">{error.message}</View>}
          {!error && templates === undefined && (
            <View className="template-picker__note">加载中…</View>
          )}
          {templates?.length === 0 && (
            <View className="template-picker__note">总部还没有发布模板</View>
          )}
          {templates?.map((t) => (
            <View
              key={t.templateId}
              className="template-picker__item"
              onClick={() => {
                onPick(t.text, t.templateId)
                setOpen(false)
              }}
            >
              <View className="template-picker__title">{t.title}</View>
              <View className="template-picker__text">{t.text}</View>
            </View>
          ))}
        </View>
      )}
    </View>
  )
}

type MemberDetail = OutputOf<Contracts, 'staff', 'memberDetail'>['member']

/**
 * Who the clerk is talking to, beside the thread: tier, points and last purchase (a conversation's
 * id is its member's), with the way to the full record.
 */
function MemberSummary({ memberId }: { memberId: string }) {
  const [member, setMember] = useState<MemberDetail | undefined>(undefined)
  useEffect(() => {
    let current = true
    void api.call('staff', 'memberDetail', { memberId }).then((reply) => {
      if (current && reply.ok) setMember(reply.data.member)
    })
    return () => {
      current = false
    }
  }, [memberId])
  if (!member) return null
  return (
    <View
      className="chat-member"
      id="chat-member"
      onClick={() =>
        void Taro.navigateTo({ url: withQuery(ROUTES.staffMemberDetail, { memberId }) })
      }
    >
      <View className="chat-member__item">
        <View className="chat-member__figure">{TIER_LABELS[member.tier]}</View>
        <View className="chat-member__label">等级</View>
      </View>
      <View className="chat-member__item">
        <View className="chat-member__figure">{formatPoints(member.points)}</View>
        <View className="chat-member__label">积分</View>
      </View>
      <View className="chat-member__item">
        <View className="chat-member__figure">
          {member.lastPurchaseAt ? formatDate(member.lastPurchaseAt) : '暂无'}
        </View>
        <View className="chat-member__label">最近消费</View>
      </View>
    </View>
  )
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value)
  } catch {
    return value
  }
}

/** A clerk's side of one member conversation (`?id=<conversationId>&label=<member>`). */
export default function StaffChatPage() {
  const { params } = useRouter()
  const conversationId = params.id ?? ''
  const label = safeDecode(params.label ?? '')
  useEffect(() => {
    if (label) void Taro.setNavigationBarTitle({ title: label })
  }, [label])

  return (
    <PageShell className="staff-chat">
      <ChatThread
        conversationId={conversationId}
        header={
          <>
            {label && (
              <View className="staff-chat__header" id="chat-peer">
                {label}
              </View>
            )}
            {conversationId && <MemberSummary memberId={conversationId} />}
          </>
        }
        emptyHint="打个招呼，或从总部模板里挑一条"
        tools={(insert) => <TemplatePicker onPick={insert} />}
      />
    </PageShell>
  )
}
