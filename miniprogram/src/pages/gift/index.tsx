import { Image, View } from '@tarojs/components'
import Taro, { useRouter } from '@tarojs/taro'
import { useState } from 'react'
import { api } from '../../api'
import { ActionButton } from '../../components/action-button'
import { NoticeBar } from '../../components/notice-bar'
import { PageShell } from '../../components/page-shell'
import { QueryView } from '../../components/query-view'
import { Section } from '../../components/section'
import { Skeleton } from '../../components/skeleton'
import { notifyFailure } from '../../feedback/notify-failure'
import { useQuery } from '../../hooks/use-query'
import { formatPoints } from '../../lib/format'
import { ROUTES, withQuery } from '../../lib/routes'
import './index.scss'

/**
 * Mail redemption is refused by the server until the WeChat Pay port opens; this is the same
 * explanation it gives (shared/services/redemption-service.ts MAIL_COMING_SOON).
 */
const MAIL_CLOSED_TEXT = '邮寄兑换即将开放，请先选择到店自提'

/** One gift: pictures, description, price; pick a store holding it, confirm, redeem for pickup. */
export default function GiftPage() {
  const { params } = useRouter()
  const giftId = params.giftId ?? ''
  const gift = useQuery(() => api.call('points', 'gift', { giftId }), [giftId])
  const [storeId, setStoreId] = useState<string | undefined>(undefined)
  const [busy, setBusy] = useState(false)

  const redeem = async (giftName: string, points: number, storeName: string) => {
    if (storeId === undefined) return
    const confirm = await Taro.showModal({
      title: '确认兑换',
      content: `用 ${formatPoints(points)} 积分兑换「${giftName}」，到 ${storeName} 自提`,
      confirmText: '确认兑换',
    })
    if (!confirm.confirm) return
    setBusy(true)
    const reply = await api.call('points', 'redeem', { giftId, fulfilment: 'pickup', storeId })
    setBusy(false)
    if (!reply.ok) {
      notifyFailure(reply.error)
      void gift.refresh()
      return
    }
    void Taro.redirectTo({ url: withQuery(ROUTES.redemption, { redemptionId: reply.data.redemptionId, fresh: '1' }) })
  }

  return (
    <PageShell>
      <QueryView query={gift} skeleton={<Skeleton variant='card' />}>
        {(detail) => {
          const stores = detail.stores.filter((s) => s.available > 0)
          const chosen = stores.find((s) => s.storeId === storeId)
          const mailOffered = detail.fulfilments.includes('mail')
          return (
            <View id='gift-detail'>
              {detail.cover ? (
                <Image className='gift-cover' src={detail.cover} mode='aspectFill' />
              ) : (
                <View className='gift-cover gift-cover--blank'>礼</View>
              )}
              <View className='gift-head'>
                <View className='gift-head__name' id='gift-name'>
                  {detail.name}
                </View>
                <View className='gift-head__price' id='gift-price'>
                  {formatPoints(detail.pointsPrice)} 积分
                </View>
                <View className='gift-head__text'>{detail.description}</View>
              </View>
              <Section title='到店自提 · 选择门店'>
                {stores.length === 0 ? (
                  <View className='gift-store__none' id='gift-no-store'>
                    暂无门店有货
                  </View>
                ) : (
                  <View id='gift-stores'>
                    {stores.map((store) => (
                      <View
                        key={store.storeId}
                        id={`gift-store-${store.storeId}`}
                        className={store.storeId === storeId ? 'gift-store gift-store--on' : 'gift-store'}
                        onClick={() => setStoreId(store.storeId)}
                      >
                        <View className='gift-store__name'>{store.storeName}</View>
                        <View className='gift-store__meta'>
                          {store.address} · 余 {store.available} 件
                        </View>
                      </View>
                    ))}
                  </View>
                )}
              </Section>
              {mailOffered && (
                <Section title='邮寄到家'>
                  <View className='gift-store gift-store--disabled' id='gift-mail'>
                    <View className='gift-store__name'>邮寄（暂未开放）</View>
                    <View className='gift-store__meta'>{MAIL_CLOSED_TEXT}</View>
                  </View>
                </Section>
              )}
              {stores.length > 0 && chosen === undefined && <NoticeBar>请选择自提门店</NoticeBar>}
              <View className='gift-actions'>
                <ActionButton
                  block
                  id='gift-redeem'
                  disabled={chosen === undefined}
                  busy={busy}
                  onTap={() => chosen && void redeem(detail.name, detail.pointsPrice, chosen.storeName)}
                >
                  立即兑换
                </ActionButton>
              </View>
            </View>
          )
        }}
      </QueryView>
    </PageShell>
  )
}
