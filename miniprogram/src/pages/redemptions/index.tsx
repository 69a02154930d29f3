import { View } from '@tarojs/components'
import Taro, { useDidShow, useReachBottom } from '@tarojs/taro'
import { useEffect, useState } from 'react'
import { api } from '../../api'
import type { Contracts, OutputOf } from '../../api/contracts'
import { ActionButton } from '../../components/action-button'
import { EmptyState } from '../../components/empty-state'
import { PageShell } from '../../components/page-shell'
import { QueryView } from '../../components/query-view'
import { Skeleton } from '../../components/skeleton'
import { notifyFailure } from '../../feedback/notify-failure'
import { usePullDownRefreshOf } from '../../hooks/use-pull-down-refresh'
import { useApiQuery } from '../../hooks/use-query'
import { formatDateTime, formatPoints } from '../../lib/format'
import { ROUTES, withQuery } from '../../lib/routes'
import './index.scss'

type Item = OutputOf<Contracts, 'points', 'myRedemptions'>['items'][number]
const PAGE_SIZE = 20

/** The server's label of the status, with when it was collected. */
function statusLine(r: Item): string {
  return r.collectedAt ? `${r.statusLabel} · ${formatDateTime(r.collectedAt)}` : r.statusLabel
}

/** The member's redemptions, newest first, with their status; tap for the detail and pickup code. */
export default function RedemptionsPage() {
  const list = useApiQuery('points', 'myRedemptions', { limit: PAGE_SIZE })
  usePullDownRefreshOf(list.refresh)
  // Coming back from a detail: show what changed (e.g. collected at the counter meanwhile).
  const [shownOnce, setShownOnce] = useState(false)
  useDidShow(() => {
    if (shownOnce) void list.refresh()
    setShownOnce(true)
  })

  const [more, setMore] = useState<{ items: Item[]; nextCursor: string | null } | undefined>(
    undefined,
  )
  const [loadingMore, setLoadingMore] = useState(false)
  const first = list.status === 'ready' ? list.data : undefined
  useEffect(() => setMore(undefined), [first])
  const nextCursor = more ? more.nextCursor : (first?.nextCursor ?? null)
  const loadMore = async () => {
    if (nextCursor === null || loadingMore) return
    setLoadingMore(true)
    const reply = await api.call('points', 'myRedemptions', {
      limit: PAGE_SIZE,
      cursor: nextCursor,
    })
    setLoadingMore(false)
    if (!reply.ok) {
      notifyFailure(reply.error, () => void loadMore())
      return
    }
    setMore((m) => ({
      items: [...(m?.items ?? []), ...reply.data.items],
      nextCursor: reply.data.nextCursor,
    }))
  }
  useReachBottom(() => void loadMore())

  return (
    <PageShell>
      <QueryView
        query={list}
        skeleton={<Skeleton variant="list" rows={4} />}
        isEmpty={(page) => page.items.length === 0}
        empty={
          <EmptyState
            glyph="gift"
            title="还没有兑换记录"
            description="用积分兑换礼品后，会出现在这里"
          />
        }
      >
        {(page) => (
          <View className="redemption-list" id="redemption-list">
            {[...page.items, ...(more?.items ?? [])].map((r) => (
              <View
                key={r.redemptionId}
                className="redemption-row"
                onClick={() =>
                  void Taro.navigateTo({
                    url: withQuery(ROUTES.redemption, { redemptionId: r.redemptionId }),
                  })
                }
              >
                <View className="redemption-row__main">
                  <View className="redemption-row__name">{r.giftName}</View>
                  <View className="redemption-row__meta">
                    {formatPoints(r.points)} 积分 ·{' '}
                    {r.fulfilment === 'mail' ? '邮寄到家' : (r.storeName ?? '')} ·{' '}
                    {formatDateTime(r.createdAt)}
                  </View>
                </View>
                <View className={`redemption-row__status redemption-row__status--${r.status}`}>
                  {statusLine(r)}
                </View>
              </View>
            ))}
            {nextCursor !== null && (
              <View className="redemption-list__more">
                <ActionButton
                  kind="secondary"
                  size="small"
                  busy={loadingMore}
                  onTap={() => void loadMore()}
                >
                  加载更多
                </ActionButton>
              </View>
            )}
          </View>
        )}
      </QueryView>
    </PageShell>
  )
}
