import { View } from '@tarojs/components'
import { useRouter } from '@tarojs/taro'
import { MemberCodeView } from '../../components/member-code-view'
import { PageShell } from '../../components/page-shell'
import { QueryView } from '../../components/query-view'
import { Skeleton } from '../../components/skeleton'
import { useApiQuery } from '../../hooks/use-query'
import './index.scss'

/** One coupon: its rules, its state, and the code a clerk scans at the till while it is usable. */
export default function CouponPage() {
  const { params } = useRouter()
  const couponId = params.id ?? ''
  const coupon = useApiQuery('member', 'coupon', { couponId })
  return (
    <PageShell>
      <QueryView query={coupon} skeleton={<Skeleton variant="list" rows={4} />}>
        {(c) => (
          <View className="coupon-detail" id="coupon-detail">
            <View className="coupon-detail__name">{c.name}</View>
            <View className="coupon-detail__status" id="coupon-status">
              {c.statusLabel}
            </View>
            {c.state === 'available' && c.channels.includes('offline') && (
              <View>
                <MemberCodeView code={c.code} />
                <View className="coupon-detail__hint">到店结账时出示此码，由店员核销</View>
              </View>
            )}
            {c.rules.map((rule, i) => (
              <View key={i} className="coupon-detail__rule">
                {rule}
              </View>
            ))}
            <View className="coupon-detail__rule">来源：{c.source}</View>
          </View>
        )}
      </QueryView>
    </PageShell>
  )
}
