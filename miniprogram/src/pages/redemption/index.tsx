import { View } from '@tarojs/components'
import { useRouter } from '@tarojs/taro'
import { api } from '../../api'
import { MemberCodePanel } from '../../components/member-code-panel'
import { PageShell } from '../../components/page-shell'
import { QueryView } from '../../components/query-view'
import { Skeleton } from '../../components/skeleton'
import { usePullDownRefreshOf } from '../../hooks/use-pull-down-refresh'
import { useQuery } from '../../hooks/use-query'
import { formatDateTime, formatPoints } from '../../lib/format'
import './index.scss'

/** One redemption: while awaiting pickup, the pickup code as a QR and in digits; then its outcome. */
export default function RedemptionPage() {
  const { params } = useRouter()
  const redemptionId = params.redemptionId ?? ''
  const fresh = params.fresh === '1'
  const redemption = useQuery(() => api.call('points', 'redemption', { redemptionId }), [redemptionId])
  usePullDownRefreshOf(redemption.refresh)

  return (
    <PageShell>
      <QueryView query={redemption} skeleton={<Skeleton variant='card' />}>
        {(r) => (
          <View className='redemption' id='redemption'>
            {fresh && r.status === 'awaitingPickup' && (
              <View className='redemption__success' id='redeem-success'>
                兑换成功，已扣除 {formatPoints(r.points)} 积分
              </View>
            )}
            <View className='redemption__card'>
              <View className='redemption__gift'>{r.giftName}</View>
              <View className={`redemption__status redemption__status--${r.status}`} id='redemption-status'>
                {r.statusText}
              </View>
              {r.status === 'awaitingPickup' && r.pickupCode && (
                <View className='redemption__code'>
                  <View className='redemption__hint'>到 {r.storeName} 出示此码给店员核销</View>
                  {/* The renderer draws the QR and, under it, the code in groups of digits. */}
                  <View id='pickup-code'>
                    <MemberCodePanel code={r.pickupCode} />
                  </View>
                </View>
              )}
              {r.status === 'collected' && (
                <View className='redemption__line' id='redemption-collected'>
                  {formatDateTime(r.collectedAt ?? '')} 已在 {r.storeName} 领取{r.collectedByName ? `（${r.collectedByName} 核销）` : ''}
                </View>
              )}
              {r.status === 'cancelled' && (
                <View className='redemption__line'>
                  {formatDateTime(r.cancelledAt ?? '')} 已取消{r.cancelReason ? `：${r.cancelReason}` : ''}，积分已退回
                </View>
              )}
              <View className='redemption__line'>消耗积分 {formatPoints(r.points)}</View>
              <View className='redemption__line'>兑换时间 {formatDateTime(r.createdAt)}</View>
              {r.storeName && <View className='redemption__line'>自提门店 {r.storeName}</View>}
            </View>
          </View>
        )}
      </QueryView>
    </PageShell>
  )
}
