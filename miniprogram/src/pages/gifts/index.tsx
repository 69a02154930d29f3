import { View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import { api } from '../../api'
import { EmptyState } from '../../components/empty-state'
import { PageShell } from '../../components/page-shell'
import { QueryView } from '../../components/query-view'
import { Skeleton } from '../../components/skeleton'
import { usePullDownRefreshOf } from '../../hooks/use-pull-down-refresh'
import { useQuery } from '../../hooks/use-query'
import { formatPoints } from '../../lib/format'
import { CoverImage } from '../../components/cover-image'
import { ROUTES, withQuery } from '../../lib/routes'
import './index.scss'

const loadGifts = () => api.call('points', 'gifts')

/** The gift catalog (`points.gifts`): image, name, price in points, what is left. */
export default function GiftsPage() {
  const gifts = useQuery(['points', 'gifts'], loadGifts)
  usePullDownRefreshOf(gifts.refresh)

  return (
    <PageShell>
      <View className="gifts-banner">
        <View className="gifts-banner__title">积分好礼</View>
        <View className="gifts-banner__text">到店自提或邮寄到家</View>
        <View
          className="gifts-banner__link"
          id="my-redemptions"
          onClick={() => void Taro.navigateTo({ url: ROUTES.redemptions })}
        >
          我的兑换 ›
        </View>
      </View>
      <QueryView
        query={gifts}
        skeleton={<Skeleton variant="list" rows={4} />}
        isEmpty={(list) => list.length === 0}
        empty={
          <EmptyState
            glyph="gift"
            title="礼品正在上架"
            description="新礼品上架后会出现在这里，下拉可刷新"
          />
        }
      >
        {(list) => (
          <View className="gift-list" id="gift-list">
            {list.map((gift) => {
              // A coupon gift has no stock of its own: what is left of its coupon (null: no limit).
              const available = gift.coupon
                ? (gift.coupon.remaining ?? Infinity)
                : gift.pickupAvailable + gift.mailAvailable
              return (
                <View
                  key={gift.giftId}
                  id={`gift-item-${gift.giftId}`}
                  className="gift-item"
                  onClick={() =>
                    void Taro.navigateTo({ url: withQuery(ROUTES.gift, { giftId: gift.giftId }) })
                  }
                >
                  <CoverImage className="gift-item__image" src={gift.cover} />
                  <View className="gift-item__body">
                    <View className="gift-item__name">{gift.name}</View>
                    <View className="gift-item__price">{formatPoints(gift.pointsPrice)} 积分</View>
                    <View
                      className={
                        available > 0
                          ? 'gift-item__stock'
                          : 'gift-item__stock gift-item__stock--out'
                      }
                    >
                      {available <= 0
                        ? '已兑完'
                        : gift.coupon
                          ? `电子券 · ${gift.coupon.summary}${available === Infinity ? '' : ` · 余 ${available} 张`}`
                          : `可兑 ${available} 件`}
                    </View>
                  </View>
                </View>
              )
            })}
          </View>
        )}
      </QueryView>
    </PageShell>
  )
}
