import { View } from '@tarojs/components'
import { PageShell } from '../../components/page-shell'
import { QueryView } from '../../components/query-view'
import { Section } from '../../components/section'
import { Skeleton } from '../../components/skeleton'
import { usePullDownRefreshOf } from '../../hooks/use-pull-down-refresh'
import { useApiQuery } from '../../hooks/use-query'
import { formatFen } from '../../lib/format'
import './index.scss'

/**
 * A clerk's month: sales by their members online and offline, and their commission — pending
 * until the refund window has passed, then settled — with a six-month trend.
 */
export default function PerformancePage() {
  const performance = useApiQuery('staff', 'performance', {})
  usePullDownRefreshOf(performance.refresh)
  return (
    <PageShell>
      <QueryView query={performance} skeleton={<Skeleton variant="card" />}>
        {(data) => {
          const peak = Math.max(1, ...data.trend.map((m) => m.salesFen))
          return (
            <View id="staff-performance">
              <View className="performance-head">
                <View className="performance-head__label">{data.month} 会员消费</View>
                <View className="performance-head__figure" id="performance-sales">
                  {formatFen(data.salesFen)}
                </View>
                <View className="performance-head__split">
                  线上 {formatFen(data.salesOnlineFen)} · 门店 {formatFen(data.salesOfflineFen)} ·{' '}
                  {data.orders} 笔
                </View>
              </View>
              <Section title="本月提成">
                <View className="performance-commission" id="performance-commission">
                  <View className="performance-commission__item">
                    <View className="performance-commission__figure">
                      {formatFen(data.commissionPendingFen)}
                    </View>
                    <View className="performance-commission__label">待结算（退款期内）</View>
                  </View>
                  <View className="performance-commission__item">
                    <View className="performance-commission__figure">
                      {formatFen(data.commissionSettledFen)}
                    </View>
                    <View className="performance-commission__label">已结算</View>
                  </View>
                  <View className="performance-commission__item">
                    <View className="performance-commission__figure">
                      {formatFen(data.commissionReversedFen)}
                    </View>
                    <View className="performance-commission__label">退款冲回</View>
                  </View>
                </View>
              </Section>
              <Section title="近 6 个月">
                <View className="performance-trend" id="performance-trend">
                  {data.trend.map((month) => (
                    <View key={month.month} className="performance-trend__col">
                      <View
                        className="performance-trend__bar"
                        style={{ height: `${Math.round((month.salesFen / peak) * 100)}%` }}
                      />
                      <View className="performance-trend__label">{month.month.slice(5)}月</View>
                    </View>
                  ))}
                </View>
              </Section>
            </View>
          )
        }}
      </QueryView>
    </PageShell>
  )
}
