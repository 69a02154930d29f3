import { View } from '@tarojs/components'
import Taro, { useDidShow } from '@tarojs/taro'
import { useState } from 'react'
import Stepper from '@taroify/core/stepper'
// The stepper's stylesheet alone: `@taroify/core/stepper/style` would also pull Taroify's base
// styles and its icon font, which the stepper (drawn with ::before/::after) does not use.
import '@taroify/core/stepper/index.css'
import { ActionButton } from '../../components/action-button'
import { EmptyState } from '../../components/empty-state'
import { PageShell } from '../../components/page-shell'
import { QueryView } from '../../components/query-view'
import { Skeleton } from '../../components/skeleton'
import { usePullDownRefreshOf } from '../../hooks/use-pull-down-refresh'
import { useApiQuery } from '../../hooks/use-query'
import { cartCount, changeQty, loadCart, MAX_QTY, saveCart, type CartLine } from '../../lib/cart'
import { formatFen } from '../../lib/format'
import { ROUTES, withQuery } from '../../lib/routes'
import { CoverImage } from '../../components/cover-image'
import './index.scss'

type Fulfilment = 'pickup' | 'delivery'

/** Products with what can be ordered now, a cart kept in storage, and the way to checkout. */
export default function ShopPage() {
  const products = useApiQuery('shop', 'products')
  usePullDownRefreshOf(products.refresh)
  const [fulfilment, setFulfilment] = useState<Fulfilment>('pickup')
  const [cart, setCart] = useState<CartLine[]>(loadCart)
  // Checkout empties the cart on another page.
  useDidShow(() => setCart(loadCart()))

  // The stepper reports the quantity it wants (already clamped to 0…stock); typed input may
  // arrive as '' while the shopper is still editing, which changes nothing.
  const setQty = (productId: string, current: number, wanted: number | string) => {
    const qty = Number(wanted)
    if (wanted === '' || !Number.isInteger(qty) || qty === current) return
    const next = changeQty(cart, productId, qty - current)
    saveCart(next)
    setCart(next)
  }
  const count = cartCount(cart)
  const priced = products.status === 'ready' ? products.data : []
  const totalFen = cart.reduce(
    (sum, l) => sum + (priced.find((p) => p.productId === l.productId)?.priceFen ?? 0) * l.qty,
    0,
  )

  return (
    <PageShell className="shop-page">
      <View className="fulfilment-switch">
        {(
          [
            ['pickup', '到店自提'],
            ['delivery', '快递到家'],
          ] as const
        ).map(([value, label]) => (
          <View
            key={value}
            className={
              value === fulfilment
                ? 'fulfilment-switch__option fulfilment-switch__option--on'
                : 'fulfilment-switch__option'
            }
            onClick={() => setFulfilment(value)}
          >
            {label}
          </View>
        ))}
      </View>
      <QueryView
        query={products}
        skeleton={<Skeleton variant="list" rows={4} />}
        isEmpty={(list) => list.length === 0}
        empty={
          <EmptyState
            glyph="bag"
            title="商品正在上架"
            description={
              fulfilment === 'pickup'
                ? '上架后可在线下单，到附近门店自提'
                : '上架后可在线下单，快递送货到家'
            }
          />
        }
      >
        {(list) => (
          <View className="product-list" id="product-list">
            {list.map((product) => {
              const available =
                fulfilment === 'pickup'
                  ? Object.values(product.available.stores).reduce(
                      (sum, n) => sum + Math.max(0, n),
                      0,
                    )
                  : product.available.central
              const qty = cart.find((l) => l.productId === product.productId)?.qty ?? 0
              return (
                <View key={product.productId} className="product-item">
                  <View
                    id={`product-${product.productId}`}
                    className="product-item__main"
                    onClick={() =>
                      void Taro.navigateTo({
                        url: withQuery(ROUTES.product, { id: product.productId }),
                      })
                    }
                  >
                    <CoverImage className="product-item__cover" src={product.images[0] ?? null} />
                    <View className="product-item__text">
                      <View className="product-item__name">{product.name}</View>
                      {product.description !== '' && (
                        <View className="product-item__desc">{product.description}</View>
                      )}
                      <View className="product-item__price">{formatFen(product.priceFen)}</View>
                      <View className="product-item__stock">
                        {available > 0
                          ? `${fulfilment === 'pickup' ? '各门店共' : '仓库'}可订 ${available} 件`
                          : '暂时缺货'}
                      </View>
                    </View>
                  </View>
                  <View className="product-item__qty">
                    <Stepper
                      className={qty > 0 ? 'qty-stepper' : 'qty-stepper qty-stepper--empty'}
                      min={0}
                      max={Math.min(available, MAX_QTY)}
                      value={qty}
                      // Long-press repeats taps every 200 ms: too easy to overshoot a cart.
                      longPress={false}
                      onChange={(value) => setQty(product.productId, qty, value)}
                    >
                      <Stepper.Button id={`remove-${product.productId}`} />
                      <Stepper.Input />
                      <Stepper.Button id={`add-${product.productId}`} />
                    </Stepper>
                  </View>
                </View>
              )
            })}
          </View>
        )}
      </QueryView>
      {count > 0 && (
        <View
          className={process.env.TARO_ENV === 'h5' ? 'cart-bar cart-bar--above-tabbar' : 'cart-bar'}
        >
          <View className="cart-bar__text">
            已选 {count} 件 · {formatFen(totalFen)}
          </View>
          <ActionButton
            id="go-checkout"
            size="small"
            onTap={() =>
              void Taro.navigateTo({ url: `${ROUTES.checkout}?fulfilment=${fulfilment}` })
            }
          >
            去结算
          </ActionButton>
        </View>
      )}
    </PageShell>
  )
}
