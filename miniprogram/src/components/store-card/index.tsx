import { View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import { useEffect, useState } from 'react'
import type { StoreCard as Store } from '../../../../shared/platform/contract/common'
import { distanceMetres } from '../../../../shared/shop/rules/store-distance'
import { formatDistance } from '../../lib/format'
import { shopperLocation } from '../../lib/location'
import './index.scss'

interface StoreCardProps {
  store: Store
  /** What the card is for, e.g. "自提门店" or "领取门店". */
  title: string
  id?: string
}

/**
 * Where to collect a pickup order or a gift: the store's name, address, opening hours, how far it
 * is from the shopper (when they share their location) and a way there (`openLocation` shows
 * the map with navigation on WeChat).
 */
export function StoreCard({ store, title, id }: StoreCardProps) {
  const [distanceM, setDistanceM] = useState<number | null>(null)
  const location = store.location
  useEffect(() => {
    if (!location) return undefined
    let current = true
    void shopperLocation().then((here) => {
      if (current && here) setDistanceM(distanceMetres(here, location))
    })
    return () => {
      current = false
    }
  }, [location?.lat, location?.lng])

  const navigate = () => {
    if (!location) return
    void Taro.openLocation({
      latitude: location.lat,
      longitude: location.lng,
      name: store.name,
      address: store.address,
      scale: 16,
    })
  }

  return (
    <View className="store-card" id={id}>
      <View className="store-card__eyebrow">{title}</View>
      <View className="store-card__head">
        <View className="store-card__name" id={id ? `${id}-name` : undefined}>
          {store.name}
        </View>
        {distanceM !== null && (
          <View className="store-card__distance" id={id ? `${id}-distance` : undefined}>
            距你 {formatDistance(distanceM)}
          </View>
        )}
      </View>
      <View className="store-card__line">地址：{store.address}</View>
      {store.hours && <View className="store-card__line">营业时间：{store.hours}</View>}
      {location && (
        <View
          className="store-card__navigate"
          id={id ? `${id}-navigate` : undefined}
          hoverClass="store-card__navigate--pressed"
          onClick={navigate}
        >
          查看地图 · 导航
        </View>
      )}
    </View>
  )
}
