import { View } from '@tarojs/components'
import Taro, { useRouter } from '@tarojs/taro'
import { useEffect, useState } from 'react'
import { api } from '../../api'
import type { Contracts, OutputOf } from '../../api/contracts'
import { ActionButton } from '../../components/action-button'
import { MemberCodePanel } from '../../components/member-code-panel'
import { PageShell } from '../../components/page-shell'
import { QueryView } from '../../components/query-view'
import { StatusTimeline, type TimelineStep } from '../../components/status-timeline'
import { StoreCard } from '../../components/store-card'
import { Skeleton } from '../../components/skeleton'
import { notifyFailure } from '../../feedback/notify-failure'
import { usePullDownRefreshOf } from '../../hooks/use-pull-down-refresh'
import { useApiQuery } from '../../hooks/use-query'
import {
  formatDateTime,
  formatFen,
  formatPoints,
  formatPostalAddress,
  formatTimeLeft,
} from '../../lib/format'
import { requestWechatPayment } from '../../lib/pay'
import './index.scss'
import { pointsChanged } from '../../lib/queries'

type Redemption = OutputOf<Contracts, 'points', 'redemption'>

// H5 only (the local stack's pay sandbox); a build-time constant, so WeChat drops it.
const sandboxPay: ((outTradeNo: string) => Promise<boolean>) | null =
  process.env.TARO_ENV === 'h5' ? require('../../lib/sandbox-pay').sandboxPay : null

/** The steps of a mail redemption, with the time of each one reached. */
function mailTimeline(r: Redemption): TimelineStep[] {
  const steps: TimelineStep[] = [{ key: 'created', label: '提交兑换', at: r.createdAt, done: true }]
  if (r.cancelledAt)
    return [
      ...steps,
      { key: 'cancelled', label: '已取消，积分已退回', at: r.cancelledAt, done: true },
    ]
  if ((r.shippingFeeFen ?? 0) > 0)
    steps.push({
      key: 'paid',
      label: `支付运费 ${formatFen(r.shippingFeeFen ?? 0)}`,
      at: r.paidAt,
      done: r.paidAt !== null,
    })
  steps.push({
    key: 'shipped',
    label: r.shipment ? `已发货 · ${r.shipment.carrier} ${r.shipment.trackingNo}` : '仓库发货',
    at: r.shippedAt,
    done: r.shippedAt !== null,
  })
  return steps
}

/** Seconds left until `iso`, ticking every second; null once it has passed. */
function useSecondsLeft(iso: string | null): number | null {
  const [now, setNow] = useState(() => Date.now())
  useEffect(() => {
    if (!iso) return undefined
    const timer = setInterval(() => setNow(Date.now()), 1000)
    return () => clearInterval(timer)
  }, [iso])
  if (!iso) return null
  const left = Math.floor((new Date(iso).getTime() - now) / 1000)
  return left > 0 ? left : null
}

/**
 * One redemption. Pickup: while awaiting pickup, the pickup code as a QR and in digits; then its
 * outcome. Mail: the shipping fee to pay (with the time left), then shipment and tracking number.
 */
