import { useQueryClient } from '@tanstack/react-query'
import { View } from '@tarojs/components'
import Taro, { useDidShow } from '@tarojs/taro'
import { useRef, useState } from 'react'
import { api, type ApiResult } from '../../api'
import type { Contracts, OutputOf } from '../../api/contracts'
import { EmptyState } from '../../components/empty-state'
import { PageShell } from '../../components/page-shell'
import { QueryView } from '../../components/query-view'
import { Skeleton } from '../../components/skeleton'
import { usePullDownRefreshOf } from '../../hooks/use-pull-down-refresh'
import { useQueryAfter } from '../../hooks/use-query'
import { useStaffStatus, type StaffStatus } from '../../hooks/use-staff-status'
import { formatDateTime } from '../../lib/format'
import { ROUTES, withQuery } from '../../lib/routes'
import './index.scss'

type Inbox = OutputOf<Contracts, 'chat', 'inbox'>
type Scope = 'mine' | 'store'

function loadInbox(scope: Scope) {
  return async (status: StaffStatus): Promise<ApiResult<{ isManager: boolean; inbox: Inbox }>> => {
    const inbox = await api.call('chat', 'inbox', { scope, limit: 50 })
    if (!inbox.ok) return inbox
    return {
      ok: true,
      data: { isManager: status.staff && status.profile.isManager, inbox: inbox.data },
    }
  }
}

/** A clerk's conversations, newest first with unread counts; a manager can see the whole store. */
export default function StaffInboxPage() {
  const [scope, setScope] = useState<Scope>('mine')
  const inbox = useQueryAfter(useStaffStatus(), ['chat', 'inbox', scope], loadInbox(scope))
  usePullDownRefreshOf(inbox.refresh)
  // Coming back from a conversation: its unread count has changed.
  const client = useQueryClient()
  const shownOnce = useRef(false)
  useDidShow(() => {
    if (shownOnce.current) void client.invalidateQueries({ queryKey: ['chat', 'inbox'] })
    shownOnce.current = true
  })

  return (
    <PageShell>
      {inbox.status === 'ready' && inbox.data.isManager && (
        <View className="inbox-scope">
          {(
            [
              ['mine', '我的会员'],
              ['store', '全店会话'],
            ] as const
          ).map(([value, label]) => (
            <View
              key={value}
              className={
                value === scope
                  ? 'inbox-scope__option inbox-scope__option--on'
                  : 'inbox-scope__option'
              }
              onClick={() => setScope(value)}
            >
              {label}
            </View>
          ))}
        </View>
      )}
      <QueryView
        query={inbox}
        skeleton={<Skeleton variant="list" rows={5} />}
        isEmpty={(state) => state.inbox.items.length === 0}
        empty={
          <EmptyState
            glyph="chat"
            title="还没有会话"
            description="会员给你发消息后，会出现在这里"
          />
        }
      >
        {(state) => (
          <View id="inbox-list">
            {state.inbox.totalUnread > 0 && (
              <View className="inbox-total">{state.inbox.totalUnread} 条未读</View>
            )}
            {state.inbox.items.map((c) => (
              <View
                key={c.conversationId}
                className="inbox-row"
                hoverClass="inbox-row--pressed"
                onClick={() =>
                  void Taro.navigateTo({
                    url: withQuery(ROUTES.staffChat, {
                      id: c.conversationId,
                      label: c.memberLabel,
                    }),
                  })
                }
              >
                <View className="inbox-row__avatar">会</View>
                <View className="inbox-row__main">
                  <View className="inbox-row__top">
                    <View className="inbox-row__name">{c.memberLabel}</View>
                    <View className="inbox-row__time">
                      {c.lastMessageAt ? formatDateTime(c.lastMessageAt) : ''}
                    </View>
                  </View>
                  <View className="inbox-row__bottom">
                    <View className="inbox-row__preview">
                      {scope === 'store' ? `${c.clerkName} · ` : ''}
                      {c.lastMessagePreview || '暂无消息'}
                    </View>
                    {c.unread > 0 && (
                      <View className="inbox-row__badge">{c.unread > 99 ? '99+' : c.unread}</View>
                    )}
                  </View>
                </View>
              </View>
            ))}
          </View>
        )}
      </QueryView>
    </PageShell>
  )
}
