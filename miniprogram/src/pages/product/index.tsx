import { View } from '@tarojs/components'
import Taro, { useDidShow, useRouter } from '@tarojs/taro'
import { useState } from 'react'
import { ActionButton } from '../../components/action-button'
import { PageShell } from '../../components/page-shell'
import { QueryView } from '../../components/query-view'
import { Section } from '../../components/section'
import { Skeleton } from '../../components/skeleton'
import { usePullDownRefreshOf } from '../../hooks/use-pull-down-refresh'
import { useApiQuery } from '../../hooks/use-query'
import { changeQty, loadCart, MAX_QTY, saveCart } from '../../lib/cart'
import { formatFen } from '../../lib/format'
import { CoverImage } from '../../components/cover-image'
import { ROUTES, withQuery } from '../../lib/routes'
import './index.scss'

/** One product: price, description, where it can be had now; into the cart, or bought alone. */
export default function ProductPage() {
  const { params } = useRouter()
  const productId = params.id ?? ''
  const product = useApiQuery('shop', 'product', { productId })
  usePullDownRefreshOf(product.refresh)
  const inCart = () => loadCart().find((l) => l.productId === productId)?.qty ?? 0
  const [qtyInCart, setQtyInCart] = useState(inCart)
  // The cart changes on other pages (checkout empties it).
  useDidShow(() => setQtyInCart(inCart()))

  const addToCart = () => {
    const next = changeQty(loadCart(), productId, 1)
    saveCart(next)
    setQtyInCart(next.find((l) => l.productId === productId)?.qty ?? 0)
    void Taro.showToast({ title: '已加入购物车', icon: 'success' })
  }

  return (
    <PageShell className="product-page">
      <QueryView query={product} skeleton={<Skeleton variant="card" />}>
        {(p) => {
          const storesWithStock = Object.values(p.available.stores).filter((n) => n > 0)
          const pickupUnits = storesWithStock.reduce((sum, n) => sum + n, 0)
          const orderable = Math.max(pickupUnits, p.available.central)
          return (
            <View id="product-detail">
              <CoverImage className="product-cover" src={p.images[0] ?? null} id="product-cover" />
              <View className="product-head">
                <View className="product-head__name" id="product-name">
                  {p.name}
                </View>
                <View className="product-head__price" id="product-price">
                  {formatFen(p.priceFen)}
                </View>
                {p.description !== '' && (
                  <View className="product-head__text">{p.description}</View>
                )}
              </View>
              <Section title="库存" id="product-stock">
                <View className="product-stock">
                  到店自提：
                  {storesWithStock.length > 0
                    ? `${storesWithStock.length} 家门店有货，共 ${pickupUnits} 件`
                    : '门店暂时缺货'}
                </View>
                <View className="product-stock">
                  快递到家：
                  {p.available.central > 0 ? `仓库有货 ${p.available.central} 件` : '仓库暂时缺货'}
                </View>
              </Section>
              <View className="product-actions">
                <View className="product-actions__slot">
                  <ActionButton
                    block
                    kind="secondary"
                    id="add-to-cart"
                    disabled={orderable <= qtyInCart || qtyInCart >= MAX_QTY}
                    onTap={addToCart}
                  >
                    {qtyInCart > 0 ? `加入购物车（已有 ${qtyInCart} 件）` : '加入购物车'}
                  </ActionButton>
                </View>
                <View className="product-actions__slot">
                  <ActionButton
                    block
                    id="buy-now"
                    disabled={orderable === 0}
                    onTap={() =>
                      void Taro.navigateTo({ url: withQuery(ROUTES.checkout, { buy: productId }) })
                    }
                  >
                    {orderable === 0 ? '暂时缺货' : '立即购买'}
                  </ActionButton>
                </View>
              </View>
            </View>
          )
        }}
      </QueryView>
    </PageShell>
  )
}
