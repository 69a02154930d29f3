import { View } from '@tarojs/components'
import Taro, { useRouter } from '@tarojs/taro'
import { useState } from 'react'
import { api } from '../../api'
import type { Contracts, OutputOf } from '../../api/contracts'
import { ActionButton } from '../../components/action-button'
import { ConsentCard } from '../../components/consent-card'
import { MemberCodePanel } from '../../components/member-code-panel'
import { PageShell } from '../../components/page-shell'
import { QueryView } from '../../components/query-view'
import { StatusTimeline, type TimelineStep } from '../../components/status-timeline'
import { StoreCard } from '../../components/store-card'
import { Skeleton } from '../../components/skeleton'
import { notifyFailure } from '../../feedback/notify-failure'
import { usePullDownRefreshOf } from '../../hooks/use-pull-down-refresh'
import { useApiQuery } from '../../hooks/use-query'
import { formatDateTime, formatFen, formatPostalAddress } from '../../lib/format'
import { requestWechatPayment } from '../../lib/pay'
import './index.scss'
import { pointsChanged } from '../../lib/queries'

type Order = OutputOf<Contracts, 'shop', 'order'>

// H5 only (the local stack's pay sandbox); a build-time constant, so WeChat drops it.
const sandboxPay: ((outTradeNo: string) => Promise<boolean>) | null =
  process.env.TARO_ENV === 'h5' ? require('../../lib/sandbox-pay').sandboxPay : null

/** The steps an order goes through, with the time of each one reached (its state is the server's). */
function timeline(order: Order): TimelineStep[] {
  const steps: TimelineStep[] = [
    { key: 'created', label: '提交订单', at: order.createdAt, done: true },
  ]
  if (order.state === 'cancelled' || order.state === 'expired')
    return [...steps, { key: 'cancelled', label: order.statusLabel, at: null, done: true }]
  steps.push({ key: 'paid', label: '支付成功', at: order.paidAt, done: order.paidAt !== null })
  const refunded = { key: 'refunded', label: order.statusLabel, at: null, done: true }
  if (order.fulfilment === 'pickup') {
    const pickedUp = order.state === 'picked_up'
    if (order.state === 'refunded') return [...steps, refunded]
    steps.push({
      key: 'ready',
      label: '到店出示自提码',
      at: null,
      done: order.state === 'awaiting_pickup' || pickedUp,
    })
    steps.push({ key: 'picked', label: '已提货', at: null, done: pickedUp })
    return steps
  }
  // A delivery order keeps its shipping history when refunded afterwards (it may be on its way).
  const shipment = order.shipment
  steps.push(
    shipment
      ? {
          key: 'shipped',
          label: '已发货',
          detail: `${shipment.carrier} 运单号 ${shipment.trackingNo}`,
          at: shipment.shippedAt,
          done: true,
        }
      : { key: 'shipped', label: '等待仓库发货', at: null, done: false },
  )
  steps.push({
    key: 'delivered',
    label: '已签收',
    at: order.deliveredAt,
    done: order.deliveredAt !== null,
  })
  if (order.state === 'refunded') steps.push(refunded)
  return steps
}

