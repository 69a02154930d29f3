import { View } from '@tarojs/components'
import { useDidHide, useDidShow, useRouter } from '@tarojs/taro'
import { useEffect, useState } from 'react'
import { BarcodeView } from '../../components/barcode-view'
import { MemberCodeView } from '../../components/member-code-view'
import { PageShell } from '../../components/page-shell'
import { QueryView } from '../../components/query-view'
import { Skeleton } from '../../components/skeleton'
import { useApiQuery } from '../../hooks/use-query'
import './index.scss'

// The server says when to ask again; keep within sane bounds whatever it says.
function refreshDelay(ms: number): number {
  return Math.min(Math.max(ms, 5_000), 5 * 60_000)
}

/**
 * One coupon: its rules, its state, and while it can be used at a till its coupon code (券码): a
 * signed code of this minute naming the member and this coupon, which the clerk scans at the
 * till to book the sale with it. The page asks again when the server says (a new code each
 * minute, a fresh one right after a sale used it), so it also shows the coupon turn used.
 */
export default function CouponPage() {
  const { params } = useRouter()
  const couponId = params.id ?? ''
  const coupon = useApiQuery('member', 'coupon', { couponId })
  const [visible, setVisible] = useState(true)
  useDidShow(() => setVisible(true))
  useDidHide(() => setVisible(false))
  const tillCode = coupon.status === 'ready' ? coupon.data.tillCode : null
  const refreshError = coupon.status === 'ready' ? coupon.refreshError : undefined
  const { refresh } = coupon
  useEffect(() => {
    if (!visible || !tillCode) return undefined
    const timer = setTimeout(() => void refresh(), refreshDelay(tillCode.refreshAfterMs))
    return () => clearTimeout(timer)
  }, [visible, tillCode, refreshError, refresh])
  return (
    <PageShell>
      <QueryView query={coupon} skeleton={<Skeleton variant="list" rows={4} />}>
        {(c) => (
          <View className="coupon-detail" id="coupon-detail">
            <View className="coupon-detail__name">{c.name}</View>
            <View className="coupon-detail__status" id="coupon-status">
              {c.statusLabel}
            </View>
            {c.tillCode && (
              <View id="coupon-till-code">
                <MemberCodeView
                  code={c.tillCode.code}
                  caption="券码每分钟自动刷新，请勿截图或转发给他人"
                />
                <BarcodeView digits={c.tillCode.code} />
                <View className="coupon-detail__hint">到店结账时出示此券码，由店员扫码核销</View>
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