export default function RedemptionPage() {
  const { params } = useRouter()
  const redemptionId = params.redemptionId ?? ''
  const fresh = params.fresh === '1'
  const redemption = useApiQuery('points', 'redemption', { redemptionId })
  usePullDownRefreshOf(redemption.refresh)
  const [busy, setBusy] = useState<'pay' | 'cancel' | undefined>(undefined)
  // The server offers pay while the shipping fee may still be paid.
  const payBy =
    redemption.status === 'ready' && redemption.data.actions.includes('pay')
      ? redemption.data.payBy
      : null
  const secondsLeft = useSecondsLeft(payBy)
  const timeLeft = secondsLeft === null ? null : formatTimeLeft(secondsLeft)
  const expired = payBy !== null && timeLeft === null

  useEffect(() => {
    // The 15 minutes are over: the server cancels it when asked, so ask.
    if (expired) void redemption.refresh()
  }, [expired])

  const pay = async () => {
    setBusy('pay')
    const reply = await api.call('points', 'payRedemption', { redemptionId })
    if (!reply.ok) notifyFailure(reply.error)
    else if (process.env.TARO_ENV === 'weapp') await requestWechatPayment(reply.data.payParams)
    else if (sandboxPay && !(await sandboxPay(reply.data.outTradeNo)))
      void Taro.showToast({ title: '模拟支付失败', icon: 'none' })
    setBusy(undefined)
    await redemption.refresh()
  }

  const cancel = async () => {
    const confirm = await Taro.showModal({
      title: '取消兑换',
      content: '取消后积分将退回账户',
      confirmText: '取消兑换',
      cancelText: '再想想',
    })
    if (!confirm.confirm) return
    setBusy('cancel')
    const reply = await api.call('points', 'cancelRedemption', { redemptionId })
    setBusy(undefined)
    if (!reply.ok) notifyFailure(reply.error)
    // The points come back to the balance.
    else void pointsChanged()
    await redemption.refresh()
  }

  return (
    <PageShell>
      <QueryView query={redemption} skeleton={<Skeleton variant="card" />}>
        {(r) => (
          <View className="redemption" id="redemption">
            {/* Success only once nothing is left to do: a mail gift still owing its fee is not yet redeemed. */}
            {fresh && r.cancelledAt === null && !r.actions.includes('pay') && (
              <View className="redemption__success" id="redeem-success">
                兑换成功，已扣除 {formatPoints(r.points)} 积分
              </View>
            )}
            {r.actions.includes('pay') && (
              <View className="redemption__pending" id="redeem-pending">
                待支付运费：积分已预留，支付运费后完成兑换
              </View>
            )}
            <View className="redemption__card">
              <View className="redemption__gift">{r.giftName}</View>
              <View
                className={`redemption__status redemption__status--${r.status}`}
                id="redemption-status"
              >
                {r.statusLabel}
              </View>
              {r.actions.includes('pay') && (
                <View className="redemption__pay" id="redemption-pay">
                  <View className="redemption__hint" id="redemption-countdown">
                    {timeLeft
                      ? `运费 ${formatFen(r.shippingFeeFen ?? 0)}，剩余 ${timeLeft}，超时将自动取消并退回积分`
                      : '支付已超时，正在取消…'}
                  </View>
                  <View className="redemption__actions">
                    {r.actions.includes('cancel') && (
                      <ActionButton
                        id="redemption-cancel"
                        kind="secondary"
                        size="small"
                        busy={busy === 'cancel'}
                        onTap={() => void cancel()}
                      >
                        取消兑换
                      </ActionButton>
                    )}
                    <ActionButton
                      id="redemption-pay-button"
                      size="small"
                      busy={busy === 'pay'}
                      disabled={timeLeft === null}
                      onTap={() => void pay()}
                    >
                      {sandboxPay ? '模拟支付' : '支付运费'}
                    </ActionButton>
                  </View>
                </View>
              )}
              {r.pickupCode && (
                <View className="redemption__code">
                  <View className="redemption__hint">到 {r.storeName} 出示此码给店员核销领取</View>
                  {/* The renderer draws the QR and, under it, the code in groups of digits. */}
                  <View id="pickup-code">
                    <MemberCodePanel code={r.pickupCode} />
                  </View>
                </View>
              )}
              {r.collectedAt && (
                <View className="redemption__line" id="redemption-collected">
                  {formatDateTime(r.collectedAt ?? '')} 已在 {r.storeName} 领取
                  {r.collectedByName ? `（${r.collectedByName} 核销）` : ''}
                </View>
              )}
              {r.cancelledAt && (
                <View className="redemption__line">
                  {formatDateTime(r.cancelledAt ?? '')} 已取消
                  {r.cancelReason ? `：${r.cancelReason}` : ''}
                </View>
              )}
              {r.fulfilment === 'mail' && (
                <View className="redemption__steps">
                  <StatusTimeline id="redemption-timeline" steps={mailTimeline(r)} />
                </View>
              )}
              {r.shipment && (
                <View
                  className="redemption__tracking"
                  id="redemption-tracking"
                  onClick={() => void Taro.setClipboardData({ data: r.shipment!.trackingNo })}
                >
                  {r.shipment.carrier} 运单号 {r.shipment.trackingNo}（点按复制）
                </View>
              )}
              {r.address && (
                <View className="redemption__line" id="redemption-address">
                  寄往 {r.address.name} {r.address.phone}，{formatPostalAddress(r.address)}
                </View>
              )}
              <View className="redemption__line">消耗积分 {formatPoints(r.points)}</View>
              <View className="redemption__line">兑换时间 {formatDateTime(r.createdAt)}</View>
            </View>
            {r.store && (
              <StoreCard
                id="redemption-store"
                title={r.collectedAt ? '领取门店' : '自提门店'}
                store={r.store}
              />
            )}
          </View>
        )}
      </QueryView>
    </PageShell>
  )
}
