import { View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import { useState } from 'react'
import { api, type ApiResult } from '../../api'
import type { Contracts, OutputOf } from '../../api/contracts'
import { EmptyState } from '../../components/empty-state'
import { PageShell } from '../../components/page-shell'
import { QueryView } from '../../components/query-view'
import { Skeleton } from '../../components/skeleton'
import { usePullDownRefreshOf } from '../../hooks/use-pull-down-refresh'
import { useQuery } from '../../hooks/use-query'
import { formatDateTime, formatFen } from '../../lib/format'
import { ROUTES } from '../../lib/routes'
import Tabs from '@taroify/core/tabs'
// The tabs' and sticky's stylesheets alone (`…/style` would add Taroify's base styles and icon font).
import '@taroify/core/tabs/index.css'
import '@taroify/core/sticky/index.css'
import './index.scss'

type Order = OutputOf<Contracts, 'shop', 'myOrders'>[number]

/**
 * Tabs over the server's order states (cancelled and expired ones are under 全部 only), each
 * with what an empty tab is empty of.
 */
const FILTERS: { key: string; label: string; states: Order['state'][] | null; empty: string }[] = [
  { key: 'all', label: '全部', states: null, empty: '还没有订单' },
  { key: 'unpaid', label: '待付款', states: ['awaiting_payment'], empty: '没有待付款的订单' },
  { key: 'pickup', label: '待自提', states: ['awaiting_pickup'], empty: '没有待自提的订单' },
  { key: 'ship', label: '待发货', states: ['awaiting_shipment'], empty: '没有待发货的订单' },
  { key: 'receive', label: '待收货', states: ['shipped'], empty: '没有待收货的订单' },
  // Refunded by HQ: finished, listed with the completed ones.
  {
    key: 'done',
    label: '已完成',
    states: ['picked_up', 'delivered', 'refunded'],
    empty: '没有已完成的订单',
  },
]

type Filter = string

function matches(filter: Filter, order: Order): boolean {
  const states = FILTERS.find((f) => f.key === filter)?.states
  return !states || states.includes(order.state)
}

function loadOrders(): Promise<ApiResult<Order[]>> {
  return api.call('shop', 'myOrders')
}

export default function OrdersPage() {
  const orders = useQuery(['shop', 'myOrders'], loadOrders)
  usePullDownRefreshOf(orders.refresh)
  const [filter, setFilter] = useState<Filter>('all')

  return (
    <PageShell>
      {/* Taroify's tabs as the header only (empty panes; the list below filters): the bar scrolls
          sideways past four tabs, sticks to the top while the list scrolls, and its line slides
          to the chosen tab. Each title carries the id tests and analytics tap. */}
      <Tabs
        className="order-filters"
        value={filter}
        onChange={(value: Filter) => setFilter(value)}
        sticky
        swipeThreshold={4}
      >
        {FILTERS.map((f) => (
          <Tabs.TabPane
            key={f.key}
            value={f.key}
            title={
              <View id={`order-filter-${f.key}`} className="order-filters__title">
                {f.label}
              </View>
            }
          />
        ))}
      </Tabs>
      <QueryView
        query={orders}
        skeleton={<Skeleton variant="list" rows={3} />}
        isEmpty={(list) => !list.some((o) => matches(filter, o))}
        empty={
          <EmptyState
            glyph="receipt"
            title={FILTERS.find((f) => f.key === filter)?.empty ?? '还没有订单'}
            description={
              filter === 'all'
                ? '在线下单后，可在这里查看进度和自提码'
                : '其他状态的订单可在「全部」中查看'
            }
            action={{ text: '去逛逛', onTap: () => void Taro.switchTab({ url: ROUTES.shop }) }}
          />
        }
      >
        {(list) => (
          <View className="order-list">
            {list
              .filter((o) => matches(filter, o))
              .map((order) => (
                <View
                  key={order.orderId}
                  className="order-item"
                  onClick={() =>
                    void Taro.navigateTo({ url: `${ROUTES.order}?id=${order.orderId}` })
                  }
                >
                  <View>
                    <View>{order.items.map((i) => i.name).join('、')}</View>
                    <View className="order-item__meta">
                      {order.statusLabel} · {formatDateTime(order.createdAt)}
                    </View>
                    {order.orderNo && (
                      <View className="order-item__no" id={`order-no-${order.orderNo}`}>
                        订单号 {order.orderNo}
                      </View>
                    )}
                  </View>
                  <View className="order-item__total">{formatFen(order.totalFen)}</View>
                </View>
              ))}
          </View>
        )}
      </QueryView>
    </PageShell>
  )
}
