import { View } from '@tarojs/components'
import Taro, { useDidShow, useReachBottom } from '@tarojs/taro'
import { useEffect, useRef, useState } from 'react'
import { api, type ApiResult } from '../../api'
import type { Contracts, OutputOf } from '../../api/contracts'
import { ActionButton } from '../../components/action-button'
import { EmptyState } from '../../components/empty-state'
import { PageShell } from '../../components/page-shell'
import { QueryView } from '../../components/query-view'
import { Section } from '../../components/section'
import { Skeleton } from '../../components/skeleton'
import { notifyFailure } from '../../feedback/notify-failure'
import { usePullDownRefreshOf } from '../../hooks/use-pull-down-refresh'
import { useQuery } from '../../hooks/use-query'
import { formatDate, formatFen, formatPoints } from '../../lib/format'
import {
  lastUsableDay,
  mergeMonthGroups,
  monthLabel,
  progressWidth,
  signedPoints,
  type MonthGroup,
} from '../../lib/points-format'
import { ROUTES } from '../../lib/routes'
import './index.scss'

type Summary = OutputOf<Contracts, 'points', 'summary'>
type Ledger = OutputOf<Contracts, 'points', 'ledger'>
type LedgerItem = Ledger['groups'][number]['items'][number]
type PointsState = { bound: false } | { bound: true; summary: Summary; ledger: Ledger }

const PAGE_SIZE = 20

async function loadPoints(): Promise<ApiResult<PointsState>> {
  const [summary, ledger] = await Promise.all([
    api.call('points', 'summary'),
    api.call('points', 'ledger', { limit: PAGE_SIZE }),
  ])
  if (!summary.ok)
    return summary.error.code === 'NOT_FOUND' ? { ok: true, data: { bound: false } } : summary
  if (!ledger.ok) return ledger
  return { ok: true, data: { bound: true, summary: summary.data, ledger: ledger.data } }
}

/** Balance, tier and progress, the next expiring batch, and the ledger by month (loads on scroll). */
export default function PointsPage() {
  const points = useQuery(['points', 'summaryAndLedger'], loadPoints)
  usePullDownRefreshOf(points.refresh)
  // Back on the tab after a redemption or a purchase: show the new balance and entries.
  const seen = useRef(false)
  useDidShow(() => {
    if (seen.current) void points.refresh()
    seen.current = true
  })

  // Pages after the first; reset whenever the first page reloads (pull-to-refresh).
  const [more, setMore] = useState<
    { groups: MonthGroup<LedgerItem>[]; nextCursor: string | null } | undefined
  >(undefined)
  const [loadingMore, setLoadingMore] = useState(false)
  const first = points.status === 'ready' && points.data.bound ? points.data.ledger : undefined
  useEffect(() => setMore(undefined), [first])

  const nextCursor = more ? more.nextCursor : (first?.nextCursor ?? null)
  const loadMore = async () => {
    if (nextCursor === null || loadingMore) return
    setLoadingMore(true)
    const reply = await api.call('points', 'ledger', { limit: PAGE_SIZE, cursor: nextCursor })
    setLoadingMore(false)
    if (!reply.ok) {
      notifyFailure(reply.error, () => void loadMore())
      return
    }
    setMore((m) => ({
      groups: mergeMonthGroups(m?.groups ?? [], reply.data.groups),
      nextCursor: reply.data.nextCursor,
    }))
  }
  useReachBottom(() => void loadMore())

  return (
    <PageShell>
      <QueryView query={points} skeleton={<Skeleton variant="list" rows={4} />}>
        {(state) =>
          state.bound ? (
            <>
              <View className="points-hero" id="points-hero">
                <View className="points-hero__label">可用积分 · {state.summary.tierName}</View>
                <View className="points-hero__figure" id="points-balance">
                  {formatPoints(state.summary.points)}
                </View>
                {state.summary.nextTier ? (
                  <View className="points-tier" id="points-tier">
                    <View className="points-tier__track">
                      <View
                        className="points-tier__fill"
                        style={{ width: progressWidth(state.summary.progress) }}
                      />
                    </View>
                    <View className="points-hero__note">
                      再消费 {formatFen(state.summary.nextTier.remainingFen)} 升级
                      {state.summary.nextTier.tierName}（近一年已消费{' '}
                      {formatFen(state.summary.paid365Fen)}）
                    </View>
                  </View>
                ) : (
                  <View className="points-hero__note" id="points-tier">
                    已是最高等级 · 积分 {state.summary.multiplier} 倍
                  </View>
                )}
                <View className="points-hero__note" id="points-expiry">
                  {state.summary.nextExpiry
                    ? `${formatPoints(state.summary.nextExpiry.points)} 积分将于 ${state.summary.nextExpiry.lastDay} 到期`
                    : '暂无即将到期的积分'}
                </View>
              </View>
              <Section title="积分明细">
                {state.ledger.groups.length === 0 ? (
                  <EmptyState
                    compact
                    glyph="star"
                    title="还没有积分记录"
                    description="消费、兑换礼品后，每一笔积分都会列在这里"
                  />
                ) : (
                  <View id="points-ledger">
                    {mergeMonthGroups(state.ledger.groups, more?.groups ?? []).map((group) => (
                      <View key={group.month} className="ledger-month">
                        <View className="ledger-month__title">{monthLabel(group.month)}</View>
                        {group.items.map((item) => (
                          <View key={item.entryId} className="ledger-item">
                            <View className="ledger-item__main">
                              <View className="ledger-item__title">{item.title}</View>
                              <View className="ledger-item__meta">
                                {formatDate(item.at)}
                                {item.expiresAt && item.remaining
                                  ? ` · ${formatPoints(item.remaining)} 分 ${lastUsableDay(item.expiresAt)} 到期`
                                  : ''}
                              </View>
                            </View>
                            <View
                              className={
                                item.points >= 0
                                  ? 'ledger-item__points ledger-item__points--in'
                                  : 'ledger-item__points'
                              }
                            >
                              {signedPoints(item.points)}
                            </View>
                          </View>
                        ))}
                      </View>
                    ))}
                    {nextCursor !== null ? (
                      <View className="ledger-more">
                        <ActionButton
                          id="points-more"
                          kind="secondary"
                          size="small"
                          busy={loadingMore}
                          onTap={() => void loadMore()}
                        >
                          加载更多
                        </ActionButton>
                      </View>
                    ) : (
                      <View className="ledger-end">没有更多了</View>
                    )}
                  </View>
                )}
              </Section>
            </>
          ) : (
            <>
              <View className="points-hero">
                <View className="points-hero__label">可用积分</View>
                <View className="points-hero__figure">--</View>
                <View className="points-hero__note">开卡后，消费即可累积积分</View>
              </View>
              <Section title="积分明细">
                <EmptyState
                  compact
                  glyph="star"
                  title="还没有积分记录"
                  description="到店扫描门店或导购的二维码开卡，开卡即送积分"
                  action={{
                    text: '去开卡',
                    onTap: () => void Taro.switchTab({ url: ROUTES.home }),
                  }}
                />
              </Section>
            </>
          )
        }
      </QueryView>
    </PageShell>
  )
}
