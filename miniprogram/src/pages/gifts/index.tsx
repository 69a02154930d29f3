import { View } from '@tarojs/components'
import type { ApiResult } from '../../api'
import { EmptyState } from '../../components/empty-state'
import { PageShell } from '../../components/page-shell'
import { QueryView } from '../../components/query-view'
import { Skeleton } from '../../components/skeleton'
import { usePullDownRefreshOf } from '../../hooks/use-pull-down-refresh'
import { useQuery } from '../../hooks/use-query'
import { formatPoints } from '../../lib/format'
import './index.scss'

interface GiftSummary {
  giftId: string
  name: string
  pointsPrice: number
}

// The catalog comes from `points.gifts`, which arrives with the points issue. Until that
// function exists the catalog is empty rather than invented; the page's states are already real.
async function loadGifts(): Promise<ApiResult<GiftSummary[]>> {
  return { ok: true, data: [] }
}

export default function GiftsPage() {
  const gifts = useQuery(loadGifts)
  usePullDownRefreshOf(gifts.refresh)

  return (
    <PageShell>
      <View className='gifts-banner'>
        <View className='gifts-banner__title'>积分好礼</View>
        <View className='gifts-banner__text'>到店自提或邮寄到家</View>
      </View>
      <QueryView
        query={gifts}
        skeleton={<Skeleton variant='list' rows={4} />}
        isEmpty={(list) => list.length === 0}
        empty={<EmptyState glyph='礼' title='礼品正在上架' description='新礼品上架后会出现在这里，下拉可刷新' />}
      >
        {(list) => (
          <View className='gift-list'>
            {list.map((gift) => (
              <View key={gift.giftId} className='gift-item'>
                <View className='gift-item__name'>{gift.name}</View>
                <View className='gift-item__price'>{formatPoints(gift.pointsPrice)} 积分</View>
              </View>
            ))}
          </View>
        )}
      </QueryView>
    </PageShell>
  )
}
