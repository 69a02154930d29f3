import { View } from '@tarojs/components'
import Taro, { useRouter } from '@tarojs/taro'
import { useState } from 'react'
import { api, type ApiResult } from '../../api'
import type { Contracts, InputOf, OutputOf } from '../../api/contracts'
import { ActionButton } from '../../components/action-button'
import { EmptyState } from '../../components/empty-state'
import { useJoinBeforePaying } from '../../components/join-before-paying'
import { EMPTY_ADDRESS, MailAddressForm } from '../../components/mail-address-form'
import { PageShell } from '../../components/page-shell'
import { QueryView } from '../../components/query-view'
import { Skeleton } from '../../components/skeleton'
import { notifyFailure } from '../../feedback/notify-failure'
import { useQuery } from '../../hooks/use-query'
import { loadCart, saveCart, type CartLine } from '../../lib/cart'
import { CheckoutAttempt } from '../../lib/order-request'
import { formatDistance, formatFen, isMainlandMobile } from '../../lib/format'
import { shopperLocation } from '../../lib/location'
import { requestWechatPayment } from '../../lib/pay'
import { ROUTES } from '../../lib/routes'
import './index.scss'

type Product = OutputOf<Contracts, 'shop', 'products'>[number]
type StoreOption = OutputOf<Contracts, 'shop', 'stores'>[number]
type DeliveryAddress = NonNullable<InputOf<Contracts, 'shop', 'createOrder'>['deliveryAddress']>
type Fulfilment = 'pickup' | 'delivery'

interface Checkout {
  lines: Array<{ product: Product; qty: number }>
  /** Nearest first when the shopper shared their location, else their own store first. */
  stores: StoreOption[]
  located: boolean
}

/** "Buy now" from a product page checks out that product alone and leaves the cart as it is. */
async function loadCheckout(buyNow: string | undefined): Promise<ApiResult<Checkout>> {
  const wanted: CartLine[] = buyNow ? [{ productId: buyNow, qty: 1 }] : loadCart()
  const [products, near] = await Promise.all([api.call('shop', 'products'), shopperLocation()])
  if (!products.ok) return products
  const lines = wanted.flatMap((line) => {
    const product = products.data.find((p) => p.productId === line.productId)
    return product ? [{ product, qty: line.qty }] : []
  })
  if (lines.length === 0) return { ok: true, data: { lines, stores: [], located: near !== null } }
  const stores = await api.call('shop', 'stores', {
    items: lines.map((l) => ({ productId: l.product.productId, qty: l.qty })),
    ...(near ? { near } : {}),
  })
  if (!stores.ok) return stores
  return { ok: true, data: { lines, stores: stores.data, located: near !== null } }
}

/** The pickup store: the one picked while it can fill the order, else the first that can. */
function pickupStoreOf(state: Checkout, picked: string | undefined): string | undefined {
  const open = state.stores.filter((s) => s.shortages.length === 0)
  return picked && open.some((s) => s.storeId === picked) ? picked : open[0]?.storeId
}

/**
 * The member's coupons for this cart as the server prices it: the best usable one preselected,
 * another chosen by a tap, none by tapping the chosen one again; the rest greyed with the reason
 * (未满 ¥x, 不适用于该门店 …). Non-members see nothing here.
 */
function CouponPicker(props: {
  lines: Checkout['lines']
  fulfilment: Fulfilment
  storeId: string | undefined
  chosen: string | null | undefined
  onChoose: (couponId: string | null) => void
  onQuote: (quote: { couponId: string | null; discountFen: number } | null) => void
}) {
  const { lines, fulfilment, storeId, chosen } = props
  const items = lines.map((l) => ({ productId: l.product.productId, qty: l.qty }))
  const quote = useQuery(
    ['shop', 'orderQuote', items, fulfilment, storeId ?? null, chosen ?? 'best'],
    async () => {
      const res = await api.call('shop', 'orderQuote', {
        items,
        fulfilment,
        ...(fulfilment === 'pickup' && storeId ? { storeId } : {}),
        ...(chosen !== undefined ? { couponId: chosen } : {}),
      })
      props.onQuote(
        res.ok ? { couponId: res.data.couponId, discountFen: res.data.discountFen } : null,
      )
      return res
    },
  )
  const data = quote.status === 'ready' ? quote.data : null
  // Nothing to offer (no card, no coupons, or an answer without the list): no picker.
  if (!data || !Array.isArray(data.coupons) || data.coupons.length === 0) return null
  return (
    <View className="checkout-card" id="coupon-picker">
      <View className="checkout-card__title">优惠券</View>
      {data.coupons.map((c) => {
        const on = c.couponId === data.couponId
        return (
          <View
            key={c.couponId}
            id={`coupon-${c.couponId}`}
            className={
              !c.usable
                ? 'checkout-coupon checkout-coupon--off'
                : on
                  ? 'checkout-coupon checkout-coupon--on'
                  : 'checkout-coupon'
            }
            onClick={c.usable ? () => props.onChoose(on ? null : c.couponId) : undefined}
          >
            <View className="checkout-coupon__head">
              <View className="checkout-coupon__name">{c.name}</View>
              <View className="checkout-coupon__off">
                {c.usable ? `-${formatFen(c.discountFen)}` : c.reason}
              </View>
            </View>
            <View className="checkout-coupon__rule">
              {c.summary} · {c.validText}
            </View>
          </View>
        )
      })}
      {data.couponId === null && <View className="checkout-hint">不使用优惠券</View>}
    </View>
  )
}