/** One order: status timeline, paying or cancelling an unpaid one, the pickup code once paid. */
export default function OrderPage() {
  const { params } = useRouter()
  const orderId = params.id ?? ''
  const order = useApiQuery('shop', 'order', { orderId })
  usePullDownRefreshOf(order.refresh)
  const [busy, setBusy] = useState<'pay' | 'cancel' | 'receive' | undefined>(undefined)

  const payInSandbox = async (outTradeNo: string) => {
    if (!sandboxPay) return
    setBusy('pay')
    const paid = await sandboxPay(outTradeNo)
    setBusy(undefined)
    if (!paid) void Taro.showToast({ title: '模拟支付失败', icon: 'none' })
    // A paid order earns points (credited once the payment's effects run).
    void pointsChanged()
    await order.refresh()
  }

  // WeChat: the payer left the pay sheet earlier; the same payment gets fresh parameters.
  const payAgain = async () => {
    setBusy('pay')
    const reply = await api.call('shop', 'payOrder', { orderId })
    if (reply.ok) await requestWechatPayment(reply.data.payParams)
    else notifyFailure(reply.error)
    setBusy(undefined)
    void pointsChanged()
    await order.refresh()
  }

  const confirmReceipt = async () => {
    const answer = await Taro.showModal({
      title: '确认收货',
      content: '请确认已收到全部商品。确认后如有问题请联系客服。',
      confirmText: '确认收货',
    })
    if (!answer.confirm) return
    setBusy('receive')
    const reply = await api.call('shop', 'confirmReceipt', { orderId })
    setBusy(undefined)
    if (!reply.ok) notifyFailure(reply.error)
    else void Taro.showToast({ title: '已确认收货', icon: 'success' })
    await order.refresh()
  }

  const cancel = async () => {
    setBusy('cancel')
    const reply = await api.call('shop', 'cancelOrder', { orderId })
    setBusy(undefined)
    if (!reply.ok) notifyFailure(reply.error)
    await order.refresh()
  }

  return (
    <PageShell>
      <QueryView query={order} skeleton={<Skeleton variant="list" rows={4} />}>
        {(o) => (
          <View>
            <View className="order-status" id="order-status">
              <View className="order-status__label">{o.statusLabel}</View>
              {o.orderNo && (
                <View className="order-status__no" id="order-no">
                  订单号 {o.orderNo}
                </View>
              )}
              {o.actions.includes('pay') && (
                <View className="order-status__hint">
                  请在 {formatDateTime(o.expiresAt)} 前完成支付
                </View>
              )}
            </View>
            {o.state === 'awaiting_pickup' && o.pickupCode && (
              <View className="order-card" id="pickup-code">
                <MemberCodePanel
                  code={o.pickupCode}
                  caption={`到${o.store?.name ?? '门店'}出示给店员扫描，即可取货`}
                />
              </View>
            )}
            {o.store && <StoreCard id="order-store" title="自提门店" store={o.store} />}
            {/* Just paid: the moment to offer campaign notifications (once per order, only without a credit). */}
            {(o.state === 'awaiting_pickup' || o.state === 'awaiting_shipment') && (
              <ConsentCard moment={`order:${o.orderId}`} />
            )}
            <View className="order-card">
              <StatusTimeline steps={timeline(o)} />
            </View>
            <View className="order-card">
              {o.items.map((item) => (
                <View key={item.productId} className="order-line">
                  <View>
                    {item.name} × {item.qty}
                  </View>
                  <View>{formatFen(item.priceFen * item.qty)}</View>
                </View>
              ))}
              {o.deliveryAddress && (
                <View className="order-address" id="order-address">
                  <View>
                    {o.deliveryAddress.name} {o.deliveryAddress.phone}
                  </View>
                  <View className="order-address__line">
                    {formatPostalAddress(o.deliveryAddress)}
                  </View>
                </View>
              )}
              {o.coupon && o.discountFen > 0 && (
                <View className="order-line" id="order-coupon">
                  <View>优惠券「{o.coupon.name}」</View>
                  <View>-{formatFen(o.discountFen)}</View>
                </View>
              )}
              <View className="order-line order-line--total">
                <View>{o.fulfilment === 'pickup' ? '到店自提' : '快递到家'}</View>
                <View id="order-total">
                  {o.discountFen > 0 ? '实付' : '合计'} {formatFen(o.totalFen)}
                </View>
              </View>
            </View>
            {(o.actions.includes('pay') || o.actions.includes('cancel')) && (
              <View className="order-actions">
                {o.actions.includes('cancel') && (
                  <ActionButton
                    id="cancel-order"
                    kind="secondary"
                    size="small"
                    busy={busy === 'cancel'}
                    onTap={() => void cancel()}
                  >
                    取消订单
                  </ActionButton>
                )}
                {o.actions.includes('pay') && process.env.TARO_ENV === 'weapp' && (
                  <ActionButton
                    id="pay-again"
                    size="small"
                    busy={busy === 'pay'}
                    onTap={() => void payAgain()}
                  >
                    去支付
                  </ActionButton>
                )}
                {o.actions.includes('pay') && sandboxPay && o.outTradeNo && (
                  <ActionButton
                    id="sandbox-pay"
                    size="small"
                    busy={busy === 'pay'}
                    onTap={() => void payInSandbox(o.outTradeNo!)}
                  >
                    模拟支付
                  </ActionButton>
                )}
              </View>
            )}
            {o.actions.includes('confirmReceipt') && (
              <View className="order-actions">
                <ActionButton
                  id="confirm-receipt"
                  size="small"
                  busy={busy === 'receive'}
                  onTap={() => void confirmReceipt()}
                >
                  确认收货
                </ActionButton>
              </View>
            )}
          </View>
        )}
      </QueryView>
    </PageShell>
  )
}
