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
import { Skeleton } from '../../components/skeleton'
import { notifyFailure } from '../../feedback/notify-failure'
import { usePullDownRefreshOf } from '../../hooks/use-pull-down-refresh'
import { useQuery } from '../../hooks/use-query'
import { formatDateTime, formatFen } from '../../lib/format'
import './index.scss'

type Order = OutputOf<Contracts, 'shop', 'order'>

const ORDER_STATUS_LABELS: Record<Order['status'], string> = {
  awaiting_payment: '待付款',
  paid: '已付款',
  cancelled: '已取消',
  picked_up: '已完成',
  refunded: '已退款',
}

// H5 only (the local stack's pay sandbox); a build-time constant, so WeChat drops it.
const sandboxPay: ((outTradeNo: string) => Promise<boolean>) | null =
  process.env.TARO_ENV === 'h5' ? require('../../lib/sandbox-pay').sandboxPay : null

/** The steps an order goes through, with the time of each one reached. */
interface Step {
  key: string
  label: string
  at: string | null
  done: boolean
}

function timeline(order: Order): Step[] {
  const steps: Step[] = [{ key: 'created', label: '提交订单', at: order.createdAt, done: true }]
  if (order.status === 'cancelled') return [...steps, { key: 'cancelled', label: '订单已取消', at: null, done: true }]
  if (order.status === 'refunded') return [...steps, { key: 'refunded', label: '已退款', at: null, done: true }]
  steps.push({ key: 'paid', label: '支付成功', at: order.paidAt, done: order.paidAt !== null })
  if (order.fulfilment === 'pickup') {
    steps.push({ key: 'ready', label: '到店出示自提码', at: null, done: order.status === 'paid' || order.status === 'picked_up' })
    steps.push({ key: 'picked', label: '已取货', at: null, done: order.status === 'picked_up' })
  } else {
    steps.push({ key: 'shipping', label: '仓库发货', at: null, done: false })
  }
  return steps
}

/** One order: status timeline, paying or cancelling an unpaid one, the pickup code once paid. */
export default function OrderPage() {
  const { params } = useRouter()
  const orderId = params.id ?? ''
  const order = useQuery(() => api.call('shop', 'order', { orderId }), [orderId])
  usePullDownRefreshOf(order.refresh)
  const [busy, setBusy] = useState<'pay' | 'cancel' | undefined>(undefined)

  const payInSandbox = async (outTradeNo: string) => {
    if (!sandboxPay) return
    setBusy('pay')
    const paid = await sandboxPay(outTradeNo)
    setBusy(undefined)
    if (!paid) void Taro.showToast({ title: '模拟支付失败', icon: 'none' })
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
      <QueryView query={order} skeleton={<Skeleton variant='list' rows={4} />}>
        {(o) => (
          <View>
            <View className='order-status' id='order-status'>
              <View className='order-status__label'>{ORDER_STATUS_LABELS[o.status]}</View>
              {o.status === 'awaiting_payment' && <View className='order-status__hint'>请在 {formatDateTime(o.expiresAt)} 前完成支付</View>}
            </View>
            {o.status === 'paid' && o.pickupCode && (
              <View className='order-card' id='pickup-code'>
                <MemberCodePanel code={o.pickupCode} caption='到店出示给店员扫描，即可取货' />
              </View>
            )}
            {/* Just paid: the moment to offer campaign notifications (once per order, only without a credit). */}
            {o.status === 'paid' && <ConsentCard moment={`order:${o.orderId}`} />}
            <View className='order-card'>
              {timeline(o).map((step) => (
                <View key={step.key} className={step.done ? 'order-step order-step--done' : 'order-step'}>
                  <View className='order-step__dot' />
                  <View className='order-step__label'>{step.label}</View>
                  <View className='order-step__at'>{step.at ? formatDateTime(step.at) : ''}</View>
                </View>
              ))}
            </View>
            <View className='order-card'>
              {o.items.map((item) => (
                <View key={item.productId} className='order-line'>
                  <View>
                    {item.name} × {item.qty}
                  </View>
                  <View>{formatFen(item.priceFen * item.qty)}</View>
                </View>
              ))}
              <View className='order-line order-line--total'>
                <View>{o.fulfilment === 'pickup' ? '到店自提' : '快递到家'}</View>
                <View>合计 {formatFen(o.totalFen)}</View>
              </View>
            </View>
            {o.status === 'awaiting_payment' && (
              <View className='order-actions'>
                <ActionButton kind='secondary' size='small' busy={busy === 'cancel'} onTap={() => void cancel()}>
                  取消订单
                </ActionButton>
                {/* WeChat pays at checkout; paying an older unpaid order needs its payParams again,
                    which `shop.order` does not return yet. */}
                {sandboxPay && o.outTradeNo && (
                  <ActionButton id='sandbox-pay' size='small' busy={busy === 'pay'} onTap={() => void payInSandbox(o.outTradeNo!)}>
                    模拟支付
                  </ActionButton>
                )}
              </View>
            )}
          </View>
        )}
      </QueryView>
    </PageShell>
  )
}