/** Why a store cannot take this order, in a line. */
function shortageText(store: StoreOption): string {
  return `缺货：${store.shortages.map((s) => `${s.name}（剩 ${s.available} 件）`).join('、')}`
}

/** The same limits as the server's address schema, so mistakes show before submitting. */
function addressErrors(address: DeliveryAddress): Partial<Record<keyof DeliveryAddress, string>> {
  const errors: Partial<Record<keyof DeliveryAddress, string>> = {}
  if (address.name.trim().length < 1 || address.name.trim().length > 20)
    errors.name = '请填写收货人（20 字以内）'
  if (!isMainlandMobile(address.phone)) errors.phone = '请输入 11 位手机号'
  if (address.province.trim().length < 1) errors.province = '请填写省份'
  if (address.city.trim().length < 1) errors.city = '请填写城市'
  if (address.district.trim().length < 1) errors.district = '请填写区县'
  if (address.detail.trim().length < 4 || address.detail.trim().length > 120)
    errors.detail = '请填写详细地址（至少 4 个字）'
  return errors
}

export default function CheckoutPage() {
  const { params } = useRouter()
  const buyNow = params.buy
  const [fulfilment, setFulfilment] = useState<Fulfilment>(
    params.fulfilment === 'delivery' ? 'delivery' : 'pickup',
  )
  const [storeId, setStoreId] = useState<string | undefined>(undefined)
  const [address, setAddress] = useState<DeliveryAddress>(EMPTY_ADDRESS)
  const [showErrors, setShowErrors] = useState(false)
  const [busy, setBusy] = useState(false)
  // undefined: the best coupon (the server's choice); null: none; an id: that one.
  const [coupon, setCoupon] = useState<string | null | undefined>(undefined)
  const [quoted, setQuoted] = useState<{ couponId: string | null; discountFen: number } | null>(
    null,
  )
  const checkout = useQuery(['shop', 'checkout', buyNow ?? null], () => loadCheckout(buyNow))
  // This page's checkout attempt: its requestId outlives a failed submit of the same cart.
  const [attempt] = useState(() => new CheckoutAttempt())
  const cartFen =
    checkout.status === 'ready'
      ? checkout.data.lines.reduce((sum, l) => sum + l.product.priceFen * l.qty, 0)
      : 0
  // Not a member yet: a card is offered before paying (the pickup store's code when chosen).
  const join = useJoinBeforePaying(
    cartFen,
    fulfilment === 'pickup' && checkout.status === 'ready'
      ? pickupStoreOf(checkout.data, storeId)
      : undefined,
  )

  const submit = async (state: Checkout, chosenStore: string | undefined) => {
    if (fulfilment === 'delivery' && Object.keys(addressErrors(address)).length > 0) {
      setShowErrors(true)
      return
    }
    if (!(await join.confirmPaying())) return
    setBusy(true)
    const order = {
      items: state.lines.map((l) => ({ productId: l.product.productId, qty: l.qty })),
      fulfilment,
      ...(fulfilment === 'pickup' && chosenStore ? { storeId: chosenStore } : {}),
      // The contract trims every field of the address, as for a mail redemption's.
      ...(fulfilment === 'delivery' ? { deliveryAddress: address } : {}),
      ...(quoted?.couponId ? { couponId: quoted.couponId } : {}),
    }
    const created = await api.call('shop', 'createOrder', {
      ...order,
      requestId: attempt.requestIdFor(order),
    })
    if (!created.ok) {
      setBusy(false)
      // No answer to trust (the network, a timeout, a server fault): the order may have been
      // made, so 重试 sends the same attempt and finds it. A refusal ends the attempt.
      if (!created.error.retryable) attempt.answered()
      notifyFailure(created.error, () => void submit(state, chosenStore))
      return
    }
    attempt.answered()
    if (!buyNow) saveCart([])
    // WeChat: the pay sheet now; the order page shows the outcome (and lets them pay later).
    // H5 has no WeChat Pay: the order page offers the sandbox's 模拟支付.
    if (process.env.TARO_ENV === 'weapp') await requestWechatPayment(created.data.payParams)
    setBusy(false)
    void Taro.redirectTo({ url: `${ROUTES.order}?id=${created.data.orderId}` })
  }

  const errors = showErrors ? addressErrors(address) : {}

  return (
    <PageShell className="checkout-page">
      <QueryView
        query={checkout}
        skeleton={<Skeleton variant="list" rows={3} />}
        isEmpty={(state) => state.lines.length === 0}
        empty={
          <EmptyState
            glyph="bag"
            title="购物车是空的"
            action={{ text: '去逛逛', onTap: () => void Taro.switchTab({ url: ROUTES.shop }) }}
          />
        }
      >
        {(state) => {
          const open = state.stores.filter((s) => s.shortages.length === 0)
          const chosenStore = pickupStoreOf(state, storeId)
          const totalFen = state.lines.reduce((sum, l) => sum + l.product.priceFen * l.qty, 0)
          const blocked =
            (fulfilment === 'pickup' && chosenStore === undefined) ||
            (fulfilment === 'delivery' &&
              state.lines.some((l) => l.product.available.central < l.qty))
          return (
            <View>
              <View className="checkout-card">
                {state.lines.map((l) => (
                  <View key={l.product.productId} className="checkout-line">
                    <View className="checkout-line__name">
                      {l.product.name} × {l.qty}
                    </View>
                    <View>{formatFen(l.product.priceFen * l.qty)}</View>
                  </View>
                ))}
              </View>
              <View className="checkout-card">
                <View className="checkout-card__title">取货方式</View>
                <View className="checkout-options">
                  {(
                    [
                      ['pickup', '到店自提'],
                      ['delivery', '快递到家'],
                    ] as const
                  ).map(([value, label]) => (
                    <View
                      key={value}
                      id={`fulfilment-${value}`}
                      className={
                        value === fulfilment
                          ? 'checkout-option checkout-option--on'
                          : 'checkout-option'
                      }
                      onClick={() => setFulfilment(value)}
                    >
                      {label}
                    </View>
                  ))}
                </View>
                {fulfilment === 'pickup' && (
                  <View id="store-picker">
                    <View className="checkout-card__title">
                      {state.located ? '自提门店 · 由近到远' : '自提门店'}
                    </View>
                    {!state.located && (
                      <View className="checkout-hint">允许获取位置后，门店按距离由近到远排列</View>
                    )}
                    {open.length === 0 && (
                      <View className="checkout-note">
                        没有门店能备齐这些商品，请改为快递或调整数量
                      </View>
                    )}
                    {state.stores.map((s) => {
                      const disabled = s.shortages.length > 0
                      const className = disabled
                        ? 'checkout-store checkout-store--off'
                        : s.storeId === chosenStore
                          ? 'checkout-store checkout-store--on'
                          : 'checkout-store'
                      return (
                        <View
                          key={s.storeId}
                          id={`store-${s.storeId}`}
                          className={className}
                          onClick={disabled ? undefined : () => setStoreId(s.storeId)}
                        >
                          <View className="checkout-store__head">
                            <View className="checkout-store__name">
                              {s.name}
                              {s.isHomeStore && (
                                <View className="checkout-store__tag">我的门店</View>
                              )}
                            </View>
                            {s.distanceM !== null && (
                              <View className="checkout-store__distance">
                                {formatDistance(s.distanceM)}
                              </View>
                            )}
                          </View>
                          <View className="checkout-store__address">{s.address}</View>
                          {disabled && (
                            <View className="checkout-store__why">{shortageText(s)}</View>
                          )}
                        </View>
                      )
                    })}
                  </View>
                )}
                {fulfilment === 'delivery' && (
                  <View id="delivery-address">
                    <View className="checkout-card__title">收货地址</View>
                    <MailAddressForm value={address} errors={errors} onChange={setAddress} />
                    {blocked && <View className="checkout-note">仓库库存不足，请调整数量</View>}
                  </View>
                )}
              </View>
              {join.card}
              <CouponPicker
                lines={state.lines}
                fulfilment={fulfilment}
                storeId={chosenStore}
                chosen={coupon}
                onChoose={setCoupon}
                onQuote={setQuoted}
              />
              <View className="checkout-bar">
                <View className="checkout-bar__total" id="checkout-total">
                  {quoted && quoted.discountFen > 0
                    ? `实付 ${formatFen(totalFen - quoted.discountFen)}（已优惠 ${formatFen(quoted.discountFen)}）`
                    : `合计 ${formatFen(totalFen)}`}
                </View>
                <ActionButton
                  id="place-order"
                  size="small"
                  busy={busy}
                  disabled={blocked}
                  onTap={() => void submit(state, chosenStore)}
                >
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
