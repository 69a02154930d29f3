import { View } from '@tarojs/components'
import Taro, { useRouter } from '@tarojs/taro'
import { useState } from 'react'
import { api, type ApiResult } from '../../api'
import type { Contracts, OutputOf } from '../../api/contracts'
import { ActionButton } from '../../components/action-button'
import { EmptyState } from '../../components/empty-state'
import { PageShell } from '../../components/page-shell'
import { QueryView } from '../../components/query-view'
import { Skeleton } from '../../components/skeleton'
import { notifyFailure } from '../../feedback/notify-failure'
import { useQuery } from '../../hooks/use-query'
import { loadCart, saveCart } from '../../lib/cart'
import { formatFen } from '../../lib/format'
import { requestWechatPayment } from '../../lib/pay'
import { ROUTES } from '../../lib/routes'
import './index.scss'

type Product = OutputOf<Contracts, 'shop', 'products'>[number]
type Fulfilment = 'pickup' | 'delivery'

interface Checkout {
  lines: Array<{ product: Product; qty: number }>
  /** The member's own store, shown by name and listed first. */
  homeStore: { storeId: string; storeName: string } | undefined
}

async function loadCheckout(): Promise<ApiResult<Checkout>> {
  const [products, profile] = await Promise.all([api.call('shop', 'products'), api.call('member', 'profile')])
  if (!products.ok) return products
  const lines = loadCart().flatMap((line) => {
    const product = products.data.find((p) => p.productId === line.productId)
    return product ? [{ product, qty: line.qty }] : []
  })
  const homeStore = profile.ok ? { storeId: profile.data.storeId, storeName: profile.data.storeName } : undefined
  return { ok: true, data: { lines, homeStore } }
}

/**
 * Stores where every line can be picked up now. `shop.products` gives store ids and stock but
 * no store names or locations (there is no store list action yet), so only the member's own
 * store is named and listed first; "nearest first" needs store locations from the API.
 */
function pickupStores(checkout: Checkout): Array<{ storeId: string; label: string }> {
  const [first, ...rest] = checkout.lines
  if (!first) return []
  const ids = Object.keys(first.product.available.stores).filter((storeId) =>
    [first, ...rest].every((l) => (l.product.available.stores[storeId] ?? 0) >= l.qty),
  )
  const home = checkout.homeStore
  const sorted = home && ids.includes(home.storeId) ? [home.storeId, ...ids.filter((id) => id !== home.storeId)] : ids
  return sorted.map((storeId, index) => ({
    storeId,
    label: storeId === home?.storeId ? `${home.storeName}（我的门店）` : `门店 ${index + 1}`,
  }))
}

export default function CheckoutPage() {
  const { params } = useRouter()
  const [fulfilment, setFulfilment] = useState<Fulfilment>(params.fulfilment === 'delivery' ? 'delivery' : 'pickup')
  const [storeId, setStoreId] = useState<string | undefined>(undefined)
  const [busy, setBusy] = useState(false)
  const checkout = useQuery(loadCheckout, [])

  const submit = async (state: Checkout, chosenStore: string | undefined) => {
    setBusy(true)
    const created = await api.call('shop', 'createOrder', {
      items: state.lines.map((l) => ({ productId: l.product.productId, qty: l.qty })),
      fulfilment,
      ...(fulfilment === 'pickup' && chosenStore ? { storeId: chosenStore } : {}),
    })
    if (!created.ok) {
      setBusy(false)
      notifyFailure(created.error)
      return
    }
    saveCart([])
    // WeChat: the pay sheet now; the order page shows the outcome (and lets them pay later).
    // H5 has no WeChat Pay: the order page offers the sandbox's 模拟支付.
    if (process.env.TARO_ENV === 'weapp') await requestWechatPayment(created.data.payParams)
    setBusy(false)
    void Taro.redirectTo({ url: `${ROUTES.order}?id=${created.data.orderId}` })
  }

  return (
    <PageShell className='checkout-page'>
      <QueryView
        query={checkout}
        skeleton={<Skeleton variant='list' rows={3} />}
        isEmpty={(state) => state.lines.length === 0}
        empty={<EmptyState glyph='购' title='购物车是空的' action={{ text: '去逛逛', onTap: () => void Taro.switchTab({ url: ROUTES.shop }) }} />}
      >
        {(state) => {
          const stores = pickupStores(state)
          const chosenStore = storeId && stores.some((s) => s.storeId === storeId) ? storeId : stores[0]?.storeId
          const totalFen = state.lines.reduce((sum, l) => sum + l.product.priceFen * l.qty, 0)
          const blocked =
            (fulfilment === 'pickup' && chosenStore === undefined) ||
            (fulfilment === 'delivery' && state.lines.some((l) => l.product.available.central < l.qty))
          return (
            <View>
              <View className='checkout-card'>
                {state.lines.map((l) => (
                  <View key={l.product.productId} className='checkout-line'>
                    <View className='checkout-line__name'>
                      {l.product.name} × {l.qty}
                    </View>
                    <View>{formatFen(l.product.priceFen * l.qty)}</View>
                  </View>
                ))}
              </View>
              <View className='checkout-card'>
                <View className='checkout-card__title'>取货方式</View>
                <View className='checkout-options'>
                  {(
                    [
                      ['pickup', '到店自提'],
                      ['delivery', '快递到家'],
                    ] as const
                  ).map(([value, label]) => (
                    <View
                      key={value}
                      className={value === fulfilment ? 'checkout-option checkout-option--on' : 'checkout-option'}
                      onClick={() => setFulfilment(value)}
                    >
                      {label}
                    </View>
                  ))}
                </View>
                {fulfilment === 'pickup' && (
                  <View id='store-picker'>
                    <View className='checkout-card__title'>自提门店</View>
                    {stores.length === 0 && <View className='checkout-note'>没有门店能备齐这些商品，请改为快递或调整数量</View>}
                    {stores.map((s) => (
                      <View
                        key={s.storeId}
                        className={s.storeId === chosenStore ? 'checkout-store checkout-store--on' : 'checkout-store'}
                        onClick={() => setStoreId(s.storeId)}
                      >
                        {s.label}
                      </View>
                    ))}
                  </View>
                )}
                {fulfilment === 'delivery' && blocked && <View className='checkout-note'>仓库库存不足，请调整数量</View>}
              </View>
              <View className='checkout-bar'>
                <View className='checkout-bar__total'>合计 {formatFen(totalFen)}</View>
                <ActionButton id='place-order' size='small' busy={busy} disabled={blocked} onTap={() => void submit(state, chosenStore)}>
                  提交订单
                </ActionButton>
              </View>
            </View>
          )
        }}
      </QueryView>
    </PageShell>
  )
}
