import { View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import { useState } from 'react'
import { EmptyState } from '../../components/empty-state'
import { PageShell } from '../../components/page-shell'
import { QueryView } from '../../components/query-view'
import { Skeleton } from '../../components/skeleton'
import { usePullDownRefreshOf } from '../../hooks/use-pull-down-refresh'
import { useApiQuery } from '../../hooks/use-query'
import { ROUTES, withQuery } from '../../lib/routes'
import './index.scss'

type Tab = 'available' | 'used' | 'expired'
const TABS: [Tab, string][] = [
  ['available', '可使用'],
  ['used', '已使用'],
  ['expired', '已过期'],
]

/** 我的 → 优惠券: the member's coupons by tab; each opens its detail (rules and the code a clerk scans). */
export default function CouponsPage() {
  const [tab, setTab] = useState<Tab>('available')
  const list = useApiQuery('member', 'myCoupons', { status: tab })
  usePullDownRefreshOf(list.refresh)
  return (
    <PageShell>
      <View className="coupon-tabs">
        {TABS.map(([value, label]) => (
          <View
            key={value}
            id={`coupon-tab-${value}`}
            className={value === tab ? 'coupon-tab coupon-tab--on' : 'coupon-tab'}
            onClick={() => setTab(value)}
          >
            {label}
          </View>
        ))}
      </View>
      <QueryView
        query={list}
        skeleton={<Skeleton variant="list" rows={3} />}
        isEmpty={(page) => page.items.length === 0}
        empty={
          <EmptyState
            compact
            glyph="ticket"
            title={tab === 'available' ? '还没有可用的优惠券' : '这里还没有优惠券'}
            description="去领券中心看看"
          />
        }
      >
        {(page) => (
          <View id="coupon-list">
            {page.items.map((c) => (
              <View
                key={c.couponId}
                id={`my-coupon-${c.couponId}`}
                className={c.state === 'available' ? 'coupon-card' : 'coupon-card coupon-card--off'}
                onClick={() =>
                  void Taro.navigateTo({ url: withQuery(ROUTES.coupon, { id: c.couponId }) })
                }
              >
                <View className="coupon-card__value">{c.summary}</View>
                <View className="coupon-card__body">
                  <View className="coupon-card__name">{c.name}</View>
                  <View className="coupon-card__line">{c.validText}</View>
                  <View className="coupon-card__status">{c.statusLabel}</View>
                </View>
              </View>
            ))}
          </View>
        )}
      </QueryView>
      <View
        id="coupon-centre-entry"
        className="coupon-centre-link"
        onClick={() => void Taro.navigateTo({ url: ROUTES.couponCentre })}
      >
        去领券中心
      </View>
    </PageShell>
  )
}
