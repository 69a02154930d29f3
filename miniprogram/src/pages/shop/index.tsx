import { View } from '@tarojs/components'
import { useState } from 'react'
import type { ApiResult } from '../../api'
import { EmptyState } from '../../components/empty-state'
import { PageShell } from '../../components/page-shell'
import { QueryView } from '../../components/query-view'
import { Skeleton } from '../../components/skeleton'
import { usePullDownRefreshOf } from '../../hooks/use-pull-down-refresh'
import { useQuery } from '../../hooks/use-query'
import { formatFen } from '../../lib/format'
import './index.scss'

interface ProductSummary {
  productId: string
  name: string
  priceFen: number
}

type Fulfilment = 'pickup' | 'delivery'

// Products come from `shop.products`, which arrives with the shop issue. Until then the list is
// empty rather than invented; the page's states are already real.
async function loadProducts(): Promise<ApiResult<ProductSummary[]>> {
  return { ok: true, data: [] }
}

export default function ShopPage() {
  const products = useQuery(loadProducts)
  usePullDownRefreshOf(products.refresh)
  const [fulfilment, setFulfilment] = useState<Fulfilment>('pickup')

  return (
    <PageShell>
      <View className='fulfilment-switch'>
        {(
          [
            ['pickup', '到店自提'],
            ['delivery', '快递到家'],
          ] as const
        ).map(([value, label]) => (
          <View
            key={value}
            className={value === fulfilment ? 'fulfilment-switch__option fulfilment-switch__option--on' : 'fulfilment-switch__option'}
            onClick={() => setFulfilment(value)}
          >
            {label}
          </View>
        ))}
      </View>
      <QueryView
        query={products}
        skeleton={<Skeleton variant='list' rows={4} />}
        isEmpty={(list) => list.length === 0}
        empty={
          <EmptyState
            glyph='购'
            title='商品正在上架'
            description={fulfilment === 'pickup' ? '上架后可在线下单，到附近门店自提' : '上架后可在线下单，快递送货到家'}
          />
        }
      >
        {(list) => (
          <View className='product-list'>
            {list.map((product) => (
              <View key={product.productId} className='product-item'>
                <View className='product-item__name'>{product.name}</View>
                <View className='product-item__price'>{formatFen(product.priceFen)}</View>
              </View>
            ))}
          </View>
        )}
      </QueryView>
    </PageShell>
  )
}
