import { View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import { useState } from 'react'
import { api } from '../../api'
import { ActionButton } from '../../components/action-button'
import { EmptyState } from '../../components/empty-state'
import { PageShell } from '../../components/page-shell'
import { QueryView } from '../../components/query-view'
import { Skeleton } from '../../components/skeleton'
import { notifyFailure } from '../../feedback/notify-failure'
import { usePullDownRefreshOf } from '../../hooks/use-pull-down-refresh'
import { useApiQuery } from '../../hooks/use-query'
// The coupon list's styles: the centre shows the same cards.
import '../coupons/index.scss'

/** 领券中心: the coupons HQ published, what is left, and a claim button (or why not). */
export default function CouponCentrePage() {
  const list = useApiQuery('member', 'couponCentre')
  const [busy, setBusy] = useState<string | null>(null)
  usePullDownRefreshOf(list.refresh)
  const claim = async (templateId: string) => {
    setBusy(templateId)
    const res = await api.call('member', 'claimCoupon', { templateId })
    setBusy(null)
    if (!res.ok) notifyFailure(res.error)
    else void Taro.showToast({ title: '领取成功', icon: 'success' })
    await list.refresh()
  }
  return (
    <PageShell>
      <QueryView
        query={list}
        skeleton={<Skeleton variant="list" rows={3} />}
        isEmpty={(page) => page.items.length === 0}
        empty={<EmptyState compact glyph="ticket" title="暂时没有可领的优惠券" />}
      >
        {(page) => (
          <View id="centre-list">
            {page.items.map((t) => (
              <View
                key={t.templateId}
                id={`centre-${t.templateId}`}
                className={t.canClaim ? 'coupon-card' : 'coupon-card coupon-card--off'}
              >
                <View className="coupon-card__value">{t.summary}</View>
                <View className="coupon-card__body">
                  <View className="coupon-card__name">{t.name}</View>
                  <View className="coupon-card__line">
                    {t.validityText} · {t.channelsText}
                  </View>
                  {t.remaining !== null && (
                    <View className="coupon-card__line">剩余 {t.remaining} 张</View>
                  )}
                  {t.canClaim ? (
                    <ActionButton
                      id={`claim-${t.templateId}`}
                      size="small"
                      busy={busy === t.templateId}
                      onTap={() => void claim(t.templateId)}
                    >
                      立即领取
                    </ActionButton>
                  ) : (
                    <View className="coupon-card__status">{t.reason}</View>
                  )}
                </View>
              </View>
            ))}
          </View>
        )}
      </QueryView>
    </PageShell>
  )
}
